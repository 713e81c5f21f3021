// Helpers of the CLI tests: the built `klp-studio` (dist/cli.js) run as a user runs it, and
// what its help texts say (synopsis, documented options), read from the commands themselves.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COMMANDS, type Command } from '../../cli/src/main';
import { command as check } from '../../cli/src/commands/check';
import { command as series } from '../../cli/src/commands/series';
import { command as simulate } from '../../cli/src/commands/simulate';
import { command as timeline } from '../../cli/src/commands/timeline';
import { command as verify } from '../../cli/src/commands/verify';
import { command as lsp } from '../../cli/src/commands/lsp';

export const ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli.js');

export interface Run { status: number | null; stdout: string; stderr: string }

export function klp(args: string[], cwd = ROOT, input?: string, env?: NodeJS.ProcessEnv): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120000, input, env: env && { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function requireBuild(): void {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
}

export function tmpdir(prefix = 'klp-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const LOADED: Record<string, Command> = { check, series, simulate, timeline, verify, lsp };

/** Every subcommand, in main's order (main loads them lazily; the tests import them). */
export async function commands(): Promise<[string, Command][]> {
  const names = Object.keys(COMMANDS);
  if (names.length !== Object.keys(LOADED).length || names.some((n) => !LOADED[n])) {
    throw new Error(`test/cli/run.ts does not know every command of cli/src/main.ts: ${names.join(', ')}`);
  }
  return names.map((n) => [n, LOADED[n]]);
}

/** The synopsis of a help text: its lines up to the first blank one. */
export function synopsis(usage: string): string {
  return usage.split('\n\n')[0];
}

/** The options named in a text: `--name` and `-x` tokens (not inside words, not `--` alone). */
export function optionTokens(text: string): string[] {
  return [...new Set([...text.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])/g)].map((m) => m[1]))];
}

/** The options a help text documents: the first token of each option line (`  --name ...`, `  -o, --output ...`). */
export function documentedOptions(usage: string): string[] {
  const out: string[] = [];
  for (const l of usage.split('\n')) {
    const m = /^ {2}(-[^ ].*?)(?: {2,}|$)/.exec(l);
    if (m) out.push(...optionTokens(m[1]));
  }
  return out;
}
