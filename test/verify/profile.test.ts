// verify without a VM: the real 6.1 kernel's transcripts recorded in fixtures/<case>
// (transcript.txt, from guest-output.log; see transcript.test.ts) against the simulator's
// `--kernel 6.1` run of the same scenario, compared exactly as `verify --diff` compares
// (compareTranscripts: no kernel-version masking). Where a case touches what 6.1 does
// differently, the default (latest) profile must disagree: the profile is what makes it agree.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../../core/src/cparse/parser';
import { simulateFile, type KernelProfileName } from '../../core/src/sim';
import { compareTranscripts, simulatorProfileFor } from '../../core/src/verify/compare';
import { planScenario } from '../../core/src/verify/plan';
import { nodeHost } from '../../common/src/nodeHost';

const root = path.join(__dirname, '..', '..');
const fixtures = path.join(__dirname, 'fixtures');
const searchDirs = [path.join(root, 'test/conformance/shared/modules'), path.join(__dirname, 'cases/modules'), path.join(root, 'test/conformance/cases/modules')];

/** Scenario lines that 6.1 answers differently from the newest kernel. */
const SIXONE_SPECIFIC = /\/(replace|stack_order)\b|=maybe|=\d{11,}/;

describe('verify: recorded real 6.1 runs equal the simulator\'s --kernel 6.1 transcripts', () => {
  before(() => initParser());
  const cases = fs.readdirSync(fixtures).filter((c) => fs.existsSync(path.join(fixtures, c, 'transcript.txt'))).sort();
  it('has recorded runs, some of them touching what 6.1 does differently', () => {
    assert.ok(cases.length >= 8);
    assert.ok(cases.filter((c) => SIXONE_SPECIFIC.test(fs.readFileSync(path.join(fixtures, c, 'scenario.klpsim'), 'utf8'))).length >= 3);
  });
  for (const c of cases) {
    it(c, () => {
      const dir = path.join(fixtures, c);
      const text = fs.readFileSync(path.join(dir, 'scenario.klpsim'), 'utf8');
      const real = fs.readFileSync(path.join(dir, 'transcript.txt'), 'utf8').replace(/\n$/, '').split('\n');
      const plan = planScenario(text);
      const compare = (kernel: KernelProfileName) => {
        const sim = simulateFile(path.join(dir, 'scenario.klpsim'), text, searchDirs, nodeHost, { kernel });
        assert.deepEqual(sim.errors, []);
        return compareTranscripts(plan, { release: '6.1.0-56-amd64', profile: { profile: kernel } }, real, sim.transcript);
      };
      assert.equal(simulatorProfileFor('6.1').profile, '6.1');
      const c61 = compare('6.1');
      assert.equal(c61.diff, '', `the simulator's 6.1 profile differs from the real kernel:\n${c61.diff}`);
      if (SIXONE_SPECIFIC.test(text)) assert.equal(compare('latest').agree, false, 'the latest profile should not match 6.1 here');
    });
  }
});
