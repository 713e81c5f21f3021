// The rules and the extractor on real livepatches other people wrote: every livepatch under
// samples/livepatch and the selftests' livepatch modules (lib/livepatch in 6.1,
// tools/testing/selftests/livepatch/test_modules in 6.12) of Debian's linux-source-6.1 and
// linux-source-6.12, fetched at test time into the cache (test/lib/debianSource.ts; never
// copied into the repository). `klp-studio check`'s core runs over each folder as the CLI
// does; the functions extracted and the findings are compared with expected/<tree>.txt,
// where every finding carries a `why:` line: the reason it is TRUE, judged by reading the
// code. UPDATE=1 rewrites the file keeping the judgements of unchanged findings; a new
// finding gets `why: UNJUDGED`, which fails until a person judges it (or fixes the rule).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../../core/src/cparse/parser';
import { nodeHost } from '../../common/src/nodeHost';
import { loadProject } from '../../core/src/workspace/project';
import { runModuleRules } from '../../core/src/rules';
import { isLivepatchModule } from '../../core/src/rules/context';
import { cumulativeExpected } from '../../core/src/rules/cumulative';
import { linuxSourceTree, SourceUnavailable } from '../lib/debianSource';

const TREES: { version: '6.1' | '6.12'; folders: string[] }[] = [
  { version: '6.1', folders: ['samples/livepatch', 'lib/livepatch'] },
  { version: '6.12', folders: ['samples/livepatch', 'tools/testing/selftests/livepatch/test_modules'] },
];
const EXPECTED = path.join(__dirname, 'expected');
const UPDATE = process.env.UPDATE === '1';

/** The judged lines of an expected file: finding line -> its `why:` line. */
function judgements(file: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(file)) return out;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((l, i) => { if (l.startsWith('finding ') && lines[i + 1]?.startsWith('  why: ')) out.set(l, lines[i + 1]); });
  return out;
}

describe('corpus: the kernel\'s own livepatches (Debian linux-source)', function () {
  this.timeout(600000);
  before(() => initParser());

  for (const { version, folders } of TREES) {
    it(`linux-source-${version}: every function extracted, every finding judged true`, function () {
      let tree: string;
      try {
        tree = linuxSourceTree(version);
      } catch (e) {
        if (!(e instanceof SourceUnavailable)) throw e;
        console.log(`      (skipped: ${e.message.split('\n')[0]})`);
        this.skip();
      }
      const rows: string[] = [`# linux-source-${version}: functions extracted and findings (judged by reading the code)`];
      let entries = 0;
      for (const folder of folders) {
        const dir = path.join(tree!, folder);
        const project = loadProject([{ path: dir, isDirectory: true }], nodeHost);
        const inSeries = (d: string) => fs.existsSync(path.join(d, 'klp.series'));
        const errors: unknown[] = [];
        for (const m of [...project.modules].sort((a, b) => a.files[0].localeCompare(b.files[0]))) {
          if (!isLivepatchModule(m)) continue;
          const rel = (f: string) => path.relative(tree!, f).replace(/\\/g, '/');
          rows.push('', `module ${rel(m.files[0])}`);
          const objectOf = new Map(m.objArrays.flatMap((a) => a.entries.map((o) => [o.funcsRef, o.name ?? 'vmlinux'] as const)));
          for (const a of m.funcArrays) {
            for (const e of a.entries) {
              entries++;
              // Every function extracted: a resolved old_name and a new_func.
              assert.ok(e.oldName && !e.oldNameUnresolved && e.newFunc, `${rel(e.file)}:${e.range.start.line + 1}: klp_func not fully extracted`);
              rows.push(`func ${objectOf.get(a.name) ?? '?'}:${e.oldName}${e.oldSympos ? `,${e.oldSympos}` : ''} -> ${e.newFunc}`);
            }
          }
          const ctx = {
            lookupFunction: (n: string) => project.functions.get(n) ?? [],
            cumulativeExpected: cumulativeExpected(m, project.modules, inSeries),
            onRuleError: (_: string, e: unknown) => errors.push(e),
          };
          for (const f of runModuleRules(m, ctx)) {
            rows.push(`finding ${rel(f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.code} ${f.message}`);
          }
        }
        assert.deepEqual(errors, []);
      }
      assert.ok(entries >= 8, `${entries} klp_func entries found: the folders moved?`);
      const file = path.join(EXPECTED, `linux-source-${version}.txt`);
      const judged = judgements(file);
      const out: string[] = [];
      for (const r of rows) {
        out.push(r);
        if (r.startsWith('finding ')) out.push(judged.get(r) ?? '  why: UNJUDGED');
      }
      const actual = out.join('\n') + '\n';
      if (UPDATE || !fs.existsSync(file)) {
        fs.mkdirSync(EXPECTED, { recursive: true });
        fs.writeFileSync(file, actual);
      }
      assert.equal(actual, fs.readFileSync(file, 'utf8'), `${path.basename(file)} (UPDATE=1 rewrites it, keeping the judgements)`);
      assert.deepEqual(out.filter((l) => l === '  why: UNJUDGED'), [], 'every finding is judged true by a person');
    });
  }
});
