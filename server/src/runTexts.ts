// The texts read from disk while a workspace index runs, read once: the index's include scan,
// the extraction and the patch summaries each read every module file, three reads, three
// opens, stats and UTF-8 decodings of the same bytes in a row. Between its begin() and end()
// (the index: scan, then analysis of what it found) a file read again gives the text first
// read; a change the file watcher reports is forgotten at once, and an index that starts
// when none runs starts from nothing (overlapping ones share what is read). Bounded in
// characters: past the bound, files are read as without it.
import type { FileHost } from '../../core/src/host';

/** The most characters kept (all texts together): a kernel tree's index marks few files. */
const MAX_CHARS = 64 * 1024 * 1024;

export class RunTexts {
  private readonly texts = new Map<string, string | undefined>();
  private chars = 0;
  private runs = 0;

  /** An index starts (indexes may overlap: a newer one supersedes an older one). */
  begin(): void {
    if (this.runs++ === 0) this.clear();
  }

  /** An index is over (however it ended). */
  end(): void {
    if (this.runs > 0 && --this.runs === 0) this.clear();
  }

  /** PATH changed on disk: read it again when asked. */
  forget(path: string): void {
    const t = this.texts.get(path);
    if (this.texts.delete(path)) this.chars -= t?.length ?? 0;
  }

  /** INNER, reading through this cache while an index runs. */
  wrap(inner: FileHost): FileHost {
    return {
      readFile: (p) => {
        if (!this.runs) return inner.readFile(p);
        if (this.texts.has(p)) return this.texts.get(p);
        const text = inner.readFile(p);
        const size = text?.length ?? 0;
        if (this.chars + size <= MAX_CHARS) {
          this.texts.set(p, text);
          this.chars += size;
        }
        return text;
      },
      readBytes: inner.readBytes ? (p, max) => inner.readBytes!(p, max) : undefined,
      readDir: (p) => inner.readDir(p),
    };
  }

  private clear(): void {
    this.texts.clear();
    this.chars = 0;
  }
}
