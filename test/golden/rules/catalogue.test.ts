// The rule catalogue (core/src/rules/catalogue.ts) against docs/RULES.md, the severity
// settings, and the rules' cost on a 50,000-line generated source (they run on every edit).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../../../core/src/cparse/parser';
import { extractModule } from '../../../core/src/extract';
import { RULES, runModuleRules } from '../../../core/src/rules';
import { generateLargeSource } from '../../../bench/generate';

const DOC = fs.readFileSync(path.resolve(__dirname, '../../../docs/RULES.md'), 'utf8');
const DOC_SEVERITY: Record<string, string> = { error: 'error', warning: 'warning', info: 'info', hint: 'hint' };

describe('rules: catalogue', () => {
  before(() => initParser());

  it('has unique KLPnnn codes with a title and a description', () => {
    const codes = RULES.map((r) => r.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const r of RULES) {
      assert.match(r.code, /^KLP\d{3}$/);
      assert.ok(r.title.length > 5 && r.description.length > 20, r.code);
    }
  });

  it('documents every code in docs/RULES.md with its default severity', () => {
    for (const r of RULES) {
      const m = new RegExp(`^### ${r.code} — .*\\((\\w+)`, 'm').exec(DOC);
      assert.ok(m, `docs/RULES.md has a heading for ${r.code}`);
      assert.equal(m![1], DOC_SEVERITY[r.severity], `${r.code} severity in docs/RULES.md`);
    }
    const documented = [...DOC.matchAll(/^### (KLP\d{3})/gm)].map((x) => x[1]);
    assert.deepEqual(documented.filter((c) => !RULES.some((r) => r.code === c)), [], 'no documented code is missing from the catalogue');
  });

  it('applies severity settings: a changed severity and a rule turned off', () => {
    const text = `static struct klp_func funcs[] = { { .old_name = "a", .new_func = b } };\nstatic struct klp_object objs[] = { { .funcs = funcs }, { } };\nstatic struct klp_patch patch = { .mod = THIS_MODULE, .objs = objs };\nstatic int b(void) { return 0; }\nstatic int i(void) { return klp_enable_patch(&patch); }\nmodule_init(i);\nMODULE_LICENSE("GPL");\nMODULE_INFO(livepatch, "Y");\n`;
    const m = extractModule('lp', [{ path: '/w/lp.c', text }]);
    // (As a module of a series: KLP020 applies there.)
    const plain = runModuleRules(m, { lookupFunction: () => [], cumulativeExpected: true });
    assert.deepEqual(plain.map((f) => `${f.code}:${f.severity}`), ['KLP003:error', 'KLP020:warning']);
    const set = runModuleRules(m, { lookupFunction: () => [], cumulativeExpected: true, severity: { KLP003: 'warning', KLP020: 'off' } });
    assert.deepEqual(set.map((f) => `${f.code}:${f.severity}`), ['KLP003:warning']);
  });

  it('checks a 50,000-line generated module in a few milliseconds, without errors', function () {
    this.timeout(60000);
    const text = generateLargeSource(50000, 'lp_big', { funcs: 400 });
    const model = extractModule('lp_big', [{ path: '/w/lp_big.c', text }]);
    assert.equal(model.funcArrays[0]?.entries.length, 400);
    const errors: unknown[] = [];
    const ctx = { lookupFunction: () => [], sourceText: () => text, onRuleError: (_: string, e: unknown) => errors.push(e) };
    runModuleRules(model, ctx); // warm up
    const t0 = performance.now();
    const runs = 10;
    let findings = 0;
    for (let i = 0; i < runs; i++) findings = runModuleRules(model, ctx).length;
    const perRun = (performance.now() - t0) / runs;
    assert.deepEqual(errors, []);
    assert.equal(findings, 0, 'the generated module is a correct livepatch');
    assert.ok(perRun < 50, `rules took ${perRun.toFixed(1)} ms per run`);
  });
});
