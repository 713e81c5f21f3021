// The language server's index-time text cache (server/src/runTexts.ts): each file is read from
// disk once while an index runs, a change the watcher reports is read again, and nothing is
// kept once the index is over.
import * as assert from 'node:assert/strict';
import type { FileHost } from '../../core/src/host';
import { RunTexts } from '../../server/src/runTexts';

/** A host over FILES that counts its reads. */
function countingHost(files: Map<string, string>): FileHost & { reads: number } {
  const h = {
    reads: 0,
    readFile: (p: string) => { h.reads++; return files.get(p); },
    readDir: () => undefined,
  };
  return h;
}

describe('index-time text cache (RunTexts)', () => {
  it('reads a file once while an index runs, and from disk again after it', () => {
    const files = new Map([['/w/a.c', 'one']]);
    const disk = countingHost(files);
    const cache = new RunTexts();
    const host = cache.wrap(disk);
    assert.equal(host.readFile('/w/a.c'), 'one');
    assert.equal(host.readFile('/w/a.c'), 'one');
    assert.equal(disk.reads, 2, 'no index: every read goes to disk');
    cache.begin();
    host.readFile('/w/a.c');
    host.readFile('/w/a.c');
    assert.equal(host.readFile('/w/missing.h'), undefined);
    assert.equal(host.readFile('/w/missing.h'), undefined);
    assert.equal(disk.reads, 4, 'one read of each file during the index, missing ones included');
    files.set('/w/a.c', 'two');
    cache.end();
    assert.equal(host.readFile('/w/a.c'), 'two', 'after the index, the disk again');
  });

  it('a change the watcher reports is read again during the index; overlapping indexes keep the texts until the last ends', () => {
    const files = new Map([['/w/a.c', 'one']]);
    const cache = new RunTexts();
    const host = cache.wrap(countingHost(files));
    cache.begin();
    assert.equal(host.readFile('/w/a.c'), 'one');
    files.set('/w/a.c', 'two');
    assert.equal(host.readFile('/w/a.c'), 'one', 'the text of this index');
    cache.forget('/w/a.c');
    assert.equal(host.readFile('/w/a.c'), 'two');
    cache.begin(); // a newer index starts before the first one ends
    files.set('/w/a.c', 'three');
    cache.end();
    assert.equal(host.readFile('/w/a.c'), 'two', 'still inside the newer index');
    cache.end();
    assert.equal(host.readFile('/w/a.c'), 'three');
  });
});
