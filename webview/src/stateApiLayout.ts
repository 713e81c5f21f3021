// Timeline layout of the proposed state-callbacks API (semantics §12; runs with an
// `api-level` event): a "state callbacks" lane per patch and state id under the patch,
// holding a marker per state callback (run, or present and not run and why), and a shadow
// lane per is_shadow id holding its lifetime (bound when the state is introduced, freed
// with the state). layout.ts calls this for `state-callback` and `shadow-lifetime` events
// and leaves the ids listed by stateManagedShadowIds to it.
import type { SimEvent, SourceRef } from '../../core/src/sim/events';
import type { Item, Lane } from './layout';

type StateCallbackEvent = Extract<SimEvent, { kind: 'state-callback' }>;
type ShadowLifetimeEvent = Extract<SimEvent, { kind: 'shadow-lifetime' }>;
type Fields = Omit<Item, 'id' | 'lane' | 'marker' | 'start' | 'end'>;

/** What layout.ts lends: its lane builder, the patch lanes, source refs, failed commands. */
export interface StateApiLayoutHost {
  builder: {
    lane(id: string, init: () => Omit<Lane, 'id' | 'items' | 'sources' | 'patches'> & { patches?: string[] }): Lane;
    marker(l: Lane, slot: number, fields: Fields): Item;
    interval(l: Lane, slot: number, fields: Fields): Item;
    close(laneId: string, slot: number): Item | undefined;
    addSources(l: Lane, srcs: SourceRef[]): void;
  };
  patchLane(p: string): Lane;
  refs(e: SimEvent, ...roles: SourceRef['role'][]): SourceRef[];
  failedCommands: Set<number>;
}

export const STATE_CALLBACK_SKIP_TEXT: Record<string, string> = {
  'in-other-patches': 'another installed patch has the state (carried over: no callbacks)',
  'pre-patch-not-succeeded': 'the state\'s pre_patch did not succeed (rollback)',
};

const idText = (id: number) => (id > 0xffff ? `0x${id.toString(16)}` : String(id));

/** Shadow ids whose lifetime is_shadow states decide in this run (not the static heuristics). */
export function stateManagedShadowIds(events: readonly SimEvent[]): Set<number> {
  const out = new Set<number>();
  for (const e of events) if (e.kind === 'shadow-lifetime') out.add(e.id);
  return out;
}

/** Draws one `state-callback` or `shadow-lifetime` event at SLOT. */
export function stateApiItem(e: StateCallbackEvent | ShadowLifetimeEvent, slot: number, seq: number, host: StateApiLayoutHost): void {
  const b = host.builder;
  if (e.kind === 'state-callback') {
    host.patchLane(e.patch);
    const l = b.lane(`scb:${e.patch}:${e.state}`, () => ({ section: 'patches', label: `state ${idText(e.state)}`, sub: 'state callbacks', child: true, patches: [e.patch] }));
    b.addSources(l, host.refs(e, 'state'));
    const short = e.callback.replace('_patch', '').replace('_unpatch', '');
    const detail: string[] = [];
    if (e.line) detail.push(e.line);
    detail.push(`state callback: ${e.callback} → ${e.cFunction}()`);
    if (e.role === 'replaced') detail.push('called as a replaced patch: the new cumulative patch does not carry this state');
    if (e.returned !== undefined) detail.push(`returned ${e.returned}`);
    if (e.skipped) detail.push(`not run: ${STATE_CALLBACK_SKIP_TEXT[e.skipped] ?? e.skipped}`);
    b.marker(l, slot, {
      kind: e.skipped ? 'callback-skipped' : 'callback',
      label: `${short}${e.callback.endsWith('unpatch') ? '·u' : ''}`,
      title: `${e.callback}${e.skipped ? ' (not run)' : ''} — ${e.patch} / state ${idText(e.state)}`,
      detail, patch: e.patch, seq, sources: host.refs(e, 'callback'),
    });
    if (e.returned !== undefined && e.returned !== 0) host.failedCommands.add(e.command);
    return;
  }
  const l = b.lane(`shadow:${e.id}`, () => ({ section: 'shadow', label: `shadow id ${idText(e.id)}`, sub: 'is_shadow state' }));
  if (e.change === 'bound') {
    b.interval(l, slot, {
      kind: 'shadow-live', label: `bound · state of ${e.patch}`, title: `shadow id ${idText(e.id)}`,
      detail: [`the shadow variables <*, ${idText(e.id)}> live as long as ${e.patch}'s state ${idText(e.id)} (is_shadow)`, 'kept while cumulative patches carry the state over'],
      patch: e.patch, seq, sources: host.refs(e, 'state'),
    });
    b.marker(l, slot, { kind: 'shadow-introduced', label: 'bound', title: `shadow id ${idText(e.id)} bound to its state`, detail: [`${e.patch} introduces state ${idText(e.id)} with is_shadow`], patch: e.patch, seq, sources: host.refs(e, 'state') });
  } else {
    b.close(l.id, slot);
    b.marker(l, slot, {
      kind: 'shadow-freed', label: 'freed', title: `shadow id ${idText(e.id)} freed with its state`,
      detail: [`klp_shadow_free_all(${idText(e.id)}, ${e.dtor ?? 'NULL'}) after the post_unpatch of ${e.patch}'s state`], patch: e.patch, seq, sources: host.refs(e, 'state'),
    });
  }
}
