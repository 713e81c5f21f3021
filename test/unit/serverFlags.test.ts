// The server's Node flags (common/src/serverFlags.ts): V8's thread pool sized to the machine.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { serverNodeFlags, v8PoolSize } from '../../common/src/serverFlags';

describe('server Node flags', () => {
  it('leave the main thread a core: one fewer V8 thread than cores, at least 1, at most 4', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 8, 64].map((c) => v8PoolSize(c)), [1, 1, 2, 3, 4, 4, 4]);
    assert.deepEqual(serverNodeFlags(2), ['--max-semi-space-size=2', '--v8-pool-size=1']);
  });

  it('are flags this Node accepts on the command line', () => {
    const r = spawnSync(process.execPath, [...serverNodeFlags(), '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'ok');
  });
});
