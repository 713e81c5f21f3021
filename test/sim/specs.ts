// Module specs built in code for the simulator's unit and property tests (no C involved).
import type { SimModuleSpec, SimObjectSpec } from '../../core/src/sim/spec';

const cbs = (prefix: string, pre: SimObjectSpec['callbacks']['pre_patch'] extends infer T ? T : never = undefined): SimObjectSpec['callbacks'] => ({
  pre_patch: pre ?? { cFunction: `${prefix}_pre_patch`, returns: { kind: 'const', value: 0 } },
  post_patch: { cFunction: `${prefix}_post_patch`, returns: { kind: 'const', value: 0 } },
  pre_unpatch: { cFunction: `${prefix}_pre_unpatch`, returns: { kind: 'const', value: 0 } },
  post_unpatch: { cFunction: `${prefix}_post_unpatch`, returns: { kind: 'const', value: 0 } },
});

/** A livepatch: objects map object name (null = vmlinux) to patched function names. */
export function livepatch(name: string, objs: [string | null, string[]][], opts: { replace?: boolean | 'param'; states?: [number, number][]; preRetParam?: boolean } = {}): SimModuleSpec {
  return {
    name, hasSources: true, livepatchMarker: true, notes: [],
    params: [
      { name: 'pre_ret', type: 'int', initial: '0', readable: true, writable: true },
      { name: 'replace', type: 'bool', initial: 'N', readable: true, writable: false },
    ],
    patch: {
      valid: true,
      replace: opts.replace === 'param' ? { kind: 'param', name: 'replace' } : { kind: 'const', value: opts.replace ? 1 : 0 },
      states: (opts.states ?? []).map(([id, version]) => ({ id, version })),
      shadow: { alloc: [], free: [], get: [] },
      objs: objs.map(([o, fns]) => ({
        name: o,
        funcs: fns.map((f) => ({ oldName: f, newFunc: `${name}_${f}`, hasNewFunc: true, sympos: 0 })),
        callbacks: cbs(o ?? 'vmlinux', opts.preRetParam ? { cFunction: `${o ?? 'vmlinux'}_pre_patch`, returns: { kind: 'param', name: 'pre_ret' } } : undefined),
      })),
    },
  };
}

export function plain(name: string): SimModuleSpec {
  return { name, hasSources: true, livepatchMarker: false, params: [], notes: [] };
}

/** The module set the property tests draw from. */
export function moduleSet(): Map<string, SimModuleSpec> {
  const m = new Map<string, SimModuleSpec>();
  m.set('p1', livepatch('p1', [[null, ['f1', 'f2']], ['moda', ['ma1']]], { states: [[1, 1]], preRetParam: true }));
  m.set('p2', livepatch('p2', [[null, ['f2', 'f3']], ['modb', ['mb1']]], { replace: true, states: [[1, 2]] }));
  m.set('p3', livepatch('p3', [[null, ['f1']]], { replace: 'param' }));
  m.set('p4', livepatch('p4', [['moda', ['ma1', 'ma2']], ['modb', []]], { replace: true, states: [[1, 2], [2, 1]], preRetParam: true }));
  m.set('moda', plain('moda'));
  m.set('modb', plain('modb'));
  return m;
}
