// The mocha runner of the in-host suite: VS Code's extension host (code-server's, via
// test/e2e/code-shim.js) loads this file from extensionTestsPath and calls run(). The suite
// files are bundled beside it (scripts/e2e.mjs) and run in name order.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', grep: process.env.KLP_E2E_GREP });
  for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} in-host test(s) failed`)) : resolve()));
  });
}
