// The editor says what the CLI says: for a workspace with and without klp.series files, the
// diagnostics the REAL language server publishes (over stdio, files not opened) equal
// `klp-studio check --format json` on the same folder, file by file. The workspace holds
// what used to make them differ: two `livepatch.c` modules in cve-a/ and cve-b/, a folder
// of unrelated livepatches without klp.series (no inferred series: no KLP043 between
// them, no upgrade code lens), a klp.series naming a missing module, and livepatch-core
// code that uses klp_get_state/klp_shadow_* without being a livepatch (nothing reported).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CodeAction, CodeLens } from 'vscode-languageserver-protocol';
import { LspClient, uri } from './harness';
import { checkJson, editorByFile } from './parity';

/** A livepatch module replacing OLD with NEW_FN; EXTRA goes into the patch (e.g. states). */
function livepatch(o: { name: string; old: string; params?: string; terminated?: boolean; states?: string; mod?: boolean; replace?: boolean }): string {
  return `// SPDX-License-Identifier: GPL-2.0
/* Test livepatch ${o.name}. */
#include <linux/module.h>
#include <linux/livepatch.h>

static int lp_${o.old}(${o.params ?? 'int n'})
{
\treturn 0;
}

static struct klp_func funcs[] = {
\t{
\t\t.old_name = "${o.old}",
\t\t.new_func = lp_${o.old},
\t},${o.terminated === false ? '' : '\n\t{ }'}
};

static struct klp_object objs[] = {
\t{
\t\t.name = "target",
\t\t.funcs = funcs,
\t},
\t{ }
};
${o.states ? `\nstatic struct klp_state states[] = {\n${o.states}\n\t{ }\n};\n` : ''}
static struct klp_patch patch = {
${o.mod === false ? '' : '\t.mod = THIS_MODULE,\n'}\t.objs = objs,${o.states ? '\n\t.states = states,' : ''}${o.replace === false ? '' : '\n\t.replace = true,'}
};

static int ${o.name}_init(void)
{
\treturn klp_enable_patch(&patch);
}

static void ${o.name}_exit(void)
{
}

module_init(${o.name}_init);
module_exit(${o.name}_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
`;
}

const state = (id: number, version: number) => `\t{\n\t\t.id = ${id},\n\t\t.version = ${version},\n\t},`;

/** The test workspace: returns its root. */
function workspace(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-parity-'));
  const w = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  // Per-CVE folders: the same file name, both checked; cve-b's patch is broken.
  w('cve-a/livepatch.c', livepatch({ name: 'cve_a', old: 'target_read', params: 'int a, int b' }));
  w('cve-b/livepatch.c', livepatch({ name: 'cve_b', old: 'target_write', terminated: false }));
  // The original functions (no klp_ in it: read for the originals, never a module).
  w('target/target.c', 'int target_read(int a)\n{\n\treturn a;\n}\n\nint target_write(int n)\n{\n\treturn n;\n}\n');
  // Unrelated livepatches in one folder, no klp.series: a later name with a lower state version.
  w('selftests/test_lp_a.c', livepatch({ name: 'test_lp_a', old: 'target_read', params: 'int a', states: state(1, 2) }));
  w('selftests/test_lp_b.c', livepatch({ name: 'test_lp_b', old: 'target_write', states: state(1, 1) }));
  // A declared series with a line naming a module that does not exist.
  w('series/klp.series', '# oldest first\nlp_v1\nlp_gone\nlp_v2\n');
  w('series/lp_v1.c', livepatch({ name: 'lp_v1', old: 'target_read', params: 'int a', states: state(3, 2) }));
  w('series/lp_v2.c', livepatch({ name: 'lp_v2', old: 'target_write', states: state(3, 1) }));
  // Livepatch-core-like code: uses the API on a klp_patch it is given, defines none.
  w('core/state.c', '#include <linux/livepatch.h>\n\nstruct klp_state *lookup(struct klp_patch *patch, unsigned long id)\n{\n\tvoid *p = klp_shadow_get(patch, id);\n\n\treturn p ? klp_get_state(id) : NULL;\n}\n');
  // A release folder of cumulative patches with one that is not (KLP020 reads the folder's
  // other modules: the editor, analysing one module at a time, must end where check is).
  w('release/lp_r1.c', livepatch({ name: 'lp_r1', old: 'target_read', params: 'int a' }));
  w('release/lp_r2.c', livepatch({ name: 'lp_r2', old: 'target_read', params: 'int a' }));
  w('release/lp_r3.c', livepatch({ name: 'lp_r3', old: 'target_write', replace: false }));
  // An original defined in a file that is itself a module of the index (it uses the klp
  // API), read after the livepatch replacing it: the livepatch's lookup is checked again.
  w('fixes/lp_core.c', livepatch({ name: 'lp_core', old: 'core_switch_task', params: 'int a, int b' }));
  w('zz-core/transition.c', '#include <linux/livepatch.h>\n\nint core_switch_task(int t)\n{\n\treturn klp_shadow_get(NULL, t) != NULL;\n}\n');
  // Build output is never read as a source.
  w('build/cve_a.mod.c', livepatch({ name: 'junk', old: 'target_read', mod: false }));
  return root;
}

describe('the editor shows what check shows (LSP over stdio vs check --format json)', function () {
  this.timeout(60000);
  let root: string;
  let c: LspClient;

  before(async () => {
    root = fs.realpathSync(workspace());
    c = await LspClient.start({ root });
    await c.indexed(30000);
  });

  after(async () => {
    await c?.stop();
    if (!process.env.KLP_KEEP) fs.rmSync(root, { recursive: true, force: true });
  });

  it('file by file, the same findings', async () => {
    const cli = checkJson(root);
    assert.equal(cli.status, 1, 'cve-b and the klp.series are errors');
    assert.ok(cli.byFile.get('release/lp_r3.c')?.some((l) => / KLP020 /.test(l)), 'the odd one out of a cumulative release folder');
    // Diagnostics of files never opened arrive with the index; give late ones a moment.
    await c.until(() => editorByFile(c, root).size >= cli.byFile.size, 'every file with findings', 15000);
    const editor = editorByFile(c, root);
    assert.deepEqual([...editor.keys()].sort(), [...cli.byFile.keys()].sort());
    for (const [file, list] of cli.byFile) assert.deepEqual(editor.get(file), list, file);
  });

  it('both livepatch.c are checked and reported (module identity is the path)', () => {
    const cli = checkJson(root).byFile;
    assert.ok(cli.get('cve-b/livepatch.c')?.some((l) => / KLP003 /.test(l)), 'cve-b: missing terminator');
    assert.ok(cli.get('cve-a/livepatch.c')?.some((l) => / KLP011 /.test(l)), 'cve-a: parameter count against target/target.c');
  });

  it('a replaced function defined in another module of the index, analysed later: the same finding as check', () => {
    const cli = checkJson(root).byFile.get('fixes/lp_core.c') ?? [];
    assert.ok(cli.some((l) => / KLP011 [\s\S]*zz-core\/transition\.c/.test(l)), cli.join('\n'));
    assert.deepEqual(editorByFile(c, root).get('fixes/lp_core.c'), cli);
  });

  it('editing that original (open, unsaved, then closed) checks the livepatch replacing it again', async () => {
    const core = path.join(root, 'zz-core/transition.c');
    const lp = path.join(root, 'fixes/lp_core.c');
    const has011 = (d: { code?: string | number }[]) => d.some((x) => x.code === 'KLP011');
    const where011 = (d: { code?: string | number; message: unknown }[]) => /\(transition\.c:(\d+)\)/.exec(String(d.find((x) => x.code === 'KLP011')?.message ?? ''))?.[1];
    assert.equal(where011(c.diagnosticsOf(lp)), '3', 'before the edit');
    await c.open(core);
    // A line break above the original (shifted in place in the editor): the message says where it is now.
    await c.edit(core, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '\n');
    await c.waitDiagnostics(lp, (d) => where011(d) === '4', 'KLP011 pointing at the moved original', 15000);
    const at = c.text(core).indexOf('int t)') + 'int t'.length;
    const line = c.text(core).slice(0, at).split('\n').length - 1;
    const character = at - c.text(core).lastIndexOf('\n', at - 1) - 1;
    await c.edit(core, { start: { line, character }, end: { line, character } }, ', int u');
    await c.waitDiagnostics(lp, (d) => !has011(d), 'KLP011 gone from the livepatch', 15000);
    // Closed without saving: the disk's original counts again, as for check.
    await c.close(core);
    await c.waitDiagnostics(lp, (d) => has011(d), 'KLP011 back once the edit is discarded', 15000);
    assert.deepEqual(editorByFile(c, root).get('fixes/lp_core.c'), checkJson(root).byFile.get('fixes/lp_core.c'));
  });

  it('no series without klp.series: no KLP043 between unrelated modules, no upgrade lens; a source action offers one', async () => {
    const cli = checkJson(root).byFile;
    for (const f of ['selftests/test_lp_a.c', 'selftests/test_lp_b.c']) assert.ok(!(cli.get(f) ?? []).some((l) => /KLP04[23]|KLP02[14]/.test(l)), `${f}: ${cli.get(f)}`);
    const b = path.join(root, 'selftests/test_lp_b.c');
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri(b) } });
    assert.deepEqual(lenses.map((l) => l.command?.title), ['Simulate enable', 'Show timeline']);
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: uri(b) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] },
    });
    const create = actions.find((a) => a.kind === 'source.createKlpSeries');
    assert.ok(create, JSON.stringify(actions.map((a) => a.title)));
    const changes = create.edit?.documentChanges as [{ kind: string; uri: string }, { edits: { newText: string }[] }];
    assert.equal(changes[0].kind, 'create');
    assert.equal(changes[0].uri, uri(path.join(root, 'selftests/klp.series')));
    assert.deepEqual(changes[1].edits[0].newText.split('\n').filter((l) => l && !l.startsWith('#')), ['test_lp_a', 'test_lp_b']);
    // A declared series gets the upgrade lens and no such action.
    const v2 = path.join(root, 'series/lp_v2.c');
    const v2Lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri(v2) } });
    assert.ok(v2Lenses.some((l) => l.command?.title === 'Simulate upgrade from lp_v1'), JSON.stringify(v2Lenses.map((l) => l.command?.title)));
  });

  it('a klp.series line naming a missing module is an error on that line, in check and in the editor', () => {
    const cli = checkJson(root).byFile.get('series/klp.series') ?? [];
    assert.equal(cli.filter((l) => l.startsWith('3:1-3:8 error KLP-SERIES ')).length, 1, cli.join('\n'));
    assert.deepEqual(editorByFile(c, root).get('series/klp.series'), cli);
  });

  it('nothing on code that is not a livepatch module, nothing from build output', () => {
    const cli = checkJson(root).byFile;
    for (const f of cli.keys()) assert.ok(!f.startsWith('core/') && !f.startsWith('build/') && !f.startsWith('target/'), f);
  });
});
