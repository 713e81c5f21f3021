// Loads a CommonJS bundle (dist/server-bundle.js) through a V8 code cache, so that a server
// started again does not compile its 1.3 MB of JavaScript a second time: V8 deserialises the
// bytecode of every function the previous run had compiled by the time the cache was written
// (module initialisation, the first analysis), instead of parsing and compiling them lazily.
// Node 20 has no module.enableCompileCache: this is the vm.Script `cachedData` mechanism.
//
// The cache is a file in the user's own cache folder (~/.cache/klp-studio/code-cache), named
// by what identifies the bundle's text (cacheKey), the Node/V8 version and the V8 flags, and
// only ever a speed-up: a missing, unreadable, corrupt or rejected cache compiles the bundle as `require`
// would, and every failure to write one is silent. No dynamic `import()` may run in a bundle
// loaded this way: V8 forgets the import callback of a script compiled from a cache. The
// bundle also gets a `require` that defers three Node built-ins it loads but does not use
// over stdio (lazyBuiltinsRequire).
import * as buffer from 'node:buffer';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { CodeCacheState } from '../../common/src/protocol';

export type { CodeCacheState };

export interface LoadedBundle {
  exports: Record<string, unknown>;
  state: CodeCacheState;
  /** The cache file (undefined when off). */
  file?: string;
  /**
   * Writes the cache, with the bytecode of every function compiled so far, when there was none
   * or V8 rejected it. Returns whether a file was written; never throws.
   */
  save(): boolean;
}

/** `off` turns the cache off; a path puts it in that folder. */
export const CODE_CACHE_ENV = 'KLP_STUDIO_CODE_CACHE';
/** Node's CommonJS wrapper, on the first line so that line numbers stay the file's. */
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAP_TAIL = '\n});';
/** How many cache files (of other bundle versions, other V8s) a folder keeps. */
const KEEP = 3;

/**
 * The folder for the cache: $KLP_STUDIO_CODE_CACHE when it is a path, else `code-cache` in
 * KLP Studio's cache folder ($KLP_STUDIO_CACHE or ~/.cache/klp-studio, as Verify's kernels);
 * undefined when turned off or there is no home folder.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env[CODE_CACHE_ENV];
  if (v === 'off') return undefined;
  if (v && path.isAbsolute(v)) return v;
  let root = env.KLP_STUDIO_CACHE;
  if (!root) {
    try {
      root = path.join(os.homedir(), '.cache', 'klp-studio');
    } catch {
      return undefined;
    }
  }
  return path.join(root, 'code-cache');
}

/** Loads BUNDLE (a CommonJS file) like `require`, through the code cache kept in DIR. */
export function loadWithCodeCache(bundle: string, dir: string | undefined): LoadedBundle {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(bundle);
  } catch {
    return plainRequire(bundle);
  }
  // An ASCII bundle (scripts/build.mjs makes it one) decodes as Latin-1, twice as fast as UTF-8.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const key = cacheKey(bundle, source);
  const file = dir ? path.join(dir, `${path.basename(bundle, '.js')}-${key}.cache`) : undefined;
  let cachedData: Buffer | undefined;
  if (file) {
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      cachedData = undefined;
    }
  }
  let script: vm.Script;
  try {
    script = new vm.Script(WRAP_HEAD + source + WRAP_TAIL, { filename: bundle, cachedData });
  } catch {
    return plainRequire(bundle);
  }
  // Run as `require` would run it (an exception while initialising propagates the same way).
  const m = new Module(bundle, require.main ?? undefined);
  m.filename = bundle;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(bundle));
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(m.exports, m.exports, lazyBuiltinsRequire(Module.createRequire(bundle)), m, bundle, path.dirname(bundle));
  m.loaded = true;
  const exports = m.exports as Record<string, unknown>;
  const state: CodeCacheState = !file ? 'off' : !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used';
  let saved = false;
  return {
    exports,
    state,
    file,
    save() {
      if (saved || !file || state === 'used') return false;
      saved = true;
      return writeCache(file, script);
    },
  };
}

/**
 * What names the cache of a bundle: V8 checks only the source's length against a cache, so the
 * name holds what identifies the text without hashing 1 MB at every start (node:crypto alone
 * costs 10-20 ms to load): the content hash scripts/build.mjs appends (BUNDLE_HASH_MARK), the
 * file's size, modification time and inode (an edited or copied file differs in them), and the
 * Node/V8 version, architecture and V8 flags the bytecode is valid for.
 */
export function cacheKey(bundle: string, source: string): string {
  const stamp = new RegExp(`${BUNDLE_HASH_MARK}([0-9a-f]{40})\\s*$`).exec(source.slice(-200))?.[1] ?? 'none';
  let st = '';
  try {
    const s = fs.statSync(bundle);
    st = `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    st = `${source.length}`;
  }
  const rest = `${st}\0${process.version}\0${process.versions.v8}\0${process.arch}\0${process.execArgv.join(' ')}`;
  return `${stamp.slice(0, 16)}-${fnv1a(rest)}`;
}

/** The comment scripts/build.mjs ends the bundle with, before the SHA-1 of the text above it. */
export const BUNDLE_HASH_MARK = '// klp-studio bundle sha1: ';

/** 32-bit FNV-1a of a short string, hex. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * Node built-in modules the server's libraries require when they load but the server over
 * stdio never uses (vscode-languageserver: child_process to find global node modules,
 * vscode-jsonrpc: crypto and net for pipe and socket transports). Loading them costs
 * 30-40 ms of a start; the bundle gets a stand-in that loads the module on first use.
 */
const LAZY_BUILTINS = new Set(['child_process', 'crypto', 'net'].flatMap((m) => [m, `node:${m}`]));

/** REQUIRE, except that the LAZY_BUILTINS load when a property of theirs is first read. */
export function lazyBuiltinsRequire(real: NodeJS.Require): NodeJS.Require {
  const lazy = (id: string): unknown => {
    let mod: Record<PropertyKey, unknown> | undefined;
    const load = () => (mod ??= real(id) as Record<PropertyKey, unknown>);
    return new Proxy({}, {
      get: (_, k) => load()[k],
      has: (_, k) => k in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      // The stand-in's own (empty) target must not contradict what it reports: configurable.
      getOwnPropertyDescriptor: (_, k) => {
        const d = Reflect.getOwnPropertyDescriptor(load(), k);
        return d && { ...d, configurable: true };
      },
      set: (_, k, v) => Reflect.set(load(), k, v),
    });
  };
  const req = ((id: string) => (LAZY_BUILTINS.has(id) ? lazy(id) : real(id))) as NodeJS.Require;
  return Object.assign(req, { resolve: real.resolve, main: real.main, cache: real.cache, extensions: real.extensions });
}

/** buffer.isAscii (Node >= 18.15); false where it is missing. */
function isAscii(b: Buffer): boolean {
  const f = (buffer as { isAscii?: (b: Buffer) => boolean }).isAscii;
  return typeof f === 'function' && f(b);
}

function plainRequire(bundle: string): LoadedBundle {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { exports: require(bundle) as Record<string, unknown>, state: 'failed', save: () => false };
}

/** Writes the cache atomically (several servers may start at once), then drops old caches. */
function writeCache(file: string, script: vm.Script): boolean {
  const dir = path.dirname(file);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing to clean
    }
    return false;
  }
  try {
    const prefix = path.basename(file).replace(/-[0-9a-f]+\.cache$/, '-');
    const old = fs.readdirSync(dir)
      .filter((n) => n.startsWith(prefix) && n.endsWith('.cache') && n !== path.basename(file))
      .map((n) => ({ n, t: fs.statSync(path.join(dir, n)).mtimeMs }))
      .sort((a, b) => b.t - a.t)
      .slice(KEEP - 1);
    for (const o of old) fs.rmSync(path.join(dir, o.n), { force: true });
  } catch {
    // another server may be cleaning up at the same time
  }
  return true;
}
