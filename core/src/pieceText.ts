// An immutable text made of pieces of flat strings, for documents edited keystroke by
// keystroke. Concatenating strings in V8 makes a cons string, and the first read of one
// (slice, charCodeAt, indexOf) copies the whole text into a new flat string: for a
// 1 MB source a fresh large allocation, milliseconds on every edit. An edit here only
// slices the pieces around it (slices of a flat string are O(1) views) and adds the
// inserted text; reads go to the piece that holds the offset. The whole string is built
// once, lazily, when someone asks for it (toString), or when the pieces pile up.

import { lastAtMost } from './text';

/** What readers of source text need: a string is one, and so is a PieceText. */
export interface SourceText {
  readonly length: number;
  slice(start?: number, end?: number): string;
  includes(search: string): boolean;
}

/** Above this many pieces an edit flattens the text (amortised over as many edits). */
const MAX_PIECES = 48;
/** Inserted pieces shorter than this are merged with a short neighbour (typing stays one piece). */
const SMALL = 256;

export class PieceText implements SourceText {
  /** Non-empty flat strings (or slices of flat strings), in order. */
  private pieces: string[];
  /** Offset of each piece in the text (ascending; starts[0] = 0). */
  private starts: number[];
  readonly length: number;
  /** Index of the piece the last read found (reads come in runs). */
  private last = 0;

  constructor(text: string | string[]) {
    const pieces = typeof text === 'string' ? (text.length ? [text] : []) : text.filter((p) => p.length > 0);
    this.pieces = pieces;
    this.starts = new Array<number>(pieces.length);
    let o = 0;
    for (let i = 0; i < pieces.length; i++) {
      this.starts[i] = o;
      o += pieces[i].length;
    }
    this.length = o;
  }

  /** How many pieces the text is made of (tests and the flattening policy). */
  get pieceCount(): number {
    return this.pieces.length;
  }

  /** The whole text as one flat string (built once, then kept as the only piece). */
  toString(): string {
    if (this.pieces.length === 0) return '';
    if (this.pieces.length > 1) {
      const flat = flatten(this.pieces.join(''));
      this.pieces = [flat];
      this.starts = [0];
      this.last = 0;
    }
    return this.pieces[0];
  }

  /** The text with [start, end) replaced by INSERTED (this text is unchanged). */
  edit(start: number, end: number, inserted: string): PieceText {
    start = Math.max(0, Math.min(start, this.length));
    end = Math.max(start, Math.min(end, this.length));
    const out: string[] = [];
    const n = this.pieces.length;
    let i = 0;
    // Pieces wholly before START, then the head of the one START falls in.
    for (; i < n && this.starts[i] + this.pieces[i].length <= start; i++) out.push(this.pieces[i]);
    if (i < n && this.starts[i] < start) out.push(this.pieces[i].slice(0, start - this.starts[i]));
    if (inserted.length) pushMerged(out, inserted);
    // The tail of the piece END falls in, then every piece after it.
    let j = i;
    while (j < n && this.starts[j] + this.pieces[j].length <= end) j++;
    if (j < n) {
      if (this.starts[j] < end) pushMerged(out, this.pieces[j].slice(end - this.starts[j]));
      else pushMerged(out, this.pieces[j]);
      for (let k = j + 1; k < n; k++) out.push(this.pieces[k]);
    }
    if (out.length > MAX_PIECES) return new PieceText(flatten(out.join('')));
    return new PieceText(out);
  }

  /** Index of the piece holding OFFSET (0 <= OFFSET < length). */
  private pieceAt(offset: number): number {
    const s = this.starts;
    let k = this.last;
    if (k < s.length && s[k] <= offset && offset < s[k] + this.pieces[k].length) return k;
    this.last = k = lastAtMost(s, offset);
    return k;
  }

  charCodeAt(offset: number): number {
    if (!(offset >= 0 && offset < this.length)) return NaN;
    const k = this.pieceAt(offset);
    return this.pieces[k].charCodeAt(offset - this.starts[k]);
  }

  /** The character at OFFSET ('' outside the text), like `string[offset] ?? ''`. */
  charAt(offset: number): string {
    if (!(offset >= 0 && offset < this.length)) return '';
    const k = this.pieceAt(offset);
    return this.pieces[k][offset - this.starts[k]];
  }

  slice(start = 0, end = this.length): string {
    if (start < 0) start = Math.max(0, this.length + start);
    if (end < 0) end = Math.max(0, this.length + end);
    start = Math.min(start, this.length);
    end = Math.min(end, this.length);
    if (end <= start) return '';
    const k = this.pieceAt(start);
    const p = this.pieces[k];
    const ps = this.starts[k];
    if (end <= ps + p.length) return p.slice(start - ps, end - ps);
    // Across pieces: a small result is made flat here, a large one stays a concatenation.
    let out = p.slice(start - ps);
    for (let i = k + 1; i < this.pieces.length && this.starts[i] < end; i++) {
      const q = this.pieces[i];
      out += end >= this.starts[i] + q.length ? q : q.slice(0, end - this.starts[i]);
    }
    return out;
  }

  /**
   * The text from OFFSET to the end of its piece (at least one character before the end of
   * the text): what tree-sitter's input callback asks for, without building the whole text.
   */
  chunk(offset: number): string {
    if (!(offset >= 0 && offset < this.length)) return '';
    const k = this.pieceAt(offset);
    return this.pieces[k].slice(offset - this.starts[k]);
  }

  /** First index of SEARCH (non-empty) at or after FROM, or -1 (as String.prototype.indexOf). */
  indexOf(search: string, from = 0): number {
    if (from < 0) from = 0;
    if (from >= this.length || !search.length) return search.length ? -1 : Math.min(from, this.length);
    const L = search.length;
    for (let k = this.pieceAt(from); k < this.pieces.length; k++) {
      const s = this.starts[k];
      const p = this.pieces[k];
      const i = p.indexOf(search, Math.max(0, from - s));
      if (i >= 0) return s + i;
      // A match across the end of this piece.
      if (L > 1 && k + 1 < this.pieces.length) {
        const at = Math.max(from, s + p.length - (L - 1));
        const j = this.slice(at, s + p.length + L - 1).indexOf(search);
        if (j >= 0) return at + j;
      }
    }
    return -1;
  }

  includes(search: string): boolean {
    return this.indexOf(search) >= 0;
  }

  /** Last index of the single character CH at or before FROM, or -1. */
  lastIndexOf(ch: string, from = this.length - 1): number {
    if (from < 0 || this.length === 0) return -1;
    if (from >= this.length) from = this.length - 1;
    for (let k = this.pieceAt(from); k >= 0; k--) {
      const s = this.starts[k];
      const i = this.pieces[k].lastIndexOf(ch, from - s);
      if (i >= 0) return s + i;
    }
    return -1;
  }
}

/** Appends PIECE to OUT, merged into the last piece when both are short (typing stays one piece). */
function pushMerged(out: string[], piece: string): void {
  const last = out.length - 1;
  if (last >= 0 && (piece.length < SMALL || out[last].length < SMALL) && piece.length + out[last].length < 4 * SMALL) {
    out[last] = flatten(out[last] + piece);
  } else out.push(piece);
}

/** S as a flat string (V8 copies a concatenation into one on its first indexed read). */
function flatten(s: string): string {
  if (s.length) s.charCodeAt(0);
  return s;
}
