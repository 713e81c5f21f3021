// `klp-studio help scenario` cannot drift from the scenario parser: the commands it lists are
// exactly the verbs the parser accepts (read from the parser's own "expected" list for an
// unknown command), its directive forms are the ones the parser names for an unknown
// directive, every command form instantiated with sample values parses to its verb, the
// example parses without an error, and the text fits 80 columns. The built CLI prints it, and
// docs/SCENARIOS.md shows every form too.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../core/src/scenario/parse';
import { SCENARIO_COMMAND_FORMS, SCENARIO_DIRECTIVE_FORMS, SCENARIO_EXAMPLE, scenarioHelpText } from '../../cli/src/scenarioHelp';
import { klp, requireBuild, ROOT } from './run';

/** What the parser says it expected instead of LINE (its first error). */
function expectedFor(line: string): string {
  const s = parseScenario('x.klpsim', line + '\n');
  assert.equal(s.errors.length, 1, `'${line}' should be an error`);
  return s.errors[0].expected;
}

/** A form with sample values: `insmod PATH/NAME.ko [param=value ...]` -> `insmod dir/lp_x.ko debug=1`. */
function instantiate(form: string): string {
  return form
    .replace('PATH/NAME.ko', 'dir/lp_x.ko')
    .replace(/\[param=value \.\.\.\]/, 'debug=1')
    .replace('[-w] kernel.ftrace_enabled=0|1', '-w kernel.ftrace_enabled=0')
    .replace('/P/OBJ/', '/lp_x/vmlinux/')
    .replace('/P/ATTR', '/lp_x/enabled')
    .replace('/P/', '/lp_x/')
    .replace('/NAME/parameters/PARAM', '/lp_x/parameters/debug')
    .replace(/\bNAME\b/, 'lp_x')
    .replace(/^echo V/, 'echo 1')
    .replace(/^sleep N/, 'sleep 2');
}

describe('klp-studio help scenario: the scenario language, held to the parser', () => {
  const help = scenarioHelpText();

  it('lists exactly the commands the parser accepts', () => {
    // "insmod, modprobe, rmmod, echo, cat, ls, sysctl or sleep"
    const accepted = expectedFor('frobnicate now').split(/,\s*|\s+or\s+/).map((w) => w.trim()).filter(Boolean);
    assert.ok(accepted.length >= 8, `the parser's list: ${accepted.join(' ')}`);
    const listed = [...new Set(SCENARIO_COMMAND_FORMS.map((f) => f.split(' ')[0]))];
    assert.deepEqual([...listed].sort(), [...accepted].sort());
    for (const f of SCENARIO_COMMAND_FORMS) assert.ok(help.includes(`\n  ${f}\n`), `the help shows ${f}`);
  });

  it('each command form, with sample values, parses to its command', () => {
    for (const form of SCENARIO_COMMAND_FORMS) {
      const line = instantiate(form);
      const s = parseScenario('x.klpsim', line + '\n');
      assert.deepEqual(s.errors.map((e) => e.message), [], `${form} -> '${line}'`);
      const step = s.steps[0];
      assert.ok(step.type === 'command' && step.command.verb === form.split(' ')[0], `${form} -> '${line}'`);
    }
  });

  it('shows the directive forms the parser names, and no other', () => {
    const expected = expectedFor('#@ frobnicate');
    const named = [...expected.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    // the kernel directive is named by its own error
    named.push(...[...expectedFor('#@ kernel frob').matchAll(/'([^']+)'/g)].map((m) => m[1]));
    assert.deepEqual([...new Set(named)].sort(), [...SCENARIO_DIRECTIVE_FORMS].sort());
    for (const f of SCENARIO_DIRECTIVE_FORMS) assert.ok(help.includes(`\n  ${f}\n`), `the help shows ${f}`);
  });

  it('its example parses without an error, and it fits 80 columns', () => {
    const s = parseScenario('example.klpsim', SCENARIO_EXAMPLE.join('\n') + '\n');
    assert.deepEqual(s.errors, []);
    assert.ok(s.steps.some((st) => st.type === 'directive') && s.steps.filter((st) => st.type === 'command').length >= 4);
    for (const l of help.split('\n')) assert.ok(l.length <= 80, `${l.length} columns: ${l}`);
  });

  it('docs/SCENARIOS.md describes every command and directive form', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/SCENARIOS.md'), 'utf8').replace(/\\\|/g, '|');
    for (const f of [...SCENARIO_COMMAND_FORMS.filter((c) => !c.startsWith('sysctl')), 'sysctl -w kernel.ftrace_enabled=0|1', ...SCENARIO_DIRECTIVE_FORMS]) {
      assert.ok(doc.includes('`' + f + '`'), `docs/SCENARIOS.md does not show \`${f}\``);
    }
  });

  it('is what the built CLI prints, and the top-level help points to it', function () {
    this.timeout(30000);
    requireBuild();
    const r = klp(['help', 'scenario']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, help);
    assert.match(klp(['--help']).stdout, /klp-studio help scenario/);
  });
});
