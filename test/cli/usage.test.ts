// `klp-studio` as a first-time user meets it: the top-level help and `help COMMAND`,
// `--version`, every command's --help (fits 80 columns, documents exactly the options the
// command accepts), mistyped commands and options, and the exit status each documents —
// 0 ok, 1 findings or failures, 2 bad usage or an unusable input — on wrong inputs: a
// missing file, a folder for a file, a file for a folder, an empty folder, a folder with
// no livepatch, a scenario with a typo, relative and absolute paths and paths with spaces.
// Output formats that claim to be JSON must parse. The built dist/cli.js is what runs.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KERNEL_PROFILES } from '../../core/src/sim/kernelProfile';
import { VERSION } from '../../core/src/version';
import { closestCommand, COMMANDS } from '../../cli/src/main';
import { wantsDiff } from '../../cli/src/commands/verify';
import { commands, documentedOptions, klp, optionTokens, requireBuild, ROOT, synopsis, tmpdir } from './run';

const USAGE_HINT = (cmd: string) => `Run 'klp-studio ${cmd} --help' for its usage.`;

describe('klp-studio: help, version and usage errors', function () {
  this.timeout(120000);
  before(requireBuild);

  it('--help lists every command with its summary; no argument prints it on stderr with status 2', async () => {
    const help = klp(['--help']);
    assert.equal(help.status, 0);
    for (const [name, c] of await commands()) assert.ok(help.stdout.includes(`  ${name.padEnd(10)}${c.summary}\n`), `${name} in\n${help.stdout}`);
    for (const o of ['-h, --help', '-V, --version', 'help [COMMAND]', 'exit status']) assert.ok(help.stdout.includes(o), o);
    assert.deepEqual(klp(['-h']).stdout, help.stdout);
    assert.deepEqual(klp(['help']).stdout, help.stdout);
    const bare = klp([]);
    assert.equal(bare.status, 2);
    assert.equal(bare.stdout, '', 'nothing on stdout: a pipe gets no help text');
    assert.equal(bare.stderr, help.stdout);
  });

  it('help COMMAND and COMMAND --help/-h print the same text, the command\'s usage', async () => {
    for (const [name, c] of await commands()) {
      const a = klp(['help', name]);
      assert.equal(a.status, 0, a.stderr);
      assert.equal(a.stdout, c.usage.trimEnd() + '\n');
      assert.equal(klp([name, '--help']).stdout, a.stdout);
      assert.equal(klp([name, '-h']).stdout, a.stdout);
      assert.match(a.stdout, new RegExp(`^usage: klp-studio ${name}\\b`));
    }
    const bad = klp(['help', 'simulat']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown command 'simulat'; did you mean 'simulate'\?/);
  });

  it('--version names the version, the kernel profiles and the API levels', () => {
    for (const flag of ['--version', '-V']) {
      const r = klp([flag]);
      assert.equal(r.status, 0);
      const lines = r.stdout.trimEnd().split('\n');
      assert.equal(lines[0], `klp-studio ${VERSION}`);
      assert.ok(lines.some((l) => l.includes(KERNEL_PROFILES.join(', '))), r.stdout);
      assert.ok(lines.some((l) => /upstream, state-callbacks, auto/.test(l)), r.stdout);
      assert.ok(lines.some((l) => l === `node ${process.version}`), r.stdout);
    }
  });

  it('every help text fits 80 columns; command summaries fit the list', async () => {
    const texts: [string, string][] = [['--help', klp(['--help']).stdout], ['--version', klp(['--version']).stdout]];
    for (const [name, c] of await commands()) {
      texts.push([name, c.usage]);
      assert.ok(c.summary.length <= 68, `${name}: summary of ${c.summary.length} characters`);
    }
    for (const [name, text] of texts) {
      for (const l of text.split('\n')) assert.ok(l.length <= 80, `${name}: ${l.length} columns: ${l}`);
    }
  });

  it('each help text documents exactly the options its command accepts', async () => {
    for (const [name, c] of await commands()) {
      const accepted = [...c.options.valued, ...c.options.switches];
      const documented = documentedOptions(c.usage);
      for (const o of accepted) assert.ok(documented.includes(o), `${name}: ${o} is accepted but its help has no line for it`);
      for (const o of documented) assert.ok(accepted.includes(o), `${name}: --help documents ${o}, which it does not accept`);
      for (const o of optionTokens(synopsis(c.usage))) assert.ok(accepted.includes(o) || o === '-o', `${name}: the synopsis names ${o}`);
    }
  });

  it('an accepted option is never "unknown"; an unknown one is a usage error pointing to --help', async () => {
    for (const [name, c] of await commands()) {
      for (const o of [...c.options.valued, ...c.options.switches]) {
        if (name === 'lsp') continue; // --stdio starts a server
        const r = klp([name, o, ...(c.options.valued.includes(o) ? ['x'] : [])], tmpdir());
        assert.doesNotMatch(r.stderr, /unknown option/, `${name} ${o}: ${r.stderr}`);
      }
      const r = klp([name, '--no-such-option']);
      assert.equal(r.status, 2, name);
      assert.equal(r.stderr, `klp-studio ${name}: unknown option --no-such-option\n${USAGE_HINT(name)}\n`);
      assert.equal(r.stdout, '');
    }
  });

  it('verify: of --diff and --no-diff the last one wins (the default is to diff)', () => {
    assert.equal(wantsDiff(['s.klpsim']), true);
    assert.equal(wantsDiff(['s.klpsim', '--no-diff']), false);
    assert.equal(wantsDiff(['--no-diff', 's.klpsim', '--diff']), true);
    assert.equal(wantsDiff(['--diff', '--no-diff']), false);
    assert.equal(wantsDiff(['s.klpsim', '--', '--no-diff']), true);
  });

  it('a mistyped command or option is named, with the closest command', () => {
    assert.equal(closestCommand('simualte'), 'simulate');
    assert.equal(closestCommand('chek'), 'check');
    assert.equal(closestCommand('ser'), 'series');
    assert.equal(closestCommand('frobnicate'), undefined);
    const r = klp(['timline', 'x.klpsim']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^klp-studio: unknown command 'timline'; did you mean 'timeline'\?\n/);
    assert.ok(r.stderr.includes(Object.keys(COMMANDS).join(', ')), r.stderr);
    const v = klp(['-v']);
    assert.equal(v.status, 2);
    assert.match(v.stderr, /unknown option '-v' \(before a command: -h, --help, -V, --version\)/);
  });
});

describe('klp-studio: wrong inputs, exit status and messages', function () {
  this.timeout(180000);
  let empty: string;
  let plain: string;
  before(() => {
    requireBuild();
    empty = tmpdir('klp-empty-');
    plain = tmpdir('klp-plain-');
    fs.copyFileSync(path.join(ROOT, 'examples/acme_cache.c'), path.join(plain, 'acme_cache.c'));
    fs.copyFileSync(path.join(ROOT, 'examples/acme_cache.h'), path.join(plain, 'acme_cache.h'));
  });
  after(() => { for (const d of [empty, plain]) fs.rmSync(d, { recursive: true, force: true }); });

  it('a missing file or folder: status 2, named as typed, no usage noise', () => {
    for (const args of [['check', 'no/such.c'], ['series', 'no/such'], ['simulate', 'no/such.klpsim'], ['simulate', '--series', 'no/such'], ['timeline', 'no/such.klpsim', '-o', '-'], ['verify', 'no/such.klpsim']]) {
      const r = klp(args);
      assert.equal(r.status, 2, args.join(' '));
      const named = args.includes('--series') ? '--series no/such' : args[1];
      assert.equal(r.stderr, `klp-studio ${args[0]}: ${named}: No such file or directory\n`, args.join(' '));
      assert.equal(r.stdout, '');
    }
  });

  it('a folder where a scenario is expected, a file where a folder is: status 2, said as such, with what to give', () => {
    for (const cmd of ['simulate', 'timeline', 'verify']) {
      const r = klp([cmd, 'examples', ...(cmd === 'timeline' ? ['-o', '-'] : [])]);
      assert.equal(r.status, 2, cmd);
      assert.match(r.stderr, new RegExp(`^klp-studio ${cmd}: examples: Is a directory \\(give a \\.klpsim scenario.*\\)\\n$`));
    }
    assert.match(klp(['simulate', 'examples']).stderr, /or --series examples for the upgrade path of its series/);
    for (const args of [['series', 'examples/klp.series'], ['simulate', '--series', 'examples/klp.series']]) {
      const r = klp(args);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /examples\/klp\.series: Not a directory \(give the folder of the series\)\n$/);
    }
  });

  it('an empty folder and a folder with no livepatch: each command says so (check: 0, series and simulate --series: 1)', () => {
    for (const dir of [empty, plain]) {
      const c = klp(['check', dir]);
      assert.equal(c.status, 0, c.stderr);
      assert.equal(c.stdout, '');
      assert.ok(c.stderr.includes(`klp-studio check: no livepatch module in ${dir} (no C source there defines a struct klp_patch)\n`), c.stderr);
      for (const format of ['text', 'json']) {
        const s = klp(['series', dir, '--format', format]);
        assert.equal(s.status, 1);
        assert.ok(s.stderr.includes(`klp-studio series: no series in ${dir}: no klp.series in it or below it, and no livepatch module directly in it\n`), s.stderr);
        if (format === 'json') assert.deepEqual(JSON.parse(s.stdout), []);
        else assert.equal(s.stdout, '');
      }
      const sim = klp(['simulate', '--series', dir]);
      assert.equal(sim.status, 1);
      assert.equal(sim.stderr, `klp-studio simulate: --series ${dir}: no klp.series and no livepatch module in it: nothing to simulate\n`);
    }
    const md = klp(['check', 'examples/README.md']);
    assert.equal(md.status, 0);
    assert.match(md.stderr, /^klp-studio check: examples\/README\.md: not a C source \(\.c or \.h\): skipped$/m);
  });

  it('check: text output ends with a summary on stderr that counts what JSON reports', () => {
    const text = klp(['check', 'examples']);
    const json = JSON.parse(klp(['check', 'examples', '--format', 'json']).stdout) as { severity: string }[];
    const n = (s: string[]) => json.filter((f) => s.includes(f.severity)).length;
    const summary = text.stderr.trimEnd().split('\n').pop()!;
    assert.match(summary, /^klp-studio check: \d+ modules \(\d+ livepatches\): /);
    assert.ok(summary.endsWith(`: ${n(['error'])} errors, ${n(['warning'])} warnings, ${n(['info', 'hint'])} notes`), summary);
    assert.equal(text.status, n(['error']) ? 1 : 0);
    assert.equal(klp(['check', 'examples', '--format', 'sarif']).stderr, '', 'no summary in machine formats');
  });

  it('JSON formats parse, also when piped to another program', () => {
    const parse = 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{JSON.parse(s);process.stdout.write("ok")})';
    for (const args of [['check', 'examples', '--format', 'json'], ['check', 'examples', '--format', 'sarif'], ['series', 'examples', '--format', 'json'],
      ['series', 'examples/state-callbacks', '--format', 'json'], ['simulate', 'examples/upgrade.klpsim', '--format', 'json'],
      ['simulate', '--series', 'examples', '--format', 'json'], ['simulate', 'examples/state-callbacks/upgrade.klpsim', '--format', 'json']]) {
      const r = klp(args);
      assert.ok(r.status === 0 || r.status === 1, `${args.join(' ')}: ${r.stderr}`);
      const piped = spawnSync(process.execPath, ['-e', parse], { input: r.stdout, encoding: 'utf8' });
      assert.equal(piped.stdout, 'ok', `${args.join(' ')}: ${piped.stderr.slice(0, 500)}`);
    }
  });

  it('paths: relative ones stay relative, absolute ones (with spaces) stay absolute and point at real files', () => {
    const spaced = path.join(tmpdir('klp space-'), 'my series');
    fs.cpSync(path.join(ROOT, 'examples'), spaced, { recursive: true });
    try {
      for (const [args, cwd, prefix] of [[['check', spaced], ROOT, spaced + '/'], [['check', 'my series'], path.dirname(spaced), 'my series/']] as [string[], string, string][]) {
        const r = klp([...args, '--format', 'json'], cwd);
        const files = (JSON.parse(r.stdout) as { file: string }[]).map((f) => f.file);
        assert.ok(files.length > 0);
        for (const f of files) {
          assert.ok(f.startsWith(prefix), `${f} should start with ${prefix}`);
          assert.ok(fs.existsSync(path.resolve(cwd, f)), f);
        }
      }
      // SARIF wants URI references: percent-encoded relative ones, or file: URLs.
      for (const [args, cwd, check] of [[['check', 'my series', '--format', 'sarif'], path.dirname(spaced), (u: string) => u.startsWith('my%20series/') && fs.existsSync(path.join(path.dirname(spaced), decodeURIComponent(u)))],
        [['check', spaced, '--format', 'sarif'], ROOT, (u: string) => u.startsWith('file:///') && fs.existsSync(new URL(u))]] as [string[], string, (u: string) => boolean][]) {
        const uris = [...klp(args, cwd).stdout.matchAll(/"uri": "([^"]*)"/g)].map((m) => m[1]);
        assert.ok(uris.length > 0);
        for (const u of uris) assert.ok(check(u) && !u.includes(' '), `${args.join(' ')}: ${u}`);
      }
      const s = klp(['series', 'my series'], path.dirname(spaced));
      assert.match(s.stdout, /^ {2}order from my series\/klp\.series$/m);
      const sim = klp(['simulate', path.join(spaced, 'upgrade.klpsim')]);
      assert.equal(sim.status, 0, sim.stderr);
      assert.equal(sim.stdout, klp(['simulate', 'examples/upgrade.klpsim']).stdout);
    } finally {
      fs.rmSync(path.dirname(spaced), { recursive: true, force: true });
    }
  });

  it('run inside the series folder: the output names it as the current folder, not an absolute path', () => {
    const inferred = path.join(ROOT, 'test/fixtures/series/inferred');
    const r = klp(['series', '--infer'], inferred);
    assert.match(r.stdout, /^ {2}order inferred from module names \(natural order\) in this folder; write klp\.series here to pin it$/m);
    assert.ok(!r.stdout.includes(ROOT), r.stdout);
    const bare = klp(['series'], inferred);
    assert.equal(bare.status, 1);
    assert.match(bare.stderr, /^ {4}printf '%s\\n' lp_v1 lp_v2 lp_v10 > klp\.series$/m);
    assert.match(bare.stderr, /klp-studio series --infer \.$/m);
    assert.ok(!bare.stderr.includes(ROOT), bare.stderr);
    assert.match(klp(['series'], path.join(ROOT, 'examples')).stdout, /^ {2}order from klp\.series$/m);
  });

  it('a scenario with a typo: a malformed line is a line-numbered error (2); a module name without sources is a note (0)', () => {
    const d = tmpdir();
    try {
      fs.writeFileSync(path.join(d, 'typo.klpsim'), 'insmod acme_cache.ko\ninsmod lp_acme_v1.ko\nsleeep 2\n');
      const bad = klp(['simulate', 'typo.klpsim', '--path', path.join(ROOT, 'examples')], d);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^typo\.klpsim:3: error: unknown command 'sleeep 2' \(expected .*sleep\)$/m);
      assert.equal(bad.stdout, '');
      fs.writeFileSync(path.join(d, 'name.klpsim'), 'insmod acme_cache.ko\ninsmod lp_acme_v1.ko\ninsmod lp_acme_v9.ko\n');
      const typo = klp(['simulate', 'name.klpsim', '--path', path.join(ROOT, 'examples')], d);
      assert.equal(typo.status, 0, typo.stderr);
      assert.equal(typo.stderr, "name.klpsim:3: note: module 'lp_acme_v9' has no sources: loaded as a plain target module\n");
      assert.match(typo.stdout, /^% insmod lp_acme_v9\.ko$/m);
      const clean = klp(['simulate', 'examples/upgrade.klpsim']);
      assert.equal(clean.stderr, '', 'a scenario whose modules all have sources prints nothing on stderr');
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('timeline takes simulate\'s --kernel and --kernel-api; write errors are said in words', () => {
    const d = tmpdir();
    try {
      const out = path.join(d, 't.html');
      const r = klp(['timeline', 'examples/upgrade.klpsim', '--kernel', '6.1', '--kernel-api', 'upstream', '-o', out]);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(fs.statSync(out).size > 0);
      assert.match(klp(['timeline', 'examples/upgrade.klpsim', '--kernel', '5.10', '-o', out]).stderr, /--kernel must be one of latest, 6\.1, 6\.12, 7\.2 \(got '5\.10'\)/);
      const dirOut = klp(['timeline', 'examples/upgrade.klpsim', '-o', d]);
      assert.equal(dirOut.status, 2);
      assert.equal(dirOut.stderr, `klp-studio timeline: cannot write ${d}: Is a directory\n`);
      const run = path.join(d, 'run.json');
      fs.writeFileSync(run, klp(['simulate', 'examples/upgrade.klpsim', '--kernel', '6.1', '--format', 'json']).stdout);
      assert.equal(klp(['timeline', run, '-o', out]).status, 0);
      const moot = klp(['timeline', run, '--kernel', '6.1', '-o', out]);
      assert.equal(moot.status, 2);
      assert.match(moot.stderr, /--kernel: .*run\.json is already a run \(klp-studio simulate --format json\); give these options to simulate/);
      const noDir = klp(['timeline', 'examples/upgrade.klpsim', '-o', path.join(d, 'no/such/t.html')]);
      assert.equal(noDir.stderr, `klp-studio timeline: cannot write ${path.join(d, 'no/such/t.html')}: No such file or directory\n`);
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('a reader that stops early (| head, | true) ends the command quietly', () => {
    const cli = `"${process.execPath}" "${path.join(ROOT, 'dist/cli.js')}"`;
    const head = spawnSync('sh', ['-c', `${cli} series examples | head -1`], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(head.stdout, klp(['series', 'examples']).stdout.split('\n')[0] + '\n');
    assert.doesNotMatch(head.stderr, /EPIPE|internal error/);
    const gone = spawnSync('sh', ['-c', `${cli} series examples | true`], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(gone.stderr, '', 'no EPIPE stack trace when the reader has gone');
  });
});
