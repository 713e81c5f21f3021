// The server's per-edit work on the 50,000-line module, in this process and without the
// transport: CDocument.applyChanges, incremental extraction (IncrementalModuleExtractor.update)
// the single-module rules and the retired tree's deletion, each timed, interleaved edit by edit with the raw
// tree-sitter yardstick (RawDocument.edit). CPU time of the process, so other processes on
// the machine matter less than for the wall-clock benchmark.
//
//   node -r esbuild-register bench/editpath.ts [--edits 60] [--lines 50000] [--newline]
//
// --newline: the edit is a line break typed and deleted (the items below move) instead of a digit.
import { CDocument } from '../core/src/cparse/document';
import { initParser, prepareSource } from '../core/src/cparse/parser';
import { IncrementalModuleExtractor } from '../core/src/extract/incremental';
import { LineIndex } from '../core/src/text';
import { runModuleRules } from '../core/src/rules';
import { generateLargeSource } from './generate';
import { RawDocument } from './raw';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  await initParser();
  const lines = arg('--lines', 50000);
  const edits = arg('--edits', 60);
  const warmup = 10;
  const typed = process.argv.includes('--newline') ? '\n' : '7';
  const text = generateLargeSource(lines, 'lp_big');
  const doc = new CDocument('/tmp/lp_big.c', text);
  const ex = new IncrementalModuleExtractor();
  ex.update('lp_big', [doc.asParsed()!]);
  const raw = await RawDocument.open(prepareSource(text).text);
  const needle = 'c->counters[0] += v * ';
  const at = text.indexOf(needle, Math.floor(text.length / 2)) + needle.length;
  const pos = new LineIndex(text).positionAt(at);
  const t = { apply: [] as number[], extract: [] as number[], rules: [] as number[], release: [] as number[], total: [] as number[], raw: [] as number[] };
  for (let i = 0; i < warmup + edits; i++) {
    const insert = i % 2 === 0;
    raw.edit(at, insert ? at : at + 1, insert ? typed : '');
    const rawMs = raw.lastCpu;
    const range = insert ? { start: pos, end: pos } : typed === '\n' ? { start: pos, end: { line: pos.line + 1, character: 0 } } : { start: pos, end: { line: pos.line, character: pos.character + 1 } };
    const c0 = cpu();
    doc.applyChanges([{ range, text: insert ? typed : '' }]);
    const c1 = cpu();
    const model = ex.update('lp_big', [doc.asParsed()!]);
    const c2 = cpu();
    runModuleRules(model);
    const c2r = cpu();
    doc.releaseRetired();
    const c3 = cpu();
    if (i < warmup) continue;
    t.apply.push(c1 - c0);
    t.extract.push(c2 - c1);
    t.rules.push(c2r - c2);
    t.release.push(c3 - c2r);
    t.total.push(c3 - c0);
    t.raw.push(rawMs);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t)) out[k] = median(v).toFixed(2);
  console.log(JSON.stringify({ lines, edits, cpuMsMedian: out, ratio: (median(t.total) / median(t.raw)).toFixed(2), stats: ex.stats }));
  raw.dispose();
  doc.dispose();
}

void main();
