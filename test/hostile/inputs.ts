// Hostile inputs shared by the test/hostile suites: deep nesting of every C construct the
// extraction evaluates, recursive macros, include cycles, binary and non-UTF-8 files, files
// over the size limit, a FIFO and a device named like sources, a klp.series that names
// itself, and a workspace that holds them all next to the real example modules.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli.js');
export const EXAMPLE = fs.readFileSync(path.join(ROOT, 'examples/lp_acme_v1.c'), 'utf8');

/** A livepatch module (the v1 example) with one construct nested N deep. */
export function deepSources(n: number): Record<string, string> {
  const lp = EXAMPLE;
  const ret = 'return 0;';
  return {
    'initializer braces': lp + `\nstatic int deep[] = ${'{'.repeat(n)}1${'}'.repeat(n)};\n`,
    'klp_func table braces': lp + `\nstatic struct klp_func fz[] = ${'{'.repeat(n)}.old_name = "x"${'}'.repeat(n)};\n`,
    parentheses: lp + `\nstatic int p = ${'('.repeat(n)}1${')'.repeat(n)};\n`,
    'nested if blocks': lp.replace(ret, `${'if (x) {'.repeat(n)} y(); ${'}'.repeat(n)} ${ret}`),
    'nested calls': lp.replace(ret, `return ${'f('.repeat(n)}1${')'.repeat(n)};`),
    'unary minus': lp.replace(ret, `return ${'-'.repeat(n)}1;`),
    'binary chain': lp.replace(ret, `return ${Array(n).fill('1').join(' + ')};`),
    casts: lp.replace(ret, `return ${'(int)'.repeat(n)}1;`),
    'member chain': lp.replace(ret, `return a${'.b'.repeat(n)};`),
    '#ifdef nesting': lp + '\n' + '#ifdef X\n'.repeat(n) + 'int z;\n' + '#endif\n'.repeat(n),
    'macro chain': Array.from({ length: n }, (_, i) => `#define M${i} M${i + 1}`).join('\n') + `\n#define M${n} 7\n` + lp.replace('.id = ', '.id = M0 + '),
    'cast in a state id': lp.replace(/\.id = ([A-Z_]+)/, `.id = ${'(int)'.repeat(n)}$1`),
    'parenthesised shadow id': lp.replace(/klp_shadow_get\(([^,]+), ([A-Z_]+)/, `klp_shadow_get($1, ${'('.repeat(n)}$2${')'.repeat(n)}`),
  };
}

/** Macros that refer to themselves or to each other, in the places the extraction evaluates. */
export function recursiveMacros(): string {
  return [
    '#define SELF SELF',
    '#define PING PONG',
    '#define PONG PING',
    '#define GROW GROW + 1',
    '#define FN(x) FN(x)',
    '#define APPLY APPLY(APPLY)',
    '#define ST_ID (PING + SELF)',
    EXAMPLE.replace(/"acme_cache_lookup"/, 'SELF').replace(/\.id = ([A-Z_]+)/, '.id = ST_ID + GROW + FN(1) + APPLY + $1'),
  ].join('\n');
}

export const BIG_LINE = 'static int big_%d(int x) { return x + %d; }\n';

/** C text of at least KB kibibytes (many small functions after the example module). */
export function bigSource(kb: number): string {
  const parts = [EXAMPLE];
  let size = EXAMPLE.length;
  for (let i = 0; size < kb * 1024; i++) {
    const line = BIG_LINE.replace(/%d/g, String(i));
    parts.push(line);
    size += line.length;
  }
  return parts.join('');
}

/** Deterministic pseudo-random bytes. */
export function bytes(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 16;
  }
  return b;
}

/**
 * A workspace with the example series and every kind of hostile file beside it. Returns
 * its path and what it holds. FIFO/device entries are made only where the OS allows.
 */
export function hostileWorkspace(opts: { bigKB?: number } = {}): { dir: string; special: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-hostile-'));
  for (const f of fs.readdirSync(path.join(ROOT, 'examples'))) {
    const p = path.join(ROOT, 'examples', f);
    if (fs.statSync(p).isFile()) fs.copyFileSync(p, path.join(dir, f));
  }
  const w = (name: string, data: string | Buffer) => fs.writeFileSync(path.join(dir, name), data);
  w('deep_nesting.c', deepSources(10000)['initializer braces']);
  w('deep_casts.c', deepSources(10000).casts);
  w('recursive_macros.c', recursiveMacros());
  w('cyc_a.h', '#include "cyc_b.h"\n#define CYC_A 1\n');
  w('cyc_b.h', '#include "cyc_a.h"\n#include "cyc_b.h"\n#include "./cyc_a.h"\n#define CYC_B CYC_A\n');
  w('include_cycle.c', '#include "cyc_a.h"\n#include "include_cycle.c"\n' + EXAMPLE);
  w('binary.c', bytes(100000));
  w('nul_bytes.c', Buffer.from(EXAMPLE.replace(/;/g, ';\0')));
  w('latin1.c', Buffer.from(EXAMPLE.replace(/acme/g, 'acm\xe9'), 'latin1'));
  w('utf16.c', Buffer.from('\ufeff' + EXAMPLE, 'utf16le'));
  w('huge.c', bigSource(opts.bigKB ?? 2200));
  w('empty.c', '');
  w('trailing_backslash.c', EXAMPLE + '#if defined(CONFIG_X) && \\');
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.symlinkSync('..', path.join(dir, 'sub', 'loop'));
  const special: string[] = [];
  if (process.platform !== 'win32') {
    try {
      execFileSync('mkfifo', [path.join(dir, 'fifo.c')]);
      special.push('fifo.c');
    } catch {
      // no mkfifo: skip
    }
    if (fs.existsSync('/dev/zero')) {
      fs.symlinkSync('/dev/zero', path.join(dir, 'zero.c'));
      special.push('zero.c');
    }
  }
  // A series file that names itself, a module twice, a path, and a very long name.
  w('klp.series', ['klp.series', 'lp_acme_v1', 'lp_acme_v1', '../klp.series', 'lp_acme_v2', 'x'.repeat(100000), 'lp_acme_v3', ''].join('\n'));
  return { dir, special };
}
