// Source patches as members of a series: a `klp.series` line that names a `.patch` (or
// `.diff`) stands for the livepatch module klp-build builds from it (`livepatch-<name>`,
// replace = true), each patch read against the original kernel tree (klp-build builds every
// cumulative patch from the unpatched sources). The one door core/src/series uses. Pure.
import type { FileHost } from '../host';
import type { ModuleModel } from '../model';
import { analyzePatch, isSourcePatch, klpBuildModuleName, type PatchAnalysis } from './analyze';
import { patchModuleModel } from './module';
import { walk } from '../workspace/modules';

export { isSourcePatch } from './analyze';

export interface PatchSeriesOptions {
  /** The kernel tree; default: the tree enclosing each patch. */
  kernelTree?: string;
  /** The tree for patches that no tree encloses. */
  fallbackTree?: string;
}

/** A series line naming a patch: its module name and file, or why it cannot be used. */
export function resolvePatchSpec(spec: string, dir: string, host: FileHost): { name: string; files: string[]; error?: string } {
  const path = spec.startsWith('/') ? spec : dir === '.' ? spec : `${dir.replace(/\/+$/, '')}/${spec}`;
  const name = klpBuildModuleName(path).replace(/-/g, '_');
  if (host.readFile(path) === undefined) return { name, files: [], error: `no such patch file: ${spec}` };
  return { name, files: [path] };
}

const analyses = new WeakMap<ModuleModel, PatchAnalysis>();

/** The model of the livepatch module built from the patch FILES[0], or undefined when it is not a patch. */
export function patchModelFor(name: string, files: string[], host: FileHost, options: PatchSeriesOptions = {}): ModuleModel | undefined {
  if (!isSourcePatch(files[0])) return undefined;
  const a = analyzePatch(files[0], host, options);
  const m = patchModuleModel(a, { name });
  analyses.set(m, a);
  return m;
}

/** The analysis a patch model was built from (undefined for a C module). */
export function patchAnalysisOf(m: ModuleModel): PatchAnalysis | undefined {
  return analyses.get(m);
}

/**
 * BASE (a series model provider) with patches read against KERNELTREE: the CLI's
 * `--kernel-tree`. Each patch is analysed once per provider.
 */
export function withKernelTree(base: (name: string, files: string[]) => ModuleModel, host: FileHost, trees: PatchSeriesOptions = {}): (name: string, files: string[]) => ModuleModel {
  const cache = new Map<string, ModuleModel>();
  return (name, files) => {
    if (!isSourcePatch(files[0])) return base(name, files);
    const key = `${name}\u0000${files[0]}`;
    let m = cache.get(key);
    if (!m) { m = patchModelFor(name, files, host, trees)!; cache.set(key, m); }
    return m;
  };
}

/** Notes for a CLI about the patches of a series: approximate readings and patch problems. */
export function patchModelNotes(models: Iterable<ModuleModel>, show: (f: string) => string): string[] {
  const out: string[] = [];
  for (const m of models) {
    const a = patchAnalysisOf(m);
    if (!a) continue;
    if (a.approximate) out.push(`${show(a.patch)}: note: no kernel tree (Makefile, Kconfig and kernel/ above the patch; or --kernel-tree DIR): functions read from the hunks only, approximate`);
    for (const p of a.problems) out.push(`${show(a.patch)}:${p.line + 1}: ${p.severity}: ${p.message}`);
  }
  return out;
}

/**
 * The livepatch module NAME built from a source patch in DIRS (searched like module
 * sources: each folder and below): `livepatch_fix` is `fix.patch` or `fix.diff`. For the
 * simulator, so that a scenario may `insmod livepatch_fix.ko`. Undefined when none.
 */
export function findPatchModule(name: string, dirs: string[], host: FileHost, options: PatchSeriesOptions = {}): ModuleModel | undefined {
  if (!name.startsWith('livepatch_')) return undefined;
  for (const d of dirs) {
    const hit = walk(d, host, (n) => isSourcePatch(n) && klpBuildModuleName(n) === name)[0];
    if (hit) return patchModelFor(name, [hit], host, options);
  }
  return undefined;
}
