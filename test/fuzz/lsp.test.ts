// Fuzzing the language server over real stdio (dist/server.js, driven by ../lsp/harness.ts):
// seeded random sequences of didChange edits — single incremental changes, several changes
// batched in one notification, whole-text replacements; half-typed C, emoji, CRLF, NUL and
// random bytes from ./csource.ts — on a C module and a .klpsim scenario of a copied
// workspace, interleaved with hover, definition, references, document symbols, code
// actions, code lenses and completion requests, some cancelled at once.
// Invariants: the server never crashes nor logs a failed handler; every request (cancelled
// or not) answers within REQUEST_MS; the final diagnostics equal those of a fresh server
// that opens the final text whenever the server's incremental tree is the tree of a fresh
// parse (tree-sitter's error recovery depends on the edit history, found by the long run;
// the test replays the edits on its own CDocument to know), and otherwise once the document
// is edited back to the original; a burst of 1,000 edits is absorbed (at most one
// publication per edit, bounded memory) and a request after it answers in time.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { CancellationTokenSource, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { CDocument } from '../../core/src/cparse/document';
import { initParser, parsePrepared, prepareSource } from '../../core/src/cparse/parser';
import { copyTree, LspClient, positionAt, ROOT, SERVER, uri } from '../lsp/harness';
import { LONG, params, prng, RUNS } from './config';
import { applyMutation, mutation, singleChange, type Mutation } from './csource';

/** Every request must answer (a result or a cancellation error) within this many ms. */
const REQUEST_MS = Number(process.env.FUZZ_REQUEST_MS) || 5000;
/** Processing budget of one queued edit in a burst (parse + analysis on a loaded 2-core VM: ~7 ms measured). */
const BURST_EDIT_MS = 25;
/** Time without a new publication after which the diagnostics are taken as settled. */
const QUIET_MS = 400;

type Op =
  | { op: 'edit'; file: 'c' | 'sim'; ms: Mutation[]; batched: boolean }
  | { op: 'replaceAll'; file: 'c' | 'sim'; ms: Mutation[] }
  | { op: 'request'; method: string; at: number; cancel: boolean };

const METHODS = [
  'textDocument/hover', 'textDocument/definition', 'textDocument/references', 'textDocument/documentSymbol',
  'textDocument/codeAction', 'textDocument/codeLens', 'textDocument/completion',
];

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('edit' as const), file: fc.constantFrom('c' as const, 'c' as const, 'sim' as const), ms: fc.array(mutation, { minLength: 1, maxLength: 3 }), batched: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('replaceAll' as const), file: fc.constantFrom('c' as const, 'sim' as const), ms: fc.array(mutation, { maxLength: 2 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('request' as const), method: fc.constantFrom(...METHODS), at: fc.nat(), cancel: fc.boolean() }) },
);

/** A comparable form of a publication: what a user sees, order-independent. */
function shape(ds: Diagnostic[]): string[] {
  return ds.map((d) => JSON.stringify([d.range, d.severity, d.code, d.message, d.relatedInformation?.map((r) => [r.location.range, r.message]) ?? []])).sort();
}

/** The S-expression of a fresh parse of TEXT. */
function freshTree(text: string): string | undefined {
  const tree = parsePrepared(prepareSource(text).text);
  try {
    return tree?.rootNode.toString();
  } finally {
    tree?.delete();
  }
}

/** Resident memory of a process in MiB (Linux), or undefined. */
function rssMiB(pid: number | undefined): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

class Session {
  /** Publications seen per uri (count), to measure coalescing. */
  publications = new Map<string, number>();
  latencies: number[] = [];
  private version = new Map<string, number>();
  readonly texts = new Map<string, string>();

  private constructor(readonly c: LspClient) {}

  static async start(root: string): Promise<Session> {
    const c = await LspClient.start({ root });
    const s = new Session(c);
    // Count publications without replacing the harness's handler (one handler per method).
    const set = c.diagnostics.set.bind(c.diagnostics);
    c.diagnostics.set = (k, v) => {
      s.publications.set(k, (s.publications.get(k) ?? 0) + 1);
      return set(k, v);
    };
    await c.indexed(30000);
    return s;
  }

  async open(file: string, text: string, version: number, languageId: string): Promise<void> {
    this.version.set(file, version);
    this.texts.set(file, text);
    await this.c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(file), languageId, version, text } });
  }

  async close(file: string): Promise<void> {
    await this.c.conn.sendNotification('textDocument/didClose', { textDocument: { uri: uri(file) } });
  }

  /** One didChange carrying CHANGES (applied in order, as the protocol says). */
  async change(file: string, changes: ({ range: ReturnType<typeof singleChange>['range']; text: string } | { text: string })[], next: string): Promise<number> {
    const v = (this.version.get(file) ?? 0) + 1;
    this.version.set(file, v);
    this.texts.set(file, next);
    await this.c.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(file), version: v }, contentChanges: changes });
    return v;
  }

  versionOf(file: string): number {
    return this.version.get(file) ?? 0;
  }

  /** Sends a request (optionally cancelled at once) and asserts it answers within REQUEST_MS. */
  async request(method: string, params: unknown, cancel: boolean, bound = REQUEST_MS): Promise<unknown> {
    const src = new CancellationTokenSource();
    const t0 = Date.now();
    const answer = this.c.conn.sendRequest(method, params, src.token).then((r) => ({ r }), (e: { code?: number; message?: string }) => ({ e }));
    if (cancel) src.cancel();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), bound)));
    const got = await Promise.race([answer, late]);
    clearTimeout(timer);
    assert.notEqual(got, 'late', `${method} did not answer within ${bound} ms`);
    this.latencies.push(Date.now() - t0);
    const g = got as { r?: unknown; e?: { code?: number; message?: string } };
    if (g.e) {
      // Only a cancellation may fail a request (LSP RequestCancelled -32800).
      assert.ok(cancel && g.e.code === -32800, `${method} failed: ${g.e.code} ${g.e.message}`);
      return undefined;
    }
    return g.r;
  }

  /** Waits for a publication of FILE at VERSION, then QUIET_MS without another one. */
  async settled(file: string, version: number): Promise<Diagnostic[]> {
    await this.c.waitDiagnostics(file, (_, p) => p.version === version, `version ${version}`, 30000);
    for (;;) {
      const before = this.publications.get(uri(file)) ?? 0;
      await new Promise((r) => setTimeout(r, QUIET_MS));
      if ((this.publications.get(uri(file)) ?? 0) === before) break;
    }
    const p = this.c.diagnostics.get(uri(file))!;
    assert.equal(p.version, version, 'the last publication carries the final version');
    return p.diagnostics;
  }

  /** Failures the server logged (a handler that threw, an analysis that failed). */
  failures(): string[] {
    return this.c.logs.filter((l) => /\bfailed\b/.test(l));
  }

  alive(): void {
    assert.equal(this.c.proc.exitCode, null, `the server exited; stderr:\n${this.c.stderr}`);
    assert.equal(this.c.proc.signalCode, null);
    assert.deepEqual(this.failures(), []);
  }
}

describe('fuzz: the language server over stdio (random edit and request sequences)', function () {
  this.timeout(LONG ? 0 : 180000);
  let root: string;
  let cFile: string;
  let simFile: string;
  let original: { c: string; sim: string };
  let s: Session;
  let fresh: Session;
  let sequences = 0;
  let edits = 0;
  let requests = 0;
  /** Sequences whose final incremental tree differs from a fresh parse (compared after reverting). */
  let broken = 0;
  /** The fresh server's diagnostics of the original C text. */
  let originalDiagnostics: string[];

  before(async function () {
    if (!fs.existsSync(SERVER)) this.skip();
    root = copyTree(path.join(ROOT, 'examples'), 'klp-fuzz-lsp-');
    cFile = path.join(root, 'lp_acme_v2.c');
    simFile = path.join(root, 'upgrade.klpsim');
    original = { c: fs.readFileSync(cFile, 'utf8'), sim: fs.readFileSync(simFile, 'utf8') };
    [s, fresh] = await Promise.all([Session.start(root), Session.start(root), initParser()]);
    await fresh.open(cFile, original.c, 1, 'c');
    originalDiagnostics = shape(await fresh.settled(cFile, 1));
    await fresh.close(cFile);
  });

  after(async () => {
    if (s) process.stderr.write(`      ${sequences} sequences (${broken} ending on an incremental tree unlike a fresh parse), ${edits} didChange, ${requests} requests; request latency max ${Math.max(0, ...s.latencies)} ms, median ${s.latencies.sort((a, b) => a - b)[s.latencies.length >> 1] ?? 0} ms\n`);
    await Promise.all([s?.c.stop(), fresh?.c.stop()]);
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  /** Runs OPS from the original texts; returns the final texts. */
  async function runSequence(ops: Op[], seq: number): Promise<void> {
    const files = { c: cFile, sim: simFile };
    // A new document version series per sequence: reopen with the original texts.
    const base = seq * 10000;
    await s.open(cFile, original.c, base, 'c');
    await s.open(simFile, original.sim, base, 'klpsim');
    // The server's C document, replayed here: is its final tree the tree of a fresh parse?
    const mirror = new CDocument(cFile, original.c);
    const change = async (file: string, changes: Parameters<Session['change']>[1], next: string) => {
      if (file === cFile) mirror.applyChanges(changes);
      return s.change(file, changes, next);
    };
    const pending: Promise<unknown>[] = [];
    for (const o of ops) {
      if (o.op === 'request') {
        requests++;
        const file = o.at % 3 === 0 ? simFile : cFile;
        const text = s.texts.get(file)!;
        const pos = positionAt(text, text.length ? o.at % (text.length + 1) : 0);
        const td = { uri: uri(file) };
        const p =
          o.method === 'textDocument/documentSymbol' || o.method === 'textDocument/codeLens' ? { textDocument: td }
          : o.method === 'textDocument/codeAction' ? { textDocument: td, range: { start: pos, end: pos }, context: { diagnostics: s.c.diagnosticsOf(file).slice(0, 3) } }
          : o.method === 'textDocument/references' ? { textDocument: td, position: pos, context: { includeDeclaration: true } }
          : { textDocument: td, position: pos };
        // Requests are not awaited one by one: they interleave with the edits that follow.
        pending.push(s.request(o.method, p, o.cancel));
        continue;
      }
      edits++;
      const file = files[o.file];
      let text = s.texts.get(file)!;
      if (o.op === 'replaceAll') {
        const next = o.ms.reduce(applyMutation, o.file === 'c' ? original.c : original.sim);
        await change(file, [{ text: next }], next);
        continue;
      }
      const changes: Parameters<Session['change']>[1] = [];
      for (const m of o.ms) {
        const next = applyMutation(text, m);
        const ch = singleChange(text, next);
        if (o.batched) changes.push(ch);
        else await change(file, [ch], next);
        text = next;
      }
      if (o.batched) await change(file, changes, text);
    }
    await Promise.all(pending);
    // Final diagnostics against a fresh look at the final texts.
    const got = { c: await s.settled(cFile, s.versionOf(cFile)), sim: await s.settled(simFile, s.versionOf(simFile)) };
    await fresh.open(cFile, s.texts.get(cFile)!, base + 1, 'c');
    await fresh.open(simFile, s.texts.get(simFile)!, base + 1, 'klpsim');
    const want = { c: await fresh.settled(cFile, base + 1), sim: await fresh.settled(simFile, base + 1) };
    assert.deepEqual(shape(got.sim), shape(want.sim), `scenario diagnostics after sequence ${seq} differ`);
    await fresh.close(cFile);
    await fresh.close(simFile);
    assert.equal(mirror.text, s.texts.get(cFile));
    const sameTree = mirror.tree?.rootNode.toString() === freshTree(mirror.text);
    mirror.dispose();
    if (sameTree) {
      assert.deepEqual(shape(got.c), shape(want.c), `C diagnostics after sequence ${seq} differ from a fresh server's`);
    } else {
      // Edit the broken text back to the original in one change: no trace of the broken phase.
      broken++;
      const text = s.texts.get(cFile)!;
      const v = await s.change(cFile, [{ range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) }, text: original.c }], original.c);
      assert.deepEqual(shape(await s.settled(cFile, v)), originalDiagnostics, `C diagnostics after reverting sequence ${seq} differ from a fresh server's`);
    }
    s.alive();
    fresh.alive();
    sequences++;
  }

  it('random edit/request sequences: no crash, bounded answers, final diagnostics = a fresh server\'s', async () => {
    let seq = 1;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: LONG ? 60 : 30 }), async (ops) => {
        await runSequence(ops, seq++);
      }),
      { ...params(LONG ? 0.1 : 0.1), numRuns: Math.max(3, Math.round(RUNS / (LONG ? 15 : 20))) },
    );
  });

  it('typing half-written C character by character with requests in between', async () => {
    const seq = 900;
    const base = seq * 10000;
    await s.open(cFile, original.c, base, 'c');
    const rnd = prng();
    // Type a new function at a random top-level spot, one character per didChange.
    const snippet = 'static int lp_typed_😀(struct sk_buff *skb)\r\n{\r\n\tif (!skb) return -EINVAL; /* ü */\r\n\treturn klp_shadow_get(skb, 0x10) ? 1 : 0;\r\n}\r\n';
    const lines = original.c.split('\n');
    const at = lines.slice(0, Math.floor(rnd() * lines.length)).join('\n').length;
    let text = original.c;
    let offset = Math.min(text.length, at ? at + 1 : 0);
    const pending: Promise<unknown>[] = [];
    for (const ch of snippet) {
      const pos = positionAt(text, offset);
      text = text.slice(0, offset) + ch + text.slice(offset);
      offset += ch.length;
      await s.change(cFile, [{ range: { start: pos, end: pos }, text: ch }], text);
      edits++;
      if (rnd() < 0.15) {
        requests++;
        pending.push(s.request(rnd() < 0.5 ? 'textDocument/hover' : 'textDocument/documentSymbol', { textDocument: { uri: uri(cFile) }, position: positionAt(text, offset) }, rnd() < 0.3));
      }
    }
    await Promise.all(pending);
    const got = await s.settled(cFile, s.versionOf(cFile));
    await fresh.open(cFile, text, base + 1, 'c');
    const want = await fresh.settled(cFile, base + 1);
    await fresh.close(cFile);
    assert.deepEqual(shape(got), shape(want));
    s.alive();
  });

  it('a burst of 1,000 edits: at most one publication per edit, bounded memory, a request after it answers in time linear in the burst', async () => {
    const seq = 950;
    const base = seq * 10000;
    await s.open(cFile, original.c, base, 'c');
    await s.settled(cFile, base);
    const rssBefore = rssMiB(s.c.proc.pid);
    const pubsBefore = s.publications.get(uri(cFile)) ?? 0;
    // 1,000 notifications written back to back (not awaited): typing and deleting in a comment
    // and in a klp_func table, so every edit changes what the rules see half of the time.
    let text = original.c;
    const anchor = text.indexOf('.old_name');
    const sends: Promise<number>[] = [];
    for (let i = 0; i < 1000; i++) {
      const off = anchor + (Math.floor(i / 2) % 7);
      const pos = positionAt(text, off);
      const next = i % 2 === 0 ? text.slice(0, off) + 'x' + text.slice(off) : text.slice(0, off) + text.slice(off + 1);
      const change = i % 2 === 0 ? { range: { start: pos, end: pos }, text: 'x' } : { range: { start: pos, end: positionAt(text, off + 1) }, text: '' };
      text = next;
      sends.push(s.change(cFile, [change], next));
    }
    const t0 = Date.now();
    // The hover waits behind the 1,000 notifications (JSON-RPC handles messages in order):
    // its bound grows with the edits queued before it (BURST_EDIT_MS each).
    const hover = await s.request('textDocument/hover', { textDocument: { uri: uri(cFile) }, position: positionAt(text, anchor + 3) }, false, REQUEST_MS + 1000 * BURST_EDIT_MS);
    const hoverMs = Date.now() - t0;
    await Promise.all(sends);
    void hover;
    const final = await s.settled(cFile, s.versionOf(cFile));
    const pubs = (s.publications.get(uri(cFile)) ?? 0) - pubsBefore;
    const rssAfter = rssMiB(s.c.proc.pid);
    process.stderr.write(`      burst: 1000 edits -> ${pubs} publications, hover after the burst in ${hoverMs} ms, server RSS ${rssBefore?.toFixed(0)} -> ${rssAfter?.toFixed(0)} MiB\n`);
    assert.equal(text, original.c, 'the burst ends on the original text');
    assert.ok(pubs <= 1001, `${pubs} publications for 1,000 edits: more than one per edit`);
    if (rssBefore !== undefined && rssAfter !== undefined) assert.ok(rssAfter - rssBefore < 200, `server memory grew by ${Math.round(rssAfter - rssBefore)} MiB`);
    await fresh.open(cFile, text, base + 1, 'c');
    const want = await fresh.settled(cFile, base + 1);
    await fresh.close(cFile);
    assert.deepEqual(shape(final), shape(want));
    s.alive();
  });
});
