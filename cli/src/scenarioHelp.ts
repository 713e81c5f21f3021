// `klp-studio help scenario`: a one-screen summary of the .klpsim scenario language, the
// full description being docs/SCENARIOS.md. test/cli/scenario-help.test.ts holds it to the
// parser (core/src/scenario/parse.ts): every command and directive the parser accepts is
// listed here, nothing else is, and every example line parses.

/** The lines of the summary that show a command's form (after two spaces), in order. */
export const SCENARIO_COMMAND_FORMS = [
  'insmod PATH/NAME.ko [param=value ...]',
  'modprobe NAME [param=value ...]',
  'rmmod NAME',
  'echo V > /sys/kernel/livepatch/P/enabled',
  'echo V > /sys/kernel/livepatch/P/force',
  'echo V > /sys/module/NAME/parameters/PARAM',
  'cat /sys/kernel/livepatch/P/ATTR',
  'cat /sys/kernel/livepatch/P/OBJ/patched',
  'cat /sys/module/NAME/parameters/PARAM',
  'ls /sys/kernel/livepatch',
  'sysctl [-w] kernel.ftrace_enabled=0|1',
  'sleep N',
];

/** The directive forms, exactly as the parser names them when it expects one. */
export const SCENARIO_DIRECTIVE_FORMS = [
  '#@ task NAME [pid=N] [kthread] sleeps-in FUNC[,FUNC...]',
  '#@ task NAME running-on-cpu',
  '#@ task NAME leaves FUNC',
  '#@ task NAME exits',
  '#@ kernel reliable_stacktrace=y|n',
];

/** A scenario every line of which the parser accepts (the test parses it). */
export const SCENARIO_EXAMPLE = [
  '# lp_v2 (cumulative) replaces lp_v1 while a worker sleeps in patched code',
  'insmod lp_v1.ko',
  '#@ task kworker/1:2 kthread sleeps-in tcp_sendmsg',
  'insmod lp_v2.ko               # .replace = true: stalls on the worker',
  'cat /sys/kernel/livepatch/lp_v2/transition',
  'sleep 15                      # retries each second; signals at the 15th',
  'echo 1 > /sys/kernel/livepatch/lp_v2/force',
];

export function scenarioHelpText(): string {
  const form = (f: string, what: string) => `  ${f}\n      ${what}`;
  return [
    'usage: klp-studio simulate FILE.klpsim   (also timeline, verify)',
    '',
    'A .klpsim scenario is a shell script for a test VM: the commands below, one per',
    'line, run in order, each followed by "# comment" if you like. What the simulator',
    'needs beyond the shell hides in "#@" lines, which sh ignores: the same file runs',
    'on a real kernel (klp-studio verify) and in the simulator. Blank lines and "#"',
    'comments are skipped; anything else is an error naming the line. Module NAMEs',
    'resolve to C sources below the scenario\'s folder and each --path DIR (Kbuild',
    'obj-m/NAME-y lines, else NAME.c); "-" in a file name is "_" in a module name.',
    '',
    'commands:',
    form(SCENARIO_COMMAND_FORMS[0], 'load module NAME (PATH is only echoed); parameters as on a kernel'),
    form(SCENARIO_COMMAND_FORMS[1], 'load module NAME; a loaded one is left alone, silently'),
    form(SCENARIO_COMMAND_FORMS[2], 'unload module NAME'),
    form(SCENARIO_COMMAND_FORMS[3], 'V is 1/0/y/n/on/off: disable patch P, or reverse its transition'),
    form(SCENARIO_COMMAND_FORMS[4], 'force the transition of P (every task switches at once)'),
    form(SCENARIO_COMMAND_FORMS[5], 'change a module parameter while the module is loaded'),
    form(SCENARIO_COMMAND_FORMS[6], 'ATTR: enabled, transition, replace, stack_order'),
    form(SCENARIO_COMMAND_FORMS[7], 'OBJ: vmlinux or a module name'),
    form(SCENARIO_COMMAND_FORMS[8], 'a module parameter\'s value'),
    form(SCENARIO_COMMAND_FORMS[9], 'the patches, sorted, on one line'),
    form(SCENARIO_COMMAND_FORMS[10], 'at 0 no livepatch can register; refused while one is applied'),
    form(SCENARIO_COMMAND_FORMS[11], 'N seconds of virtual time pass: one retry of a stalled transition'),
    '      per second, signals to the remaining tasks every 15 seconds',
    '',
    'directives (the simulated machine; a real kernel has them already):',
    form(SCENARIO_DIRECTIVE_FORMS[0], 'a task whose stack holds these functions (originals or a patch\'s'),
    '      new functions): it blocks a transition that changes what one runs',
    form(SCENARIO_DIRECTIVE_FORMS[1], 'a task always running on another CPU: it never switches'),
    form(SCENARIO_DIRECTIVE_FORMS[2], 'the task\'s stack no longer holds FUNC'),
    form(SCENARIO_DIRECTIVE_FORMS[3], 'the task is gone'),
    form(SCENARIO_DIRECTIVE_FORMS[4], 'n: stacks cannot be checked; tasks switch only at user-space'),
    '      return, on a signal or by force',
    '',
    'After each command the system settles: a transition is retried, a virtual',
    'second apart, as long as each retry switches a task; then it stays stalled until',
    'the next command. The transcript prints "% COMMAND", then the kernel\'s lines',
    '(livepatch debug messages included, unless --no-debug), then what the command',
    'printed.',
    '',
    'example:',
    ...SCENARIO_EXAMPLE.map((l) => `  ${l}`),
    '',
    'The whole language and the transcript: docs/SCENARIOS.md; the kernel\'s rules',
    'it follows: docs/SEMANTICS.md.',
  ].join('\n') + '\n';
}
