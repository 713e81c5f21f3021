// The unified-diff reader of the klp-build workflow: a `.patch` file (git format-patch,
// `diff -Nupr`, quilt) as files and hunks, each line with its 0-based line in the patch.
// Never throws: what does not read as a diff becomes a line-numbered problem and is left
// out (a mail header, a commit message and a trailing signature are not problems).
// Paths are taken as `patch -p1` takes them (the first component dropped), as klp-build does.

/** One line of a hunk: context (' '), removed ('-') or added ('+'). */
export interface HunkLine {
  kind: ' ' | '-' | '+';
  text: string;
  /** 0-based line in the patch. */
  patchLine: number;
  /** Followed by `\ No newline at end of file`. */
  noNewline?: boolean;
}

export interface Hunk {
  /** 1-based start lines and counts, as in `@@ -oldStart,oldCount +newStart,newCount @@`. */
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  /** The text after the second `@@` (diff -p's guess of the enclosing function: not reliable). */
  section: string;
  /** 0-based line of the `@@` header in the patch, and of the hunk's last line. */
  headerLine: number;
  endLine: number;
  lines: HunkLine[];
}

export interface FileDiff {
  /** Path in the tree before / after (first component stripped); undefined for /dev/null. */
  oldPath?: string;
  newPath?: string;
  /** The path the change is about: newPath, or oldPath for a deletion. */
  path: string;
  /** 0-based line of the `---` header (or of `diff --git` for a header-only change). */
  headerLine: number;
  /** 0-based line of the file's last line in the patch. */
  endLine: number;
  hunks: Hunk[];
  /** A git binary patch or a header-only change (mode, rename without content). */
  binary?: boolean;
}

export interface DiffProblem {
  /** 0-based line in the patch. */
  line: number;
  message: string;
}

export interface ParsedDiff {
  files: FileDiff[];
  problems: DiffProblem[];
}

/** `a/kernel/fork.c` -> `kernel/fork.c`; `/dev/null` -> undefined. The timestamp after a tab is dropped. */
export function stripPath(raw: string): string | undefined {
  let p = raw.replace(/\t.*$/, '').trim();
  if (p.startsWith('"') && p.endsWith('"') && p.length >= 2) p = p.slice(1, -1);
  if (!p || p === '/dev/null') return undefined;
  // `diff -u old new` without a tab before the date: drop a trailing date.
  p = p.replace(/\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?( [+-]\d{4})?$/, '');
  const slash = p.indexOf('/');
  return slash >= 0 ? p.slice(slash + 1) : p;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

/** Reads TEXT as a unified diff. Never throws. */
export function parseUnifiedDiff(text: string): ParsedDiff {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const files: FileDiff[] = [];
  const problems: DiffProblem[] = [];
  let gitHeader: { line: number; oldPath?: string; newPath?: string; binary?: boolean } | undefined;

  const flushGitHeaderOnly = () => {
    // `diff --git` with no ---/+++ (a mode change, a pure rename, a binary file).
    if (gitHeader && (gitHeader.oldPath || gitHeader.newPath)) {
      const path = gitHeader.newPath ?? gitHeader.oldPath!;
      files.push({ oldPath: gitHeader.oldPath, newPath: gitHeader.newPath, path, headerLine: gitHeader.line, endLine: gitHeader.line, hunks: [], binary: true });
    }
    gitHeader = undefined;
  };

  let i = 0;
  while (i < lines.length) {
    const l = lines[i];
    if (l.startsWith('diff --git ')) {
      flushGitHeaderOnly();
      const m = /^diff --git (\S+) (\S+)$/.exec(l);
      gitHeader = { line: i, oldPath: m ? stripPath(m[1]) : undefined, newPath: m ? stripPath(m[2]) : undefined };
      i++;
      continue;
    }
    if (gitHeader && /^(new file mode|deleted file mode|old mode|new mode|similarity index|dissimilarity index|rename from|rename to|copy from|copy to|index) /.test(l)) {
      if (l.startsWith('new file mode')) gitHeader.oldPath = undefined;
      if (l.startsWith('deleted file mode')) gitHeader.newPath = undefined;
      i++;
      continue;
    }
    if (gitHeader && (l.startsWith('Binary files ') || l === 'GIT binary patch')) { gitHeader.binary = true; i++; continue; }
    if (l.startsWith('--- ') && i + 1 < lines.length && lines[i + 1].startsWith('+++ ')) {
      const file: FileDiff = {
        oldPath: stripPath(l.slice(4)),
        newPath: stripPath(lines[i + 1].slice(4)),
        path: '',
        headerLine: i,
        endLine: i + 1,
        hunks: [],
      };
      file.path = file.newPath ?? file.oldPath ?? '';
      if (!file.path) problems.push({ line: i, message: 'both sides of this file are /dev/null' });
      gitHeader = undefined;
      i += 2;
      while (i < lines.length && lines[i].startsWith('@@')) {
        const h = HUNK.exec(lines[i]);
        if (!h) { problems.push({ line: i, message: `malformed hunk header '${lines[i].slice(0, 60)}' (expected '@@ -START,COUNT +START,COUNT @@')` }); i++; skipHunkBody(); continue; }
        const hunk: Hunk = {
          oldStart: Number(h[1]), oldCount: h[2] === undefined ? 1 : Number(h[2]),
          newStart: Number(h[3]), newCount: h[4] === undefined ? 1 : Number(h[4]),
          section: h[5].trim(), headerLine: i, endLine: i, lines: [],
        };
        i++;
        let oldSeen = 0;
        let newSeen = 0;
        while (i < lines.length && (oldSeen < hunk.oldCount || newSeen < hunk.newCount)) {
          const b = lines[i];
          const c = b[0];
          if (c === '\\') { if (hunk.lines.length) hunk.lines[hunk.lines.length - 1].noNewline = true; i++; continue; }
          // An empty line inside a hunk is a context line whose space was eaten by a mailer.
          const kind = b === '' ? ' ' : c === ' ' || c === '-' || c === '+' ? c : undefined;
          if (!kind) break;
          if (kind === '-' && oldSeen >= hunk.oldCount) break;
          if (kind === '+' && newSeen >= hunk.newCount) break;
          if (kind === ' ' && (oldSeen >= hunk.oldCount || newSeen >= hunk.newCount)) break;
          hunk.lines.push({ kind, text: b.slice(1), patchLine: i });
          if (kind !== '+') oldSeen++;
          if (kind !== '-') newSeen++;
          i++;
        }
        if (i < lines.length && lines[i].startsWith('\\')) { if (hunk.lines.length) hunk.lines[hunk.lines.length - 1].noNewline = true; i++; }
        if (oldSeen !== hunk.oldCount || newSeen !== hunk.newCount) {
          problems.push({ line: hunk.headerLine, message: `hunk says -${hunk.oldCount} +${hunk.newCount} lines but has -${oldSeen} +${newSeen} (truncated or hand-edited); read as far as it goes` });
          hunk.oldCount = oldSeen;
          hunk.newCount = newSeen;
        }
        hunk.endLine = Math.max(hunk.headerLine, i - 1);
        file.hunks.push(hunk);
        file.endLine = hunk.endLine;
      }
      if (!file.hunks.length && file.path) problems.push({ line: file.headerLine, message: `no hunk for ${file.path}` });
      files.push(file);
      continue;
    }
    if (l.startsWith('@@') && HUNK.test(l)) {
      problems.push({ line: i, message: 'hunk outside of a file (no ---/+++ header before it): ignored' });
      i++;
      skipHunkBody();
      continue;
    }
    i++;
  }
  flushGitHeaderOnly();
  return { files, problems };

  function skipHunkBody(): void {
    while (i < lines.length && /^[ +\-\\]/.test(lines[i]) && !lines[i].startsWith('--- ') && !lines[i].startsWith('+++ ')) i++;
  }
}
