// CDocument: incremental edits give the same tree and the same model as parsing the new
// text from scratch, including edits inside kernel attributes and directive lines.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { initParser, parsePrepared, prepareSource } from '../../core/src/cparse/parser';

const initTree = (text: string) => parsePrepared(prepareSource(text).text)!;
import { CDocument } from '../../core/src/cparse/document';
import { extractModule, extractModuleFromParsed, IncrementalModuleExtractor } from '../../core/src/extract';
import { generateLargeSource } from '../../bench/generate';
import { LineIndex } from '../../core/src/text';

const SAMPLE = fs.readFileSync(path.resolve(__dirname, '../conformance/shared/modules/test_klp_callbacks_demo.c'), 'utf8');

function stripRanges(x: unknown): string {
  return JSON.stringify(x, (k, v) => (k === 'file' ? undefined : v));
}

describe('CDocument incremental parsing', () => {
  before(() => initParser());

  it('matches a fresh parse after random edits (seeded)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(40), fc.constantFrom('', 'x', '__init ', '\n#ifdef A\n', '{ }', '}', '"', '/*', '😀', 'static int y;\n')), { minLength: 1, maxLength: 6 }),
        (edits) => {
          const doc = new CDocument('/w/a.c', SAMPLE);
          try {
            for (const [at, len, text] of edits) {
              const lines = new LineIndex(doc.text);
              const start = at % (doc.text.length + 1);
              const end = Math.min(doc.text.length, start + len);
              doc.applyChanges([{ range: lines.range(start, end), text }]);
            }
            assert.equal(doc.preparedText(), prepareSource(doc.text).text);
            const fresh = extractModule('a', [{ path: '/w/a.c', text: doc.text }]);
            const incr = extractModuleFromParsed('a', [doc.asParsed()!]);
            assert.equal(stripRanges(incr), stripRanges(fresh));
          } finally {
            doc.dispose();
          }
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });

  it('incremental extraction after random edits equals a fresh extraction, syntax errors included (seeded)', () => {
    const BASE = SAMPLE + '\n#define EXTRA 3\nstatic int later(void) { return EXTRA; }\n';
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.nat(), fc.nat(40), fc.constantFrom('', 'x', '\n', '__init ', '\n#ifdef A\n', '{ }', '}', '{', '"', '/*', '*/', ';', '😀', 'static int y;\n', '#define EXTRA 4\n', 'klp_shadow_get(NULL, 5);', 'int f(void) { return 1; }\n')),
          { minLength: 1, maxLength: 8 },
        ),
        fc.boolean(),
        (edits, batch) => {
          const doc = new CDocument('/w/a.c', BASE);
          const inc = new IncrementalModuleExtractor();
          try {
            inc.update('a', [doc.asParsed()!]);
            const apply = (group: typeof edits) => {
              const changes = [];
              let text = doc.text;
              for (const [at, len, t] of group) {
                const lines = new LineIndex(text);
                const start = at % (text.length + 1);
                const end = Math.min(text.length, start + len);
                changes.push({ range: lines.range(start, end), text: t });
                text = text.slice(0, start) + t + text.slice(end);
              }
              doc.applyChanges(changes);
            };
            // Several changes per didChange (batch), or one update per change.
            if (batch) apply(edits);
            else for (const e of edits) { apply([e]); inc.update('a', [doc.asParsed()!]); }
            const incr = inc.update('a', [doc.asParsed()!]);
            // Equal to a one-shot extraction of the same tree. (A fresh parse of the text may
            // recover from syntax errors differently than the incremental parse did.)
            const oneShot = extractModuleFromParsed('a', [doc.asParsed()!]);
            assert.equal(JSON.stringify(incr), JSON.stringify(oneShot));
            if (!doc.tree!.rootNode.hasError) assert.equal(JSON.stringify(incr), JSON.stringify(extractModule('a', [{ path: '/w/a.c', text: doc.text }])));
            // The syntax errors are those of a whole-tree search (the first 20, in tree order),
            // without the root (tree-sitter may make the root itself an ERROR: not a location).
            const root = doc.tree!.rootNode;
            const oracle = root.descendantsOfType('ERROR').filter((e) => !(e!.startIndex === root.startIndex && e!.endIndex === root.endIndex && e!.parent === null)).slice(0, 20).map((e) => doc.lines.range(e!.startIndex, e!.endIndex));
            assert.deepEqual(incr.syntaxErrors.map((e) => e.range), oracle);
          } finally {
            doc.dispose();
          }
        },
      ),
      { seed: Number(process.env.SEED ?? 7), numRuns: Number(process.env.RUNS ?? 150) },
    );
  });

  it('re-extracts only the items an edit touches in a 50,000-line source', () => {
    const doc = new CDocument('/w/big.c', generateLargeSource(50000));
    const inc = new IncrementalModuleExtractor();
    try {
      const first = inc.update('big', [doc.asParsed()!]);
      const total = inc.stats.items;
      assert.ok(total > 5000, `${total} items`);
      const line = 20001;
      const fn = Object.values(first.functions).find((f) => f.range.start.line > line)!;
      const was = fn.range.start.line;
      const names = Object.keys(first.functions).length;
      doc.applyChanges([{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '\n' }]);
      const after = inc.update('big', [doc.asParsed()!]);
      assert.ok(inc.stats.extracted <= 2, JSON.stringify(inc.stats));
      // The items below moved by a line: shifted in place, not copied; the model is patched.
      assert.ok(inc.stats.shifted > 1000 && inc.stats.moved === 0, JSON.stringify(inc.stats));
      assert.equal(inc.stats.assembled, 0, JSON.stringify(inc.stats));
      assert.equal(Object.keys(after.functions).length, names);
      assert.equal(after.functions[fn.name].range.start.line, was + 1);
      assert.equal(JSON.stringify(after), JSON.stringify(extractModule('big', [{ path: '/w/big.c', text: doc.text }])));
    } finally {
      doc.dispose();
    }
  });

  it('patches the last model for edits inside function definitions, without walking the items', () => {
    const text = generateLargeSource(20000);
    const doc = new CDocument('/w/big.c', text);
    const inc = new IncrementalModuleExtractor();
    const fresh = () => JSON.stringify(extractModule('big', [{ path: '/w/big.c', text: doc.text }]));
    const change = (at: number, del: number, ins: string) => {
      const p = doc.lines.positionAt(at);
      const e = doc.lines.positionAt(at + del);
      doc.applyChanges([{ range: { start: p, end: e }, text: ins }]);
      return inc.update('big', [doc.asParsed()!]);
    };
    try {
      inc.update('big', [doc.asParsed()!]);
      const total = inc.stats.assembled;
      assert.ok(total > 2000, `${total} items assembled at first`);
      // A digit in a body: nothing of the model changes, nothing is walked.
      const body = text.indexOf('c->counters[0] += v * ', text.length / 2) + 'c->counters[0] += v * '.length;
      let m = change(body, 0, '7');
      assert.equal(inc.stats.assembled, 0, JSON.stringify(inc.stats));
      assert.equal(inc.stats.extracted, 1);
      assert.equal(JSON.stringify(m), fresh());
      // A parameter renamed in a signature: the function's entry in the model is the new one.
      const sig = text.indexOf(', int v)', text.length / 2) + ', int v'.length;
      const name = /big_helper_\d+/.exec(text.slice(text.lastIndexOf('\n', sig), sig))![0];
      m = change(sig, 0, 'alue');
      assert.equal(inc.stats.assembled, 0, JSON.stringify(inc.stats));
      assert.deepEqual(m.functions[name].params?.map((x) => x.name), ['c', 'value']);
      assert.equal(JSON.stringify(m), fresh());
      // In a replacement function (its body facts are in the model): its calls are the new ones.
      const repl = doc.text.indexOf('seq_printf(m, "%d\\n", 3);');
      assert.ok(repl > 0);
      m = change(repl + 'seq_printf(m, "%d\\n", 3'.length, 0, '7');
      assert.equal(inc.stats.assembled, 0, JSON.stringify(inc.stats));
      assert.deepEqual(m.functions.livepatch_big_fn_3.calls.map((c) => c.args[2]), ['37']);
      assert.equal(JSON.stringify(m), fresh());
      // A call from it to a module function: that function's body facts join the model.
      assert.equal(m.functions.big_helper_1.hasBodyFacts, false);
      m = change(repl, 0, 'big_helper_1(NULL, 2); ');
      assert.equal(inc.stats.assembled, 0, JSON.stringify(inc.stats));
      assert.equal(m.functions.big_helper_1.hasBodyFacts, true);
      assert.equal(JSON.stringify(m), fresh());
      m = change(repl, 'big_helper_1(NULL, 2); '.length, '');
      assert.equal(m.functions.big_helper_1.hasBodyFacts, false);
      assert.equal(JSON.stringify(m), fresh());
      // A new line moves the items below by a line: shifted in place, the model patched.
      m = change(body + 'alue'.length, 0, '\n');
      assert.equal(inc.stats.assembled, 0, JSON.stringify(inc.stats));
      assert.ok(inc.stats.shifted > 1000, JSON.stringify(inc.stats));
      assert.equal(JSON.stringify(m), fresh());
      // And removed again.
      m = change(body + 'alue'.length, 1, '');
      assert.equal(inc.stats.assembled, 0, JSON.stringify(inc.stats));
      assert.equal(JSON.stringify(m), fresh());
      // Text inserted before an item on its own line moves its columns: copied, assembled whole.
      const structAt = doc.text.indexOf('struct big_ctx_', body);
      m = change(structAt, 0, '/* c */ ');
      assert.ok(inc.stats.moved >= 1 && inc.stats.assembled === inc.stats.items, JSON.stringify(inc.stats));
      assert.equal(JSON.stringify(m), fresh());
      m = change(structAt, '/* c */ '.length, '');
      assert.equal(JSON.stringify(m), fresh());
      // A function renamed: assembled whole.
      m = change(text.lastIndexOf(name, sig) + name.length, 0, 'x');
      assert.ok(m.functions[`${name}x`] && !m.functions[name]);
      assert.equal(inc.stats.assembled, total);
      assert.equal(JSON.stringify(m), fresh());
    } finally {
      doc.dispose();
    }
  });

  it('settle(): adopts the from-scratch tree where incremental error recovery differs, once', () => {
    // A history found by the fuzzer: two deletions leave a tree whose errors differ from a
    // fresh parse of the same text (tree-sitter's recovery depends on the old tree).
    const BASE = SAMPLE + '\n#define EXTRA 3\nstatic int later(void) { return EXTRA; }\n';
    const doc = new CDocument('/w/a.c', BASE);
    const inc = new IncrementalModuleExtractor();
    const errors = (t: NonNullable<CDocument['tree']>) => t.rootNode.descendantsOfType('ERROR').map((e) => `${e!.startIndex}:${e!.endIndex}`).join(' ');
    try {
      assert.equal(doc.settle(), false, 'a tree parsed from scratch needs no settling');
      inc.update('a', [doc.asParsed()!]);
      for (const [start, end] of [[0, 35], [757, 792]]) {
        const lines = new LineIndex(doc.text);
        doc.applyChanges([{ range: lines.range(start, end), text: '' }]);
        inc.update('a', [doc.asParsed()!]);
      }
      const fresh = extractModule('a', [{ path: '/w/a.c', text: doc.text }]);
      const scratch = initTree(doc.text);
      try {
        assert.notEqual(errors(doc.tree!), errors(scratch), 'precondition: the incremental tree differs');
        assert.notEqual(JSON.stringify(inc.update('a', [doc.asParsed()!]).syntaxErrors), JSON.stringify(fresh.syntaxErrors));
        assert.equal(doc.settle(), true);
        assert.equal(errors(doc.tree!), errors(scratch));
        assert.equal(JSON.stringify(inc.update('a', [doc.asParsed()!])), JSON.stringify(fresh));
        assert.equal(doc.settle(), false, 'once per series of edits');
      } finally {
        scratch.delete();
      }
    } finally {
      doc.dispose();
    }
  });

  it('replaces the whole text when a change has no range', () => {
    const doc = new CDocument('/w/a.c', 'int a;');
    doc.applyChanges([{ text: SAMPLE }]);
    assert.equal(extractModuleFromParsed('a', [doc.asParsed()!]).isLivepatch, true);
    doc.dispose();
  });
});
