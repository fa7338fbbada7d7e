/**
 * Voxnote: Summarize Meeting. Picks the notes, the model (VS Code's chat models
 * through the Language Model API, else the OpenAI-compatible endpoint of
 * voxnote.summary.baseUrl), says where the transcript will go and sends nothing
 * until the person agrees; then summarises with progress (cancellable) and
 * writes the sections into the notes after the header. A failure or refusal
 * leaves the notes as they were and says why. The work is meetingSummary.ts.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { readSummarySettings } from '../config';
import { notify } from '../notify/nextSteps';
import { VoxnoteError } from '../shared/errors';
import { chatCompletionsUrl, endpointChat } from './chatEndpoint';
import { type ChatFn, type ChatMessage, summarize, summaryMarkdown, summaryRange, transcriptLines } from './meetingSummary';
import { notesToUse } from './notesFileCommands';
import { applyEdits } from './speakerCorrection';

export interface SummaryDeps {
  /** The notes of the meeting under way, if one runs: they cannot be summarised until it stops. */
  runningNotes(): vscode.Uri | undefined;
  log: vscode.LogOutputChannel;
}

const TITLE = 'Voxnote: Summarize Meeting';
/** A part for an endpoint: local servers often run with a 4k-token context (Ollama's default). */
const ENDPOINT_PART_CHARS = 8000;

interface ModelChoice extends vscode.QuickPickItem {
  /** Where the transcript goes, for the notice. */
  destination: string;
  maxChars: number;
  chat(token: vscode.CancellationToken, signal: AbortSignal): ChatFn;
}

export async function summarizeMeeting(deps: SummaryDeps, uri?: vscode.Uri): Promise<void> {
  const notes = await notesToUse(deps.runningNotes(), uri, TITLE, 'Summarize');
  if (!notes) return;
  const name = path.basename(notes.path);
  if (deps.runningNotes()?.toString() === notes.toString()) {
    return void notify('warning', `Voxnote: the meeting writing ${name} is still under way. Stop it first (Voxnote: Stop Meeting Notes), then summarize.`);
  }
  const document = await vscode.workspace.openTextDocument(notes);
  const lines = transcriptLines(document.getText());
  if (!lines.length) return void notify('error', `Voxnote: ${name} has no transcript lines to summarize. Summarize notes Voxnote wrote in a meeting or from a recording.`);
  const choice = await chooseModel();
  if (!choice) return;
  const send = 'Send and Summarize';
  const agreed = await vscode.window.showInformationMessage(
    `Summarize ${name}? Its transcript (${lines.length} line${lines.length === 1 ? '' : 's'}) is sent to ${choice.destination}.`,
    { modal: true },
    send,
  );
  if (agreed !== send) return;
  deps.log.info(`Summarize Meeting: ${lines.length} lines of ${notes.toString()} to ${choice.destination}`);
  try {
    const sections = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Summarizing ${name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancelled = token.onCancellationRequested(() => abort.abort());
        try {
          let reported = 0;
          return await summarize(lines, choice.chat(token, abort.signal), choice.maxChars, ({ done, total }) => {
            const now = (100 * done) / total;
            progress.report({ message: `${done} of ${total} requests`, increment: now - reported });
            reported = now;
          });
        } finally {
          cancelled.dispose();
        }
      },
    );
    // The document may have changed while the model worked: place the summary in its text now.
    const text = document.getText();
    const { start, end } = summaryRange(text);
    if (!(await applyEdits(document, [{ start, end, text: summaryMarkdown(sections) }])) || !(await document.save())) {
      return void notify('error', `Voxnote: could not write the summary into ${name}. Check that the file can be written to, then summarize again.`);
    }
    void vscode.window.showInformationMessage(`Voxnote: summary, decisions and ${sections.actionItems.length} action item${sections.actionItems.length === 1 ? '' : 's'} written into ${name}.`);
  } catch (e) {
    deps.log.warn(`Summarize Meeting: ${(e as Error).message}`);
    if (e instanceof VoxnoteError && e.code === 'cancelled') return;
    void notify('error', `Voxnote: ${failureText(e, choice)}`);
  }
}

/** VS Code's chat models first; the endpoint when set (user settings); a pick when there is more than one. */
async function chooseModel(): Promise<ModelChoice | undefined> {
  const models = await Promise.resolve(vscode.lm.selectChatModels()).catch(() => [] as vscode.LanguageModelChat[]);
  const choices: ModelChoice[] = models.map((m) => ({
    label: m.name,
    description: `${m.vendor}, through VS Code`,
    destination: `the language model ${m.name} (${m.vendor}) through VS Code`,
    // About 3 characters a token; room left for the instructions and the answer.
    maxChars: Math.max(2000, Math.min(60_000, (m.maxInputTokens - 2000) * 3)),
    chat: (token) => lmChat(m, token),
  }));
  const endpoint = readSummarySettings();
  if (endpoint.baseUrl) {
    const url = chatCompletionsUrl(endpoint.baseUrl);
    choices.push({
      label: endpoint.model || '(no model set)',
      description: url,
      destination: `${endpoint.model || 'the model'} at ${url}`,
      maxChars: ENDPOINT_PART_CHARS,
      chat: (_token, signal) => endpointChat({ ...endpoint, signal }),
    });
  }
  if (!choices.length) {
    void notify(
      'error',
      'Voxnote: no chat model to summarize with. VS Code offers none, and voxnote.summary.baseUrl is not set: set it (and voxnote.summary.model) in your user settings to a local OpenAI-compatible server such as Ollama (http://localhost:11434/v1).',
    );
    return undefined;
  }
  if (choices.length === 1) return choices[0];
  return vscode.window.showQuickPick(choices, { title: TITLE, placeHolder: 'The model that reads the transcript' });
}

/** VS Code's chat messages have no system role: the instructions open the first user message. */
function lmChat(model: vscode.LanguageModelChat, token: vscode.CancellationToken): ChatFn {
  return async (messages: ChatMessage[]) => {
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
    const user = messages.filter((m) => m.role === 'user').map((m) => m.content);
    const text = [...system, ...user].join('\n\n');
    const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(text)], { justification: 'Voxnote summarizes the meeting notes you chose.' }, token);
    let answer = '';
    for await (const part of response.text) answer += part;
    if (token.isCancellationRequested) throw new VoxnoteError('cancelled', 'Summary cancelled.', '', false);
    return answer;
  };
}

function failureText(e: unknown, choice: ModelChoice): string {
  if (e instanceof VoxnoteError) return `${e.message} ${e.hint}`.trim();
  if (e instanceof vscode.LanguageModelError) {
    const why =
      e.code === vscode.LanguageModelError.NoPermissions.name
        ? 'Voxnote was not allowed to use it'
        : e.code === vscode.LanguageModelError.Blocked.name
          ? 'the request was blocked'
          : e.code === vscode.LanguageModelError.NotFound.name
            ? 'the model is no longer there'
            : e.message;
    return `${choice.destination} did not summarize: ${why}. The notes are unchanged. Run Summarize Meeting again to choose another model or allow this one.`;
  }
  return `${choice.destination} did not summarize: ${(e as Error).message}. The notes are unchanged.`;
}
