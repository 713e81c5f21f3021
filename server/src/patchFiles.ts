// klp-build source patches in the editor (docs/KLP-BUILD.md): an open `.patch`/`.diff`
// document is read against the kernel tree (the one enclosing it, else a workspace folder
// that is one) and its KLP100–KLP113 findings are published on its lines; a hover on a hunk
// shows the functions it changes and their object. The core does the reading
// (core/src/klpbuild); this file only keeps the latest result per open document.
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver/node';
import type { Finding } from '../../core/src/findings';
import type { FileHost } from '../../core/src/host';
import { checkPatch, enclosingKernelTree, hunkAt, isKernelTree, isSourcePatch, type PatchCheck } from '../../core/src/klpbuild';
import { uriToPath } from './uris';

export { isSourcePatch } from '../../core/src/klpbuild';

export class PatchDocuments {
  private readonly results = new Map<string, PatchCheck>();

  constructor(private readonly host: FileHost, private readonly roots: () => string[]) {}

  /** Reads PATH's TEXT again (an open or changed document). */
  update(path: string, text: string): void {
    const fallbackTree = this.roots().find((r) => isKernelTree(r, this.host)) ?? this.roots().map((r) => enclosingKernelTree(r, this.host)).find(Boolean);
    this.results.set(path, checkPatch(path, this.host, { fallbackTree }, text));
  }

  close(path: string): void {
    this.results.delete(path);
  }

  /** The findings of an open patch document (undefined: not one). */
  findings(path: string): Finding[] | undefined {
    return this.results.get(path)?.findings;
  }

  /** An open patch's own findings and its series findings (SERIES: the analyzer's, for this file). */
  withSeries(path: string, series: () => Finding[]): Finding[] | undefined {
    const own = this.findings(path);
    return own ? [...own, ...series()] : undefined;
  }

  hover(p: HoverParams): Hover | null {
    const path = uriToPath(p.textDocument.uri);
    const r = path ? this.results.get(path) : undefined;
    if (!r) return null;
    const h = hunkAt(r.analysis, p.position.line);
    if (!h) return null;
    const lines: string[] = [];
    const where = r.analysis.tree ? `kernel tree \`${r.analysis.tree}\`` : 'no kernel tree: read from the hunks only (approximate)';
    lines.push(`**${r.model.name}** · \`${h.file}\` · ${where}`);
    if (h.object) lines.push(`object **${h.object}** — ${h.objectHow}`);
    if (!h.functions.length) lines.push(h.otherLines ? 'This hunk changes no function (declarations, macros or comments only).' : 'This hunk changes nothing the livepatch carries.');
    for (const f of h.functions) {
      const what = f.status === 'changed' ? 'patched (a klp_func of the module)' : f.status === 'new' ? 'new function (part of the module, patches nothing)' : 'removed';
      lines.push(`- \`${f.name}\` — ${what}${f.approximate ? ', approximate' : ''}`);
    }
    if (r.analysis.log) lines.push(`klp-build's diff log read: \`${r.analysis.log.path}\``);
    return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') } };
  }
}
