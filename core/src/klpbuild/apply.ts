// Applies one file's hunks to the original text in memory, as `patch -p1` without fuzz
// would: each hunk at its stated line, else at the nearest line where its old side matches
// exactly (an offset, which patch accepts and klp-build warns about). The result keeps,
// for every line of the patched text and every removed line, the patch line it comes from,
// so findings about the patched code land on the `.patch` file. Pure, never throws.
import type { FileDiff, Hunk } from './diff';

export interface AppliedHunk {
  hunk: Hunk;
  /** 0-based first line of the hunk's old side in the original, and of its new side in the result. */
  oldAt: number;
  newAt: number;
  /** Lines the hunk moved from its stated place (0: where it said). */
  offset: number;
}

export interface AppliedFile {
  /** The patched text; undefined when the file is deleted. */
  after?: string;
  /** For each line of `after`: the patch line it comes from ('+' or context), or -1 (outside the hunks). */
  afterToPatch: number[];
  /** For each line of `after`: true when the patch added it. */
  added: boolean[];
  /** 0-based lines of the original that the patch removes, with their patch lines. */
  removed: Map<number, number>;
  hunks: AppliedHunk[];
  /** Hunks that do not apply (their old side is not in the original): left out. */
  failed: { hunk: Hunk; message: string }[];
}

function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  if (text === '') return { lines: [], finalNewline: true };
  const finalNewline = text.endsWith('\n');
  const lines = (finalNewline ? text.slice(0, -1) : text).split('\n');
  return { lines, finalNewline };
}

const norm = (s: string) => s.replace(/\r$/, '');

function matchesAt(orig: string[], at: number, old: string[]): boolean {
  if (at < 0 || at + old.length > orig.length) return false;
  for (let k = 0; k < old.length; k++) if (norm(orig[at + k]) !== old[k]) return false;
  return true;
}

/** Applies FILE's hunks to ORIGINAL (undefined: the file does not exist, as for a new file). */
export function applyFileDiff(file: FileDiff, original: string | undefined): AppliedFile {
  const { lines: orig, finalNewline } = splitLines(original ?? '');
  const out: string[] = [];
  const afterToPatch: number[] = [];
  const added: boolean[] = [];
  const removed = new Map<number, number>();
  const hunks: AppliedHunk[] = [];
  const failed: AppliedFile['failed'] = [];
  let cursor = 0; // next original line not yet copied
  let lastLineNoNewline = false;

  for (const h of file.hunks) {
    const old = h.lines.filter((l) => l.kind !== '+').map((l) => l.text);
    const stated = h.oldCount === 0 ? h.oldStart : h.oldStart - 1; // `-0,0` means "after line 0"
    let at = -1;
    for (let d = 0; d <= orig.length; d++) {
      if (stated - d >= cursor && matchesAt(orig, stated - d, old)) { at = stated - d; break; }
      if (d > 0 && stated + d >= cursor && matchesAt(orig, stated + d, old)) { at = stated + d; break; }
      if (stated - d < cursor && stated + d > orig.length) break;
    }
    if (at < 0) {
      failed.push({ hunk: h, message: `hunk does not apply: its old lines are not in the original file${original === undefined ? ' (the file does not exist in the tree)' : ''}` });
      continue;
    }
    while (cursor < at) { out.push(orig[cursor++]); afterToPatch.push(-1); added.push(false); }
    const newAt = out.length;
    for (const l of h.lines) {
      if (l.kind === '-') { removed.set(cursor++, l.patchLine); continue; }
      out.push(l.text);
      afterToPatch.push(l.patchLine);
      added.push(l.kind === '+');
      if (l.kind === ' ') cursor++;
      lastLineNoNewline = !!l.noNewline && l.kind !== ' ' ? true : lastLineNoNewline;
    }
    hunks.push({ hunk: h, oldAt: at, newAt, offset: at - stated });
  }
  while (cursor < orig.length) { out.push(orig[cursor++]); afterToPatch.push(-1); added.push(false); }
  const deleted = file.newPath === undefined;
  const after = deleted ? undefined : out.join('\n') + (out.length && (finalNewline && !lastLineNoNewline) ? '\n' : '');
  return { after, afterToPatch, added, removed, hunks, failed };
}
