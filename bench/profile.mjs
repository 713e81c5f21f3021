// Summarises a V8 CPU profile (node --cpu-prof, e.g. `npm run bench -- --profile DIR`):
// self and inclusive time per function, top N, with the share of the non-idle time.
// Usage: node bench/profile.mjs FILE.cpuprofile [N] [--filter REGEX] [--skip-ms MS]
// (--skip-ms: leave out the first MS of the profile, e.g. start-up and the first parse).
import * as fs from 'node:fs';

export function summarise(file, top = 25, filter, skipMs = 0) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Time per sample: the deltas (microseconds).
  const self = new Map();
  const deltas = prof.timeDeltas;
  let t = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    t += deltas[i] ?? 0;
    if (t < skipMs * 1000) continue;
    const dt = deltas[i + 1] ?? 0;
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
  }
  const label = (n) => {
    const f = n.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(dist|src|node_modules)\//, '$1/')}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'} ${where}`.trim();
  };
  const selfBy = new Map();
  const totalBy = new Map();
  let busy = 0;
  let all = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    all += us;
    const name = n.callFrame.functionName;
    if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') {
      selfBy.set(name, (selfBy.get(name) ?? 0) + us);
      if (name !== '(idle)') busy += us;
      continue;
    }
    busy += us;
    selfBy.set(label(n), (selfBy.get(label(n)) ?? 0) + us);
    // Inclusive: every distinct ancestor label once.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur));
      if (seen.has(l)) continue;
      seen.add(l);
      totalBy.set(l, (totalBy.get(l) ?? 0) + us);
    }
  }
  const re = filter ? new RegExp(filter) : undefined;
  const rows = (m) => [...m].filter(([k]) => !re || re.test(k)).sort((a, b) => b[1] - a[1]).slice(0, top);
  const ms = (us) => (us / 1000).toFixed(1);
  const pct = (us) => ((100 * us) / Math.max(1, busy)).toFixed(1);
  const lines = [`profile ${file}: ${ms(all)} ms sampled, ${ms(busy)} ms busy (not idle)`];
  lines.push('', `self time (top ${top})`);
  for (const [k, v] of rows(selfBy)) lines.push(`  ${ms(v).padStart(9)} ms ${pct(v).padStart(5)}%  ${k}`);
  lines.push('', `inclusive time (top ${top})`);
  for (const [k, v] of rows(totalBy)) lines.push(`  ${ms(v).padStart(9)} ms ${pct(v).padStart(5)}%  ${k}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const fi = args.indexOf('--filter');
  const filter = fi >= 0 ? args.splice(fi, 2)[1] : undefined;
  const si = args.indexOf('--skip-ms');
  const skip = si >= 0 ? Number(args.splice(si, 2)[1]) : 0;
  console.log(summarise(args[0], Number(args[1] ?? 25), filter, skip));
}
