// What a CLI command receives: its arguments and where to write. Tests run commands
// in-process with captured streams; the real entry point passes the process's. Also the
// argument parser and the errors every command reports the same way (usage, inputs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeHost } from '../../common/src/nodeHost';
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Current directory for relative paths. */
  cwd: string;
  /** True when stderr is a terminal (progress lines are shown only then). */
  isTTY: boolean;
}

/** Bad usage: main prints the message, points to the command's --help, and exits with status 2. */
export class UsageError extends Error {}

/** An input that cannot be used (missing, a folder for a file, unreadable): the message alone, exit status 2. */
export class InputError extends UsageError {}

/** The C library's wording of the errors a user meets on the command line (as `ls` or `cat` print them). */
const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EEXIST: 'File exists',
};

export function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return (code && ERRNO_TEXT[code]) ?? (code || (e instanceof Error ? e.message : String(e)));
}

/**
 * Reads the file the user named (GIVEN, relative to io.cwd): its absolute path and text.
 * A missing file, a folder (ON_FOLDER says what to give instead) or anything but a regular,
 * readable file is an InputError that names GIVEN as typed.
 */
export function readInputFile(io: CliIO, given: string, onFolder: string): { file: string; text: string } {
  const file = path.resolve(io.cwd, given);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new InputError(`${given}: ${errnoText(e)}`);
  }
  if (st.isDirectory()) throw new InputError(`${given}: Is a directory (${onFolder})`);
  if (!st.isFile()) throw new InputError(`${given}: not a regular file`);
  const text = nodeHost.readFile(file);
  if (text === undefined) {
    try { fs.accessSync(file, fs.constants.R_OK); } catch (e) { throw new InputError(`${given}: ${errnoText(e)}`); }
    throw new InputError(`${given}: cannot be read`);
  }
  // A NUL byte never occurs in a scenario, a source or JSON: this is a binary file, and
  // parsing it would only echo its bytes back as errors.
  if (text.includes('\0')) throw new InputError(`${given}: a binary file, not text`);
  return { file, text };
}

/** The folder the user named: its absolute path, or an InputError (missing, or a file: ON_FILE says what to give). */
export function inputFolder(io: CliIO, given: string, onFile: string, prefix = ''): string {
  const dir = path.resolve(io.cwd, given);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (e) {
    throw new InputError(`${prefix}${given}: ${errnoText(e)}`);
  }
  if (!st.isDirectory()) throw new InputError(`${prefix}${given}: Not a directory (${onFile})`);
  return dir;
}

/** FILE as the user reads it best: relative to the current directory when below it, else absolute. */
export function showPath(io: CliIO, file: string): string {
  const rel = path.relative(io.cwd, file);
  if (rel === '') return '.';
  return !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
}

/**
 * Parses `--name value`, `--name=value` and boolean `--name` options. `valued` lists the
 * options that take a value; any other `--x` is boolean; unknown options are errors.
 */
export function parseArgs(argv: string[], valued: string[], booleans: string[]): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  const add = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('-') && a !== '-') {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (valued.includes(name)) {
        const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`option ${name} needs a value`);
        add(name, v);
      } else if (booleans.includes(name)) {
        if (eq > 0) throw new UsageError(`option ${name} takes no value`);
        add(name, 'true');
      } else {
        throw new UsageError(`unknown option ${name}`);
      }
    } else positionals.push(a);
  }
  return { positionals, flags };
}

export function flag(p: ParsedArgs, name: string): boolean {
  return p.flags.has(name);
}

export function option(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return v ? v[v.length - 1] : undefined;
}

export function choice<T extends string>(p: ParsedArgs, name: string, allowed: readonly T[], dflt: T): T {
  const v = option(p, name);
  if (v === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`${name} must be one of ${allowed.join(', ')} (got '${v}')`);
  return v as T;
}
