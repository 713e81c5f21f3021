// Fuzzing `.klpsim` scenarios (fast-check, seeded: see ./config.ts): the parser and the
// simulator on the scenarios of test/conformance and examples/, mutated line by line
// (deleted, duplicated, swapped, generated lines from the case's own vocabulary, tokens,
// random bytes, CRLF) and on random text. The modules are the cases' real C sources.
// Invariants: nothing throws; every meaningful line is either a step or a line-numbered
// error saying what was expected (never both, never neither); the simulator keeps its model
// consistent after every step (checkInvariants), its runs are deterministic, its event
// stream is well formed and every run ends in bounded time — virtual time is bounded, so a
// scenario can never make the CLI hang.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { initParser } from '../../core/src/cparse/parser';
import { memoryHost, type FileHost } from '../../core/src/host';
import type { ModuleModel } from '../../core/src/model';
import { formatScenarioError, MAX_SLEEP_SECONDS, parseScenario, type Scenario } from '../../core/src/scenario/parse';
import { chooseKernelApi, Machine, runScenario, simulateFile, specFromModel, type SimModuleSpec } from '../../core/src/sim';
import { modulesLoaded } from '../../core/src/sim/index';
import { MAX_EVENTS } from '../../core/src/sim/engine';
import { loadModule, walk } from '../../core/src/workspace/modules';
import { nodeHost } from '../../common/src/nodeHost';
import { LONG, params, timed } from './config';
import { applyMutation, ROOT } from './csource';

/** Wall-time bound of one case (parse + run), generous for slow shared CI machines. */
const CASE_MS = 4000;

interface Corpus {
  /** Where the scenario's modules are looked up. */
  dirs: string[];
  file: string;
  text: string;
}

/** Every scenario of the repository with the folders its modules come from. */
function corpus(): Corpus[] {
  const out: Corpus[] = [];
  for (const group of ['test/conformance/shared', 'test/conformance/cases']) {
    const dir = path.join(ROOT, group);
    for (const c of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, c, 'scenario.klpsim');
      if (fs.existsSync(file)) out.push({ dirs: [path.join(dir, c), path.join(dir, 'modules')], file, text: fs.readFileSync(file, 'utf8') });
    }
  }
  for (const f of fs.readdirSync(path.join(ROOT, 'examples')).sort()) {
    if (f.endsWith('.klpsim')) out.push({ dirs: [path.join(ROOT, 'examples')], file: path.join(ROOT, 'examples', f), text: fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8') });
  }
  return out;
}

/** A FileHost that reads each file once (the fuzzer extracts the same modules many times). */
function cachingHost(inner: FileHost): FileHost {
  const files = new Map<string, string | undefined>();
  const dirs = new Map<string, ReturnType<FileHost['readDir']>>();
  return {
    readFile: (p) => (files.has(p) ? files.get(p) : (files.set(p, inner.readFile(p)), files.get(p))),
    readDir: (p) => (dirs.has(p) ? dirs.get(p) : (dirs.set(p, inner.readDir(p)), dirs.get(p))),
  };
}

const host = cachingHost(nodeHost);
const specCache = new Map<string, SimModuleSpec | undefined>();
/** The simulator spec of module NAME found in DIRS (memoised; undefined: a plain target module). */
function specOf(name: string, dirs: string[]): SimModuleSpec | undefined {
  const key = `${dirs.join('|')}|${name}`;
  if (!specCache.has(key)) {
    const r = loadModule(name, dirs, host);
    specCache.set(key, r.ok ? specFromModel(r.model as ModuleModel) : undefined);
  }
  return specCache.get(key);
}

/** The words of a corpus: module names, patch names, functions and tasks, for generated lines. */
function vocabulary(texts: string[]): { modules: string[]; funcs: string[]; tasks: string[] } {
  const modules = new Set<string>(['nosuch', 'lp-dash']);
  const funcs = new Set<string>(['schedule', 'nosuch_fn']);
  const tasks = new Set<string>(['t1', 'kworker/0:1']);
  for (const t of texts) {
    for (const m of t.matchAll(/(?:insmod\s+(?:\S*\/)?|modprobe\s+|rmmod\s+)([\w-]+?)(?:\.ko)?(?=\s|$)/gm)) modules.add(m[1]);
    for (const m of t.matchAll(/#@ task (\S+).*?sleeps-in (\S+)/g)) {
      tasks.add(m[1]);
      m[2].split(',').forEach((f) => funcs.add(f));
    }
  }
  return { modules: [...modules].sort(), funcs: [...funcs].sort(), tasks: [...tasks].sort() };
}

/** Scenario lines, valid and nearly valid, over a vocabulary. */
function lineArb(v: { modules: string[]; funcs: string[]; tasks: string[] }): fc.Arbitrary<string> {
  const mod = fc.constantFrom(...v.modules);
  const task = fc.constantFrom(...v.tasks);
  const attr = fc.constantFrom('enabled', 'transition', 'replace', 'stack_order', 'force', 'vmlinux/patched', 'nosuch', '');
  const value = fc.constantFrom('0', '1', 'y', 'n', 'on', 'off', '', '2', '-1', 'x');
  const secs = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(3600, 3601, 86400, 99999999999, 1e21));
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(mod, fc.constantFrom('', ' replace=0', ' pre_ret=-19', ' x', ' =1', ' a=b=c')).map(([m, p]) => `insmod ${m}.ko${p}`) },
    { weight: 1, arbitrary: mod.map((m) => `modprobe ${m}`) },
    { weight: 3, arbitrary: mod.map((m) => `rmmod ${m}`) },
    { weight: 4, arbitrary: fc.tuple(value, mod, attr).map(([x, m, a]) => `echo ${x} > /sys/kernel/livepatch/${m}/${a}`) },
    { weight: 2, arbitrary: fc.tuple(mod, attr).map(([m, a]) => `cat /sys/kernel/livepatch/${m}/${a}`) },
    { weight: 1, arbitrary: fc.tuple(value, mod).map(([x, m]) => `echo ${x} > /sys/module/${m}/parameters/pre_ret`) },
    { weight: 2, arbitrary: secs.map((n) => `sleep ${n}`) },
    { weight: 1, arbitrary: fc.constantFrom('sysctl -w kernel.ftrace_enabled=0', 'sysctl kernel.ftrace_enabled=1', 'sysctl -w', 'ls /sys/kernel/livepatch', 'ls /', '#@ kernel reliable_stacktrace=n', '#@ kernel reliable_stacktrace=y', '#@ kernel', '#@', '#@ task') },
    { weight: 3, arbitrary: fc.tuple(task, fc.boolean(), fc.option(fc.nat({ max: 99999 })), fc.subarray(v.funcs, { minLength: 1, maxLength: 3 })).map(([t, k, pid, fs]) => `#@ task ${t}${pid !== null ? ` pid=${pid}` : ''}${k ? ' kthread' : ''} sleeps-in ${fs.join(',')}`) },
    { weight: 1, arbitrary: task.map((t) => `#@ task ${t} running-on-cpu`) },
    { weight: 2, arbitrary: fc.tuple(task, fc.constantFrom(...v.funcs)).map(([t, f]) => `#@ task ${t} leaves ${f}`) },
    { weight: 2, arbitrary: task.map((t) => `#@ task ${t} exits`) },
    { weight: 1, arbitrary: fc.constantFrom('', '   ', '# comment', 'insmod', 'echo', 'echo 1 >', 'cat', "echo '1 > /x", 'bogus command', '\t#@ task x sleeps-in a, b ,c', 'sleep 1 # wait') },
  );
}

/** Tokens inserted inside lines. */
const SCENARIO_TOKENS = [
  'insmod ', 'rmmod ', 'modprobe ', 'echo ', ' > ', '>', '/sys/kernel/livepatch/', '/enabled', '/force', 'cat ', 'ls ', 'sysctl ', '-w ',
  'kernel.ftrace_enabled=', 'sleep ', '#@ ', 'task ', 'sleeps-in ', 'running-on-cpu', 'leaves ', 'exits', 'kthread ', 'pid=', 'kernel ',
  'reliable_stacktrace=', '"', "'", '#', ' # ', '\r\n', '\n', '\r', '\t', ' ', '.ko', '=', ',', '0', '1', '99999999999999999999', '-1',
  '\u0000', 'ü', '😀', '\u2028', '\ufeff',
];

type LineOp =
  | { op: 'delete'; at: number }
  | { op: 'duplicate'; at: number }
  | { op: 'swap'; at: number; to: number }
  | { op: 'insert'; at: number; line: string }
  | { op: 'chars'; at: number; m: Parameters<typeof applyMutation>[1] };

function lineOps(v: ReturnType<typeof vocabulary>): fc.Arbitrary<LineOp> {
  const tokens = fc.array(fc.constantFrom(...SCENARIO_TOKENS), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
  const bytes = fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b).toString('latin1'));
  const text = fc.oneof({ weight: 4, arbitrary: tokens }, { weight: 1, arbitrary: bytes }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) });
  return fc.oneof(
    fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
    { weight: 3, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), line: lineArb(v) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('chars' as const),
        at: fc.nat(),
        m: fc.oneof(
          fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
          fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text }),
          fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }), text }),
        ),
      }),
    },
  );
}

function applyLineOp(text: string, o: LineOp): string {
  const lines = text.split('\n');
  const n = lines.length;
  const at = o.at % n;
  switch (o.op) {
    case 'delete': lines.splice(at, 1); break;
    case 'duplicate': lines.splice(at, 0, lines[at]); break;
    case 'swap': { const to = o.to % n; [lines[at], lines[to]] = [lines[to], lines[at]]; break; }
    case 'insert': lines.splice(at, 0, o.line); break;
    case 'chars': lines[at] = applyMutation(lines[at], o.m); break;
  }
  return lines.join('\n');
}

/** Lines the parser must account for: not blank, not a plain `#` comment. */
function meaningfulLines(text: string): number[] {
  const out: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (t && (!t.startsWith('#') || t.startsWith('#@'))) out.push(i + 1);
  });
  return out;
}

/** The parser's invariants on TEXT; returns the scenario. */
function checkParse(file: string, text: string): Scenario {
  const { value: s, ms } = timed(() => parseScenario(file, text));
  const lines = text.split(/\r?\n/);
  const stepLines = new Set(s.steps.map((x) => x.line));
  const errorLines = new Set(s.errors.map((e) => e.line));
  for (const e of s.errors) {
    assert.ok(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines.length, `error line ${e.line} outside 1..${lines.length}`);
    assert.ok(e.message.trim().length > 0, `line ${e.line}: empty message`);
    assert.ok(e.expected.trim().length > 0, `line ${e.line}: says nothing about what was expected`);
    assert.equal(e.range.start.line, e.line - 1, 'the error range is on its line');
    assert.equal(e.range.end.line, e.line - 1);
    assert.ok(0 <= e.range.start.character && e.range.start.character <= e.range.end.character && e.range.end.character <= lines[e.line - 1].length, `line ${e.line}: range ${JSON.stringify(e.range)} outside the line`);
    const formatted = formatScenarioError(file, e);
    assert.match(formatted, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${e.line}: error: .+ \\(expected .+\\)$`, 's'));
    assert.ok(!formatted.includes('\n'), 'an error is one line');
    assert.ok(!stepLines.has(e.line), `line ${e.line} is both a step and an error`);
  }
  for (const st of s.steps) {
    assert.ok(st.text.length > 0 && !st.text.includes('\n'), `step of line ${st.line} has text ${JSON.stringify(st.text)}`);
    assert.ok(st.range.end.character <= lines[st.line - 1].length);
  }
  const accounted = [...new Set([...stepLines, ...errorLines])].sort((a, b) => a - b);
  assert.deepEqual(accounted, meaningfulLines(text), 'every meaningful line is a step or an error');
  assert.ok(ms < CASE_MS, `parse took ${Math.round(ms)} ms`);
  return s;
}

/** Runs a parsed scenario step by step on a Machine, checking the model after every step. */
function runChecked(s: Scenario, resolve: (n: string) => SimModuleSpec | undefined): Machine {
  const loaded = [...modulesLoaded(s).keys()].map((name) => ({ name, apiLevel: resolve(name)?.apiLevel }));
  const api = chooseKernelApi(undefined, loaded);
  const m = new Machine({ resolve, kernelApi: api.level, kernelApiChoice: api });
  s.steps.forEach((st, i) => {
    if (st.type === 'command') m.runCommand(i, st.line, st.text, st.command);
    else m.runDirective(i, st.line, st.text, st.directive);
    const bad = m.checkInvariants();
    assert.deepEqual(bad, [], `after line ${st.line} (${st.text}): ${bad.join('; ')}`);
    assert.ok(!m.transition || m.patches.includes(m.transition.patch), 'one transition, of a listed patch');
    for (const mod of m.modules.values()) assert.ok(mod.refcount >= 0, `refcount of ${mod.name}`);
  });
  m.finish();
  return m;
}

/** Lines left when every line the parser rejects is dropped (repeatedly: a drop may orphan a `leaves`). */
function dropErrors(file: string, text: string): string {
  let lines = text.split(/\r?\n/);
  for (let i = 0; i < 10; i++) {
    const bad = new Set(parseScenario(file, lines.join('\n')).errors.map((e) => e.line));
    if (!bad.size) break;
    lines = lines.filter((_, j) => !bad.has(j + 1));
  }
  return lines.join('\n');
}

/** Cases that ran the simulator (the rest stopped at a parse error), for the coverage checks. */
const ran = { runs: 0, events: 0, maxTime: 0 };

/** Every invariant of one scenario text. */
function checkScenario(c: Corpus, text: string): void {
  const { ms } = timed(() => {
    const s = checkParse(c.file, text);
    if (s.errors.length) {
      const r = runScenario(s, () => undefined);
      assert.equal(r.exitStatus, 2, 'a malformed scenario is not run');
      assert.deepEqual(r.events, []);
      return;
    }
    const resolve = (n: string) => specOf(n, c.dirs);
    const m = runChecked(s, resolve);
    const ev = m.events;
    ev.forEach((e, i) => {
      assert.equal(e.seq, i, 'seq numbers are dense');
      if (i) assert.ok(e.time >= ev[i - 1].time, 'time never goes back');
    });
    assert.equal(ev[ev.length - 1]?.kind, 'end');
    ran.runs++;
    ran.events += ev.length;
    ran.maxTime = Math.max(ran.maxTime, m.time);
    // Deterministic: the public entry point twice gives the same bytes and events as the stepwise run.
    const a = runScenario(s, resolve);
    const b = runScenario(s, resolve);
    assert.equal(a.exitStatus, 0);
    assert.deepEqual(a.events, b.events);
    assert.deepEqual(a.transcript, b.transcript);
    assert.equal(a.events.length, ev.length, 'the stepwise run and runScenario agree');
    // Every command is echoed once, in order.
    const commands = s.steps.filter((x) => x.type === 'command').map((x) => `% ${x.text}`);
    assert.deepEqual(a.transcript.filter((l) => l.startsWith('% ')), commands.filter((l) => l.startsWith('% ')));
  });
  assert.ok(ms < CASE_MS, `parse + run took ${Math.round(ms)} ms`);
}

describe('fuzz: .klpsim scenarios (parser + simulator)', function () {
  this.timeout(LONG ? 0 : 120000);
  const cases = corpus();
  const v = vocabulary(cases.map((c) => c.text));

  before(() => initParser());

  it(`the corpus itself (${cases.length} scenarios) passes every invariant`, () => {
    assert.ok(cases.length >= 20, `${cases.length} scenarios`);
    for (const c of cases) checkScenario(c, c.text);
  });

  it('survives line-level mutations of the corpus', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.array(lineOps(v), { minLength: 1, maxLength: 8 }), (c, ops) => {
        checkScenario(c, ops.reduce(applyLineOp, c.text));
      }),
      params(),
    );
  });

  it('survives generated scenarios over the corpus vocabulary', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.array(lineArb(v), { minLength: 1, maxLength: 40 }), fc.constantFrom('\n', '\r\n'), (c, lines, eol) => {
        checkScenario(c, lines.join(eol) + eol);
      }),
      params(),
    );
  });

  it('runs generated valid scenarios (rejected lines dropped) on the real modules', () => {
    const before = ran.runs;
    let n = 0;
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.array(lineArb(v), { minLength: 1, maxLength: 60 }), (c, lines) => {
        n++;
        const text = dropErrors(c.file, lines.join('\n'));
        assert.deepEqual(parseScenario(c.file, text).errors, []);
        checkScenario(c, text);
      }),
      params(),
    );
    assert.equal(ran.runs - before, n, 'every valid scenario ran');
  });

  it('virtual time is bounded: a huge sleep is a line-numbered error, the longest allowed one ends quickly', () => {
    const c = cases.find((x) => x.file.endsWith('examples/upgrade.klpsim'))!;
    // A worker that never leaves the function v2 patches: every second is a stalled retry.
    const stalled = 'insmod acme_cache.ko\ninsmod lp_acme_v1.ko\n#@ task k kthread sleeps-in acme_cache_flush_work,acme_cache_shrink\ninsmod lp_acme_v2.ko\n';
    for (const n of ['3601', '99999999999', '1' + '0'.repeat(400)]) {
      const s = parseScenario(c.file, `${stalled}sleep ${n}\n`);
      assert.equal(s.errors.length, 1);
      assert.equal(s.errors[0].line, 5);
      assert.match(formatScenarioError(c.file, s.errors[0]), new RegExp(`:5: error: 'sleep ${n}' sleeps longer than the simulator allows \\(expected sleep N with N at most ${MAX_SLEEP_SECONDS}`));
    }
    const { value: r, ms } = timed(() => simulateFile(c.file, `${stalled}sleep ${MAX_SLEEP_SECONDS}\ncat /sys/kernel/livepatch/lp_acme_v2/transition\n`, [], host));
    assert.equal(r.exitStatus, 0, r.errors.join('\n'));
    assert.equal(r.transcript[r.transcript.length - 1], '1', 'still in transition after an hour');
    assert.ok(r.events[r.events.length - 1].time >= MAX_SLEEP_SECONDS);
    assert.ok(ms < CASE_MS, `an hour of stalled retries took ${Math.round(ms)} ms`);
  });

  it('the event budget stops a hostile run (thousands of blocked tasks, hours of sleep) with an error and status 2', () => {
    const c = cases.find((x) => x.file.endsWith('examples/upgrade.klpsim'))!;
    const lines = ['insmod acme_cache.ko', 'insmod lp_acme_v1.ko'];
    for (let i = 0; i < 2000; i++) lines.push(`#@ task k${i} kthread sleeps-in acme_cache_shrink`);
    lines.push('insmod lp_acme_v2.ko', ...Array(20).fill(`sleep ${MAX_SLEEP_SECONDS}`), 'cat /sys/kernel/livepatch/lp_acme_v2/transition');
    const s = checkParse(c.file, lines.join('\n'));
    const resolve = (n: string) => specOf(n, c.dirs);
    const { value: r, ms } = timed(() => runScenario(s, resolve, { maxEvents: 50_000 }));
    assert.equal(r.exitStatus, 2);
    assert.equal(r.events.length, 50_002, 'the budget, the stop line, the end event');
    assert.equal(r.events[r.events.length - 1].kind, 'end');
    assert.match(r.transcript[r.transcript.length - 1], /^klp-studio: simulation stopped: more than 50000 events by \d+ s of virtual time/);
    assert.ok(!r.transcript.includes('% cat /sys/kernel/livepatch/lp_acme_v2/transition'), 'the rest of the scenario is not run');
    assert.ok(ms < CASE_MS, `${Math.round(ms)} ms`);
    // The machine stays consistent when it stops.
    const m = new Machine({ resolve });
    m.maxEvents = 20_000;
    s.steps.forEach((st, i) => (st.type === 'command' ? m.runCommand(i, st.line, st.text, st.command) : m.runDirective(i, st.line, st.text, st.directive)));
    assert.ok(m.stopped);
    assert.deepEqual(m.checkInvariants(), []);
    // Under the default budget an ordinary run is untouched.
    assert.equal(MAX_EVENTS, 2_500_000);
    assert.equal(runScenario(checkParse(c.file, c.text), resolve).exitStatus, 0);
  });

  after(() => {
    process.stderr.write(`      scenarios run on the simulator: ${ran.runs}, ${ran.events} events, longest virtual time ${ran.maxTime} s\n`);
  });

  it('survives random text and bytes', () => {
    const c = cases[0];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('latin1')),
          fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('utf8')),
          fc.string({ unit: 'grapheme', maxLength: 1000 }),
          fc.array(fc.constantFrom(...SCENARIO_TOKENS), { maxLength: 80 }).map((a) => a.join('')),
        ),
        (text) => {
          checkScenario(c, text);
        },
      ),
      params(),
    );
  });

  it('simulateFile (module lookup by name, as the CLI does) never throws on mutated scenarios', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.array(lineOps(v), { minLength: 1, maxLength: 4 }), (c, ops) => {
        const text = ops.reduce(applyLineOp, c.text);
        const { value: r, ms } = timed(() => simulateFile(c.file, text, c.dirs.slice(1), host));
        assert.ok([0, 1, 2].includes(r.exitStatus), `exit status ${r.exitStatus}`);
        if (r.exitStatus) {
          assert.ok(r.errors.length > 0, 'a failure says why');
          for (const e of r.errors) assert.match(e, /:\d+: error: /);
        } else assert.deepEqual(r.errors, []);
        assert.ok(ms < CASE_MS, `simulateFile took ${Math.round(ms)} ms`);
      }),
      params(0.3),
    );
  });

  it('a scenario module with hostile sources (every conformance module, mutated) never breaks the simulator', () => {
    const modDir = path.join(ROOT, 'test/conformance/cases/modules');
    const sources = walk(modDir, host, (n) => n.endsWith('.c')).map((p) => ({ p, text: host.readFile(p)! }));
    const withModules = cases.filter((c) => c.dirs.includes(modDir));
    fc.assert(
      fc.property(fc.constantFrom(...withModules), fc.constantFrom(...sources), fc.array(fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 120 }) }), { minLength: 1, maxLength: 4 }), (c, src, ms) => {
        const files: Record<string, string> = {};
        for (const s of sources) files[s.p] = s === src ? ms.reduce(applyMutation, s.text) : s.text;
        for (const d of c.dirs) for (const f of walk(d, host, () => true)) if (!(f in files)) files[f] = host.readFile(f) ?? '';
        const mem = memoryHost(files);
        const s = checkParse(c.file, c.text);
        const specs = new Map<string, SimModuleSpec | undefined>();
        const resolve = (n: string) => {
          if (!specs.has(n)) {
            const r = loadModule(n, c.dirs, mem);
            specs.set(n, r.ok ? specFromModel(r.model) : undefined);
          }
          return specs.get(n);
        };
        runChecked(s, resolve);
      }),
      params(0.3),
    );
  });
});
