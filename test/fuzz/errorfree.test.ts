// Fuzzing the language server's fast incremental path: between two error-free trees,
// CDocument reports the edited lines (plus the token before them) as the changed spans
// instead of asking tree-sitter's getChangedRanges (which walks every top-level item). The
// property: edits an author makes while the code still parses (digits, identifiers, whole
// lines and declarations inserted, deleted or duplicated, comments), interleaved with a few
// that break and repair the syntax, give through CDocument + IncrementalModuleExtractor the
// model of a fresh one-shot extraction whenever the tree is error-free; and the fast path is
// actually taken, including the extractor's patch of its last model for edits inside
// function bodies (IncrementalModuleExtractor.assembleChanged).
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { initParser, parsePrepared, prepareSource } from '../../core/src/cparse/parser';
import { CDocument } from '../../core/src/cparse/document';
import { extractModuleFromParsed, IncrementalModuleExtractor } from '../../core/src/extract';
import { LineIndex } from '../../core/src/text';
import { generateLargeSource } from '../../bench/generate';
import { params } from './config';
import { cFixtures } from './csource';

/** Items an author inserts at a line start (each parses on its own). */
const ITEMS = [
  'static int fz_counter;\n', '#define FZ_LIMIT 12\n', '// a note\n', '/* a comment */\n',
  'static void fz_helper(void)\n{\n\treturn;\n}\n', 'struct fz_ctx { int a; long b; };\n',
  'static int fz_cb(struct klp_patch *p)\n{\n\tkfree(p);\n\treturn 0;\n}\n',
  'MODULE_INFO(fz, "Y");\n', 'extern int fz_ext(int);\n', '\n',
];
/** Statements inserted after an opening brace. */
const STATEMENTS = ['\tfz_call(1);\n', '\tint fz_local = 2;\n', '\tif (fz) return -1;\n', '\t/* c */\n'];
/** Fragments that break the syntax (the slow path, then back). */
const BREAKERS = ['{', '}', '/*', '"', '(', 'int int', '#define'];

type Edit =
  | { kind: 'digit'; at: number; d: number }
  | { kind: 'ident'; at: number; c: number }
  | { kind: 'deleteLine'; at: number }
  | { kind: 'dupLine'; at: number }
  | { kind: 'item'; at: number; i: number }
  | { kind: 'statement'; at: number; i: number }
  | { kind: 'break'; at: number; i: number }
  | { kind: 'undo' };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('digit' as const), at: fc.nat(), d: fc.integer({ min: 0, max: 9 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('ident' as const), at: fc.nat(), c: fc.integer({ min: 0, max: 25 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deleteLine' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('item' as const), at: fc.nat(), i: fc.nat(ITEMS.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('statement' as const), at: fc.nat(), i: fc.nat(STATEMENTS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('break' as const), at: fc.nat(), i: fc.nat(BREAKERS.length - 1) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'undo' as const }) },
);

/** Offsets of the matches of RE in TEXT. */
function matches(text: string, re: RegExp): number[] {
  const out: number[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(m.index);
    if (!m[0].length) re.lastIndex++;
  }
  return out;
}

/** The text after E (previous texts for undo). */
function apply(text: string, e: Edit, history: string[]): string {
  const pick = (xs: number[], at: number) => (xs.length ? xs[at % xs.length] : -1);
  const lineStarts = [0, ...matches(text, /\n/g).map((i) => i + 1)].filter((i) => i < text.length);
  switch (e.kind) {
    case 'digit': {
      const at = pick(matches(text, /\d/g), e.at);
      return at < 0 ? text : text.slice(0, at + 1) + String(e.d) + text.slice(at + 1);
    }
    case 'ident': {
      const at = pick(matches(text, /\b[a-z_][a-z_0-9]{2,}/g), e.at);
      return at < 0 ? text : text.slice(0, at + 1) + String.fromCharCode(97 + e.c) + text.slice(at + 1);
    }
    case 'deleteLine': {
      const at = pick(lineStarts, e.at);
      const end = text.indexOf('\n', at);
      return at < 0 ? text : text.slice(0, at) + text.slice(end < 0 ? text.length : end + 1);
    }
    case 'dupLine': {
      const at = pick(lineStarts, e.at);
      const end = text.indexOf('\n', at);
      return at < 0 ? text : text.slice(0, at) + text.slice(at, end < 0 ? text.length : end + 1) + text.slice(at);
    }
    case 'item': {
      // At the start of a line that starts a top-level item (no indentation, not inside a body).
      const at = pick(matches(text, /^(?=[A-Za-z#/])/gm), e.at);
      return at < 0 ? text : text.slice(0, at) + ITEMS[e.i] + text.slice(at);
    }
    case 'statement': {
      const at = pick(matches(text, /\{\n/g).map((i) => i + 2), e.at);
      return at < 0 ? text : text.slice(0, at) + STATEMENTS[e.i] + text.slice(at);
    }
    case 'break': {
      const at = text.length ? e.at % text.length : 0;
      return text.slice(0, at) + BREAKERS[e.i] + text.slice(at);
    }
    case 'undo':
      return history.length > 1 ? history[history.length - 2] : text;
  }
}

function hasError(text: string): boolean {
  const tree = parsePrepared(prepareSource(text).text)!;
  try {
    return tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

describe('fuzz: incremental extraction on error-free edits (the fast path)', function () {
  this.timeout(300000);
  const bases = [
    ...cFixtures().filter((f) => f.path.endsWith('.c')).map((f) => f.text),
    generateLargeSource(300, 'lp_fz', { funcs: 6 }),
  ];
  let fast = 0;
  let steps = 0;
  /** Compared edits for which the extractor patched its last model instead of assembling it (assembled 0 items). */
  let patched = 0;
  let compared = 0;

  before(async () => {
    await initParser();
  });

  it('gives the model of a fresh extraction, edit after edit', () => {
    const clean = bases.filter((t) => !hasError(t));
    assert.ok(clean.length >= 3, `${clean.length} error-free fixtures`);
    fc.assert(
      fc.property(fc.constantFrom(...clean), fc.array(edit, { minLength: 1, maxLength: 12 }), (base, es) => {
        const doc = new CDocument('/w/lp.c', base);
        const inc = new IncrementalModuleExtractor();
        const history = [base];
        try {
          inc.update('lp', [doc.asParsed()!]);
          let text = base;
          for (const e of es) {
            const next = apply(text, e, history);
            if (next === text) continue;
            const before = doc.tree!.rootNode.hasError;
            doc.applyChanges([singleChange(text, next)]);
            text = next;
            history.push(text);
            steps++;
            const got = inc.update('lp', [doc.asParsed()!]);
            // With syntax errors, tree-sitter's incremental error recovery may legitimately
            // differ from a fresh parse (test/fuzz/extract.test.ts covers those edits).
            if (doc.tree!.rootNode.hasError) continue;
            if (!before) fast++;
            compared++;
            if (inc.stats.assembled === 0) patched++;
            const tree = parsePrepared(prepareSource(text).text)!;
            try {
              const fresh = extractModuleFromParsed('lp', [{ path: '/w/lp.c', text, tree, lines: new LineIndex(text) }]);
              assert.deepEqual(JSON.parse(JSON.stringify(got)), JSON.parse(JSON.stringify(fresh)), `after ${e.kind}: incremental model differs from a fresh extraction`);
            } finally {
              tree.delete();
            }
          }
        } finally {
          doc.dispose();
          inc.dispose();
        }
      }),
      params(),
    );
  });

  it('took the fast path for most edits', () => {
    assert.ok(steps > 0);
    assert.ok(fast / steps > 0.3, `${fast} of ${steps} edits between error-free trees (${compared} compared)`);
  });

  it('patched the last model (no item walked by the assembly) for some of the compared edits', () => {
    assert.ok(patched > 0 && patched < compared, `${patched} of ${compared} compared edits patched the last model`);
  });
});

/** The one LSP-style change (range + text) that turns A into B (common prefix and suffix kept). */
function singleChange(a: string, b: string): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  const lines = new LineIndex(a);
  return { range: { start: lines.positionAt(p), end: lines.positionAt(a.length - s) }, text: b.slice(p, b.length - s) };
}
