/**
 * Typed messages between the transcript panel's host side and its webview
 * (after GitLens' webview protocol): each method string carries its params
 * type, and both sides import this module.
 */
import type { TranscriptState, TranscriptUtterance } from '../transcript/transcriptStore';

interface Message<M extends string, P> {
  method: M;
  params: P;
}

/** Everything but the utterances and the meeting partials: what a status change carries. */
export type TranscriptStatus = Omit<TranscriptState, 'utterances' | 'speakerPartials'>;

/**
 * Host → webview. The whole state only when the webview (re)loads; after that,
 * each change alone, so a final costs the same at the end of a long meeting as
 * at its start.
 */
export type HostMessage =
  | Message<'transcript/state', TranscriptState>
  | Message<'transcript/status', TranscriptStatus>
  | Message<'transcript/partial', { text: string }>
  | Message<'transcript/level', { dbfs: number | null }>
  | Message<'transcript/speakerPartials', { partials: Record<string, string> }>
  /** One utterance at the end; `dropped` rows leave the start (the panel keeps a bounded window). */
  | Message<'transcript/append', { utterance: TranscriptUtterance; dropped: number }>
  | Message<'transcript/pending', { ids: number[]; pending: boolean }>
  | Message<'transcript/cleared', Record<string, never>>;

/** Webview → host. */
export type WebviewMessage =
  | Message<'transcript/ready', Record<string, never>>
  | Message<'transcript/toggle', Record<string, never>>
  | Message<'transcript/copy', Record<string, never>>
  | Message<'transcript/clear', Record<string, never>>;

const WEBVIEW_METHODS: ReadonlySet<string> = new Set<WebviewMessage['method']>([
  'transcript/ready',
  'transcript/toggle',
  'transcript/copy',
  'transcript/clear',
]);

/** Narrows an untrusted message from the webview. */
export function isWebviewMessage(m: unknown): m is WebviewMessage {
  return typeof m === 'object' && m !== null && WEBVIEW_METHODS.has((m as { method?: unknown }).method as string);
}
