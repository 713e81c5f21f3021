// file: URIs <-> file system paths. Paths are the server's keys (the core speaks paths);
// the URI a client used for an open document is kept and reused when talking back to it.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { normalize } from '../../core/src/extract';

/** The normalised path of a file: URI; undefined for other schemes (untitled:, git:, ...). */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return normalize(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

/** Remembers the exact URI spelling a client used for a path (drive letters, escapes). */
export class UriBook {
  private readonly spelled = new Map<string, string>();

  remember(path: string, uri: string): void {
    this.spelled.set(path, uri);
  }

  uriOf(path: string): string {
    return this.spelled.get(path) ?? pathToUri(path);
  }
}
