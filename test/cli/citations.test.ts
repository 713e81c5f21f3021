// Every "semantics §N" the code, the messages, the tests and the docs cite exists in
// docs/SEMANTICS.md: each §N or §N.M of a tracked file is a section heading there, and each
// "§N row K" a numbered row of section N's table. Nothing cites the reference documents'
// old home outside the repository (../shared/docs/...), which a user does not have.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './run';

const TEXT = /\.(ts|js|mjs|md|klpsim|json|sh)$/;

function tracked(): string[] {
  return execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n')
    .filter((f) => f && TEXT.test(f) && !f.includes('node_modules/') && f !== 'package-lock.json');
}

/** Section number → its text (up to the next heading of the same or a higher level). */
function sections(md: string): Map<string, string> {
  const out = new Map<string, string>();
  const heads = [...md.matchAll(/^(#{2,3}) (\d+(?:\.\d+)?)\.? /gm)];
  heads.forEach((h, i) => {
    const next = heads.slice(i + 1).find((n) => n[1].length <= h[1].length);
    out.set(h[2], md.slice(h.index, next ? next.index : undefined));
  });
  return out;
}

describe('citations of docs/SEMANTICS.md and docs/SCENARIOS.md', function () {
  this.timeout(30000);
  const semantics = fs.readFileSync(path.join(ROOT, 'docs/SEMANTICS.md'), 'utf8');
  const secs = sections(semantics);
  const files = tracked();

  it('the reference has sections 0 to 12', () => {
    for (let n = 0; n <= 12; n++) assert.ok(secs.has(String(n)), `§${n} missing`);
  });

  it('every §N, §N.M and §N row K cited in the repository is there', () => {
    const missing: string[] = [];
    let cited = 0;
    for (const f of files) {
      if (f === 'docs/SEMANTICS.md') continue;
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/§ ?(\d+(?:\.\d+)?)(?! ?\.\d)(?: row (\d+))?/g)) {
        cited++;
        const sec = secs.get(m[1]);
        if (!sec) { missing.push(`${f}: §${m[1]}`); continue; }
        if (m[2] && !new RegExp(`^\\| ${m[2]} \\|`, 'm').test(sec)) missing.push(`${f}: §${m[1]} row ${m[2]}`);
      }
    }
    assert.ok(cited > 100, `only ${cited} citations found: is the scan broken?`);
    assert.deepEqual(missing, []);
  });

  it('nothing points at the reference documents outside the repository', () => {
    const stale = files.filter((f) => /shared\/docs\/(kernel-livepatch-semantics|scenario-format)\.md|docs\/scenario-format\.md/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    assert.deepEqual(stale, []);
  });
});
