// Host environment for `klp-studio verify`: the cache directory, running host tools
// (with cancellation and a time limit), and the checks that turn a missing tool into a
// message saying what is missing and how to install it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The environment cannot run the check (missing tool, no network, build failure...): exit 3. */
export class VerifyEnvError extends Error {}

/** The run was cancelled (Ctrl-C, the editor's Cancel button). */
export class VerifyCancelled extends Error {
  constructor() { super('cancelled'); }
}

/** Where downloads and builds are kept between runs: $KLP_STUDIO_CACHE, else ~/.cache/klp-studio/verify. */
export function cacheRoot(): string {
  if (process.env.KLP_STUDIO_CACHE) return path.resolve(process.env.KLP_STUDIO_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'klp-studio', 'verify');
}

export interface ExecResult { code: number; stdout: string; stderr: string }

export interface ExecOptions {
  cwd?: string;
  signal?: AbortSignal;
  /** Milliseconds; the process is killed after it. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a program to completion and collects its output. Never throws for a non-zero exit. */
export function exec(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new VerifyCancelled());
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const kill = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); } };
    const onAbort = () => kill();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = opts.timeoutMs ? setTimeout(() => { timedOut = true; kill(); }, opts.timeoutMs) : undefined;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      reject(e.code === 'ENOENT' ? new VerifyEnvError(`'${cmd}' is not installed`) : e);
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return reject(new VerifyCancelled());
      if (timedOut) return reject(new VerifyEnvError(`'${cmd} ${args.join(' ')}' took longer than ${Math.round(opts.timeoutMs! / 1000)} s and was stopped`));
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Absolute path of PROGRAM on $PATH (also /usr/sbin and /sbin, which a user's PATH may lack), or undefined. */
export function which(program: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, program);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch { /* next */ }
  }
  return undefined;
}

/** A host tool verify needs, and the Debian package that provides it. */
interface Tool { program: string; pkg: string; why: string }

const TOOLS: Tool[] = [
  { program: 'qemu-system-x86_64', pkg: 'qemu-system-x86', why: 'boots the kernel' },
  { program: 'gcc', pkg: 'gcc', why: 'builds the modules and the guest loader' },
  { program: 'make', pkg: 'make', why: 'runs Kbuild' },
];

/** Finds busybox built statically (the guest has no libc): busybox-static's /bin/busybox. */
export function findStaticBusybox(): string | undefined {
  for (const p of [process.env.KLP_STUDIO_BUSYBOX, '/bin/busybox', '/usr/bin/busybox']) {
    if (!p) continue;
    try {
      const head = fs.readFileSync(p).subarray(0, 4096);
      // A dynamically linked ELF names its interpreter (PT_INTERP: /lib64/ld-linux...).
      if (head.includes(Buffer.from('/lib64/ld-linux')) || head.includes(Buffer.from('ld-linux-x86-64'))) continue;
      return p;
    } catch { /* next */ }
  }
  return undefined;
}

const INSTALL_HINT = 'On Debian 12: sudo apt-get install --no-install-recommends qemu-system-x86 busybox-static gcc make libc6-dev libelf1 libssl3 (or run verify/setup.sh).';

/** Throws a VerifyEnvError listing every missing tool and how to install it. */
export function checkHostTools(): { qemu: string; busybox: string } {
  const missing: string[] = [];
  for (const t of TOOLS) if (!which(t.program)) missing.push(`${t.program} (package ${t.pkg}: ${t.why})`);
  const busybox = findStaticBusybox();
  if (!busybox) missing.push('a statically linked busybox (package busybox-static: the guest\'s shell)');
  if (!fs.existsSync('/usr/lib/x86_64-linux-gnu/libc.a') && !fs.existsSync('/usr/lib/libc.a')) missing.push('libc.a (package libc6-dev: links the guest loader statically)');
  if (missing.length) throw new VerifyEnvError(`these tools are not installed:\n  - ${missing.join('\n  - ')}\n${INSTALL_HINT}`);
  return { qemu: which('qemu-system-x86_64')!, busybox: busybox! };
}

/** Writes FILE atomically (temp file + rename) so a cancelled run never leaves half a file. */
export function writeFileAtomic(file: string, data: string | Buffer, mode?: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data, mode !== undefined ? { mode } : undefined);
  fs.renameSync(tmp, file);
}
