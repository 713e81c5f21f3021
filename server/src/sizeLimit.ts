// Setting `klpStudio.analysis.maxFileSizeKB` in the server (common/src/sizeLimit.ts does the
// limiting): a source file, header, Kbuild or klp.series larger than it is neither parsed nor
// analysed, and gets one information diagnostic (code KLPSIZE) saying so; the log says so too.
import type { Finding } from '../../core/src/findings';
import type { FileSizeLimit } from '../../common/src/sizeLimit';

export const SIZE_SETTING = 'klpStudio.analysis.maxFileSizeKB';

/** The limit in the settings section (`analysis.maxFileSizeKB`), or undefined when not set. */
export function maxKBFromSettings(settings: unknown): number | undefined {
  const s = settings as { analysis?: { maxFileSizeKB?: unknown }; 'analysis.maxFileSizeKB'?: unknown } | undefined;
  const v = s?.analysis?.maxFileSizeKB ?? s?.['analysis.maxFileSizeKB'];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The diagnostic of a file over the limit, or undefined. */
export function sizeFindings(limit: FileSizeLimit, path: string): Finding[] | undefined {
  const message = limit.message(path, SIZE_SETTING);
  if (!message) return undefined;
  return [{ code: 'KLPSIZE', severity: 'info', message, file: path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }];
}
