// Cancelling the workspace index while it analyses (the second phase of reindex() in
// server.ts: the scan is done, the modules it found are being analysed). The Cancel button
// of the "Indexing livepatch modules" progress must work there too, not only in the scan.
//
// On cancel the progress ends at once and the analysis queue puts off the pending modules
// nobody is looking at (Analyzer.defer(): modules of open documents are still analysed).
// What was put off is not forgotten: a module is analysed when one of its files is opened,
// changes on disk or is asked about, and every one at the next index (a structural change:
// Kbuild/Makefile/klp.series, a created or deleted source, a workspace folder). Nothing of
// it is published in the meantime: a series with a member put off is not analysed from the
// others (opening one of its files analyses the whole series), and diagnostics already
// published for analysed modules stay.
import type { Analyzer } from './analysis';

/** How the analysis phase of an index ended. */
export type AnalysisOutcome = { cancelled: false } | { cancelled: true; message: string };

/**
 * Waits until the analyzer has analysed what the index scheduled (SCHEDULED: the keys
 * pending when the phase began), or until CANCELLED resolves first: then the rest is put off
 * and the outcome carries the line to log.
 */
export async function analyseUnlessCancelled(analyzer: Analyzer, scheduled: ReadonlySet<string>, cancelled: Promise<void>): Promise<AnalysisOutcome> {
  const first = await Promise.race([analyzer.whenIdle().then(() => 'idle' as const), cancelled.then(() => 'cancel' as const)]);
  if (first === 'idle') return { cancelled: false };
  const putOff = [...analyzer.defer()].filter((k) => scheduled.has(k)).length;
  const total = scheduled.size;
  const message = putOff
    ? `indexing cancelled while analysing: ${total - putOff} of ${total} modules analysed; the other ${putOff} are analysed when one of their files is opened or changes, and all at the next re-index (a change to Kbuild, Makefile or klp.series, a new or deleted source)`
    : `indexing cancelled while analysing: nothing left to put off (the ${total} modules are analysed or still needed: open documents, folders partly analysed)`;
  return { cancelled: true, message };
}
