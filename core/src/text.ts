// Offsets <-> positions in UTF-16 code units (the unit of JavaScript strings, tree-sitter's
// web binding and LSP), computed from a line-start table built once per text. The table is
// kept in blocks of line starts relative to a base offset, so that an edit (`edited`) makes a
// new index sharing every block it does not touch: the blocks after it only get a new base.
// (A 50,000-entry array per keystroke was a fresh large allocation, about a millisecond.)
import type { Position, Range } from './model';

/** What a LineIndex reads of its text: a string, or a PieceText (core/src/pieceText.ts). */
export interface IndexedText {
  readonly length: number;
  slice(start?: number, end?: number): string;
  indexOf(ch: string, from?: number): number;
}

/** Lines per block when built (an edit may grow a block up to twice this, then it is split). */
const BLOCK = 512;

export class LineIndex {
  /** Line starts of each block, relative to the block's base. Shared between indexes: never written after creation. */
  private readonly blocks: Int32Array[];
  /**
   * Base offset of each block. Int32, not Float64: a string is shorter than 2^30 in V8, and a
   * value read from a Float64Array is a boxed double, which would make every position object's
   * column a boxed double too (they share one hidden class), adding an allocation per position.
   */
  private readonly bases: Int32Array;
  /** Number of the first line of each block, and the line count at the end. */
  private readonly firsts: Int32Array;

  /** STARTS: the line-start table of TEXT when already known (see `edited`). */
  constructor(readonly text: IndexedText, starts?: ArrayLike<number>, parts?: { blocks: Int32Array[]; bases: Int32Array }) {
    let blocks: Int32Array[];
    let bases: Int32Array;
    if (parts) {
      ({ blocks, bases } = parts);
    } else {
      if (!starts) {
        const s: number[] = [0];
        for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) s.push(i + 1);
        starts = s;
      }
      const nb = Math.max(1, Math.ceil(starts.length / BLOCK));
      blocks = new Array<Int32Array>(nb);
      bases = new Int32Array(nb);
      for (let b = 0; b < nb; b++) {
        const from = b * BLOCK;
        const to = Math.min(starts.length, from + BLOCK);
        const base = starts[from];
        const block = new Int32Array(to - from);
        for (let k = from; k < to; k++) block[k - from] = starts[k] - base;
        blocks[b] = block;
        bases[b] = base;
      }
    }
    this.blocks = blocks;
    this.bases = bases;
    this.firsts = new Int32Array(blocks.length + 1);
    for (let b = 0; b < blocks.length; b++) this.firsts[b + 1] = this.firsts[b] + blocks[b].length;
  }

  /** Start offset of LINE (0 <= LINE < lineCount). */
  private startOf(line: number): number {
    const lo = lastAtMost(this.firsts, line, this.blocks.length);
    return this.bases[lo] + this.blocks[lo][line - this.firsts[lo]];
  }

  /** The line holding offset O (the last line whose start is <= O). */
  private lineOf(o: number): number {
    const lo = lastAtMost(this.bases, o, this.blocks.length);
    const block = this.blocks[lo];
    return this.firsts[lo] + lastAtMost(block, o - this.bases[lo], block.length);
  }

  /**
   * The index of NEWTEXT, which is this text with [start, oldEnd) replaced by INSERTED:
   * line starts before the edit are kept, those after it shifted, and only the inserted
   * text is scanned (an edit in a 50,000-line document does not rescan it). Blocks the edit
   * does not touch are shared with this index.
   */
  edited(newText: IndexedText, start: number, oldEnd: number, inserted: string): LineIndex {
    const delta = inserted.length - (oldEnd - start);
    // Lines whose start is in (start, oldEnd] go; the inserted text's line starts come in.
    const first = this.lineOf(start) + 1; // first line start > start
    const last = this.lineOf(oldEnd); // last line start <= oldEnd
    const nb = this.blocks.length;
    const f = this.firsts;
    // Blocks holding lines first-1 .. last (+1 to keep at least the block of `first`).
    const blockOf = (line: number) => {
      let lo = 0;
      let hi = nb - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (f[mid] <= line) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const b0 = blockOf(first - 1);
    const b1 = blockOf(Math.max(first - 1, last));
    // The new starts of blocks b0..b1, absolute.
    const starts: number[] = [];
    for (let line = f[b0]; line < first; line++) starts.push(this.bases[b0] + this.blocks[b0][line - f[b0]]);
    for (let k = inserted.indexOf('\n'); k >= 0; k = inserted.indexOf('\n', k + 1)) starts.push(start + k + 1);
    for (let line = last + 1; line < f[b1 + 1]; line++) starts.push(this.startOf(line) + delta);
    const mid: Int32Array[] = [];
    const midBases: number[] = [];
    const pieces = Math.max(1, Math.ceil(starts.length / (2 * BLOCK)));
    const size = Math.ceil(starts.length / pieces);
    for (let from = 0; from < starts.length; from += size) {
      const to = Math.min(starts.length, from + size);
      const base = starts[from];
      const block = new Int32Array(to - from);
      for (let k = from; k < to; k++) block[k - from] = starts[k] - base;
      mid.push(block);
      midBases.push(base);
    }
    const blocks = [...this.blocks.slice(0, b0), ...mid, ...this.blocks.slice(b1 + 1)];
    const bases = new Int32Array(blocks.length);
    bases.set(this.bases.subarray(0, b0), 0);
    for (let k = 0; k < mid.length; k++) bases[b0 + k] = midBases[k];
    for (let b = b1 + 1, o = b0 + mid.length; b < nb; b++, o++) bases[o] = this.bases[b] + delta;
    return new LineIndex(newText, undefined, { blocks, bases });
  }

  get lineCount(): number {
    return this.firsts[this.blocks.length];
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(o);
    return { line, character: o - this.startOf(line) };
  }

  offsetAt(p: Position): number {
    if (p.line < 0) return 0;
    const count = this.lineCount;
    if (p.line >= count) return this.text.length;
    const s = this.startOf(p.line);
    const lineEnd = p.line + 1 < count ? this.startOf(p.line + 1) - 1 : this.text.length;
    return Math.min(s + Math.max(0, p.character), lineEnd);
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  lineText(line: number): string {
    const count = this.lineCount;
    const s = line >= 0 && line < count ? this.startOf(line) : this.text.length;
    const e = line + 1 < count && line >= 0 ? this.startOf(line + 1) - 1 : this.text.length;
    return this.text.slice(s, e).replace(/\r$/, '');
  }
}

/**
 * S as a string of its own: a slice of a large text keeps the whole text alive in V8, so
 * what is kept long (facts, cache keys) is copied out. Short strings are copied by V8 anyway.
 */
export function copyString(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function rangeContains(r: Range, p: Position): boolean {
  return comparePositions(r.start, p) <= 0 && comparePositions(p, r.end) <= 0;
}

/**
 * Index of the last of the first N (>= 1) values of the ascending SORTED that is <= X
 * (0 when none is): the binary search of line and piece lookups.
 */
export function lastAtMost(sorted: ArrayLike<number>, x: number, n = sorted.length): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
