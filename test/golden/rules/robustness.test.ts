// Half-typed code: the rules must never throw on the odd models that truncated or
// partly deleted sources produce (every fixture, cut at many points and with lines removed,
// deterministic seed), and the findings they do report must lie inside the text.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../../../core/src/cparse/parser';
import { extractModule } from '../../../core/src/extract';
import { runModuleRules } from '../../../core/src/rules';

const CASES = path.join(__dirname, 'cases');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('rules: half-typed code', () => {
  before(() => initParser());

  it('never throw on truncated or partly deleted fixtures', function () {
    this.timeout(120000);
    const random = rng(20261121);
    const sources = fs.readdirSync(CASES).sort().flatMap((d) =>
      fs.readdirSync(path.join(CASES, d)).filter((f) => f.endsWith('.c')).map((f) => fs.readFileSync(path.join(CASES, d, f), 'utf8')));
    let variants = 0;
    for (const text of sources) {
      const lines = text.split('\n');
      const cuts = [0.25, 0.5, 0.7, 0.85, 0.95].map((q) => text.slice(0, Math.floor(text.length * q)));
      const holes = [0, 1, 2].map(() => {
        const at = Math.floor(random() * lines.length);
        return [...lines.slice(0, at), ...lines.slice(at + 1 + Math.floor(random() * 4))].join('\n');
      });
      const chars = [0, 1].map(() => {
        const at = Math.floor(random() * text.length);
        return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 12));
      });
      for (const variant of [...cuts, ...holes, ...chars]) {
        variants++;
        const model = extractModule('lp', [{ path: '/w/lp.c', text: variant }]);
        const errors: unknown[] = [];
        const findings = runModuleRules(model, { lookupFunction: () => [], sourceText: () => variant, onRuleError: (family, e) => errors.push(`${family}: ${String(e)}`) });
        assert.deepEqual(errors, []);
        const lineCount = variant.split('\n').length;
        for (const f of findings) assert.ok(f.range.start.line < lineCount && f.range.end.line < lineCount, `${f.code} inside the text`);
      }
    }
    assert.ok(variants > 500, `${variants} variants`);
  });
});
