// The edited-text structures of CDocument: a PieceText after random edits reads exactly as the
// plain string edited the same way (slices, characters, searches, the parser's chunks), and
// an edited LineIndex (blocks shared with the index it came from) answers as one built from
// scratch on the new text, across block splits and merges.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { PieceText } from '../../core/src/pieceText';
import { LineIndex } from '../../core/src/text';

const ALPHABET = ['a', 'b', '\n', '/', '*', '\\', '@', ' ', '😀', '\r\n'];

/** A random text of about N characters from a small alphabet (so that searches hit). */
const textArb = (n: number) => fc.array(fc.constantFrom(...ALPHABET), { minLength: 0, maxLength: n }).map((a) => a.join(''));
const insertArb = fc.oneof(
  fc.array(fc.constantFrom(...ALPHABET), { maxLength: 6 }).map((a) => a.join('')),
  fc.array(fc.constantFrom(...ALPHABET), { maxLength: 600 }).map((a) => a.join('')),
);
const editArb = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(40), insertArb);

function applyEdit(plain: string, [where, len, ins]: [number, number, string]): { s: number; e: number; plain: string } {
  const s = Math.floor(where * plain.length);
  const e = Math.min(plain.length, s + len);
  return { s, e, plain: plain.slice(0, s) + ins + plain.slice(e) };
}

function checkSame(p: PieceText, plain: string): void {
  assert.equal(p.length, plain.length);
  // The parser's view: chunks from offset 0 on reassemble the text.
  let read = '';
  for (let o = 0; o < plain.length; ) {
    const c = p.chunk(o);
    assert.ok(c.length > 0, `empty chunk at ${o} of ${plain.length}`);
    read += c;
    o += c.length;
  }
  assert.equal(read, plain);
  assert.equal(p.chunk(plain.length), '');
  for (let k = 0; k < 30; k++) {
    const a = Math.floor(Math.random() * (plain.length + 2)) - 1;
    const b = a + Math.floor(Math.random() * 700) - 50;
    assert.equal(p.slice(a, b), plain.slice(a, b), `slice(${a}, ${b})`);
    assert.equal(p.charAt(a), plain[a] ?? '');
    assert.ok(Object.is(p.charCodeAt(a), plain.charCodeAt(a)));
    for (const needle of ['\n', '/*', '@@', '\\\n', 'ab']) {
      assert.equal(p.indexOf(needle, a), plain.indexOf(needle, a), `indexOf(${JSON.stringify(needle)}, ${a})`);
    }
    assert.equal(p.lastIndexOf('\n', a), a < 0 ? -1 : plain.lastIndexOf('\n', a), `lastIndexOf(\\n, ${a})`);
  }
  assert.equal(p.includes('@@'), plain.includes('@@'));
  assert.equal(p.slice(), plain);
}

describe('PieceText (CDocument text and prepared text)', () => {
  it('reads as the plain string after random edit sequences, and flattens to it', () => {
    fc.assert(
      fc.property(textArb(3000), fc.array(editArb, { minLength: 1, maxLength: 80 }), (start, edits) => {
        let plain = start;
        let p = new PieceText(start);
        const versions: [PieceText, string][] = [];
        for (const ed of edits) {
          const r = applyEdit(plain, ed);
          p = p.edit(r.s, r.e, ed[2]);
          plain = r.plain;
          versions.push([p, plain]);
          checkSame(p, plain);
        }
        // Older versions are unchanged by later edits (extraction keeps the previous text).
        for (const [v, t] of versions) assert.equal(v.toString(), t);
        assert.equal(p.toString(), plain);
        assert.equal(p.pieceCount <= 1, true);
        checkSame(p, plain);
      }),
      { numRuns: 60, seed: 1607 },
    );
  });

  it('finds a search string that spans two pieces', () => {
    const base = 'a'.repeat(1000) + '@' + 'b'.repeat(1000);
    const p = new PieceText(base).edit(1001, 1001, '@' + 'c'.repeat(2000) + '/');
    const plain = base.slice(0, 1001) + '@' + 'c'.repeat(2000) + '/' + base.slice(1001);
    assert.ok(p.pieceCount >= 2);
    const q = p.edit(3003, 3003, '*' + 'd'.repeat(1000));
    const plainQ = plain.slice(0, 3003) + '*' + 'd'.repeat(1000) + plain.slice(3003);
    assert.ok(q.pieceCount >= 3);
    assert.equal(p.indexOf('@@'), 1000);
    assert.equal(p.indexOf('@@', 1000), 1000);
    assert.equal(p.indexOf('@@', 1001), -1);
    assert.equal(q.indexOf('/*'), plainQ.indexOf('/*'));
    assert.ok(q.includes('/*'));
    checkSame(q, plainQ);
  });

  it('keeps typing at one place in a bounded number of pieces', () => {
    const base = 'x'.repeat(100000);
    let p = new PieceText(base);
    for (let i = 0; i < 500; i++) p = p.edit(50000 + i, 50000 + i, 'y');
    assert.ok(p.pieceCount <= 4, `${p.pieceCount} pieces`);
    assert.equal(p.toString(), base.slice(0, 50000) + 'y'.repeat(500) + base.slice(50000));
    // Edits all over the text are flattened now and then, never kept as hundreds of pieces.
    for (let i = 0; i < 500; i++) p = p.edit((i * 7919) % p.length, (i * 7919) % p.length, 'z');
    assert.ok(p.pieceCount <= 100, `${p.pieceCount} pieces`);
  });
});

describe('LineIndex.edited (blocks shared between versions)', () => {
  const lineTextArb = fc.array(fc.constantFrom('a', 'b', '\n', '\n', '\r\n', '😀'), { minLength: 0, maxLength: 4000 }).map((a) => a.join(''));
  const bigInsert = fc.oneof(
    fc.array(fc.constantFrom('a', '\n', '\r\n'), { maxLength: 5 }).map((a) => a.join('')),
    fc.nat(1500).map((n) => 'q\n'.repeat(n)),
  );

  function checkIndex(li: LineIndex, text: string): void {
    const fresh = new LineIndex(text);
    assert.equal(li.lineCount, fresh.lineCount);
    for (let o = -1; o <= text.length + 1; o += 1 + (text.length > 3000 ? 7 : 0)) assert.deepEqual(li.positionAt(o), fresh.positionAt(o), `positionAt(${o})`);
    for (let l = -1; l <= fresh.lineCount; l++) {
      for (const ch of [0, 1, 5, 100000]) assert.equal(li.offsetAt({ line: l, character: ch }), fresh.offsetAt({ line: l, character: ch }), `offsetAt(${l}:${ch})`);
      assert.equal(li.lineText(l), fresh.lineText(l));
    }
  }

  it('answers as an index built from scratch after random edits', () => {
    fc.assert(
      fc.property(lineTextArb, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(3000), bigInsert), { minLength: 1, maxLength: 12 }), (start, edits) => {
        let plain = start;
        let li = new LineIndex(plain);
        const versions: [LineIndex, string][] = [];
        for (const ed of edits) {
          const r = applyEdit(plain, ed);
          li = li.edited(r.plain, r.s, r.e, ed[2]);
          plain = r.plain;
          versions.push([li, plain]);
          checkIndex(li, plain);
        }
        for (const [v, t] of versions) checkIndex(v, t);
      }),
      { numRuns: 40, seed: 2026 },
    );
  });

  it('works on a PieceText as on the string', () => {
    const text = 'int a;\nint b;\r\n\nint c;';
    const p = new PieceText(text).edit(3, 3, 'x\ny');
    const plain = text.slice(0, 3) + 'x\ny' + text.slice(3);
    const li = new LineIndex(text).edited(p, 3, 3, 'x\ny');
    checkIndex(li, plain);
    checkIndex(new LineIndex(p), plain);
  });
});
