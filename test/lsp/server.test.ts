// The real language server (dist/server.js) over stdio with a real JSON-RPC client:
// diagnostics (rules and series, related information), quick fixes applied as edits,
// hover, definition, references, symbols, code lenses, the klp/* requests, incremental
// edits on half-typed C, unsaved contents over disk, and file watching.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  CodeAction, CodeLens, Diagnostic, DocumentSymbol, Hover, Location, MarkupContent, SymbolInformation, TextEdit,
} from 'vscode-languageserver-protocol/node';
import { serverNodeFlags } from '../../common/src/serverFlags';
import { ClientCommands, type SeriesOverview, type SimulateResult, type WorkspaceModule, type FileInfo } from '../../common/src/protocol';
import { applyEdit, copyTree, find, LspClient, uri } from './harness';

const FIXTURE = path.join(__dirname, 'fixtures/series');
const codes = (ds: Diagnostic[]) => ds.map((d) => String(d.code)).sort();
const hoverText = (h: Hover | null) => (h ? (h.contents as MarkupContent).value : '');
const msg = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);

describe('language server over stdio (dist/server.js)', function () {
  this.timeout(30000);
  let dir: string;
  let c: LspClient;
  let one: string;
  let two: string;

  before(async () => {
    dir = copyTree(FIXTURE);
    one = path.join(dir, 'lp_one.c');
    two = path.join(dir, 'lp_two.c');
    c = await LspClient.start({ root: dir });
    await c.indexed();
  });

  after(async () => {
    const code = await c.stop();
    assert.equal(code, 0, `server exit status (stderr: ${c.stderr})`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('announces incremental sync and its features', () => {
    const caps = c.initializeResult.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2, save: false });
    for (const k of ['hoverProvider', 'definitionProvider', 'referencesProvider', 'documentSymbolProvider', 'workspaceSymbolProvider', 'codeActionProvider', 'codeLensProvider'] as const) {
      assert.ok(caps[k], k);
    }
  });

  it('indexes with work-done progress and registers file watchers', async () => {
    const kinds = (c.progress as { value: { kind: string } }[]).map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    await c.until(() => (c.progress as { value: { kind: string } }[]).some((p) => p.value.kind === 'end'), 'progress end');
    const reg = c.registrations as { method: string; registerOptions: { watchers: { globPattern: string }[] } }[];
    const watch = reg.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.ok(watch, 'didChangeWatchedFiles registered');
    assert.ok(watch.registerOptions.watchers.some((w) => w.globPattern.includes('klp.series')));
  });

  it('publishes rule and series diagnostics for files that are not open', async () => {
    const ds = await c.waitDiagnostics(two, (d) => codes(d).includes('KLP042') && codes(d).includes('KLP003'));
    const terminator = ds.find((d) => d.code === 'KLP003')!;
    assert.equal(terminator.source, 'klp-studio');
    assert.equal(terminator.severity, 1);
    assert.match(msg(terminator), /widget_funcs/);
    // Every diagnostic is a rule finding with a code.
    for (const d of ds) assert.match(String(d.code), /^KLP\d{3}$/);
    const oneDs = await c.waitDiagnostics(one, (d) => d.length > 0);
    assert.ok(codes(oneDs).includes('KLP050'), codes(oneDs).join());
  });

  it('points a series finding at the other patch with related information', async () => {
    const ds = await c.waitDiagnostics(two, (d) => codes(d).includes('KLP042'));
    const state = ds.find((d) => d.code === 'KLP042')!;
    assert.match(msg(state), /lp_one/);
    const rel = state.relatedInformation ?? [];
    assert.ok(rel.length > 0, 'related information');
    assert.equal(rel[0].location.uri, uri(one));
    // It points at the state entry of lp_one (the `.id = LP_STATE_COUNTER` line or its entry).
    const line = fs.readFileSync(one, 'utf8').split('\n').slice(rel[0].location.range.start.line, rel[0].location.range.end.line + 1).join('\n');
    assert.match(line, /LP_STATE_COUNTER|version|\{/);
    const nop = ds.find((d) => d.code === 'KLP021' && /widget_count/.test(msg(d)));
    assert.ok(nop, 'the NOP revert of widget_count is reported');
  });

  it('offers the rule fixes as quick fixes; applying one clears the diagnostic', async () => {
    await c.open(two);
    const ds = await c.waitDiagnostics(two, (d, p) => p.version === 1 && codes(d).includes('KLP003'));
    const diag = ds.find((d) => d.code === 'KLP003')!;
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: uri(two) }, range: diag.range, context: { diagnostics: [diag] },
    });
    assert.ok(actions.length >= 1, 'at least one fix');
    const fix = actions[0];
    assert.equal(fix.kind, 'quickfix');
    assert.deepEqual(fix.diagnostics?.map((d) => d.code), ['KLP003']);
    const edits = fix.edit!.changes![uri(two)] as TextEdit[];
    assert.ok(edits.length >= 1);
    // Apply the edits as the editor would (last first), as incremental changes.
    const sorted = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
    let version = 1;
    for (const e of sorted) version = await c.edit(two, e.range, e.newText);
    const after = await c.waitDiagnostics(two, (d, p) => p.version === version, 'diagnostics after the fix');
    assert.ok(!codes(after).includes('KLP003'), `KLP003 gone: ${codes(after).join()}`);
    assert.match(c.text(two), /\{ ?\}/);
    // Without diagnostics in the context, the fixes on the range are still found.
    const none = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(two) }, range: diag.range, context: { diagnostics: [] } });
    assert.ok(Array.isArray(none));
    await c.close(two);
  });

  it('hover: a field, an old_name with its series history, a callback, a state across the series', async () => {
    const text = fs.readFileSync(one, 'utf8');
    const at = (needle: string, nth = 0, delta = 1) => ({ textDocument: { uri: uri(one) }, position: { line: find(text, needle, nth).start.line, character: find(text, needle, nth).start.character + delta } });

    const replace = hoverText(await c.request<Hover>('textDocument/hover', at('.replace')));
    assert.match(replace, /klp_patch\.replace/);
    assert.match(replace, /without running any of their callbacks/);

    const oldName = hoverText(await c.request<Hover>('textDocument/hover', at('"widget_count"', 0, 3)));
    assert.match(oldName, /widget:widget_count/);
    assert.match(oldName, /\| `lp_one` \(this\) \| yes \| patched with `lp_widget_count` \|/);
    assert.match(oldName, /\| `lp_two` \| yes \| reverted to the original code/);
    assert.match(oldName, /Original: `widget\.c:\d+`/);

    const cb = hoverText(await c.request<Hover>('textDocument/hover', at('one_post_unpatch,', 0, 2)));
    assert.match(cb, /post_unpatch/);
    assert.match(cb, /only while `widget` is loaded/);
    assert.match(cb, /not\*\* called when this patch is replaced/);

    const st = hoverText(await c.request<Hover>('textDocument/hover', at('.id = LP_STATE_COUNTER', 0, 8)));
    assert.match(st, /id \*\*7\*\*/);
    assert.match(st, /\| `lp_one` \(this\) \| yes \| version 2 \|/);
    assert.match(st, /\| `lp_two` \| yes \| version 1 \|/);

    const nothing = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: uri(one) }, position: { line: 0, character: 0 } });
    assert.equal(nothing, null);
  });

  it('definition: old_name to the original, new_func and callbacks to functions, ids to their #define', async () => {
    const text = fs.readFileSync(one, 'utf8');
    const def = async (needle: string, delta = 2) => {
      const r = find(text, needle);
      return c.request<Location[] | null>('textDocument/definition', { textDocument: { uri: uri(one) }, position: { line: r.start.line, character: r.start.character + delta } });
    };
    const widget = fs.readFileSync(path.join(dir, 'widget.c'), 'utf8');
    const original = (await def('"widget_count"'))!;
    assert.equal(original[0].uri, uri(path.join(dir, 'widget.c')));
    assert.deepEqual(original[0].range, find(widget, 'widget_count'));

    const nf = (await def('= lp_widget_count', 4))!;
    assert.equal(nf[0].uri, uri(one));
    assert.deepEqual(nf[0].range.start, find(text, 'lp_widget_count').start);

    const cb = (await def('= one_pre_patch', 4))!;
    assert.deepEqual(cb[0].range.start, find(text, 'one_pre_patch').start);

    const ids = fs.readFileSync(path.join(dir, 'lp_ids.h'), 'utf8');
    const st = (await def('= LP_STATE_COUNTER', 4))!;
    assert.equal(st[0].uri, uri(path.join(dir, 'lp_ids.h')));
    assert.deepEqual(st[0].range, find(ids, 'LP_STATE_COUNTER'));

    const sv = (await def('SV_WIDGET_TAG, sizeof', 3))!;
    assert.deepEqual(sv[0].range, find(ids, 'SV_WIDGET_TAG'));
  });

  it('references: state and shadow ids across the series', async () => {
    const text = fs.readFileSync(one, 'utf8');
    const r = find(text, '= LP_STATE_COUNTER');
    const refs = await c.request<Location[]>('textDocument/references', {
      textDocument: { uri: uri(one) }, position: { line: r.start.line, character: r.start.character + 4 }, context: { includeDeclaration: false },
    });
    assert.deepEqual(refs.map((l) => path.basename(l.uri)).sort(), ['lp_one.c', 'lp_two.c']);

    const s = find(text, 'SV_WIDGET_TAG, sizeof');
    const shadow = await c.request<Location[]>('textDocument/references', {
      textDocument: { uri: uri(one) }, position: { line: s.start.line, character: s.start.character + 3 }, context: { includeDeclaration: true },
    });
    const files = shadow.map((l) => path.basename(l.uri)).sort();
    assert.deepEqual(files, ['lp_ids.h', 'lp_one.c', 'lp_one.c', 'lp_two.c']);
  });

  it('document symbols for the outline; workspace symbols for patches', async () => {
    const syms = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uri(one) } });
    const names = syms.map((s) => s.name);
    for (const n of ['patch', 'objs', 'widget_funcs', 'states', 'one_pre_patch', 'one_post_unpatch', 'lp_widget_count']) assert.ok(names.includes(n), `${n} in ${names.join()}`);
    const funcs = syms.find((s) => s.name === 'widget_funcs')!;
    assert.deepEqual(funcs.children?.map((x) => x.name), ['widget_count']);
    const objs = syms.find((s) => s.name === 'objs')!;
    assert.equal(objs.children?.[0].name, 'widget');
    assert.deepEqual(objs.children?.[0].children?.map((x) => x.name), ['pre_patch: one_pre_patch', 'post_unpatch: one_post_unpatch']);
    const ws = await c.request<SymbolInformation[]>('workspace/symbol', { query: 'lp' });
    assert.deepEqual(ws.map((s) => s.name), ['lp_one', 'lp_two']);
    assert.match(ws[1].containerName ?? '', /#2/);
  });

  it('code lenses on struct klp_patch: simulate enable, upgrade from the previous patch, timeline', async () => {
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri(two) } });
    assert.deepEqual(lenses.map((l) => l.command?.title), ['Simulate enable', 'Simulate upgrade from lp_one', 'Show timeline']);
    assert.deepEqual(lenses.map((l) => l.command?.command), [ClientCommands.simulateEnable, ClientCommands.simulateUpgrade, ClientCommands.showTimeline]);
    assert.deepEqual(lenses[1].command?.arguments, [{ module: 'lp_two', uri: uri(two), from: 'lp_one' }]);
    const first = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri(one) } });
    assert.deepEqual(first.map((l) => l.command?.title), ['Simulate enable', 'Show timeline']);
  });

  it('klp/modules, klp/fileInfo and klp/seriesOverview', async () => {
    const mods = await c.request<WorkspaceModule[]>('klp/modules', {});
    assert.deepEqual(mods.map((m) => [m.name, m.replace, m.series?.index]), [['lp_one', true, 0], ['lp_two', true, 1]]);
    // widget.c (the patched target) mentions no klp_patch: the index reads it, parses it only
    // for the originals of replaced functions, and does not list it as a module.
    const all = await c.request<WorkspaceModule[]>('klp/modules', { livepatchOnly: false });
    assert.deepEqual(all.map((m) => m.name), ['lp_one', 'lp_two']);
    const info = await c.request<FileInfo>('klp/fileInfo', { uri: uri(two) });
    assert.deepEqual(info.series && { name: info.series.name, index: info.series.index, count: info.series.count }, { name: path.basename(dir), index: 1, count: 2 });
    const ov = (await c.request<SeriesOverview | null>('klp/seriesOverview', { uri: uri(two) }))!;
    assert.equal(ov.source, 'klp.series');
    assert.deepEqual(ov.patches.map((p) => p.name), ['lp_one', 'lp_two']);
    assert.deepEqual(ov.functions.map((f) => [f.function, f.steps]), [['widget_count', ['new', 'reverted-by-nop']], ['widget_reset', ['absent', 'new']]]);
    assert.deepEqual(ov.states, [{ id: 7, versions: [2, 1] }]);
    assert.ok(ov.findings.some((f) => f.code === 'KLP042'));
  });

  it('klp/simulate: generated enable/upgrade runs and a scenario document, with unsaved contents', async () => {
    const enable = await c.request<SimulateResult>('klp/simulate', { target: { kind: 'enable', module: 'lp_one' } });
    assert.ok(enable.ok, JSON.stringify(enable));
    // The patched module is loaded first, though widget.c is no module of the index (no klp_patch in it).
    assert.match(enable.ok ? enable.scenario : '', /^modprobe widget$/m);
    assert.ok(enable.transcript.includes("livepatch: enabling patch 'lp_one'"), enable.transcript.join('\n'));
    assert.ok(enable.transcript.includes("livepatch: 'lp_one': patching complete"));
    assert.ok(enable.events.length > 0 && enable.events[enable.events.length - 1].kind === 'end');

    // The series analysis says lp_two is refused over lp_one; the simulator agrees.
    const up = await c.request<SimulateResult>('klp/simulate', { target: { kind: 'upgrade', module: 'lp_two', from: 'lp_one' } });
    assert.ok(up.ok);
    assert.ok(up.transcript.some((l) => l.includes('Livepatch patch (lp_two) is not compatible')), up.transcript.join('\n'));

    // Raise lp_two's state version in the editor only: the upgrade now goes through.
    await c.open(two);
    const v = find(c.text(two), '.version = 1');
    await c.edit(two, { start: { line: v.end.line, character: v.end.character - 1 }, end: v.end }, '3');
    assert.equal(fs.readFileSync(two, 'utf8').includes('.version = 3'), false, 'the disk is untouched');
    const up2 = await c.request<SimulateResult>('klp/simulate', { target: { kind: 'upgrade', module: 'lp_two', from: 'lp_one' } });
    assert.ok(up2.ok);
    assert.ok(up2.transcript.includes("livepatch: 'lp_two': patching complete"), up2.transcript.join('\n'));
    const ds = await c.waitDiagnostics(two, (d, p) => p.version === 2, 'diagnostics of the edited lp_two');
    assert.ok(!codes(ds).includes('KLP042'), 'state compatible now');
    await c.close(two);
    await c.waitDiagnostics(two, (d) => codes(d).includes('KLP042'), 'disk contents back after close');

    // A scenario document (unsaved text) and a scenario error.
    const scen = path.join(dir, 'try.klpsim');
    const run = await c.request<SimulateResult>('klp/simulate', { target: { kind: 'scenario', uri: uri(scen), text: 'modprobe widget\ninsmod lp_one.ko\ncat /sys/kernel/livepatch/lp_one/enabled\n' } });
    assert.ok(run.ok, JSON.stringify(run));
    assert.equal(run.transcript[run.transcript.length - 1], '1');
    const bad = await c.request<SimulateResult>('klp/simulate', { target: { kind: 'scenario', uri: uri(scen), text: 'insmod lp_one.ko\nfrobnicate\n' } });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.equal(bad.errors[0].line, 1);
    const missing = await c.request<SimulateResult>('klp/simulate', { target: { kind: 'enable', module: 'no_such_patch' } });
    assert.equal(missing.ok, false);
  });

  it('klp/simulate: the kernel profile (klpStudio.simulate.kernel) is passed on; 6.1 has no stack_order file', async () => {
    const scen = path.join(dir, 'profile.klpsim');
    const text = 'insmod lp_one.ko\ncat /sys/kernel/livepatch/lp_one/stack_order\n';
    const latest = await c.request<SimulateResult>('klp/simulate', { target: { kind: 'scenario', uri: uri(scen), text } });
    const old = await c.request<SimulateResult>('klp/simulate', { target: { kind: 'scenario', uri: uri(scen), text }, kernel: '6.1' });
    assert.ok(latest.ok && old.ok, JSON.stringify([latest, old]));
    if (latest.ok && old.ok) {
      assert.equal(latest.transcript[latest.transcript.length - 1], '1');
      assert.match(old.transcript[old.transcript.length - 1], /stack_order: No such file or directory$/);
    }
  });

  it('.klpsim documents: parse errors as diagnostics, completion, hover', async () => {
    const scen = path.join(dir, 'up.klpsim');
    await c.open(scen, 'modprobe widget\ninsmod lp_one.ko\nfrobnicate now\n', 'klpsim');
    const ds = await c.waitDiagnostics(scen, (d) => d.length > 0);
    assert.deepEqual(ds.map((d) => [d.code, d.range.start.line, d.severity]), [['KLPSIM', 2, 1]]);
    const v = await c.edit(scen, find(c.text(scen), 'frobnicate now'), 'insmod lp_two.ko');
    await c.waitDiagnostics(scen, (d, p) => p.version === v && d.length === 0, 'errors cleared');

    type Item = { label: string };
    const complete = async (line: number, character: number) => (await c.request<Item[]>('textDocument/completion', { textDocument: { uri: uri(scen) }, position: { line, character } })).map((i) => i.label);
    await c.edit(scen, { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, 'i');
    assert.ok((await complete(3, 1)).includes('insmod'));
    await c.edit(scen, { start: { line: 3, character: 1 }, end: { line: 3, character: 1 } }, 'nsmod ');
    assert.deepEqual((await complete(3, 7)).filter((l) => l.startsWith('lp_')), ['lp_one.ko', 'lp_two.ko']);
    await c.edit(scen, { start: { line: 3, character: 0 }, end: { line: 3, character: 7 } }, 'echo 0 > /sys/kernel/livepatch/');
    assert.deepEqual(await complete(3, 31), ['lp_one', 'lp_two']);
    await c.edit(scen, { start: { line: 3, character: 31 }, end: { line: 3, character: 31 } }, 'lp_two/');
    assert.deepEqual(await complete(3, 38), ['enabled', 'force']);
    const end3 = { line: 3, character: c.text(scen).split('\n')[3].length };
    await c.edit(scen, { start: end3, end: end3 }, '\n#@');
    assert.ok((await complete(4, 2)).includes('#@ task sleeps-in'));

    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(scen) }, position: { line: 1, character: 2 } });
    assert.match(hoverText(h), /\*\*`insmod`\*\*/);
    await c.close(scen);
    await c.waitDiagnostics(scen, (d) => d.length === 0, 'cleared on close');
  });

  it('survives half-typed C: every edit answers, and undoing restores the diagnostics', async () => {
    await c.open(one);
    const before = codes(await c.waitDiagnostics(one, (d, p) => p.version === 1));
    const original = c.text(one);
    const junk = ['{', '}', '"', '/*', '#if X\n', '.old_name = ', '(', 'static struct klp_func x[] = {', '😀', '\\', ')', ';;', '\n'];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    let version = 1;
    for (let i = 0; i < 60; i++) {
      const text = c.text(one);
      const a = rnd(text.length);
      const len = rnd(3) === 0 ? rnd(40) : 0;
      const s = positionFor(text, a);
      const e = positionFor(text, Math.min(text.length, a + len));
      version = await c.edit(one, { start: s, end: e }, junk[rnd(junk.length)]);
      if (i % 10 === 0) {
        const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: uri(one) }, position: s });
        assert.ok(h === null || typeof h === 'object');
        await c.request('textDocument/documentSymbol', { textDocument: { uri: uri(one) } });
      }
    }
    await c.waitDiagnostics(one, (d, p) => p.version === version, 'diagnostics of the mangled text');
    // Undo everything with one whole-document range edit.
    const cur = c.text(one);
    version = await c.edit(one, { start: { line: 0, character: 0 }, end: positionFor(cur, cur.length) }, original);
    assert.equal(c.text(one), original);
    const after = await c.waitDiagnostics(one, (d, p) => p.version === version, 'diagnostics after undo');
    assert.deepEqual(codes(after), before);
    assert.equal(c.proc.exitCode, null, 'server alive');
    await c.close(one);
  });

  it('line breaks typed above findings move them, series findings included (positions shifted in place)', async () => {
    await c.open(two);
    const first = await c.waitDiagnostics(two, (d, p) => p.version === 1);
    const at = (ds: typeof first, code: string) => ds.filter((d) => d.code === code).map((d) => d.range.start.line);
    assert.ok(at(first, 'KLP042').length && at(first, 'KLP021').length && at(first, 'KLP003').length, codes(first).join());
    let version = 1;
    for (const [n, insert] of [[1, true], [3, true], [4, false]] as const) {
      const top = { line: 0, character: 0 };
      version = insert
        ? await c.edit(two, { start: top, end: top }, '\n'.repeat(n))
        : await c.edit(two, { start: top, end: { line: n, character: 0 } }, '');
      const ds = await c.waitDiagnostics(two, (d, p) => p.version === version, `diagnostics after ${insert ? 'adding' : 'removing'} ${n} lines`);
      const shift = insert ? (n === 1 ? 1 : 4) : 0;
      for (const code of ['KLP042', 'KLP021', 'KLP003']) assert.deepEqual(at(ds, code), at(first, code).map((l) => l + shift), `${code} after ${n} line(s) ${insert ? 'added' : 'removed'}`);
      const stats = await c.request<{ lastRun: { shifted: number } }>('klp/analysisStats', undefined);
      assert.ok(stats.lastRun.shifted > 0, JSON.stringify(stats.lastRun));
    }
    await c.close(two);
  });

  it('a burst of edits ends with the diagnostics of the final text', async () => {
    await c.open(two);
    await c.waitDiagnostics(two, (d, p) => p.version === 1);
    const pos = find(c.text(two), '.version = 1').end;
    let version = 1;
    // Type and delete 200 characters without waiting, then make the state compatible.
    for (let i = 0; i < 100; i++) {
      version = await c.edit(two, { start: pos, end: pos }, '0');
      version = await c.edit(two, { start: pos, end: { line: pos.line, character: pos.character + 1 } }, '');
    }
    version = await c.edit(two, { start: { line: pos.line, character: pos.character - 1 }, end: pos }, '5');
    const ds = await c.waitDiagnostics(two, (d, p) => p.version === version, 'final diagnostics');
    assert.ok(!codes(ds).includes('KLP042'), codes(ds).join());
    assert.ok(codes(ds).includes('KLP003'));
    await c.close(two);
  });

  it('file watching: disk changes, new and deleted modules; open documents win over disk', async () => {
    // A disk change of a file that is not open.
    const disk = fs.readFileSync(one, 'utf8');
    fs.writeFileSync(one, disk.replace('.version = 2', '.version = 1'));
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(one), type: 2 }] });
    await c.waitDiagnostics(two, (d) => !codes(d).includes('KLP042'), 'lp_two compatible with the changed lp_one');

    // An open document wins over a disk change of the same file.
    await c.open(one);
    fs.writeFileSync(one, disk); // the disk says version 2 again; the editor still says 1
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(one), type: 2 }] });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!codes(c.diagnosticsOf(two)).includes('KLP042'), 'editor contents still rule');
    await c.close(one); // now the disk (version 2) counts again
    await c.waitDiagnostics(two, (d) => codes(d).includes('KLP042'), 'disk contents after close');

    // A new module on disk, added to the series.
    const three = path.join(dir, 'lp_three.c');
    fs.writeFileSync(three, fs.readFileSync(one, 'utf8').replace(/lp_one/g, 'lp_three').replace(/\n\t\.mod = THIS_MODULE,/, ''));
    fs.appendFileSync(path.join(dir, 'klp.series'), 'lp_three\n');
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(three), type: 1 }, { uri: uri(path.join(dir, 'klp.series')), type: 2 }] });
    const ds = await c.waitDiagnostics(three, (d) => codes(d).includes('KLP001'), 'diagnostics of the new module');
    assert.ok(ds.length);
    const mods = await c.request<WorkspaceModule[]>('klp/modules', {});
    assert.deepEqual(mods.map((m) => m.name), ['lp_one', 'lp_three', 'lp_two']);
    assert.equal(mods.find((m) => m.name === 'lp_three')!.series?.index, 2);

    // Deleted: its diagnostics are cleared.
    fs.rmSync(three);
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(three), type: 3 }] });
    await c.waitDiagnostics(three, (d) => d.length === 0, 'cleared diagnostics of the deleted module');
  });
});

describe('language server settings and third-party style clients', function () {
  this.timeout(30000);

  it('klpStudio.rules.severity turns rules off or changes their severity', async () => {
    const dir = copyTree(FIXTURE);
    const c = await LspClient.start({ root: dir, settings: { rules: { severity: { KLP021: 'off', KLP003: 'hint' } } } });
    try {
      const ds = await c.waitDiagnostics(path.join(dir, 'lp_two.c'), (d) => codes(d).includes('KLP003'));
      assert.ok(!codes(ds).includes('KLP021'));
      assert.equal(ds.find((d) => d.code === 'KLP003')!.severity, 4);
    } finally {
      await c.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('initializationOptions carry the settings for clients without workspace/configuration (Helix)', async () => {
    const dir = copyTree(FIXTURE);
    const c = await LspClient.start({ root: dir, capabilities: {}, initializationOptions: { klpStudio: { rules: { severity: { KLP003: 'off', KLP042: 'warning' } } } } });
    try {
      const two = path.join(dir, 'lp_two.c');
      const ds = await c.waitDiagnostics(two, (d) => codes(d).includes('KLP042'));
      assert.ok(!codes(ds).includes('KLP003'));
      assert.equal(ds.find((d) => d.code === 'KLP042')!.severity, 2);
    } finally {
      await c.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`klp-studio lsp --stdio` is the same server; a minimal client gets related info inline', async () => {
    const dir = copyTree(FIXTURE);
    const c = await LspClient.start({ root: dir, viaCli: true, capabilities: {} });
    try {
      const two = path.join(dir, 'lp_two.c');
      await c.open(two);
      const ds = await c.waitDiagnostics(two, (d) => codes(d).includes('KLP042'));
      const d = ds.find((x) => x.code === 'KLP042')!;
      assert.equal(d.relatedInformation, undefined);
      assert.match(msg(d), /lp_one\.c:\d+/);
      // It runs the server with the Node flags the VS Code client passes (a child on the same stdio).
      const children = fs.readFileSync(`/proc/${c.proc.pid}/task/${c.proc.pid}/children`, 'utf8').trim().split(/\s+/);
      assert.equal(children.length, 1, `one child: ${children}`);
      const argv = fs.readFileSync(`/proc/${children[0]}/cmdline`, 'utf8').split('\0').slice(0, -1);
      for (const f of serverNodeFlags()) assert.ok(argv.includes(f), `${f} in ${argv.join(' ')}`);
      assert.deepEqual(argv.slice(-2), ['lsp', '--stdio']);
    } finally {
      assert.equal(await c.stop(), 0);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`klp-studio lsp`: SIGTERM to it ends the server child too (no orphan left)', async () => {
    const dir = copyTree(FIXTURE);
    const c = await LspClient.start({ root: dir, viaCli: true, capabilities: {} });
    try {
      const pid = c.proc.pid!;
      const child = Number(fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim());
      assert.ok(child > 0);
      const exited = new Promise<[number | null, string | null]>((r) => c.proc.once('exit', (code, sig) => r([code, sig])));
      process.kill(pid, 'SIGTERM');
      const [code] = await exited;
      assert.equal(code, 128 + 15, 'the exit status of a server ended by SIGTERM');
      const t0 = Date.now();
      while (fs.existsSync(`/proc/${child}`) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
      assert.ok(!fs.existsSync(`/proc/${child}`), `server child ${child} still running`);
    } finally {
      c.proc.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function positionFor(text: string, offset: number) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

void applyEdit;
