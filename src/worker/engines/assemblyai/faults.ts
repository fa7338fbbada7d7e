/**
 * AssemblyAI streaming failures in plain words, each with a next step. Close
 * codes are the SDK's StreamingErrorType (Universal Streaming v3). No message
 * ever carries the credential: `scrub` removes it from anything the server or
 * the network stack says.
 */
import { ENGINES } from '../../../shared/engines';
import { VoxnoteError } from '../../../shared/errors';
import type { ErrorCode } from '../../../shared/protocol';

/** The command that sets the key, as its descriptor names it. */
export const SET_KEY_COMMAND = `Voxnote: ${ENGINES.assemblyai.credential!.setCommand.title}`;
const SWITCH_ENGINE = 'or set voxnote.engine to a local engine';

/** A failed connection attempt or a closed session, as the SDK reports it. */
export interface CloseInfo {
  /** WebSocket close code, or the server's error_code; undefined for network errors and timeouts. */
  code?: number;
  /** The close reason, the server's error text, or the network error message. */
  reason: string;
}

export interface Classified {
  error: VoxnoteError;
  /** True when trying again cannot help (a bad key, no funds, settings refused). */
  permanent: boolean;
}

const fault = (code: ErrorCode, message: string, hint: string, permanent: boolean): Classified => ({
  error: new VoxnoteError(code, message, hint, true),
  permanent,
});

/** Maps a close code (or a network failure) to what a person reads. */
export function classify(info: CloseInfo, token: boolean): Classified {
  const said = info.reason ? ` (${info.reason})` : '';
  switch (info.code) {
    case 4001:
      return token
        ? fault('credential-rejected', `AssemblyAI rejected the temporary streaming token${said}; it may have expired.`, 'Start again to get a new token.', true)
        : fault('credential-rejected', `AssemblyAI rejected the API key${said}.`, `Run "${SET_KEY_COMMAND}" with a key from your AssemblyAI dashboard.`, true);
    case 4002:
      return fault('insufficient-funds', 'Your AssemblyAI account has no credit left for streaming.', `Add funds in your AssemblyAI dashboard (Billing), ${SWITCH_ENGINE}.`, true);
    case 4003:
      return fault('insufficient-funds', 'Streaming needs a paid AssemblyAI account; this key belongs to a free-tier account.', `Add a payment method in your AssemblyAI dashboard, ${SWITCH_ENGINE}.`, true);
    case 4000:
      return fault('service-refused', `AssemblyAI refused the audio format${said}.`, 'Voxnote sends 16 kHz 16-bit mono; report this with the log.', true);
    case 4101:
    case 3006:
      return fault('service-refused', `AssemblyAI refused the session settings${said}.`, 'Check the AssemblyAI speech model and phrase list settings.', true);
    case 3007:
      return fault('service-refused', `AssemblyAI refused an audio message length${said}.`, 'Report this with the log; Voxnote sends 50 ms frames.', true);
    case 4029:
    case 3009:
    case 4102:
      return fault('service-refused', `AssemblyAI refused the session: too many sessions at once or too many requests${said}.`, 'Stop other streaming sessions on this account, or wait a minute and start again.', false);
    case 1008:
      // A proxy or gateway may refuse the upgrade with a policy close instead of 4001.
      if (/auth|key|token|credential/i.test(info.reason)) return classify({ ...info, code: 4001 }, token);
      break;
  }
  if (info.code === undefined && /\b401\b|\b403\b/.test(info.reason)) return classify({ ...info, code: 4001 }, token);
  if (/timed out/i.test(info.reason)) {
    return fault(
      'service-unresponsive',
      'AssemblyAI did not start the streaming session in time (no "Begin" from the server).',
      'Check the network and voxnote.assemblyai.streamingUrl, or try again later; the service may be down.',
      false,
    );
  }
  if (/certificate|self[- ]signed|CERT_|SSL|TLS/i.test(info.reason)) {
    return fault(
      'service-unreachable',
      `The streaming server's certificate is not trusted${said}.`,
      'For a company proxy, point NODE_EXTRA_CA_CERTS at its CA certificate (PEM) and restart VS Code.',
      true,
    );
  }
  if (info.code === undefined) {
    return fault('service-unreachable', `Could not reach AssemblyAI${said}.`, 'Check the network connection and voxnote.assemblyai.streamingUrl, then start again.', false);
  }
  return fault('service-refused', `AssemblyAI ended the session (code ${info.code})${said}.`, 'Start again; if it keeps happening, check AssemblyAI\'s status page.', false);
}

/** Removes a credential (as written and URL-encoded) from text that may be shown or logged. */
export function scrub(text: string, secret: string): string {
  // Too short to be a real key or token, and replacing it would garble ordinary words.
  if (secret.length < 8) return text;
  let out = text;
  for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
  return out;
}
