// Property: on random series (cumulative and non-cumulative patches, random state ids and
// versions, random functions), the series analysis and the simulator agree on every step:
// the ordinary upgrade, each version skip and each downgrade is refused by the analysis
// (and reported as KLP042/KLP043 for upgrades) iff the simulated insmod fails.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { initParser } from '../../core/src/cparse/parser';
import { memoryHost } from '../../core/src/host';
import { checkSeries } from '../../core/src/series';
import { simulateFile } from '../../core/src/sim';

interface PatchGen {
  replace: boolean;
  states: { id: number; version: number }[];
  funcs: string[];
}

const FUNCS = ['cmdline_proc_show', 'meminfo_proc_show', 'uptime_proc_show'];

function moduleText(name: string, p: PatchGen): string {
  const impls = p.funcs.map((f) => `static int livepatch_${f}(struct seq_file *m, void *v)\n{\n\tseq_puts(m, "${name}\\n");\n\treturn 0;\n}\n`).join('\n');
  const funcs = p.funcs.map((f) => `\t{ .old_name = "${f}", .new_func = livepatch_${f}, },\n`).join('');
  const states = p.states.length ? `static struct klp_state states[] = {\n${p.states.map((s) => `\t{ .id = ${s.id}, .version = ${s.version}, },\n`).join('')}\t{ }\n};\n` : '';
  return `#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

${impls}
static struct klp_func funcs[] = {
${funcs}\t{ }
};

static struct klp_object objs[] = {
\t{ .funcs = funcs, },
\t{ }
};

${states}
static struct klp_patch patch = {
\t.mod = THIS_MODULE,
\t.objs = objs,
${p.states.length ? '\t.states = states,\n' : ''}\t.replace = ${p.replace},
};

static int ${name}_init(void)
{
\treturn klp_enable_patch(&patch);
}

module_init(${name}_init);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
`;
}

const patchArb: fc.Arbitrary<PatchGen> = fc.record({
  replace: fc.boolean(),
  states: fc.uniqueArray(fc.record({ id: fc.integer({ min: 1, max: 3 }), version: fc.integer({ min: 0, max: 3 }) }), { selector: (s) => s.id, maxLength: 3 }),
  funcs: fc.subarray(FUNCS, { minLength: 1 }),
});

function failedInsmods(transcript: string[]): boolean[] {
  const out: boolean[] = [];
  for (const line of transcript) {
    if (line.startsWith('% insmod ')) out.push(false);
    else if (line.startsWith('insmod: ERROR') && out.length) out[out.length - 1] = true;
  }
  return out;
}

describe('series analysis agrees with the simulator on random series', () => {
  before(() => initParser());

  it('every upgrade, version skip and downgrade', () => {
    fc.assert(
      fc.property(fc.array(patchArb, { minLength: 2, maxLength: 4 }), (gens) => {
        const names = gens.map((_, i) => `lp_p${i + 1}`);
        const files: Record<string, string> = { '/s/klp.series': names.join('\n') + '\n' };
        gens.forEach((g, i) => { files[`/s/${names[i]}.c`] = moduleText(names[i], g); });
        const host = memoryHost(files);
        const { report, findings } = checkSeries('/s', host);
        assert.equal(report.steps.length, gens.length);

        const run = (mods: string[]) => {
          const r = simulateFile('/s/run.klpsim', mods.map((m) => `insmod ${m}.ko`).join('\n') + '\n', ['/s'], host, { debug: false });
          assert.deepEqual(r.errors, []);
          return failedInsmods(r.transcript);
        };

        const upgrade = run(names);
        report.steps.forEach((step, i) => {
          assert.equal(step.main.accepted, !upgrade[i], `step ${i + 1}`);
          const error = findings.some((f) => (f.code === 'KLP042' || f.code === 'KLP043') && f.file === `/s/${names[i]}.c`);
          assert.equal(error, upgrade[i], `series error on step ${i + 1}`);
          for (const skip of step.skips) {
            const r = run([...skip.over, step.patch]);
            assert.equal(r.slice(0, -1).some(Boolean), false, 'the installed set loads');
            assert.equal(skip.accepted, !r[r.length - 1], `skip: ${step.patch} over ${skip.over.join('+')}`);
          }
          if (step.downgrade) {
            const r = run([...step.installedAfter, step.downgrade.patch]);
            assert.equal(step.downgrade.accepted, !r[r.length - 1], `downgrade: ${step.downgrade.patch} over ${step.installedAfter.join('+')}`);
          }
        });
      }),
      { numRuns: 60, seed: 20261121 },
    );
  });
});
