// `klp-studio check` end to end: the built CLI (dist/cli.js) run as a user runs it, on the
// examples, on a generated 50,000-line source, in each output format, with bad usage.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateLargeSource } from '../../bench/generate';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'klp-check-'));
}

const CLEAN = `#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\\n", "patched");
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = livepatch_cmdline_proc_show, },
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int lp_init(void)
{
	return klp_enable_patch(&patch);
}

static void lp_exit(void)
{
}

module_init(lp_init);
module_exit(lp_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
`;

describe('klp-studio check (CLI)', function () {
  this.timeout(120000);
  before(function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  });

  it('prints nothing and exits 0 for a clean module', () => {
    const d = tmpdir();
    fs.writeFileSync(path.join(d, 'lp-clean.c'), CLEAN);
    const r = run(['check', d]);
    assert.equal(r.stdout, '');
    assert.equal(r.status, 0, r.stderr);
  });

  it('reports gcc-style lines with the rule code and exits 1 on an error', () => {
    const d = tmpdir();
    fs.writeFileSync(path.join(d, 'lp-bad.c'), CLEAN.replace('MODULE_INFO(livepatch, "Y");\n', '').replace('\t{ }\n};\n\nstatic struct klp_object', '};\n\nstatic struct klp_object'));
    const r = run(['check', 'lp-bad.c'], d);
    assert.equal(r.status, 1);
    const lines = r.stdout.trim().split('\n');
    for (const l of lines) assert.match(l, /^lp-bad\.c:\d+:\d+: (error|warning|note): .+ \[KLP\d{3}\]$/);
    assert.ok(lines.some((l) => l.includes('[KLP007]')), r.stdout);
    assert.ok(lines.some((l) => l.includes('[KLP003]')), r.stdout);
  });

  it('writes JSON and SARIF 2.1.0 with the same findings', () => {
    const d = tmpdir();
    fs.writeFileSync(path.join(d, 'lp-bad.c'), CLEAN.replace('MODULE_INFO(livepatch, "Y");\n', ''));
    const json = JSON.parse(run(['check', '--format', 'json', d]).stdout);
    assert.ok(Array.isArray(json) && json.length > 0);
    const k7 = json.find((x: { code: string }) => x.code === 'KLP007');
    assert.ok(k7);
    for (const key of ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']) assert.ok(key in k7, key);
    const sarif = JSON.parse(run(['check', '--format=sarif', d]).stdout);
    assert.equal(sarif.version, '2.1.0');
    const results = sarif.runs[0].results;
    assert.equal(results.length, json.length);
    assert.ok(sarif.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'KLP007'));
    assert.equal(results[0].locations[0].physicalLocation.region.startLine, json[0].line);
  });

  it('checks a 50,000-line livepatch source without error', () => {
    const d = tmpdir();
    const src = generateLargeSource(50000);
    assert.ok(src.split('\n').length >= 50000);
    fs.writeFileSync(path.join(d, 'lp-big.c'), src);
    const r = run(['check', '--format', 'json', d]);
    assert.equal(r.stderr, '');
    const findings = JSON.parse(r.stdout);
    assert.ok(Array.isArray(findings));
    assert.ok(!findings.some((f: { severity: string }) => f.severity === 'error'), r.stdout.slice(0, 2000));
    assert.equal(r.status, 0);
  });

  it('exits 2 with a message on bad usage', () => {
    let r = run(['check', '--format', 'xml']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--format must be one of text, json, sarif/);
    r = run(['check', 'no/such/dir']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /No such file or directory/);
    r = run(['frobnicate']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });

  it('answers --help and --version', () => {
    assert.match(run(['--version']).stdout, /^klp-studio \d+\.\d+\.\d+\n/);
    assert.match(run(['check', '--help']).stdout, /usage: klp-studio check/);
    assert.match(run(['--help']).stdout, /\n {2}check {5}report mistakes/);
  });
});
