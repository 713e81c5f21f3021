// Rules on the structure of one livepatch module (KLP001–KLP009): what klp_enable_patch()
// and the module loader refuse, in the order the kernel checks it (semantics §1, §2).
import type { Fix } from '../findings';
import type { CFunction, KlpArray, KlpFunc, KlpObject, KlpState, ModuleModel, Range } from '../model';
import { exclusiveBranches } from '../model';
import { addFieldEdit, branchNote, callingFunctions, definedPatches, indentOf, insertLinesEdit, isLivepatchModule, Reporter, where } from './context';
import { holdsUnreadable } from './unreadable';

/** KSYM_NAME_LEN - 1 */
const MAX_SYMBOL = 511;
/** MODULE_NAME_LEN - 1 (64 - sizeof(unsigned long)) - 1 on 64-bit */
const MAX_MODULE_NAME = 55;

const KIND_STRUCT: Record<KlpArray<unknown>['kind'], string> = { funcs: 'klp_func', objs: 'klp_object', states: 'klp_state' };

/** Licences the kernel treats as GPL-compatible (license_is_gpl_compatible). */
const GPL_COMPATIBLE = new Set(['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL']);

export function structureRules(m: ModuleModel, out: Reporter): void {
  const livepatch = isLivepatchModule(m);
  const patches = definedPatches(m);

  // KLP001: .mod and .objs are required.
  if (out.on('KLP001')) {
    for (const p of patches) {
      // A patch whose initializer could not be read whole (a template, a syntax error): KLP080 says so.
      if (holdsUnreadable(m, p.file, p.range)) continue;
      // The split-module proposal (`.obj`, `.obj_names`): no `.objs` by design (KLP081 says so).
      if (splitModuleField(p)) continue;
      const has = (f: string) => p.fields.some((x) => x.field === f && x.value.kind !== 'null');
      const missing = ['mod', 'objs'].filter((f) => !has(f));
      if (!missing.length) continue;
      const fixes: Fix[] = [];
      if (missing.includes('mod')) {
        const e = addFieldEdit(out.ctx, p.file, p.fields, '.mod = THIS_MODULE');
        if (e) fixes.push({ title: 'Add .mod = THIS_MODULE', edits: [e], preferred: missing.length === 1 });
      }
      const what = missing.map((f) => `.${f}`).join(' and ');
      const advice = [missing.includes('mod') && 'set .mod = THIS_MODULE', missing.includes('objs') && 'point .objs at the klp_object array'].filter(Boolean).join(' and ');
      out.add('KLP001', p.file, p.nameRange,
        `klp_patch '${p.name}' has no ${what}: klp_enable_patch() fails with -EINVAL. ${advice[0].toUpperCase()}${advice.slice(1)}.`,
        { fixes });
    }
  }

  // KLP003: arrays end with an all-zero entry.
  if (out.on('KLP003')) {
    const arrays: KlpArray<KlpFunc | KlpObject | KlpState>[] = [...m.funcArrays, ...m.objArrays, ...m.stateArrays];
    for (const a of arrays) {
      if (holdsUnreadable(m, a.file, a.range)) continue;
      if (a.earlyTerminator) {
        const n = a.earlyTerminator.ignoredEntries;
        out.add('KLP003', a.file, a.earlyTerminator.range,
          `this empty entry ends ${KIND_STRUCT[a.kind]} array '${a.name}' for the kernel, which stops at the first all-zero entry: the ${n === 1 ? 'entry' : `${n} entries`} after it ${n === 1 ? 'is' : 'are'} never seen. Remove it; only the last entry may be empty.`);
      }
      if (a.terminated) continue;
      out.add('KLP003', a.file, a.nameRange,
        `${KIND_STRUCT[a.kind]} array '${a.name}' does not end with an empty entry: the kernel walks it until an all-zero entry and reads past its end. Add '{ }' as the last entry.`,
        { fixes: [{ title: "Add the '{ }' terminator", edits: [terminatorEdit(out, a)], preferred: true }] });
    }
  }

  // KLP002, KLP005: objects.
  for (const a of m.objArrays) {
    for (const o of a.entries) {
      if (out.on('KLP002') && !holdsUnreadable(m, o.file, o.range) && (!o.funcsRef && !o.fields.some((f) => f.field === 'funcs' && f.value.kind !== 'null'))) {
        const named = o.fields.some((f) => f.field === 'name' && f.value.kind !== 'null');
        out.add('KLP002', o.file, o.nameRange ?? headOf(o.range), named
          ? `klp_object '${o.name}' in '${a.name}' has no .funcs: klp_enable_patch() fails with -EINVAL. Point .funcs at a klp_func array (it may hold only the '{ }' terminator).`
          : `klp_object in '${a.name}' has neither .name nor .funcs: the kernel takes it for the end of the array and ignores it and every object after it. Point .funcs at a klp_func array.`);
      }
      if (out.on('KLP005') && o.name !== null && o.nameRange && o.fields.some((f) => f.field === 'name' && f.value.kind === 'string')) {
        if (o.name === 'vmlinux') {
          out.add('KLP005', o.file, o.nameRange,
            "object name \"vmlinux\" is taken as a module called vmlinux, which never loads: the patch would do nothing. Leave .name unset (NULL) to patch vmlinux.",
            { fixes: [{ title: 'Use NULL (vmlinux)', edits: [{ file: o.file, range: o.nameRange, newText: 'NULL' }], preferred: true }] });
        } else if (o.name.length > MAX_MODULE_NAME) {
          out.add('KLP005', o.file, o.nameRange,
            `object name is ${o.name.length} characters long; module names have at most ${MAX_MODULE_NAME}: klp_enable_patch() fails with -EINVAL. Use the target module's real name.`);
        }
      }
    }
  }

  // KLP004, KLP006: functions.
  for (const a of m.funcArrays) {
    const seen = new Map<string, KlpFunc[]>();
    for (const f of a.entries) {
      if (out.on('KLP004') && !holdsUnreadable(m, f.file, f.range)) {
        const hasOld = f.fields.some((x) => x.field === 'old_name' && x.value.kind !== 'null');
        const hasNew = f.fields.some((x) => x.field === 'new_func' && x.value.kind !== 'null');
        if (!hasOld || !hasNew) {
          const label = f.oldName ? `'${f.oldName}'` : f.newFunc ? `for '${f.newFunc}'` : '';
          const missing = [!hasOld && '.old_name', !hasNew && '.new_func'].filter(Boolean).join(' and ');
          out.add('KLP004', f.file, (!hasOld ? undefined : f.oldNameRange) ?? (!hasNew ? f.oldNameRange : undefined) ?? headOf(f.range),
            `klp_func ${label ? label + ' ' : ''}in '${a.name}'${branchNote(f.conditions)} has no ${missing}: klp_enable_patch() fails with -EINVAL. ` +
            (!hasOld ? 'Set .old_name to the name of the function to replace' : 'Set .new_func to the replacement function') +
            (!hasOld && !hasNew ? ' and .new_func to its replacement.' : '.'));
        } else if ((oldNameLength(m, f) ?? 0) > MAX_SYMBOL && f.oldNameRange) {
          out.add('KLP004', f.file, f.oldNameRange,
            `old_name is ${oldNameLength(m, f)} characters long; symbol names have at most ${MAX_SYMBOL} (KSYM_NAME_LEN - 1): klp_enable_patch() fails with -EINVAL.`);
        }
      }
      if (out.on('KLP006') && f.oldName !== undefined) {
        // sympos 0 (unique) and 1 (first) name the same sysfs entry `<func>,1`.
        const key = `${f.oldName}\0${f.oldSympos === 0 ? 1 : f.oldSympos}`;
        const earlier = seen.get(key) ?? [];
        // Entries in different branches of one #if are never compiled together.
        const first = earlier.find((e) => !exclusiveBranches(e.conditions, f.conditions));
        if (!earlier.length) seen.set(key, earlier);
        earlier.push(f);
        if (first) {
          out.add('KLP006', f.file, f.oldNameRange ?? headOf(f.range),
            `'${f.oldName}' is already patched by an earlier entry of '${a.name}' (${where(first.file, first.oldNameRange ?? first.range)}) with the same old_sympos${branchNote(f.conditions ?? first.conditions)}: the kernel rejects the second one. ` +
            'Merge the two entries, or set .old_sympos to tell two same-named functions apart.',
            { related: [{ file: first.file, range: first.oldNameRange ?? first.range, message: `first entry for '${f.oldName}'` }] });
        }
      }
    }
  }

  if (!livepatch) return;
  const anchor = patches[0] ?? m.patches[0];
  // No module_init() in the sources read: this may be one part of a multi-file module whose
  // other files were not given (no Kbuild composite lists them). Say what holds in these files.
  const partial = !m.moduleInit;
  const readFiles = m.files.map((f) => f.replace(/\\/g, '/').split('/').pop()).join(', ');
  const partHint = `if this file is one part of a multi-file module, list its files in a Kbuild 'NAME-y :=' line so they are checked together`;

  // KLP007: the modinfo livepatch tag.
  if (out.on('KLP007') && anchor && !m.moduleInfo.some((u) => u.args[0]?.trim() === 'livepatch')) {
    const after = m.license ?? m.moduleExit ?? m.moduleInit;
    const edit = after
      ? insertLinesEdit(after.file, after.range.end.line + 1, 'MODULE_INFO(livepatch, "Y");\n')
      : insertLinesEdit(anchor.file, anchor.range.end.line + 1, '\nMODULE_INFO(livepatch, "Y");\n');
    out.add('KLP007', anchor.file, anchor.nameRange, partial
      ? `no MODULE_INFO(livepatch, "Y") in ${readFiles}: a module without it is refused by klp_enable_patch() with -EINVAL ("not marked as a livepatch module"). Add MODULE_INFO(livepatch, "Y"), or, ${partHint}.`
      : `module '${m.name}' is not marked as a livepatch module: klp_enable_patch() fails with -EINVAL ("not marked as a livepatch module"). Add MODULE_INFO(livepatch, "Y").`,
      { fixes: [{ title: 'Add MODULE_INFO(livepatch, "Y")', edits: [edit], preferred: true }], ...(partial ? { severity: 'warning' as const } : {}) });
  }

  // KLP008: GPL-compatible licence.
  if (out.on('KLP008') && anchor) {
    if (!m.license) {
      const after = m.moduleExit ?? m.moduleInit;
      const edit = after
        ? insertLinesEdit(after.file, after.range.end.line + 1, 'MODULE_LICENSE("GPL");\n')
        : insertLinesEdit(anchor.file, anchor.range.end.line + 1, '\nMODULE_LICENSE("GPL");\n');
      out.add('KLP008', anchor.file, anchor.nameRange, partial
        ? `no MODULE_LICENSE in ${readFiles}: the klp_* functions are exported to GPL modules only, so modpost refuses to build a module without one. Add MODULE_LICENSE("GPL"), or, ${partHint}.`
        : `module '${m.name}' has no MODULE_LICENSE: the klp_* functions are exported to GPL modules only, so modpost refuses to build it. Add MODULE_LICENSE("GPL").`,
        { fixes: [{ title: 'Add MODULE_LICENSE("GPL")', edits: [edit], preferred: true }] });
    } else if (!GPL_COMPATIBLE.has(m.license.args[0] ?? '')) {
      out.add('KLP008', m.license.file, m.license.range,
        `licence "${m.license.args[0] ?? ''}" is not GPL-compatible: the klp_* functions are exported to GPL modules only, so modpost refuses to build it. Use "GPL" (or another GPL-compatible licence string).`);
    }
  }

  // KLP081: written for the proposed split-module API (`.obj`/`.obj_names` in the patch, a
  // scalar `struct klp_object`; not merged): said once, the object-array rules do not apply.
  const split = patches.map((p) => ({ p, f: splitModuleField(p) })).find((x) => x.f);
  if (split && out.on('KLP081')) {
    out.add('KLP081', split.p.file, split.f!.range,
      `klp_patch '${split.p.name}' is written for the proposed split-module API (.${split.f!.field}; not merged upstream): it has no .objs array by design, so KLP001's .objs check and the object-array rules do not apply. The other rules check it as the mainline API.`);
  }

  // KLP081: written for the register API (klp_register_patch(): kernels before 5.1, where
  // it precedes klp_enable_patch(), and openEuler's register-only livepatches, enabled later
  // through sysfs). Said once; KLP009's "never enabled" does not apply to register-only.
  // (Over the functions that make calls only: this runs on every keystroke.)
  let registerCall: { f: CFunction; c: CFunction['calls'][number] } | undefined;
  find: for (const f of callingFunctions(m)) for (const c of f.calls) if (c.callee === 'klp_register_patch') { registerCall = { f, c }; break find; }
  if (registerCall && anchor && out.on('KLP081')) {
    const enables = m.patches.some((p) => p.enableCalls.length) || m.runtimeEnables.length > 0;
    out.add('KLP081', registerCall.f.file, { start: registerCall.c.range.start, end: { line: registerCall.c.range.start.line, character: registerCall.c.range.start.character + 'klp_register_patch'.length } }, enables
      ? `module '${m.name}' is written for the register/enable API of kernels before 5.1 (klp_register_patch() then klp_enable_patch()): since 5.1 klp_enable_patch() registers the patch itself and klp_register_patch() no longer exists. The rules check it as the 5.1+ API.`
      : `module '${m.name}' only registers its patch (klp_register_patch(), as openEuler's livepatches do): it is enabled later through sysfs, not at load time, so KLP009 ("never enabled") does not apply. The other rules check it as the mainline API.`);
  }

  // KLP009: enabled from the module's init, result returned.
  if (out.on('KLP009')) {
    const init = m.moduleInit?.args[0]?.trim();
    const fromInit = init ? reachableFrom(m, init) : new Set<string>();
    for (const p of patches) {
      if (!p.enableCalls.length) {
        if (registerCall) continue; // register-only: enabled through sysfs (KLP081)
        out.add('KLP009', p.file, p.nameRange, partial
          ? `klp_patch '${p.name}' is not passed to klp_enable_patch() in ${readFiles}, which has no module_init() either: as read, nothing enables it. Call 'return klp_enable_patch(&${p.name});' from the module's init function, or, ${partHint}.`
          : `klp_patch '${p.name}' is never passed to klp_enable_patch(): loading the module patches nothing. Call 'return klp_enable_patch(&${p.name});' from the module's init function.`);
        continue;
      }
      for (const c of p.enableCalls) {
        if (!init) {
          out.add('KLP009', p.file, c.range,
            `klp_enable_patch(&${p.name}) is called from '${c.inFunction}', but there is no module_init() in ${readFiles}: as read, it never runs. Add module_init(${c.inFunction}), or, ${partHint}.`);
        } else if (!fromInit.has(c.inFunction)) {
          out.add('KLP009', p.file, c.range,
            `klp_enable_patch(&${p.name}) is called from '${c.inFunction}', which the module's init function '${init}' does not call: the patch is enabled outside insmod, so a failure cannot fail the load. Enable it from '${init}'.`);
        } else if (!c.resultReturned) {
          out.add('KLP009', p.file, c.range,
            `the result of klp_enable_patch(&${p.name}) is not returned: if enabling fails, insmod still succeeds and the module stays loaded doing nothing. Write 'return klp_enable_patch(&${p.name});'.`);
        }
      }
    }
  }
}

/**
 * Length of old_name: the extracted string, else the string literals of its text or of the
 * macro it names (very long generated names are left unevaluated by the extractor).
 */
function oldNameLength(m: ModuleModel, f: KlpFunc): number | undefined {
  if (f.oldName !== undefined && !f.oldNameUnresolved) return f.oldName.length;
  const v = f.fields.find((x) => x.field === 'old_name')?.value;
  if (!v) return undefined;
  let text = v.text;
  for (let depth = 0; depth < 4 && /^\w+$/.test(text.trim()); depth++) {
    const macro = m.macros[text.trim()];
    if (!macro || macro.params) return undefined;
    text = macro.body;
  }
  if (!/^\s*("(?:[^"\\]|\\.)*"\s*)+$/.test(text)) return undefined;
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].reduce((n, x) => n + x[1].replace(/\\./g, '_').length, 0);
}

/** A field of the proposed split-module API in a patch's initializer. */
function splitModuleField(p: { fields: { field: string; range: Range }[] }): { field: string; range: Range } | undefined {
  return p.fields.find((f) => f.field === 'obj' || f.field === 'obj_names');
}

/** Functions reachable from the init function through calls within the module. */
function reachableFrom(m: ModuleModel, root: string): Set<string> {
  const seen = new Set<string>([root]);
  const queue = [root];
  while (queue.length && seen.size < 200) {
    for (const c of m.functions[queue.pop()!]?.calls ?? []) {
      if (m.functions[c.callee] && !seen.has(c.callee)) { seen.add(c.callee); queue.push(c.callee); }
    }
  }
  return seen;
}

/** The first character of an entry (its `{`), for findings on an entry with no better anchor. */
function headOf(r: Range): Range {
  return { start: r.start, end: { line: r.start.line, character: r.start.character + 1 } };
}

/** Inserts `{ }` as the last entry of an unterminated array. */
function terminatorEdit(out: Reporter, a: KlpArray<unknown>): { file: string; range: Range; newText: string } {
  const last = a.entries[a.entries.length - 1] as { range: Range } | undefined;
  if (!last) {
    const p = a.closeBraceRange.start;
    return { file: a.file, range: { start: p, end: p }, newText: ' { } ' };
  }
  const indent = indentOf(out.ctx, a.file, last.range.start.line);
  const ownLine = indent !== undefined && indent.length === last.range.start.character;
  const p = last.range.end;
  // `{...}` + `, { }`: valid whether or not a trailing comma follows.
  return { file: a.file, range: { start: p, end: p }, newText: ownLine ? `,\n${indent}{ }` : ', { }' };
}
