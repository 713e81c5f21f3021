// Preloaded (`node --require`) into the CLI and the language server by io.test.ts: records
// every attempt to run a program, open a network connection, resolve a name or write to
// the file system, one JSON line per attempt in $KLP_SANDBOX_LOG, and refuses it. The
// tests then assert that check, series, simulate, timeline and a whole LSP session made none.
'use strict';
const fs = require('node:fs');
const LOG = process.env.KLP_SANDBOX_LOG;
// The log is opened once, before anything is patched (fs.appendFileSync would go through
// the patched fs.openSync).
const logFd = LOG ? fs.openSync(LOG, 'a') : undefined;
const writeSync = fs.writeSync;
const record = (what, args) => {
  if (logFd === undefined) return;
  let detail;
  try {
    detail = JSON.stringify(args.map((a) => (typeof a === 'string' || typeof a === 'number' ? a : typeof a)));
  } catch {
    detail = '[?]';
  }
  writeSync(logFd, JSON.stringify({ what, detail, pid: process.pid }) + '\n');
};
const refuse = (obj, name, label) => {
  const orig = obj[name];
  if (typeof orig !== 'function') return;
  obj[name] = function (...args) {
    record(label, args);
    throw new Error(`sandbox: ${label} refused`);
  };
};

const cp = require('node:child_process');
for (const n of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) refuse(cp, n, `child_process.${n}`);

const net = require('node:net');
refuse(net, 'connect', 'net.connect');
refuse(net, 'createConnection', 'net.createConnection');
refuse(net.Socket.prototype, 'connect', 'net.Socket.connect');
for (const m of ['http', 'https']) {
  const mod = require(`node:${m}`);
  refuse(mod, 'request', `${m}.request`);
  refuse(mod, 'get', `${m}.get`);
}
refuse(require('node:tls'), 'connect', 'tls.connect');
const dns = require('node:dns');
for (const n of ['lookup', 'resolve', 'resolve4', 'resolve6']) refuse(dns, n, `dns.${n}`);
if (typeof globalThis.fetch === 'function') refuse(globalThis, 'fetch', 'fetch');

// File system writes (reads stay allowed). A write-mode open is refused too.
for (const n of [
  'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'mkdir', 'mkdirSync', 'mkdtemp', 'mkdtempSync', 'rm', 'rmSync',
  'rmdir', 'rmdirSync', 'unlink', 'unlinkSync', 'rename', 'renameSync', 'copyFile', 'copyFileSync', 'cp', 'cpSync', 'symlink',
  'symlinkSync', 'link', 'linkSync', 'truncate', 'truncateSync', 'chmod', 'chmodSync', 'utimes', 'utimesSync', 'createWriteStream',
]) refuse(fs, n, `fs.${n}`);
for (const n of ['writeFile', 'appendFile', 'mkdir', 'rm', 'rmdir', 'unlink', 'rename', 'copyFile', 'cp', 'truncate', 'open']) {
  if (n === 'open') continue;
  refuse(fs.promises, n, `fs.promises.${n}`);
}
const WRITE = fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND;
const openSync = fs.openSync;
fs.openSync = function (p, flags, ...rest) {
  const f = typeof flags === 'number' ? flags : 0;
  const s = typeof flags === 'string' ? flags : '';
  if ((f & WRITE) || /[wa+]/.test(s)) {
    record('fs.openSync(write)', [p, flags]);
    throw new Error('sandbox: write open refused');
  }
  return openSync.call(this, p, flags, ...rest);
};
