// What a CLI command receives: its arguments and where to write. Tests run commands
// in-process with captured streams; the real entry point passes the process's.
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Current directory for relative paths. */
  cwd: string;
  /** True when stderr is a terminal (progress lines are shown only then). */
  isTTY: boolean;
}

/** Bad usage: main prints the message and exits with status 2. */
export class UsageError extends Error {}

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
