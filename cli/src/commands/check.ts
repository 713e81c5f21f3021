// `klp-studio check [PATH...]`: the single-module rules and, for folders that hold a
// series, the series rules, printed gcc-style (default, with a summary line on stderr), as
// JSON or as SARIF 2.1.0. Exit status 1 when an error is reported, 0 otherwise, 2 for bad
// usage or a missing PATH.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from '../main';
import { choice, errnoText, InputError, option, parseArgs, showPath, UsageError, type CliIO } from '../io';
import { initParser } from '../../../core/src/cparse/parser';
import { loadProject } from '../../../core/src/workspace/project';
import { runModuleRules, RULES } from '../../../core/src/rules';
import { isLivepatchModule } from '../../../core/src/rules/context';
import { cumulativeExpected } from '../../../core/src/rules/cumulative';
import { sortFindings, type Finding } from '../../../core/src/findings';
import { formatJson, formatSarif, formatText } from '../../../core/src/report/formats';
import { nodeHost } from '../../../common/src/nodeHost';
import { DEFAULT_MAX_FILE_KB, FileSizeLimit } from '../../../common/src/sizeLimit';
import { seriesFindingsForFiles } from '../../../core/src/series';
import { plural } from '../../../core/src/series/format';

const USAGE = `usage: klp-studio check [PATH...] [--format text|json|sarif] [--no-series]
                        [--kernel-api LEVEL] [--max-file-size KB]

Checks livepatch modules with the KLP0NN rules (docs/RULES.md). PATHs are C
files or folders (default: .); folders are searched for modules whose sources
mention the livepatch API (klp_...), skipping .gitignore'd paths, node_modules,
.git and build output. A folder that holds a klp.series file is also checked
as a series (docs/SERIES.md); a klp.series line naming a missing module is an
error.

  --format FORMAT      text (default: FILE:LINE:COL: severity: message [CODE],
                       one line each, with a summary line on stderr), json, or
                       sarif (SARIF 2.1.0, for code-scanning upload)
  --no-series          skip the series rules
  --kernel-api LEVEL   upstream, state-callbacks or auto (default: what each
                       module uses); the proposal's rules are KLP070-KLP078
  --max-file-size KB   files larger than this are not analysed (said on
                       stderr); default ${DEFAULT_MAX_FILE_KB}, 0 for no limit
exit status: 1 when an error is reported, 0 otherwise (also when no livepatch
module is found: stderr says so), 2 for bad usage or a missing PATH`;

const OPTIONS = { valued: ['--format', '--kernel-api', '--max-file-size'], switches: ['--no-series'] };

/** What `check` reads as C: sources and headers. */
const C_FILE = /\.[ch]$/;

export const command: Command = {
  summary: 'report mistakes in livepatch modules and series',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const args = parseArgs(argv, OPTIONS.valued, OPTIONS.switches);
    const maxKB = option(args, '--max-file-size');
    if (maxKB !== undefined && !/^\d+$/.test(maxKB)) throw new UsageError(`--max-file-size must be a number of KiB (got '${maxKB}')`);
    const limit = new FileSizeLimit(maxKB === undefined ? DEFAULT_MAX_FILE_KB : Number(maxKB));
    const host = limit.wrap(nodeHost);
    const kernelApi = choice(args, '--kernel-api', ['auto', 'upstream', 'state-callbacks'] as const, 'auto');
    const format = choice(args, '--format', ['text', 'json', 'sarif'] as const, 'text');
    const given = args.positionals.length ? args.positionals : ['.'];
    const targets: { path: string; isDirectory: boolean }[] = [];
    const notes: string[] = [];
    for (const g of given) {
      const p = path.resolve(io.cwd, g);
      let st: fs.Stats;
      try {
        st = fs.statSync(p);
      } catch (e) {
        throw new InputError(`${g}: ${errnoText(e)}`);
      }
      if (!st.isDirectory() && !C_FILE.test(p)) {
        notes.push(`${g}: not a C source (.c or .h): skipped`);
        continue;
      }
      targets.push({ path: p, isDirectory: st.isDirectory() });
    }
    await initParser();
    const progress = io.isTTY
      ? (done: number, total: number, name: string) => io.err(done < total ? `\r\x1b[Kchecking ${done + 1}/${total} ${name}` : '\r\x1b[K')
      : undefined;
    const scanning = io.isTTY ? (files: number) => io.err(`\r\x1b[Kreading sources: ${files} files`) : undefined;
    const project = loadProject(targets, host, progress, limit.maxBytes, scanning);
    const findings: Finding[] = [];
    // Rules about a livepatch apply to livepatch modules only: the livepatch core and other
    // kernel code that merely mention the API get nothing.
    const inDeclaredSeries = (dir: string) => host.readFile(path.join(dir, 'klp.series')) !== undefined;
    for (const m of project.modules) {
      if (!isLivepatchModule(m)) continue;
      findings.push(...runModuleRules(m, {
        lookupFunction: (name) => project.functions.get(name) ?? [], kernelApi,
        cumulativeExpected: cumulativeExpected(m, project.modules, inDeclaredSeries),
      }));
    }
    if (!args.flags.has('--no-series')) {
      findings.push(...seriesFindingsForFiles(project.seriesFiles, host, project.modules, { kernelApi }));
    }
    const sorted = sortFindings(dedupe(findings));
    const show = (f: string) => showPath(io, f);
    for (const n of notes) io.err(`klp-studio check: ${n}\n`);
    for (const f of [...limit.skipped.keys()].sort()) io.err(`klp-studio check: ${show(f)}: ${limit.message(f, '--max-file-size')}\n`);
    const livepatches = project.modules.filter(isLivepatchModule).length;
    if (!livepatches) io.err(`klp-studio check: no livepatch module in ${given.join(', ')} (no C source there defines a struct klp_patch)\n`);
    if (format === 'json') io.out(formatJson(sorted, show));
    else if (format === 'sarif') io.out(formatSarif(sorted, (f) => sarifUri(io, f), RULES));
    else {
      io.out(formatText(sorted, show));
      const count = (s: Finding['severity'][]) => sorted.filter((f) => s.includes(f.severity)).length;
      if (project.modules.length || sorted.length) io.err(`klp-studio check: ${plural(project.modules.length, 'module')} (${plural(livepatches, 'livepatch', 'livepatches')}): `
        + `${plural(count(['error']), 'error')}, ${plural(count(['warning']), 'warning')}, ${plural(count(['info', 'hint']), 'note')}\n`);
    }
    return sorted.some((f) => f.severity === 'error') ? 1 : 0;
  },
};

/**
 * A SARIF artifactLocation.uri is a URI reference (RFC 3986): relative to the current folder
 * (the checkout, in CI) with each segment percent-encoded, else an absolute file: URL.
 */
export function sarifUri(io: CliIO, file: string): string {
  const shown = showPath(io, file);
  return path.isAbsolute(shown) ? pathToFileURL(shown).href : shown.split(path.sep).map(encodeURIComponent).join('/');
}

function dedupe(list: Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const k = `${f.file}:${f.range.start.line}:${f.range.start.character}:${f.code}:${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
