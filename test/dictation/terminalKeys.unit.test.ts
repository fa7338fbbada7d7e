/** Voxnote's keys reach it in a focused terminal: its commands are in terminal.integrated.commandsToSkipShell. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TERMINAL_COMMANDS, withTerminalCommands } from '../../src/dictation/terminalKeys';
import { ROOT } from '../support/worker';

describe('terminal keys', () => {
  it('package.json contributes the commands as the default of commandsToSkipShell, each with a terminal keybinding', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.deepEqual(manifest.contributes.configurationDefaults['terminal.integrated.commandsToSkipShell'], TERMINAL_COMMANDS);
    for (const command of TERMINAL_COMMANDS) {
      const bindings = manifest.contributes.keybindings.filter((k: { command: string; when?: string }) => k.command === command && /terminalFocus/.test(k.when ?? ''));
      assert.ok(bindings.length > 0, `${command} has a keybinding for a focused terminal`);
    }
  });

  it("adds Voxnote's commands to a user's own list, keeping theirs", () => {
    assert.deepEqual(withTerminalCommands(['workbench.action.quickOpen', '-workbench.action.togglePanel']), [
      'workbench.action.quickOpen',
      '-workbench.action.togglePanel',
      ...TERMINAL_COMMANDS,
    ]);
    assert.deepEqual(withTerminalCommands(['voxnote.pushToTalk']), TERMINAL_COMMANDS);
  });

  it('leaves the setting alone when there is no list of their own, ours is there, or they removed ours on purpose', () => {
    assert.equal(withTerminalCommands(undefined), undefined);
    assert.equal(withTerminalCommands([...TERMINAL_COMMANDS, 'x']), undefined);
    assert.equal(withTerminalCommands(TERMINAL_COMMANDS.map((c) => `-${c}`)), undefined);
  });
});
