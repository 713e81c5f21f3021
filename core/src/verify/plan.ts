// `klp-studio verify`: turns a scenario's text into what the guest must do, command by
// command (which kernel operation, on which module file or sysfs path), and collects what
// a real kernel cannot reproduce (`#@` directives). Pure: no I/O.
import { moduleNameOf } from '../extract';

/** One kernel operation the guest's klpctl performs for a scenario command. */
export type GuestOp =
  | { op: 'load'; module: string; params: string[]; ifAbsent: boolean }
  | { op: 'unload'; module: string }
  | { op: 'write'; path: string; value: string }
  | { op: 'read'; path: string }
  | { op: 'ls'; path: string }
  | { op: 'sysctl'; key: string; value?: string }
  | { op: 'sleep'; seconds: number };

export interface PlannedCommand {
  /** 0-based index among the scenario's commands. */
  index: number;
  /** 1-based line in the scenario. */
  line: number;
  /** The command exactly as the transcript echoes it (comment and surrounding blanks removed). */
  text: string;
  /** insmod, modprobe, rmmod, echo, cat, ls, sysctl, sleep. */
  verb: string;
  /** The argument the tools' error messages name (insmod: the path as written; rmmod/modprobe: the name). */
  subject: string;
  guest: GuestOp;
}

export interface PlanProblem { line: number; text: string; message: string }

export interface VerifyPlan {
  commands: PlannedCommand[];
  /** `#@` directives: simulator-only, not enacted on a real kernel. */
  directives: { line: number; text: string }[];
  /** Module names the scenario loads (insmod/modprobe), in first-use order. */
  modules: string[];
  /** Lines that are not commands of the scenario format. */
  problems: PlanProblem[];
  /** Total seconds of `sleep` commands (they really pass in the VM). */
  sleepSeconds: number;
}

/** The command part of a scenario line: trailing ` # comment` and surrounding blanks removed. */
export function commandText(raw: string): string {
  let s = raw.trim();
  const c = s.search(/\s#/);
  if (c >= 0) s = s.slice(0, c).trimEnd();
  return s;
}

function planCommand(text: string, index: number, line: number): PlannedCommand | string {
  const words = text.split(/\s+/);
  const verb = words[0];
  const make = (subject: string, guest: GuestOp): PlannedCommand => ({ index, line, text, verb, subject, guest });
  switch (verb) {
    case 'insmod': {
      if (words.length < 2 || !words[1].endsWith('.ko')) return 'expected: insmod PATH/NAME.ko [param=value ...]';
      return make(words[1], { op: 'load', module: moduleNameOf(words[1]), params: words.slice(2), ifAbsent: false });
    }
    case 'modprobe': {
      if (words.length < 2) return 'expected: modprobe NAME [param=value ...]';
      return make(words[1], { op: 'load', module: moduleNameOf(words[1]), params: words.slice(2), ifAbsent: true });
    }
    case 'rmmod': {
      if (words.length !== 2) return 'expected: rmmod NAME';
      return make(moduleNameOf(words[1]), { op: 'unload', module: moduleNameOf(words[1]) });
    }
    case 'echo': {
      if (words.length !== 4 || words[2] !== '>' || !words[3].startsWith('/')) return 'expected: echo VALUE > /sys/...';
      return make(words[3], { op: 'write', path: words[3], value: words[1] });
    }
    case 'cat': {
      if (words.length !== 2 || !words[1].startsWith('/')) return 'expected: cat /sys/...';
      return make(words[1], { op: 'read', path: words[1] });
    }
    case 'ls': {
      if (words.length !== 2 || !words[1].startsWith('/')) return 'expected: ls /sys/kernel/livepatch';
      return make(words[1], { op: 'ls', path: words[1] });
    }
    case 'sysctl': {
      const rest = words.slice(1).filter((w) => w !== '-w');
      if (rest.length !== 1) return 'expected: sysctl [-w] kernel.ftrace_enabled[=0|1]';
      const eq = rest[0].indexOf('=');
      const key = eq < 0 ? rest[0] : rest[0].slice(0, eq);
      return make(key, { op: 'sysctl', key, value: eq < 0 ? undefined : rest[0].slice(eq + 1) });
    }
    case 'sleep': {
      const n = Number(words[1]);
      if (words.length !== 2 || !Number.isFinite(n) || n < 0) return 'expected: sleep SECONDS';
      return make(words[1], { op: 'sleep', seconds: n });
    }
    default:
      return `unknown command '${verb}' (expected insmod, modprobe, rmmod, echo, cat, ls, sysctl or sleep)`;
  }
}

/** Plans a scenario for a real kernel. Never throws: bad lines become problems. */
export function planScenario(text: string): VerifyPlan {
  const plan: VerifyPlan = { commands: [], directives: [], modules: [], problems: [], sleepSeconds: 0 };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const t = raw.trim();
    if (!t) return;
    if (t.startsWith('#@')) { plan.directives.push({ line, text: t }); return; }
    if (t.startsWith('#')) return;
    const cmd = commandText(t);
    const planned = planCommand(cmd, plan.commands.length, line);
    if (typeof planned === 'string') { plan.problems.push({ line, text: cmd, message: planned }); return; }
    plan.commands.push(planned);
    if (planned.guest.op === 'load' && !plan.modules.includes(planned.guest.module)) plan.modules.push(planned.guest.module);
    if (planned.guest.op === 'sleep') plan.sleepSeconds += planned.guest.seconds;
  });
  return plan;
}
