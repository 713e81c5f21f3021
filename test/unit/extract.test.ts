// Extraction: the model of the shared conformance modules and of hand-written edge cases
// (kernel attributes, #ifdef in initializers, forward declarations, multi-file modules,
// include cycles, half-typed code).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { initParser, prepareSource } from '../../core/src/cparse/parser';
import { extractModule, moduleNameOf } from '../../core/src/extract';
import { discoverModules, findModuleSources, loadModule, parseKbuild } from '../../core/src/workspace/modules';
import { memoryHost } from '../../core/src/host';
import { nodeHost } from '../../common/src/nodeHost';
import { mainPatch, findArray } from '../../core/src/model';

const MODULES = path.resolve(__dirname, '../conformance/shared/modules');

function one(text: string, name = 'lp') {
  return extractModule(name, [{ path: `/w/${name}.c`, text }]);
}

describe('extraction', () => {
  before(() => initParser());

  it('names modules like the kernel', () => {
    assert.equal(moduleNameOf('a/b/livepatch-sample.ko'), 'livepatch_sample');
    assert.equal(moduleNameOf('lp-v2.c'), 'lp_v2');
  });

  it('reads the callbacks demo module: three objects, callbacks, a parameter returned by pre_patch', () => {
    const r = loadModule('test_klp_callbacks_demo', [MODULES], nodeHost);
    assert.ok(r.ok);
    const m = r.model;
    assert.equal(m.isLivepatch, true);
    const p = mainPatch(m)!;
    assert.equal(p.objsRef, 'objs');
    const objs = findArray(m.objArrays, p.objsRef)!;
    assert.deepEqual(objs.entries.map((o) => o.name), [null, 'test_klp_callbacks_mod', 'test_klp_callbacks_busy']);
    assert.equal(objs.terminated, true);
    assert.equal(objs.entries[2].funcsRef, 'busymod_funcs');
    assert.equal(objs.entries[1].callbacks.post_unpatch, 'post_unpatch_callback');
    const funcs = findArray(m.funcArrays, 'busymod_funcs')!;
    assert.deepEqual(funcs.entries.map((f) => [f.oldName, f.newFunc, f.oldSympos]), [['busymod_work_func', 'patched_work_func', 0]]);
    assert.deepEqual(m.functions.pre_patch_callback.finalReturn, { kind: 'param', name: 'pre_patch_ret', text: 'pre_patch_ret' });
    assert.deepEqual(m.params.map((x) => [x.name, x.type, x.perm]), [['pre_patch_ret', 'int', '0644']]);
    assert.deepEqual(m.moduleInfo.map((x) => x.args), [['livepatch', 'Y']]);
    assert.equal(m.license?.args[0], 'GPL');
  });

  it('binds replace to a parameter assigned in init before klp_enable_patch', () => {
    const m = one(`static int replace;\nmodule_param(replace, int, 0644);\nstatic struct klp_func funcs[] = { { } };\nstatic struct klp_object objs[] = { { .funcs = funcs }, { } };\nstatic struct klp_patch patch = { .mod = THIS_MODULE, .objs = objs };\nstatic int __init i(void) { patch.replace = replace; return klp_enable_patch(&patch); }\nmodule_init(i);\n`);
    const p = mainPatch(m)!;
    assert.equal(p.replace.initial, undefined);
    assert.equal(p.replace.assignments[0].value.kind, 'param');
    assert.equal(p.enableCalls[0].inFunction, 'i');
    assert.equal(p.enableCalls[0].resultReturned, true);
    assert.equal(m.functions.i.attributes.includes('__init'), true);
  });

  it('resolves #define values, errno constants and state versions', () => {
    const m = one(`#define ST_ID 0x10\n#define ST_VER (1 + 2)\n#define SV_ID (ST_ID << 1)\nstatic struct klp_state states[] = { { .id = ST_ID, .version = ST_VER }, { } };\nstatic int pre(struct klp_object *o) { void *p = klp_shadow_alloc(o, SV_ID, 8, GFP_KERNEL, NULL, NULL); if (!p) return -ENOMEM; return 0; }\n`);
    const s = m.stateArrays[0].entries[0];
    assert.equal(s.id, 16);
    assert.equal(s.version, 3);
    assert.equal(m.shadowCalls[0].id, 32);
    assert.equal(m.shadowCalls[0].resultChecked, true);
    assert.deepEqual(m.functions.pre.returns.map((r) => r.value?.kind === 'number' && r.value.value), [-12, 0]);
  });

  it('sees a shadow allocation checked by likely(), a ternary or &&, and one that is not', () => {
    const checked = (use: string) => {
      const m = one(`#define SV 1\nstatic int pre(struct klp_object *o) { int *p = klp_shadow_alloc(o, SV, 8, GFP_KERNEL, NULL, NULL);\n${use}\n return 0; }\n`);
      return m.shadowCalls[0].resultChecked;
    };
    assert.equal(checked('if (likely(p)) *p = 1;'), true);
    assert.equal(checked('return p ? 0 : -ENOMEM;'), true);
    assert.equal(checked('p && (*p = 1);'), true);
    assert.equal(checked('*p = 1;'), false);
    assert.equal(checked('q->p && (*q = 1);'), false);
  });

  it('lists shadow and state calls in source order', () => {
    const m = one(`#define SV 1\nstatic void b(void *o) { klp_shadow_free(o, SV, NULL); klp_get_state(&patch, 2); }\nstatic void a(void *o) { klp_shadow_get(o, SV); klp_get_state(&patch, 1); b(o); }\nstatic int __init i(void) { a(0); return klp_enable_patch(&patch); }\nmodule_init(i);\n`);
    const lines = (xs: { range: { start: { line: number; character: number } } }[]) => xs.map((x) => x.range.start.line * 1000 + x.range.start.character);
    assert.equal(m.shadowCalls.length, 2);
    assert.deepEqual(lines(m.shadowCalls), [...lines(m.shadowCalls)].sort((x, y) => x - y));
    assert.deepEqual(lines(m.stateCalls), [...lines(m.stateCalls)].sort((x, y) => x - y));
  });

  it('sees an unterminated array and where its terminator belongs', () => {
    const m = one(`static struct klp_func funcs[] = {\n\t{ .old_name = "a", .new_func = b },\n};\n`);
    const a = m.funcArrays[0];
    assert.equal(a.terminated, false);
    assert.equal(a.entries.length, 1);
    assert.equal(a.closeBraceRange.start.line, 2);
  });

  it('keeps positions exact in UTF-16 around kernel attributes and non-ASCII comments', () => {
    const src = `/* Grüße 😀 */ static int __init notrace __printf(1, 2) lp_fn(const char *fmt, ...) { return 0; }\n`;
    const prepared = prepareSource(src);
    assert.equal(prepared.text.length, src.length);
    const m = one(src);
    const f = m.functions.lp_fn;
    assert.ok(f, 'function name survives the attributes');
    assert.equal(src.slice(f.nameRange.start.character, f.nameRange.end.character), 'lp_fn');
    assert.deepEqual(f.attributes, ['__init', 'notrace', '__printf']);
    assert.equal(f.variadic, true);
  });

  it('reads an initializer with #ifdef branches inside', () => {
    const m = one(`static struct klp_func funcs[] = {\n#ifdef CONFIG_X86\n\t{ .old_name = "x86_fn", .new_func = a },\n#else\n\t{ .old_name = "other_fn", .new_func = b },\n#endif\n\t{ }\n};\n`);
    assert.deepEqual(m.funcArrays[0].entries.map((e) => e.oldName), ['x86_fn', 'other_fn']);
    assert.equal(m.funcArrays[0].terminated, true);
    assert.equal(m.syntaxErrors.length, 0);
  });

  it('never throws on half-typed code and keeps what parses', () => {
    const src = `static struct klp_func funcs[] = {\n\t{ .old_name = "a", .new_func = b },\n\t{ .old_name = \nstatic struct klp_patch patch = { .mod = THIS_MODULE, .objs = objs, };\nstatic int f(void) { return klp_enable_patch(&patch`;
    for (let cut = 0; cut <= src.length; cut += 7) one(src.slice(0, cut));
    const m = one(src);
    assert.ok(m.syntaxErrors.length > 0);
  });

  it('finds multi-file modules through Kbuild and follows include cycles', () => {
    const host = memoryHost({
      '/w/Kbuild': 'obj-m += lp-multi.o target.o\nlp-multi-y := core.o \\\n\tfuncs.o\n',
      '/w/core.c': '#include "common.h"\nstatic struct klp_patch patch = { .mod = THIS_MODULE, .objs = objs };\nstatic int i(void) { return klp_enable_patch(&patch); }\n',
      '/w/funcs.c': '#include "common.h"\nstatic struct klp_object objs[] = { { .funcs = funcs }, { } };\nstatic struct klp_func funcs[] = { { .old_name = "f", .new_func = g }, { } };\n',
      '/w/common.h': '#include "other.h"\n#define LP_ID 7\n',
      '/w/other.h': '#include "common.h"\n',
      '/w/target.c': 'int f(void) { return 0; }\n',
    });
    assert.deepEqual(parseKbuild('/w/Kbuild', 'obj-m += lp-multi.o target.o\nlp-multi-y := core.o funcs.o\n').map((k) => k.name), ['lp_multi', 'target']);
    const found = findModuleSources('lp-multi', ['/w'], host);
    assert.ok(found.ok);
    assert.deepEqual(found.files, ['/w/core.c', '/w/funcs.c', '/w/common.h', '/w/other.h']);
    const r = loadModule('lp_multi', ['/w'], host);
    assert.ok(r.ok);
    assert.equal(r.model.isLivepatch, true);
    assert.equal(r.model.macros.LP_ID.value?.kind, 'number');
    // Only modules whose sources mention klp_patch / klp_enable_patch are discovered (and parsed).
    assert.deepEqual(discoverModules('/w', host).map((d) => d.name), ['lp_multi']);
    const missing = findModuleSources('nope', ['/w'], host);
    assert.equal(missing.ok, false);
  });
});
