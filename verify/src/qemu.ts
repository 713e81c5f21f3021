// Boots the kernel with the scenario's initramfs under QEMU (TCG: nested KVM is not
// reliable, and -smp 1 makes transitions finish inside the command that starts them),
// reports the guest's progress lines as they come, and stops the VM on timeout or
// cancellation. The guest's results arrive on its second serial port (a file here).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { VerifyCancelled, VerifyEnvError } from './env';
import { CONSOLE_DONE, CONSOLE_STEP } from '../../core/src/verify/initScript';

export interface BootOptions {
  qemu: string;
  vmlinuz: string;
  initrd: string;
  /** File that receives the guest's ttyS1 (results + kernel log). */
  resultsFile: string;
  smp: number;
  memoryMb: number;
  /** 'tcg' (default) or 'kvm'. */
  accel: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with (0-based command index, total) when the guest starts a command. */
  onStep?: (index: number, total: number) => void;
}

export interface BootResult {
  /** The guest's console (ttyS0) output: kernel warnings and progress lines. */
  console: string;
  wallMs: number;
  /** Milliseconds from start until the guest's first progress line (boot time). */
  bootMs?: number;
}

// no_timer_check: under a loaded host, TCG can fail the boot-time timer IRQ check
// ("IO-APIC + timer doesn't work!") and panic.
export const KERNEL_CMDLINE = 'console=ttyS0 panic=-1 quiet printk.devkmsg=on log_buf_len=4M no_timer_check';

export function qemuArgs(o: BootOptions): string[] {
  return [
    '-accel', o.accel, '-m', String(o.memoryMb), '-smp', String(o.smp),
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-serial', 'stdio', '-serial', `file:${o.resultsFile}`,
    '-kernel', o.vmlinuz, '-initrd', o.initrd, '-append', KERNEL_CMDLINE,
  ];
}

export function boot(o: BootOptions): Promise<BootResult> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(new VerifyCancelled());
    const start = Date.now();
    const child = spawn(o.qemu, qemuArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
    let consoleText = '';
    let stderr = '';
    let pending = '';
    let bootMs: number | undefined;
    let done = false;
    let why: 'timeout' | 'cancel' | undefined;
    const stop = (reason: 'timeout' | 'cancel') => { why = reason; child.kill('SIGKILL'); };
    const onAbort = () => stop('cancel');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => stop('timeout'), o.timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      const s = d.toString('utf8');
      consoleText += s;
      pending += s;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).replace(/\r/g, '');
        pending = pending.slice(nl + 1);
        if (line.startsWith(CONSOLE_STEP)) {
          bootMs ??= Date.now() - start;
          const [i, n] = line.slice(CONSOLE_STEP.length).split('/').map(Number);
          o.onStep?.(i, n);
        } else if (line === CONSOLE_DONE) done = true;
      }
    });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e.code === 'ENOENT' ? new VerifyEnvError(`${o.qemu} is not installed (Debian: apt-get install qemu-system-x86)`) : e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      const wallMs = Date.now() - start;
      const tail = consoleText.replace(/\r/g, '').trimEnd().split('\n').slice(-15).join('\n');
      if (why === 'cancel') return reject(new VerifyCancelled());
      if (why === 'timeout') {
        return reject(new VerifyEnvError(`the VM did not finish the scenario within ${Math.round(o.timeoutMs / 1000)} s (raise --timeout?); its console ended with:\n${tail || '(nothing)'}`));
      }
      if (!done) {
        const results = fs.existsSync(o.resultsFile) ? fs.readFileSync(o.resultsFile, 'utf8') : '';
        if (!results.includes('@@dmesg-end')) {
          return reject(new VerifyEnvError(`QEMU exited (status ${code}) before the scenario finished.${stderr.trim() ? `\nQEMU: ${stderr.trim()}` : ''}\nThe guest console ended with:\n${tail || '(nothing)'}`));
        }
      }
      resolve({ console: consoleText, wallMs, bootMs });
    });
  });
}
