// Entry point of C extraction: the sources of one module in, its ModuleModel out.
//
// Extraction reads the top-level items of every file (never a whole-tree walk): first the
// #defines and module parameter names (values in one file may use macros of another), then
// tables, functions and calls with values resolved against them; body facts only for the
// functions an analysis can ask about. One-shot here; the language server keeps an
// IncrementalModuleExtractor (./incremental.ts) per module so that an edit re-extracts only
// the items it changed. Extraction never throws; what does not parse is not in the model.
import type { ModuleModel, SourceText } from '../model';
import { parsePrepared, prepareSource } from '../cparse/parser';
import { LineIndex } from '../text';
import type { ParsedSource } from './file';
import { IncrementalModuleExtractor } from './incremental';

export type { ParsedSource } from './file';
export { IncrementalModuleExtractor } from './incremental';
export { moduleNameOf, normalize } from './paths';

/**
 * Extracts the model of one module from its sources (main file first, then the other
 * files of a multi-file module and the local headers it includes). Requires
 * `initParser()` to have resolved.
 */
export function extractModule(name: string, sources: SourceText[]): ModuleModel {
  const parsed: ParsedSource[] = [];
  try {
    for (const s of sources) {
      const tree = parsePrepared(prepareSource(s.text).text);
      if (tree) parsed.push({ path: s.path, text: s.text, tree, lines: new LineIndex(s.text) });
    }
    return extractModuleFromParsed(name, parsed);
  } finally {
    for (const p of parsed) p.tree.delete();
  }
}

/** Same as extractModule, from trees the caller owns. */
export function extractModuleFromParsed(name: string, files: ParsedSource[]): ModuleModel {
  return new IncrementalModuleExtractor({ oneShot: true }).update(name, files);
}
