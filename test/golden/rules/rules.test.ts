// Golden tests of the single-module rules (core/src/rules): every case folder
// cases/KLPnnn holds trigger.c (must report KLPnnn) and near-miss.c (must not), with the
// expected findings in *.expected (UPDATE=1 regenerates them). A case may carry kernel/*.c:
// sources of the original functions, which the rules see through lookupFunction. A source
// that says `golden: cumulative-expected` in a comment is checked as a module of a series
// (RuleContext.cumulativeExpected: KLP020, KLP054); the others as a module on its own.
// Every offered fix is applied and must make its finding go away without breaking the parse.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../../../core/src/cparse/parser';
import { extractModule, moduleNameOf } from '../../../core/src/extract';
import type { Finding, TextEdit } from '../../../core/src/findings';
import type { CFunction, ModuleModel } from '../../../core/src/model';
import { RULES, runModuleRules, RuleContext } from '../../../core/src/rules';
import { LineIndex } from '../../../core/src/text';

const HERE = __dirname;
const CASES = path.join(HERE, 'cases');
const UPDATE = process.env.UPDATE === '1';

interface Loaded { model: ModuleModel; text: string; file: string; findings: Finding[]; errors: unknown[] }

function check(file: string, text: string, kernel: Map<string, CFunction[]>, kernelApi?: RuleContext['kernelApi']): Loaded {
  const model = extractModule(moduleNameOf(file), [{ path: file, text }]);
  const errors: unknown[] = [];
  const ctx: RuleContext = {
    lookupFunction: (name) => [...(kernel.get(name) ?? []), ...(model.functions[name] ? [model.functions[name]] : [])],
    sourceText: (f) => (f === file ? text : undefined),
    onRuleError: (family, e) => errors.push(`${family}: ${String(e)}`),
    ...(kernelApi ? { kernelApi } : {}),
    ...(/golden: cumulative-expected/.test(text) ? { cumulativeExpected: true } : {}),
  };
  return { model, text, file, findings: runModuleRules(model, ctx), errors };
}

function kernelIndex(dir: string): Map<string, CFunction[]> {
  const index = new Map<string, CFunction[]>();
  const kdir = path.join(dir, 'kernel');
  if (!fs.existsSync(kdir)) return index;
  for (const name of fs.readdirSync(kdir).filter((n) => n.endsWith('.c')).sort()) {
    const rel = path.relative(HERE, path.join(kdir, name)).replace(/\\/g, '/');
    const m = extractModule(moduleNameOf(name), [{ path: rel, text: fs.readFileSync(path.join(kdir, name), 'utf8') }]);
    for (const f of Object.values(m.functions)) index.set(f.name, [...(index.get(f.name) ?? []), f]);
  }
  return index;
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  return out;
}

const pos = (p: { line: number; character: number }) => `${p.line + 1}:${p.character + 1}`;

/** The golden text: each finding, its related locations, its fixes and the lines a fix produces. */
function render(l: Loaded): string {
  const rows: string[] = [];
  for (const f of l.findings) {
    rows.push(`${pos(f.range.start)}-${pos(f.range.end)} ${f.severity} ${f.code} ${f.message}`);
    for (const r of f.related ?? []) rows.push(`  related ${r.file}:${pos(r.range.start)}: ${r.message}`);
    for (const fix of f.fixes ?? []) {
      rows.push(`  fix${fix.preferred ? ' (preferred)' : ''}: ${fix.title}`);
      const after = applyEdits(l.text, fix.edits.filter((e) => e.file === l.file)).split('\n');
      const first = Math.min(...fix.edits.map((e) => e.range.start.line));
      const added = fix.edits.reduce((n, e) => n + e.newText.split('\n').length - 1 - (e.range.end.line - e.range.start.line), 0);
      const last = Math.max(...fix.edits.map((e) => e.range.end.line)) + Math.max(0, added);
      for (let i = first; i <= last && i < after.length; i++) rows.push(`    | ${after[i]}`);
    }
  }
  return rows.join('\n') + (rows.length ? '\n' : '');
}

function golden(file: string, actual: string): void {
  if (UPDATE || !fs.existsSync(file)) {
    fs.writeFileSync(file, actual);
    if (!UPDATE) assert.fail(`golden ${path.relative(HERE, file)} did not exist: written, review it and re-run`);
    return;
  }
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `golden ${path.relative(HERE, file)} (UPDATE=1 regenerates)`);
}

describe('rules: golden cases', () => {
  before(() => initParser());
  const codes = fs.readdirSync(CASES).filter((d) => /^KLP\d{3}$/.test(d)).sort();

  it('cover every module-scope rule of the catalogue', () => {
    const wanted = RULES.filter((r) => r.scope === 'module').map((r) => r.code);
    assert.deepEqual(wanted.filter((c) => !codes.includes(c)), []);
  });

  for (const code of codes) {
    describe(code, () => {
      const dir = path.join(CASES, code);
      const sources = fs.readdirSync(dir).filter((n) => /^(trigger|near-miss)(-[\w-]+)?\.c$/.test(n)).sort();
      it('has a trigger and a near miss', () => {
        assert.ok(sources.includes('trigger.c') && sources.includes('near-miss.c'), sources.join(', '));
      });
      for (const source of sources) {
        const kind = source.startsWith('trigger') ? 'trigger' : 'near-miss';
        const stem = source.slice(0, -2);
        it(`${source}: ${kind === 'trigger' ? 'reports' : 'does not report'} ${code}; findings match ${stem}.expected`, () => {
          const kernel = kernelIndex(dir);
          // A case folder may fix the kernel API level (a `kernel-api` file: upstream|state-callbacks).
          const api = fs.existsSync(path.join(dir, 'kernel-api')) ? fs.readFileSync(path.join(dir, 'kernel-api'), 'utf8').trim() as RuleContext['kernelApi'] : undefined;
          const rel = path.relative(HERE, path.join(dir, source)).replace(/\\/g, '/');
          const l = check(rel, fs.readFileSync(path.join(dir, source), 'utf8'), kernel, api);
          assert.deepEqual(l.errors, []);
          // Every fixture is read completely, except the KLP080 cases (what cannot be read).
          if (code !== 'KLP080') assert.deepEqual(l.model.unreadable, [], 'fixture is read completely');
          const mine = l.findings.filter((f) => f.code === code);
          if (kind === 'trigger') assert.ok(mine.length > 0, `${code} expected in ${source}`);
          else assert.deepEqual(mine.map((f) => f.message), [], `${code} must not fire on ${source}`);
          for (const f of l.findings) {
            assert.ok(f.range.end.line - f.range.start.line < 12, `${f.code} range is precise, not a whole block`);
            assert.ok(f.range.end.line < l.text.split('\n').length, `${f.code} range inside the file`);
          }
          golden(path.join(dir, `${stem}.expected`), render(l));

          // Every fix of this rule removes its finding and keeps the file parsing.
          for (const f of mine) {
            for (const fix of f.fixes ?? []) {
              const fixed = check(rel, applyEdits(l.text, fix.edits), kernel, api);
              assert.equal(fixed.model.unreadable.length, l.model.unreadable.length, `fix "${fix.title}" keeps the file parsing`);
              const still = fixed.findings.filter((g) => g.code === code && g.message === f.message);
              assert.equal(still.length, 0, `fix "${fix.title}" resolves: ${f.message}`);
            }
          }
        });
      }
    });
  }
});
