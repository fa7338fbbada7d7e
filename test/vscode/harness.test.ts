/**
 * Proof that the workbench harness runs an extension in a real VS Code (code-server +
 * headless Chromium), offline: a throwaway extension made here, its mocha suites run
 * inside the real extension host (pass -> exit 0, a failing test -> exit 1), and a
 * command run from the palette writes into a file that is checked on disk after save.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  packageVsix,
  prerequisites,
  PROJECT_ROOT,
  startCodeServer,
  type CodeServer,
} from './harness';
import { groupMembers } from '../support/processes';

const GREETING = 'Hello from the tiny extension';
const PROBE = { VOXNOTE_HARNESS_PROBE: 'from-the-test' };

/** A one-command extension: a status bar item, and a command that types at the cursor. */
function writeTinyExtension(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'tiny',
    displayName: 'Tiny',
    publisher: 'voxnote-test',
    version: '0.0.1',
    license: 'MIT',
    engines: { vscode: '^1.90.0' },
    main: './extension.js',
    activationEvents: ['onStartupFinished'],
    contributes: { commands: [{ command: 'tiny.insert', title: 'Insert Greeting', category: 'Tiny' }] },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(dir, 'README.md'), '# Tiny\n\nA throwaway extension for the harness test.\n');
  fs.writeFileSync(
    path.join(dir, 'extension.js'),
    `const vscode = require('vscode');
exports.activate = function (context) {
  const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 1000);
  item.text = '$(megaphone) Tiny ready';
  item.show();
  context.subscriptions.push(item, vscode.commands.registerCommand('tiny.insert', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new Error('Tiny: no active editor');
    await editor.edit((e) => e.insert(editor.selection.active, ${JSON.stringify(GREETING)}));
    item.text = '$(check) Tiny inserted';
  }));
};
exports.deactivate = function () {};
`,
  );
}

/** Mocha suites in the shape VS Code's extensionTestsPath wants: `run(): Promise<void>`. */
function writeSuites(dir: string): { pass: string; fail: string } {
  fs.mkdirSync(dir, { recursive: true });
  const index = (files: string[]): string => `const path = require('path');
const Mocha = require(${JSON.stringify(require.resolve('mocha'))});
exports.run = function () {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 20000 });
  for (const f of ${JSON.stringify(files)}) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(failures + ' tests failed.')) : resolve()));
  });
};
`;
  fs.writeFileSync(
    path.join(dir, 'pass.test.js'),
    `const assert = require('assert');
const vscode = require('vscode');
suite('tiny in the real extension host', () => {
  test('runs on code-server with the environment the caller passed', () => {
    assert.strictEqual(process.env.VOXNOTE_HARNESS_PROBE, ${JSON.stringify(PROBE.VOXNOTE_HARNESS_PROBE)});
    assert.strictEqual(process.versions.electron, undefined);
    assert.match(vscode.version, /^1\\./);
  });
  test('the command inserts the greeting at the cursor', async () => {
    const ext = vscode.extensions.getExtension('voxnote-test.tiny');
    assert.ok(ext, 'extension loaded from extensionDevelopmentPath');
    await ext.activate();
    const doc = await vscode.workspace.openTextDocument({ content: '' });
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('tiny.insert');
    assert.strictEqual(doc.getText(), ${JSON.stringify(GREETING)});
  });
});
`,
  );
  fs.writeFileSync(
    path.join(dir, 'fail.test.js'),
    `const assert = require('assert');
suite('a suite with a failing test', () => {
  test('fails on purpose', () => assert.strictEqual(1 + 1, 3));
});
`,
  );
  fs.writeFileSync(path.join(dir, 'index-pass.js'), index(['pass.test.js']));
  fs.writeFileSync(path.join(dir, 'index-fail.js'), index(['pass.test.js', 'fail.test.js']));
  return { pass: path.join(dir, 'index-pass.js'), fail: path.join(dir, 'index-fail.js') };
}

const ms = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

describe('VS Code workbench harness (code-server + headless Chromium)', () => {
  let tmp: string;
  let extDir: string;
  let suites: { pass: string; fail: string };
  let workspace: string;

  before(() => {
    prerequisites(); // fails loudly, naming scripts/vscode-test-deps.sh
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-harness-test-'));
    extDir = path.join(tmp, 'tiny');
    writeTinyExtension(extDir);
    suites = writeSuites(path.join(tmp, 'suite'));
    workspace = path.join(tmp, 'workspace');
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, 'note.txt'), '');
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  // The two suites run at once, each in its own page and extension host on one server:
  // most of a cycle is waiting, and this keeps the whole file well under a minute.
  describe('mocha suites inside the extension host (extension loaded from its folder)', { concurrency: true }, () => {
    let server: CodeServer;
    before(async () => {
      const t0 = performance.now();
      server = await startCodeServer({ env: PROBE });
      console.log(`# code-server up in ${ms(t0)}`);
    });
    after(async () => {
      if (!server) return;
      await server.dispose();
      assert.deepEqual(groupMembers(server.pid), [], 'dispose() left processes of the group behind');
      assert.equal(fs.existsSync(server.runDir), false, 'dispose() left the run dir');
    });

    it('a passing suite reports its tests and exits 0', async () => {
      const t0 = performance.now();
      const wb = await server.openWorkbench({ folder: workspace, extensionDevelopmentPath: extDir, extensionTestsPath: suites.pass });
      const { code, output } = await wb.testsDone(60_000);
      console.log(`# passing suite done in ${ms(t0)}`);
      await wb.dispose();
      assert.equal(code, 0, output);
      assert.match(output, /2 passing/, output);
      assert.match(output, /the command inserts the greeting at the cursor/, output);
    });

    it('a suite with a failing test exits 1 and names the failure', async () => {
      const t0 = performance.now();
      const wb = await server.openWorkbench({ folder: workspace, extensionDevelopmentPath: extDir, extensionTestsPath: suites.fail });
      const { code, output } = await wb.testsDone(60_000);
      console.log(`# failing suite done in ${ms(t0)}`);
      await wb.dispose();
      assert.equal(code, 1, output);
      assert.match(output, /2 passing/, output);
      assert.match(output, /1 failing/, output);
      assert.match(output, /fails on purpose/, output);
    });
  });

  describe('driving the UI like a person (extension installed from a .vsix)', () => {
    let server: CodeServer;
    before(async () => {
      let t0 = performance.now();
      const vsix = await packageVsix(extDir, path.join(tmp, 'tiny.vsix'), ['--allow-missing-repository', '--skip-license', '--no-dependencies']);
      console.log(`# vsce package in ${ms(t0)}`);
      t0 = performance.now();
      server = await startCodeServer({ vsix: [vsix], env: PROBE });
      console.log(`# --install-extension + code-server up in ${ms(t0)}`);
    });
    after(async () => {
      if (!server) return;
      await server.dispose();
      assert.deepEqual(groupMembers(server.pid), [], 'dispose() left processes of the group behind');
    });

    it('runs a command from the palette: the status bar changes, and once saved the text is on disk', async () => {
      assert.ok(
        fs.readdirSync(server.extensionsDir).some((d) => d.startsWith('voxnote-test.tiny-0.0.1')),
        `not installed: ${fs.readdirSync(server.extensionsDir).join(', ')}`,
      );
      let t0 = performance.now();
      const wb = await server.openWorkbench({ folder: workspace });
      console.log(`# workbench shown in ${ms(t0)}`);
      t0 = performance.now();
      await wb.statusBarText('Tiny ready');
      console.log(`# status bar item after ${ms(t0)} more`);

      await wb.openFile('note.txt');
      await wb.page.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible' });
      await wb.runCommand('Tiny: Insert Greeting');
      // The item the user saw say "ready" now says what the command did.
      await wb.statusBarText('Tiny inserted');
      assert.equal(await wb.page.locator('.statusbar-item', { hasText: 'Tiny ready' }).count(), 0, 'the status bar still says "Tiny ready"');
      await wb.page.keyboard.press('Control+S');

      const file = path.join(workspace, 'note.txt');
      for (const until = Date.now() + 10_000; fs.readFileSync(file, 'utf8') !== GREETING && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(fs.readFileSync(file, 'utf8'), GREETING);

      // For people looking at a failed run; nothing is asserted about the picture.
      await wb.screenshot(path.join(PROJECT_ROOT, '.test-output', 'vscode', 'harness-palette-command.png'));
      console.log(`# palette command and save in ${ms(t0)}`);
      await wb.dispose();
    });
  });
});
