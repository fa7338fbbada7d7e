/**
 * Messages that name a next step offer it as a button: each Voxnote command the text names
 * runs from one, each setting it names opens from one (before the caller's own steps).
 */
import * as vscode from 'vscode';
import { CREDENTIALS } from '../shared/engines';
import { commandsNamedIn, settingsNamedIn, type ContributedCommand } from './commandsNamed';

export interface NextStep {
  label: string;
  run(): unknown;
}

export type Severity = 'error' | 'warning' | 'info';

const EXTENSION_ID = 'voxnote.voxnote';
/** VS Code's own settings that Voxnote's messages name. */
const VSCODE_SETTINGS = ['http.proxy'];

function contributes(): { commands?: ContributedCommand[]; configuration?: Array<{ properties?: object }> } {
  return vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON?.contributes ?? {};
}

/** The commands and settings `text` names as steps, then `steps`, without two of the same label. */
export function withNamedSteps(text: string, steps: readonly NextStep[] = []): NextStep[] {
  const { commands = [], configuration = [] } = contributes();
  const settings = [...configuration.flatMap((c) => Object.keys(c.properties ?? {})), ...VSCODE_SETTINGS];
  const named = [
    ...commandsNamedIn(text, commands).map((c): NextStep => ({ label: c.title, run: () => vscode.commands.executeCommand(c.command) })),
    ...settingsNamedIn(text, settings).map((id): NextStep => ({ label: `Edit ${id}`, run: () => vscode.commands.executeCommand('workbench.action.openSettings', id) })),
  ];
  const all = [...named, ...steps];
  return all.filter((s, i) => all.findIndex((o) => o.label === s.label) === i);
}

/** Shows `text` with its next steps as buttons; resolves once the person picked one (and it ran) or closed it. */
export async function notify(severity: Severity, text: string, ...steps: NextStep[]): Promise<void> {
  const offered = withNamedSteps(text, steps);
  const labels = offered.map((s) => s.label);
  const pick = await (severity === 'error'
    ? vscode.window.showErrorMessage(text, ...labels)
    : severity === 'warning'
      ? vscode.window.showWarningMessage(text, ...labels)
      : vscode.window.showInformationMessage(text, ...labels));
  await offered.find((s) => s.label === pick)?.run();
}

/** A hint usually names the command to run, which becomes a button; these error codes offer one anyway. */
const NEXT_COMMAND: Readonly<Record<string, string>> = {
  'bad-model': 'voxnote.selectModel',
  'model-load-failed': 'voxnote.selectModel',
  'worker-crashed': 'voxnote.selectModel',
  'worker-unresponsive': 'voxnote.selectModel',
  'device-not-found': 'voxnote.selectMicrophone',
  'capture-stalled': 'voxnote.selectMicrophone',
};

/** A credential error's step sets that engine's key: the one its text names, else every engine's that claims the code. */
function keyCommands(e: { code: string; message: string; hint: string }): string[] {
  const claiming = CREDENTIALS.filter((c) => c.nextStepCodes.includes(e.code));
  const named = claiming.filter((c) => `${e.message} ${e.hint}`.includes(c.setCommand.title));
  return (named.length ? named : claiming).map((c) => c.setCommand.id);
}

/** A Voxnote command as a step, labelled with its title (as a hint naming it would be, so the two are one button). */
function commandStep(id: string): NextStep {
  const title = contributes().commands?.find((c) => c.command === id)?.title ?? id;
  return { label: title, run: () => vscode.commands.executeCommand(id) };
}

/** Reports errors as the person sees them: the message and hint, the error's next step, and Show Log. */
export function errorReporter(log: vscode.LogOutputChannel): (e: { code: string; message: string; hint: string }) => void {
  return (e) => {
    const next = [...(NEXT_COMMAND[e.code] ? [NEXT_COMMAND[e.code]] : []), ...keyCommands(e)];
    void notify('error', `Voxnote: ${e.message} ${e.hint}`, ...next.map(commandStep), { label: 'Show Log', run: () => log.show(true) });
  };
}
