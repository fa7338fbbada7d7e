/**
 * Typed messages between the transcript panel's host side and its webview
 * (after GitLens' webview protocol): each method string carries its params
 * type, and both sides import this module.
 */
import type { TranscriptState } from '../transcript/transcriptStore';

interface Message<M extends string, P> {
  method: M;
  params: P;
}

/** Host → webview. */
export type HostMessage =
  | Message<'transcript/state', TranscriptState>
  | Message<'transcript/partial', { text: string }>
  | Message<'transcript/level', { dbfs: number | null }>
  | Message<'transcript/speakerPartials', { partials: Record<string, string> }>;

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
