// System-state rules of one module (KLP040, KLP041, KLP044, KLP045): ids the kernel cannot
// see or tell apart, klp_get_prev_state() outside a transition or not consulted where a
// reversed transition needs it, and state lookups with ids the patch never declares
// (semantics §7). The series rules KLP042/KLP043 live with the series analysis.
import type { KlpArray, KlpState, ModuleModel, StateCall } from '../model';
import { CALLBACK_KINDS, exclusiveBranches } from '../model';
import { calleeRange, definedPatches, reachable, Reporter, where } from './context';

export function stateRules(m: ModuleModel, out: Reporter): void {
  // KLP040, KLP041: ids inside one array.
  for (const a of m.stateArrays) {
    const seen = new Map<string, KlpState[]>();
    for (const s of a.entries) {
      const hasId = s.fields.some((f) => f.field === 'id');
      if (out.on('KLP040') && (s.id === 0 || !hasId)) {
        out.add('KLP040', s.file, s.idRange ?? { start: s.range.start, end: { line: s.range.start.line, character: s.range.start.character + 1 } },
          `${hasId ? 'state id is 0' : 'state has no .id (so its id is 0)'}: id 0 ends the states array, so this state and every one after it are invisible to the kernel. Give it a non-zero id (a named #define).`);
      }
      const key = stateKey(s);
      if (key === undefined || s.id === 0) continue;
      const earlier = seen.get(key) ?? [];
      // States in different branches of one #if are never compiled together.
      const first = earlier.find((e) => !exclusiveBranches(e.conditions, s.conditions));
      if (!earlier.length) seen.set(key, earlier);
      earlier.push(s);
      if (first && out.on('KLP041')) {
        out.add('KLP041', s.file, s.idRange ?? s.range,
          `state id ${describeId(s)} is already declared in '${a.name}'${first.idText && first.idText !== s.idText ? ` as ${describeId(first)}` : ''} (${where(first.file, first.idRange ?? first.range)}): klp_get_state() only ever returns the first one. Remove the duplicate or give it its own id.`,
          { related: [{ file: first.file, range: first.idRange ?? first.range, message: 'first declaration of this id' }] });
      }
    }
  }

  const patches = definedPatches(m);
  const carried = patches.map((p) => m.stateArrays.find((a) => a.name === p.statesRef)).filter((a): a is KlpArray<KlpState> => !!a);

  // Functions that run as callbacks (object and state callbacks, and what they call).
  const roots: string[] = [];
  for (const a of m.objArrays) for (const o of a.entries) for (const k of CALLBACK_KINDS) if (o.callbacks[k]) roots.push(o.callbacks[k]!);
  for (const a of m.stateArrays) for (const s of a.entries) for (const k of CALLBACK_KINDS) if (s.callbacks[k]) roots.push(s.callbacks[k]!);

  // KLP044 (a): klp_get_prev_state() outside a callback path.
  if (out.on('KLP044')) {
    const inCallbacks = reachable(m, roots);
    for (const c of m.stateCalls) {
      if (c.fn !== 'klp_get_prev_state' || !c.inFunction || inCallbacks.has(c.inFunction)) continue;
      const fn = m.functions[c.inFunction];
      out.add('KLP044', c.file, fn ? calleeRangeOf(c) : c.range,
        `klp_get_prev_state() is called from '${c.inFunction}', which no callback calls: outside a transition it warns and returns NULL. Call it from a pre_patch/post_patch/pre_unpatch/post_unpatch callback.`);
    }

    // KLP044 (b): post_unpatch of a state-carrying patch that never looks at the previous state.
    // Only where the state's data can be shared: the module takes it over from the previous
    // patch (it calls klp_get_prev_state() somewhere). A patch that sets up its own data and
    // frees only that in post_unpatch frees nothing another patch uses.
    const takesOver = m.stateCalls.some((c) => c.fn === 'klp_get_prev_state');
    if (takesOver && carried.some((a) => a.entries.length)) {
      const done = new Set<string>();
      for (const a of m.objArrays) {
        for (const o of a.entries) {
          const name = o.callbacks.post_unpatch;
          const r = o.callbacks.ranges.post_unpatch;
          if (!name || !r || done.has(name) || !m.functions[name]) continue;
          done.add(name);
          const fns = reachable(m, [name]);
          if (m.stateCalls.some((c) => c.fn === 'klp_get_prev_state' && c.inFunction && fns.has(c.inFunction))) continue;
          out.add('KLP044', o.file, r,
            `post_unpatch callback '${name}' never calls klp_get_prev_state(), but this patch takes over the state's data from the previous patch: post_unpatch also runs when this patch's transition is reversed, and the previous patch still uses that data then. Check klp_get_prev_state(ID) and leave the data to that patch when it returns non-NULL.`);
        }
      }
    }
  }

  // KLP045: ids the patch does not declare.
  if (out.on('KLP045')) {
    const declared = carried.flatMap((a) => a.entries);
    const unreferenced = m.stateArrays.filter((a) => !carried.includes(a));
    for (const c of m.stateCalls) {
      if (declared.some((s) => sameId(s, c))) continue;
      const inArray = unreferenced.find((a) => a.entries.some((s) => sameId(s, c)));
      const patch = patches[0];
      const msg = inArray && patch
        ? `state ${c.idText} is declared in '${inArray.name}', but klp_patch '${patch.name}' does not point .states at it: ${c.fn}() returns NULL. Set .states = ${inArray.name} in the patch.`
        : `no klp_state of this patch has id ${c.idText}${c.id !== undefined && String(c.id) !== c.idText ? ` (${c.id})` : ''}: ${c.fn}() returns NULL. Declare the state in the patch's .states array, or use the id it declares.`;
      out.add('KLP045', c.file, c.idRange, msg);
    }
  }
}

function describeId(s: KlpState): string {
  const text = s.idText?.trim() ?? '?';
  return s.id !== undefined && String(s.id) !== text ? `${text} (${s.id})` : text;
}

function stateKey(s: KlpState): string | undefined {
  return s.id !== undefined ? `#${s.id}` : s.idText !== undefined ? `t:${s.idText.trim()}` : undefined;
}

function sameId(s: KlpState, c: StateCall): boolean {
  if (s.id !== undefined && c.id !== undefined) return s.id === c.id;
  return s.idText !== undefined && s.idText.trim() === c.idText.trim();
}

function calleeRangeOf(c: StateCall) {
  return calleeRange({ callee: c.fn, args: [], argRanges: [], range: c.range });
}
