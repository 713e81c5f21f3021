// Entry point of C extraction: sources of one module in, ModuleModel out.
// (Being written: the signatures below are the contract the rest of the product uses.)
import type { ModuleModel, SourceText } from '../model';

/** Kernel module name of a source or .ko path: basename without extension, `-` -> `_`. */
export function moduleNameOf(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? path;
  return base.replace(/\.(c|ko|o|h)$/, '').replace(/-/g, '_');
}

/**
 * Extracts the model of one module from its sources (main file first, then the other
 * files of a multi-file module and the local headers it includes). Requires
 * `initParser()` to have resolved. Never throws: what does not parse is left out.
 */
export function extractModule(name: string, sources: SourceText[]): ModuleModel {
  return {
    name, files: sources.map((s) => s.path), patches: [], funcArrays: [], objArrays: [], stateArrays: [],
    functions: {}, macros: {}, params: [], shadowCalls: [], stateCalls: [], includes: [], moduleInfo: [],
    globals: {}, isLivepatch: false, apiLevel: 'upstream', syntaxErrors: [],
  };
}
