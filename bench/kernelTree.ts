// Benchmarks on a real kernel tree (Debian's linux-source-6.1, from the test cache; fetched
// by test/lib/debianSource.ts when missing): (g1) `klp-studio check .` at the root against
// `grep -rl` of the klp markers on the same tree, run alternately so the machine's load
// hits both alike, with the peak RSS of each; (g2) the editor: the server started on the
// tree with samples/livepatch/livepatch-sample.c opened at once — first diagnostics of
// that file, workspace index finished, the server's peak RSS while indexing, and whether
// the open file's diagnostics changed while the index ran.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AnalysisStats } from '../common/src/protocol';
import { linuxSourceTree } from '../test/lib/debianSource';
import { uri } from '../test/lsp/harness';
import { median, rssMB, start } from './lsp';

const CLI = path.resolve(__dirname, '../dist/cli.js');
/** What `grep` looks for: the livepatch identifiers the prefilter keys on. */
export const GREP_ARGS = ['-rlE', 'klp_patch|klp_enable_patch', '.'];

export interface CheckVsGrep {
  tree: string;
  check: number[];
  grep: number[];
  checkRssMB: number[];
  grepRssMB: number[];
  livepatches: number;
  summary: string;
}

/** Wall ms and peak RSS (MB) of a command, through GNU time. */
function timed(cmd: string, args: string[], cwd: string): { ms: number; rssMB: number; stderr: string } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });
  const ms = performance.now() - t;
  const lines = r.stderr.trim().split('\n');
  return { ms, rssMB: Number(lines[lines.length - 1]) / 1024, stderr: lines.slice(0, -1).join('\n') };
}

export function checkVsGrep(runs: number): CheckVsGrep {
  const tree = linuxSourceTree('6.1');
  const out: CheckVsGrep = { tree, check: [], grep: [], checkRssMB: [], grepRssMB: [], livepatches: 0, summary: '' };
  timed('grep', GREP_ARGS, tree); // warm the page cache for both
  for (let i = 0; i < runs; i++) {
    const g = timed('grep', GREP_ARGS, tree);
    const c = timed(process.execPath, [CLI, 'check', '.'], tree);
    out.grep.push(g.ms);
    out.grepRssMB.push(g.rssMB);
    out.check.push(c.ms);
    out.checkRssMB.push(c.rssMB);
    out.summary = c.stderr.split('\n').find((l) => /modules? \(/.test(l)) ?? c.stderr;
    out.livepatches = Number(/\((\d+) livepatch/.exec(out.summary)?.[1] ?? 0);
  }
  return out;
}

export interface EditorOnTree {
  firstDiagnostics: number;
  indexed: number;
  peakRssMB: number;
  changedWhileIndexing: boolean;
  log: string;
  modules: number;
}

export async function editorOnTree(): Promise<EditorOnTree> {
  const tree = linuxSourceTree('6.1');
  const file = path.join(tree, 'samples/livepatch/livepatch-sample.c');
  const t0 = performance.now();
  const c = await start(tree);
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssMB(c.proc.pid!));
    } catch {
      // exited
    }
  }, 100);
  try {
    await c.open(file, fs.readFileSync(file, 'utf8'));
    const first = await c.until(() => c.diagnostics.get(uri(file)), 'first diagnostics', 60000);
    const firstDiagnostics = performance.now() - t0;
    const firstText = JSON.stringify(first.diagnostics);
    const log = await c.indexed(600000);
    const indexed = performance.now() - t0;
    const stats = await c.request<AnalysisStats>('klp/analysisStats', {});
    peak = Math.max(peak, stats.memory?.rss ?? 0);
    const last = JSON.stringify(c.diagnostics.get(uri(file))?.diagnostics);
    const modules = Number(/indexed (\d+) modules/.exec(log)?.[1] ?? 0);
    return { firstDiagnostics, indexed, peakRssMB: peak, changedWhileIndexing: last !== firstText, log, modules };
  } finally {
    clearInterval(sampler);
    await c.stop();
  }
}

export { median };
