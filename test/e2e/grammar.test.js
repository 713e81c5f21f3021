// The .klpsim and transcript TextMate grammars (syntaxes/), tokenized by the same engine and
// regex library VS Code uses (vscode-textmate + vscode-oniguruma, taken from the installed
// code-server, so nothing is added to the project's dependencies). Checks the scopes of every
// construct of docs/SCENARIOS.md on a scenario written for it, and that no line of the
// example and conformance scenarios is marked invalid. Run by scripts/e2e.mjs (step "grammar").
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { E2E_DIR } = require('./lib/codeServer');

const root = path.join(__dirname, '..', '..');
const vscodeModules = path.join(process.env.KLP_E2E_DIR || E2E_DIR, 'cs/node_modules/code-server/lib/vscode/node_modules');
const tm = require(path.join(vscodeModules, 'vscode-textmate'));
const onig = require(path.join(vscodeModules, 'vscode-oniguruma'));

async function registry() {
  const wasm = fs.readFileSync(path.join(vscodeModules, 'vscode-oniguruma/release/onig.wasm')).buffer;
  await onig.loadWASM(wasm);
  const files = { 'source.klpsim': 'klpsim.tmLanguage.json', 'text.klpsim-transcript': 'klpsim-transcript.tmLanguage.json' };
  return new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p) => new onig.OnigScanner(p), createOnigString: (s) => new onig.OnigString(s) }),
    loadGrammar: async (scope) => files[scope] ? tm.parseRawGrammar(fs.readFileSync(path.join(root, 'syntaxes', files[scope]), 'utf8'), files[scope]) : null,
  });
}

/** [text, scopes-without-root] of every token of every line. */
function tokenize(grammar, text) {
  let state = tm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes.slice(1)]);
  });
}

/** Asserts that the token holding `needle` (or the first token of it) on a line has `scope`. */
function hasScope(lines, lineNo, needle, scope) {
  const tok = lines[lineNo].find(([text]) => text.includes(needle) || (text.trim().length > 0 && needle.startsWith(text)));
  assert.ok(tok, `a token for "${needle}" on line ${lineNo + 1}: ${JSON.stringify(lines[lineNo].map((t) => t[0]))}`);
  assert.ok(tok[1].includes(scope), `"${needle}" on line ${lineNo + 1} has ${scope}; its scopes: ${tok[1].join(' ')}`);
}

const SCENARIO = [
  '# a comment',                                                      // 0
  'insmod test_modules/lp_acme_v1.ko replace=1   # trailing',         // 1
  'modprobe acme_cache',                                              // 2
  'rmmod lp_acme_v1',                                                 // 3
  'echo 0 > /sys/kernel/livepatch/lp_acme_v2/enabled',                // 4
  'cat /sys/kernel/livepatch/lp_acme_v2/transition',                  // 5
  'sysctl -w kernel.ftrace_enabled=0',                                // 6
  'sleep 15',                                                         // 7
  '#@ task kworker/1:2 pid=42 kthread sleeps-in tcp_sendmsg,acme_cache_shrink', // 8
  '#@ kernel reliable_stacktrace=n',                                  // 9
  'frobnicate now',                                                   // 10
].join('\n');

(async () => {
  const reg = await registry();
  const scenario = await reg.loadGrammar('source.klpsim');
  const t = tokenize(scenario, SCENARIO);
  const expect = [
    [0, '# a comment', 'comment.line.number-sign.klpsim'],
    [1, 'insmod', 'support.function.builtin.klpsim'],
    [1, 'lp_acme_v1', 'entity.name.module.klpsim'],
    [1, 'replace', 'variable.parameter.klpsim'],
    [1, '# trailing', 'comment.line.number-sign.klpsim'],
    [2, 'modprobe', 'support.function.builtin.klpsim'],
    [2, 'acme_cache', 'entity.name.module.klpsim'],
    [3, 'lp_acme_v1', 'entity.name.module.klpsim'],
    [4, 'echo', 'support.function.builtin.klpsim'],
    [4, '0', 'constant.language.value.klpsim'],
    [4, '>', 'keyword.operator.redirect.klpsim'],
    [4, 'lp_acme_v2', 'entity.name.module.klpsim'],
    [5, 'cat', 'support.function.builtin.klpsim'],
    [6, 'kernel.ftrace_enabled', 'variable.other.sysctl.klpsim'],
    [7, '15', 'constant.numeric.klpsim'],
    [8, '#@', 'punctuation.definition.directive.klpsim'],
    [8, 'task', 'keyword.control.directive.klpsim'],
    [8, 'kworker/1:2', 'entity.name.task.klpsim'],
    [8, 'kthread', 'keyword.other.task-state.klpsim'],
    [8, 'sleeps-in', 'keyword.other.task-state.klpsim'],
    [8, 'tcp_sendmsg,acme_cache_shrink', 'entity.name.function.klpsim'],
    [9, 'kernel', 'keyword.control.directive.klpsim'],
    [9, 'reliable_stacktrace', 'variable.parameter.klpsim'],
    [10, 'frobnicate', 'invalid.illegal.unknown-command.klpsim'],
  ];
  let failures = 0;
  for (const [line, needle, scope] of expect) {
    try {
      hasScope(t, line, needle, scope);
    } catch (e) {
      failures++;
      console.error(`grammar: ${e.message}`);
    }
  }
  // No valid scenario line may be marked invalid.
  const dirs = [path.join(root, 'examples'), ...['/work/shared/conformance', path.join(root, 'test/conformance')].filter((d) => fs.existsSync(d))];
  const files = dirs.flatMap((d) => walk(d)).filter((f) => f.endsWith('.klpsim') && !/error|invalid|bad|broken/i.test(f));
  for (const f of files) {
    tokenize(scenario, fs.readFileSync(f, 'utf8')).forEach((toks, i) => {
      const bad = toks.find(([, scopes]) => scopes.some((s) => s.startsWith('invalid')));
      if (bad) { failures++; console.error(`grammar: ${path.relative(root, f)}:${i + 1}: "${bad[0]}" marked invalid`); }
    });
  }
  const transcript = await reg.loadGrammar('text.klpsim-transcript');
  const tt = tokenize(transcript, "% insmod lp_acme_v1.ko\nlivepatch: enabling patch 'lp_acme_v1'\ninsmod: ERROR: could not insert module lp_acme_v3.ko: Invalid argument");
  try {
    hasScope(tt, 0, 'insmod lp_acme_v1.ko', 'markup.bold.command.klpsim-transcript');
    hasScope(tt, 1, 'livepatch:', 'entity.name.tag.klpsim-transcript');
    hasScope(tt, 2, 'ERROR: could not insert', 'invalid.illegal.error.klpsim-transcript');
  } catch (e) {
    failures++;
    console.error(`grammar: transcript: ${e.message}`);
  }
  console.log(`\ngrammar: ${expect.length + 3} scope checks, ${files.length} scenario files scanned, ${failures} failure(s)`);
  process.exitCode = failures ? 1 : 0;
})().catch((e) => { console.error(e); process.exit(2); });

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? (e.name === 'node_modules' || e.name.startsWith('.') ? [] : walk(p)) : [p];
  });
}
