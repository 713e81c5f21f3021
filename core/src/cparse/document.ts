// A C document that is edited in place: the language server's unit of parsing. Each edit
// re-prepares only the touched lines, edits the old tree and reparses incrementally, so a
// keystroke in a 50,000-line file costs a fraction of a full parse. Old trees are deleted.
import { Edit, parsePrepared, prepareSource, Tree } from './parser';
import { LineIndex } from '../text';
import type { ParsedSource } from '../extract/file';
import type { Range } from '../model';

/** An LSP-style change: a range of the current text replaced by `text` (no range: whole text). */
export interface TextChange {
  range?: Range;
  text: string;
}

export class CDocument {
  private _text: string;
  private prepared: string;
  private _tree: Tree | null;
  private _lines: LineIndex;
  /** Increases with every applied change (the server's staleness check). */
  version = 0;

  constructor(readonly path: string, text: string) {
    this._text = text;
    this.prepared = prepareSource(text).text;
    this._lines = new LineIndex(text);
    this._tree = parsePrepared(this.prepared);
  }

  get text(): string {
    return this._text;
  }

  get lines(): LineIndex {
    return this._lines;
  }

  get tree(): Tree | null {
    return this._tree;
  }

  /** The view extraction reads (tree + original text). */
  asParsed(): ParsedSource | undefined {
    return this._tree ? { path: this.path, text: this._text, tree: this._tree, lines: this._lines } : undefined;
  }

  /**
   * Applies changes in order (LSP semantics: each range refers to the text after the
   * previous change). With `shouldStop`, a parse can be abandoned; the document then
   * reparses on the next change or `reparse()`.
   */
  applyChanges(changes: TextChange[], shouldStop?: () => boolean): void {
    let tree = this._tree;
    for (const ch of changes) {
      if (!ch.range) {
        this._text = ch.text;
        this.prepared = prepareSource(ch.text).text;
        this._lines = new LineIndex(ch.text);
        tree?.delete();
        tree = null;
        continue;
      }
      const start = this._lines.offsetAt(ch.range.start);
      const oldEnd = Math.max(start, this._lines.offsetAt(ch.range.end));
      const newEnd = start + ch.text.length;
      const startPosition = { row: ch.range.start.line, column: start - this._lines.offsetAt({ line: ch.range.start.line, character: 0 }) };
      const oldEndPos = this._lines.positionAt(oldEnd);
      const newText = this._text.slice(0, start) + ch.text + this._text.slice(oldEnd);
      // Re-prepare the touched lines only (attributes and directives are line-local).
      const lineStart = this._text.lastIndexOf('\n', start - 1) + 1;
      let oldLineEnd = this._text.indexOf('\n', oldEnd);
      if (oldLineEnd < 0) oldLineEnd = this._text.length;
      const newLineEnd = oldLineEnd + (newEnd - oldEnd);
      const region = prepareSource(newText.slice(lineStart, newLineEnd)).text;
      this.prepared = this.prepared.slice(0, lineStart) + region + this.prepared.slice(oldLineEnd);
      this._text = newText;
      this._lines = new LineIndex(newText);
      const newEndPos = this._lines.positionAt(newEnd);
      if (tree) {
        tree.edit(new Edit({
          startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd,
          startPosition,
          oldEndPosition: { row: oldEndPos.line, column: oldEndPos.character },
          newEndPosition: { row: newEndPos.line, column: newEndPos.character },
        }));
      }
    }
    this.version++;
    const next = parsePrepared(this.prepared, tree, shouldStop);
    if (next !== tree) tree?.delete();
    this._tree = next;
  }

  /** Full reparse (after an abandoned parse). */
  reparse(): void {
    const next = parsePrepared(this.prepared, this._tree);
    if (next !== this._tree) this._tree?.delete();
    this._tree = next;
  }

  /** The prepared text (for tests: it must always equal prepareSource(text).text). */
  preparedText(): string {
    return this.prepared;
  }

  dispose(): void {
    this._tree?.delete();
    this._tree = null;
  }
}
