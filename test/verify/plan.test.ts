// verify, pure parts: a scenario planned for a real kernel (commands -> guest operations,
// directives set aside, bad lines reported) and the guest's generated /init.
import * as assert from 'node:assert';
import { planScenario, commandText } from '../../core/src/verify/plan';
import { initScript, shq } from '../../core/src/verify/initScript';

describe('verify: planning a scenario for the guest', () => {
  const plan = planScenario([
    '# a comment',
    'insmod some/dir/livepatch-sample.ko replace=1   # trailing comment',
    '#@ task kworker/0:1 kthread sleeps-in tcp_sendmsg',
    '',
    'modprobe target-mod',
    'echo 0 > /sys/kernel/livepatch/livepatch_sample/enabled',
    'cat /sys/kernel/livepatch/livepatch_sample/transition',
    'ls /sys/kernel/livepatch',
    'sysctl -w kernel.ftrace_enabled=1',
    'sysctl kernel.ftrace_enabled',
    'sleep 2.5',
    'rmmod livepatch-sample',
  ].join('\n'));
  it('keeps every command in order with its line and echo text', () => {
    assert.deepStrictEqual(plan.commands.map((c) => c.line), [2, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.strictEqual(plan.commands[0].text, 'insmod some/dir/livepatch-sample.ko replace=1');
    assert.deepStrictEqual(plan.problems, []);
  });
  it('maps commands to guest operations with kernel module names', () => {
    assert.deepStrictEqual(plan.commands[0].guest, { op: 'load', module: 'livepatch_sample', params: ['replace=1'], ifAbsent: false });
    assert.deepStrictEqual(plan.commands[1].guest, { op: 'load', module: 'target_mod', params: [], ifAbsent: true });
    assert.deepStrictEqual(plan.commands[2].guest, { op: 'write', path: '/sys/kernel/livepatch/livepatch_sample/enabled', value: '0' });
    assert.deepStrictEqual(plan.commands[5].guest, { op: 'sysctl', key: 'kernel.ftrace_enabled', value: '1' });
    assert.deepStrictEqual(plan.commands[6].guest, { op: 'sysctl', key: 'kernel.ftrace_enabled', value: undefined });
    assert.deepStrictEqual(plan.commands[8].guest, { op: 'unload', module: 'livepatch_sample' });
    assert.deepStrictEqual(plan.modules, ['livepatch_sample', 'target_mod']);
    assert.strictEqual(plan.sleepSeconds, 2.5);
  });
  it('sets directives aside (a real kernel does not enact them)', () => {
    assert.deepStrictEqual(plan.directives, [{ line: 3, text: '#@ task kworker/0:1 kthread sleeps-in tcp_sendmsg' }]);
  });
  it('reports lines that are not scenario commands', () => {
    const bad = planScenario('insmod\nreboot now\necho 1 /sys/x\nsleep forever\n');
    assert.deepStrictEqual(bad.problems.map((p) => p.line), [1, 2, 3, 4]);
    assert.match(bad.problems[1].message, /unknown command 'reboot'/);
    assert.strictEqual(bad.commands.length, 0);
  });
  it('strips trailing comments only after white space', () => {
    assert.strictEqual(commandText('  echo 1 > /sys/a#b   # note '), 'echo 1 > /sys/a#b');
  });
});

describe('verify: the guest /init', () => {
  const plan = planScenario("insmod m/lp.ko msg=it's\necho 0 > /sys/kernel/livepatch/lp/enabled\nsleep 1\n");
  const script = initScript(plan, { settleMs: 3000 });
  it('runs every command once, in order, each behind a step marker', () => {
    const steps = script.split('\n').filter((l) => l.startsWith('step '));
    assert.deepStrictEqual(steps.map((l) => l.split(';')[0]), ['step 0', 'step 1', 'step 2']);
    assert.ok(steps[0].endsWith(`/bin/klpctl -s 3000 load /lib/klp/lp.ko 'msg=it'\\''s' >&3`), steps[0]);
    assert.match(steps[1], /klpctl -s 3000 write \/sys\/kernel\/livepatch\/lp\/enabled 0 >&3$/);
    assert.match(steps[2], /klpctl -s 3000 sleep 1 >&3$/);
  });
  it('enables the livepatch debug lines and powers off after dumping the log', () => {
    assert.ok(script.includes("echo 'file kernel/livepatch/* +p' > /sys/kernel/debug/dynamic_debug/control"));
    const lines = script.trimEnd().split('\n');
    assert.strictEqual(lines[lines.length - 1], 'poweroff -f');
    assert.ok(script.indexOf('dmesg >&3') > script.lastIndexOf('step 2'));
  });
  it('quotes words for the shell', () => {
    assert.strictEqual(shq('replace=1'), 'replace=1');
    assert.strictEqual(shq("it's"), `'it'\\''s'`);
    assert.strictEqual(shq('$(reboot)'), `'$(reboot)'`);
  });
});
