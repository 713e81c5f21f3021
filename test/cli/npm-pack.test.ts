// The CLI as an npm package: `npm pack` of the repository gives a tarball that
// `npm install -g` (offline: the package has no dependencies, the bundle is self-contained)
// turns into a working `klp-studio`, run from outside the repository so that nothing of it
// (node_modules, the sources) can be reached. The published manifest is not private and has
// no placeholder repository URL; the tarball holds the CLI, its wasm files, the guest
// loader's source (verify builds it) and README/LICENSE, and not the editor's bundles.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireBuild, ROOT, tmpdir } from './run';

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 180000, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
  assert.equal(r.status, 0, `npm ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('klp-studio as an npm package: npm pack, npm install -g, run', function () {
  this.timeout(300000);
  let dir: string;
  let bin: string;
  let tarball: string;
  before(() => {
    requireBuild();
    dir = tmpdir('klp-npm-pack-');
    const packed = JSON.parse(npm(['pack', ROOT, '--json', '--pack-destination', dir], dir)) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(dir, packed[0].filename);
    fs.writeFileSync(path.join(dir, 'files.json'), JSON.stringify(packed[0].files.map((f) => f.path).sort()));
    npm(['install', '-g', '--prefix', path.join(dir, 'prefix'), '--offline', tarball], dir);
    bin = path.join(dir, 'prefix', 'bin', 'klp-studio');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the manifest is publishable: not private, no placeholder repository', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(manifest.private, undefined);
    const repo = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
    if (repo !== undefined) assert.doesNotMatch(repo, /example\.|\.invalid|placeholder/);
    assert.equal(manifest.bin['klp-studio'], 'dist/cli.js');
    assert.equal(Object.keys(manifest.dependencies ?? {}).length, 0, 'the CLI bundle is self-contained: a global install must need nothing else');
  });

  it('the tarball holds the CLI, its wasm files, the guest loader source, README and LICENSE only', () => {
    const files: string[] = JSON.parse(fs.readFileSync(path.join(dir, 'files.json'), 'utf8'));
    assert.deepEqual(files, ['LICENSE', 'README.md', 'dist/cli.js', 'dist/tree-sitter-c.wasm', 'dist/web-tree-sitter.wasm', 'package.json', 'verify/guest/klpctl.c']);
  });

  it('the installed klp-studio runs --version and check on a copy of the examples, from outside the repository', () => {
    assert.ok(fs.existsSync(bin), `npm install -g made no ${bin}`);
    const work = path.join(dir, 'work');
    fs.cpSync(path.join(ROOT, 'examples'), path.join(work, 'examples'), { recursive: true });
    const env = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: dir };
    const version = spawnSync(bin, ['--version'], { cwd: work, encoding: 'utf8', env });
    assert.equal(version.status, 0, version.stderr);
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(version.stdout.split('\n')[0], `klp-studio ${manifest.version}`);
    const check = spawnSync(bin, ['check', 'examples/'], { cwd: work, encoding: 'utf8', env });
    const fromRepo = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'check', 'examples/'], { cwd: work, encoding: 'utf8' });
    assert.equal(check.status, 1, check.stderr);
    assert.match(check.stderr, /klp-studio check: 7 modules \(7 livepatches\): [1-9]\d* errors/);
    assert.equal(check.stdout, fromRepo.stdout, 'the installed CLI and the repository build disagree');
    assert.match(check.stdout, /examples\/lp_acme_v3\.c:\d+:\d+: error: .*\[KLP003\]/);
  });
});
