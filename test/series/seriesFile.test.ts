// The series file and the order of a series: klp.series lines (comments, names, `.ko`
// names, source paths, Kbuild multi-file modules), problems with line numbers, the natural
// order of an inferred series, and several series in one workspace.
import * as assert from 'node:assert/strict';
import { initParser } from '../../core/src/cparse/parser';
import { memoryHost } from '../../core/src/host';
import { findSeriesDirs, loadSeries, naturalCompare, parseSeriesText, readSeriesSpec, analyzeSeries, formatSeriesText, checkSeries } from '../../core/src/series';

const LP = (name: string, fn = 'cmdline_proc_show') => `#include <linux/livepatch.h>
static int new_${fn}(void) { return 0; }
static struct klp_func funcs[] = { { .old_name = "${fn}", .new_func = new_${fn} }, { } };
static struct klp_object objs[] = { { .funcs = funcs }, { } };
static struct klp_patch patch = { .mod = THIS_MODULE, .objs = objs, .replace = true };
static int ${name}_init(void) { return klp_enable_patch(&patch); }
module_init(${name}_init);
MODULE_INFO(livepatch, "Y");
`;

describe('series file', () => {
  before(() => initParser());

  it('natural order puts lp_v2 before lp_v10 and compares text elsewhere', () => {
    const names = ['lp_v10', 'lp_v2', 'lp_v1', 'lp_v1a', 'fix_b', 'fix_a'];
    assert.deepEqual([...names].sort(naturalCompare), ['fix_a', 'fix_b', 'lp_v1', 'lp_v1a', 'lp_v2', 'lp_v10']);
    assert.ok(naturalCompare('v1', 'v01') < 0);
  });

  it('parses names with comments, blank lines and trailing comments, keeping lines and ranges', () => {
    const lines = parseSeriesText('# header\n\nlp_v1\n  lp-v2.ko   # second\nsrc/lp_v3.c\n');
    assert.deepEqual(lines.map((l) => [l.spec, l.line, l.range.start.character, l.range.end.character]), [
      ['lp_v1', 2, 0, 5], ['lp-v2.ko', 3, 2, 10], ['src/lp_v3.c', 4, 0, 11],
    ]);
  });

  it('resolves names, .ko names, source paths and Kbuild modules; reports missing and duplicate entries by line', () => {
    const host = memoryHost({
      '/w/s/klp.series': 'lp_v1\nlp-v2.ko\nsub/lp_v3.c\nlp_multi\nlp_missing\nlp_v1\nnot a name\n',
      '/w/s/lp_v1.c': LP('lp_v1'),
      '/w/s/lp-v2.c': LP('lp_v2'),
      '/w/s/sub/lp_v3.c': LP('lp_v3'),
      '/w/s/Kbuild': 'obj-m += lp_multi.o\nlp_multi-y := lp_main.o lp_funcs.o\n',
      '/w/s/lp_main.c': LP('lp_multi'),
      '/w/s/lp_funcs.c': 'int helper(void) { return 1; }\n',
    });
    const spec = readSeriesSpec('/w/s', host);
    assert.equal(spec.inferred, false);
    assert.equal(spec.file, '/w/s/klp.series');
    assert.deepEqual(spec.entries.map((e) => [e.name, e.files[0], e.error === undefined]), [
      ['lp_v1', '/w/s/lp_v1.c', true],
      ['lp_v2', '/w/s/lp-v2.c', true],
      ['lp_v3', '/w/s/sub/lp_v3.c', true],
      ['lp_multi', '/w/s/lp_main.c', true],
      ['lp_missing', undefined, false],
      ['not a name', undefined, false],
    ]);
    assert.deepEqual(spec.entries.find((e) => e.name === 'lp_multi')!.files, ['/w/s/lp_main.c', '/w/s/lp_funcs.c']);
    assert.deepEqual(spec.problems.map((p) => p.line), [4, 5, 6]);
    assert.match(spec.problems[0].message, /no sources found for module 'lp_missing'/);
    assert.match(spec.problems[1].message, /already in the series \(line 1\)/);
  });

  it('a series file naming a target module reports it and leaves it out of the steps', () => {
    const host = memoryHost({
      '/w/klp.series': 'lp_v1\ntarget\n',
      '/w/lp_v1.c': LP('lp_v1'),
      '/w/target.c': 'int target_fn(void) { return 0; }\n',
    });
    const { spec, models } = loadSeries('/w', host);
    const report = analyzeSeries(spec, models);
    assert.deepEqual(report.patches.map((p) => p.module), ['lp_v1']);
    assert.match(report.problems[0].message, /'target' is not a livepatch module/);
    assert.match(formatSeriesText(report), /error: \/w\/klp.series:2: 'target' is not a livepatch module/);
  });

  it('without klp.series: the livepatch modules directly in the folder, in natural order, said to be inferred', () => {
    const host = memoryHost({
      '/w/lp_v10.c': LP('lp_v10'),
      '/w/lp_v9.c': LP('lp_v9'),
      '/w/target.c': 'int target_fn(void) { return 0; }\n',
      '/w/old/lp_v1.c': LP('lp_v1'),
    });
    const { spec } = loadSeries('/w', host);
    assert.equal(spec.inferred, true);
    assert.deepEqual(spec.entries.map((e) => e.name), ['lp_v9', 'lp_v10']);
    const text = formatSeriesText(analyzeSeries(spec, loadSeries('/w', host).models));
    assert.match(text, /order inferred from module names \(natural order\) in \/w; write \/w\/klp.series to pin it/);
  });

  it('a dropped state gets a fix that adds the entry to the new patch\'s klp_state array', () => {
    const withStates = (name: string, states: string) => LP(name).replace('static struct klp_patch patch = { .mod = THIS_MODULE, .objs = objs,',
      `static struct klp_state states[] = {\n${states}\t{ }\n};\nstatic struct klp_patch patch = { .mod = THIS_MODULE, .objs = objs, .states = states,`);
    const host = memoryHost({
      '/w/klp.series': 'lp_a\nlp_b\n',
      '/w/lp_a.c': withStates('lp_a', '\t{ .id = STATE_X, .version = 3 },\n').replace('#include <linux/livepatch.h>', '#include <linux/livepatch.h>\n#define STATE_X 5'),
      '/w/lp_b.c': withStates('lp_b', '\t{ .id = 9, .version = 1 },\n'),
    });
    const { findings } = checkSeries('/w', host);
    const f = findings.find((x) => x.code === 'KLP042')!;
    assert.equal(f.file, '/w/lp_b.c');
    const edit = f.fixes![0].edits[0];
    // lp_b does not define STATE_X (no shared header): the number is written.
    assert.equal(edit.newText, '{ .id = 5, .version = 3 },\n\t');
    const lines = host.readFile('/w/lp_b.c')!.split('\n');
    assert.match(lines[edit.range.start.line].slice(edit.range.start.character), /^\{ \}/, 'inserted before the terminator');
  });

  it('finds every series of a workspace (one per folder with klp.series), skipping node_modules', () => {
    const host = memoryHost({
      '/ws/a/klp.series': 'x\n',
      '/ws/b/c/klp.series': 'y\n',
      '/ws/node_modules/p/klp.series': 'z\n',
      '/ws/README': '',
    });
    assert.deepEqual(findSeriesDirs('/ws', host), ['/ws/a', '/ws/b/c']);
  });
});
