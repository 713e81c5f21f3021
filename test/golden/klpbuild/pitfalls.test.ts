// Golden tests of the klp-build source-patch pitfalls (core/src/klpbuild, KLP100–KLP113) on
// patches written for Debian's linux-source-6.1 (fetched at test time, cached): every case
// folder cases/KLPnnn holds trigger.patch (must report KLPnnn) and near-miss.patch (must
// not), and the expected output in *.expected (the functions each patch changes, with their
// objects, then the findings; UPDATE=1 regenerates them). A case may hold options.json
// (per variant: { "kernelTree": null } reads without a tree) and VARIANT.klp-tmp/, which the
// test shows as the kernel tree's klp-tmp/ (a klp-build run's diff log).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../../../core/src/cparse/parser';
import type { FileHost } from '../../../core/src/host';
import { checkPatch, describeFunctions } from '../../../core/src/klpbuild';
import { RULES } from '../../../core/src/rules';
import { nodeHost } from '../../../common/src/nodeHost';
import { linuxSourceTree, SourceUnavailable } from '../../lib/debianSource';

const CASES = path.join(__dirname, 'cases');
const UPDATE = process.env.UPDATE === '1';

/** The tree through nodeHost, with TREE/klp-tmp served from OVERLAY (a folder) when given. */
function treeHost(tree: string, overlay?: string): FileHost {
  const tmp = `${tree}/klp-tmp`;
  const map = (p: string) => (overlay && (p === tmp || p.startsWith(tmp + '/')) ? overlay + p.slice(tmp.length) : p);
  return {
    readFile: (p) => (!overlay && p.startsWith(tmp) ? undefined : nodeHost.readFile(map(p))),
    readDir: (p) => (!overlay && p.startsWith(tmp) ? undefined : nodeHost.readDir(map(p))),
  };
}

describe('klp-build patches: pitfalls (golden, linux-source-6.1)', function () {
  this.timeout(600000);
  let tree = '';
  before(async function () {
    try {
      tree = linuxSourceTree('6.1');
    } catch (e) {
      if (e instanceof SourceUnavailable) this.skip();
      throw e;
    }
    await initParser();
  });

  const codes = fs.readdirSync(CASES).filter((d) => /^KLP1\d\d$/.test(d)).sort();

  it('has a case for every KLP1nn rule of the catalogue', () => {
    // Series rules (KLP114) are tested on series in test/series/klpbuild.test.ts.
    assert.deepEqual(codes, RULES.filter((r) => /^KLP1\d\d$/.test(r.code) && r.scope === 'module').map((r) => r.code));
  });

  for (const code of codes) {
    for (const variant of ['trigger', 'near-miss'] as const) {
      it(`${code} ${variant}`, () => {
        const dir = path.join(CASES, code);
        const options = fs.existsSync(path.join(dir, 'options.json')) ? JSON.parse(fs.readFileSync(path.join(dir, 'options.json'), 'utf8'))[variant] ?? {} : {};
        const overlay = path.join(dir, `${variant}.klp-tmp`);
        const file = path.join(dir, `${variant}.patch`);
        const host = treeHost(tree, fs.existsSync(overlay) ? overlay : undefined);
        const r = checkPatch(file, host, { kernelTree: options.kernelTree === null ? null : tree });
        const rel = path.relative(__dirname, file);
        const out = [
          `module ${r.model.name}${r.analysis.approximate ? ' (approximate)' : ''}${r.analysis.log ? ' (klp-build diff log)' : ''}`,
          ...describeFunctions(r.analysis).map((l) => `  ${l}`),
          ...r.findings.map((f) => `${rel}:${f.range.start.line + 1}: ${f.severity} ${f.code} ${f.message}`),
        ].join('\n') + '\n';
        const expected = path.join(dir, `${variant}.expected`);
        if (UPDATE) fs.writeFileSync(expected, out);
        assert.equal(out, fs.readFileSync(expected, 'utf8'));
        const has = r.findings.some((f) => f.code === code);
        assert.equal(has, variant === 'trigger', `${variant} ${variant === 'trigger' ? 'must' : 'must not'} report ${code}`);
        if (variant === 'near-miss') assert.deepEqual(r.findings.filter((f) => f.severity === 'error').map((f) => f.code), [], 'a near miss has no error at all');
      });
    }
  }
});
