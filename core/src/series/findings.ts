// Series findings: the rules of docs/rules.md that need several patches (KLP021, KLP022,
// KLP024, KLP032, KLP042, KLP043, and the series parts of KLP051/KLP052), computed from a
// SeriesReport. Each is reported on the patch where the user must act, with `related`
// pointing at the other patch involved. Pure.
import type { Finding, Fix, RelatedInfo } from '../findings';
import type { Location } from '../model';
import type { SeriesReport, StepAnalysis, SeriesStep } from './analyze';
import type { PatchSummary } from './summary';
import { funcKey, funcsByKey } from './funcIndex';

const related = (loc: Location | undefined, message: string): RelatedInfo[] => (loc ? [{ file: loc.file, range: loc.range, message }] : []);

function fnLabel(object: string, name: string, sympos: number): string {
  return `${object === 'vmlinux' ? '' : object + ':'}${name}${sympos ? `,${sympos}` : ''}`;
}

function overText(step: StepAnalysis): string {
  if (step.kind === 'skip') return ` when installed directly over ${step.over.join(' + ')} (skipping the versions in between)`;
  return '';
}

/** `NAME (id N)` for a macro, just the number when the source wrote a number. */
function stateLabel(idText: string, id: number): string {
  return /^(0x[0-9a-f]+|\d+)$/i.test(idText.trim()) ? idText.trim() : `${idText} (id ${id})`;
}

/** Adds `{ .id = X, .version = V },` before the terminator of the new patch's klp_state array. */
function addStateFix(p: PatchSummary, idText: string, id: number, version: number): Fix | undefined {
  const arr = p.statesArray;
  if (!arr) return undefined;
  // The other patch's macro only if this module defines it too (a shared header).
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(idText) && !p.model.macros[idText]) idText = String(id);
  const at = arr.terminatorRange?.start ?? arr.closeBraceRange.start;
  return {
    title: `Carry state ${idText} at version ${version}`,
    preferred: true,
    edits: [{ file: arr.file, range: { start: at, end: at }, newText: `{ .id = ${idText}, .version = ${version} },\n\t` }],
  };
}

// stateFindings, callbackFindings and shadowFindings run on every step, skips included
// (n(n+1)/2 for n patches), the first time in code not yet optimised: indexed loops, as
// for-of makes an iterator and a result per item there.

function stateFindings(step: StepAnalysis, p: PatchSummary, out: Finding[], seen: Set<string>): void {
  for (let k = 0; k < step.states.length; k++) {
    const s = step.states[k];
    if (s.compatible) continue;
    const key = `state:${s.id}:${s.status}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const refuse = 'the kernel refuses to load it ("Livepatch patch (' + p.module + ') is not compatible with the already installed livepatches.", Invalid argument)';
    const rel = related(s.prevLoc, `${s.prevModule} installs state ${s.idText} at version ${s.prevVersion}`);
    if (s.status === 'dropped') {
      const fix = addStateFix(p, s.idText, s.id, s.prevVersion ?? 0);
      out.push({
        code: 'KLP042', severity: 'error', file: p.statesLoc.file, range: p.statesLoc.range, related: rel,
        message: `${p.module} is cumulative but drops system state ${stateLabel(s.idText, s.id)} that ${s.prevModule} installs at version ${s.prevVersion}${overText(step)}: ${refuse}. Carry the state with version >= ${s.prevVersion} (and take over its data), or make the patch non-cumulative.`,
        ...(fix ? { fixes: [fix] } : {}),
      });
    } else if (s.status === 'downgraded') {
      const code = p.replace ? 'KLP042' : 'KLP043';
      const loc = s.loc ?? p.statesLoc;
      out.push({
        code, severity: 'error', file: loc.file, range: loc.range, related: rel,
        message: `${p.module} carries system state ${stateLabel(s.idText, s.id)} at version ${s.version}, lower than version ${s.prevVersion} in ${s.prevModule}${overText(step)}: ${refuse}. Raise the version to at least ${s.prevVersion}.`,
      });
    }
  }
}

function describe(effects: { effect: { kind: string; text: string; via?: string } }[]): string {
  const parts = effects.map((e) => {
    const what = e.effect.kind === 'shadow-free' ? `frees shadow variables (${e.effect.text})`
      : e.effect.kind === 'free' ? `frees memory (${e.effect.text})`
      : e.effect.kind === 'alloc' ? `allocates (${e.effect.text})`
      : `writes ${e.effect.text.replace(/ = \.\.\.$/, '')}`;
    return e.effect.via ? `${what} through ${e.effect.via}()` : what;
  });
  return parts.join(', ');
}

const effectKey = (e: { kind: string; key: string }) => `${e.kind}:${e.key}`;

/** KNOWN: effects (`kind:key`) the ordinary upgrade already reports, left out. */
function callbackFindings(step: StepAnalysis, p: PatchSummary, out: Finding[], seen: Set<string>, known?: Set<string>): void {
  for (let k = 0; k < step.lostCallbacks.length; k++) {
    const cb = step.lostCallbacks[k];
    const missing = cb.effects.filter((e) => !e.takenOverAt && !e.moot && !known?.has(effectKey(e.effect)));
    if (!missing.length) continue;
    const key = `cb:${cb.module}:${cb.fn}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      code: 'KLP032', severity: 'warning', file: p.loc.file, range: p.loc.range,
      related: [
        ...related(cb.loc, `${cb.module}'s ${cb.kind} callback ${cb.fn}() never runs once ${p.module} replaces it`),
        ...missing.map((m) => ({ file: m.effect.loc.file, range: m.effect.loc.range, message: `not taken over: ${m.effect.text}` })),
      ],
      message: `${p.module} replaces ${cb.module}${overText(step)}, whose ${cb.kind} callback ${cb.fn}() (object ${cb.object}) will never run: it ${describe(missing)}, and ${p.module} does not. Do it in ${p.module} (e.g. in post_patch, reaching the old data through klp_get_prev_state()).`,
    });
  }
}

function shadowFindings(step: StepAnalysis, p: PatchSummary, out: Finding[], seen: Set<string>): void {
  if (!step.replace) return;
  for (let k = 0; k < step.shadows.length; k++) {
    const s = step.shadows[k];
    // Shadow frees that only a never-run callback did are KLP032's business.
    if (s.status !== 'leaked' || s.freedOnlyByLostCallbacks) continue;
    const key = `sv:${s.id ?? s.idText}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      code: 'KLP051', severity: 'warning', file: p.loc.file, range: p.loc.range,
      related: s.prevAllocs.slice(0, 3).map((l, i) => ({ file: l.file, range: l.range, message: i === 0 ? `allocated by ${s.allocatedBy.join(', ')}` : 'also allocated here' })),
      message: `shadow variable ${s.idText} allocated by ${s.allocatedBy.join(', ')} is neither used nor freed by ${p.module}${overText(step)}: the variables already attached stay allocated forever after the upgrade. Free them in ${p.module} (klp_shadow_free_all(${s.idText}, dtor) in post_patch).`,
    });
  }
}

/** IDX: P's position in PATCHES. */
function functionFindings(step: SeriesStep, p: PatchSummary, idx: number, patches: PatchSummary[], out: Finding[]): void {
  const main = step.main;
  if (main.kind === 'install') return;
  for (const f of main.functions) {
    if (f.status === 'kept') continue; // the common case: nothing to say
    const label = fnLabel(f.object, f.name, f.sympos);
    if (main.replace) {
      if (f.status === 'new' || f.status === 'changed') {
        out.push({
          code: 'KLP021', severity: 'info', file: f.loc!.file, range: f.loc!.range, related: related(f.prevLoc, `${f.from}'s version`),
          message: f.status === 'new' ? `${label}: newly patched by ${p.module} (no earlier patch of the series patches it)` : `${label}: re-patched by ${p.module}: a new implementation replaces ${f.from}'s${f.compared === false ? ' (bodies not compared: source not found)' : ''}`,
        });
      } else if (f.status === 'reverted-by-nop') {
        const obj = p.model.objArrays.flatMap((a) => a.entries).find((o) => (o.name ?? 'vmlinux') === f.object);
        const loc = obj ? { file: obj.file, range: obj.range } : p.loc;
        out.push({
          code: 'KLP021', severity: 'info', file: loc.file, range: obj?.nameRange ?? (obj ? { start: obj.range.start, end: obj.range.start } : loc.range), related: related(f.prevLoc, `patched by ${f.from}`),
          message: `${label}: reverted to the original code when ${p.module} replaces ${f.from} (the kernel adds a NOP for it: ${p.module} no longer patches it)`,
        });
      }
    } else if (f.status === 'stacked') {
      out.push({
        code: 'KLP024', severity: 'warning', file: f.loc!.file, range: f.loc!.range, related: related(f.prevLoc, `also patched by ${f.from}`),
        message: `${label} is already patched by ${f.from}; ${p.module} is not cumulative, so its version stacks on top: only the top one runs, disabling ${p.module} brings ${f.from}'s back, and code inside ${f.from} that calls its own copy keeps calling the stale one. Make ${p.module} cumulative (.replace = true).`,
      });
    }
  }
  // KLP022: a later patch older in content.
  if (main.replace && idx >= 2) {
    const prev = patches[idx - 1];
    for (const f of main.functions) {
      if (f.status !== 'changed' || f.compared === false) continue;
      const key = funcKey(f.object, f.name, f.sympos);
      const mine = funcsByKey(p).get(key);
      if (!mine?.fingerprint) continue;
      for (let j = idx - 2; j >= 0; j--) {
        const older = funcsByKey(patches[j]).get(key);
        if (older?.fingerprint && older.fingerprint === mine.fingerprint) {
          out.push({
            code: 'KLP022', severity: 'warning', file: f.loc!.file, range: f.loc!.range,
            related: [...related(older.loc, `the same implementation in ${patches[j].module}`), ...related(f.prevLoc, `${prev.module}'s newer implementation`)],
            message: `${fnLabel(f.object, f.name, f.sympos)}: ${p.module} goes back to ${patches[j].module}'s implementation, dropping the change ${prev.module} made — a downgrade hazard. Check that the series order and the source are the intended ones.`,
          });
          break;
        }
      }
    }
    const gained = main.functions.some((f) => f.status === 'new' || f.status === 'changed') || main.states.some((s) => s.status === 'introduced' || s.status === 'upgraded');
    const reverted = main.functions.filter((f) => f.status === 'reverted-by-nop');
    if (!gained && reverted.length) {
      out.push({
        code: 'KLP022', severity: 'warning', file: p.loc.file, range: p.loc.range, related: related(prev.loc, `${prev.module}`),
        message: `${p.module} is older in content than ${prev.module}: it only drops fixes (${reverted.map((f) => fnLabel(f.object, f.name, f.sympos)).join(', ')} revert to the original code) and adds nothing. Check the series order.`,
      });
    }
  }
}

/** Every series finding of REPORT, sorted by the caller's usual order. */
export function seriesFindings(report: SeriesReport): Finding[] {
  const out: Finding[] = [];
  // The first patch of each name, and where it is (a name listed twice reads the first).
  const first = new Map<string, number>();
  report.patches.forEach((p, i) => { if (!first.has(p.module)) first.set(p.module, i); });
  for (const step of report.steps) {
    const idx = first.get(step.patch)!;
    const p = report.patches[idx];
    const seen = new Set<string>();
    stateFindings(step.main, p, out, seen);
    callbackFindings(step.main, p, out, seen);
    shadowFindings(step.main, p, out, seen);
    // Version skips add only what the ordinary upgrade does not already report.
    const mainMissing = new Set(step.main.lostCallbacks.flatMap((c) => c.effects.filter((e) => !e.takenOverAt && !e.moot).map((e) => effectKey(e.effect))));
    for (let k = 0; k < step.skips.length; k++) {
      const a = step.skips[k];
      if (step.main.accepted) stateFindings(a, p, out, seen);
      callbackFindings(a, p, out, seen, mainMissing);
      shadowFindings(a, p, out, seen);
    }
    functionFindings(step, p, idx, report.patches, out);
  }
  for (const c of report.shadowConflicts) {
    out.push({
      code: 'KLP052', severity: 'warning', file: c.loc.file, range: c.loc.range,
      related: related(c.otherLoc, `${c.otherModule} uses ${c.kind === 'size' ? `size ${c.otherText}` : `the name ${c.otherText}`}`),
      message: c.kind === 'size'
        ? `shadow variable id ${c.id} is allocated here with size ${c.text} but with ${c.otherText} in ${c.otherModule}: a variable attached by one patch is read with the other's layout after an upgrade. Use one type per id across the series.`
        : `shadow variable id ${c.id} is ${c.text} here but ${c.otherText} in ${c.otherModule}: one id must mean one thing across the series (variables attached by one are read by the other). Use a new id, from a header the series shares.`,
    });
  }
  return out;
}
