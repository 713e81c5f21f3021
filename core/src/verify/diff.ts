// `klp-studio verify`: a unified diff of two transcripts (line based, longest common
// subsequence; transcripts are short). Pure.

export interface DiffResult {
  equal: boolean;
  /** `--- a` / `+++ b` / `@@` hunks, newline-terminated; empty when equal. */
  text: string;
}

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

function ops(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { out.push({ kind: ' ', line: a[i], a: i++, b: j++ }); continue; }
    // deletions before insertions, as diff -u prints them
    if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) out.push({ kind: '-', line: a[i], a: i++, b: j });
    else out.push({ kind: '+', line: b[j], a: i, b: j++ });
  }
  return out;
}

/** Unified diff of A (labelled aName) against B (bName) with CONTEXT lines around changes. */
export function unifiedDiff(a: string[], b: string[], aName: string, bName: string, context = 3): DiffResult {
  const all = ops(a, b);
  if (all.every((o) => o.kind === ' ')) return { equal: true, text: '' };
  const lines = [`--- ${aName}`, `+++ ${bName}`];
  let k = 0;
  while (k < all.length) {
    while (k < all.length && all[k].kind === ' ') k++;
    if (k >= all.length) break;
    const start = Math.max(0, k - context);
    let end = k;
    // extend the hunk while the next change is within 2*context unchanged lines
    for (;;) {
      while (end < all.length && all[end].kind !== ' ') end++;
      let gap = end;
      while (gap < all.length && all[gap].kind === ' ') gap++;
      if (gap < all.length && gap - end <= 2 * context) { end = gap; continue; }
      end = Math.min(all.length, end + context);
      break;
    }
    const hunk = all.slice(start, end);
    const aStart = hunk[0].a;
    const bStart = hunk[0].b;
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    lines.push(`@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@`);
    for (const o of hunk) lines.push(o.kind + o.line);
    k = end;
  }
  return { equal: false, text: lines.join('\n') + '\n' };
}
