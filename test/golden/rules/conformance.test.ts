// The single-module rules on the shared conformance modules (test/conformance/shared/modules,
// realistic selftest-style livepatches): their findings as a golden file (UPDATE=1 regenerates).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../../../core/src/cparse/parser';
import { extractModule, moduleNameOf } from '../../../core/src/extract';
import { runModuleRules } from '../../../core/src/rules';
import { indexFunctions } from '../../../core/src/workspace/project';

const MODULES = path.resolve(__dirname, '../../conformance/shared/modules');
const GOLDEN = path.join(__dirname, 'conformance.expected');

describe('rules: conformance modules', () => {
  before(() => initParser());

  it('report what the golden file lists (and nothing fails)', () => {
    const files = fs.readdirSync(MODULES).filter((f) => f.endsWith('.c')).sort();
    const models = files.map((f) => extractModule(moduleNameOf(f), [{ path: f, text: fs.readFileSync(path.join(MODULES, f), 'utf8') }]));
    const functions = indexFunctions(models);
    const errors: unknown[] = [];
    const lines: string[] = [];
    for (const m of models) {
      for (const f of runModuleRules(m, { lookupFunction: (n) => functions.get(n) ?? [], onRuleError: (_, e) => errors.push(e) })) {
        lines.push(`${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.code} ${f.message}`);
      }
    }
    assert.deepEqual(errors, []);
    const actual = lines.join('\n') + '\n';
    if (process.env.UPDATE === '1' || !fs.existsSync(GOLDEN)) fs.writeFileSync(GOLDEN, actual);
    assert.equal(actual, fs.readFileSync(GOLDEN, 'utf8'));
    // The selftest modules are correct livepatches: nothing at error severity.
    assert.deepEqual(lines.filter((l) => / error KLP/.test(l)), []);
  });
});
