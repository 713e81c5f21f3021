// A C document that is edited in place: the language server's unit of parsing. Each edit
// re-prepares only the touched lines, edits the old tree and reparses incrementally, so a
// keystroke in a 50,000-line file costs a fraction of a full parse. Old trees are deleted.
// A short journal of what each change touched (edited spans, and the spans whose syntax
// changed) lets incremental extraction re-read only those parts of the tree. The changed
// spans come from tree-sitter's getChangedRanges when the old or new tree has a syntax
// error; between two error-free trees they are the edited lines plus the previous token (see
// `cheapChangedSpans`), because getChangedRanges walks every top-level item of a flat file
// (as long as the reparse itself on a 50,000-line source).
import { Edit, parsePrepared, prepareSource, Tree } from './parser';
import { LineIndex } from '../text';
import { PieceText } from '../pieceText';
import type { ParsedSource } from '../extract/file';
import type { Range } from '../model';

/** An LSP-style change: a range of the current text replaced by `text` (no range: whole text). */
export interface TextChange {
  range?: Range;
  text: string;
}

/** One applyChanges(): its edits in order, then the spans whose syntax changed (null: unknown). */
export interface DocumentStep {
  /** Version after the step. */
  version: number;
  /** Offsets in the text before each edit; the edited span becomes [start, newEnd). */
  edits: {
    start: number; oldEnd: number; newEnd: number;
    /** The line of START, and whether the edit removed or inserted a line break (the lines below then move). */
    line?: number; newlines?: boolean;
  }[];
  /** Spans of the text after the step (whole lines) whose syntax tree differs; null when unknown (whole text replaced, parse abandoned). */
  changed: { start: number; end: number }[] | null;
}

const JOURNAL_LENGTH = 64;

export class CDocument {
  private journal: DocumentStep[] = [];
  /** The text and its prepared form, as pieces (see core/src/pieceText.ts: no whole-text copy per edit). */
  private _text: PieceText;
  private prepared: PieceText;
  private _tree: Tree | null;
  /** The tree the last change replaced, deleted later (see releaseRetired). */
  private retired: Tree | null = null;
  /** Whether the tree is what a parse from scratch gives (false after incremental edits). */
  private fromScratch = true;
  private _lines: LineIndex;
  /** Increases with every applied change (the server's staleness check). */
  version = 0;

  constructor(readonly path: string, text: string) {
    this._text = new PieceText(text);
    this.prepared = new PieceText(prepareSource(text).text);
    this._lines = new LineIndex(this._text);
    this._tree = parse(this.prepared);
  }

  /** The whole text (built from the pieces on first use after an edit). */
  get text(): string {
    return this._text.toString();
  }

  /** The text as pieces: slices of it cost no whole-text copy. */
  get source(): PieceText {
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
    if (!this._tree) return undefined;
    const text = this._text;
    return {
      path: this.path, source: text, tree: this._tree, lines: this._lines, version: this.version, changesSince: (v) => this.changesSince(v),
      get text() { return text.toString(); },
    };
  }

  /** The steps from VERSION to now, or undefined when the journal no longer reaches back that far. */
  changesSince(version: number): DocumentStep[] | undefined {
    if (version === this.version) return [];
    const i = this.journal.findIndex((s) => s.version === version + 1);
    return i < 0 ? undefined : this.journal.slice(i);
  }

  /**
   * Applies changes in order (LSP semantics: each range refers to the text after the
   * previous change). With `shouldStop`, a parse can be abandoned; the document then
   * reparses on the next change or `reparse()`.
   */
  applyChanges(changes: TextChange[], shouldStop?: () => boolean): void {
    this.fromScratch = false;
    this.releaseRetired();
    let tree = this._tree;
    const hadError = tree?.rootNode.hasError ?? true;
    const edits: DocumentStep['edits'] = [];
    /** Whole lines of each edit, in the offsets of the current text (shifted by later edits). */
    const lines: { s: number; e: number }[] = [];
    let replaced = false;
    for (const ch of changes) {
      if (!ch.range) {
        replaced = true;
        this._text = new PieceText(ch.text);
        this.prepared = new PieceText(prepareSource(ch.text).text);
        this._lines = new LineIndex(this._text);
        tree?.delete();
        tree = null;
        continue;
      }
      const start = this._lines.offsetAt(ch.range.start);
      const oldEnd = Math.max(start, this._lines.offsetAt(ch.range.end));
      const newEnd = start + ch.text.length;
      const startPosition = { row: ch.range.start.line, column: start - this._lines.offsetAt({ line: ch.range.start.line, character: 0 }) };
      const oldEndPos = this._lines.positionAt(oldEnd);
      const startLine = this._lines.positionAt(start).line;
      const old = this._text;
      const newText = old.edit(start, oldEnd, ch.text);
      // Re-prepare the touched lines only: attributes are line-local, and a directive's
      // backslash-continued lines go with it (the region grows to the whole run, in the old
      // text or the new one: an edit may add or remove the backslash).
      let lineStart = start > 0 ? old.lastIndexOf('\n', start - 1) + 1 : 0; // (-1 + 1: the first line)
      while (lineStart > 0 && continues(newText, lineStart - 1)) lineStart = newText.lastIndexOf('\n', lineStart - 2) + 1;
      let oldLineEnd = old.indexOf('\n', oldEnd);
      if (oldLineEnd < 0) oldLineEnd = old.length;
      let newLineEnd = oldLineEnd + (newEnd - oldEnd);
      for (let more = continues(old, oldLineEnd) || continues(newText, newLineEnd); more && newLineEnd < newText.length; more = continues(newText, newLineEnd)) {
        const next = newText.indexOf('\n', newLineEnd + 1);
        const e = next < 0 ? newText.length : next;
        oldLineEnd += e - newLineEnd;
        newLineEnd = e;
      }
      const region = prepareSource(newText.slice(lineStart, newLineEnd)).text;
      this.prepared = this.prepared.edit(lineStart, oldLineEnd, region);
      this._lines = this._lines.edited(newText, start, oldEnd, ch.text);
      this._text = newText;
      const delta = newEnd - oldEnd;
      for (const l of lines) {
        l.s = l.s < start ? l.s : l.s >= oldEnd ? l.s + delta : start;
        l.e = l.e <= start ? l.e : l.e >= oldEnd ? l.e + delta : newEnd;
      }
      lines.push({ s: lineStart, e: newLineEnd });
      const newEndPos = this._lines.positionAt(newEnd);
      edits.push({ start, oldEnd, newEnd, line: startLine, newlines: oldEndPos.line !== startLine || newEndPos.line !== startLine });
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
    const next = parse(this.prepared, tree, shouldStop);
    let changed: DocumentStep['changed'] = null;
    if (next && tree && !replaced && !hadError && !next.rootNode.hasError) {
      changed = cheapChangedSpans(this.prepared, lines);
    } else if (next && tree && !replaced) {
      changed = [];
      for (const r of tree.getChangedRanges(next)) {
        // Whole lines (tree-sitter's columns are in bytes).
        changed.push({ start: this._lines.offsetAt({ line: r.startPosition.row, character: 0 }), end: this._lines.offsetAt({ line: r.endPosition.row + 1, character: 0 }) });
      }
    }
    this.journal.push({ version: this.version, edits, changed });
    if (this.journal.length > JOURNAL_LENGTH) this.journal.splice(0, this.journal.length - JOURNAL_LENGTH);
    // Deleting the old tree walks every node it does not share with the new one (on a flat
    // 50,000-line file, a tenth of the reparse): it is left for releaseRetired(), which the
    // language server calls once the diagnostics of the change are out.
    if (next !== tree) this.retired = tree;
    this._tree = next;
  }

  /** Deletes the tree replaced by the last change (also done by the next change and dispose). */
  releaseRetired(): void {
    this.retired?.delete();
    this.retired = null;
  }

  /**
   * Where the code has syntax errors, tree-sitter's incremental reparse may recover from them
   * differently than a parse of the same text from scratch (the CLI's): the tree then
   * depends on the edit history. Called when the editor is idle: parses from scratch, once
   * per series of edits, and adopts that tree when it differs (its errors or its top-level
   * items). Returns whether the tree changed (extraction then reads the whole file again).
   */
  settle(): boolean {
    if (this.fromScratch || !this._tree) return false;
    this.fromScratch = true;
    if (!this._tree.rootNode.hasError) return false;
    const fresh = parse(this.prepared);
    if (!fresh) return false;
    if (sameShape(fresh, this._tree)) {
      fresh.delete();
      return false;
    }
    this.releaseRetired();
    this.journal.push({ version: ++this.version, edits: [], changed: null });
    this.retired = this._tree;
    this._tree = fresh;
    return true;
  }

  /** Full reparse (after an abandoned parse). */
  reparse(): void {
    this.fromScratch = false;
    this.journal.push({ version: ++this.version, edits: [], changed: null });
    const next = parse(this.prepared, this._tree);
    if (next !== this._tree) this._tree?.delete();
    this._tree = next;
  }

  /** The prepared text (for tests: it must always equal prepareSource(text).text). */
  preparedText(): string {
    return this.prepared.toString();
  }

  dispose(): void {
    this.releaseRetired();
    this._tree?.delete();
    this._tree = null;
  }
}

/**
 * Parses the prepared pieces: tree-sitter reads them through its input callback, a piece at
 * a time, so the whole prepared text is never built for a parse.
 */
function parse(prepared: PieceText, oldTree?: Tree | null, shouldStop?: () => boolean): Tree | null {
  return parsePrepared((index: number) => prepared.chunk(index), oldTree, shouldStop);
}

/**
 * Same ERROR nodes and same top-level items (types and extents) in both trees, and errors in
 * both or in neither: a recovery by a MISSING token is an error but no ERROR node, and a
 * fresh parse of the same text may need none (then a statement inside a function can differ
 * while every top-level extent is the same).
 */
function sameShape(a: Tree, b: Tree): boolean {
  if (a.rootNode.hasError !== b.rootNode.hasError) return false;
  const spans = (t: Tree) => {
    const out: string[] = [];
    for (const e of t.rootNode.descendantsOfType('ERROR')) if (e) out.push(`E${e.startIndex}:${e.endIndex}`);
    const c = t.walk();
    try {
      if (c.gotoFirstChild()) do out.push(`${c.nodeType}${c.startIndex}:${c.endIndex}`); while (c.gotoNextSibling());
    } finally {
      c.delete();
    }
    return out.join(' ');
  };
  return a.rootNode.type === b.rootNode.type && spans(a) === spans(b);
}

/**
 * The spans whose syntax may differ after edits between two error-free trees: the edited
 * lines, widened back to the last token before them. Without error recovery, a top-level
 * item whose text did not change parses the same unless its extent changes (incremental
 * extraction widens its spans over items that grow or shrink) or its last reduction saw a
 * different lookahead token: the first token of the edited lines, so the item ending at the
 * previous token is included. PREPARED: the prepared text (blanked attributes and
 * directives are white space to the parser too).
 */
function cheapChangedSpans(prepared: PieceText, lines: { s: number; e: number }[]): { start: number; end: number }[] {
  return lines.map(({ s, e }) => ({ start: previousToken(prepared, s), end: Math.min(prepared.length, e + 1) }));
}

/**
 * The offset of the last character of the token before OFFSET, skipping white space and
 * comments (extras: the parser reduces the item before them only at the next real token).
 * Errs towards earlier offsets (a `//` inside a string counts as a comment). Reads a window
 * of the text before OFFSET, the whole text only when the answer lies beyond it.
 */
function previousToken(text: PieceText, offset: number): number {
  const from = Math.max(0, offset - 8192);
  if (from > 0) {
    const found = previousTokenIn(text.slice(from, offset), offset - from, false);
    if (found !== undefined) return from + found;
  }
  return previousTokenIn(text.toString(), offset, true)!;
}

/** previousToken in TEXT; undefined when it needs what is before TEXT (WHOLE: TEXT is the whole text). */
function previousTokenIn(text: string, offset: number, whole: boolean): number | undefined {
  let i = offset - 1;
  for (;;) {
    while (i > 0 && text.charCodeAt(i) <= 32) i--;
    if (i > 0 && text[i] === '/' && text[i - 1] === '*') {
      const open = text.lastIndexOf('/*', i - 2);
      if (open < 0) return whole ? 0 : undefined;
      i = open - 1;
      continue;
    }
    const nl = text.lastIndexOf('\n', i);
    if (nl < 0 && !whole) return undefined;
    const lineStart = nl + 1;
    const slash = text.indexOf('//', lineStart);
    if (slash >= 0 && slash < i) {
      i = slash - 1;
      continue;
    }
    if (i <= 0 && !whole) return undefined;
    return Math.max(0, i);
  }
}

/** Whether the line ending at END (a newline's offset, or the text's end) ends with a backslash (continues). */
function continues(text: PieceText, end: number): boolean {
  return text.charAt(end - 1) === '\\' || (text.charAt(end - 1) === '\r' && text.charAt(end - 2) === '\\');
}
