/**
 * Runs voice commands: during dictation an utterance that is exactly a
 * command's phrase runs it instead of being typed; `Listen for a Command`
 * (commandListener.ts) also takes near misses. What ran shows in the status
 * bar; several equally good matches are offered in a quick pick, never
 * guessed; a command that acts outside the editor asks first.
 */
import * as vscode from 'vscode';
import { readVoiceCommands } from '../../config';
import { actsOutsideEditor, type BuiltinId, commandPhrases, commandTable, type VoiceAction } from './commandTable';
import { type Candidate, matchCommand, type Named, pickByName } from './phraseMatcher';

export type Mode = 'dictation' | 'command';

export interface VoiceCommandDeps {
  stopDictation(): void;
  log: vscode.LogOutputChannel;
}

const MAX_FILES = 5000;
const STATUS_MS = 4000;

export class VoiceCommands {
  private problemsShown = '';

  constructor(private readonly deps: VoiceCommandDeps) {}

  private table() {
    const table = commandTable(readVoiceCommands());
    const problems = table.problems.join('; ');
    if (problems && problems !== this.problemsShown) {
      this.problemsShown = problems;
      void vscode.window.showWarningMessage(`Voxnote: some voxnote.voiceCommands entries were skipped: ${problems}.`, 'Open Settings').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'voxnote.voiceCommands');
      });
    }
    return table;
  }

  /** The phrases a recognizer should expect in command mode (with the workspace's file names and command titles). */
  async phrases(): Promise<string[]> {
    const files = (await this.files()).map((f) => f.label);
    return commandPhrases(this.table().entries, [...files, ...this.commandTitles().map((c) => c.label)]);
  }

  /** Runs `utterance` when it is a command: true when it was one (ran, asked, or was turned down). */
  async run(utterance: string, mode: Mode): Promise<boolean> {
    const match = matchCommand(utterance, this.table().entries, { fuzzy: mode === 'command' });
    if (match.kind === 'none') return false;
    const candidate = match.kind === 'command' ? match.candidate : await this.pick(match.candidates.map((c) => ({ label: c.entry.phrase, value: c, score: c.score })), `"${utterance}" could mean`);
    if (!candidate) return true;
    // During dictation "open file handling is hard" is prose unless a file is named like that.
    if (mode === 'dictation' && !(await this.namesSomething(candidate))) return false;
    this.deps.log.info(`Voice command: "${utterance}" → ${candidate.entry.phrase}`);
    vscode.window.setStatusBarMessage(`$(mic) Voxnote: ${describe(candidate)}`, STATUS_MS);
    try {
      await this.perform(candidate.entry.action, candidate);
    } catch (e) {
      void vscode.window.showErrorMessage(`Voxnote: the voice command "${candidate.entry.phrase}" failed: ${(e as Error).message ?? e}`);
    }
    return true;
  }

  /** A name slot's words name a workspace file or a command title. */
  private async namesSomething(c: Candidate<VoiceAction>): Promise<boolean> {
    const action = c.entry.action;
    if (action.kind !== 'builtin' || c.name === undefined) return true;
    if (action.id === 'openFile') return pickByName(c.name, await this.files()).kind !== 'none';
    if (action.id === 'runCommand') return pickByName(c.name, this.commandTitles()).kind !== 'none';
    return true;
  }

  private async perform(action: VoiceAction, c: Candidate<VoiceAction>): Promise<void> {
    if (action.kind === 'command') {
      if (!(await this.confirmed(action.command, c.entry.phrase))) return;
      await vscode.commands.executeCommand(action.command, ...(action.args === undefined ? [] : [action.args]));
      return;
    }
    await this.builtin(action.id, c);
  }

  private async builtin(id: BuiltinId, c: Candidate<VoiceAction>): Promise<void> {
    const run = (command: string) => vscode.commands.executeCommand(command);
    switch (id) {
      case 'undo':
        return void (await run('undo'));
      case 'redo':
        return void (await run('redo'));
      case 'save':
        return void (await run('workbench.action.files.save'));
      case 'selectLine':
        return void (await run('expandLineSelection'));
      case 'nextProblem':
        return void (await run('editor.action.marker.nextInFiles'));
      case 'stopDictation':
        return this.deps.stopDictation();
      case 'goToLine':
        return this.goToLine(c.number ?? 1);
      case 'openFile':
        return this.openFile(c.name ?? '');
      case 'runCommand':
        return this.runByTitle(c.name ?? '');
    }
  }

  private goToLine(line: number): void {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return void vscode.window.setStatusBarMessage('Voxnote: no editor to go to a line in', STATUS_MS);
    const at = new vscode.Position(Math.max(0, Math.min(line, editor.document.lineCount) - 1), 0);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async files(): Promise<Array<{ label: string; value: vscode.Uri }>> {
    if (!vscode.workspace.workspaceFolders?.length) return [];
    const uris = await vscode.workspace.findFiles('**/*', '**/{node_modules,.git}/**', MAX_FILES);
    return uris.map((uri) => ({ label: uri.path.split('/').pop() ?? uri.path, value: uri }));
  }

  private async openFile(name: string): Promise<void> {
    const files = await this.files();
    const match = pickByName(name, files);
    const uri = match.kind === 'command' ? match.candidate.value : match.kind === 'ambiguous' ? await this.pick(match.candidates, `Open which file named like "${name}"?`, (u) => vscode.workspace.asRelativePath(u)) : undefined;
    if (match.kind === 'none') return void vscode.window.setStatusBarMessage(`Voxnote: no file in the workspace is named like "${name}"`, STATUS_MS);
    if (uri) await vscode.window.showTextDocument(uri);
  }

  /** Command titles other extensions declare (VS Code's own commands have no title an extension can read). */
  private commandTitles(): Array<{ label: string; value: string }> {
    const titles: Array<{ label: string; value: string }> = [];
    for (const ext of vscode.extensions.all) {
      const commands = (ext.packageJSON as { contributes?: { commands?: unknown } }).contributes?.commands;
      for (const c of Array.isArray(commands) ? commands : []) {
        const { command, title } = c as { command?: unknown; title?: unknown };
        if (typeof command === 'string' && typeof title === 'string' && !title.startsWith('%')) titles.push({ label: title, value: command });
      }
    }
    return titles;
  }

  private async runByTitle(title: string): Promise<void> {
    const match = pickByName(title, this.commandTitles());
    if (match.kind === 'none') return void vscode.window.setStatusBarMessage(`Voxnote: no command is titled like "${title}"`, STATUS_MS);
    const command = match.kind === 'command' ? match.candidate.value : await this.pick(match.candidates, `Run which command titled like "${title}"?`, (id) => id);
    if (command && (await this.confirmed(command, title))) await vscode.commands.executeCommand(command);
  }

  /** Asks before a command that acts outside the editor. */
  private async confirmed(command: string, phrase: string): Promise<boolean> {
    if (!actsOutsideEditor(command)) return true;
    const run = 'Run';
    const pick = await vscode.window.showWarningMessage(`Voxnote: "${phrase}" runs ${command}, which acts outside the editor. Run it?`, { modal: true }, run);
    return pick === run;
  }

  private async pick<T>(candidates: Named<T>[], title: string, detail?: (v: T) => string): Promise<T | undefined> {
    const items = candidates.map((c) => ({ label: c.label, description: detail?.(c.value), value: c.value }));
    const chosen = await vscode.window.showQuickPick(items, { title: `Voxnote: ${title}`, placeHolder: 'Several match: which one?' });
    return chosen?.value;
  }
}

function describe(c: Candidate<VoiceAction>): string {
  const phrase = c.entry.phrase;
  if (c.number !== undefined) return phrase.replace('<number>', String(c.number));
  if (c.name !== undefined) return phrase.replace('<name>', c.name);
  return phrase;
}
