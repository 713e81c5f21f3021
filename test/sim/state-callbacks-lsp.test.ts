// The proposed state-callbacks API in the real language server (dist/server.js over stdio):
// hover on state callbacks, object callbacks, is_shadow ids and state ids of the converted
// example series; KLP07x diagnostics; the setting klpStudio.kernelApi (workspace/configuration)
// forcing either level; klp/simulate with kernelApi.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import type { SimulateResult } from '../../common/src/protocol';
import { copyTree, find, LspClient, ROOT, uri } from '../lsp/harness';

const hoverText = (h: Hover | null) => (h ? (h.contents as MarkupContent).value : '');
const codes = (ds: Diagnostic[]) => [...new Set(ds.map((d) => String(d.code)))].sort();

describe('state callbacks (§12) in the language server', function () {
  this.timeout(30000);
  let dir: string;
  let c: LspClient;
  let v2: string;
  let v3: string;

  before(async function () {
    if (!fs.existsSync(path.join(ROOT, 'dist/server.js'))) this.skip();
    dir = copyTree(path.join(ROOT, 'examples/state-callbacks'), 'klp-sc-lsp-');
    v2 = path.join(dir, 'lp_acme_sc_v2.c');
    v3 = path.join(dir, 'lp_acme_sc_v3.c');
    c = await LspClient.start({ root: dir });
    await c.indexed();
  });

  after(async () => {
    if (!c) return;
    assert.equal(await c.stop(), 0, c.stderr);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the KLP07x findings of the converted series (auto level)', async () => {
    await c.open(v2);
    const d = await c.waitDiagnostics(v2, (ds) => codes(ds).includes('KLP070'), 'KLP070 on v2');
    assert.ok(codes(d).includes('KLP072'), codes(d).join());
    assert.ok(!codes(d).includes('KLP051') && !codes(d).includes('KLP033'), codes(d).join());
  });

  it('hover: when a state callback runs, the object callback that never runs, is_shadow, the state across the series', async () => {
    await c.open(v3);
    const t2 = fs.readFileSync(v2, 'utf8');
    const t3 = fs.readFileSync(v3, 'utf8');
    const at = (file: string, text: string, needle: string, delta = 2, nth = 0) => ({ textDocument: { uri: uri(file) }, position: { line: find(text, needle, nth).start.line, character: find(text, needle, nth).start.character + delta } });

    const pre = hoverText(await c.request<Hover>('textDocument/hover', at(v3, t3, '.pre_patch = stats_pre_patch', 14)));
    assert.match(pre, /\*\*`pre_patch`\*\* of state SV_ACME_STATS/);
    assert.match(pre, /\*\*introduces\*\* the state/);
    assert.match(pre, /does \*\*not\*\* run when a patch is loaded over one that already has the state/);
    assert.match(pre, /\| `lp_acme_sc_v1` \| yes \| introduces it/);
    assert.match(pre, /\| `lp_acme_sc_v3` \(this\) \| yes \| carries it over from `lp_acme_sc_v2`/);

    const unp = hoverText(await c.request<Hover>('textDocument/hover', at(v3, t3, '.pre_unpatch = evict_order_pre_unpatch', 16)));
    assert.match(unp, /\*\*never runs\*\* \(KLP074\)/);

    const obj = hoverText(await c.request<Hover>('textDocument/hover', at(v2, t2, '.post_unpatch = acme_post_unpatch', 18)));
    assert.match(obj, /object callback/);
    assert.match(obj, /\*\*never runs\*\*.*not when `acme_cache` loads or unloads/);

    const id = hoverText(await c.request<Hover>('textDocument/hover', at(v2, t2, '.id = SV_ACME_HITS', 8)));
    assert.match(id, /`\.is_shadow`: the shadow variables `<\*, SV_ACME_HITS \(0x61636d01\)>` live as long as the state/);
    assert.match(id, /\| `lp_acme_sc_v3` \| yes \| drops it: `lp_acme_sc_v2`'s `pre_unpatch`\/`post_unpatch` run, then its shadow variables are freed/);

    const free = hoverText(await c.request<Hover>('textDocument/hover', at(v2, t2, 'klp_shadow_free_all(SV_ACME_HITS', 22)));
    assert.match(free, /freed by the kernel when the state is removed/);
    assert.match(free, /redundant \(KLP072\)/);
  });

  it('klp/simulate runs the proposal (detected), or upstream when asked', async () => {
    const scenario = path.join(dir, 'upgrade.klpsim');
    const auto = await c.request<SimulateResult>('klp/simulate', { target: { kind: 'scenario', uri: uri(scenario) } });
    assert.ok(auto.ok);
    assert.ok(auto.ok && auto.transcript.includes("livepatch: The livepatch 'lp_acme_sc_v3' does not support disable"));
    const up = await c.request<SimulateResult>('klp/simulate', { target: { kind: 'scenario', uri: uri(scenario) }, kernelApi: 'upstream' });
    assert.ok(up.ok && !up.transcript.some((l) => /does not support disable|: state 0x/.test(l)));
    assert.ok(up.ok && up.transcript.includes('livepatch: Livepatch patch (lp_acme_sc_v3) is not compatible with the already installed livepatches.'));
  });
});

describe('state callbacks (§12): the setting klpStudio.kernelApi', function () {
  this.timeout(30000);

  for (const [level, folder, file, want, not] of [
    ['upstream', 'examples/state-callbacks', 'lp_acme_sc_v1.c', 'KLP078', 'KLP070'],
    ['state-callbacks', 'examples', 'lp_acme_v2.c', 'KLP070', 'KLP078'],
  ] as const) {
    it(`${level}: ${want} on ${file}`, async function () {
      if (!fs.existsSync(path.join(ROOT, 'dist/server.js'))) this.skip();
      const dir = copyTree(path.join(ROOT, folder), 'klp-sc-setting-');
      const c = await LspClient.start({ root: dir, settings: { kernelApi: level } });
      try {
        await c.indexed();
        const f = path.join(dir, file);
        await c.open(f);
        const d = await c.waitDiagnostics(f, (ds) => codes(ds).includes(want), `${want} under ${level}`);
        assert.ok(!codes(d).includes(not), codes(d).join());
      } finally {
        assert.equal(await c.stop(), 0, c.stderr);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
