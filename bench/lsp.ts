// Language-server benchmarks (not timed tests), over the real stdio transport with the same
// JSON-RPC client as test/lsp: edit -> publishDiagnostics on a 50,000-line and a 200-line
// module against raw incremental tree-sitter reparses of the same edits (interleaved, so
// machine load hits both alike), server start -> first diagnostics, a long series (index +
// series analysis against raw parse times; what an edit in one patch re-analyses), and the
// server's RSS over many edits. Used by bench/main.ts (`npm run bench`).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AnalysisStats } from '../common/src/protocol';
import { serverNodeFlags } from '../common/src/serverFlags';
import { prepareSource } from '../core/src/cparse/parser';
import { LineIndex } from '../core/src/text';
import { LspClient, uri } from '../test/lsp/harness';
import { generateLargeSource, generateSeries } from './generate';
import { rawParse, RawDocument } from './raw';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Resident set size of a process in MB (Linux /proc). */
export function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * Node options of the server process: what the VS Code client and `klp-studio lsp` pass
 * (common/src/serverFlags.ts), unless KLP_BENCH_SERVER_NODE_OPTIONS says otherwise.
 */
export const SERVER_NODE_OPTIONS = process.env.KLP_BENCH_SERVER_NODE_OPTIONS ?? serverNodeFlags().join(' ');

/**
 * CPU ms of a process (all threads) or of its main thread only (V8's GC and wasm
 * compilation run on helper threads), from /proc: clock ticks of 10 ms.
 */
export function cpuMsOf(pid: number, mainThreadOnly = false): number {
  const stat = fs.readFileSync(mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

/**
 * Starts the server on ROOT (with SERVER_NODE_OPTIONS, and ENV over this process's
 * environment); with PROFILEDIR, CPU-profiled (bench/cpuprof.cjs) into that folder.
 */
export async function start(root: string, profileDir?: string, env?: Record<string, string>): Promise<LspClient> {
  const saved = { o: process.env.NODE_OPTIONS, d: process.env.KLP_BENCH_PROFILE_DIR };
  const options = [SERVER_NODE_OPTIONS];
  if (profileDir) {
    options.push(`--require ${path.join(__dirname, 'cpuprof.cjs')}`);
    process.env.KLP_BENCH_PROFILE_DIR = profileDir;
  }
  process.env.NODE_OPTIONS = options.join(' ').trim();
  try {
    return await LspClient.start({ root, env }); // spawns synchronously: the environment is read now
  } finally {
    for (const [k, v] of [['NODE_OPTIONS', saved.o], ['KLP_BENCH_PROFILE_DIR', saved.d]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Sends one change and resolves with the milliseconds until diagnostics of that version arrive. */
async function timedChange(c: LspClient, file: string, version: number, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): Promise<number> {
  const u = uri(file);
  const t0 = performance.now();
  await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri: u, version }, contentChanges: [{ range, text }] });
  await c.until(() => c.diagnostics.get(u)?.version === version, `diagnostics v${version}`, 60000);
  return performance.now() - t0;
}

export interface EditResult {
  lines: number;
  edits: number;
  /** Medians, ms: edit -> publishDiagnostics over stdio; raw Tree.edit + Parser.parse of the same edit. */
  lsp: number;
  raw: number;
  lspAll: number[];
  rawAll: number[];
  /** CPU ms per edit: the server's main thread and whole process (mean), the raw reparse (median). */
  lspCpu: { main: number; all: number };
  rawCpu: number;
  /** Analysis counters after the last edit. */
  stats: AnalysisStats;
  /** RSS (MB) after the first diagnostics, and over the long run (edits -> MB). */
  rssOpen: number;
  rssSeries: [number, number][];
  server: LspClient;
  file: string;
  /** The temporary folder (removed by dispose()). */
  dir: string;
  /** Stops the server and removes the folder. */
  dispose(): Promise<void>;
}

/**
 * A module of LINES lines opened in the server; EDITS edits, each typing or deleting one
 * digit (TYPED: another character, e.g. a line break) inside a function body in the middle
 * of the file (a keystroke), alternated with the same edit on a RawDocument. After WARMUP
 * untimed pairs.
 */
export async function editLatency(lines: number, edits: number, warmup = 5, profileDir?: string, typed = '7'): Promise<EditResult> {
  const dir = tmp('klp-bench-edit-');
  const text = generateLargeSource(lines, 'lp_big');
  const file = path.join(dir, 'lp_big.c');
  fs.writeFileSync(file, text);
  const c = await start(dir, profileDir);
  await c.indexed(120000);
  await c.open(file, text);
  await c.waitDiagnostics(file, (_, p) => p.version === 1, 'first diagnostics', 120000);
  const rssOpen = rssMB(c.proc.pid!);
  const raw = await RawDocument.open(prepareSource(text).text);
  // A digit inside a body: `c->counters[0] += v * K;` in the middle of the file.
  const needle = 'c->counters[0] += v * ';
  const at = text.indexOf(needle, Math.floor(text.length / 2)) + needle.length;
  const pos = new LineIndex(text).positionAt(at);
  let version = 1;
  const lspAll: number[] = [];
  const rawAll: number[] = [];
  const rawCpu: number[] = [];
  const pid = c.proc.pid!;
  let cpu0 = { main: 0, all: 0 };
  for (let i = 0; i < warmup + edits; i++) {
    if (i === warmup) cpu0 = { main: cpuMsOf(pid, true), all: cpuMsOf(pid) };
    const insert = i % 2 === 0;
    const r = raw.edit(at, insert ? at : at + 1, insert ? typed : '');
    // (Deleting a typed line break ends at the start of the next line.)
    const end = typed === '\n' ? { line: pos.line + 1, character: 0 } : { line: pos.line, character: pos.character + 1 };
    const range = insert ? { start: pos, end: pos } : { start: pos, end };
    const l = await timedChange(c, file, ++version, range, insert ? typed : '');
    if (i >= warmup) {
      rawAll.push(r);
      lspAll.push(l);
      rawCpu.push(raw.lastCpu);
    }
  }
  const lspCpu = { main: (cpuMsOf(pid, true) - cpu0.main) / edits, all: (cpuMsOf(pid) - cpu0.all) / edits };
  raw.dispose();
  const stats = await c.request<AnalysisStats>('klp/analysisStats', undefined);
  return { lines, edits, lsp: median(lspAll), raw: median(rawAll), lspAll, rawAll, lspCpu, rawCpu: median(rawCpu), stats, rssOpen, rssSeries: [], server: c, file, dir,
    dispose: async () => {
      await c.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Continues on an EditResult's server: N more keystrokes spread over ten functions (each
 * awaited), sampling the server's RSS every N/4 edits.
 */
export async function memoryOverEdits(r: EditResult, n: number): Promise<[number, number][]> {
  const c = r.server;
  const text = c.text(r.file) || fs.readFileSync(r.file, 'utf8');
  const lines = new LineIndex(text);
  const needle = 'c->counters[0] += v * ';
  const spots: { line: number; character: number }[] = [];
  for (let k = 1; k <= 10; k++) {
    const at = text.indexOf(needle, Math.floor((text.length * k) / 11));
    if (at >= 0) spots.push(lines.positionAt(at + needle.length));
  }
  let version = (c.diagnostics.get(uri(r.file))?.version ?? 1) as number;
  const out: [number, number][] = [[0, rssMB(c.proc.pid!)]];
  // Every spot gets an even number of edits (insert, delete), so the text returns to the start.
  for (let i = 0; i < n; i++) {
    const pos = spots[Math.floor(i / 2) % spots.length];
    const insert = i % 2 === 0;
    const range = insert ? { start: pos, end: pos } : { start: pos, end: { line: pos.line, character: pos.character + 1 } };
    await timedChange(c, r.file, ++version, range, insert ? '3' : '');
    if ((i + 1) % Math.max(1, Math.floor(n / 4)) === 0) out.push([i + 1, rssMB(c.proc.pid!)]);
  }
  return out;
}

export interface StartupResult {
  /** Medians over the runs with the code cache written by a first start, ms from spawning the server: initialize answered; first diagnostics of the opened module. */
  initialize: number;
  firstDiagnostics: number;
  all: number[];
  /** Median CPU ms of the server from its start to the first diagnostics: main thread, whole process. */
  cpu: { main: number; all: number };
  /** What the server's code cache did in those runs (klp/analysisStats). */
  codeCache: string[];
  /** The first start into an empty cache folder (it writes the cache): ms to first diagnostics, main-thread CPU. */
  cold: { firstDiagnostics: number; cpu: number; codeCache?: string };
  /** The same start with the cache turned off (KLP_STUDIO_CODE_CACHE=off), interleaved with the cached runs. */
  noCache: { initialize: number; firstDiagnostics: number; all: number[]; cpu: { main: number; all: number } };
}

interface StartSample { init: number; first: number; cpu: number; cpuAll: number; codeCache?: string }

/** One start on DIR: spawn, initialize, open FILE, first diagnostics (the server is left running). */
async function startOnce(dir: string, file: string, text: string, env: Record<string, string>): Promise<StartSample & { c: LspClient }> {
  const t0 = performance.now();
  const c = await start(dir, undefined, env);
  const init = performance.now() - t0;
  await c.open(file, text);
  await c.waitDiagnostics(file, (_, p) => p.version === 1, 'first diagnostics', 30000);
  const first = performance.now() - t0;
  const cpu = cpuMsOf(c.proc.pid!, true);
  const cpuAll = cpuMsOf(c.proc.pid!);
  const stats = await c.request<AnalysisStats>('klp/analysisStats', undefined);
  return { c, init, first, cpu, cpuAll, codeCache: stats.codeCache };
}

/**
 * Spawns the server on a folder with one 200-line module, opened right after initialize:
 * once into an empty code-cache folder (kept running until it has written the cache), then
 * RUNS times with that cache alternated with RUNS times with the cache turned off.
 */
export async function startup(runs: number): Promise<StartupResult> {
  const dir = tmp('klp-bench-start-');
  const cache = tmp('klp-bench-codecache-');
  const file = path.join(dir, 'lp_small.c');
  const text = generateLargeSource(200, 'lp_small', { funcs: 4 });
  fs.writeFileSync(file, text);
  const coldRun = await startOnce(dir, file, text, { KLP_STUDIO_CODE_CACHE: cache });
  await coldRun.c.until(() => fs.readdirSync(cache).some((n) => n.endsWith('.cache')), 'the code cache', 30000);
  await coldRun.c.stop();
  const warm: StartSample[] = [];
  const off: StartSample[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [env, out] of [[cache, warm], ['off', off]] as const) {
      const r = await startOnce(dir, file, text, { KLP_STUDIO_CODE_CACHE: env });
      await r.c.stop();
      out.push(r);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(cache, { recursive: true, force: true });
  const sum = (xs: StartSample[]) => ({
    initialize: median(xs.map((x) => x.init)), firstDiagnostics: median(xs.map((x) => x.first)), all: xs.map((x) => x.first),
    cpu: { main: median(xs.map((x) => x.cpu)), all: median(xs.map((x) => x.cpuAll)) },
  });
  return {
    ...sum(warm), codeCache: [...new Set(warm.map((x) => x.codeCache ?? 'none'))],
    cold: { firstDiagnostics: coldRun.first, cpu: coldRun.cpu, codeCache: coldRun.codeCache },
    noCache: sum(off),
  };
}

export interface SeriesResult {
  patches: number;
  linesEach: number;
  /** Sum of raw full parses of every module (median of runs), ms: the smaller of the two below. */
  rawParseSum: number;
  /** The same, of the files as they are and of their prepared text (what the server parses). */
  rawParseSums: { original: number; prepared: number };
  /** The server's own index + analysis time (its "indexed ..." log), median of runs, ms. */
  index: number;
  indexAll: number[];
  /** CPU ms of the server's main thread at the end of the index (start-up included), median; of the raw parses. */
  indexCpu: number;
  rawParseCpu: number;
  /** Edits in the middle patch: outside the series facts, and in a replacement body. */
  bodyEdit: { ms: number; stats: AnalysisStats['lastRun'] };
  seriesEdit: { ms: number; stats: AnalysisStats['lastRun'] };
  /** Step analyses of the whole series (the first run computes them all). */
  totalSteps: number;
  findings: number;
}

/** A series of N patches of LINES lines each: indexing against raw parses, then edits in the middle patch. */
export async function series(n: number, lines: number, runs: number, edits: number): Promise<SeriesResult> {
  const dir = tmp('klp-bench-series-');
  const files = generateSeries(n, lines);
  for (const [name, text] of files) fs.writeFileSync(path.join(dir, name), text);
  const sources = [...files].filter(([name]) => name.endsWith('.c')).map(([, t]) => t);
  const prepared = sources.map((t) => prepareSource(t).text);
  await rawParse(sources[0]); // warm-up
  const sums: number[] = [];
  const sumsPrepared: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < runs; r++) {
    let sum = 0;
    const cpu = { ms: 0 };
    for (const t of sources) sum += await rawParse(t);
    sums.push(sum);
    sum = 0;
    for (const t of prepared) sum += await rawParse(t, cpu);
    sumsPrepared.push(sum);
    cpus.push(cpu.ms);
  }
  const rawParseSums = { original: median(sums), prepared: median(sumsPrepared) };
  const indexAll: number[] = [];
  const indexCpus: number[] = [];
  let c: LspClient | undefined;
  let totalSteps = 0;
  for (let r = 0; r < runs; r++) {
    await c?.stop();
    c = await start(dir);
    const log = await c.indexed(300000);
    indexAll.push(Number(/in (\d+) ms/.exec(log)?.[1] ?? NaN));
    const st = await c.request<AnalysisStats>('klp/analysisStats', undefined);
    indexCpus.push(cpuMsOf(c.proc.pid!, true));
    totalSteps = Math.max(totalSteps, st.lastRun.stepsComputed + st.lastRun.stepsReused);
  }
  const mid = path.join(dir, `lp_${String(Math.ceil(n / 2)).padStart(3, '0')}.c`);
  const text = files.get(path.basename(mid))!;
  await c!.open(mid, text);
  await c!.waitDiagnostics(mid, (_, p) => p.version === 1, 'first diagnostics', 60000);
  const li = new LineIndex(text);
  let version = 1;
  const run = async (needle: string, digit: string) => {
    const at = text.indexOf(needle) + needle.length;
    const pos = li.positionAt(at);
    const ms: number[] = [];
    let stats: AnalysisStats['lastRun'] | undefined;
    for (let i = 0; i < edits * 2; i++) {
      const insert = i % 2 === 0;
      const range = insert ? { start: pos, end: pos } : { start: pos, end: { line: pos.line, character: pos.character + 1 } };
      ms.push(await timedChange(c!, mid, ++version, range, insert ? digit : ''));
      const s = await c!.request<AnalysisStats>('klp/analysisStats', undefined);
      if (insert) stats = s.lastRun;
    }
    return { ms: median(ms), stats: stats! };
  };
  const bodyEdit = await run('c->counters[0] += v * ', '7');
  // The re-patched function of this patch: its body fingerprint changes the series.
  const seriesEdit = await run('seq_printf(m, "%d\\n", ', '9');
  const findings = [...c!.diagnostics.values()].reduce((a, p) => a + p.diagnostics.length, 0);
  await c!.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  return { patches: n, linesEach: lines, rawParseSum: Math.min(rawParseSums.original, rawParseSums.prepared), rawParseSums, index: median(indexAll), indexCpu: median(indexCpus), rawParseCpu: median(cpus), indexAll, bodyEdit, seriesEdit, totalSteps, findings };
}
