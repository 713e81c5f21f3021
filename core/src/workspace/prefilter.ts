// The byte-level prefilter: whether a file can make a module a livepatch, decided from its
// bytes without decoding or parsing them. A livepatch module defines or enables a
// klp_patch, so one of its files says `klp_patch` or `klp_enable_patch`; every other file
// costs one read and is let go (its module's other files — shadow and state calls, klp_func
// tables in another part — come with it through Kbuild and includes).
// Also reads the local `#include "..."` names of a file, so a file that only includes a
// livepatch source (the kernel's test_klp_state3.c includes test_klp_state2.c) is found too.

/** The marker every livepatch source carries: all of the livepatch API is spelt `klp_...`. */
export const LIVEPATCH_MARKER = 'klp_';

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const MARKER = enc(LIVEPATCH_MARKER);
const INCLUDE = enc('include');
const HASH = 0x23;
const UTF8 = new TextDecoder();
const QUOTE = 0x22;

type Searchable = Uint8Array & { indexOf(value: Uint8Array | number, from?: number): number };

/**
 * Index of NEEDLE in HAY at or after FROM, or -1. A host's byte arrays that search for
 * byte sequences natively (Node's Buffer overrides indexOf) are used as they are; a plain
 * Uint8Array is searched from the needle's first byte.
 */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const h = hay as Searchable;
  if (h.indexOf !== Uint8Array.prototype.indexOf) return h.indexOf(needle, from);
  const first = needle[0];
  const last = hay.length - needle.length;
  let i = hay.indexOf(first, from);
  while (i >= 0 && i <= last) {
    let k = 1;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
    i = hay.indexOf(first, i + 1);
  }
  return -1;
}

const PATCH = enc('patch');
const ENABLE_PATCH = enc('enable_patch');

function followedBy(bytes: Uint8Array, at: number, word: Uint8Array, prefixOnly = false): boolean {
  for (let k = 0; k < word.length; k++) if (bytes[at + k] !== word[k]) return false;
  return prefixOnly || !isWordByte(bytes[at + word.length]);
}

/**
 * Whether the bytes can make a module a livepatch: they mention `klp_patch` (a patch is
 * defined or declared) or `klp_enable_patch`. Files that only use other parts of the API
 * (shadow variables, states, the livepatch core's own helpers) are not livepatches unless
 * their module has such a file; the scan finds those through Kbuild and includes.
 */
export function mentionsLivepatch(bytes: Uint8Array): boolean {
  let i = indexOfBytes(bytes, MARKER);
  while (i >= 0) {
    const at = i + MARKER.length;
    if (!isWordByte(bytes[i - 1]) && (followedBy(bytes, at, PATCH) || followedBy(bytes, at, ENABLE_PATCH))) return true;
    i = indexOfBytes(bytes, MARKER, at);
  }
  return false;
}

/** Letters from rarest to most common in C sources: a search starts at the rarest one of a name. */
const RARITY = 'QJZXqjzxKVWYkvwyBFGPbfgphmucdlaonsirte';

/** A compiled search for an identifier: a rare-lettered tail of it is looked for, then the whole word checked. */
export interface WordSearch {
  name: Uint8Array;
  /** Where the searched tail starts in the name. */
  offset: number;
  tail: Uint8Array;
}

export function wordSearch(name: string): WordSearch {
  const bytes = enc(name);
  let offset = 0;
  let best = Infinity;
  for (let i = 0; i + 4 <= name.length; i++) {
    const r = RARITY.indexOf(name[i]);
    const score = r < 0 ? RARITY.length : r;
    if (score < best) { best = score; offset = i; }
  }
  return { name: bytes, offset, tail: bytes.subarray(offset) };
}

/** Whether the bytes contain the searched identifier as a whole word. */
export function mentionsWord(bytes: Uint8Array, word: WordSearch | string): boolean {
  const w = typeof word === 'string' ? wordSearch(word) : word;
  const n = w.name;
  let i = indexOfBytes(bytes, w.tail);
  while (i >= 0) {
    const start = i - w.offset;
    if (start >= 0 && !isWordByte(bytes[start - 1]) && !isWordByte(bytes[start + n.length])) {
      let k = 0;
      while (k < w.offset && bytes[start + k] === n[k]) k++;
      if (k === w.offset) return true;
    }
    i = indexOfBytes(bytes, w.tail, i + 1);
  }
  return false;
}

function isWordByte(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f);
}

const isBlank = (b: number | undefined) => b === 0x20 || b === 0x09;

/** The names of the local includes (`#include "name"`) of a file, in order. */
export function localIncludes(bytes: Uint8Array): string[] {
  const out: string[] = [];
  // From each `#` (rare in C outside directives): blanks, `include`, blanks, a quote.
  let i = bytes.indexOf(HASH);
  while (i >= 0) {
    let s = i - 1;
    while (isBlank(bytes[s])) s--;
    let a = i + 1;
    while (isBlank(bytes[a])) a++;
    if ((s < 0 || bytes[s] === 0x0a) && followedBy(bytes, a, INCLUDE, true)) {
      a += INCLUDE.length;
      while (isBlank(bytes[a])) a++;
      if (bytes[a] === QUOTE) {
        let e = a + 1;
        while (e < bytes.length && bytes[e] !== QUOTE && bytes[e] !== 0x0a) e++;
        if (bytes[e] === QUOTE && e > a + 1) out.push(UTF8.decode(bytes.subarray(a + 1, e)));
      }
    }
    i = bytes.indexOf(HASH, i + 1);
  }
  return out;
}

/** Bytes of a string as UTF-8 (for hosts that only give text). */
export function textBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
