// `klp-studio check [PATH...]`: the single-module rules and, for folders that hold a
// series, the series rules, printed gcc-style (default), as JSON or as SARIF 2.1.0.
// Exit status 1 when an error is reported, 0 otherwise, 2 for bad usage.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../main';
import { choice, option, parseArgs, UsageError } from '../io';
import { initParser } from '../../../core/src/cparse/parser';
import { loadProject } from '../../../core/src/workspace/project';
import { runModuleRules, RULES } from '../../../core/src/rules';
import { sortFindings, type Finding } from '../../../core/src/findings';
import { formatJson, formatSarif, formatText } from '../../../core/src/report/formats';
import { nodeHost } from '../../../common/src/nodeHost';
import { DEFAULT_MAX_FILE_KB, FileSizeLimit } from '../../../common/src/sizeLimit';
import { seriesFindingsForFolders } from '../seriesFindings';

const USAGE = `usage: klp-studio check [PATH...] [--format text|json|sarif] [--no-series] [--kernel-api LEVEL] [--max-file-size KB]

Checks livepatch modules: PATHs are C files or folders (default: .); folders are searched
for C sources (node_modules and .git are skipped). Folders that hold a klp.series file are
also checked as a series (one livepatch module per line, oldest first).

  --format text|json|sarif   output format (default text: FILE:LINE:COL: severity: message [CODE])
  --no-series                skip the series rules
  --kernel-api LEVEL         upstream | state-callbacks | auto (default: what each module uses);
                             the rules of the proposed state-callbacks API are KLP070-KLP078
  --max-file-size KB         files larger than this are not analysed (said on stderr);
                             default ${DEFAULT_MAX_FILE_KB}, 0 for no limit
exit status: 1 when an error is reported, 0 otherwise, 2 for bad usage`;

export const command: Command = {
  summary: 'report mistakes in livepatch modules and series (gcc-style, JSON or SARIF)',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, ['--format', '--kernel-api', '--max-file-size'], ['--no-series']);
    const maxKB = option(args, '--max-file-size');
    if (maxKB !== undefined && !/^\d+$/.test(maxKB)) throw new UsageError(`--max-file-size must be a number of KiB (got '${maxKB}')`);
    const limit = new FileSizeLimit(maxKB === undefined ? DEFAULT_MAX_FILE_KB : Number(maxKB));
    const host = limit.wrap(nodeHost);
    const kernelApi = choice(args, '--kernel-api', ['auto', 'upstream', 'state-callbacks'] as const, 'auto');
    const format = choice(args, '--format', ['text', 'json', 'sarif'] as const, 'text');
    const inputs = (args.positionals.length ? args.positionals : ['.']).map((p) => path.resolve(io.cwd, p));
    const targets: { path: string; isDirectory: boolean }[] = [];
    for (const p of inputs) {
      let st: fs.Stats;
      try {
        st = fs.statSync(p);
      } catch {
        throw new UsageError(`${path.relative(io.cwd, p) || p}: No such file or directory`);
      }
      targets.push({ path: p, isDirectory: st.isDirectory() });
    }
    await initParser();
    const progress = io.isTTY
      ? (done: number, total: number, name: string) => io.err(done < total ? `\r\x1b[Kchecking ${done + 1}/${total} ${name}` : '\r\x1b[K')
      : undefined;
    const project = loadProject(targets, host, progress);
    const findings: Finding[] = [];
    for (const m of project.modules) {
      findings.push(...runModuleRules(m, { lookupFunction: (name) => project.functions.get(name) ?? [], kernelApi }));
    }
    if (!args.flags.has('--no-series')) {
      findings.push(...seriesFindingsForFolders(targets.filter((t) => t.isDirectory).map((t) => t.path), project.modules, host, { kernelApi }));
    }
    const sorted = sortFindings(dedupe(findings));
    const show = (f: string) => {
      const rel = path.relative(io.cwd, f);
      return rel && !rel.startsWith('..') ? rel : f;
    };
    for (const f of [...limit.skipped.keys()].sort()) io.err(`klp-studio check: ${show(f)}: ${limit.message(f, '--max-file-size')}\n`);
    if (format === 'json') io.out(formatJson(sorted, show));
    else if (format === 'sarif') io.out(formatSarif(sorted, show, RULES));
    else io.out(formatText(sorted, show));
    return sorted.some((f) => f.severity === 'error') ? 1 : 0;
  },
};

function dedupe(list: Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const k = `${f.file}:${f.range.start.line}:${f.range.start.character}:${f.code}:${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
