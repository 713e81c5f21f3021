// A finding is what a rule reports: the core's diagnostic, independent of LSP and of the
// CLI's output formats (both adapt it). Fixes are plain text edits.
import type { Range } from './model';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix a user most likely wants (LSP `isPreferred`). */
  preferred?: boolean;
}

export interface RelatedInfo {
  file: string;
  range: Range;
  message: string;
}

export interface Finding {
  /** Stable rule code, `KLP0NN`. */
  code: string;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
  related?: RelatedInfo[];
  fixes?: Fix[];
  /** LSP diagnostic tags. */
  tags?: ('unnecessary' | 'deprecated')[];
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/** Sorts by file, then position, then code: the order every output uses. */
export function sortFindings(list: Finding[]): Finding[] {
  return [...list].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      ORDER[a.severity] - ORDER[b.severity],
  );
}
