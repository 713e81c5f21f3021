// klp-build source patches (Linux 6.19+ scripts/livepatch/klp-build) as livepatch sources.
// Owns `.patch`/`.diff` files in `check`, in a klp.series and in the editor
// (docs/KLP-BUILD.md). Pure: files through a FileHost; initParser() first.
//
//   parseUnifiedDiff(text)                      ./diff.ts: files and hunks, line-numbered problems
//   applyFileDiff(file, original)               ./apply.ts: the patched text, line maps to the patch
//   analyzePatch(patch, host, {kernelTree})     ./analyze.ts: functions changed/new/removed with
//                                               their objects, callbacks, shadow calls; approximate
//                                               without a tree; klp-tmp's diff log preferred
//   patchModuleModel(analysis)                  ./module.ts: the ModuleModel of livepatch-<name>
//   checkPatch(patch, host, options)            analysis + findings (KLP100–KLP113) + model
//   patchModelFor / withKernelTree              ./series.ts: patches in a klp.series
//   hunkAt(analysis, line)                      what a hunk of the patch changes (editor hover)
import type { FileHost } from '../host';
import { sortFindings, type Finding } from '../findings';
import type { ModuleModel } from '../model';
import { ruleInfo } from '../rules/catalogue';
import { analyzePatch, type PatchAnalysis, type PatchFunction, type PatchOptions } from './analyze';
import { patchModuleModel } from './module';
import { patchFindings } from './pitfalls';

export * from './analyze';
export { parseUnifiedDiff } from './diff';
export { applyFileDiff } from './apply';
export { patchModuleModel } from './module';
export { parseDiffLog, readDiffLog } from './log';
export { enclosingKernelTree, isKernelTree, objectOfFile } from './kbuild';

export interface PatchCheck {
  analysis: PatchAnalysis;
  findings: Finding[];
  model: ModuleModel;
}

/** Reads and checks the source patch PATCH (TEXT: an editor buffer, else read through HOST). */
export function checkPatch(patch: string, host: FileHost, options: PatchOptions = {}, text?: string): PatchCheck {
  const analysis = analyzePatch(patch, host, options, text);
  const findings = sortFindings(patchFindings(analysis, (code) => ruleInfo(code)?.severity ?? 'warning'));
  return { analysis, findings, model: patchModuleModel(analysis) };
}

/** The hunk of the patch at 0-based LINE and the functions its changed lines belong to. */
export function hunkAt(a: PatchAnalysis, line: number): { file: string; object?: string; objectHow?: string; header: number; functions: PatchFunction[]; otherLines: number } | undefined {
  for (const f of a.files) {
    const h = f.diff.hunks.find((x) => x.headerLine <= line && line <= x.endLine);
    if (!h) continue;
    const inHunk = (l: number) => l >= h.headerLine && l <= h.endLine;
    const functions = a.functions.filter((fn) => fn.file === f.diff.path && fn.patchLines.some(inHunk));
    const otherLines = f.comparison.otherLines.filter(inHunk).length;
    return { file: f.diff.path, object: f.object?.object, objectHow: f.object?.how, header: h.headerLine, functions, otherLines };
  }
  return undefined;
}

/** One line per function, for the CLI and hovers: `vmlinux: cmdline_proc_show (changed)`. */
export function describeFunctions(a: PatchAnalysis): string[] {
  return a.functions.map((f) => `${f.object ?? `${f.file} (header)`}: ${f.name} (${f.status}${f.approximate ? ', from the hunks' : ''})`);
}
