// The workspace scan (core/src/workspace): the byte prefilter, .gitignore rules and build
// output, include closure, Kbuild multi-file modules, module identity by path, and the
// originals search — on in-memory hosts, so every case says exactly what is in the tree.
import { strict as assert } from 'node:assert';
import { memoryHost, type FileHost } from '../../core/src/host';
import { initParser } from '../../core/src/cparse/parser';
import { localIncludes, mentionsLivepatch, mentionsWord, textBytes } from '../../core/src/workspace/prefilter';
import { isIgnored, parseGitignore } from '../../core/src/workspace/ignore';
import { scanWorkspace, WorkspaceScanner } from '../../core/src/workspace/scan';
import { findOriginals } from '../../core/src/workspace/originals';
import { loadProject } from '../../core/src/workspace/project';
import { readSeriesSpec } from '../../core/src/series/seriesFile';

const LP = 'static struct klp_patch patch = { .mod = THIS_MODULE, .objs = objs };\nstatic int i(void) { return klp_enable_patch(&patch); }\n';

/** A memory host whose byte reads are counted (and returned as a Node Buffer, like nodeHost). */
function counting(files: Record<string, string>): FileHost & { bytesRead: Map<string, number>; textRead: Set<string> } {
  const inner = memoryHost(files);
  const bytesRead = new Map<string, number>();
  const textRead = new Set<string>();
  return {
    bytesRead,
    textRead,
    readFile: (p) => { if (files[p] !== undefined) textRead.add(p); return inner.readFile(p); },
    readBytes: (p) => { if (files[p] === undefined) return undefined; bytesRead.set(p, (bytesRead.get(p) ?? 0) + 1); return Buffer.from(files[p]); },
    readDir: (p) => inner.readDir(p),
  };
}

describe('workspace scan', () => {
  before(() => initParser());

  it('prefilter: klp_patch or klp_enable_patch as words, on Buffers and plain byte arrays', () => {
    for (const wrap of [(s: string) => Buffer.from(s), (s: string) => textBytes(s)]) {
      assert.equal(mentionsLivepatch(wrap('static struct klp_patch p;')), true);
      assert.equal(mentionsLivepatch(wrap('return klp_enable_patch(&p);')), true);
      assert.equal(mentionsLivepatch(wrap('klp_shadow_get(obj, 1); klp_get_state(2); klp_patches')), false);
      assert.equal(mentionsLivepatch(wrap('xklp_patch klp_patchy')), false);
      assert.equal(mentionsWord(wrap('int cmdline_proc_show(struct seq_file *m)'), 'cmdline_proc_show'), true);
      assert.equal(mentionsWord(wrap('int my_cmdline_proc_show2(void)'), 'cmdline_proc_show'), false);
      assert.deepEqual(localIncludes(wrap('#include "a.h"\n  #  include\t"sub/b.c"\n#include <linux/x.h>\nx = "#include \\"no.h\\"";\n#include "c.h"')), ['a.h', 'sub/b.c', 'c.h']);
    }
  });

  it('.gitignore rules: globs, anchors, folders, negation; the last match decides', () => {
    const rules = parseGitignore('/r', '# comment\n*.o\n/only-top.c\nbuild/\n!keep.o\nsub/**/gen_*.c\n');
    assert.equal(isIgnored(rules, '/r/a/x.o', false), true);
    assert.equal(isIgnored(rules, '/r/a/keep.o', false), false);
    assert.equal(isIgnored(rules, '/r/only-top.c', false), true);
    assert.equal(isIgnored(rules, '/r/a/only-top.c', false), false);
    assert.equal(isIgnored(rules, '/r/a/build', true), true);
    assert.equal(isIgnored(rules, '/r/a/build', false), false);
    assert.equal(isIgnored(rules, '/r/sub/x/y/gen_1.c', false), true);
    assert.equal(isIgnored(rules, '/r/other/gen_1.c', false), false);
  });

  it('parses only modules with a livepatch; reads every other file once and keeps only its path', () => {
    const host = counting({
      '/w/cve-a/livepatch.c': LP,
      '/w/cve-b/livepatch.c': LP,
      '/w/drivers/big.c': 'int big(void) { return 1; }\n'.repeat(100),
      '/w/drivers/big.h': '#define BIG 1\n',
      '/w/kernel/livepatch/core.c': 'int klp_enable_patch(struct klp_patch *patch) { return 0; }\n',
      '/w/kernel/livepatch/Makefile': 'obj-$(CONFIG_LIVEPATCH) += livepatch.o\nlivepatch-objs := core.o shadow.o\n',
      '/w/kernel/livepatch/shadow.c': 'void *klp_shadow_get(void *obj, unsigned long id) { return 0; }\n',
      '/w/lib/test_state2.c': '#include "ids.h"\n' + LP,
      '/w/lib/test_state3.c': '/* the same fix again */\n#include "test_state2.c"\n',
      '/w/lib/ids.h': '#define ID 1\n',
      '/w/out/lp.mod.c': LP,
      '/w/.tmp_versions/lp.c': LP,
      '/w/klp-tmp/lp.c': LP,
      '/w/node_modules/x/lp.c': LP,
    });
    const scan = scanWorkspace(['/w'], host);
    assert.deepEqual(scan.modules.map((m) => [m.key, m.name]), [
      ['/w/cve-a/livepatch.c', 'livepatch'],
      ['/w/cve-b/livepatch.c', 'livepatch'],
      // The livepatch core: a Kbuild multi-file module (parsed; rules skip it: no klp_patch of its own).
      ['/w/kernel/livepatch/core.c', 'livepatch'],
      ['/w/lib/test_state2.c', 'test_state2'],
      // Mentions nothing, includes a livepatch source.
      ['/w/lib/test_state3.c', 'test_state3'],
    ]);
    assert.deepEqual(scan.modules.find((m) => m.name === 'test_state3')!.files, ['/w/lib/test_state3.c', '/w/lib/test_state2.c', '/w/lib/ids.h']);
    assert.deepEqual(scan.modules.find((m) => m.key === '/w/kernel/livepatch/core.c')!.files, ['/w/kernel/livepatch/core.c', '/w/kernel/livepatch/shadow.c']);
    assert.deepEqual(scan.others, ['/w/drivers/big.c', '/w/drivers/big.h']);
    // Every C file read once as bytes; build output and skipped folders never.
    for (const [f, n] of host.bytesRead) assert.equal(n, 1, f);
    for (const f of ['/w/out/lp.mod.c', '/w/.tmp_versions/lp.c', '/w/klp-tmp/lp.c', '/w/node_modules/x/lp.c']) assert.ok(!host.bytesRead.has(f), f);
    // No text (no parse) of files that are no module.
    assert.ok(!host.textRead.has('/w/drivers/big.c'));
  });

  it('.gitignore counts inside a git work tree only; .ignore everywhere', () => {
    const files = { '/w/.gitignore': 'gen/\n', '/w/.ignore': 'vendor/\n', '/w/gen/lp.c': LP, '/w/vendor/lp.c': LP, '/w/src/lp.c': LP };
    assert.deepEqual(scanWorkspace(['/w'], memoryHost(files)).modules.map((m) => m.key), ['/w/gen/lp.c', '/w/src/lp.c']);
    assert.deepEqual(scanWorkspace(['/w'], memoryHost({ ...files, '/w/.git/HEAD': 'ref: x\n' })).modules.map((m) => m.key), ['/w/src/lp.c']);
  });

  it('is resumable in small steps with the same result', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`/w/d${i % 5}/f${i}.c`] = i % 7 === 0 ? LP : `int f${i};\n`;
    const whole = scanWorkspace(['/w'], memoryHost(files));
    const s = new WorkspaceScanner(['/w'], memoryHost(files));
    let steps = 0;
    while (!s.step(3)) steps++;
    assert.ok(steps > 5);
    assert.deepEqual(s.result(), whole);
    assert.equal(whole.modules.length, 6);
  });

  it('a klp.series whose lines build two modules of one name says so on the second line', () => {
    const host = memoryHost({
      '/s/klp.series': 'cve-a/livepatch.c\ncve-b/livepatch.c\ncve-a/livepatch.c\nlp_none\n',
      '/s/cve-a/livepatch.c': LP,
      '/s/cve-b/livepatch.c': LP,
    });
    const spec = readSeriesSpec('/s', host);
    // The second `livepatch` is left out of the steps; a line naming no sources stays an (empty) entry.
    assert.deepEqual(spec.entries.map((e) => [e.name, e.files[0]]), [['livepatch', '/s/cve-a/livepatch.c'], ['lp_none', undefined]]);
    assert.deepEqual(spec.problems.map((p) => p.line), [1, 2, 3]);
    assert.match(spec.problems[0].message, /'cve-b\/livepatch.c' builds a module named 'livepatch', like 'cve-a\/livepatch.c' \(line 1\): the kernel knows a module by its name only/);
    assert.match(spec.problems[1].message, /already in the series \(line 1\)/);
    assert.match(spec.problems[2].message, /no sources found for module 'lp_none'/);
  });

  it('originals: only files mentioning a replaced name are parsed; check compares with them', () => {
    const host = counting({
      '/w/lp/lp.c': 'static int lp_f(int a, int b) { return 0; }\nstatic struct klp_func funcs[] = { { .old_name = "target_f", .new_func = lp_f }, { } };\nstatic struct klp_object objs[] = { { .funcs = funcs }, { } };\n' + LP,
      '/w/src/target.c': 'int target_f(int a)\n{\n\treturn a;\n}\n',
      '/w/src/other.c': 'int other(void) { return 0; }\n',
    });
    const found = findOriginals(['target_f'], ['/w/src/other.c', '/w/src/target.c'], host);
    assert.deepEqual([...found.keys()], ['target_f']);
    assert.equal(found.get('target_f')![0].params.length, 1);
    assert.ok(!host.textRead.has('/w/src/other.c'));
    const project = loadProject([{ path: '/w', isDirectory: true }], host);
    assert.deepEqual(project.modules.map((m) => m.name), ['lp']);
    assert.deepEqual(project.functions.get('target_f')!.map((f) => f.file), ['/w/src/target.c']);
  });
});
