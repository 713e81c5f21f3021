// Hostile C for the extraction and the rules: every construct the extraction evaluates
// nested 20,000 deep, recursive and mutually recursive macros, include cycles, binary and
// non-UTF-8 text. Invariants: nothing throws, the module's own tables are still extracted
// (one deep expression never costs the whole model), the model stays linear in the input
// (no quadratic text copies), and each case takes bounded time.
import * as assert from 'node:assert/strict';
import { initParser } from '../../core/src/cparse/parser';
import { extractModule } from '../../core/src/extract';
import { MAX_ARG_TEXT } from '../../core/src/extract/file';
import { memoryHost } from '../../core/src/host';
import type { ModuleModel } from '../../core/src/model';
import { runModuleRules } from '../../core/src/rules';
import { followIncludes, loadModule } from '../../core/src/workspace/modules';
import { bytes, deepSources, EXAMPLE, recursiveMacros } from './inputs';

const CASE_MS = 10000;

function analyse(text: string, extra: { path: string; text: string }[] = []): { model: ModuleModel; ms: number; ruleErrors: string[] } {
  const t0 = performance.now();
  const model = extractModule('lp_acme_v1', [{ path: '/w/lp_acme_v1.c', text }, ...extra]);
  const ruleErrors: string[] = [];
  runModuleRules(model, { lookupFunction: () => [], onRuleError: (f, e) => ruleErrors.push(`${f}: ${String(e)}`) });
  return { model, ms: performance.now() - t0, ruleErrors };
}

describe('hostile C: deep nesting, recursive macros, include cycles, bytes', function () {
  this.timeout(120000);
  let reference: ModuleModel;

  before(async () => {
    await initParser();
    reference = analyse(EXAMPLE).model;
    assert.ok(reference.patches.length >= 1);
  });

  for (const [what, text] of Object.entries(deepSources(20000))) {
    it(`${what}, 20,000 deep: the patch is still extracted, the model stays linear`, () => {
      const { model, ms, ruleErrors } = analyse(text);
      assert.deepEqual(ruleErrors, []);
      assert.ok(ms < CASE_MS, `${Math.round(ms)} ms`);
      // What the deep construct does not touch is the reference model's.
      assert.equal(model.patches.length, reference.patches.length, 'the klp_patch is still there');
      assert.deepEqual(model.funcArrays.find((a) => a.name === 'funcs')?.entries.map((e) => e.oldName), reference.funcArrays.find((a) => a.name === 'funcs')?.entries.map((e) => e.oldName));
      for (const name of Object.keys(reference.functions)) assert.ok(model.functions[name], `function ${name} lost`);
      const size = JSON.stringify(model).length;
      assert.ok(size < 200 * text.length + 1e6, `model of ${size} chars for ${text.length} chars of source`);
    });
  }

  it('the state id and shadow id behind 20,000 casts or parentheses still evaluate', () => {
    const d = deepSources(20000);
    assert.deepEqual(analyse(d['cast in a state id']).model.stateArrays.map((a) => a.entries.map((e) => e.id)), reference.stateArrays.map((a) => a.entries.map((e) => e.id)));
    const ids = (m: ModuleModel) => m.shadowCalls.filter((c) => c.op === 'get').map((c) => c.id);
    assert.deepEqual(ids(analyse(d['parenthesised shadow id']).model), ids(reference));
  });

  it('a call nested 20,000 deep keeps argument texts bounded', () => {
    const { model } = analyse(deepSources(20000)['nested calls']);
    const calls = Object.values(model.functions).flatMap((f) => f.calls);
    assert.ok(calls.length >= 20000);
    assert.ok(calls.every((c) => c.args.every((a) => a.length <= MAX_ARG_TEXT + 1)), 'an argument text over the cap');
  });

  it('self-referencing and mutually recursive macros evaluate to unknown, never loop', () => {
    const { model, ms, ruleErrors } = analyse(recursiveMacros());
    assert.deepEqual(ruleErrors, []);
    assert.ok(ms < CASE_MS);
    for (const n of ['SELF', 'PING', 'PONG', 'GROW', 'APPLY', 'ST_ID']) {
      assert.ok(model.macros[n], `macro ${n}`);
      assert.notEqual(model.macros[n].value?.kind, 'number', `${n} has no numeric value`);
    }
    assert.equal(model.patches.length, reference.patches.length);
    // The table entry whose old_name is a self-referencing macro keeps its source text,
    // marked unresolved (never a guessed expansion).
    const entries = model.funcArrays.flatMap((a) => a.entries).filter((e) => e.oldName === 'SELF');
    assert.ok(entries.length > 0 && entries.every((e) => e.oldNameUnresolved), 'SELF is kept as written, unresolved');
  });

  it('include cycles (a.h -> b.h -> a.h, a file including itself) are followed once each', () => {
    const host = memoryHost({
      '/w/lp_acme_v1.c': '#include "a.h"\n#include "lp_acme_v1.c"\n' + EXAMPLE,
      '/w/a.h': '#include "b.h"\n#define CYC_A 1\n',
      '/w/b.h': '#include "a.h"\n#include "./b.h"\n#include "sub/../a.h"\n#define CYC_B CYC_A\n',
    });
    const files = followIncludes(['/w/lp_acme_v1.c'], host);
    assert.deepEqual(files, ['/w/lp_acme_v1.c', '/w/a.h', '/w/b.h']);
    const r = loadModule('lp_acme_v1', ['/w'], host);
    assert.ok(r.ok);
    assert.equal(r.model.macros.CYC_B?.value?.kind, 'number');
  });

  it('binary, NUL bytes, non-UTF-8 and UTF-16 text never throw and keep ranges inside the text', () => {
    const inputs = [
      bytes(200000).toString('utf8'),
      bytes(200000).toString('latin1'),
      EXAMPLE.replace(/;/g, ';\0'),
      Buffer.from(EXAMPLE.replace(/acme/g, 'acm\xe9'), 'latin1').toString('utf8'),
      Buffer.from('\ufeff' + EXAMPLE, 'utf16le').toString('utf8'),
      '\0'.repeat(100000),
      '\ufffd'.repeat(50000),
    ];
    for (const text of inputs) {
      const { model, ms, ruleErrors } = analyse(text);
      assert.deepEqual(ruleErrors, []);
      assert.ok(ms < CASE_MS, `${Math.round(ms)} ms`);
      const lines = text.split('\n');
      for (const f of Object.values(model.functions)) {
        assert.ok(f.range.end.line < lines.length && f.range.end.character <= lines[f.range.end.line].length);
      }
    }
    // NULs between statements do not hide the module's tables.
    assert.equal(analyse(EXAMPLE.replace(/;/g, ';\0')).model.patches.length, reference.patches.length);
  });
});
