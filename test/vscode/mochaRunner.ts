/**
 * What an extensionTestsPath index does inside the extension host: runs every
 * *.suite.js in its folder with mocha (*.test.js are node:test drivers, run by
 * npm test outside VS Code). Resolves when all pass; rejects otherwise, which
 * makes the workbench report a failure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function runSuitesIn(dir: string): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000 });
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.suite.js')).sort()) {
    mocha.addFile(path.join(dir, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} tests failed.`)) : resolve()));
  });
}
