// textDocument/hover: what a klp_* field means and what the kernel does with it; on an
// old_name, that function's history across the series; on a state id, its versions across
// the series; on a callback, when the kernel calls it and when it does not. The texts are
// our own summaries of the semantics document.
import type { Hover, HoverParams, MarkupContent } from 'vscode-languageserver/node';
import { MarkupKind } from 'vscode-languageserver/node';
import type { KlpObject, KlpState, ModuleModel } from '../../core/src/model';
import { type ServerContext, seriesModels, wordAt } from './context';
import { carriedStates, CallbackSlot, patchedFunctions, patchOfObject, replaces, StructName, targetAt, Target } from './navigate';
import { uriToPath } from './uris';
import { stateApiHover } from './hoverStateApi';

const FIELDS: Record<StructName, Record<string, string>> = {
  klp_patch: {
    mod: 'The livepatch module itself (`THIS_MODULE`). Required: `klp_enable_patch()` returns -EINVAL without it. While the patch is enabled the livepatch core holds a reference on this module, so it cannot be removed until the patch is disabled or replaced.',
    objs: 'The array of `klp_object`s: one per patched binary (vmlinux or a module), ended by an empty `{ }` entry. Required (-EINVAL when NULL).',
    states: 'Optional array of `klp_state`s: system states this patch introduces or takes over, ended by an entry with id 0. When the patch is loaded, every state of the already installed patches is checked against it: a cumulative patch must carry each one with at least the same version, otherwise loading fails with -EINVAL ("not compatible with the already installed livepatches").',
    replace: 'Cumulative ("atomic replace") patch. When true, enabling this patch replaces every patch installed before it: functions they patched that this one does not are reverted to the original code with NOPs during the transition, and once the transition completes the old patches are disabled and freed **without running any of their callbacks**.',
  },
  klp_object: {
    name: 'The patched binary: a module name, or NULL/absent for vmlinux (never the string "vmlinux"). Names must be shorter than 56 characters. A module object is only patched while that module is loaded; if it loads later, the patch is applied to it before its init function runs.',
    funcs: 'The array of `klp_func`s for this binary, ended by an empty `{ }` entry. Required (-EINVAL when NULL); an array holding only the terminator is legal.',
    callbacks: 'Per-object callbacks (`pre_patch`, `post_patch`, `pre_unpatch`, `post_unpatch`), each taking `struct klp_object *`. They run only while the object is loaded, and never for a patch that is replaced by a cumulative patch.',
  },
  klp_func: {
    old_name: 'Name of the function to replace, as in kallsyms. Required. Must be unique in its object unless `old_sympos` selects an occurrence; otherwise enabling fails with "unresolvable ambiguity".',
    new_func: 'The replacement. Called instead of the original (with the same arguments) once a task has switched to the patched state; must have the same prototype. Required.',
    old_sympos: 'Which occurrence of a duplicated symbol name to patch (1-based, in kallsyms order). 0 or absent means the name must be unique in the object.',
  },
  klp_state: {
    id: 'Identifier of the system state (non-zero: id 0 ends the array). Callbacks and later patches find the state by this id (`klp_get_state()`, `klp_get_prev_state()`).',
    version: 'Version of the state. A patch may only be loaded if, for every state of the installed patches it carries, its version is at least the installed one; a cumulative patch must carry all of them.',
    data: 'Opaque pointer for the patch author; the kernel never reads it.',
    callbacks: 'Proposed API (not upstream): callbacks tied to the state, run only when the state is introduced or removed, not when a cumulative patch carries it over.',
    is_shadow: 'Proposed API (not upstream): shadow variables with the same id live as long as the state and are freed after its `post_unpatch`.',
    block_disable: 'Proposed API (not upstream): the patch cannot be disabled, and a cumulative patch that drops the state is refused.',
  },
  klp_callbacks: {},
};

const CALLBACKS: Record<CallbackSlot, string> = {
  pre_patch: 'Runs before the object is patched, when the patch is enabled (and when the target module loads later). Returning non-zero aborts: enabling fails with that error (or the module refuses to load), and `post_unpatch` will not run for this object.',
  post_patch: 'Runs after the patching transition has completed, when every task runs the new code (and right after patching a module that loads later, unless the patch is still in transition).',
  pre_unpatch: 'Runs when the patch is disabled, before the unpatching transition starts (and before a patched module goes away, unless the patch is in transition).',
  post_unpatch: 'Runs after the unpatching transition has completed, when no task runs the new code any more; only if `pre_patch` succeeded (or is absent). Also runs when enabling fails after `pre_patch` succeeded, and when a patched module unloads.',
  shadow_dtor: 'Proposed API (not upstream): destructor for the shadow variables of this state, called when they are freed with the state.',
};

const NEVER = 'It is **not** called when this patch is replaced by a cumulative patch (replaced patches get no callbacks at all), nor for an object whose module is not loaded, nor at a transition reversal.';

function md(lines: string[]): MarkupContent {
  return { kind: MarkupKind.Markdown, value: lines.filter((l) => l).join('\n\n') };
}

function objectLabel(o: KlpObject | undefined): string {
  return o?.name ?? 'vmlinux';
}

/** What each patch of the series does to function OBJECT:NAME. */
function functionHistory(ctx: ServerContext, key: string, object: string, name: string, sympos: number): string[] {
  const series = seriesModels(ctx, key);
  if (series.length < 2) return [];
  const rows: string[] = [];
  let everPatched = false;
  for (const s of series) {
    const mine = patchedFunctions(s.model).find((f) => f.object === object && f.name === name && f.sympos === (sympos <= 1 ? 0 : sympos));
    const rep = replaces(s.model);
    let what: string;
    if (mine) {
      what = everPatched ? `re-patched with \`${mine.func.newFunc ?? '?'}\`` : `patched with \`${mine.func.newFunc ?? '?'}\``;
      everPatched = true;
    } else if (everPatched && rep) {
      what = 'reverted to the original code (NOP during the transition)';
      everPatched = false;
    } else if (everPatched) {
      what = 'not touched (the earlier patch stays active below it)';
    } else what = '—';
    rows.push(`| \`${s.name}\`${s.key === key ? ' (this)' : ''} | ${rep === undefined ? '?' : rep ? 'yes' : 'no'} | ${what} |`);
  }
  return [`**History of \`${object}:${name}\` in the series**`, ['| patch | replace | this function |', '|---|---|---|', ...rows].join('\n')];
}

/** Versions of state ID across the series. */
function stateHistory(ctx: ServerContext, key: string, id: number | undefined): string[] {
  if (id === undefined) return [];
  const series = seriesModels(ctx, key);
  if (series.length < 2) return [];
  const rows = series.map((s) => {
    const st = carriedStates(s.model).find((x) => x.id === id);
    const rep = replaces(s.model);
    return `| \`${s.name}\`${s.key === key ? ' (this)' : ''} | ${rep === undefined ? '?' : rep ? 'yes' : 'no'} | ${st ? `version ${st.version}` : 'not carried'} |`;
  });
  return [`**State ${id} across the series**`, ['| patch | replace | state |', '|---|---|---|', ...rows].join('\n')];
}

function stateSummary(s: KlpState): string {
  return `\`klp_state\` id **${s.id ?? s.idText ?? '?'}**${s.idText && s.id !== undefined && s.idText !== String(s.id) ? ` (\`${s.idText}\`)` : ''}, version **${s.version}**`;
}

function hoverFor(ctx: ServerContext, key: string, model: ModuleModel, t: Target): MarkupContent | undefined {
  // Under the proposed state-callbacks API (semantics §12) callbacks, states and shadow ids mean other things.
  const proposal = stateApiHover(ctx, key, model, t);
  if (proposal) return proposal;
  switch (t.kind) {
    case 'field': {
      const text = FIELDS[t.struct][t.field];
      return text ? md([`**\`${t.struct}.${t.field}\`**`, text]) : undefined;
    }
    case 'patch': {
      const rep = replaces(model);
      return md([`**\`struct klp_patch ${t.patch.name}\`** — livepatch \`${model.name}\``, rep ? 'Cumulative: replaces every patch installed before it.' : rep === false ? 'Not cumulative: stacks on top of the patches installed before it.' : '`.replace` is set at run time.', FIELDS.klp_patch.replace]);
    }
    case 'old_name': {
      const f = t.func;
      const object = objectLabel(t.object);
      const originals = ctx.analyzer.functions(f.oldName ?? '').filter((fn) => !fn.isPrototype && !ctx.index.indexedModulesOf(fn.file).some((m) => m.key === key));
      return md([
        `**\`${object}:${f.oldName}\`**${f.oldSympos ? ` (occurrence ${f.oldSympos})` : ''} → \`${f.newFunc ?? '?'}\``,
        FIELDS.klp_func.old_name,
        originals.length ? `Original: \`${originals[0].file.slice(originals[0].file.lastIndexOf('/') + 1)}:${originals[0].range.start.line + 1}\` (go to definition)` : '',
        ...functionHistory(ctx, key, object, f.oldName ?? '', f.oldSympos),
      ]);
    }
    case 'new_func': {
      const fn = model.functions[t.name];
      const proto = fn ? `\`${fn.returnType} ${fn.name}(${fn.params.map((p) => p.type + (p.name ? ' ' + p.name : '')).join(', ')})\`` : `\`${t.name}\` (not defined in this module)`;
      return md([`**replacement for \`${t.func.oldName ?? '?'}\`**: ${proto}`, FIELDS.klp_func.new_func]);
    }
    case 'callback': {
      const where = t.object
        ? t.object.name
          ? `Object \`${t.object.name}\` is a module: this callback runs only while \`${t.object.name}\` is loaded; if it loads after the patch, the callbacks run then (pre_patch/post_patch), and when it unloads (pre_unpatch/post_unpatch).`
          : 'Object vmlinux: always loaded, so this callback runs at every enable/disable of the patch.'
        : 'State callback (proposed API): runs only when this patch introduces or removes the state, not when a cumulative patch carries it over.';
      const patch = patchOfObject(model, t.object);
      const rep = replaces(model);
      return md([
        `**\`${t.slot}\`** callback${t.name ? ` → \`${t.name}\`` : ''}${patch ? ` of patch \`${model.name}\`` : ''}`,
        CALLBACKS[t.slot],
        where,
        NEVER + (rep ? ' This patch is cumulative: when it replaces older patches, their callbacks do not run either, so whatever they would undo must be taken over here.' : ''),
      ]);
    }
    case 'state-id':
      return md([stateSummary(t.state), FIELDS.klp_state.id, ...stateHistory(ctx, key, t.state.id)]);
    case 'state-call-id':
      return md([`\`${t.call.fn}\` with state id **${t.call.id ?? t.call.idText}**`, t.call.fn === 'klp_get_prev_state' ? 'Returns the state of the newest already installed patch that carries this id, or NULL; only meaningful inside callbacks during a transition.' : 'Returns this patch\'s `klp_state` with the id, or NULL when the patch declares none.', ...stateHistory(ctx, key, t.call.id)]);
    case 'shadow-id':
      return md([`shadow variable id **${t.call.id ?? t.call.idText}** (\`klp_shadow_${t.call.op}\`)`, 'Shadow variables are keyed by <object pointer, id> in one global table shared by all patches: an id must mean the same data (same size and type) in every patch of a series, and something must free it (`klp_shadow_free`/`klp_shadow_free_all`), typically in `post_unpatch` of the patch — or of a later cumulative patch that takes it over.']);
  }
}

export function hover(ctx: ServerContext, p: HoverParams): Hover | null {
  const path = uriToPath(p.textDocument.uri);
  if (!path) return null;
  const word = wordAt(ctx, path, p.position)?.word;
  for (const { module, model } of ctx.analyzer.modelsOf(path)) {
    const t = targetAt(model, path, p.position, word);
    if (!t) continue;
    const contents = hoverFor(ctx, module.key, model, t);
    if (contents) return { contents };
  }
  return null;
}
