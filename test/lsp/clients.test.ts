// Third-party LSP clients against `klp-studio lsp --stdio`: headless Neovim (Debian's
// neovim 0.7, vim.lsp.start_client) and Emacs eglot (emacs-nox + elpa-eglot) open a fixture
// and must receive the server's diagnostics, including a series finding; Neovim also gets a
// hover. The editors are Debian packages (`.ci/run` installs them); without them these tests
// are skipped locally and fail in CI (CI=1 or KLP_REQUIRE_CLIENTS=1).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, copyTree, find } from './harness';

const FIXTURE = path.join(__dirname, 'fixtures/series');
const REQUIRED = !!(process.env.CI || process.env.KLP_REQUIRE_CLIENTS);

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function needs(ctx: Mocha.Context, what: string, ok: boolean): void {
  if (ok) return;
  if (REQUIRED) assert.fail(`${what} is not installed (apt-get install neovim emacs-nox elpa-eglot)`);
  ctx.skip();
}

describe('third-party LSP clients (klp-studio lsp --stdio)', function () {
  this.timeout(60000);
  let dir: string;
  const cmd = JSON.stringify([process.execPath, CLI, 'lsp', '--stdio']);

  beforeEach(() => {
    dir = copyTree(FIXTURE, 'klp-clients-');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('Neovim receives rule and series diagnostics and a hover', function () {
    needs(this, 'nvim', have('nvim'));
    const text = fs.readFileSync(path.join(dir, 'lp_two.c'), 'utf8');
    const hoverAt = find(text, '.replace');
    const r = spawnSync('nvim', ['--headless', '-u', path.join(__dirname, 'clients/nvim-probe.lua'), 'lp_two.c'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 50000,
      env: { ...process.env, KLP_LSP_CMD: cmd, KLP_WANT_CODE: 'KLP042', KLP_HOVER_LINE: String(hoverAt.start.line), KLP_HOVER_COL: String(hoverAt.start.character + 2) },
    });
    assert.equal(r.status, 0, `nvim exit status\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    assert.match(r.stdout, /NVIM-PASS/);
    const diags = r.stdout.split('\n').filter((l) => l.startsWith('DIAG ')).map((l) => JSON.parse(l.slice(5)) as { code: string; source: string; lnum: number; severity: number; message: string });
    const terminator = diags.find((d) => d.code === 'KLP003');
    assert.ok(terminator, r.stdout);
    assert.equal(terminator.source, 'klp-studio');
    assert.equal(terminator.severity, 1);
    assert.equal(terminator.lnum, find(text, '.old_name = "widget_reset"').start.line - 2);
    assert.ok(diags.some((d) => d.code === 'KLP042' && /lp_one/.test(d.message)), r.stdout);
    assert.match(r.stdout, /HOVER .*klp_patch\.replace/);
  });

  it('Emacs eglot receives rule and series diagnostics', function () {
    needs(this, 'emacs + eglot', have('emacs') && fs.existsSync('/usr/share/emacs/site-lisp/elpa') && fs.readdirSync('/usr/share/emacs/site-lisp/elpa').some((d) => d.startsWith('eglot')));
    const r = spawnSync('emacs', ['--batch', '-Q', '-l', path.join(__dirname, 'clients/eglot-probe.el'), 'lp_two.c'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 50000,
      env: { ...process.env, KLP_LSP_CMD: cmd, KLP_WANT_CODE: 'KLP042' },
    });
    assert.equal(r.status, 0, `emacs exit status\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    assert.match(r.stdout, /EGLOT-PASS/);
    assert.match(r.stdout, /EGLOT-DIAG eglot-error klp-studio \[KLP003\]: klp_func array 'widget_funcs'/);
    assert.match(r.stdout, /EGLOT-DIAG eglot-error klp-studio \[KLP042\]: lp_two carries system state/);
  });
});
