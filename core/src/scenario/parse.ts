// Parser of `.klpsim` scenario files (format: docs/SCENARIOS.md): the shell
// subset (insmod, modprobe, rmmod, echo, cat, ls, sysctl, sleep) and the `#@` directives.
// Never throws: every malformed line becomes an error `FILE:LINE: error: WHAT (expected ...)`.
// Used by `klp-studio simulate` and by the language server for .klpsim files.
import type { Range } from '../model';

export type ParamArg = { name: string; value: string | undefined };

export type ScenarioCommand =
  | { verb: 'insmod'; path: string; module: string; params: ParamArg[] }
  | { verb: 'modprobe'; module: string; params: ParamArg[] }
  | { verb: 'rmmod'; module: string }
  | { verb: 'echo'; value: string; path: string }
  | { verb: 'cat'; path: string }
  | { verb: 'ls'; path: string }
  | { verb: 'sysctl'; key: string; value?: string }
  | { verb: 'sleep'; seconds: number };

export type ScenarioDirective =
  | { kind: 'task'; task: string; pid?: number; kthread: boolean; sleepsIn: string[]; runningOnCpu: boolean }
  | { kind: 'task-leaves'; task: string; func: string }
  | { kind: 'task-exits'; task: string }
  | { kind: 'kernel'; reliableStacktrace: boolean };

export interface ScenarioStepBase {
  /** 1-based line number. */
  line: number;
  /** The text without trailing comment and surrounding white space. */
  text: string;
  /** Range of `text` in the file. */
  range: Range;
}
export type ScenarioStep =
  | (ScenarioStepBase & { type: 'command'; command: ScenarioCommand })
  | (ScenarioStepBase & { type: 'directive'; directive: ScenarioDirective });

export interface ScenarioError {
  line: number;
  range: Range;
  /** What is wrong. */
  message: string;
  /** What was expected there. */
  expected: string;
}

export interface Scenario {
  file: string;
  steps: ScenarioStep[];
  errors: ScenarioError[];
}

/** `FILE:LINE: error: WHAT (expected ...)` */
export function formatScenarioError(file: string, e: ScenarioError): string {
  return `${file}:${e.line}: error: ${e.message} (expected ${e.expected})`;
}

/** Kernel module name: basename without `.ko`, every `-` turned into `_`. */
export function kernelModuleName(pathOrName: string): string {
  const base = pathOrName.split('/').pop() ?? pathOrName;
  return base.replace(/\.ko$/, '').replace(/-/g, '_');
}

const COMMANDS = 'insmod, modprobe, rmmod, echo, cat, ls, sysctl or sleep';
const DIRECTIVES = "'#@ task NAME [pid=N] [kthread] sleeps-in FUNC[,FUNC...]', '#@ task NAME running-on-cpu', '#@ task NAME leaves FUNC', '#@ task NAME exits' or '#@ kernel reliable_stacktrace=y|n'";
const IDENT = /^[A-Za-z_][A-Za-z0-9_.]*$/;
/**
 * Longest `sleep` the simulator accepts. Each virtual second is one retry of a stalled
 * transition (events for every blocked task), so an unbounded `sleep` could keep the CLI or
 * the server busy for ever; an hour is 240 signal rounds, far beyond any real test.
 */
export const MAX_SLEEP_SECONDS = 3600;
const MODNAME = /^[A-Za-z0-9_-]+$/;

/** Splits on white space, honouring simple '...' and "..." quoting. */
function words(s: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") { quote = ch; has = true; }
    else if (/\s/.test(ch)) { if (has || cur) out.push(cur); cur = ''; has = false; }
    else { cur += ch; has = true; }
  }
  if (quote) return undefined;
  if (has || cur) out.push(cur);
  return out;
}

/** Removes a trailing `# comment` (a `#` at the start or after white space). */
function stripComment(s: string): string {
  const m = /(^|\s)#/.exec(s);
  return m ? s.slice(0, m.index) : s;
}

export function parseScenario(file: string, text: string): Scenario {
  const steps: ScenarioStep[] = [];
  const errors: ScenarioError[] = [];
  const lines = text.split(/\r?\n/);
  // Tasks declared so far and their stacks, to check leaves/exits statically.
  const tasks = new Map<string, Set<string>>();
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const trimmed = raw.trim();
    if (!trimmed) return;
    const start = raw.indexOf(trimmed[0]);
    if (trimmed.startsWith('#@')) {
      const body = stripComment(trimmed.slice(2)).trim();
      const textOut = ('#@ ' + body).trim();
      const range = { start: { line: i, character: start }, end: { line: i, character: start + stripComment(trimmed.slice(2)).trimEnd().length + 2 } };
      const err = (message: string, expected: string) => errors.push({ line: lineNo, range, message, expected });
      const d = parseDirective(body, tasks, err);
      if (d) steps.push({ type: 'directive', line: lineNo, text: textOut, range, directive: d });
      return;
    }
    if (trimmed.startsWith('#')) return;
    const cmdText = stripComment(trimmed).trimEnd();
    const range = { start: { line: i, character: start }, end: { line: i, character: start + cmdText.length } };
    const err = (message: string, expected: string) => errors.push({ line: lineNo, range, message, expected });
    const c = parseCommand(cmdText, err);
    if (c) steps.push({ type: 'command', line: lineNo, text: cmdText, range, command: c });
  });
  return { file, steps, errors };
}

function parseParams(ws: string[], err: (m: string, e: string) => void): ParamArg[] | undefined {
  const out: ParamArg[] = [];
  for (const w of ws) {
    const eq = w.indexOf('=');
    const name = eq < 0 ? w : w.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) { err(`bad module parameter '${w}'`, 'param=value'); return undefined; }
    out.push({ name, value: eq < 0 ? undefined : w.slice(eq + 1) });
  }
  return out;
}

function parseCommand(text: string, err: (m: string, e: string) => void): ScenarioCommand | undefined {
  const ws = words(text);
  if (!ws) { err(`unterminated quote in '${text}'`, 'a closing quote'); return undefined; }
  const [verb, ...args] = ws;
  switch (verb) {
    case 'insmod': {
      if (!args.length) { err(`'${text}' names no module`, 'insmod PATH/NAME.ko [param=value ...]'); return undefined; }
      const path = args[0];
      const base = path.split('/').pop() ?? '';
      if (!/\.ko$/.test(base) || !MODNAME.test(base.slice(0, -3))) { err(`'${path}' is not a module file`, 'insmod PATH/NAME.ko [param=value ...]'); return undefined; }
      const params = parseParams(args.slice(1), err);
      return params && { verb, path, module: kernelModuleName(base), params };
    }
    case 'modprobe': {
      if (!args.length || args[0].startsWith('-') || !MODNAME.test(args[0])) { err(`'${text}' names no module`, 'modprobe NAME [param=value ...]'); return undefined; }
      const params = parseParams(args.slice(1), err);
      return params && { verb, module: kernelModuleName(args[0]), params };
    }
    case 'rmmod': {
      if (args.length !== 1 || !MODNAME.test(kernelModuleName(args[0]))) { err(`'${text}' needs exactly one module name`, 'rmmod NAME'); return undefined; }
      return { verb, module: kernelModuleName(args[0]) };
    }
    case 'echo': {
      // echo [-n] V > PATH  (also V >PATH)
      const m = /^echo\s+(?:-n\s+)?(.*?)\s*>\s*(\S+)\s*$/.exec(text);
      if (!m) { err(`'${text}' is not a write to a file`, 'echo V > /sys/...'); return undefined; }
      const vw = words(m[1]);
      if (!vw || vw.length !== 1) { err(`'${text}' writes ${vw && vw.length > 1 ? 'more than one' : 'no'} value`, 'echo V > /sys/...'); return undefined; }
      const path = m[2];
      if (!isSysfsPath(path)) { err(`'${path}' is not a path the simulator knows`, '/sys/kernel/livepatch/P/enabled|force or /sys/module/NAME/parameters/PARAM'); return undefined; }
      return { verb, value: vw[0], path };
    }
    case 'cat': {
      if (args.length !== 1) { err(`'${text}' needs exactly one file`, 'cat /sys/kernel/livepatch/P/ATTR'); return undefined; }
      if (!isSysfsPath(args[0])) { err(`'${args[0]}' is not a path the simulator knows`, '/sys/kernel/livepatch/P/ATTR, /sys/kernel/livepatch/P/OBJ/patched or /sys/module/NAME/parameters/PARAM'); return undefined; }
      return { verb, path: args[0] };
    }
    case 'ls': {
      if (args.length !== 1 || args[0].replace(/\/+$/, '') !== '/sys/kernel/livepatch') { err(`'${text}' lists something the simulator does not know`, 'ls /sys/kernel/livepatch'); return undefined; }
      return { verb, path: '/sys/kernel/livepatch' };
    }
    case 'sysctl': {
      const rest = args[0] === '-w' ? args.slice(1) : args;
      if (rest.length !== 1) { err(`'${text}' is not a sysctl the simulator knows`, 'sysctl [-w] kernel.ftrace_enabled=0|1'); return undefined; }
      const eq = rest[0].indexOf('=');
      const key = (eq < 0 ? rest[0] : rest[0].slice(0, eq)).replace(/\//g, '.');
      if (key !== 'kernel.ftrace_enabled') { err(`unknown sysctl key '${key}'`, 'kernel.ftrace_enabled'); return undefined; }
      if (eq < 0 && args[0] === '-w') { err(`'${text}' sets no value`, 'sysctl -w kernel.ftrace_enabled=0|1'); return undefined; }
      return { verb, key, value: eq < 0 ? undefined : rest[0].slice(eq + 1) };
    }
    case 'sleep': {
      if (args.length !== 1 || !/^\d+$/.test(args[0])) { err(`'${text}' needs a whole number of seconds`, 'sleep N'); return undefined; }
      const seconds = parseInt(args[0], 10);
      if (!(seconds <= MAX_SLEEP_SECONDS)) { err(`'${text}' sleeps longer than the simulator allows`, `sleep N with N at most ${MAX_SLEEP_SECONDS} (one hour of virtual time)`); return undefined; }
      return { verb, seconds };
    }
    default:
      err(`unknown command '${text}'`, COMMANDS);
      return undefined;
  }
}

function isSysfsPath(p: string): boolean {
  return /^\/sys\/kernel\/livepatch\/[^/]+(\/[^/]+){0,2}\/?$/.test(p) || /^\/sys\/module\/[^/]+\/parameters\/[^/]+$/.test(p);
}

function parseDirective(body: string, tasks: Map<string, Set<string>>, err: (m: string, e: string) => void): ScenarioDirective | undefined {
  const ws = body.split(/\s+/).filter(Boolean);
  if (ws[0] === 'kernel') {
    const m = ws.length === 2 ? /^reliable_stacktrace=(y|n|Y|N|1|0)$/.exec(ws[1]) : null;
    if (!m) { err(`unknown kernel directive '#@ ${body}'`, "'#@ kernel reliable_stacktrace=y|n'"); return undefined; }
    return { kind: 'kernel', reliableStacktrace: /^[yY1]$/.test(m[1]) };
  }
  if (ws[0] !== 'task') { err(`unknown directive '#@ ${body}'`, DIRECTIVES); return undefined; }
  const name = ws[1];
  if (!name) { err(`'#@ ${body}' names no task`, DIRECTIVES); return undefined; }
  let i = 2;
  let pid: number | undefined;
  let kthread = false;
  for (; i < ws.length; i++) {
    const pm = /^pid=(\d+)$/.exec(ws[i]);
    if (pm) pid = parseInt(pm[1], 10);
    else if (ws[i] === 'kthread') kthread = true;
    else break;
  }
  const verb = ws[i];
  const rest = ws.slice(i + 1);
  switch (verb) {
    case 'sleeps-in': {
      const funcs = rest.join(',').split(',').filter(Boolean);
      if (!funcs.length || !funcs.every((f) => IDENT.test(f))) { err(`'#@ ${body}' names no functions`, 'sleeps-in FUNC[,FUNC...]'); return undefined; }
      const stack = tasks.get(name) ?? new Set<string>();
      funcs.forEach((f) => stack.add(f));
      tasks.set(name, stack);
      return { kind: 'task', task: name, pid, kthread, sleepsIn: funcs, runningOnCpu: false };
    }
    case 'running-on-cpu':
      if (rest.length) { err(`unexpected '${rest.join(' ')}' after running-on-cpu`, "'#@ task NAME running-on-cpu'"); return undefined; }
      if (!tasks.has(name)) tasks.set(name, new Set());
      return { kind: 'task', task: name, pid, kthread, sleepsIn: [], runningOnCpu: true };
    case 'leaves': {
      if (pid !== undefined || kthread) { err(`'#@ ${body}' mixes options with leaves`, "'#@ task NAME leaves FUNC'"); return undefined; }
      if (rest.length !== 1 || !IDENT.test(rest[0])) { err(`'#@ ${body}' needs one function`, "'#@ task NAME leaves FUNC'"); return undefined; }
      const stack = tasks.get(name);
      if (!stack) { err(`unknown task '${name}'`, `a task declared earlier with '#@ task ${name} ...'`); return undefined; }
      if (!stack.has(rest[0])) { err(`task '${name}' does not sleep in '${rest[0]}'`, `one of: ${[...stack].join(', ') || '(no functions)'}`); return undefined; }
      stack.delete(rest[0]);
      return { kind: 'task-leaves', task: name, func: rest[0] };
    }
    case 'exits':
      if (rest.length || pid !== undefined || kthread) { err(`unexpected words in '#@ ${body}'`, "'#@ task NAME exits'"); return undefined; }
      if (!tasks.has(name)) { err(`unknown task '${name}'`, `a task declared earlier with '#@ task ${name} ...'`); return undefined; }
      tasks.delete(name);
      return { kind: 'task-exits', task: name };
    default:
      err(`unknown task directive '#@ ${body}'`, DIRECTIVES);
      return undefined;
  }
}
