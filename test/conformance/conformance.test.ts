// Conformance: every case folder (scenario.klpsim + expected.txt) runs through
// `klp-studio simulate` and must print expected.txt byte for byte. shared/ holds the
// project-wide examples (copied from ../shared/conformance, never regenerated); cases/
// holds our own, one or more per rule of the semantics document, each naming its rule in
// a `# rule:` line; their expected.txt files are regenerated with UPDATE=1 (then reviewed).
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { command as simulate } from '../../cli/src/commands/simulate';

const here = __dirname;

async function runCli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await simulate.run(args.slice(1), { out: (t) => { out += t; }, err: (t) => { err += t; }, cwd, isTTY: false });
  return { code, out, err };
}

function cases(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'scenario.klpsim')))
    .map((d) => d.name)
    .sort();
}

describe('conformance: shared examples (byte for byte)', () => {
  const dir = path.join(here, 'shared');
  for (const c of cases(dir)) {
    it(c, async () => {
      const r = await runCli(['simulate', `${c}/scenario.klpsim`, '--path', 'modules'], dir);
      assert.strictEqual(r.err, '');
      assert.strictEqual(r.code, 0);
      assert.strictEqual(r.out, fs.readFileSync(path.join(dir, c, 'expected.txt'), 'utf8'));
    });
  }
  const cli = path.resolve(here, '../../dist/cli.js');
  it('the built CLI (dist/cli.js) prints the same bytes', function () {
    if (!fs.existsSync(cli)) this.skip();
    for (const c of cases(dir)) {
      const r = spawnSync(process.execPath, [cli, 'simulate', `${c}/scenario.klpsim`, '--path', 'modules'], { cwd: dir, encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stderr);
      assert.strictEqual(r.stdout, fs.readFileSync(path.join(dir, c, 'expected.txt'), 'utf8'), c);
    }
  });
});

describe('conformance: own cases per semantics rule', () => {
  const dir = path.join(here, 'cases');
  for (const c of cases(dir)) {
    const scenario = fs.readFileSync(path.join(dir, c, 'scenario.klpsim'), 'utf8');
    const rule = /^#\s*rule:\s*(.*)$/m.exec(scenario)?.[1] ?? '(no rule named)';
    it(`${c} — ${rule}`, async () => {
      assert.ok(/^#\s*rule:/m.test(scenario), 'the case names the rule it checks');
      const extra = fs.existsSync(path.join(dir, c, 'args')) ? fs.readFileSync(path.join(dir, c, 'args'), 'utf8').trim().split(/\s+/) : [];
      const r = await runCli(['simulate', `${c}/scenario.klpsim`, '--path', 'modules', ...extra], dir);
      const expectedFile = path.join(dir, c, 'expected.txt');
      const got = r.out + (r.err ? `[stderr]\n${r.err}` : '') + (r.code ? `[exit ${r.code}]\n` : '');
      if (process.env.UPDATE) fs.writeFileSync(expectedFile, got);
      assert.strictEqual(got, fs.readFileSync(expectedFile, 'utf8'));
    });
  }
});
