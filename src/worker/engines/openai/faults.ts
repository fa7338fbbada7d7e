/**
 * A speech server's failures in plain words, each with its next step. Which
 * ones are worth another try (429, 5xx, a reset or timed-out connection) and
 * which are not (a refused key, a wrong URL or model). No message carries the
 * key: `scrub` removes it from whatever the server or the network said.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { ENGINES } from '../../../shared/engines';
import { VoxnoteError } from '../../../shared/errors';
import { hostOf } from '../../../shared/serverUrl';
import { scrub } from '../assemblyai/faults';

/** The command that sets the key, as its descriptor names it. */
export const SET_KEY_COMMAND = `Voxnote: ${ENGINES.openai.credential!.setCommand.title}`;
const KEY_HINT = `Run "${SET_KEY_COMMAND}" (the CLI reads OPENAI_API_KEY) with a key this server accepts.`;
const URL_HINT = 'Check that the server runs and voxnote.server.baseUrl (the CLI: OPENAI_BASE_URL) points at it.';

export interface ServerContext {
  baseUrl: string;
  model: string;
  credential?: string;
}

export type Classified =
  | { kind: 'retry'; error: VoxnoteError; retryAfterMs?: number }
  | { kind: 'too-large' }
  | { kind: 'not-found' }
  | { kind: 'permanent'; error: VoxnoteError };

/** What one failed request means. */
export function classify(e: unknown, ctx: ServerContext): Classified {
  const host = hostOf(ctx.baseUrl);
  const said = (m: string | undefined) => (m ? `: ${scrub(m, ctx.credential ?? '').slice(0, 200)}` : '');
  if (e instanceof APIConnectionTimeoutError) {
    return { kind: 'retry', error: new VoxnoteError('service-unresponsive', `The speech server at ${host} did not answer in time.`, URL_HINT) };
  }
  if (e instanceof APIConnectionError) {
    const cause = (e.cause as { code?: string; message?: string } | undefined) ?? {};
    return { kind: 'retry', error: new VoxnoteError('service-unreachable', `Could not reach the speech server at ${ctx.baseUrl}${said(cause.code ?? cause.message)}.`, URL_HINT) };
  }
  if (e instanceof APIError && e.status !== undefined) {
    const status = e.status;
    const serverSaid = said((e.error as { message?: string } | undefined)?.message ?? e.message);
    if (status === 401 || status === 403) {
      return ctx.credential
        ? { kind: 'permanent', error: new VoxnoteError('credential-rejected', `The speech server at ${host} refused the API key (${status})${serverSaid}.`, KEY_HINT) }
        : { kind: 'permanent', error: new VoxnoteError('credential-missing', `The speech server at ${host} needs an API key (${status}).`, KEY_HINT) };
    }
    if (status === 404) return { kind: 'not-found' };
    if (status === 413) return { kind: 'too-large' };
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      const retryAfter = Number(e.headers?.get('retry-after'));
      return {
        kind: 'retry',
        error: new VoxnoteError(status === 429 ? 'service-refused' : 'service-unresponsive', `The speech server at ${host} answered ${status}${serverSaid}.`, status === 429 ? 'The server limits how often it is asked; Voxnote waits and tries again.' : 'The server failed; Voxnote tries again. If it persists, check the server.'),
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      };
    }
    return { kind: 'permanent', error: new VoxnoteError('service-refused', `The speech server at ${host} refused the audio (${status})${serverSaid}.`, 'Check voxnote.server.model and voxnote.server.language, and that the server transcribes audio.') };
  }
  return { kind: 'permanent', error: new VoxnoteError('internal', `The speech server request failed${said((e as Error)?.message)}.`, 'Start again; if it persists, report it with the log.') };
}

/** A 404 explained: the base URL (nothing there) or the model (the server lists others). */
export function notFound(ctx: ServerContext, models: string[] | undefined): VoxnoteError {
  const host = hostOf(ctx.baseUrl);
  if (models === undefined) {
    return new VoxnoteError('service-refused', `Nothing answers at ${ctx.baseUrl}/audio/transcriptions (404): the base URL looks wrong.`, 'Set voxnote.server.baseUrl (the CLI: OPENAI_BASE_URL) to the API root, which usually ends in /v1.');
  }
  const known = models.length ? ` It has: ${models.slice(0, 8).join(', ')}.` : '';
  return new VoxnoteError('service-refused', `The speech server at ${host} has no model "${ctx.model}" (404).${known}`, 'Set voxnote.server.model (the CLI: --server-model) to one of its models.');
}
