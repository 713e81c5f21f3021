// What the rules could not judge (KLP080): regions of a livepatch source the extractor
// could not read — syntax errors and generator template placeholders (`@@NAME@@`). A table
// that holds one is not judged as written (no terminator or missing-field error about what
// a generator fills in), and the rules that assert an absence over the whole module
// (ABSENCE_RULES) do not run; one note per region names the line, what is there and which
// checks did not run. Silence about what could not be read would be a false "0 errors".
import type { ModuleModel, Range, Unreadable } from '../model';
import { before, isLivepatchModule, Reporter } from './context';

/** Rules that claim something is missing from the whole module: not run when part of it is unreadable. */
export const ABSENCE_RULES = ['KLP007', 'KLP008', 'KLP009', 'KLP031', 'KLP044', 'KLP051'];

/** Notes per file before the rest is summed up in one. */
const MAX_NOTES = 5;

/** Whether RANGE of FILE holds a region the extractor could not read. */
export function holdsUnreadable(m: ModuleModel, file: string, range: Range): boolean {
  return m.unreadable.some((u) => u.file === file && !before(u.range.start, range.start) && !before(range.end, u.range.end));
}

/** Whether every source of the module was read completely (absence rules may run). */
export function readCompletely(m: ModuleModel): boolean {
  return !m.unreadable.length;
}

/** Whether the module is (or means to be) a livepatch: other files' syntax errors are not our business. */
function livepatchLike(m: ModuleModel): boolean {
  return isLivepatchModule(m) || m.funcArrays.length > 0 || m.objArrays.length > 0 || m.moduleInfo.some((u) => u.args[0]?.trim() === 'livepatch')
    || Object.values(m.functions).some((f) => f.calls.some((c) => c.callee.startsWith('klp_')));
}

/** The klp table whose definition holds U, if any. */
function tableOf(m: ModuleModel, u: Unreadable): string | undefined {
  const inside = (r: Range) => !before(u.range.start, r.start) && !before(r.end, u.range.end);
  const kinds: [string, { file: string; range: Range; name: string }[]][] = [
    ['klp_func array', m.funcArrays], ['klp_object array', m.objArrays], ['klp_state array', m.stateArrays], ['klp_patch', m.patches],
  ];
  // The innermost table: compound literals sit inside their owner's definition.
  let best: { label: string; range: Range } | undefined;
  for (const [kind, list] of kinds) {
    for (const t of list) {
      if (t.file !== u.file || !inside(t.range)) continue;
      if (!best || !before(t.range.start, best.range.start)) best = { label: `${kind} '${t.name}'`, range: t.range };
    }
  }
  return best?.label;
}

export function unreadableRules(m: ModuleModel, out: Reporter): void {
  if (!out.on('KLP080') || !m.unreadable.length || !livepatchLike(m)) return;
  const skipped = `the checks that need the whole module (${ABSENCE_RULES.join(', ')}) did not run`;
  const perFile = new Map<string, number>();
  for (const u of m.unreadable) {
    const n = (perFile.get(u.file) ?? 0) + 1;
    perFile.set(u.file, n);
    if (n > MAX_NOTES) continue;
    const table = tableOf(m, u);
    const line = u.range.start.line + 1;
    const what = u.kind === 'placeholder'
      ? `template placeholder ${u.text} (line ${line}) is filled in by a generator: the code it stands for is not read here`
      : `syntax error at line ${line} ('${u.text}'): the code there could not be read`;
    const tableNote = table ? `; ${table} is not checked as written (terminator, entries, required fields)` : '';
    const advice = u.kind === 'placeholder' ? 'Check the generated source instead.' : 'Fix the syntax error (or the macro the parser cannot see through) to have it checked.';
    out.add('KLP080', u.file, u.range.end.character === u.range.start.character && u.range.end.line === u.range.start.line
      ? { start: u.range.start, end: { line: u.range.start.line, character: u.range.start.character + 1 } } : firstLine(u.range),
    `${what}${tableNote}, and ${skipped}. ${advice}`);
  }
  for (const [file, n] of perFile) {
    if (n <= MAX_NOTES) continue;
    const last = m.unreadable.filter((u) => u.file === file)[MAX_NOTES];
    out.add('KLP080', file, firstLine(last.range), `${n - MAX_NOTES} more unreadable regions in this file (syntax errors or template placeholders) are not listed one by one.`);
  }
}

function firstLine(r: Range): Range {
  return r.end.line === r.start.line ? r : { start: r.start, end: { line: r.start.line, character: r.start.character + 1 } };
}
