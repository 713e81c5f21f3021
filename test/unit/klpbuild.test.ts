// The pure parts of the klp-build reader (core/src/klpbuild) on small inputs written here:
// the unified-diff parser (git and plain diffs, mail around them, malformed hunks, never
// throwing), in-memory application (offsets, failures, new and deleted files), the
// hunk-only reading, object attribution from Kbuild Makefiles and the diff-log reader.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { initParser } from '../../core/src/cparse/parser';
import { memoryHost } from '../../core/src/host';
import { analyzePatch, applyFileDiff, checkPatch, parseDiffLog, parseUnifiedDiff } from '../../core/src/klpbuild';
import { compareHunksOnly } from '../../core/src/klpbuild/compare';
import { enclosingKernelTree, objectOfFile } from '../../core/src/klpbuild/kbuild';
import { patchModuleModel } from '../../core/src/klpbuild/module';

const MAIL = `From 1234 Mon Sep 17 00:00:00 2001
From: A Developer <dev@example.org>
Subject: [PATCH] acme: fix the frob count

The count was off by one.

---
 drivers/acme/frob.c | 3 ++-
 1 file changed, 2 insertions(+), 1 deletion(-)

diff --git a/drivers/acme/frob.c b/drivers/acme/frob.c
index 1111111..2222222 100644
--- a/drivers/acme/frob.c
+++ b/drivers/acme/frob.c
@@ -1,6 +1,7 @@
 static int frob_count(int n)
 {
-	return n;
+	/* one more */
+	return n + 1;
 }
 
 int frob(int n)
-- 
2.39.2
`;

const FROB = `static int frob_count(int n)
{
	return n;
}

int frob(int n)
{
	return frob_count(n) * 2;
}
`;

describe('klpbuild: unified diffs', () => {
  before(() => initParser());

  it('reads a git format-patch mail: one file, one hunk, paths without a/ b/, no problem', () => {
    const d = parseUnifiedDiff(MAIL);
    assert.deepEqual(d.problems, []);
    assert.equal(d.files.length, 1);
    const f = d.files[0];
    assert.equal(f.path, 'drivers/acme/frob.c');
    assert.equal(f.headerLine, 12);
    assert.deepEqual(f.hunks.map((h) => [h.oldStart, h.oldCount, h.newStart, h.newCount, h.section, h.headerLine]), [[1, 6, 1, 7, '', 14]]);
    assert.deepEqual(f.hunks[0].lines.map((l) => l.kind).join(''), '  -++   ');
  });

  it('says where a hunk is malformed and reads what it can', () => {
    const text = '--- a/x.c\n+++ b/x.c\n@@ -1,4 +1,4 @@\n int a;\n-int b;\n+int c;\n';
    const d = parseUnifiedDiff(text);
    assert.equal(d.problems.length, 1);
    assert.equal(d.problems[0].line, 2);
    assert.match(d.problems[0].message, /-4 \+4 lines but has -2 \+2/);
    assert.equal(d.files[0].hunks[0].lines.length, 3);
    const stray = parseUnifiedDiff('@@ -1 +1 @@\n-a\n+b\n');
    assert.deepEqual(stray.problems.map((p) => p.line), [0]);
    assert.match(parseUnifiedDiff('--- a/x.c\n+++ b/x.c\n@@ -x +1 @@\n').problems[0].message, /malformed hunk header/);
  });

  it('reads new and deleted files, timestamps and a missing newline at the end', () => {
    const text = '--- /dev/null\t1970-01-01 00:00:00.000000000 +0000\n+++ b/new.c\t2026-01-01 10:00:00.000000000 +0000\n@@ -0,0 +1,2 @@\n+int a;\n+int b;\n\\ No newline at end of file\n--- a/old.c\n+++ /dev/null\n@@ -1 +0,0 @@\n-int gone;\n';
    const d = parseUnifiedDiff(text);
    assert.deepEqual(d.problems, []);
    assert.deepEqual(d.files.map((f) => [f.oldPath, f.newPath, f.path]), [[undefined, 'new.c', 'new.c'], ['old.c', undefined, 'old.c']]);
    assert.equal(d.files[0].hunks[0].lines[1].noNewline, true);
    const a = applyFileDiff(d.files[0], undefined);
    assert.equal(a.after, 'int a;\nint b;');
    assert.equal(applyFileDiff(d.files[1], 'int gone;\n').after, undefined);
  });

  it('never throws, whatever the text', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom('--- a/x.c', '+++ b/x.c', '@@ -1,2 +1,3 @@', '@@ -0,0 +1 @@', ' ctx', '-old', '+new', '\\ No newline at end of file', 'diff --git a/x b/x', 'new file mode 100644', ''), fc.string()), { maxLength: 40 }), (lines) => {
      const text = lines.join('\n');
      const d = parseUnifiedDiff(text);
      for (const f of d.files) applyFileDiff(f, 'ctx\nold\n');
      for (const p of d.problems) assert.ok(p.line >= 0 && p.line < Math.max(1, lines.length));
    }), { numRuns: 300 });
  });

  it('applies at an offset, keeps line maps to the patch, and reports a hunk that does not apply', () => {
    const d = parseUnifiedDiff(MAIL);
    const shifted = '/* header */\n/* more */\n' + FROB;
    const a = applyFileDiff(d.files[0], shifted);
    assert.deepEqual(a.failed, []);
    assert.equal(a.hunks[0].offset, 2);
    assert.match(a.after!, /return n \+ 1;/);
    const line = a.after!.split('\n').indexOf('\treturn n + 1;');
    assert.equal(a.afterToPatch[line], 19);
    assert.equal(a.added[line], true);
    const bad = applyFileDiff(d.files[0], 'int unrelated;\n');
    assert.equal(bad.failed.length, 1);
  });

  it('without a kernel tree: functions from the hunks, including a hunk that starts at the definition', () => {
    const d = parseUnifiedDiff(MAIL);
    const c = compareHunksOnly(d.files[0]);
    assert.deepEqual(c.functions.map((f) => [f.name, f.status, f.approximate]), [['frob_count', 'changed', true]]);
    const sec = parseUnifiedDiff('--- a/y.c\n+++ b/y.c\n@@ -10,3 +10,3 @@ static void run_it(struct x *p)\n \tint a;\n-\ta = 1;\n+\ta = 2;\n \tuse(a);\n');
    assert.deepEqual(compareHunksOnly(sec.files[0]).functions.map((f) => f.name), ['run_it']);
  });
});

describe('klpbuild: kernel tree and objects', () => {
  before(() => initParser());
  const tree = (extra: Record<string, string> = {}) => memoryHost({
    '/k/Makefile': '', '/k/Kconfig': '', '/k/kernel/fork.c': 'int x;\n', '/k/kernel/Makefile': 'obj-y += fork.o\n',
    '/k/drivers/acme/Makefile': 'obj-$(CONFIG_ACME) += acme.o\nacme-y := frob.o \\\n\tcore.o\nobj-$(CONFIG_ACME_BUS) += bus.o\nacme-$(CONFIG_ACME_EXTRA) += sub/extra.o\n',
    '/k/drivers/acme/Kconfig': 'config ACME\n\ttristate "Acme"\n\nconfig ACME_BUS\n\tbool "Acme bus"\n',
    '/k/drivers/acme/frob.c': FROB,
    ...extra,
  });

  it('finds the enclosing tree', () => {
    assert.equal(enclosingKernelTree('/k/drivers/acme', tree()), '/k');
    assert.equal(enclosingKernelTree('/elsewhere/x', tree()), undefined);
  });

  it('attributes files: obj-y, a composite module, a bool option, a part in a subfolder, .config', () => {
    const h = tree();
    assert.equal(objectOfFile('/k', 'kernel/fork.c', h).object, 'vmlinux');
    const frob = objectOfFile('/k', 'drivers/acme/frob.c', h);
    assert.equal(frob.object, 'acme');
    assert.equal(frob.config, 'CONFIG_ACME');
    assert.match(frob.how, /drivers\/acme\/Makefile:1: obj-\$\(CONFIG_ACME\) \+= acme\.o/);
    assert.equal(objectOfFile('/k', 'drivers/acme/core.c', h).object, 'acme');
    assert.equal(objectOfFile('/k', 'drivers/acme/bus.c', h).object, 'vmlinux');
    assert.equal(objectOfFile('/k', 'drivers/acme/sub/extra.c', h).object, 'acme');
    assert.equal(objectOfFile('/k', 'drivers/acme/frob.c', tree({ '/k/.config': 'CONFIG_ACME=y\n' })).object, 'vmlinux');
    const none = objectOfFile('/k', 'drivers/other/x.c', h);
    assert.deepEqual([none.object, none.found], ['vmlinux', false]);
  });

  it('reads a patch against the tree: the module object, the klp-build module and its klp_funcs', () => {
    const h = tree({ '/p/fix.patch': MAIL.replace(/drivers\/acme\/frob\.c/g, 'drivers/acme/frob.c') });
    const a = analyzePatch('/p/fix.patch', h, { kernelTree: '/k' });
    assert.equal(a.approximate, false);
    assert.deepEqual(a.functions.map((f) => [f.object, f.name, f.status, f.patchLine]), [['acme', 'frob_count', 'changed', 17]]);
    const m = patchModuleModel(a);
    assert.equal(m.name, 'livepatch_fix');
    assert.equal(m.patches[0].replace.initial?.value.text, 'true');
    assert.deepEqual(m.objArrays[0].entries.map((o) => o.name), ['acme']);
    assert.deepEqual(m.funcArrays[0].entries.map((f) => f.oldName), ['frob_count']);
    assert.equal(patchModuleModel(a, { replace: false }).patches[0].replace.initial?.value.text, 'false');
  });
});

describe('klpbuild: the diff log', () => {
  it('reads changed and new functions, warnings and errors, with compiler suffixes and colours', () => {
    const log = 'vmlinux.o: changed function: cmdline_proc_show\ndrivers/net/dummy.o: new function: dummy_drop_empty.isra.0\n\x1b[1mvmlinux.o: warning: objtool: no correlation: foo.cold\x1b[0m\nbuilding...\nvmlinux.o: error: objtool: changed data: numdummies\n';
    assert.deepEqual(parseDiffLog(log).map((e) => [e.object, e.kind, e.name, e.line]), [
      ['vmlinux', 'changed', 'cmdline_proc_show', 0],
      ['dummy', 'new', 'dummy_drop_empty', 1],
      ['vmlinux', 'no-correlation', 'foo', 2],
      ['vmlinux', 'changed-data', 'numdummies', 4],
    ]);
  });

  it('analysing any text against a tree never throws, and findings stay on the patch', () => {
    const h = memoryHost({ '/k/Makefile': '', '/k/Kconfig': '', '/k/kernel/x.c': FROB, '/k/kernel/Makefile': 'obj-y += x.o\n' });
    const pieces = fc.constantFrom('--- a/kernel/x.c', '+++ b/kernel/x.c', '--- a/../../etc/passwd', '+++ b/lib/y.c', '@@ -1,3 +1,4 @@', '@@ -5 +5,2 @@ int frob(int n)', ' static int frob_count(int n)', ' {', '-\treturn n;', '+\treturn n - 1;', '+KLP_POST_PATCH_CALLBACK(f);', '+\tstatic int k;', '+struct s {', '+};', '}', '');
    fc.assert(fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 12 })), { maxLength: 30 }), (lines) => {
      const text = lines.join('\n');
      const r = checkPatch('/p/x.patch', h, { kernelTree: '/k' }, text);
      const n = text.split('\n').length;
      for (const f of r.findings) assert.ok(f.file === '/p/x.patch' && f.range.start.line >= 0 && f.range.start.line < Math.max(1, n), JSON.stringify(f));
      assert.equal(r.model.isLivepatch, true);
    }), { numRuns: 200 });
  });

  it('never reads out of the tree', () => {
    const h = memoryHost({ '/k/Makefile': '', '/k/Kconfig': '', '/k/kernel/x.c': FROB, '/secret.c': 'int s(void) { return 1; }\n' });
    const a = analyzePatch('/p/x.patch', h, { kernelTree: '/k' }, '--- a/../secret.c\n+++ b/../secret.c\n@@ -1 +1 @@\n-int s(void) { return 1; }\n+int s(void) { return 2; }\n');
    assert.deepEqual(a.functions, []);
    assert.match(a.problems[0].message, /leaves the kernel tree/);
  });
});
