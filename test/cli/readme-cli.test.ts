// README's "The command line" section tells the truth: its table has a row for every
// subcommand, each row names every option of that command's synopsis and no option the
// command does not accept, the sample `check` output is lines the real command prints on
// the examples, and the exit statuses it states are the ones each command's help states.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commands, klp, optionTokens, requireBuild, ROOT, synopsis } from './run';

function section(readme: string, heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The first cell of each table row, unescaped (`\|` is a literal bar inside a cell). */
function tableCommands(md: string): string[] {
  return md.split('\n').filter((l) => /^\| `klp-studio /.test(l)).map((l) => /^\| `([^`]*)`/.exec(l)![1].replace(/\\\|/g, '|'));
}

describe('README: the command line section', function () {
  this.timeout(120000);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const cli = section(readme, 'The command line');
  const rows = tableCommands(cli);

  it('has a row per subcommand, naming its synopsis options and only options it accepts', async () => {
    for (const [name, c] of await commands()) {
      const mine = rows.filter((r) => r.startsWith(`klp-studio ${name} `) || r === `klp-studio ${name}`);
      assert.ok(mine.length, `no row for klp-studio ${name} in:\n${rows.join('\n')}`);
      const named = new Set(mine.flatMap(optionTokens));
      const accepted = [...c.options.valued, ...c.options.switches];
      for (const o of optionTokens(synopsis(c.usage))) assert.ok(named.has(o), `README's row(s) for ${name} do not name ${o} (${synopsis(c.usage)})`);
      for (const o of named) assert.ok(accepted.includes(o), `README names ${name} ${o}, which ${name} does not accept`);
    }
    for (const r of rows) assert.ok((await commands()).some(([n]) => r.startsWith(`klp-studio ${n}`)), `README row for an unknown command: ${r}`);
  });

  it('mentions help COMMAND and --version', () => {
    assert.match(cli, /`klp-studio help COMMAND`/);
    assert.match(cli, /`--version`/);
  });

  it('the sample output of check is what check prints on the examples', () => {
    requireBuild();
    const sample = /```\n\$ klp-studio (check [^\n]*)\n([\s\S]*?)```/.exec(cli);
    assert.ok(sample, 'README has a check sample');
    const r = klp(sample[1].trim().split(/\s+/));
    const real = new Set((r.stdout + r.stderr).split('\n'));
    const shown = sample[2].split('\n').filter((l) => l && l !== '...');
    assert.ok(shown.length >= 3);
    for (const l of shown) assert.ok(real.has(l), `README shows a line check does not print:\n${l}`);
  });

  it('names the keys of check --format json that check prints', () => {
    requireBuild();
    const m = /`--format json` prints `\[\{([^}]*)\}\]`/.exec(cli.replace(/\n/g, ' '));
    assert.ok(m, 'README describes check --format json');
    const documented = m[1].split(',').map((k) => k.trim()).sort();
    const rows = JSON.parse(klp(['check', 'examples', '--format', 'json']).stdout) as Record<string, unknown>[];
    assert.deepEqual(documented, [...new Set(rows.flatMap((r) => Object.keys(r)))].sort());
  });

  it('states the exit statuses the commands document', async () => {
    for (const [name, c] of await commands()) {
      const statuses = [...c.usage.slice(c.usage.indexOf('exit status')).matchAll(/\b(\d{1,3})\b/g)].map((m) => m[1]).filter((n) => ['0', '1', '2', '3', '130'].includes(n));
      for (const s of new Set(statuses)) assert.ok(new RegExp(`\\b${s}\\b`).test(cli.slice(cli.indexOf('Exit status'))), `README's exit status paragraph lacks ${s} (from ${name} --help)`);
    }
  });
});
