// `klp-studio series [DIR] [--format text|json]`: the series analysis of DIR's klp.series
// (or of every klp.series folder under DIR, or, with none, of DIR's livepatch modules in
// natural name order): a table per upgrade step, then the series findings gcc-style.
// Exit status 1 when the kernel would refuse a step or an error is found, 0 otherwise,
// 2 for bad usage.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../main';
import { choice, parseArgs, UsageError } from '../io';
import { initParser } from '../../../core/src/cparse/parser';
import { sortFindings } from '../../../core/src/findings';
import { formatText, formatJson } from '../../../core/src/report/formats';
import { nodeHost } from '../../../common/src/nodeHost';
import { checkSeries, findSeriesDirs, formatSeriesText, modelProvider, seriesToJson, SERIES_FILE } from '../../../core/src/series';
import { seriesApiLevel } from '../../../core/src/rules/stateApi';
import { formatProposalView, proposalView } from '../../../core/src/series/stateApiView';

const USAGE = `usage: klp-studio series [DIR] [--format text|json] [--kernel-api LEVEL]

Analyzes the livepatch series of DIR (default: .): the ${SERIES_FILE} file there (one module
name or source path per line, oldest first, # comments), else every folder under DIR that
has one, else the livepatch modules directly in DIR in natural name order (lp_v2 before
lp_v10; the output says so). For each step (patch N installed over what the steps before
left), it shows what happens to each function (new, re-patched, unchanged, reverted by a
NOP), to each system state (by the kernel's compatibility rule), to shadow variables, and
which callbacks of replaced patches never run; then version skips, the downgrade path, and
the series findings (KLP021 KLP022 KLP024 KLP032 KLP042 KLP043 KLP051 KLP052).

  --format text|json   output format (default text)
  --kernel-api LEVEL   upstream | state-callbacks | auto (default: state-callbacks iff a
                       module uses it). Under state-callbacks (semantics §12, not merged) a
                       section shows what the series means under the proposed API: which
                       callbacks stop running, which state callbacks run, which shadow
                       variables is_shadow would free, and when (docs/STATE-CALLBACKS.md)
exit status: 1 when the kernel would refuse a step or an error is found, 0 otherwise,
2 for bad usage`;

export const command: Command = {
  summary: 'what each cumulative upgrade of a series does, checked before it reaches a machine',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, ['--format', '--kernel-api'], []);
    const format = choice(args, '--format', ['text', 'json'] as const, 'text');
    const kernelApi = choice(args, '--kernel-api', ['auto', 'upstream', 'state-callbacks'] as const, 'auto');
    if (args.positionals.length > 1) throw new UsageError('at most one DIR');
    const dir = path.resolve(io.cwd, args.positionals[0] ?? '.');
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
    } catch {
      throw new UsageError(`${args.positionals[0] ?? '.'}: No such file or directory`);
    }
    if (!st.isDirectory()) throw new UsageError(`${args.positionals[0]}: not a directory (give the folder of the series)`);
    await initParser();

    const own = fs.existsSync(path.join(dir, SERIES_FILE));
    const dirs = own ? [dir] : findSeriesDirs(dir, nodeHost);
    if (!dirs.length) dirs.push(dir); // inferred series of DIR itself
    const show = (f: string) => {
      const rel = path.relative(io.cwd, f);
      return rel && !rel.startsWith('..') ? rel : f || '.';
    };
    const provide = modelProvider(nodeHost);
    const results = dirs.map((d) => checkSeries(d, nodeHost, provide, { kernelApi }));

    let status = 0;
    const texts: string[] = [];
    const json: unknown[] = [];
    for (const { report, findings } of results) {
      const sorted = sortFindings(findings);
      // Under the proposed API (semantics §12) its own run decides which steps the kernel refuses.
      const proposal = report.patches.length && seriesApiLevel(report, kernelApi) === 'state-callbacks' ? proposalView(report) : undefined;
      const refused = proposal ? proposal.steps.some((s) => s.action === 'insmod' && s.result['state-callbacks'] === 'refused') : report.steps.some((s) => !s.main.accepted);
      if (report.problems.length || sorted.some((f) => f.severity === 'error') || refused) status = 1;
      if (!report.patches.length && report.inferred) {
        texts.push(`series ${report.name}: no livepatch modules directly in ${show(report.dir)} and no ${SERIES_FILE} below it\n`);
        status = 1;
        continue;
      }
      if (format === 'json') {
        json.push({ ...(seriesToJson(report, show) as object), findings: JSON.parse(formatJson(sorted, show)), ...(proposal ? { stateCallbacks: JSON.parse(JSON.stringify(proposal, (k, v) => (v && typeof v === 'object' && typeof v.file === 'string' && v.range ? { file: show(v.file), line: v.range.start.line + 1, column: v.range.start.character + 1 } : v))) } : {}) });
      } else {
        const counts = (['error', 'warning', 'info'] as const).map((s) => `${sorted.filter((f) => f.severity === s).length} ${s === 'info' ? 'note' : s}(s)`).join(', ');
        texts.push(formatSeriesText(report, show) + (proposal ? '\n' + formatProposalView(proposal, show) : '') + (sorted.length ? `\nfindings (${counts}):\n${formatText(sorted, show)}` : '\nno series findings\n'));
      }
    }
    if (format === 'json') io.out(JSON.stringify(json, null, 2) + '\n');
    else io.out(texts.join('\n'));
    return status;
  },
};
