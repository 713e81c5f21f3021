// Shadow-variable rules of one module (KLP050–KLP054, semantics §8): allocations that may
// collide or go unchecked, ids never freed, bare or inconsistent ids, constructors that may
// sleep under klp_shadow_lock, and frees left to module_exit. The series parts of KLP051
// and KLP052 (successors freeing an id, sizes across patches) live with the series analysis.
import type { CallSite, CFunction, ModuleModel, ShadowCall } from '../model';
import { CALLBACK_KINDS } from '../model';
import { before, callAt, calleeRange, isLivepatchModule, reachable, Reporter, where } from './context';
import { moduleIsCumulative } from './cumulative';

/** Calls that may sleep. */
const SLEEPS = /^(mutex_lock\w*|down|down_interruptible|down_killable|down_read\w*|down_write\w*|msleep\w*|ssleep|usleep_range\w*|schedule|schedule_timeout\w*|wait_event\w*|wait_for_completion\w*|might_sleep|cond_resched|vmalloc\w*|vzalloc\w*|kvmalloc\w*|kvzalloc\w*|copy_from_user|copy_to_user|get_user|put_user|synchronize_rcu\w*|synchronize_net|flush_work|flush_workqueue|cancel_work_sync|cancel_delayed_work_sync|kthread_stop|request_firmware\w*)$/;
/** GFP flags that allow direct reclaim (the allocation may sleep). */
const SLEEPING_GFP = /\bGFP_(KERNEL|KERNEL_ACCOUNT|USER|NOFS|NOIO|HIGHUSER\w*)\b/;
const LOCK = /^((raw_)?spin_lock(_irq|_irqsave|_bh)?|(read|write)_lock(_irq|_irqsave|_bh)?|rcu_read_lock(_bh|_sched)?|local_irq_(disable|save)|preempt_disable|local_bh_disable)$/;
const UNLOCK = /^((raw_)?spin_unlock(_irq|_irqrestore|_bh)?|(read|write)_unlock(_irq|_irqrestore|_bh)?|rcu_read_unlock(_bh|_sched)?|local_irq_(enable|restore)|preempt_enable\w*|local_bh_enable)$/;

const ALLOCS = new Set(['alloc', 'get_or_alloc']);

export function shadowRules(m: ModuleModel, out: Reporter): void {
  if (!m.shadowCalls.length) return;
  // Source order (extraction order follows the call graph), so "first" means first in the file.
  const calls = [...m.shadowCalls].sort((a, b) => m.files.indexOf(a.file) - m.files.indexOf(b.file) || (before(a.range.start, b.range.start) ? -1 : before(b.range.start, a.range.start) ? 1 : 0));
  const key = (c: ShadowCall) => (c.id !== undefined ? `#${c.id}` : `t:${c.idText.trim()}`);
  const allocs = calls.filter((c) => ALLOCS.has(c.op));
  const byId = new Map<string, ShadowCall[]>();
  for (const c of calls) {
    const list = byId.get(key(c));
    if (list) list.push(c);
    else byId.set(key(c), [c]);
  }

  // KLP050: klp_shadow_alloc where <obj, id> may already exist; unchecked results.
  if (out.on('KLP050')) {
    for (const c of allocs) {
      const fn = c.inFunction ? m.functions[c.inFunction] : undefined;
      const site = callAt(fn, c.range);
      if (c.op === 'alloc') {
        const why = collisionReason(m, c, byId.get(key(c)) ?? [], fn, site);
        if (why) {
          const name = site ? calleeRange(site) : undefined;
          out.add('KLP050', c.file, name ?? c.range,
            `klp_shadow_alloc() of id ${c.idText} where the variable may already exist (${why}): the kernel then warns "Duplicate shadow variable" and returns NULL. Use klp_shadow_get_or_alloc(), which returns the existing one.`,
            { fixes: name ? [{ title: 'Use klp_shadow_get_or_alloc()', edits: [{ file: c.file, range: name, newText: 'klp_shadow_get_or_alloc' }], preferred: true }] : undefined });
        }
      }
      if (c.resultChecked === false) {
        out.add('KLP050', c.file, c.range,
          `the result of klp_shadow_${c.op}() is not checked for NULL: it returns NULL when the allocation${c.op === 'alloc' ? ' or the constructor fails, or the variable already exists' : ' or the constructor fails'}. Check it before use.`);
      }
    }
  }

  // KLP051: ids allocated but never freed in this module.
  if (out.on('KLP051') && isLivepatchModule(m)) {
    for (const [, calls] of byId) {
      const first = calls.find((c) => ALLOCS.has(c.op));
      if (!first || calls.some((c) => c.op === 'free' || c.op === 'free_all')) continue;
      // An id that is a parameter of a wrapper is whatever its callers pass: not one id.
      if (calls.every((c) => c.inFunction && m.functions[c.inFunction] && idIsParameter(m.functions[c.inFunction], c))) continue;
      out.add('KLP051', first.file, first.idRange,
        `shadow id ${first.idText} is allocated but never freed by this patch: the variables outlive it. Free them with klp_shadow_free() where the object goes away, and klp_shadow_free_all(${first.idText}, ...) in a post_unpatch callback.`);
    }
  }

  // KLP052: bare ids; one id with different sizes in this module.
  if (out.on('KLP052')) {
    for (const c of calls) {
      if (!c.idIsLiteral) continue;
      out.add('KLP052', c.file, c.idRange,
        `shadow id written as the bare number ${c.idText}: ids are global to the kernel and shared by every patch of the series. Give it a named #define used by every patch.`);
    }
    for (const [, calls] of byId) {
      const sized = calls.filter((c) => ALLOCS.has(c.op) && c.sizeText);
      const first = sized[0];
      for (const c of sized.slice(1)) {
        if (norm(c.sizeText!) === norm(first.sizeText!)) continue;
        const sizeRange = callAt(c.inFunction ? m.functions[c.inFunction] : undefined, c.range)?.argRanges[2];
        out.add('KLP052', c.file, sizeRange ?? c.range,
          `shadow id ${c.idText} is allocated with size '${c.sizeText}' here and '${first.sizeText}' at ${where(first.file, first.range)}: code reading it gets the wrong layout. Use one type per id.`,
          { related: [{ file: first.file, range: first.range, message: `allocated with size '${first.sizeText}'` }] });
      }
    }
  }

  // KLP053: constructors that may sleep; sleeping allocations under a spinlock.
  if (out.on('KLP053')) {
    const ctorSeen = new Set<string>();
    for (const c of allocs) {
      const fn = c.inFunction ? m.functions[c.inFunction] : undefined;
      const site = callAt(fn, c.range);
      if (c.ctor && !ctorSeen.has(`${c.ctor}@${c.range.start.line}`)) {
        ctorSeen.add(`${c.ctor}@${c.range.start.line}`);
        const sleeper = sleepingCall(m, c.ctor);
        if (sleeper) {
          out.add('KLP053', c.file, site?.argRanges[4] ?? c.range,
            `shadow constructor '${c.ctor}' ${sleeper.what} (${where(sleeper.file, sleeper.call.range)}), which may sleep: the constructor runs under a spinlock. Prepare the data before the call and only copy it in the constructor, or use GFP_ATOMIC.`,
            { related: [{ file: sleeper.file, range: sleeper.call.range, message: sleeper.what }] });
        }
      }
      if (fn && site && c.gfpText && SLEEPING_GFP.test(c.gfpText) && underLock(fn, site)) {
        const gfpRange = site.argRanges[3] ?? c.range;
        out.add('KLP053', c.file, gfpRange,
          `klp_shadow_${c.op}() with ${c.gfpText.trim()} while '${fn.name}' holds a spinlock (or has preemption or interrupts off): the allocation may sleep. Use GFP_ATOMIC (or GFP_NOWAIT), or allocate before taking the lock.`,
          { fixes: [{ title: 'Use GFP_ATOMIC', edits: [{ file: c.file, range: gfpRange, newText: 'GFP_ATOMIC' }] }] });
      }
    }
  }

  // KLP054: frees in module_exit instead of post_unpatch. Only where a cumulative successor
  // can take the variables over: for a patch that stacks, rmmod after disable frees them.
  if (out.on('KLP054') && m.moduleExit?.args[0] && isLivepatchModule(m) && (moduleIsCumulative(m) || out.ctx.cumulativeExpected)) {
    const exitFns = reachable(m, [m.moduleExit.args[0].trim()]);
    const callbackFns = reachable(m, m.objArrays.flatMap((a) => a.entries.flatMap((o) => CALLBACK_KINDS.map((k) => o.callbacks[k]))));
    for (const c of calls) {
      if ((c.op !== 'free' && c.op !== 'free_all') || !c.inFunction || !exitFns.has(c.inFunction) || callbackFns.has(c.inFunction)) continue;
      const site = callAt(m.functions[c.inFunction], c.range);
      out.add('KLP054', c.file, site ? calleeRange(site) : c.range,
        `shadow variables of id ${c.idText} are freed in module_exit: that runs only at rmmod, long after the patch stopped (or while a cumulative successor still uses them). Free them in a post_unpatch callback, which runs when this patch is disabled.`);
    }
  }
}

function norm(t: string): string {
  return t.replace(/\s+/g, '');
}

/** Why an allocation may meet an existing <obj, id>, or undefined. */
function collisionReason(m: ModuleModel, c: ShadowCall, sameId: ShadowCall[], fn: CFunction | undefined, site: CallSite | undefined): string | undefined {
  // An id passed in as a parameter (a wrapper such as the selftests' shadow_alloc(obj, id, ...))
  // is not one id: calls elsewhere may use other ids, so nothing is known to collide.
  if (fn && idIsParameter(fn, c)) return undefined;
  const get = sameId.find((o) => o.op === 'get' && o.inFunction === c.inFunction && before(o.range.start, c.range.start));
  if (get) return `'${c.inFunction}' looks it up with klp_shadow_get() first, which races with another allocation`;
  const other = sameId.find((o) => o !== c && ALLOCS.has(o.op) && !(o.inFunction && m.functions[o.inFunction] && idIsParameter(m.functions[o.inFunction], o)));
  if (other) return `id ${c.idText} is also allocated at ${where(other.file, other.range)}`;
  const obj = site?.args[0]?.replace(/^\(\s*[\w\s]+\*?\s*\)\s*/, '').replace(/^&\s*/, '').trim();
  if (fn && obj && /^\w+$/.test(obj)) {
    // The same function frees <obj, id> again after allocating it: each run leaves nothing behind.
    const freedAfter = sameId.some((o) => o.op === 'free' && o.inFunction === c.inFunction && before(c.range.start, o.range.start)
      && objectOf(callAt(fn, o.range)?.args[0]) === obj);
    if (freedAfter) return undefined;
    if (fn.params.some((p) => p.name === obj)) return `the object '${obj}' is a parameter of '${fn.name}', which may run more than once for it`;
    if (m.globals[obj]) return `the object '${obj}' is a global: every run of '${fn.name}' allocates for the same object`;
  }
  return undefined;
}

function objectOf(arg: string | undefined): string | undefined {
  return arg?.replace(/^\(\s*[\w\s]+\*?\s*\)\s*/, '').replace(/^&\s*/, '').trim();
}

/** Whether the call's id is a parameter of the function it is in (not one constant id). */
function idIsParameter(fn: CFunction, c: ShadowCall): boolean {
  return c.id === undefined && fn.params.some((p) => p.name === c.idText.trim());
}

/** A call in the constructor (or what it calls) that may sleep. */
function sleepingCall(m: ModuleModel, ctor: string): { what: string; file: string; call: CallSite } | undefined {
  for (const name of reachable(m, [ctor])) {
    const fn = m.functions[name];
    if (!fn) continue;
    const via = name === ctor ? '' : ` via '${name}'`;
    for (const call of fn.calls) {
      if (SLEEPS.test(call.callee)) return { what: `calls ${call.callee}()${via}`, file: fn.file, call };
      const gfp = call.args.find((a) => SLEEPING_GFP.test(a));
      if (gfp) return { what: `calls ${call.callee}(..., ${gfp.trim()})${via}`, file: fn.file, call };
    }
  }
  return undefined;
}

/** Whether a lock (or preemption/irq off) is held at SITE, from the calls before it in FN. */
function underLock(fn: CFunction, site: CallSite): boolean {
  let depth = 0;
  for (const c of fn.calls) {
    if (!before(c.range.start, site.range.start)) break;
    if (LOCK.test(c.callee)) depth++;
    else if (UNLOCK.test(c.callee) && depth > 0) depth--;
  }
  return depth > 0;
}
