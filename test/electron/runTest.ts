/**
 * Runs the extension-host suite (test/vscode/suite/) in desktop VS Code through
 * @vscode/test-electron, on the extension as built in this folder: `npm run test:electron`.
 * It downloads VS Code on first use, so it needs internet; offline machines run the
 * same suite in code-server (test/vscode/dictation.test.ts, part of `npm test`).
 * Linux with PulseAudio's tools: the suite speaks into a virtual microphone.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startVirtualAudio } from '../support/pulse';
import { buildToneModel } from '../support/toneModel';

const ROOT = path.resolve(__dirname, '../../..');

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-electron-'));
  // Sets PULSE_SERVER / XDG_RUNTIME_DIR in this process's environment, which VS Code inherits.
  const audio = await startVirtualAudio(tmp);
  try {
    const model = path.join(tmp, 'model');
    buildToneModel(model);
    const userData = path.join(tmp, 'user-data');
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ 'voxnote.model.path': model }));
    const workspace = path.join(tmp, 'workspace');
    fs.mkdirSync(workspace);
    await runTests({
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out', 'test', 'vscode', 'suite', 'index.js'),
      launchArgs: [workspace, `--user-data-dir=${userData}`, '--disable-extensions', '--disable-workspace-trust'],
    });
  } finally {
    await audio.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(`test:electron failed: ${e.message}`);
  process.exit(1);
});
