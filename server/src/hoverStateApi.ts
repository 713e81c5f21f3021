// Hover under the proposed state-callbacks API (semantics §12; setting klpStudio.kernelApi,
// or a module whose klp_state entries use .callbacks/.is_shadow/.block_disable): when a
// state callback runs under the proposal, that object callbacks never run, what is_shadow
// and block_disable do, and the state's life across the series (introduced, carried over,
// dropped). ./hover.ts asks here first and keeps its upstream texts otherwise.
import type { MarkupContent } from 'vscode-languageserver/node';
import { MarkupKind } from 'vscode-languageserver/node';
import type { KlpState, ModuleModel } from '../../core/src/model';
import { effectiveApiLevel, patchStates } from '../../core/src/rules/stateApi';
import { type ServerContext, seriesModels } from './context';
import { replaces, type CallbackSlot, type Target } from './navigate';

const md = (lines: string[]): MarkupContent => ({ kind: MarkupKind.Markdown, value: lines.filter((l) => l).join('\n\n') });
const hex = (id: number) => (id > 0xffff ? `0x${id.toString(16)}` : String(id));
const label = (s: KlpState) => `${s.idText?.trim() ?? '?'}${s.id !== undefined && s.idText?.trim() !== String(s.id) && s.idText?.trim() !== hex(s.id) ? ` (${hex(s.id)})` : ''}`;
const PROPOSAL = 'Proposed state-callbacks API (semantics §12, not merged)';

const STATE_CALLBACK: Record<CallbackSlot, string> = {
  pre_patch: 'Runs when this patch is enabled and **introduces** the state (no other installed patch has its id): right after `initializing patching transition`, before any function is patched. A non-zero return fails the enable with that value; the rollback then runs `post_unpatch` only for the states whose `pre_patch` succeeded.',
  post_patch: 'Runs when the patching transition completes, for a state this patch introduced. When a cumulative upgrade that would drop the state is cancelled or reversed, it runs again in this (replaced) patch.',
  pre_unpatch: 'Runs when the state is **removed**: when this patch is disabled and no other installed patch has the state (before `starting unpatching transition`), or when a cumulative patch that drops the state is enabled while this patch is installed (it is then called as a replaced patch).',
  post_unpatch: 'Runs when the removal completes (the disable, or the cumulative upgrade that drops the state), and in the rollback of a failed or reversed enable — only if the state\'s `pre_patch` succeeded.',
  shadow_dtor: 'With `.is_shadow = true`, called for every shadow variable `<*, id>` when the state is removed, right after its `post_unpatch` (`klp_shadow_free_all(id, shadow_dtor)`).',
};

/** The state's life across the series, in series order (each patch assumed accepted). */
function stateLife(ctx: ServerContext, key: string, id: number | undefined): string[] {
  if (id === undefined) return [];
  const series = seriesModels(ctx, key);
  if (series.length < 2) return [];
  const rows: string[] = [];
  let holders: string[] = [];
  for (const s of series) {
    const has = patchStates(s.model).find((x) => x.id === id);
    const rep = replaces(s.model);
    let what: string;
    if (has && !holders.length) what = 'introduces it: its `pre_patch`/`post_patch` run';
    else if (has) what = `carries it over from ${holders.map((h) => `\`${h}\``).join(', ')}: no callback runs, shadow variables kept`;
    else if (holders.length && rep) what = `drops it: ${holders.map((h) => `\`${h}\``).join(', ')}'s \`pre_unpatch\`/\`post_unpatch\` run${patchStates(series.find((x) => x.name === holders[holders.length - 1])!.model).some((x) => x.id === id && x.isShadow) ? ', then its shadow variables are freed' : ''}`;
    else what = holders.length ? 'leaves it to the patches below' : '—';
    if (has?.blockDisable) what += ' (block_disable)';
    rows.push(`| \`${s.name}\`${s.key === key ? ' (this)' : ''} | ${rep === undefined ? '?' : rep ? 'yes' : 'no'} | ${what} |`);
    holders = has ? (rep ? [s.name] : [...holders, s.name]) : rep ? [] : holders;
  }
  return [`**State ${hex(id)} across the series** (upgrade path)`, ['| patch | replace | under the proposal |', '|---|---|---|', ...rows].join('\n')];
}

function flags(s: KlpState): string[] {
  return [
    s.isShadow ? `\`.is_shadow\`: the shadow variables \`<*, ${label(s)}>\` live as long as the state; they are freed${s.callbacks.shadow_dtor ? ` with \`${s.callbacks.shadow_dtor}\`` : ''} when it is removed, and kept while a cumulative patch carries it over.` : '',
    s.blockDisable ? '`.block_disable`: `echo 0 > enabled` is refused ("does not support disable"), and a cumulative patch that does not carry the state is refused. So its `pre_unpatch` never runs.' : '',
  ];
}

/** Hover text under the proposal, or undefined (then ./hover.ts answers). */
export function stateApiHover(ctx: ServerContext, key: string, model: ModuleModel, t: Target): MarkupContent | undefined {
  if (effectiveApiLevel(model, ctx.analyzer.settings.kernelApi) !== 'state-callbacks') return undefined;
  switch (t.kind) {
    case 'callback': {
      if (t.object) {
        const mod = t.object.name;
        return md([
          `**\`${t.slot}\`** object callback${t.name ? ` → \`${t.name}\`` : ''} — ${PROPOSAL}`,
          `Per-object callbacks do not exist in the proposal: this one **never runs** — not at enable or disable${mod ? `, not when \`${mod}\` loads or unloads` : ''} (KLP070). Move its work to the callbacks of a \`klp_state\`.`,
        ]);
      }
      const s = t.state;
      if (!s) return undefined;
      const never = t.slot === 'shadow_dtor' && !s.isShadow
        ? 'This state has no `.is_shadow = true`: the destructor is **never called** (KLP073).'
        : t.slot === 'pre_unpatch' && s.blockDisable ? 'This state has `.block_disable`: the patch cannot be disabled and every cumulative successor must carry the state, so this **never runs** (KLP074).' : '';
      return md([
        `**\`${t.slot}\`** of state ${label(s)}${t.name ? ` → \`${t.name}\`` : ''} — ${PROPOSAL}`,
        STATE_CALLBACK[t.slot],
        never,
        t.slot !== 'shadow_dtor' ? 'It does **not** run when a patch is loaded over one that already has the state (carried over), nor for the carried state when this patch is replaced by one that keeps it.' : '',
        ...flags(s).filter(() => t.slot === 'shadow_dtor' || t.slot === 'post_unpatch'),
        ...stateLife(ctx, key, s.id),
      ]);
    }
    case 'state-id': {
      const s = t.state;
      return md([
        `\`klp_state\` id **${label(s)}** — ${PROPOSAL}`,
        'The state is introduced by the first installed patch that has its id (its `pre_patch`/`post_patch` run) and removed when the last one goes (its `pre_unpatch`/`post_unpatch` run); patches in between carry it over without callbacks. `.version` plays no part in compatibility.',
        ...flags(s),
        ...stateLife(ctx, key, s.id),
      ]);
    }
    case 'shadow-id': {
      const s = patchStates(model).find((x) => x.isShadow && x.id !== undefined && x.id === t.call.id);
      if (!s) return undefined;
      return md([
        `shadow variable id **${t.call.id !== undefined ? hex(t.call.id) : t.call.idText}** (\`klp_shadow_${t.call.op}\`) — ${PROPOSAL}`,
        `State ${label(s)} has \`.is_shadow\`: these variables are freed by the kernel${s.callbacks.shadow_dtor ? ` (with \`${s.callbacks.shadow_dtor}\`)` : ''} when the state is removed, and kept while a cumulative patch carries it over.${t.call.op === 'free_all' ? ' This `klp_shadow_free_all()` is redundant (KLP072).' : ''}`,
      ]);
    }
    default:
      return undefined;
  }
}
