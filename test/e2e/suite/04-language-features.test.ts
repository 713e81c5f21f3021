// Hover, document symbols, go to definition and code lenses, through VS Code's own provider
// commands (the same path the editor UI takes) against our server.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, open, positionOf, waitFor, wsUri } from './helpers';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

describe('language features', () => {
  let doc: vscode.TextDocument;
  before(async () => {
    await api();
    doc = (await open(wsUri('lp_acme_v2.c'))).document;
  });

  it('hovers a klp_func field with what the kernel does with it', async () => {
    const at = positionOf(doc, '.old_name', 2);
    const hovers = await waitFor('a hover on .old_name', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
      return h.length ? h : undefined;
    });
    assert.match(hoverText(hovers), /old_name/);
  });

  it('hovers an old_name string with the function\'s history across the series', async () => {
    const at = positionOf(doc, '"acme_cache_lookup"', 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
    const text = hoverText(hovers);
    for (const p of ['lp_acme_v1', 'lp_acme_v2', 'lp_acme_v3']) assert.ok(text.includes(p), `history names ${p}:\n${text}`);
  });

  it('lists the patch, its objects and functions as document symbols', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    assert.ok(symbols?.length, 'document symbols');
    const names: string[] = [];
    const walk = (s: vscode.DocumentSymbol[]) => s.forEach((x) => (names.push(x.name), walk(x.children ?? [])));
    walk(symbols);
    const flat = names.join(' | ');
    assert.ok(names.some((n) => /patch/.test(n)), `a patch symbol in: ${flat}`);
    assert.ok(names.some((n) => n.includes('acme_cache_lookup')), `a function symbol in: ${flat}`);
    assert.ok(names.some((n) => n.includes('acme_cache')), `an object symbol in: ${flat}`);
  });

  it('goes from a new_func to its definition', async () => {
    const at = positionOf(doc, '.new_func = livepatch_acme_cache_lookup', '.new_func = '.length + 3);
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, at);
    assert.ok(defs.length, 'a definition');
    const d = defs[0];
    const range = 'targetRange' in d ? d.targetRange : d.range;
    const uri = 'targetUri' in d ? d.targetUri : d.uri;
    assert.equal(uri.toString(), doc.uri.toString());
    assert.match(doc.lineAt(range.start.line).text + doc.lineAt(Math.min(range.start.line + 1, doc.lineCount - 1)).text, /livepatch_acme_cache_lookup\s*\(/);
  });

  it('finds the patches of the workspace as workspace symbols', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'lp_acme');
    const names = symbols.map((x) => `${x.name} ${path.basename(x.location.uri.fsPath)}`);
    for (const v of ['v1', 'v2', 'v3']) assert.ok(names.some((n) => n.includes(`lp_acme_${v}.c`)), `a symbol in lp_acme_${v}.c among ${names}`);
  });

  it('finds the references of a state id across the series', async () => {
    const at = positionOf(doc, '.id = ACME_STATE_STATS', '.id = '.length + 2);
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, at);
    const files = new Set(refs.map((r) => path.basename(r.uri.fsPath)));
    assert.ok(files.has('lp_acme_v1.c') && files.has('lp_acme_v2.c'), `references in v1 and v2: ${[...files]}`);
  });

  it('offers "Simulate enable", "Simulate upgrade from lp_acme_v1" and "Show timeline" lenses on the klp_patch', async () => {
    const lenses = await waitFor('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      return l.length ? l : undefined;
    });
    const titles = lenses.map((l) => l.command?.title);
    assert.ok(titles.includes('Simulate enable'), `titles: ${titles}`);
    assert.ok(titles.includes('Simulate upgrade from lp_acme_v1'), `titles: ${titles}`);
    assert.ok(titles.includes('Show timeline'), `titles: ${titles}`);
    const patchLine = positionOf(doc, 'struct klp_patch patch = {').line;
    for (const l of lenses) assert.equal(l.range.start.line, patchLine, 'lenses sit on the struct klp_patch');
  });
});
