// A folder without a klp.series is no series (issue 16, docs/SERIES.md): `klp-studio series
// DIR` and `simulate --series DIR` analyse no guessed order unless asked with --infer. Owns
// what they say instead: the livepatch modules found in DIR in natural name order, as the
// klp.series the user could write (a shell line to copy), and the --infer command that
// previews that order. The modules come from core's loadSeries (pure, through the host).
import * as path from 'node:path';
import { loadSeries, SERIES_FILE, type ModelProvider, type SeriesEntry } from '../../core/src/series';
import { nodeHost } from '../../common/src/nodeHost';

/** The livepatch modules whose main source is directly in DIR, in natural name order (DIR has no klp.series). Requires initParser(). */
export function unorderedModules(dir: string, provide: ModelProvider): SeriesEntry[] {
  return loadSeries(dir, nodeHost, provide).spec.entries;
}

/** DIR as shown (showPath) in a sentence: "." is the current folder. */
export function folderName(shownDir: string): string {
  return shownDir === '.' ? 'the current folder' : shownDir;
}

/** ARG as one shell word (quoted only when it has to be). */
export function shellWord(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The klp.series lines of MODULES (in DIR): module names, or, for a name two modules share,
 * the main source's path relative to DIR (as the editor's "Create klp.series" action writes them).
 */
export function seriesLines(dir: string, modules: SeriesEntry[]): string[] {
  const shared = new Set(modules.filter((m, i) => modules.findIndex((x) => x.name === m.name) !== i).map((m) => m.name));
  return modules.map((m) => (shared.has(m.name) && m.files.length ? path.relative(dir, m.files[0]) : m.name));
}

/**
 * The message for a DIR that has no klp.series but livepatch MODULES (non-empty): PREFIX
 * starts it ("klp-studio series: "), WHERE says where no klp.series was found ("DIR or
 * below it"), INFER is the command line that previews the natural order.
 */
export function noSeriesMessage(prefix: string, dir: string, shownDir: string, where: string, modules: SeriesEntry[], infer: string): string {
  const n = modules.length;
  const target = shellWord(shownDir === '.' ? SERIES_FILE : path.join(shownDir, SERIES_FILE));
  return `${prefix}no ${SERIES_FILE} in ${where}: without one there is no series, and the order of the livepatch modules is not guessed.\n`
    + `  ${n === 1 ? `The livepatch module there, as the ${SERIES_FILE} you could write` : `The ${n} livepatch modules there, in natural name order, as the ${SERIES_FILE} you could write (check the order first)`}:\n`
    + `    printf '%s\\n' ${seriesLines(dir, modules).map(shellWord).join(' ')} > ${target}\n`
    + `  To preview ${n === 1 ? 'it' : 'that order'} without writing anything: ${infer}\n`;
}
