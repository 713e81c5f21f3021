// ExtractionSession (core/src/extract/session.ts): modules extracted one after another, each
// file parsed from the tree of a similar file read before and taking the facts of its
// unchanged items. Invariant: every model equals a fresh extractModule() of the same
// sources, whatever came before. Inputs: versions of every C fixture made by random
// mutations (a series of edits, each version read after the previous one), macro and
// parameter changes that alter the values of unchanged items, syntax errors coming and
// going, other paths and folders; and the line diff and tree edits underneath, as properties.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { initParser } from '../../core/src/cparse/parser';
import { extractModule } from '../../core/src/extract';
import { ExtractionSession, hunkEdit, lineHunks, lineStarts, lineTable, sameOutside, unchangedStretches } from '../../core/src/extract/session';
import type { ModuleModel, SourceText } from '../../core/src/model';
import { generateLargeSource, generateSeries } from '../../bench/generate';
import { params } from './config';
import { applyMutation, cFixtures, mutation } from './csource';

const same = (a: ModuleModel, b: ModuleModel) => assert.equal(JSON.stringify(a), JSON.stringify(b));

/** Extracts each module of MODULES in a fresh session and one by one; asserts they agree. */
function agree(modules: { name: string; sources: SourceText[] }[]): ExtractionSession['stats'] {
  const session = new ExtractionSession();
  try {
    for (const m of modules) same(session.extract(m.name, m.sources), extractModule(m.name, m.sources));
    return { ...session.stats };
  } finally {
    session.dispose();
  }
}

describe('extraction session: versions of a source start from each other', function () {
  this.timeout(120000);
  before(() => initParser());

  it('line hunks turn the old lines into the new ones, and the tree edits describe the change', () => {
    const line = fc.constantFrom('a', 'b', 'c', '}', '', '\treturn 0;', 'x = 1;');
    fc.assert(fc.property(fc.array(line, { maxLength: 60 }), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.array(line, { maxLength: 4 })), { maxLength: 6 }), (lines, edits) => {
      const a = lines.length ? lines : [''];
      let b = [...a];
      for (const [at, del, ins] of edits) {
        const k = at % (b.length + 1);
        b.splice(k, del, ...ins);
      }
      if (!b.length) b = [''];
      const hunks = lineHunks(a, b)!;
      assert.ok(hunks, 'no budget limit given');
      // Outside the hunks the lines pair up in order, equal.
      const rebuilt: string[] = [];
      let i = 0;
      for (const h of hunks) {
        assert.deepEqual(a.slice(i, h.a0), b.slice(rebuilt.length, rebuilt.length + h.a0 - i));
        rebuilt.push(...a.slice(i, h.a0), ...b.slice(h.b0, h.b1));
        i = h.a1;
      }
      rebuilt.push(...a.slice(i));
      assert.deepEqual(rebuilt, b);
      // The edits, applied last to first to the old text, give the new text.
      const oldText = a.join('\n');
      const newText = b.join('\n');
      let t = oldText;
      const os = lineStarts(a);
      const ns = lineStarts(b);
      for (let h = hunks.length - 1; h >= 0; h--) {
        const e = hunkEdit(hunks[h], os, ns, newText);
        assert.ok(e.startIndex >= 0 && e.startIndex <= e.oldEndIndex && e.oldEndIndex <= t.length, `edit ${JSON.stringify(e)} in a text of ${t.length}`);
        // What the edit inserts is the new text's lines of the hunk (with their separator).
        const from = (hunks[h].a0 === a.length || hunks[h].b0 === b.length) ? ns[hunks[h].b0] - 1 : ns[hunks[h].b0];
        t = t.slice(0, e.startIndex) + newText.slice(from, from + (e.newEndIndex - e.startIndex)) + t.slice(e.oldEndIndex);
      }
      assert.equal(t, newText);
      // The unchanged stretches: every span of the new text one maps is the same text in the
      // old one, and the spans of whole untouched lines map (what items there are matched by).
      const stretches = unchangedStretches(hunks, os, ns);
      for (let s0 = 0; s0 <= newText.length; s0++) {
        for (const len of [0, 1, 3, 12]) {
          const at = stretches.here(s0, s0 + len);
          if (at === undefined || s0 + len > newText.length) continue;
          assert.equal(oldText.slice(at, at + len), newText.slice(s0, s0 + len), `[${s0}, ${s0 + len}) maps to ${at}`);
          assert.ok(stretches.kept(at, at + len), `${at} is in a kept stretch of the old text`);
        }
      }
      let j = 0;
      for (const h of hunks) {
        for (; j < h.b0; j++) if (b[j].length) assert.notEqual(stretches.here(ns[j], ns[j] + b[j].length), undefined, `untouched line ${j} maps`);
        j = h.b1;
      }
    }), params());
  });

  it('line tables: the starts of the lines, equal hashes for equal lines; hunks of hashes are checked as text', () => {
    const line = fc.constantFrom('a', 'b', 'c', '}', '', '\treturn 0;', 'x = 1;', 'é ü', '\r');
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.array(line, { maxLength: 4 })), { maxLength: 5 }), fc.nat(), (a, edits, pick) => {
      const b = [...a];
      for (const [at, del, ins] of edits) b.splice(at % (b.length + 1), del, ...ins);
      if (!b.length) b.push('');
      const oldText = a.join('\n');
      const newText = b.join('\n');
      const ta = lineTable(oldText);
      const tb = lineTable(newText);
      assert.deepEqual([...ta.starts], lineStarts(a));
      assert.equal(ta.hashes.length, a.length);
      for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) if (a[i] === b[j]) assert.equal(ta.hashes[i], tb.hashes[j]);
      const hunks = lineHunks(ta.hashes, tb.hashes)!;
      assert.ok(sameOutside(hunks, oldText, ta.starts, newText, tb.starts), 'hunks of real line equality pass the check');
      // A hash collision (lines taken as equal that are not) is caught: claim the lines of a
      // hunk equal by dropping it, when they differ as text.
      if (!hunks.length) return;
      const h = hunks[pick % hunks.length];
      const oldLines = a.slice(h.a0, h.a1).join('\n');
      const newLines = b.slice(h.b0, h.b1).join('\n');
      if (h.a1 - h.a0 !== h.b1 - h.b0 || oldLines === newLines) return;
      assert.equal(sameOutside(hunks.filter((x) => x !== h), oldText, ta.starts, newText, tb.starts), false);
    }), params());
  });

  it('unrelated texts are given up within the budget', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `line ${i % 7}`);
    const b = Array.from({ length: 3000 }, (_, i) => `other ${i % 5}`);
    assert.equal(lineHunks(a, b, 1200), undefined);
  });

  it('a generated series: every model as a fresh extraction, trees and facts reused', () => {
    const files = [...generateSeries(6, 600)].filter(([n]) => n.endsWith('.c'));
    const stats = agree(files.map(([n, text]) => ({ name: n.slice(0, -2), sources: [{ path: `/series/${n}`, text }] })));
    assert.equal(stats.treesReused, files.length - 1);
    assert.ok(stats.itemsReused > (files.length - 1) * 50, `items reused: ${stats.itemsReused}`);
  });

  it('values read through changed macros and module parameters are read again', () => {
    // (The klp_func table changes with PARAM: its unchanged entries are taken one by one,
    // except where OLD, which they read, changed.)
    const src = (v: string, param: boolean) => [
      '#include <linux/livepatch.h>',
      `#define STATE_VERSION ${v}`,
      v === '3' ? '#define OLD "version_proc_show"' : '#define OLD "cmdline_proc_show"',
      param ? 'static int level = 1;\nmodule_param(level, int, 0644);' : 'static int level = 1;',
      'static int lp_show(struct seq_file *m, void *v) { seq_printf(m, "%d", STATE_VERSION); klp_get_state(&patch, level); return 0; }',
      `static struct klp_func funcs[] = {\n\t{ .old_name = OLD, .new_func = lp_show, },\n\t{ .old_name = "meminfo_proc_show", .new_func = lp_show, },${param ? '\n\t{ .old_name = "uptime_proc_show", .new_func = lp_show, },' : ''}\n\t{ }\n};`,
      'static struct klp_object objs[] = { { .funcs = funcs, }, { } };',
      'static struct klp_state states[] = { { .id = 7, .version = STATE_VERSION }, { } };',
      'static struct klp_patch patch = { .mod = THIS_MODULE, .objs = objs, .states = states, .replace = true, };',
      'static int init(void) { return klp_enable_patch(&patch); }',
      'module_init(init);',
    ].join('\n');
    const modules = [src('1', false), src('2', false), src('2', true), src('3', true), src('3', false)]
      .map((text, i) => ({ name: `lp_${i}`, sources: [{ path: `/v/lp_${i}.c`, text }] }));
    const stats = agree(modules);
    assert.ok(stats.treesReused >= 3);
  });

  it('versions with random edits, syntax errors included, in other folders: as fresh extractions', () => {
    const fixtures = cFixtures().filter((f) => f.path.endsWith('.c'));
    fc.assert(fc.property(fc.nat(fixtures.length - 1), fc.array(fc.array(mutation, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }), (k, versions) => {
      let text = fixtures[k].text;
      const modules = [{ name: 'v0', sources: [{ path: '/a/v0/livepatch.c', text }] }];
      versions.forEach((muts, i) => {
        for (const m of muts) text = applyMutation(text, m);
        modules.push({ name: `v${i + 1}`, sources: [{ path: `/a/v${i + 1}/livepatch.c`, text }] });
      });
      agree(modules);
    }), params(0.5));
  });

  it('unrelated modules (a folder of different hotfixes) reuse nothing and extract as before', () => {
    const fixtures = cFixtures().filter((f) => f.path.endsWith('.c'));
    const stats = agree(fixtures.map((f, i) => ({ name: `m${i}`, sources: [{ path: `/h/${i}/livepatch.c`, text: f.text }] })));
    assert.equal(stats.files, fixtures.length);
    // (Some fixtures are versions of each other; most are not.)
    assert.ok(stats.treesReused < fixtures.length / 2, `trees reused: ${stats.treesReused} of ${fixtures.length}`);
  });

  it('a file too large to keep is not kept (tree-sitter memory does not grow for it)', () => {
    const big = generateLargeSource(110000, 'lp_huge');
    assert.ok(big.length > 2_000_000, `${big.length} characters`);
    const session = new ExtractionSession();
    try {
      session.extract('lp_huge', [{ path: '/big/a/lp_huge.c', text: big }]);
      session.extract('lp_huge', [{ path: '/big/b/lp_huge.c', text: big }]);
      assert.equal(session.stats.treesReused, 0);
    } finally {
      session.dispose();
    }
  });

  it('a multi-file module after its previous version', () => {
    const main = (n: number) => `#include "lp.h"\n#define V ${n}\nstatic struct klp_state states[] = { { .id = 1, .version = V }, { } };\nstatic struct klp_patch patch = { .mod = THIS_MODULE, .objs = objs, .states = states };\nstatic int init(void) { return klp_enable_patch(&patch); }\nmodule_init(init);\n`;
    const helper = (n: number) => `#include <linux/livepatch.h>\nint lp_helper(void) { return V + ${n}; }\nstatic struct klp_func funcs[] = { { .old_name = "f", .new_func = lp_helper, }, { } };\nstatic struct klp_object objs[] = { { .funcs = funcs, }, { } };\n`;
    agree([1, 2, 3].map((n) => ({ name: `lp_${n}`, sources: [{ path: `/m${n}/main.c`, text: main(n) }, { path: `/m${n}/helper.c`, text: helper(n % 2) }] })));
  });
});
