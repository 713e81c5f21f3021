// The series overview matrix for the language server's `klp/seriesOverview` request and
// the timeline: per function, what each patch of the series does to it; per state id,
// the version each patch carries. Pure.
import type { FunctionStep, SeriesReport } from './analyze';

export type OverviewStep = FunctionStep | 'absent';

export interface SeriesOverviewMatrix {
  patches: string[];
  functions: { object: string; function: string; steps: OverviewStep[] }[];
  states: { id: number; versions: (number | null)[] }[];
}

export function seriesOverview(report: SeriesReport): SeriesOverviewMatrix {
  const patches = report.patches.map((p) => p.module);
  const rows = new Map<string, { object: string; function: string; steps: OverviewStep[] }>();
  report.steps.forEach((step) => {
    for (const f of step.main.functions) {
      const key = `${f.object}\u0000${f.name}${f.sympos ? `,${f.sympos}` : ''}`;
      let row = rows.get(key);
      if (!row) { row = { object: f.object, function: f.name + (f.sympos ? `,${f.sympos}` : ''), steps: patches.map(() => 'absent' as OverviewStep) }; rows.set(key, row); }
      row.steps[step.index] = f.status;
    }
  });
  const ids = [...new Set(report.patches.flatMap((p) => p.states.map((s) => s.id)))].sort((a, b) => a - b);
  return {
    patches,
    functions: [...rows.values()],
    states: ids.map((id) => ({ id, versions: report.patches.map((p) => p.states.find((s) => s.id === id)?.version ?? null) })),
  };
}
