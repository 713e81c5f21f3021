// `klp-studio series [DIR] [--format text|json] [--infer]`: the series analysis of DIR's
// klp.series (or of every klp.series folder under DIR): a table per upgrade step, then the
// series findings gcc-style. With no klp.series at all DIR is no series: its livepatch
// modules are named as the klp.series to write (../noSeries.ts), and only --infer analyses
// them in natural name order, saying so. Exit status 1 when the kernel would refuse a step,
// an error is found or there is no series, 0 otherwise, 2 for bad usage.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../main';
import { choice, flag, inputFolder, parseArgs, showPath, UsageError } from '../io';
import { initParser } from '../../../core/src/cparse/parser';
import { sortFindings } from '../../../core/src/findings';
import { formatText, formatJson } from '../../../core/src/report/formats';
import { nodeHost } from '../../../common/src/nodeHost';
import { checkSeries, findSeriesDirs, formatSeriesText, modelProvider, seriesToJson, SERIES_FILE } from '../../../core/src/series';
import { seriesApiLevel } from '../../../core/src/rules/stateApi';
import { formatProposalView, proposalView } from '../../../core/src/series/stateApiView';
import { plural } from '../../../core/src/series/format';
import { patchModelNotes, withKernelTree } from '../../../core/src/klpbuild/series';
import { kernelTreeOption } from '../kernelTree';
import { folderName, noSeriesMessage, shellWord, unorderedModules } from '../noSeries';

const USAGE = `usage: klp-studio series [DIR] [--format text|json] [--kernel-api LEVEL]
                         [--kernel-tree DIR] [--infer]

Analyses the livepatch series of DIR (default: .): the ${SERIES_FILE} file there
(one module name or source path per line, oldest first, # comments), else every
folder under DIR that has one. Without any, DIR is no series: the command names
the livepatch modules directly in DIR, in natural name order (lp_v2 before
lp_v10), as the ${SERIES_FILE} to write, and exits 1. For each step
(patch N installed over what the steps before left) it shows what happens to
each function (new, re-patched, unchanged, reverted by a NOP), to each system
state (by the kernel's compatibility rule), to shadow variables, and which
callbacks of replaced patches never run; then version skips, the downgrade
path, and the series findings, gcc-style (docs/SERIES.md).

  --format text|json   output format (default text)
  --infer              when there is no ${SERIES_FILE} in or below DIR: analyse the
                       livepatch modules directly in DIR in natural name order
                       (a preview; the output says the order is inferred)
  --kernel-tree DIR    the kernel tree the series' .patch lines apply to
                       (default: the tree enclosing each patch, else the
                       working directory's; docs/KLP-BUILD.md)
  --kernel-api LEVEL   upstream, state-callbacks or auto (default: the proposal
                       iff a module uses it). Under state-callbacks (semantics
                       §12, not merged) a section tells what the series means
                       under the proposed API: which callbacks stop running,
                       which state callbacks run, which shadow variables
                       is_shadow would free, and when (docs/STATE-CALLBACKS.md)
exit status: 1 when the kernel would refuse a step, an error is found, the
series has problems or DIR holds no series (no ${SERIES_FILE}, without --infer);
0 otherwise; 2 for bad usage or a
DIR that is missing or not a folder`;

const OPTIONS = { valued: ['--format', '--kernel-api', '--kernel-tree'], switches: ['--infer'] };

export const command: Command = {
  summary: 'what each cumulative upgrade of a series does, step by step',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const args = parseArgs(argv, OPTIONS.valued, OPTIONS.switches);
    const format = choice(args, '--format', ['text', 'json'] as const, 'text');
    const kernelApi = choice(args, '--kernel-api', ['auto', 'upstream', 'state-callbacks'] as const, 'auto');
    if (args.positionals.length > 1) throw new UsageError(`one DIR at most (got ${args.positionals.map((p) => `'${p}'`).join(', ')})`);
    const given = args.positionals[0] ?? '.';
    const dir = inputFolder(io, given, 'give the folder of the series');
    await initParser();

    const own = fs.existsSync(path.join(dir, SERIES_FILE));
    const show = (f: string) => showPath(io, f);
    const dirs = own ? [dir] : findSeriesDirs(dir, nodeHost);
    const provide = withKernelTree(modelProvider(nodeHost), nodeHost, kernelTreeOption(io, args));
    if (!dirs.length && !flag(args, '--infer')) {
      // No klp.series anywhere: no guessed order is analysed (one meaning of series, issue 16).
      const modules = unorderedModules(dir, provide);
      const shown = show(dir);
      if (modules.length) {
        io.err(noSeriesMessage('klp-studio series: ', dir, shown, `${folderName(shown)} or below it`, modules, `klp-studio series --infer ${shellWord(shown)}`));
      } else {
        io.err(`klp-studio series: no series in ${shown}: no ${SERIES_FILE} in it or below it, and no livepatch module directly in it\n`);
      }
      if (format === 'json') io.out('[]\n');
      return 1;
    }
    if (!dirs.length) dirs.push(dir); // --infer: DIR's modules in natural name order
    const results = dirs.map((d) => checkSeries(d, nodeHost, provide, { kernelApi }));
    for (const { report } of results) for (const n of patchModelNotes(report.patches.map((p) => p.model), show)) io.err(`${n}\n`);

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
        io.err(`klp-studio series: no series in ${show(report.dir)}: no ${SERIES_FILE} in it or below it, and no livepatch module directly in it\n`);
        status = 1;
        continue;
      }
      if (format === 'json') {
        json.push({ ...(seriesToJson(report, show) as object), findings: JSON.parse(formatJson(sorted, show)), ...(proposal ? { stateCallbacks: JSON.parse(JSON.stringify(proposal, (k, v) => (v && typeof v === 'object' && typeof v.file === 'string' && v.range ? { file: show(v.file), line: v.range.start.line + 1, column: v.range.start.character + 1 } : v))) } : {}) });
      } else {
        const n = (s: string[]) => sorted.filter((f) => s.includes(f.severity)).length;
        const counts = `${plural(n(['error']), 'error')}, ${plural(n(['warning']), 'warning')}, ${plural(n(['info', 'hint']), 'note')}`;
        let tables = formatSeriesText(report, show);
        if (proposal?.writtenFor === 'upstream' && report.steps.length) {
          // The tables are today's kernel (what the modules are written for); say so before them.
          const at = tables.indexOf('\n\n');
          tables = tables.slice(0, at) + "\n  the tables are today's kernel API, which the series is written for; its run under the\n  proposed state-callbacks API (--kernel-api) follows them" + tables.slice(at);
        }
        texts.push(tables + (proposal ? '\n' + formatProposalView(proposal, show) : '') + (sorted.length ? `\nfindings (${counts}):\n${formatText(sorted, show)}` : '\nno series findings\n'));
      }
    }
    if (format === 'json') io.out(JSON.stringify(json, null, 2) + '\n');
    else io.out(texts.join('\n'));
    return status;
  },
};
