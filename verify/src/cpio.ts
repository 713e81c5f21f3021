// A minimal writer of the `newc` cpio format the kernel unpacks as an initramfs: regular
// files, directories, symlinks and device nodes, owned by root. Uncompressed (every kernel
// accepts it, and it costs no time to make).
export interface CpioEntry {
  path: string; // relative, no leading slash
  type: 'file' | 'dir' | 'symlink' | 'chardev';
  /** Permission bits (e.g. 0o755). */
  perm: number;
  data?: Buffer; // file contents, or the symlink target
  /** chardev major/minor. */
  rdev?: [number, number];
}

const TYPE_BITS = { file: 0o100000, dir: 0o040000, symlink: 0o120000, chardev: 0o020000 } as const;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(n: number): Buffer {
  return Buffer.alloc((4 - (n % 4)) % 4);
}

export function cpioArchive(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const add = (name: string, mode: number, data: Buffer, rdev: [number, number] = [0, 0], nlink = 1) => {
    const nameBuf = Buffer.from(name + '\0');
    const header = '070701' + [ino++, mode, 0, 0, nlink, 0, data.length, 0, 0, rdev[0], rdev[1], nameBuf.length, 0].map(hex8).join('');
    parts.push(Buffer.from(header, 'ascii'), nameBuf, pad4(110 + nameBuf.length), data, pad4(data.length));
  };
  for (const e of entries) {
    const data = e.type === 'file' || e.type === 'symlink' ? e.data ?? Buffer.alloc(0) : Buffer.alloc(0);
    add(e.path.replace(/^\/+/, ''), TYPE_BITS[e.type] | e.perm, data, e.rdev, e.type === 'dir' ? 2 : 1);
  }
  add('TRAILER!!!', 0, Buffer.alloc(0), [0, 0], 1);
  return Buffer.concat(parts);
}
