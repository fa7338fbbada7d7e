/**
 * The "Get Started with Voxnote" walkthrough (package.json contributes.walkthroughs): opened
 * once after install (by VS Code, or here when VS Code would not), and by Voxnote: Get Started. Its steps complete
 * on completion events: the model and dictation steps on context keys set here, the others on
 * commands, a setting and the meeting's context key.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { TranscriptStore } from '../transcript/transcriptStore';
import type { ModelStore } from '../models/modelStore';

export const WALKTHROUGH_ID = 'voxnote.voxnote#voxnote.gettingStarted';
/** True while a usable model is configured or installed. */
export const MODEL_READY_CONTEXT = 'voxnote.modelReady';
/** True once dictation put words somewhere in this window (meeting lines have a speaker). */
export const DICTATED_CONTEXT = 'voxnote.dictated';
/** globalState: the first activation after install is past (the walkthrough was shown then). */
const OPENED_KEY = 'voxnote.walkthrough.opened';
/** The step a usable model completes (VS Code names steps `<walkthrough id>#<step id>`). */
const MODEL_STEP = `${WALKTHROUGH_ID}#model`;

/**
 * `inactive`: opened beside the editors without becoming the active editor there, so
 * neither it nor its step's media takes the focus from the editor a person is typing in.
 */
const open = (options: { toSide?: boolean; inactive?: boolean } = {}) => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, options);

/** How long the first opening waits for an editor to open beside. */
const FIRST_EDITOR_WAIT_MS = 5000;

/**
 * Beside the editor a window opens with. Opened beside nothing, the walkthrough's new group
 * becomes the active one and closes whatever quick pick is open, so it waits for the first
 * editor (a window restoring its files opens them just after activation), at most a few seconds.
 */
function openBesideFirstEditor(): vscode.Disposable {
  const hasEditor = () => vscode.window.tabGroups.all.some((g) => g.tabs.length > 0);
  if (hasEditor()) {
    void open({ toSide: true, inactive: true });
    return new vscode.Disposable(() => undefined);
  }
  const once = (toSide: boolean) => {
    waiting.dispose();
    void open({ toSide, inactive: true });
  };
  const tabs = vscode.window.tabGroups.onDidChangeTabs(() => hasEditor() && once(true));
  const timer = setTimeout(() => once(false), FIRST_EDITOR_WAIT_MS);
  const waiting = vscode.Disposable.from(tabs, { dispose: () => clearTimeout(timer) });
  return waiting;
}

/**
 * VS Code opens the walkthroughs of an extension installed while it runs (from its Extensions
 * view) itself, not of one installed before it started (from the command line, or by npm start):
 * then this extension's folder is older than the extension host.
 */
function installedBeforeStart(context: vscode.ExtensionContext): boolean {
  const stat = fs.statSync(context.extensionUri.fsPath, { throwIfNoEntry: false });
  const installed = stat ? stat.birthtimeMs || stat.mtimeMs : 0;
  return installed < Date.now() - process.uptime() * 1000;
}

export function registerWalkthrough(context: vscode.ExtensionContext, models: ModelStore, store: TranscriptStore): vscode.Disposable {
  const showModelReady = () => {
    const ready = !!models.resolve()?.check.ok;
    void vscode.commands.executeCommand('setContext', MODEL_READY_CONTEXT, ready);
    // VS Code ticks an onContext step only when the key turns true after it registered the walkthrough,
    // which can come after activation: a model configured from the start would leave the step open.
    // Marking the step is kept by VS Code even before it registered the walkthrough.
    if (ready) void Promise.resolve(vscode.commands.executeCommand('welcome.markStepComplete', MODEL_STEP)).catch(() => undefined);
  };
  const dictated = store.onDidChange((change) => {
    // A dictation final (meeting lines have a speaker).
    if (change.kind !== 'utterance' || change.utterance.speaker !== undefined) return;
    void vscode.commands.executeCommand('setContext', DICTATED_CONTEXT, true);
    dictated.dispose();
  });
  // Once, beside the editors and without taking the focus; VS Code's own setting can turn it off.
  let firstOpening: vscode.Disposable | undefined;
  if (!context.globalState.get(OPENED_KEY)) {
    void context.globalState.update(OPENED_KEY, true);
    const wanted = vscode.workspace.getConfiguration('workbench').get('welcomePage.walkthroughs.openOnInstall', true);
    if (wanted && installedBeforeStart(context)) firstOpening = openBesideFirstEditor();
  }
  // After the walkthrough's first opening: the settings have been read, and the model step reflects them.
  showModelReady();
  return vscode.Disposable.from(
    ...(firstOpening ? [firstOpening] : []),
    dictated,
    models.onDidChange(showModelReady),
    vscode.commands.registerCommand('voxnote.getStarted', () => open()),
    vscode.commands.registerCommand('voxnote.tryDictation', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: '' });
      // Beside the walkthrough (the active group when its button is clicked), in a group already there if any.
      const other = vscode.window.tabGroups.all.find((g) => !g.isActive);
      await vscode.window.showTextDocument(doc, { viewColumn: other?.viewColumn ?? vscode.ViewColumn.Beside });
      await vscode.commands.executeCommand('voxnote.startDictation');
    }),
  );
}
