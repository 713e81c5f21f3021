// Offsets <-> positions in UTF-16 code units (the unit of JavaScript strings, tree-sitter's
// web binding and LSP), computed from a line-start table built once per text.
import type { Position, Range } from './model';

export class LineIndex {
  private readonly starts: number[];

  /** STARTS: the line-start table of TEXT when already known (see `edited`). */
  constructor(readonly text: string, starts?: number[]) {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    this.starts = starts;
  }

  /**
   * The index of NEWTEXT, which is this text with [start, oldEnd) replaced by INSERTED:
   * line starts before the edit are kept, those after it shifted, and only the inserted
   * text is scanned (an edit in a 50,000-line document does not rescan it).
   */
  edited(newText: string, start: number, oldEnd: number, inserted: string): LineIndex {
    const old = this.starts;
    const first = (o: number) => {
      // Index of the first line start greater than O.
      let lo = 0;
      let hi = old.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (old[mid] <= o) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const i = first(start);
    const j = first(oldEnd);
    const delta = inserted.length - (oldEnd - start);
    const added: number[] = [];
    for (let k = inserted.indexOf('\n'); k >= 0; k = inserted.indexOf('\n', k + 1)) added.push(start + k + 1);
    const starts = new Array<number>(i + added.length + old.length - j);
    for (let k = 0; k < i; k++) starts[k] = old[k];
    for (let k = 0; k < added.length; k++) starts[i + k] = added[k];
    for (let k = j, o = i + added.length; k < old.length; k++, o++) starts[o] = old[k] + delta;
    return new LineIndex(newText, starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offsetAt(p: Position): number {
    if (p.line < 0) return 0;
    if (p.line >= this.starts.length) return this.text.length;
    const lineEnd = p.line + 1 < this.starts.length ? this.starts[p.line + 1] - 1 : this.text.length;
    return Math.min(this.starts[p.line] + Math.max(0, p.character), lineEnd);
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  lineText(line: number): string {
    const s = this.starts[line] ?? this.text.length;
    const e = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    return this.text.slice(s, e).replace(/\r$/, '');
  }
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function rangeContains(r: Range, p: Position): boolean {
  return comparePositions(r.start, p) <= 0 && comparePositions(p, r.end) <= 0;
}
