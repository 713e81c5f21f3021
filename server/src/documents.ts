// Open documents (LSP textDocument/didOpen, didChange with incremental sync, didClose).
// A C document is a CDocument: each change edits the old tree and reparses incrementally,
// never from scratch. Other documents (klp.series, Kbuild, .klpsim) are kept as text. The
// overlay FileHost makes unsaved editor contents win over the disk for the whole server.
// A C document larger than the analysis size limit (common/src/sizeLimit.ts) is kept as
// plain text, never parsed, and reads as empty through the overlay until it shrinks.
import type {
  DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
} from 'vscode-languageserver/node';
import { CDocument } from '../../core/src/cparse/document';
import type { FileHost } from '../../core/src/host';
import { LineIndex } from '../../core/src/text';
import type { FileSizeLimit } from '../../common/src/sizeLimit';
import { UriBook, uriToPath } from './uris';

export interface OpenDocument {
  uri: string;
  path: string;
  languageId: string;
  /** The client's version number. */
  version: number;
  /** Set for C sources and headers. */
  c?: CDocument;
  /** The text of a non-C document, or of a C document over the size limit. */
  plain?: string;
  /** A C document over the size limit: not parsed, not analysed. */
  tooLarge?: boolean;
}

export type DocumentEvent = 'open' | 'change' | 'close';

export function isCSource(path: string, languageId?: string): boolean {
  return /\.(c|h)$/.test(path) || languageId === 'c';
}

export class DocumentStore {
  private readonly docs = new Map<string, OpenDocument>();
  private readonly listeners: ((doc: OpenDocument, event: DocumentEvent) => void)[] = [];

  constructor(readonly uris: UriBook, private readonly limit?: FileSizeLimit) {}

  onDidChange(listener: (doc: OpenDocument, event: DocumentEvent) => void): void {
    this.listeners.push(listener);
  }

  get(path: string): OpenDocument | undefined {
    return this.docs.get(path);
  }

  all(): OpenDocument[] {
    return [...this.docs.values()];
  }

  textOf(doc: OpenDocument): string {
    return doc.c ? doc.c.text : doc.plain ?? '';
  }

  /** Line index of an open document (C documents keep theirs up to date). */
  linesOf(doc: OpenDocument): LineIndex {
    return doc.c ? doc.c.lines : new LineIndex(doc.plain ?? '');
  }

  open(p: DidOpenTextDocumentParams): void {
    const path = uriToPath(p.textDocument.uri);
    if (!path) return;
    this.uris.remember(path, p.textDocument.uri);
    this.docs.get(path)?.c?.dispose();
    const { languageId, version, text } = p.textDocument;
    const doc: OpenDocument = { uri: p.textDocument.uri, path, languageId, version };
    if (isCSource(path, languageId)) this.setCText(doc, text);
    else doc.plain = text;
    this.docs.set(path, doc);
    this.emit(doc, 'open');
  }

  change(p: DidChangeTextDocumentParams): void {
    const path = uriToPath(p.textDocument.uri);
    const doc = path ? this.docs.get(path) : undefined;
    if (!doc) return;
    doc.version = p.textDocument.version ?? doc.version + 1;
    if (doc.c) {
      doc.c.applyChanges(p.contentChanges.map((ch) => ('range' in ch ? { range: ch.range, text: ch.text } : { text: ch.text })));
      if (this.limit?.over(doc.path, doc.c.source.length)) this.setCText(doc, doc.c.text);
    } else {
      let text = doc.plain ?? '';
      for (const ch of p.contentChanges) {
        if ('range' in ch) {
          const lines = new LineIndex(text);
          text = text.slice(0, lines.offsetAt(ch.range.start)) + ch.text + text.slice(lines.offsetAt(ch.range.end));
        } else text = ch.text;
      }
      doc.plain = text;
      if (doc.tooLarge) this.setCText(doc, text);
    }
    this.emit(doc, 'change');
  }

  close(p: DidCloseTextDocumentParams): void {
    const path = uriToPath(p.textDocument.uri);
    const doc = path ? this.docs.get(path) : undefined;
    if (!doc) return;
    this.docs.delete(doc.path);
    doc.c?.dispose();
    // The disk version is checked again when it is read.
    if (doc.tooLarge) this.limit?.over(doc.path, 0);
    this.emit(doc, 'close');
  }

  /** A FileHost where open documents win over DISK. */
  overlay(disk: FileHost): FileHost {
    return {
      readFile: (p) => {
        const doc = this.docs.get(p);
        if (doc?.tooLarge) return '';
        return doc ? this.textOf(doc) : disk.readFile(p);
      },
      readBytes: (p, max) => {
        const doc = this.docs.get(p);
        if (doc) return new TextEncoder().encode(this.textOf(doc));
        return disk.readBytes ? disk.readBytes(p, max) : undefined;
      },
      readDir: (p) => disk.readDir(p),
    };
  }

  /** After a change of the limit: C documents cross it in either direction. Returns the documents that did. */
  reapplyLimit(): OpenDocument[] {
    const out: OpenDocument[] = [];
    for (const doc of this.docs.values()) {
      if (!doc.c && !doc.tooLarge) continue;
      const was = !!doc.tooLarge;
      this.setCText(doc, this.textOf(doc));
      if (was !== !!doc.tooLarge) out.push(doc);
    }
    return out;
  }

  /** Sets a C document's text: parsed (CDocument) under the size limit, plain text over it. */
  private setCText(doc: OpenDocument, text: string): void {
    const over = this.limit?.over(doc.path, text.length) ?? false;
    if (over) {
      doc.c?.dispose();
      doc.c = undefined;
      doc.plain = text;
      doc.tooLarge = true;
    } else if (!doc.c) {
      doc.c = new CDocument(doc.path, text);
      doc.plain = undefined;
      doc.tooLarge = undefined;
    }
  }

  private emit(doc: OpenDocument, event: DocumentEvent): void {
    for (const l of this.listeners) l(doc, event);
  }
}
