// Callback rules (KLP030, KLP031, KLP033): signatures of the functions named in
// `.callbacks = { ... }`, callbacks that change state without a partner that undoes it,
// and when callbacks of a module object actually run (semantics §4). State callbacks of the
// proposed API (§12) are checked the same way with their own signature.
import type { CallbackKind, CFunction, KlpCallbackRefs, ModuleModel, Range } from '../model';
import { CALLBACK_KINDS } from '../model';
import { reachable, Reporter, where } from './context';

/** Calls that allocate or change state somebody must undo. */
const STATEFUL_CALL = /^(k[mvz]?alloc\w*|kcalloc\w*|krealloc\w*|kstrdup\w*|kmemdup\w*|kmem_cache_alloc\w*|kvmalloc\w*|kvzalloc\w*|kvcalloc\w*|vmalloc\w*|vzalloc\w*|alloc_pages\w*|__get_free_pages?|klp_shadow_alloc|klp_shadow_get_or_alloc|register_\w+|\w+_register|static_branch_enable|static_key_enable|static_branch_inc|static_key_slow_inc|kthread_run|kthread_create\w*|request_irq|request_threaded_irq|debugfs_create_\w+|proc_create\w*|sysfs_create_\w+)$/;

const PAIRS: [CallbackKind, CallbackKind][] = [['pre_patch', 'post_unpatch'], ['post_patch', 'pre_unpatch']];

export function callbackRules(m: ModuleModel, out: Reporter): void {
  const checked = new Set<string>();
  const owners: { refs: KlpCallbackRefs; file: string; label: string; kind: 'object' | 'state'; isModule: boolean; moduleName?: string }[] = [];
  for (const a of m.objArrays) for (const o of a.entries) owners.push({ refs: o.callbacks, file: o.file, label: `object '${o.name ?? 'vmlinux'}'`, kind: 'object', isModule: o.name !== null, moduleName: o.name ?? undefined });
  for (const a of m.stateArrays) for (const s of a.entries) owners.push({ refs: s.callbacks, file: s.file, label: `state ${s.idText ?? '?'}`, kind: 'state', isModule: false });

  for (const owner of owners) {
    const { refs } = owner;
    // KLP030: signatures.
    if (out.on('KLP030')) {
      for (const kind of CALLBACK_KINDS) {
        const name = refs[kind];
        const fn = name ? m.functions[name] : undefined;
        if (!fn || checked.has(`${owner.kind}:${kind}:${fn.name}`)) continue;
        checked.add(`${owner.kind}:${kind}:${fn.name}`);
        const problem = signatureProblem(fn, kind, owner.kind);
        if (problem) {
          out.add('KLP030', fn.file, fn.nameRange,
            `'${fn.name}' is the ${kind} callback of ${owner.label} but ${problem}: the kernel calls it as '${expected(kind, owner.kind)}'. Declare it with that signature.`,
            { related: refs.ranges[kind] ? [{ file: owner.file, range: refs.ranges[kind]!, message: `set as ${kind} here` }] : undefined });
        }
      }
    }

    // KLP031: a state-changing callback without the partner that undoes it.
    if (out.on('KLP031')) {
      for (const [first, undo] of PAIRS) {
        const name = refs[first];
        if (!name || refs[undo] || !refs.ranges[first]) continue;
        const change = stateChange(m, name);
        if (!change) continue;
        out.add('KLP031', owner.file, refs.ranges[first]!,
          `the ${first} callback '${name}' of ${owner.label} ${change.what} (${where(change.file, change.range)}), but there is no ${undo} callback to undo it when the patch is disabled` +
          (first === 'pre_patch' ? ' or fails to enable' : '') + `. Add a ${undo} callback that reverts it.`,
          { related: [{ file: change.file, range: change.range, message: change.what }] });
      }
    }

    // KLP033: callbacks of a module object run only while that module is loaded.
    if (out.on('KLP033') && owner.kind === 'object' && owner.isModule && refs.range) {
      const kinds = CALLBACK_KINDS.filter((k) => refs[k]);
      if (kinds.length) {
        const designator = { start: refs.range.start, end: { line: refs.range.start.line, character: refs.range.start.character + '.callbacks'.length } };
        out.add('KLP033', owner.file, designator,
          `these callbacks run only while module '${owner.moduleName}' is loaded: at enable/disable if it is loaded then; otherwise pre_patch/post_patch run when it loads (before its init) and pre_unpatch/post_unpatch when it unloads (after its exit). None of them runs when a cumulative patch replaces this one.`);
      }
    }
  }
}

function norm(t: string): string {
  return t.replace(/\b(const|volatile)\b/g, ' ').replace(/\s*\*\s*/g, ' *').replace(/\s+/g, ' ').trim();
}

function expected(kind: CallbackKind, owner: 'object' | 'state'): string {
  const ret = kind === 'pre_patch' ? 'int' : 'void';
  return owner === 'object' ? `${ret} (*)(struct klp_object *)` : `${ret} (*)(struct klp_patch *, struct klp_state *)`;
}

function signatureProblem(fn: CFunction, kind: CallbackKind, owner: 'object' | 'state'): string | undefined {
  const wantRet = kind === 'pre_patch' ? 'int' : 'void';
  const problems: string[] = [];
  if (norm(fn.returnType) !== wantRet) problems.push(`returns '${fn.returnType}' instead of '${wantRet}'`);
  const wantParams = owner === 'object' ? ['struct klp_object *'] : ['struct klp_patch *', 'struct klp_state *'];
  const got = fn.params.map((p) => norm(p.type));
  if (fn.variadic || got.length !== wantParams.length || got.some((g, i) => g !== wantParams[i])) {
    problems.push(`takes (${got.join(', ') || 'void'}${fn.variadic ? ', ...' : ''}) instead of (${wantParams.join(', ')})`);
  }
  return problems.length ? problems.join(' and ') : undefined;
}

/** The first thing the callback (or what it calls in the module) does that needs undoing. */
export function stateChange(m: ModuleModel, root: string): { what: string; file: string; range: Range } | undefined {
  for (const name of reachable(m, [root])) {
    const fn = m.functions[name];
    if (!fn) continue;
    const via = name === root ? '' : ` via '${name}'`;
    const call = fn.calls.find((c) => STATEFUL_CALL.test(c.callee));
    if (call) return { what: `calls ${call.callee}()${via}`, file: fn.file, range: call.range };
    const w = fn.globalWrites[0];
    if (w) return { what: `writes the global '${w.name}'${via}`, file: fn.file, range: w.range };
  }
  return undefined;
}
