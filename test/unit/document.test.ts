// CDocument: incremental edits give the same tree and the same model as parsing the new
// text from scratch, including edits inside kernel attributes and directive lines.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { initParser, prepareSource } from '../../core/src/cparse/parser';
import { CDocument } from '../../core/src/cparse/document';
import { extractModule, extractModuleFromParsed } from '../../core/src/extract';
import { LineIndex } from '../../core/src/text';

const SAMPLE = fs.readFileSync(path.resolve(__dirname, '../fixtures/conformance-modules/test_klp_callbacks_demo.c'), 'utf8');

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

  it('replaces the whole text when a change has no range', () => {
    const doc = new CDocument('/w/a.c', 'int a;');
    doc.applyChanges([{ text: SAMPLE }]);
    assert.equal(extractModuleFromParsed('a', [doc.asParsed()!]).isLivepatch, true);
    doc.dispose();
  });
});
