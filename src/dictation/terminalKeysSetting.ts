/**
 * Push-to-talk and toggle in a focused terminal need their commands in
 * terminal.integrated.commandsToSkipShell. package.json makes them its default;
 * a user's own list replaces that default, so ours are added to it (the rule is
 * in terminalKeys.ts); a workspace's own list is only reported.
 */
import * as vscode from 'vscode';
import { withTerminalCommands } from './terminalKeys';

export function keepTerminalKeys(log: vscode.LogOutputChannel): void {
  const terminal = vscode.workspace.getConfiguration('terminal.integrated');
  const skip = terminal.inspect<string[]>('commandsToSkipShell');
  if (skip?.workspaceValue !== undefined || skip?.workspaceFolderValue !== undefined) {
    if (withTerminalCommands(skip.workspaceFolderValue ?? skip.workspaceValue)) {
      log.warn("This workspace's terminal.integrated.commandsToSkipShell lacks Voxnote's dictation commands: their keys go to the shell in a focused terminal.");
    }
    return;
  }
  const updated = withTerminalCommands(skip?.globalValue);
  if (!updated) return;
  terminal.update('commandsToSkipShell', updated, vscode.ConfigurationTarget.Global).then(
    () => log.info("Added Voxnote's dictation commands to your terminal.integrated.commandsToSkipShell, so their keys work in a focused terminal."),
    (e: Error) => log.warn(`Could not add Voxnote's commands to terminal.integrated.commandsToSkipShell: ${e.message}`),
  );
}
