// The series rule of klp-build patches (KLP114): klp-build's init.c declares no klp_state,
// so a cumulative patch cannot learn from the kernel what an earlier patch's callbacks
// already set up. When a patch of the series has a pre_patch/post_patch callback for an
// object whose setup an earlier patch's callback already did, the upgrade runs it again over
// a machine where it was done, and nothing tells the callback so. Pure: a report in.
import type { Finding } from '../findings';
import type { SeriesReport } from '../series/analyze';
import { patchAnalysisOf } from './series';

const SETUP = new Set(['pre_patch', 'post_patch']);

export function klpBuildSeriesFindings(report: SeriesReport): Finding[] {
  const out: Finding[] = [];
  report.patches.forEach((p, i) => {
    if (!patchAnalysisOf(p.model) || !p.replace) return;
    for (const cb of p.callbacks) {
      if (!SETUP.has(cb.kind)) continue;
      const earlier = report.patches.slice(0, i).reverse().find((q) => q.callbacks.some((c) => c.object === cb.object && SETUP.has(c.kind)));
      if (!earlier) continue;
      const prev = earlier.callbacks.find((c) => c.object === cb.object && SETUP.has(c.kind))!;
      out.push({
        code: 'KLP114', severity: 'warning', file: cb.loc.file, range: p.model.objArrays[0]?.entries.find((o) => (o.name ?? 'vmlinux') === cb.object)?.callbacks.ranges[cb.kind] ?? cb.loc.range,
        message: `${p.module}'s ${cb.kind} callback '${cb.fn}' for ${cb.object} runs again when ${p.module} replaces ${earlier.module}, whose ${prev.kind} callback '${prev.fn}' already ran on that machine: a hand-written livepatch would carry a klp_state (klp_get_prev_state) to know, but klp-build's init.c declares none. Make '${cb.fn}' safe to run twice (check what is already set up)`,
        related: [{ file: prev.loc.file, range: prev.loc.range, message: `${earlier.module}'s ${prev.kind} callback` }],
      });
    }
  });
  return out;
}
