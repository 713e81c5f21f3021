// Faster boots: under TCG, decompressing the xz-compressed bzImage costs seconds. The
// uncompressed kernel inside it is an ELF with a PVH entry note, which QEMU boots
// directly with -kernel. Extracted once (xz -dc) into the kernel's cache folder; any
// problem falls back to the bzImage.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { which } from './env';

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
/** XEN_ELFNOTE_PHYS32_ENTRY: the 32-bit PVH entry point QEMU looks for. */
const PVH_NOTE_TYPE = 18;

/** True when BUF is a 64-bit little-endian ELF with a "Xen" note of the PVH entry type. */
export function hasPvhNote(buf: Buffer): boolean {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) return false;
  const phoff = Number(buf.readBigUInt64LE(32));
  const phentsize = buf.readUInt16LE(54);
  const phnum = buf.readUInt16LE(56);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + 56 > buf.length || buf.readUInt32LE(ph) !== 4 /* PT_NOTE */) continue;
    let off = Number(buf.readBigUInt64LE(ph + 8));
    const end = off + Number(buf.readBigUInt64LE(ph + 32));
    while (off + 12 <= end && end <= buf.length) {
      const namesz = buf.readUInt32LE(off);
      const descsz = buf.readUInt32LE(off + 4);
      const type = buf.readUInt32LE(off + 8);
      const name = buf.subarray(off + 12, off + 12 + namesz).toString('latin1').replace(/\0+$/, '');
      if (name === 'Xen' && type === PVH_NOTE_TYPE) return true;
      off += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3);
    }
  }
  return false;
}

function unxz(data: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const child = spawn('xz', ['-dc'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', () => resolve(Buffer.alloc(0)));
    // xz complains about the bytes that follow the stream inside the bzImage: the output is still whole.
    child.on('close', () => resolve(Buffer.concat(chunks)));
    child.stdin.on('error', () => {});
    child.stdin.end(data);
  });
}

const making = new Map<string, Promise<string | undefined>>();

/** The PVH-bootable kernel for BZIMAGE (made once, at OUT), or undefined when it cannot be made. */
export function pvhKernel(bzImage: string, out: string): Promise<string | undefined> {
  if (process.env.KLP_STUDIO_VERIFY_NO_PVH) return Promise.resolve(undefined);
  if (fs.existsSync(out)) return Promise.resolve(out);
  let p = making.get(out);
  if (!p) {
    p = extract(bzImage, out).finally(() => making.delete(out));
    making.set(out, p);
  }
  return p;
}

async function extract(bzImage: string, out: string): Promise<string | undefined> {
  if (!which('xz')) return undefined;
  const image = fs.readFileSync(bzImage);
  const at = image.indexOf(XZ_MAGIC);
  if (at < 0) return undefined;
  const elf = await unxz(image.subarray(at));
  if (!hasPvhNote(elf)) return undefined;
  const tmp = `${out}.tmp-${process.pid}-${Date.now()}`;
  fs.writeFileSync(tmp, elf);
  fs.renameSync(tmp, out);
  return out;
}
