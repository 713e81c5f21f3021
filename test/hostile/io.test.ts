// Workspace safety: nothing is executed from the workspace, nothing goes to the network,
// and nothing is written unless the user asks (a quick fix applied by the editor, an export
// with -o). The built CLI (check, series, simulate, timeline) and a whole language-server
// session (open, edit, every request, klp/simulate, klp/seriesOverview, close) run over a
// copied workspace with ./sandbox.cjs preloaded, which refuses and records every program
// start, network connection, name lookup and file-system write. Afterwards no file of the
// workspace changed (content and mtime), none appeared or vanished, and the record is empty.
// The untrusted-workspace declaration of package.json is checked against what Verify needs.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, positionAt, SERVER, uri } from '../lsp/harness';
import { CLI, ROOT } from './inputs';

const SANDBOX = path.join(__dirname, 'sandbox.cjs');

/** Every file under DIR: path -> size, mtime and content hash. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = fs.lstatSync(p);
        out.set(path.relative(dir, p), `${st.size} ${st.mtimeMs} ${createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`);
      }
    }
  };
  walk(dir);
  return out;
}

function attempts(log: string): string[] {
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

describe('workspace safety: no program, no network, no write without a user action', function () {
  this.timeout(180000);
  let ws: string;
  let log: string;
  let initial: Map<string, string>;

  before(function () {
    if (!fs.existsSync(CLI) || !fs.existsSync(SERVER)) this.skip();
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-io-'));
    fs.cpSync(path.join(ROOT, 'examples'), ws, { recursive: true });
    log = path.join(os.tmpdir(), `klp-io-${process.pid}.log`);
    fs.rmSync(log, { force: true });
    initial = snapshot(ws);
    assert.ok(initial.size > 10);
  });
  after(() => {
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
    if (log) fs.rmSync(log, { force: true });
  });

  it('the sandbox itself records and refuses (so an empty record means something)', () => {
    const r = spawnSync(process.execPath, ['--require', SANDBOX, '-e', "try { require('fs').writeFileSync('/tmp/x', 'y') } catch {} try { require('child_process').spawnSync('true') } catch {} try { require('net').connect(80, 'example.invalid') } catch {}"], { env: { ...process.env, KLP_SANDBOX_LOG: log }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = attempts(log).map((l) => JSON.parse(l).what);
    assert.deepEqual(got, ['fs.writeFileSync', 'child_process.spawnSync', 'net.connect']);
    fs.rmSync(log);
  });

  it('check, series, simulate and timeline (to stdout) read the workspace only', () => {
    const runs = [
      ['check', '.'], ['check', '.', '--format', 'sarif'], ['check', 'lp_acme_v2.c', '--format', 'json'], ['series', '.'], ['series', 'state-callbacks'],
      ['simulate', 'upgrade.klpsim'], ['simulate', 'downgrade.klpsim', '--format', 'json'], ['simulate', 'state-callbacks/upgrade.klpsim'],
      ['timeline', 'upgrade.klpsim', '-o', '-'],
    ];
    for (const args of runs) {
      const r = spawnSync(process.execPath, ['--require', SANDBOX, CLI, ...args], { cwd: ws, env: { ...process.env, KLP_SANDBOX_LOG: log }, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60000 });
      assert.ok(r.status === 0 || r.status === 1, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
      assert.ok(r.stdout.length > 0, `${args.join(' ')} printed nothing`);
      assert.deepEqual(attempts(log), [], `${args.join(' ')}`);
    }
    assert.deepEqual(snapshot(ws), initial);
  });

  it('a language-server session (edits, every request, simulate, quick fixes offered but not applied) writes nothing', async () => {
    const saved = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${saved ?? ''} --require ${SANDBOX}`.trim();
    process.env.KLP_SANDBOX_LOG = log;
    let c: LspClient;
    try {
      c = await LspClient.start({ root: ws });
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
      delete process.env.KLP_SANDBOX_LOG;
    }
    try {
      const environ = `/proc/${c.proc.pid}/environ`;
      if (fs.existsSync(environ)) assert.ok(fs.readFileSync(environ, 'utf8').includes(SANDBOX), 'the server runs with the sandbox preloaded');
      await c.indexed(60000);
      const files = [...initial.keys()].filter((f) => /\.(c|h|klpsim)$/.test(f) || f.endsWith('klp.series')).map((f) => path.join(ws, f));
      let actions = 0;
      for (const f of files) {
        await c.open(f, fs.readFileSync(f, 'utf8'), f.endsWith('.klpsim') ? 'klpsim' : f.endsWith('klp.series') ? 'klpseries' : 'c');
        const td = { textDocument: { uri: uri(f) } };
        const text = c.text(f);
        for (const off of [0, Math.floor(text.length / 3), Math.floor(text.length / 2)]) {
          const position = positionAt(text, off);
          await c.request('textDocument/hover', { ...td, position });
          await c.request('textDocument/definition', { ...td, position });
          await c.request('textDocument/references', { ...td, position, context: { includeDeclaration: true } });
          await c.request('textDocument/completion', { ...td, position });
        }
        await c.request('textDocument/documentSymbol', td);
        await c.request('textDocument/codeLens', td);
        const diags = c.diagnosticsOf(f);
        for (const d of diags) {
          const a = await c.request<unknown[]>('textDocument/codeAction', { ...td, range: d.range, context: { diagnostics: [d] } });
          actions += a?.length ?? 0;
        }
        // An unsaved edit (the server must not save it).
        const v = await c.edit(f, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '// unsaved\n');
        void v;
      }
      assert.ok(actions > 0, 'quick fixes were offered');
      await c.request('workspace/symbol', { query: 'acme' });
      await c.request('klp/modules', {});
      await c.request('klp/seriesOverview', {});
      await c.request('klp/simulate', { target: { kind: 'scenario', uri: uri(path.join(ws, 'upgrade.klpsim')) } });
      await c.request('klp/simulate', { target: { kind: 'upgrade', module: 'lp_acme_v2', from: 'lp_acme_v1' } });
      for (const f of files) await c.close(f);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(c.proc.exitCode, null);
    } finally {
      await c.stop();
    }
    assert.deepEqual(attempts(log), []);
    assert.deepEqual(snapshot(ws), initial);
  });

  it('timeline writes only the file named by -o (an explicit export)', () => {
    const out = path.join(os.tmpdir(), `klp-io-${process.pid}.html`);
    // Without the sandbox: the one write is the point of this command.
    const r = spawnSync(process.execPath, [CLI, 'timeline', 'upgrade.klpsim', '-o', out], { cwd: ws, encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.statSync(out).size > 1000);
    fs.rmSync(out);
    assert.deepEqual(snapshot(ws), initial);
  });

  it('untrusted workspaces: declared limited; Verify (gcc + QEMU on workspace code) needs trust', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const u = pkg.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    assert.match(u.description, /Verify/);
    const verify = pkg.contributes.commands.find((c: { command: string }) => c.command === 'klpStudio.verifyScenario');
    assert.equal(verify.enablement, 'isWorkspaceTrusted');
    const menus = Object.values(pkg.contributes.menus).flat() as { command: string; when?: string }[];
    for (const m of menus.filter((x) => x.command === 'klpStudio.verifyScenario')) assert.match(m.when ?? '', /isWorkspaceTrusted/);
    // The command itself refuses before anything runs (the palette and keybindings bypass menus).
    const src = fs.readFileSync(path.join(ROOT, 'client/src/verify.ts'), 'utf8');
    const handler = src.slice(src.indexOf('registerCommand(VERIFY_COMMAND'));
    assert.ok(handler.indexOf('workspace.isTrusted') >= 0 && handler.indexOf('workspace.isTrusted') < handler.indexOf('runCli('), 'the trust check comes before the run');
    // Only the extension's own programs are ever started: the server and `klp-studio verify`.
    for (const f of fs.readdirSync(path.join(ROOT, 'client/src'), { recursive: true }) as string[]) {
      if (!f.endsWith('.ts')) continue;
      const text = fs.readFileSync(path.join(ROOT, 'client/src', f), 'utf8');
      for (const m of text.matchAll(/spawn\(([^,]+),\s*\[([^\]]*)/g)) {
        assert.equal(m[1].trim(), 'process.execPath', `${f} starts ${m[1]}`);
        // Node's own flags (e.g. '--max-semi-space-size=2', or the server's: serverNodeFlags()) may come first; then our script.
        assert.match(m[2], /^\s*((['"`]--[\w-]+(=\w+)?['"`]|\.\.\.serverNodeFlags\(\)),\s*)*(serverModule|cli)\b/, `${f} runs ${m[2]}`);
      }
    }
  });
});
