// `--kernel-api upstream|state-callbacks|auto` of `klp-studio simulate` (and its JSON
// api-level event): the flag forces the level both ways; auto detects it from the modules.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { command as simulate } from '../../cli/src/commands/simulate';

const root = path.join(__dirname, 'state-callbacks');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await simulate.run(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, cwd: root, isTTY: false });
  return { code, out, err };
}

describe('state callbacks (§12): simulate --kernel-api', () => {
  const scenario = 'cases/introduce-and-disable/scenario.klpsim';

  it('auto (default) detects the proposal from the modules; state-callbacks gives the same run', async () => {
    const auto = await run([scenario, '--path', 'modules']);
    const forced = await run([scenario, '--path', 'modules', '--kernel-api', 'state-callbacks']);
    assert.equal(auto.code, 0);
    assert.match(auto.out, /^sc_v1: v1_leak_pre_patch: state 1$/m);
    assert.equal(forced.out, auto.out);
    const json = JSON.parse((await run([scenario, '--path', 'modules', '--format', 'json'])).out);
    assert.deepEqual(json.events.filter((e: { kind: string }) => e.kind === 'api-level').map((e: { chosenBy: string }) => e.chosenBy), ['detected']);
    const jsonForced = JSON.parse((await run([scenario, '--path', 'modules', '--format', 'json', '--kernel-api', 'state-callbacks'])).out);
    assert.deepEqual(jsonForced.events.filter((e: { kind: string }) => e.kind === 'api-level').map((e: { chosenBy: string }) => e.chosenBy), ['option']);
  });

  it('upstream ignores the state callbacks (no state line, no api-level event, a note)', async () => {
    const r = await run([scenario, '--path', 'modules', '--kernel-api', 'upstream', '--format', 'json']);
    assert.equal(r.code, 0);
    const events = JSON.parse(r.out).events as { kind: string; line?: string; message?: string }[];
    assert.equal(events.filter((e) => e.kind === 'api-level' || e.kind === 'state-callback').length, 0);
    assert.ok(events.some((e) => e.kind === 'note' && /simulates the upstream API/.test(e.message ?? '')));
    assert.ok(!events.some((e) => /: state \d+$/.test(e.line ?? '')));
  });

  it('state-callbacks on upstream modules: object callbacks never run', async () => {
    const conf = path.resolve(__dirname, '../conformance/cases');
    let out = '';
    const code = await simulate.run(['s3-4-disable/scenario.klpsim', '--path', 'modules', '--kernel-api', 'state-callbacks'], { out: (t) => { out += t; }, err: () => {}, cwd: conf, isTTY: false });
    assert.equal(code, 0);
    let up = '';
    const upstream = await simulate.run(['s3-4-disable/scenario.klpsim', '--path', 'modules'], { out: (t) => { up += t; }, err: () => {}, cwd: conf, isTTY: false });
    assert.equal(upstream, 0);
    assert.match(up, /_pre_patch/, 'the upstream run calls the object callbacks');
    assert.doesNotMatch(out, /_pre_patch|_post_patch|_pre_unpatch|_post_unpatch/);
    assert.match(out, /livepatch: 'lp_a': patching complete/);
  });

  it('rejects an unknown level (exit 2 through the usage error)', async () => {
    await assert.rejects(run([scenario, '--kernel-api', 'v2']), /--kernel-api/);
  });
});
