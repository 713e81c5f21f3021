// What the timeline (webview and HTML export) is given: one simulator run and a title.
// Shared by the renderer (webview/src), the export builder (document.ts), the CLI and the
// VS Code panel.
import type { SimEvent } from '../sim/events';

export interface TimelineInput {
  /** Scenario path or a generated action ("enable lp_v2"). */
  title: string;
  events: SimEvent[];
  /** Scenario path as given to the simulator, when there is one. */
  scenario?: string;
  exitStatus?: number;
  /** Problems that prevented a run (scenario parse errors, unknown modules). */
  errors?: string[];
}
