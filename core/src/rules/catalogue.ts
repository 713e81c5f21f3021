// The rule catalogue: every diagnostic code with its default severity, a one-line title and
// a short description. One source for docs/RULES.md, SARIF `rules`, settings and hovers.
// Codes are stable (users silence rules by code): never renumber one.
import type { Severity } from '../findings';

export interface RuleInfo {
  code: string;
  severity: Severity;
  title: string;
  description: string;
  /** `module`: checked on one module (core/src/rules); `series`: needs the series order. */
  scope: 'module' | 'series';
}

export const RULES: readonly RuleInfo[] = [
  // Structure of one livepatch module
  { code: 'KLP001', severity: 'error', scope: 'module', title: 'klp_patch without .mod or .objs',
    description: 'klp_enable_patch() refuses a patch whose .mod or .objs is NULL with -EINVAL.' },
  { code: 'KLP002', severity: 'error', scope: 'module', title: 'klp_object without .funcs',
    description: 'klp_enable_patch() refuses an object whose .funcs is NULL with -EINVAL; an object with neither .name nor .funcs ends the array early.' },
  { code: 'KLP003', severity: 'error', scope: 'module', title: 'klp_* array not ended by an empty entry',
    description: 'The kernel walks klp_func, klp_object and klp_state arrays until an all-zero entry; without `{ }` it reads past the end.' },
  { code: 'KLP004', severity: 'error', scope: 'module', title: 'klp_func without .old_name or .new_func, or old_name too long',
    description: 'klp_init_func() refuses a func without old_name or new_func, or with an old_name of KSYM_NAME_LEN (512) characters or more.' },
  { code: 'KLP005', severity: 'error', scope: 'module', title: 'object name too long or named vmlinux',
    description: 'A module object name must be shorter than MODULE_NAME_LEN (56); vmlinux is written as a NULL name, and no module may be called vmlinux.' },
  { code: 'KLP006', severity: 'error', scope: 'module', title: 'same function patched twice in one object',
    description: 'Two klp_func entries with the same old_name and old_sympos (0 and 1 both mean the first) in one object: the kernel rejects the second.' },
  { code: 'KLP007', severity: 'error', scope: 'module', title: 'missing MODULE_INFO(livepatch, "Y")',
    description: 'klp_enable_patch() refuses a module that is not marked as a livepatch module.' },
  { code: 'KLP008', severity: 'warning', scope: 'module', title: 'missing GPL-compatible MODULE_LICENSE',
    description: 'The klp_* functions are GPL-only exports: modpost fails to link a module without a GPL-compatible licence.' },
  { code: 'KLP009', severity: 'warning', scope: 'module', title: 'klp_patch not enabled from module init, or result ignored',
    description: 'A livepatch module enables its patch from its init function and returns klp_enable_patch()\'s result, so that a failure fails insmod.' },
  { code: 'KLP010', severity: 'info', scope: 'module', title: 'replacement function is inline or notrace',
    description: 'The kernel\'s `inline` implies notrace: the function tracer and kprobes cannot see such a replacement (livepatching is unaffected: later patches hook the original function).' },
  { code: 'KLP011', severity: 'error', scope: 'module', title: 'replacement has a different number of parameters',
    description: 'The replacement is called with the original function\'s arguments; a different parameter count corrupts them.' },
  { code: 'KLP012', severity: 'warning', scope: 'module', title: 'patched function is __init/__exit, notrace or inline',
    description: 'Init/exit code is discarded, notrace functions have no ftrace location, and inline functions are usually inlined into their callers: patching them has no effect or fails.' },
  { code: 'KLP013', severity: 'info', scope: 'module', title: 'replacement function is not static',
    description: 'A global replacement function can clash with a kernel symbol of the same name; make it static.' },
  // Cumulative patches and series
  { code: 'KLP020', severity: 'warning', scope: 'module', title: 'patch is not cumulative (.replace = true missing)',
    description: 'Cumulative patches (atomic replace) are the recommended way to release livepatches: each one replaces all earlier ones.' },
  { code: 'KLP021', severity: 'info', scope: 'series', title: 'what a cumulative patch does to earlier patched functions',
    description: 'Preview per function: new, re-patched, or reverted to the original code by a NOP.' },
  { code: 'KLP022', severity: 'warning', scope: 'series', title: 'downgrade hazard',
    description: 'A later patch in the series is older in content (drops fixes, lower state versions).' },
  { code: 'KLP024', severity: 'warning', scope: 'series', title: 'non-cumulative patch stacks on a patched function',
    description: 'Only the top patch of a stack runs; callers inside older patches may call stale copies.' },
  // Callbacks
  { code: 'KLP030', severity: 'error', scope: 'module', title: 'callback with a wrong signature',
    description: 'pre_patch returns int, the other object callbacks return void; all take a struct klp_object *.' },
  { code: 'KLP031', severity: 'warning', scope: 'module', title: 'asymmetric callbacks',
    description: 'A pre_patch (post_patch) callback that allocates or changes state needs a post_unpatch (pre_unpatch) callback that undoes it.' },
  { code: 'KLP032', severity: 'warning', scope: 'series', title: 'replaced patch\'s callbacks undo changes nobody takes over',
    description: 'A cumulative patch replaces patches without running their callbacks; what they would undo must be taken over.' },
  { code: 'KLP033', severity: 'info', scope: 'module', title: 'callbacks of a module object',
    description: 'Callbacks of an object for a module run only while that module is loaded: at enable/disable if it is loaded, else when it loads or unloads.' },
  // System states
  { code: 'KLP040', severity: 'error', scope: 'module', title: 'klp_state with id 0',
    description: 'Id 0 ends the states array: this state and the ones after it are invisible to the kernel.' },
  { code: 'KLP041', severity: 'error', scope: 'module', title: 'state id declared twice',
    description: 'klp_get_state() returns the first state with an id only; the second is never seen.' },
  { code: 'KLP042', severity: 'error', scope: 'series', title: 'cumulative patch drops or downgrades a state',
    description: 'The kernel refuses a cumulative patch that does not carry every installed state with at least its version.' },
  { code: 'KLP043', severity: 'error', scope: 'series', title: 'non-cumulative patch downgrades a state',
    description: 'The kernel refuses a patch that carries an installed state with a lower version.' },
  { code: 'KLP044', severity: 'warning', scope: 'module', title: 'klp_get_prev_state() misuse',
    description: 'klp_get_prev_state() works only during a transition (callbacks); post_unpatch of a state-carrying patch should consult it to tell a reversed transition from a disable.' },
  { code: 'KLP045', severity: 'warning', scope: 'module', title: 'state id not declared by the patch',
    description: 'klp_get_state()/klp_get_prev_state() with an id that no klp_state of the patch declares returns NULL.' },
  // Shadow variables
  { code: 'KLP050', severity: 'warning', scope: 'module', title: 'klp_shadow_alloc may collide, or its result is unchecked',
    description: 'klp_shadow_alloc() warns and returns NULL when <obj, id> already exists; use klp_shadow_get_or_alloc(). Allocation can fail: check for NULL.' },
  { code: 'KLP051', severity: 'warning', scope: 'module', title: 'shadow variable never freed',
    description: 'A shadow id is allocated but no klp_shadow_free()/klp_shadow_free_all() of the patch (or of its successors) frees it.' },
  { code: 'KLP052', severity: 'warning', scope: 'module', title: 'bare or inconsistent shadow id',
    description: 'Shadow ids are global: give them a name, and keep one size/type per id across the series.' },
  { code: 'KLP053', severity: 'warning', scope: 'module', title: 'shadow constructor may sleep, or GFP_KERNEL under a spinlock',
    description: 'The shadow constructor runs under a spinlock; it must not sleep. A GFP_KERNEL allocation must not happen under a spinlock.' },
  { code: 'KLP054', severity: 'warning', scope: 'module', title: 'shadow variables freed in module_exit',
    description: 'module_exit runs at rmmod, long after the patch stopped running (or was replaced by one that still uses the variables): free them in post_unpatch.' },
  // The proposed state-callbacks API (semantics §12, not merged; core/src/rules/stateApi.ts)
  { code: 'KLP070', severity: 'warning', scope: 'module', title: 'object callbacks next to state callbacks',
    description: 'The proposed API removes per-object callbacks: under it they never run, at enable/disable or when a target module loads or unloads.' },
  { code: 'KLP071', severity: 'error', scope: 'series', title: 'cumulative patch drops a block_disable state',
    description: 'Under the proposed API a cumulative patch that does not carry an installed state with .block_disable is refused as not compatible.' },
  { code: 'KLP072', severity: 'warning', scope: 'module', title: 'shadow variables of an is_shadow state freed by hand',
    description: 'Under the proposed API the shadow variables of an is_shadow state are freed with its shadow_dtor when the state is removed, and kept when it is carried over; klp_shadow_free_all() of that id is redundant or frees variables a successor still uses.' },
  { code: 'KLP073', severity: 'warning', scope: 'module', title: 'shadow_dtor without is_shadow',
    description: 'A state\'s shadow_dtor is only used to free its shadow variables when the state has .is_shadow = true; otherwise it is never called.' },
  { code: 'KLP074', severity: 'info', scope: 'module', title: 'pre_unpatch of a block_disable state never runs',
    description: 'A patch with a block_disable state cannot be disabled and every cumulative successor must carry the state, so its pre_unpatch never runs.' },
  { code: 'KLP075', severity: 'info', scope: 'module', title: 'state version under the proposed API',
    description: 'The proposed compatibility check ignores versions: non-cumulative patches are always compatible, cumulative ones must carry block_disable states.' },
  { code: 'KLP077', severity: 'info', scope: 'series', title: 'callbacks of a carried-over state do not run on upgrade',
    description: 'A state\'s callbacks run only when it is introduced or removed: when a patch is loaded over one that has the state, its pre_patch/post_patch for it do not run.' },
  { code: 'KLP078', severity: 'error', scope: 'module', title: 'proposed-API field under the upstream API',
    description: 'Upstream struct klp_state has no callbacks, is_shadow or block_disable member: checked with --kernel-api upstream, a module using them does not build.' },
  // Source pitfalls inside replacement functions
  { code: 'KLP060', severity: 'warning', scope: 'module', title: '*_once in a replacement function',
    description: 'printk_once/pr_*_once/WARN_ONCE/DO_ONCE keep a hidden static flag: the replacement has a fresh one, so the message fires again.' },
  { code: 'KLP061', severity: 'warning', scope: 'module', title: 'static branch on a module\'s key',
    description: 'Jump-label sites on a key defined in a module cannot be relocated in a livepatch; use static_key_enabled().' },
  { code: 'KLP062', severity: 'warning', scope: 'module', title: 'syscall wrapper replaced with typed arguments',
    description: 'Arch syscall entry points (`__x64_sys_*`, `__arm64_sys_*`, ...) take one struct pt_regs *; a replacement that takes the typed arguments reads them wrongly.' },
  { code: 'KLP063', severity: 'info', scope: 'module', title: 'new static local in a replacement function',
    description: 'A (non-const) static local in a replacement is a new variable, not the original function\'s: its value starts over.' },
  // What could not be checked
  { code: 'KLP080', severity: 'info', scope: 'module', title: 'part of the source could not be read',
    description: 'A syntax error or a generator template placeholder (`@@NAME@@`): the table holding it is not checked as written, and the checks that need the whole module do not run.' },
  { code: 'KLP082', severity: 'info', scope: 'module', title: 'patch built at run time',
    description: 'A klp_patch filled in (or allocated) by the init code: what is assigned is read where possible; the checks that need static tables could not run, said once per module.' },
  { code: 'KLP081', severity: 'info', scope: 'module', title: 'written for the register API',
    description: 'klp_register_patch(): the register/enable API of kernels before 5.1, or an openEuler register-only livepatch enabled later through sysfs; said once, with the rules that do not apply.' },
];

const BY_CODE = new Map(RULES.map((r) => [r.code, r]));

export function ruleInfo(code: string): RuleInfo | undefined {
  return BY_CODE.get(code);
}
