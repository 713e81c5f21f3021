// verify, pure parts: the unified diff, the simulator profile chosen for a kernel version,
// the comparison the CLI reports (no kernel-version masking); the initramfs writer and the PVH note check.
import * as assert from 'node:assert';
import { unifiedDiff } from '../../core/src/verify/diff';
import { compareTranscripts, simulatorProfileFor } from '../../core/src/verify/compare';
import { planScenario } from '../../core/src/verify/plan';
import { cpioArchive } from '../../verify/src/cpio';
import { hasPvhNote } from '../../verify/src/pvh';

describe('verify: unified diff', () => {
  it('is empty for equal inputs', () => {
    assert.deepStrictEqual(unifiedDiff(['a', 'b'], ['a', 'b'], 'x', 'y'), { equal: true, text: '' });
  });
  it('shows one changed line with its context', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8'];
    const b = ['1', '2', '3', '4', 'five', '6', '7', '8'];
    assert.strictEqual(unifiedDiff(a, b, 'sim', 'real').text, '--- sim\n+++ real\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n');
  });
  it('a moved line (the signal printed one command earlier) is one deletion and one insertion', () => {
    const sim = ['% sleep 11', '% cat t', '1', '% sleep 5', 'livepatch: signaling remaining tasks'];
    const real = ['% sleep 11', '% cat t', 'livepatch: signaling remaining tasks', '1', '% sleep 5'];
    const d = unifiedDiff(sim, real, 'sim', 'real');
    assert.strictEqual(d.text.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++')).length, 1);
    assert.strictEqual(d.text.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---')).length, 1);
  });
  it('handles insertions at the start and deletions at the end', () => {
    const d = unifiedDiff(['x'], ['new', 'x', 'y'], 'a', 'b');
    assert.strictEqual(d.text, '--- a\n+++ b\n@@ -1,1 +1,3 @@\n+new\n x\n+y\n');
    assert.strictEqual(unifiedDiff(['a'], [], 'a', 'b').text, '--- a\n+++ b\n@@ -1,1 +0,0 @@\n-a\n');
  });
});

describe('verify: the simulator runs the profile of the kernel it is compared with', () => {
  it('each measured kernel is simulated with its own profile; others get the nearest measured one and a note', () => {
    assert.deepStrictEqual(simulatorProfileFor('6.1'), { profile: '6.1' });
    assert.deepStrictEqual(simulatorProfileFor('6.12'), { profile: '6.12' });
    assert.deepStrictEqual(simulatorProfileFor('7.2'), { profile: '7.2' });
    const near = simulatorProfileFor('6.6');
    assert.strictEqual(near.profile, '6.1');
    assert.match(near.note ?? '', /no profile measured on kernel 6\.6: it ran the nearest measured one, 6\.1/);
    assert.strictEqual(simulatorProfileFor('6.15').profile, '6.12');
    assert.strictEqual(simulatorProfileFor('7.4').profile, '7.2');
  });
  const plan = planScenario('insmod lp.ko\ncat /sys/kernel/livepatch/lp/replace\ncat /sys/kernel/livepatch/lp/enabled\n');
  const real = ['% insmod lp.ko', '% cat /sys/kernel/livepatch/lp/replace', '/sys/kernel/livepatch/lp/replace: No such file or directory', '% cat /sys/kernel/livepatch/lp/enabled', '1'];
  const ctx = { release: '6.1.0-56-amd64', profile: { profile: '6.1' as const } };
  it('nothing a kernel version shows is masked: a sysfs file the simulator invents is a difference', () => {
    const latest = ['% insmod lp.ko', '% cat /sys/kernel/livepatch/lp/replace', '0', '% cat /sys/kernel/livepatch/lp/enabled', '1'];
    const c = compareTranscripts(plan, ctx, real, latest);
    assert.strictEqual(c.agree, false);
    assert.match(c.diff, /^-0\n\+\/sys\/kernel\/livepatch\/lp\/replace: No such file or directory$/m);
    assert.match(c.diff, /^--- simulator \(--kernel 6\.1\)$/m);
    assert.deepStrictEqual(c.notes, []);
  });
  it('equal transcripts agree, and the nearest-profile note is passed on', () => {
    assert.ok(compareTranscripts(plan, ctx, real, [...real]).agree);
    const c = compareTranscripts(plan, { release: '6.6.0', profile: simulatorProfileFor('6.6') }, real, [...real]);
    assert.ok(c.agree);
    assert.match(c.notes.join(), /nearest measured one/);
  });
  it('notes directives the real kernel does not enact', () => {
    const p = planScenario('#@ task w kthread sleeps-in f\ninsmod lp.ko\n');
    assert.match(compareTranscripts(p, ctx, ['% insmod lp.ko'], ['% insmod lp.ko']).notes.join(), /directive/);
  });
});

/** Reads a newc archive back: name -> {mode, data}. */
function readCpio(buf: Buffer): Map<string, { mode: number; data: Buffer; rdev: [number, number] }> {
  const out = new Map<string, { mode: number; data: Buffer; rdev: [number, number] }>();
  let off = 0;
  const field = (i: number) => parseInt(buf.toString('ascii', off + 6 + i * 8, off + 14 + i * 8), 16);
  for (;;) {
    assert.strictEqual(buf.toString('ascii', off, off + 6), '070701');
    const mode = field(1);
    const size = field(6);
    const rdev: [number, number] = [field(9), field(10)];
    const namesize = field(11);
    const name = buf.toString('utf8', off + 110, off + 110 + namesize - 1);
    let p = off + 110 + namesize;
    p += (4 - (p % 4)) % 4;
    const data = buf.subarray(p, p + size);
    p += size;
    p += (4 - (p % 4)) % 4;
    if (name === 'TRAILER!!!') return out;
    out.set(name, { mode, data, rdev });
    off = p;
  }
}

describe('verify: initramfs writer', () => {
  it('writes files, directories and device nodes that read back', () => {
    const a = cpioArchive([
      { path: 'bin', type: 'dir', perm: 0o755 },
      { path: 'init', type: 'file', perm: 0o755, data: Buffer.from('#!/bin/sh\necho hi\n') },
      { path: 'dev/console', type: 'chardev', perm: 0o600, rdev: [5, 1] },
      { path: 'odd', type: 'file', perm: 0o644, data: Buffer.from('abc') },
    ]);
    assert.strictEqual(a.length % 4, 0);
    const r = readCpio(a);
    assert.deepStrictEqual([...r.keys()], ['bin', 'init', 'dev/console', 'odd']);
    assert.strictEqual(r.get('bin')!.mode, 0o040755);
    assert.strictEqual(r.get('init')!.data.toString(), '#!/bin/sh\necho hi\n');
    assert.strictEqual(r.get('dev/console')!.mode, 0o020600);
    assert.deepStrictEqual(r.get('dev/console')!.rdev, [5, 1]);
    assert.strictEqual(r.get('odd')!.data.toString(), 'abc');
  });
});

/** A minimal ELF64 with one PT_NOTE segment holding one note. */
function elfWithNote(name: string, type: number): Buffer {
  const nameBuf = Buffer.from(name + '\0');
  const namePad = (nameBuf.length + 3) & ~3;
  const note = Buffer.alloc(12 + namePad + 4);
  note.writeUInt32LE(nameBuf.length, 0);
  note.writeUInt32LE(4, 4);
  note.writeUInt32LE(type, 8);
  nameBuf.copy(note, 12);
  const h = Buffer.alloc(64 + 56);
  h.writeUInt32BE(0x7f454c46, 0);
  h[4] = 2;
  h[5] = 1;
  h.writeBigUInt64LE(64n, 32); // e_phoff
  h.writeUInt16LE(56, 54); // e_phentsize
  h.writeUInt16LE(1, 56); // e_phnum
  h.writeUInt32LE(4, 64); // PT_NOTE
  h.writeBigUInt64LE(BigInt(h.length), 64 + 8); // p_offset
  h.writeBigUInt64LE(BigInt(note.length), 64 + 32); // p_filesz
  return Buffer.concat([h, note]);
}

describe('verify: PVH kernel detection', () => {
  it('finds the Xen PVH entry note and nothing else', () => {
    assert.ok(hasPvhNote(elfWithNote('Xen', 18)));
    assert.ok(!hasPvhNote(elfWithNote('Xen', 6)));
    assert.ok(!hasPvhNote(elfWithNote('GNU', 18)));
    assert.ok(!hasPvhNote(Buffer.from('MZ not an elf at all, just bytes to look at......................')));
  });
});

describe('verify: modules whose callbacks print nothing', () => {
  const plan = planScenario('insmod lp_a.ko\n');
  const sim = ['% insmod lp_a.ko', "livepatch: enabling patch 'lp_a'", 'lp_a: pre_cb: vmlinux', "livepatch: 'lp_a': patching complete"];
  it('a livepatch that printed no callback line at all is not compared on its callback lines', () => {
    const real = ['% insmod lp_a.ko', "livepatch: enabling patch 'lp_a'", "livepatch: 'lp_a': patching complete"];
    const c = compareTranscripts(plan, { release: 'r', profile: { profile: '6.1' } }, real, sim);
    assert.ok(c.agree);
    assert.match(c.notes.join('\n'), /lp_a printed no callback line/);
  });
  it('a livepatch that printed some callback lines is compared on all of them', () => {
    const real = ['% insmod lp_a.ko', "livepatch: enabling patch 'lp_a'", 'lp_a: other_cb: vmlinux', "livepatch: 'lp_a': patching complete"];
    assert.strictEqual(compareTranscripts(plan, { release: 'r', profile: { profile: '6.1' } }, real, sim).agree, false);
  });
});
