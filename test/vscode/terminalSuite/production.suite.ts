/**
 * Runs INSIDE the extension host of a real VS Code whose development extension
 * is an empty probe, so Voxnote, installed from its .vsix, runs as a user's
 * would: in production mode.
 */
/// <reference types="mocha" />
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

suite('Voxnote installed, in production mode', () => {
  test('exports no API: no other extension can subscribe to what the user says', async () => {
    const ext = vscode.extensions.getExtension('voxnote.voxnote');
    assert.ok(ext, 'Voxnote is installed');
    const exports: unknown = await ext.activate();
    assert.equal(exports, undefined);
  });

  test("push-to-talk, toggle and Dictate and Send are in the terminal's commandsToSkipShell, also for a user with a list of their own", async () => {
    // The driver gave the user a list of their own: Voxnote adds its commands to it just after activating.
    const wanted = ['voxnote.pushToTalk', 'voxnote.toggleDictation', 'voxnote.dictateAndSend'];
    const skip = () => vscode.workspace.getConfiguration('terminal.integrated').get<string[]>('commandsToSkipShell') ?? [];
    for (const until = Date.now() + 10_000; !wanted.every((c) => skip().includes(c)); await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > until) assert.fail(`commandsToSkipShell is ${JSON.stringify(skip())}`);
    }
    assert.ok(skip().includes('-workbench.action.quickOpen'), 'the user\'s own entry stays');
  });
});
