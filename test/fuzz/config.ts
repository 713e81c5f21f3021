// Shared settings of the fuzzers (test/fuzz): how many cases each property runs and with
// which seed, so that every run is reproducible.
//
//   FUZZ_RUNS   cases per property (default 60: the CI run takes seconds);
//               `npm run fuzz` sets a large number (FUZZ_RUNS=large = 3000).
//   FUZZ_SEED   the fast-check seed (default fixed; `random` picks one and prints it).
//   FUZZ_PATH   replays one failing case (fast-check prints `seed` and `path` on failure).
import fc from 'fast-check';

const rawRuns = process.env.FUZZ_RUNS ?? '';
/** Cases per property. */
export const RUNS = rawRuns === 'large' ? 3000 : Math.max(1, parseInt(rawRuns, 10) || 60);

/** True for the long run (`npm run fuzz`): scale-dependent loops go further. */
export const LONG = RUNS >= 1000;

const rawSeed = process.env.FUZZ_SEED ?? '';
export const SEED = rawSeed === 'random' ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : parseInt(rawSeed, 10) || 0x6b6c70;

if (rawSeed === 'random') process.stderr.write(`fuzz: FUZZ_SEED=${SEED}\n`);

/** fast-check parameters for a property: RUNS cases (times SCALE), seeded, replayable. */
export function params(scale = 1): fc.Parameters<unknown> {
  const p: fc.Parameters<unknown> = { numRuns: Math.max(1, Math.round(RUNS * scale)), seed: SEED, endOnFailure: true };
  if (process.env.FUZZ_PATH) p.path = process.env.FUZZ_PATH;
  return p;
}

/** A deterministic PRNG (mulberry32) for loops that are not fast-check properties. */
export function prng(seed = SEED): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Milliseconds spent by FN (and its result). */
export function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}
