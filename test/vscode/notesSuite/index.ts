/**
 * Entry point VS Code calls inside the extension host (extensionTestsPath) for
 * the meeting-notes suite (its driver: test/vscode/notes.test.ts): runs every
 * *.suite.js beside it with mocha. Resolves when all pass; rejects otherwise,
 * which makes the workbench report a failure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000 });
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.suite.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} tests failed.`)) : resolve()));
  });
}
