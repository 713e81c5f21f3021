// Extraction of many modules in a row (the language server's workspace index, `check` and
// `series` over a folder) where sources come in versions: the modules of a cumulative
// series are copies of one source that differ in a few places, as are per-CVE folders made
// from one template. A new file is parsed from the tree of the most similar file read before
// (the line hunks between them applied as tree edits: tree-sitter parses only around them),
// and its top-level items of unchanged text take that file's facts (KinFile in
// ./incremental.ts) instead of being read through the node API again. Unrelated files cost
// one cheap comparison each and are parsed and extracted as before.
//
// The result equals extractModule's for the same sources: a reused tree is used only if the
// tree it came from had no syntax error and the new one has none (error recovery may depend
// on history; such files are parsed again from scratch), and a fact is taken only where the
// item's text is the same and the new module's macros and parameters answer the item's
// lookups alike. Never throws (extraction does not).
import type { ModuleModel, SourceText } from '../model';
import { Edit, parsePrepared, prepareSource, type Tree } from '../cparse/parser';
import { LineIndex } from '../text';
import type { ParsedSource } from './file';
import { IncrementalModuleExtractor, type KinFile } from './incremental';

/** A hunk of a line diff: lines [a0, a1) of the old text became lines [b0, b1) of the new one. */
export interface LineHunk {
  a0: number;
  a1: number;
  b0: number;
  b1: number;
}

/** Lines that must agree after a change for the texts to be taken as back in step. */
const RESYNC_LINES = 3;
/** How far two places are compared when choosing where the texts resync. */
const RUN_LENGTH = 64;
/** How far (in lines, on either side) a change is looked past for the texts to resync. */
const RESYNC_WINDOW = 200;

/**
 * The hunks that turn lines A into lines B: every line outside them is equal in both, in
 * order. Greedy (after a difference, the nearest place where RESYNC_LINES lines agree
 * again), which suits versions of one file; not minimal in general, always correct.
 * Undefined when the work would exceed BUDGET line comparisons or more than MAX_CHANGED
 * lines change (unrelated texts: not worth it).
 */
export function lineHunks<T>(a: ArrayLike<T>, b: ArrayLike<T>, maxChanged = Infinity, budget = 40 * (a.length + b.length)): LineHunk[] | undefined {
  const out: LineHunk[] = [];
  let i = 0;
  let j = 0;
  let work = 0;
  let changed = 0;
  const agree = (x: number, y: number): boolean => {
    for (let t = 0; t < RESYNC_LINES; t++) {
      work++;
      const ex = x + t >= a.length;
      const ey = y + t >= b.length;
      if (ex || ey) return ex && ey;
      if (a[x + t] !== b[y + t]) return false;
    }
    return true;
  };
  const agreeing = (x: number, y: number): number => {
    let r = 0;
    while (r < RUN_LENGTH && x + r < a.length && y + r < b.length && a[x + r] === b[y + r]) r++;
    work += r;
    // (Both texts ending together counts as agreeing all the way.)
    return x + r >= a.length && y + r >= b.length ? RUN_LENGTH : r;
  };
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) { i++; j++; continue; }
    let found: [number, number] | undefined;
    // Nearest first: every split (k lines of A, l of B) of a growing total s = k + l; of the
    // splits of one total, the one that agrees longest (a function removed before others of
    // the same shape: delete it, rather than rewrite the head of each one after it).
    for (let s = 1; s <= 2 * RESYNC_WINDOW && !found; s++) {
      let run = 0;
      for (let k = Math.max(0, s - RESYNC_WINDOW); k <= Math.min(s, RESYNC_WINDOW); k++) {
        if (!agree(i + k, j + s - k)) continue;
        const r = agreeing(i + k, j + s - k);
        if (r > run) { run = r; found = [k, s - k]; }
      }
      if (work > budget) return undefined;
    }
    const [k, l] = found ?? [a.length - i, b.length - j];
    out.push({ a0: i, a1: i + k, b0: j, b1: j + l });
    changed += Math.max(k, l);
    if (changed > maxChanged) return undefined;
    i += k;
    j += l;
  }
  return out;
}

/** A file read earlier in the session: what a later version of it can start from. */
interface Seen {
  path: string;
  /** The prepared text (what the tree is of), its line starts and line hashes (lineTable). */
  prepared: string;
  starts: Int32Array;
  hashes: Int32Array;
  /** Its distinct line hashes (made when first compared with). */
  lineSet?: Set<number>;
  tree: Tree;
  kin: KinFile | undefined;
}

/** Files kept to start from (their trees live in tree-sitter's memory until replaced). */
const KEEP = 4;
/**
 * The most text kept (UTF-16 units, all kept files together): tree-sitter's memory grows to
 * hold the kept trees and never shrinks, so a few huge generated files are not all kept.
 */
const KEEP_TEXT = 2_000_000;
/** The most a file may differ (share of its lines) from the one it starts from. */
const MAX_CHANGED_SHARE = 0.4;

/** A file differing from a kept one in at most this share of its lines is taken without looking further. */
const CLOSE_ENOUGH_SHARE = 0.02;

/** What the session did (for benchmarks and tests). */
export interface SessionStats {
  files: number;
  /** Files parsed from an earlier file's tree. */
  treesReused: number;
  /** Reused trees given up because the result had a syntax error (parsed again). */
  reparsed: number;
  /** Items whose facts came from an earlier file. */
  itemsReused: number;
}

/**
 * Extracts modules one after another, each starting from the most similar file read before
 * (see the top of this file). `dispose()` frees the trees it keeps; requires `initParser()`.
 */
export class ExtractionSession {
  private seen: Seen[] = [];
  /**
   * The line indexes (and so the texts) of the files of the last module extracted: what was
   * read, for a caller that reads the same files next (patch summaries, fixes) without
   * reading and indexing them again.
   */
  lastLines = new Map<string, LineIndex>();
  readonly stats: SessionStats = { files: 0, treesReused: 0, reparsed: 0, itemsReused: 0 };

  /** The model of one module (as extractModule(NAME, SOURCES)). */
  extract(name: string, sources: SourceText[]): ModuleModel {
    const parsed: ParsedSource[] = [];
    const kin = new Map<string, KinFile>();
    const prepared: { text: string; table: LineTable }[] = [];
    try {
      for (const s of sources) {
        const text = prepareSource(s.text).text;
        const table = lineTable(text);
        const tree = this.parse(s.path, text, table, kin);
        if (!tree) continue;
        // Preparing keeps every newline where it was: the line starts are the source's too
        // (less the entry past the end; LineIndex copies them).
        parsed.push({ path: s.path, text: s.text, tree, lines: new LineIndex(s.text, table.starts.subarray(0, table.hashes.length)) });
        prepared.push({ text, table });
        this.stats.files++;
      }
      this.lastLines = new Map(parsed.map((p) => [p.path, p.lines!]));
      const extractor = new IncrementalModuleExtractor({ oneShot: true });
      const model = extractor.update(name, parsed, kin);
      this.stats.itemsReused += extractor.stats.kin;
      parsed.forEach((p, i) => {
        if (p.tree.rootNode.hasError) { p.tree.delete(); return; }
        this.keep({ path: p.path, prepared: prepared[i].text, starts: prepared[i].table.starts, hashes: prepared[i].table.hashes, tree: p.tree, kin: extractor.kinOf(p.path) });
      });
      parsed.length = 0;
      return model;
    } finally {
      for (const p of parsed) p.tree.delete();
    }
  }

  /** Frees the kept trees. The session may be used again afterwards (it starts empty). */
  dispose(): void {
    for (const s of this.seen) s.tree.delete();
    this.seen = [];
    this.lastLines = new Map();
  }

  /** Parses TEXT, from a kept file's tree when one is close enough (and notes its facts in KIN). */
  private parse(path: string, text: string, table: LineTable, kin: Map<string, KinFile>): Tree | null {
    const from = this.closest(text, table);
    if (!from) return parsePrepared(text);
    const { seen, hunks } = from;
    this.seen.splice(this.seen.indexOf(seen), 1);
    // Edits from the last hunk to the first: each in coordinates the earlier ones leave alone.
    const oldStarts = seen.starts;
    const newStarts = table.starts;
    for (let h = hunks.length - 1; h >= 0; h--) seen.tree.edit(new Edit(hunkEdit(hunks[h], oldStarts, newStarts, text)));
    let tree = parsePrepared(text, seen.tree);
    seen.tree.delete();
    if (tree?.rootNode.hasError) {
      // Error recovery may depend on the old tree: read such a file as a fresh parse would.
      tree.delete();
      tree = parsePrepared(text);
      this.stats.reparsed++;
    } else this.stats.treesReused++;
    if (seen.kin) kin.set(path, { ...seen.kin, unchanged: unchangedStretches(hunks, oldStarts, newStarts) });
    return tree;
  }

  /**
   * The kept file TEXT (line table TABLE) differs least from (by a line diff of the line
   * hashes, the lines outside the hunks then compared as text), if it is close enough.
   */
  private closest(text: string, table: LineTable): { seen: Seen; hunks: LineHunk[] } | undefined {
    const lines = table.hashes;
    let best: { seen: Seen; hunks: LineHunk[]; changed: number } | undefined;
    const maxChanged = Math.floor(lines.length * MAX_CHANGED_SHARE);
    /** The hunks from S, when the lines the hashes call equal are. */
    const diff = (s: Seen, max: number) => {
      const hunks = lineHunks(s.hashes, lines, max);
      return hunks && sameOutside(hunks, s.prepared, s.starts, text, table.starts) ? hunks : undefined;
    };
    // The previous file first, straight to the diff (it gives up past a few changed lines):
    // in a series it is the one, and the line sets below cost more than that diff.
    const last = this.seen[this.seen.length - 1];
    if (last && sizesAgree(last.prepared.length, text.length)) {
      const hunks = diff(last, Math.floor(lines.length * CLOSE_ENOUGH_SHARE));
      if (hunks) return { seen: last, hunks };
    }
    // Most recent first: in a series the previous version is the likely one.
    for (let k = this.seen.length - 1; k >= 0; k--) {
      const s = this.seen[k];
      if (!sizesAgree(s.prepared.length, text.length)) continue;
      // Cheap before the diff: most of the new lines must occur in the old text at all.
      const set = (s.lineSet ??= new Set(s.hashes));
      let shared = 0;
      for (let k = 0; k < lines.length; k++) if (set.has(lines[k])) shared++;
      if (shared < lines.length - maxChanged) continue;
      const hunks = diff(s, best ? Math.min(best.changed, maxChanged) : maxChanged);
      if (!hunks) continue;
      const changed = hunks.reduce((n, h) => n + Math.max(h.a1 - h.a0, h.b1 - h.b0), 0);
      if (!best || changed < best.changed) best = { seen: s, hunks, changed };
      // Close enough: a few changed lines cost a few parses more than the best would, a
      // diff against every other kept file costs more (the previous version is this one).
      if (changed <= lines.length * CLOSE_ENOUGH_SHARE) break;
    }
    return best;
  }

  private keep(s: Seen): void {
    this.seen.push(s);
    let total = 0;
    for (const x of this.seen) total += x.prepared.length;
    while (this.seen.length > KEEP || (this.seen.length && total > KEEP_TEXT)) {
      const gone = this.seen.shift()!;
      total -= gone.prepared.length;
      gone.tree.delete();
    }
  }
}

/**
 * The stretches of lines HUNKS leave alone, as KinFile.unchanged: where text of the new file
 * (line starts NEW_STARTS) lies in one, and whether text of the old one (OLD_STARTS) does.
 * (A stretch ends at the start of the next hunk's first line: its last newline included
 * where both texts have it.)
 */
export function unchangedStretches(hunks: readonly LineHunk[], oldStarts: ArrayLike<number>, newStarts: ArrayLike<number>): NonNullable<KinFile['unchanged']> {
  // Stretch k: new lines [b[k], b[k] + n[k]) are old lines [a[k], a[k] + n[k]).
  const a: number[] = [];
  const b: number[] = [];
  const n: number[] = [];
  let i = 0;
  let j = 0;
  const add = (a0: number, b0: number, b1: number) => {
    if (b1 > b0) { a.push(a0); b.push(b0); n.push(b1 - b0); }
  };
  for (const h of hunks) {
    add(i, j, h.b0);
    i = h.a1;
    j = h.b1;
  }
  add(i, j, newStarts.length - 1);
  // The characters of each stretch: its lines and their newlines, less the one the last line
  // of either text does not have (line starts count one past the end of the text).
  const newEnd = newStarts[newStarts.length - 1] - 1;
  const oldEnd = oldStarts[oldStarts.length - 1] - 1;
  const len = n.map((count, k) => Math.min(Math.min(newStarts[b[k] + count], newEnd) - newStarts[b[k]], Math.min(oldStarts[a[k] + count], oldEnd) - oldStarts[a[k]]));
  /** The stretch holding offset S of a text with line starts STARTS, with FIRST the stretches' first lines there. */
  const stretchAt = (starts: ArrayLike<number>, first: number[], s: number): number => {
    let lo = 0;
    let hi = first.length - 1;
    if (hi < 0 || s < starts[first[0]]) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[first[mid]] <= s) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    here(s, e) {
      const k = stretchAt(newStarts, b, s);
      if (k < 0 || e > newStarts[b[k]] + len[k]) return undefined;
      return s - newStarts[b[k]] + oldStarts[a[k]];
    },
    kept(s, e) {
      const k = stretchAt(oldStarts, a, s);
      return k >= 0 && e <= oldStarts[a[k]] + len[k];
    },
  };
}

/** Whether texts of lengths A and B can be within MAX_CHANGED_SHARE of each other. */
function sizesAgree(a: number, b: number): boolean {
  const ratio = a / Math.max(1, b);
  return ratio >= 1 - MAX_CHANGED_SHARE && ratio <= 1 / (1 - MAX_CHANGED_SHARE);
}

/**
 * The tree edit of HUNK (lines of the old text -> lines of NEW_TEXT; OLD_STARTS and
 * NEW_STARTS from lineTable()), in the coordinates of a text whose later hunks are applied.
 */
export function hunkEdit(hunk: LineHunk, oldStarts: ArrayLike<number>, newStarts: ArrayLike<number>, newText: string): ConstructorParameters<typeof Edit>[0] {
  const { a0, a1, b0, b1 } = hunk;
  const oldCount = oldStarts.length - 1;
  const newCount = newStarts.length - 1;
  // Past the last line is the end of the text plus one (as if it ended with a newline). A
  // hunk that reaches the end ends one earlier; one that is empty on a side at the very end
  // starts one earlier (the newline before it belongs to it).
  let start = oldStarts[a0];
  let oldEnd = oldStarts[a1];
  let from = newStarts[b0];
  let to = newStarts[b1];
  if (a0 === oldCount || b0 === newCount) { start--; oldEnd--; from--; to--; }
  else if (a1 === oldCount) { oldEnd--; to--; }
  const startPosition = pointAt(oldStarts, start);
  const inserted = newText.slice(from, to);
  const nl = inserted.lastIndexOf('\n');
  let rows = 0;
  for (let k = inserted.indexOf('\n'); k >= 0; k = inserted.indexOf('\n', k + 1)) rows++;
  return {
    startIndex: start, oldEndIndex: oldEnd, newEndIndex: start + inserted.length,
    startPosition, oldEndPosition: pointAt(oldStarts, oldEnd),
    newEndPosition: nl < 0 ? { row: startPosition.row, column: startPosition.column + inserted.length } : { row: startPosition.row + rows, column: inserted.length - nl - 1 },
  };
}

/** The lines of a text: their starts (then the text's length plus one) and a hash of each. */
export interface LineTable {
  starts: Int32Array;
  hashes: Int32Array;
}

/**
 * The line table of TEXT, in one pass over its characters. (Splitting each file into lines
 * made thousands of strings per file that the kept files hold on to: the young-generation
 * collections copied them twice before they died.)
 */
export function lineTable(text: string): LineTable {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Int32Array(count + 1);
  const hashes = new Int32Array(count);
  let line = 0;
  // FNV-1a over the UTF-16 units of each line.
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      hashes[line++] = h;
      starts[line] = i + 1;
      h = 0x811c9dc5 | 0;
    } else h = Math.imul(h ^ c, 16777619);
  }
  hashes[line] = h;
  starts[count] = text.length + 1;
  return { starts, hashes };
}

/**
 * Whether the lines HUNKS leave alone are equal as text in OLD_TEXT and NEW_TEXT (line
 * starts OLD_STARTS, NEW_STARTS): hunks found by line hashes are used only if so.
 */
export function sameOutside(hunks: readonly LineHunk[], oldText: string, oldStarts: ArrayLike<number>, newText: string, newStarts: ArrayLike<number>): boolean {
  // Lines [a0, a1) against [b0, b1): their text and the newlines between them.
  const same = (a0: number, a1: number, b0: number, b1: number) => {
    if (a1 <= a0) return true;
    const s = oldStarts[a0];
    const e = oldStarts[a1] - 1;
    const t = newStarts[b0];
    const u = newStarts[b1] - 1;
    return e - s === u - t && oldText.slice(s, e) === newText.slice(t, u);
  };
  let i = 0;
  let j = 0;
  for (const h of hunks) {
    if (!same(i, h.a0, j, h.b0)) return false;
    i = h.a1;
    j = h.b1;
  }
  return same(i, oldStarts.length - 1, j, newStarts.length - 1);
}

/** Offsets of the starts of LINES (joined by '\n'), then the text's length plus one (lineTable's starts, from lines). */
export function lineStarts(lines: readonly string[]): number[] {
  const out = new Array<number>(lines.length + 1);
  out[0] = 0;
  for (let k = 0; k < lines.length; k++) out[k + 1] = out[k] + lines[k].length + 1;
  return out;
}

/** Row and column of OFFSET, given the line starts. */
function pointAt(starts: ArrayLike<number>, offset: number): { row: number; column: number } {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { row: lo, column: offset - starts[lo] };
}
