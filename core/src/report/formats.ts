// Output formats of findings for the CLI and CI: gcc-style text (read by editors' and CI
// problem matchers), a JSON array, and SARIF 2.1.0 for code-scanning upload.
import type { Finding, Severity } from '../findings';
import { VERSION } from '../version';

export interface RuleInfo {
  code: string;
  severity: Severity;
  title: string;
  description?: string;
}

/** How paths are shown: relative to the working directory when inside it. */
export type PathDisplay = (file: string) => string;

const GCC_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** `FILE:LINE:COL: error|warning|note: MESSAGE [KLP0NN]`, 1-based. */
export function formatText(findings: Finding[], show: PathDisplay): string {
  return findings
    .map((f) => `${show(f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${GCC_SEVERITY[f.severity]}: ${f.message} [${f.code}]\n` +
      (f.related ?? []).map((r) => `${show(r.file)}:${r.range.start.line + 1}:${r.range.start.character + 1}: note: ${r.message}\n`).join(''))
    .join('');
}

export function formatJson(findings: Finding[], show: PathDisplay): string {
  const rows = findings.map((f) => ({
    file: show(f.file),
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    severity: f.severity,
    code: f.code,
    message: f.message,
    ...(f.related?.length ? { related: f.related.map((r) => ({ file: show(r.file), line: r.range.start.line + 1, column: r.range.start.character + 1, message: r.message })) } : {}),
  }));
  return JSON.stringify(rows, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export function formatSarif(findings: Finding[], show: PathDisplay, rules: readonly RuleInfo[]): string {
  const used = new Set(findings.map((f) => f.code));
  const ruleList: RuleInfo[] = rules.filter((r) => used.has(r.code));
  for (const code of used) if (!ruleList.some((r) => r.code === code)) ruleList.push({ code, severity: 'warning', title: code });
  ruleList.sort((a, b) => (a.code < b.code ? -1 : 1));
  const index = new Map(ruleList.map((r, i) => [r.code, i]));
  const region = (r: Finding['range']) => ({ startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'klp-studio',
          version: VERSION,
          informationUri: 'https://example.invalid/klp-studio',
          rules: ruleList.map((r) => ({
            id: r.code,
            name: r.title.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').map((w) => w[0].toUpperCase() + w.slice(1)).join(''),
            shortDescription: { text: r.title },
            ...(r.description ? { fullDescription: { text: r.description } } : {}),
            defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
          })),
        },
      },
      results: findings.map((f) => ({
        ruleId: f.code,
        ruleIndex: index.get(f.code),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: show(f.file) }, region: region(f.range) } }],
        ...(f.related?.length ? { relatedLocations: f.related.map((r, i) => ({ id: i, message: { text: r.message }, physicalLocation: { artifactLocation: { uri: show(r.file) }, region: region(r.range) } })) } : {}),
      })),
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
