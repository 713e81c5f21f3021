// Findings -> LSP diagnostics (textDocument/publishDiagnostics): the rule code, source
// 'klp-studio', related information (the other patch of a series finding), tags. Publishes
// per file and clears files whose findings went away.
import {
  Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, type Connection,
} from 'vscode-languageserver/node';
import type { Finding } from '../../core/src/findings';
import type { UriBook } from './uris';

export const SOURCE = 'klp-studio';

const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries back in code actions (`data`): enough to find its finding again. */
export interface DiagnosticData {
  code: string;
  fixes: number;
}

export function toDiagnostic(f: Finding, uris: UriBook, supportsRelated = true): Diagnostic {
  const d: Diagnostic = {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.code,
    source: SOURCE,
    message: f.message,
  };
  if (f.related?.length) {
    if (supportsRelated) {
      d.relatedInformation = f.related.map((r) => DiagnosticRelatedInformation.create({ uri: uris.uriOf(r.file), range: r.range }, r.message));
    } else {
      // Clients without related information still learn where the other side is.
      d.message += f.related.map((r) => `\n  ${r.message} (${r.file.slice(r.file.lastIndexOf('/') + 1)}:${r.range.start.line + 1})`).join('');
    }
  }
  if (f.tags?.length) d.tags = f.tags.map((t) => (t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated));
  const data: DiagnosticData = { code: f.code, fixes: f.fixes?.length ?? 0 };
  d.data = data;
  return d;
}

export class DiagnosticsPublisher {
  supportsRelated = true;
  /** Files with a non-empty publication (an emptied file gets one empty publication). */
  private readonly nonEmpty = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly uris: UriBook,
    private readonly findingsFor: (path: string) => Finding[],
    private readonly versionOf: (path: string) => number | undefined,
  ) {}

  publish(files: Iterable<string>): void {
    for (const path of files) {
      const findings = this.findingsFor(path);
      const version = this.versionOf(path);
      // Open documents always get a publication (the client learns the analysis ran).
      if (!findings.length && !this.nonEmpty.has(path) && version === undefined) continue;
      if (findings.length) this.nonEmpty.add(path);
      else this.nonEmpty.delete(path);
      void this.connection.sendDiagnostics({
        uri: this.uris.uriOf(path),
        version,
        diagnostics: findings.map((f) => toDiagnostic(f, this.uris, this.supportsRelated)),
      });
    }
  }

  has(path: string): boolean {
    return this.nonEmpty.has(path);
  }
}
