// Reads the extension's settings (prefix `klpStudio.`; declared in package.json "contributes.
// configuration"): per-rule severity overrides, transcript debug lines, the maximum size of a
// file sent to the server, the series file. `klpStudio.trace.server` is read by
// vscode-languageclient itself.
import * as vscode from 'vscode';

export const SECTION = 'klpStudio';

/** A severity a user may give a rule code; `off` hides the rule's diagnostics. */
export type SeverityOverride = 'error' | 'warning' | 'information' | 'hint' | 'off';

const SEVERITIES: Record<Exclude<SeverityOverride, 'off'>, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** `klpStudio.rules.severity` for a document: rule code (KLP020) → override. Bad entries are ignored. */
export function severityOverrides(scope?: vscode.Uri): Map<string, SeverityOverride> {
  const raw = vscode.workspace.getConfiguration(SECTION, scope).get<Record<string, unknown>>('rules.severity') ?? {};
  const out = new Map<string, SeverityOverride>();
  for (const [code, value] of Object.entries(raw)) {
    const v = typeof value === 'string' ? value.toLowerCase() : '';
    const norm = v === 'info' ? 'information' : v;
    if (norm === 'off' || norm in SEVERITIES) out.set(code.toUpperCase(), norm as SeverityOverride);
  }
  return out;
}

/** The diagnostic code as a string (LSP codes may be numbers or `{ value, target }`). */
export function diagnosticCode(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return String(typeof c === 'object' ? c.value : c);
}

/** Applies the overrides: changes severities, drops `off` rules. Diagnostics without an override pass unchanged. */
export function applySeverityOverrides(diags: readonly vscode.Diagnostic[], overrides: Map<string, SeverityOverride>): vscode.Diagnostic[] {
  if (overrides.size === 0) return [...diags];
  const out: vscode.Diagnostic[] = [];
  for (const d of diags) {
    const code = diagnosticCode(d);
    const o = code ? overrides.get(code.toUpperCase()) : undefined;
    if (o === 'off') continue;
    if (o) d.severity = SEVERITIES[o];
    out.push(d);
  }
  return out;
}

/** `klpStudio.simulate.debug`: keep the pr_debug lines in transcripts. */
export function simulateDebug(scope?: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration(SECTION, scope).get<boolean>('simulate.debug', true);
}

/** `klpStudio.maxFileSize` in bytes (UTF-16 units of the open document); 0 = no limit. */
export function maxFileSize(scope?: vscode.Uri): number {
  const kb = vscode.workspace.getConfiguration(SECTION, scope).get<number>('maxFileSizeKB', 2048);
  return kb > 0 ? kb * 1024 : 0;
}
