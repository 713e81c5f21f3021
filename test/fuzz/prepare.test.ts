// Fuzzing CDocument's incremental source preparation (fast-check, seeded: ./config.ts). A
// keystroke re-prepares only the lines it touches, so the prepared text must always equal
// prepareSource() of the whole text. The long run found two ways it did not: an unbalanced
// `__printf(` blanked lines below it, and a directive's backslash-continued lines were
// re-prepared without their directive (or kept blanked after the backslash was deleted);
// this fuzzer then found an edit at offset 0 re-preparing the wrong line, and a directive
// ending in a backslash at the very end of the file hanging prepareSource (and so `check`
// and the server, while someone types that backslash) for ever.
// Inputs: texts full of conditional directives with continuation lines (LF and CRLF),
// attributes with and without arguments, `#define`s with continuations, edited by random
// insertions, deletions and replacements of exactly those tokens, single or batched.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { CDocument } from '../../core/src/cparse/document';
import { applyRewrites, initParser, prepareSource, type Rewrite } from '../../core/src/cparse/parser';
import { params } from './config';
import { applyMutation, cFixtures, singleChange, type Mutation } from './csource';

const PIECES = [
  '#if defined(CONFIG_A) && \\\n    defined(CONFIG_B)\n', '#ifdef X\n', '#else\n', '#endif\n', '#elif Y \\\r\n  || Z\r\n', '  #  if 0\n',
  '#define M(a) \\\n\tdo { a; } while (0)\n', 'static int __printf(1, 2) log_it(const char *f, ...);\n', '__section(".text") ', '__aligned(8) ',
  '__init ', 'notrace ', 'int x;\n', '{\n', '}\n', 'f(a, (b));\n', '/* c */\n',
];
const TOKENS = ['\\', '\\\n', '\\\r\n', '\n', '\r\n', '(', ')', '__printf(', '__printf(1, 2)', '#if ', '#endif', '# ', 'defined(', '__cleanup(', ' ', '\t', 'x'];

const text = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 30 }).map((a) => a.join(''));
const edit: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 3 }).map((a) => a.join('')) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 4 }), text: fc.constantFrom(...TOKENS) }),
);

function check(initial: string, edits: Mutation[], batched: boolean): void {
  const doc = new CDocument('/w/p.c', initial);
  try {
    let cur = initial;
    const batch: ReturnType<typeof singleChange>[] = [];
    for (const m of edits) {
      const next = applyMutation(cur, m);
      const ch = singleChange(cur, next);
      cur = next;
      if (batched) batch.push(ch);
      else {
        doc.applyChanges([ch]);
        assert.equal(doc.preparedText(), prepareSource(cur).text, `after ${JSON.stringify(ch)}`);
      }
    }
    if (batched) doc.applyChanges(batch);
    assert.equal(doc.text, cur);
    assert.equal(doc.preparedText(), prepareSource(cur).text);
  } finally {
    doc.dispose();
  }
}

describe('fuzz: incremental source preparation (CDocument)', function () {
  this.timeout(120000);
  before(() => initParser());

  it('the cases the fuzzers found', () => {
    // An unbalanced `__printf(` on an edited line.
    check('int a;\n__printf(1, 2) int b;\nf(\n);\n', [{ kind: 'replace', at: 16, len: 3, text: 'x' }], false);
    // A continuation line edited on its own; a directive's backslash removed and added again.
    const src = '#if defined(A) && \\\n    defined(B)\nint x;\n#endif\n';
    check(src, [{ kind: 'insert', at: src.indexOf('defined(B)'), text: 'x' }], false);
    check(src, [{ kind: 'delete', at: src.indexOf('\\'), len: 1 }, { kind: 'insert', at: src.indexOf('\\'), text: '\\' }], false);
    // A directive whose backslash is the last character of the file (prepareSource looped for ever).
    assert.equal(prepareSource('#ifdef X \\').text, '          ');
    check('int x;\n#ifdef X\n', [{ kind: 'replace', at: 15, len: 1, text: '\\' }], false);
    // An insertion at offset 0 of a text that starts with an empty line.
    check('\n\n', [{ kind: 'insert', at: 0, text: '\t' }], false);
  });

  it('edits around directives, continuations and attributes keep prepared = prepareSource(text)', () => {
    fc.assert(fc.property(text, fc.array(edit, { minLength: 1, maxLength: 10 }), fc.boolean(), (t, es, batched) => check(t, es, batched)), params(4));
  });

  it('rewrites applied in one pass equal the same rewrites applied character by character, in order', () => {
    // prepareSource records its rewrites and applies them at the end (pieces when disjoint,
    // characters when they overlap): the reference is the character array it used to edit.
    const reference = (t: string, rs: Rewrite[]) => {
      const chars = t.split('');
      for (const r of rs) for (let i = r.from; i < r.to; i++) {
        if (r.text !== undefined) chars[i] = r.text[i - r.from];
        else if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' ';
      }
      return chars.join('');
    };
    const input = text.chain((t) => fc.tuple(fc.constant(t), fc.array(fc.tuple(fc.nat(t.length), fc.nat(12), fc.boolean()).map(([from, len, w]): Rewrite => {
      const to = Math.min(t.length, from + len);
      return w && to - from >= 5 ? { from, to, text: 'while' + ' '.repeat(to - from - 5) } : { from, to };
    }), { maxLength: 8 })));
    fc.assert(fc.property(input, ([t, rs]) => assert.equal(applyRewrites(t, rs), reference(t, rs))), params(4));
  });

  it('the same edits on the fixtures', () => {
    const fixtures = cFixtures();
    fc.assert(fc.property(fc.constantFrom(...fixtures), fc.array(edit, { minLength: 1, maxLength: 8 }), fc.boolean(), (f, es, batched) => check(f.text, es, batched)), params());
  });
});
