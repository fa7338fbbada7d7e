/**
 * The "Get Started with Voxnote" walkthrough (package.json contributes.walkthroughs): opened
 * once, on the first activation after install, and by Voxnote: Get Started. Its steps complete
 * on completion events: the model and dictation steps on context keys set here, the others on
 * commands, a setting and the meeting's context key.
 */
import * as vscode from 'vscode';
import type { TranscriptStore } from '../dictation/transcriptState';
import type { ModelStore } from '../models/modelStore';

export const WALKTHROUGH_ID = 'voxnote.voxnote#voxnote.gettingStarted';
/** True while a usable model is configured or installed. */
export const MODEL_READY_CONTEXT = 'voxnote.modelReady';
/** True once dictation put words somewhere in this window (meeting lines have a speaker). */
export const DICTATED_CONTEXT = 'voxnote.dictated';
/** globalState: the walkthrough was opened on a first activation. */
const OPENED_KEY = 'voxnote.walkthrough.opened';

const open = () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);

export function registerWalkthrough(context: vscode.ExtensionContext, models: ModelStore, store: TranscriptStore): vscode.Disposable {
  const showModelReady = () => void vscode.commands.executeCommand('setContext', MODEL_READY_CONTEXT, !!models.resolve()?.check.ok);
  showModelReady();
  const dictated = store.onDidChange((change) => {
    if (change !== 'state' || !store.state.utterances.some((u) => u.speaker === undefined)) return;
    void vscode.commands.executeCommand('setContext', DICTATED_CONTEXT, true);
    dictated.dispose();
  });
  // VS Code opens the walkthroughs of an extension installed from its Extensions view itself, not
  // of one installed from the command line or preinstalled; it reuses an editor already showing
  // this one, so opening it here too makes no second copy. Its own setting can turn this off.
  if (!context.globalState.get(OPENED_KEY) && vscode.workspace.getConfiguration('workbench').get('welcomePage.walkthroughs.openOnInstall', true)) {
    void context.globalState.update(OPENED_KEY, true);
    void open();
  }
  return vscode.Disposable.from(
    dictated,
    models.onDidChange(showModelReady),
    vscode.commands.registerCommand('voxnote.getStarted', open),
    vscode.commands.registerCommand('voxnote.tryDictation', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: '' });
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
      await vscode.commands.executeCommand('voxnote.startDictation');
    }),
  );
}
