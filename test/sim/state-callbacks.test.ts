// Conformance-style cases of the proposed state-callbacks API (semantics §12, the
// simulator's second API level): each folder under state-callbacks/cases holds a
// scenario.klpsim naming the §12 rule it checks (`# rule:`), an optional `args` file
// (`--kernel-api LEVEL`, `--no-debug`) and expected.txt: the transcript, then the JSON-only
// facts of §12 (api-level, skipped state callbacks, shadow-variable lifetimes, notes on
// what §12 leaves open). Modules are in state-callbacks/modules. UPDATE=1 regenerates the
// expected files (then review them against §12).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../../core/src/cparse/parser';
import { simulateFile, type SimEvent } from '../../core/src/sim';
import { nodeHost } from '../../common/src/nodeHost';

const root = path.join(__dirname, 'state-callbacks');
const casesDir = path.join(root, 'cases');
const modulesDir = path.join(root, 'modules');

/** The §12 facts that only the JSON events carry, one line each. */
export function stateApiFacts(events: readonly SimEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    const at = e.command < 0 ? '[start]' : `[line ${e.scenarioLine}]`;
    if (e.kind === 'api-level') out.push(`${at} api-level ${e.level} (${e.chosenBy}; modules: ${e.modules.join(', ') || '-'})`);
    else if (e.kind === 'state-callback' && e.skipped) out.push(`${at} not run: ${e.patch} state ${e.state} ${e.callback} (${e.cFunction}, ${e.role}): ${e.skipped}`);
    else if (e.kind === 'shadow-lifetime') out.push(`${at} shadow <*, ${e.id}> ${e.change} by ${e.patch}${e.dtor ? ` (dtor ${e.dtor})` : ''}`);
    else if (e.kind === 'note') out.push(`${at} note: ${e.message}`);
  }
  return out;
}

function caseNames(): string[] {
  return fs.readdirSync(casesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(casesDir, d.name, 'scenario.klpsim')))
    .map((d) => d.name)
    .sort();
}

function run(name: string): { text: string; events: SimEvent[] } {
  const file = path.join(casesDir, name, 'scenario.klpsim');
  const argsFile = path.join(casesDir, name, 'args');
  const args = fs.existsSync(argsFile) ? fs.readFileSync(argsFile, 'utf8').trim().split(/\s+/) : [];
  const i = args.indexOf('--kernel-api');
  const kernelApi = i >= 0 ? (args[i + 1] as 'upstream' | 'state-callbacks' | 'auto') : undefined;
  const debug = !args.includes('--no-debug');
  const r = simulateFile(file, fs.readFileSync(file, 'utf8'), [modulesDir], nodeHost, { debug, ...(kernelApi ? { kernelApi } : {}) });
  assert.deepEqual(r.errors, []);
  const facts = stateApiFacts(r.events);
  const text = r.transcript.join('\n') + '\n' + (facts.length ? `--- JSON-only facts ---\n${facts.join('\n')}\n` : '');
  return { text, events: r.events };
}

describe('state callbacks (§12): conformance cases', () => {
  before(() => initParser());
  for (const c of caseNames()) {
    const scenario = fs.readFileSync(path.join(casesDir, c, 'scenario.klpsim'), 'utf8');
    const rule = /^#\s*rule:\s*(.*)$/m.exec(scenario)?.[1] ?? '(no rule named)';
    it(`${c} — ${rule.slice(0, 110)}`, () => {
      assert.match(scenario, /^#\s*rule:/m, 'the case names the rule it checks');
      const { text } = run(c);
      const expectedFile = path.join(casesDir, c, 'expected.txt');
      if (process.env.UPDATE) fs.writeFileSync(expectedFile, text);
      assert.equal(text, fs.readFileSync(expectedFile, 'utf8'));
    });
  }
});
