// `npm run bench` (bench/run.mjs -> here): every performance target of docs/PERFORMANCE.md in
// one run, each printed with its limit, the measured median and the ratio, then the details.
// Not a test: nothing fails the build; the exit status is 0 unless the benchmark itself
// breaks. Options: --quick (fewer runs), --only a,b,c,d,e,f,g (sections; g: a kernel tree), --profile DIR (CPU
// profile of the server during the 50,000-line edits: summarised at the end),
// --json FILE (all figures as JSON).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundles } from './bundles';
import { editLatency, median, memoryOverEdits, series, startup, type EditResult } from './lsp';
import { scaling } from './sim';
import { checkVsGrep, editorOnTree, GREP_ARGS } from './kernelTree';

interface Row {
  id: string;
  target: string;
  limit: string;
  measured: string;
  /** measured / yardstick (relative limits) or measured / limit (absolute limits). */
  ratio: number;
  /** The ratio at which the target is met (1 for absolute limits, e.g. 2 for "<= 2x raw"). */
  max: number;
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

export async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = new Set((opt('--only') ?? 'a,b,c,d,e,f,g').split(','));
  const profileDir = opt('--profile');
  const jsonOut = opt('--json');
  const rows: Row[] = [];
  const details: string[] = [];
  const json: Record<string, unknown> = {};
  const started = Date.now();
  const say = (s: string) => process.stderr.write(`bench: ${s}\n`);

  details.push(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at start`);

  let big: EditResult | undefined;
  if (only.has('a') || only.has('d')) {
    say('(a) edits in a 200-line module');
    const small = await editLatency(200, quick ? 30 : 100);
    await small.dispose();
    rows.push({ id: 'a2', target: 'edit -> diagnostics, 200-line module (stdio)', limit: '<= 5 ms', measured: `${fmt(small.lsp)} ms (CPU ${fmt(small.lspCpu.main)})`, ratio: small.lsp / 5, max: 1 });
    details.push(`(a) 200 lines: ${small.edits} edits, edit->publishDiagnostics median ${fmt(small.lsp)} ms (raw reparse ${fmt(small.raw)} ms); server CPU per edit ${fmt(small.lspCpu.main)} ms main thread, ${fmt(small.lspCpu.all)} ms all threads; last run: ${JSON.stringify(small.stats.lastRun)}`);
    say('(a) edits in a 50,000-line module');
    big = await editLatency(50000, quick ? 20 : 40, 5, profileDir);
    rows.unshift({ id: 'a1', target: 'edit -> diagnostics, 50,000-line module (stdio)', limit: '<= 2x raw reparse', measured: `${fmt(big.lsp)} ms vs raw ${fmt(big.raw)} ms (CPU ${fmt(big.lspCpu.main)} vs ${fmt(big.rawCpu)})`, ratio: big.lsp / big.raw, max: 2 });
    const l = big.stats.lastRun;
    details.push(`(a) 50,000 lines: ${big.edits} edits interleaved with raw Tree.edit+Parser.parse of the same edit; medians ${fmt(big.lsp)} ms vs ${fmt(big.raw)} ms`);
    details.push(`    CPU per edit: server main thread ${fmt(big.lspCpu.main)} ms (${(big.lspCpu.main / big.rawCpu).toFixed(2)}x the raw reparse's ${fmt(big.rawCpu)} ms), all server threads ${fmt(big.lspCpu.all)} ms`);
    details.push(`    per-edit lsp: ${big.lspAll.map(fmt).join(' ')}`);
    details.push(`    per-edit raw: ${big.rawAll.map(fmt).join(' ')}`);
    details.push(`    last analysis run: ${fmt(l.ms)} ms, ${l.items} items, ${l.extracted} re-extracted, ${l.reused} reused, ${l.moved} moved, ${l.shifted} shifted; series runs ${l.series}`);
    say('(a) line breaks in a 50,000-line module');
    const breaks = await editLatency(50000, quick ? 20 : 40, 5, undefined, '\n');
    await breaks.dispose();
    const bl = breaks.stats.lastRun;
    rows.splice(1, 0, { id: 'a3', target: 'line break -> diagnostics, 50,000-line module', limit: '<= 2x raw reparse', measured: `${fmt(breaks.lsp)} ms vs raw ${fmt(breaks.raw)} ms (CPU ${fmt(breaks.lspCpu.main)} vs ${fmt(breaks.rawCpu)})`, ratio: breaks.lsp / breaks.raw, max: 2 });
    details.push(`(a) 50,000 lines, a line break typed and deleted: medians ${fmt(breaks.lsp)} ms vs ${fmt(breaks.raw)} ms; last run: ${bl.items} items, ${bl.moved} moved, ${bl.shifted} shifted, ${bl.assembled} assembled`);
    json.edit200 = { lsp: small.lsp, raw: small.raw, all: small.lspAll };
    json.edit50k = { lsp: big.lsp, raw: big.raw, lspAll: big.lspAll, rawAll: big.rawAll, stats: big.stats };
  }
  if (only.has('d') && big) {
    const n = quick ? 200 : 1000;
    say(`(d) RSS over ${n} edits of the 50,000-line module`);
    const samples = await memoryOverEdits(big, n);
    const peak = Math.max(big.rssOpen, ...samples.map(([, mb]) => mb));
    const base = samples[1]?.[1] ?? samples[0][1];
    const last = samples[samples.length - 1][1];
    rows.push({ id: 'd1', target: 'server RSS, 50,000-line module open', limit: '<= 200 MB', measured: `${peak.toFixed(0)} MB (peak)`, ratio: peak / 200, max: 1 });
    rows.push({ id: 'd2', target: `RSS flat over ${n} edits`, limit: `<= +10% after the first ${samples[1]?.[0] ?? 0}`, measured: `${base.toFixed(0)} -> ${last.toFixed(0)} MB`, ratio: last / base, max: 1.1 });
    details.push(`(d) RSS (MB) after opening: ${big.rssOpen.toFixed(0)}; after N edits: ${samples.map(([k, mb]) => `${k}: ${mb.toFixed(0)}`).join(', ')}`);
    json.memory = { open: big.rssOpen, samples };
  }
  if (big) {
    await big.dispose();
    if (profileDir) details.push(`profile of the 50,000-line server written to ${profileDir} (node bench/profile.mjs FILE)`);
  }
  if (only.has('b')) {
    say('(b) server start -> first diagnostics');
    const s = await startup(quick ? 3 : 7);
    rows.push({ id: 'b', target: 'server start -> first diagnostics, 200-line module', limit: '<= 300 ms', measured: `${fmt(s.firstDiagnostics)} ms (CPU ${fmt(s.cpu.main)})`, ratio: s.firstDiagnostics / 300, max: 1 });
    details.push(`(b) with the code cache (${s.codeCache.join(', ')}): spawn -> initialize answered (wasm loaded): ${fmt(s.initialize)} ms; -> first publishDiagnostics: ${fmt(s.firstDiagnostics)} ms; server CPU by then ${fmt(s.cpu.main)} ms main thread, ${fmt(s.cpu.all)} ms all threads; runs: ${s.all.map(fmt).join(' ')}`);
    details.push(`(b) cache off, interleaved: initialize ${fmt(s.noCache.initialize)} ms; first publishDiagnostics ${fmt(s.noCache.firstDiagnostics)} ms; CPU ${fmt(s.noCache.cpu.main)} ms main thread, ${fmt(s.noCache.cpu.all)} ms all threads; runs: ${s.noCache.all.map(fmt).join(' ')}`);
    details.push(`(b) first start into an empty cache folder (${s.cold.codeCache ?? 'none'}; writes the cache): ${fmt(s.cold.firstDiagnostics)} ms, CPU ${fmt(s.cold.cpu)} ms main thread`);
    json.startup = s;
  }
  if (only.has('c')) {
    const n = quick ? 30 : 100;
    say(`(c) a ${n}-patch series of 2,000-line modules`);
    const r = await series(n, 2000, quick ? 1 : 3, quick ? 3 : 8);
    rows.push({ id: 'c1', target: `index + series analysis, ${n} patches x 2,000 lines`, limit: '<= 1.5x sum of raw parses', measured: `${fmt(r.index)} ms vs raw ${fmt(r.rawParseSum)} ms (CPU ${fmt(r.indexCpu)} vs ${fmt(r.rawParseCpu)})`, ratio: r.index / r.rawParseSum, max: 1.5 });
    const s = r.seriesEdit.stats;
    const involved = n + 1; // steps that involve one patch of a cumulative chain (see docs/PERFORMANCE.md)
    rows.push({ id: 'c2', target: 'edit in one patch: modules / steps re-analysed', limit: `1 module, <= ${involved} of ${r.totalSteps} steps`, measured: `${s.modules} module, ${s.stepsComputed} steps (${s.stepsReused} reused)`, ratio: Math.max(s.modules, s.stepsComputed / involved), max: 1 });
    details.push(`(c) ${n} patches x ${r.linesEach} lines: raw parses ${fmt(r.rawParseSums.original)} ms in total (${fmt(r.rawParseSums.prepared)} ms of the prepared texts; the smaller is the yardstick); server index + analysis (its log) ${r.indexAll.map(fmt).join(' / ')} ms; ${r.findings} diagnostics published`);
    details.push(`    edit in a body (not series-relevant): ${fmt(r.bodyEdit.ms)} ms to diagnostics; run: ${JSON.stringify(r.bodyEdit.stats)}`);
    details.push(`    edit in a replacement body (series-relevant): ${fmt(r.seriesEdit.ms)} ms to diagnostics; run: ${JSON.stringify(s)}`);
    json.series = r;
  }
  if (only.has('e')) {
    say('(e) simulator scaling');
    const r = scaling(20, quick ? 1 : 3, { tasks: 5000, funcs: 500 });
    rows.push({ id: 'e', target: 'simulator: growth exponent in tasks x functions', limit: '<= 1.1 (1 = linear)', measured: `tasks ${r.tasks.toFixed(2)}, functions ${r.funcs.toFixed(2)}, both ${r.both.toFixed(2)}`, ratio: Math.max(r.tasks, r.funcs, r.both) / 1.1, max: 1 });
    details.push(`(e) CPU ms (events): ${r.cells.map((c) => `${c.tasks} tasks x ${c.funcs} funcs: ${fmt(c.ms)} (${c.events})`).join('; ')}`);
    json.sim = r;
  }
  if (only.has('f')) {
    say('(f) bundles');
    const r = await bundles(quick ? 3 : 5);
    const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
    for (const s of r.sizes) details.push(`(f) ${s.file}: ${kb(s.bytes)} (${kb(s.gzip)} gzip)`);
    details.push(`(f) client bundle by package: ${r.clientParts.map((p) => `${p.name} ${kb(p.bytes)}`).join(', ')}; tree-sitter in the client: ${r.clientHasParser ? 'YES' : 'no'}`);
    details.push(`(f) loading dist/client.js in a fresh Node: ${fmt(r.clientLoadMs)} ms (an empty node -e: ${fmt(r.nodeStartMs)} ms wall)`);
    const client = r.sizes.find((s) => s.file === 'dist/client.js')!;
    rows.push({ id: 'f', target: 'client bundle load (activation cost), no parser in it', limit: '<= 100 ms, no tree-sitter', measured: `${fmt(r.clientLoadMs)} ms, ${kb(client.bytes)}${r.clientHasParser ? ', HAS tree-sitter' : ''}`, ratio: r.clientHasParser ? Infinity : r.clientLoadMs / 100, max: 1 });
    json.bundles = r;
  }

  if (only.has('g')) {
    say('(g) a kernel tree (linux-source-6.1): check . vs grep -rl, then the editor');
    const r = checkVsGrep(quick ? 1 : 3);
    const chk = median(r.check);
    const grep = median(r.grep);
    const rss = Math.max(...r.checkRssMB);
    rows.push({ id: 'g1', target: 'check . at a kernel tree root (time)', limit: '<= 5x grep -rl of the klp markers', measured: `${fmt(chk)} ms vs grep ${fmt(grep)} ms, ${r.livepatches} livepatches`, ratio: chk / grep, max: 5 });
    rows.push({ id: 'g2', target: 'check . at a kernel tree root (peak RSS)', limit: '<= 400 MB', measured: `${rss.toFixed(0)} MB`, ratio: rss / 400, max: 1 });
    details.push(`(g) ${r.tree}: grep ${GREP_ARGS.join(' ')}: ${r.grep.map(fmt).join(' / ')} ms (${Math.max(...r.grepRssMB).toFixed(0)} MB); check .: ${r.check.map(fmt).join(' / ')} ms (${r.checkRssMB.map((x) => x.toFixed(0)).join(' / ')} MB); ${r.summary}`);
    const e = await editorOnTree();
    rows.push({ id: 'g3', target: 'editor on a kernel tree: workspace index finished', limit: '<= 10 s', measured: `${fmt(e.indexed)} ms (${e.modules} modules)`, ratio: e.indexed / 10000, max: 1 });
    rows.push({ id: 'g4', target: 'editor on a kernel tree: server peak RSS', limit: '<= 400 MB', measured: `${e.peakRssMB.toFixed(0)} MB`, ratio: e.peakRssMB / 400, max: 1 });
    rows.push({ id: 'g5', target: 'editor on a kernel tree: first diagnostics of the open file', limit: '<= 1 s, unchanged by indexing', measured: `${fmt(e.firstDiagnostics)} ms${e.changedWhileIndexing ? ', CHANGED while indexing' : ', unchanged'}`, ratio: e.changedWhileIndexing ? Infinity : e.firstDiagnostics / 1000, max: 1 });
    details.push(`(g) editor: spawn -> first diagnostics of samples/livepatch/livepatch-sample.c ${fmt(e.firstDiagnostics)} ms; -> index done ${fmt(e.indexed)} ms; peak RSS ${e.peakRssMB.toFixed(0)} MB; server log: ${e.log}`);
    json.kernelTree = { check: r, editor: e };
  }

  rows.sort((a, b) => a.id.localeCompare(b.id));
  const head = ['', 'target', 'limit', 'measured (median)', 'ratio', 'met'];
  const table = rows.map((r) => [r.id, r.target, r.limit, r.measured, r.ratio.toFixed(2) + (r.max !== 1 ? `x` : ''), r.ratio <= r.max ? 'yes' : 'NO']);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const t of table) console.log(line(t));
  console.log('\nratio: measured / yardstick for limits relative to raw tree-sitter (met when <= the factor), measured / limit otherwise (met when <= 1.00).');
  console.log(`\n${details.join('\n')}`);
  details.push(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`bench total ${((Date.now() - started) / 1000).toFixed(0)} s; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at the end`);
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ rows, ...json }, null, 2));
  void path;
}
