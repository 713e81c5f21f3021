// `klp-studio verify`: turns what the guest reported (klpctl's protocol lines on the
// second serial port, then the kernel log) into the transcript of
// docs/SCENARIOS.md: `% command`, the kernel lines the command caused
// (filtered to the contract: `livepatch:` lines and callback lines), then what the command
// itself prints, in the tools' wording. Pure: no I/O; golden-tested with captured logs.
import type { PlannedCommand, VerifyPlan } from './plan';
import { KMSG_END, KMSG_STEP, RESULTS_DMESG_BEGIN, RESULTS_DMESG_END } from './initScript';

/** What the guest reported for one command. */
export interface RealStep {
  command: PlannedCommand;
  /** 'ok', an errno number, or klpctl's rmmod refusals. Undefined when the guest never got there. */
  result?: number | 'notloaded' | 'inuse';
  /** The failing syscall when it is not the command's main one ('open'). */
  failedAt?: string;
  /** Lines the command printed (cat/ls/sysctl values). */
  output: string[];
  /** Kernel log lines between this command's marker and the next one (timestamps removed). */
  kernel: string[];
  /** The kernel lines the transcript keeps. */
  kept: string[];
  /**
   * How settling ended: milliseconds waited until nothing was pending, 'stalled' when a
   * retry left a task behind (the transition stays pending, as in the simulator), or
   * 'timeout' when the limit passed with no retry seen, 'none' when the command changed
   * nothing (a read, a sleep, a refused operation).
   */
  settled?: number | 'stalled' | 'timeout' | 'none';
}

export interface RealRun {
  steps: RealStep[];
  /** The transcript lines (no trailing newline per line). */
  lines: string[];
  /** Guest uptime at the first command and after the last one (s). */
  uptimeStart?: number;
  uptimeEnd?: number;
  /** /proc/sys/kernel/tainted at the end. */
  tainted?: number;
  /** The whole kernel log (timestamps kept). */
  dmesg: string[];
  /** True when the guest reached the end of the scenario and dumped its log. */
  complete: boolean;
}

/** strerror texts of the errnos a livepatch scenario meets (glibc wording). */
const STRERROR: Record<number, string> = {
  1: 'Operation not permitted', 2: 'No such file or directory', 3: 'No such process', 4: 'Interrupted system call',
  5: 'Input/output error', 6: 'No such device or address', 7: 'Argument list too long', 8: 'Exec format error',
  11: 'Resource temporarily unavailable', 12: 'Cannot allocate memory', 13: 'Permission denied', 14: 'Bad address',
  16: 'Device or resource busy', 17: 'File exists', 19: 'No such device', 20: 'Not a directory',
  21: 'Is a directory', 22: 'Invalid argument', 27: 'File too large', 28: 'No space left on device',
  30: 'Read-only file system', 34: 'Numerical result out of range', 38: 'Function not implemented',
  61: 'No data available', 62: 'Timer expired', 71: 'Protocol error', 74: 'Bad message', 95: 'Operation not supported',
  110: 'Connection timed out', 129: 'Key was rejected by service',
};

export function strerror(errno: number): string {
  return STRERROR[errno] ?? `Unknown error ${errno}`;
}

const TIMESTAMP = /^\[\s*\d+\.\d+\]\s?/;
/** `<patch module>: <callback function>: vmlinux` or `...: <module> -> [MODULE_STATE_X] text`. */
export const CALLBACK_LINE = /^[A-Za-z0-9_]+: [A-Za-z_][A-Za-z0-9_]*: (vmlinux|[A-Za-z0-9_]+ -> \[MODULE_STATE_[A-Z]+\] .+)$/;

/** The module loader's parameter messages (kernel/params.c), which the simulator prints too. */
const PARAM_LINE = /^[A-Za-z0-9_]+: (unknown parameter '[^']*' ignored|[`'][^']*' invalid for parameter [`'][^']*')$/;

/**
 * Whether a kernel log line belongs in the transcript: livepatch core lines (except the
 * per-task `klp_try_switch_task` debug lines, which the contract leaves out), callback
 * lines in the contract's format and the loader's module parameter messages. Other module
 * loader lines (taint, signature) are not kept.
 */
export function keepKernelLine(line: string): boolean {
  if (line.startsWith('livepatch: ')) return !line.startsWith('livepatch: klp_try_switch_task:');
  return CALLBACK_LINE.test(line) || PARAM_LINE.test(line);
}

/** What a command prints itself, in the wording of the contract, given its result. */
export function commandOutput(step: Pick<RealStep, 'command' | 'result' | 'failedAt' | 'output'>): string[] {
  const { command: c, result: r } = step;
  if (r === undefined) return [];
  if (r === 'notloaded') return [`rmmod: ERROR: Module ${c.subject} is not currently loaded`];
  if (r === 'inuse') return [`rmmod: ERROR: Module ${c.subject} is in use`];
  if (r === 0) return step.output;
  const err = strerror(r);
  switch (c.verb) {
    case 'insmod': return [`insmod: ERROR: could not insert module ${c.subject}: ${err}`];
    case 'modprobe': return [`modprobe: ERROR: could not insert '${c.subject}': ${err}`];
    case 'rmmod': return [`rmmod: ERROR: could not remove module ${c.subject}: ${err}`];
    case 'echo': return step.failedAt === 'open' ? [`${c.subject}: ${err}`] : [`echo: write error: ${err}`];
    case 'cat':
    case 'ls': return [`${c.subject}: ${err}`];
    case 'sysctl': return c.guest.op === 'sysctl' && c.guest.value !== undefined
      ? [`sysctl: setting key "${c.subject}": ${err}`]
      : [`sysctl: cannot stat /proc/sys/${c.subject.replace(/\./g, '/')}: ${err}`];
    default: return [`${c.verb}: ${err}`];
  }
}

function parseResult(rest: string): { result: RealStep['result']; failedAt?: string } {
  const [code, at] = rest.split(' ');
  if (code === 'notloaded' || code === 'inuse') return { result: code };
  const n = Number(code);
  return { result: Number.isInteger(n) ? n : undefined, failedAt: at };
}

/**
 * Builds the real transcript from the text of the guest's result channel. Tolerates a
 * truncated capture (a timeout): the commands the guest did not reach print only their
 * `%` line, and `complete` is false.
 */
export function realTranscript(plan: VerifyPlan, guestOutput: string): RealRun {
  const steps: RealStep[] = plan.commands.map((command) => ({ command, output: [], kernel: [], kept: [] }));
  const run: RealRun = { steps, lines: [], dmesg: [], complete: false };
  let current: RealStep | undefined;
  let inDmesg = false;
  let uptimes = 0;
  for (const raw of guestOutput.split(/\r?\n/)) {
    const line = raw.replace(/\r/g, '');
    if (inDmesg) {
      if (line === RESULTS_DMESG_END) { inDmesg = false; run.complete = true; continue; }
      run.dmesg.push(line);
      continue;
    }
    if (line === RESULTS_DMESG_BEGIN) { inDmesg = true; continue; }
    const tag = line.slice(0, 2);
    const rest = line.slice(2);
    if (tag === 'S ') current = steps[Number(rest)];
    else if (tag === 'R ' && current) Object.assign(current, parseResult(rest));
    else if (tag === 'O ' && current) current.output.push(rest);
    else if (line === 'O' && current) current.output.push('');
    else if (tag === 'W ' && current) current.settled = rest === 'timeout' || rest === 'none' ? rest : rest.startsWith('stalled') ? 'stalled' : Number(rest);
    else if (tag === 'U ') {
      if (uptimes++ === 0) run.uptimeStart = Number(rest);
      else run.uptimeEnd = Number(rest);
    } else if (tag === 'T ') run.tainted = Number(rest);
  }
  // Attribute kernel lines to the command whose marker precedes them.
  let owner: RealStep | undefined;
  for (const raw of run.dmesg) {
    const text = raw.replace(TIMESTAMP, '');
    if (text.startsWith(KMSG_STEP)) { owner = steps[Number(text.slice(KMSG_STEP.length))]; continue; }
    if (text === KMSG_END) { owner = undefined; continue; }
    if (!owner || text.startsWith('klpverify: ')) continue; // klpctl's own records
    owner.kernel.push(text);
    if (keepKernelLine(text)) owner.kept.push(text);
  }
  for (const s of steps) run.lines.push(`% ${s.command.text}`, ...s.kept, ...commandOutput(s));
  return run;
}

/** Transcript lines as the CLI prints them (newline-terminated). */
export function transcriptText(lines: string[]): string {
  return lines.length ? lines.join('\n') + '\n' : '';
}
