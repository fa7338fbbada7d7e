/**
 * An OpenAI-compatible chat-completions endpoint as a ChatFn: Ollama
 * (`http://localhost:11434/v1`), llama.cpp's server (`http://localhost:8080/v1`),
 * LM Studio (`http://localhost:1234/v1`). One non-streaming POST to
 * `<baseUrl>/chat/completions` per request; errors say what failed and what to do.
 * No VS Code API here.
 */
import { VoxnoteError } from '../shared/errors';
import type { ChatFn, ChatMessage } from './meetingSummary';

export interface ChatEndpoint {
  /** e.g. http://localhost:11434/v1 */
  baseUrl: string;
  model: string;
  /** Cancels the request under way. */
  signal?: AbortSignal;
  /** Per request; local models on a CPU can take minutes for a long part. */
  timeoutMs?: number;
}

const TIMEOUT_MS = 10 * 60_000;

export const chatCompletionsUrl = (baseUrl: string): string => `${baseUrl.trim().replace(/\/+$/, '')}/chat/completions`;

const SETTINGS_HINT = 'Start the server, or set voxnote.summary.baseUrl and voxnote.summary.model in your user settings.';

export function endpointChat(e: ChatEndpoint): ChatFn {
  const url = chatCompletionsUrl(e.baseUrl);
  if (!/^https?:\/\//i.test(url)) {
    throw new VoxnoteError('summary-settings', `voxnote.summary.baseUrl ("${e.baseUrl}") is not an http:// or https:// address.`, SETTINGS_HINT, false);
  }
  if (!e.model.trim()) throw new VoxnoteError('summary-settings', 'No chat model is set for the summary endpoint.', SETTINGS_HINT, false);
  return async (messages: ChatMessage[]) => {
    const signal = AbortSignal.any([AbortSignal.timeout(e.timeoutMs ?? TIMEOUT_MS), ...(e.signal ? [e.signal] : [])]);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: e.model, messages, temperature: 0.2, stream: false }),
        signal,
      });
    } catch (err) {
      if (e.signal?.aborted) throw new VoxnoteError('cancelled', 'Summary cancelled; the notes are unchanged.', '', false);
      const cause = ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
      throw new VoxnoteError('summary-endpoint', `Cannot reach the chat endpoint ${url}: ${cause}. The notes are unchanged.`, SETTINGS_HINT, false);
    }
    const body = await response.text();
    if (!response.ok) {
      const detail = errorDetail(body);
      throw new VoxnoteError(
        'summary-endpoint',
        `The chat endpoint ${url} answered ${response.status}${detail ? `: ${detail}` : ''}. The notes are unchanged.`,
        response.status === 404 ? `Check that model "${e.model}" is installed there and voxnote.summary.baseUrl ends where /chat/completions starts (e.g. …/v1).` : SETTINGS_HINT,
        false,
      );
    }
    const content = answerText(body);
    if (content === undefined) {
      throw new VoxnoteError('summary-endpoint', `The chat endpoint ${url} did not answer in the chat-completions format. The notes are unchanged.`, SETTINGS_HINT, false);
    }
    return content;
  };
}

function answerText(body: string): string | undefined {
  try {
    const content = (JSON.parse(body) as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0]?.message?.content;
    return typeof content === 'string' ? content : undefined;
  } catch {
    return undefined;
  }
}

function errorDetail(body: string): string {
  try {
    const error = (JSON.parse(body) as { error?: { message?: string } | string }).error;
    return (typeof error === 'string' ? error : (error?.message ?? '')).slice(0, 200);
  } catch {
    return body.trim().slice(0, 200);
  }
}
