/**
 * Transcript text formats built from timed utterances: SRT and WebVTT cues and
 * Markdown lines. Each is written one utterance at a time, so a transcript can
 * stream to a terminal or a file as it is recognized.
 */
import { clock, clockTime } from './time';

export interface TimedText {
  /** Seconds from the start of the session. */
  start: number;
  end: number;
  text: string;
  /** Who spoke (meeting notes: "Me", "Others"); cues and lines name them when set. */
  speaker?: string;
}

/** One SRT cue; `index` counts from 1. SRT has no speaker markup, so the speaker prefixes the text. */
export function srtCue(index: number, u: TimedText): string {
  const text = u.speaker ? `${u.speaker}: ${u.text}` : u.text;
  return `${index}\n${clock(u.start, ',')} --> ${clock(u.end, ',')}\n${text}\n\n`;
}

export const VTT_HEADER = 'WEBVTT\n\n';

/** WebVTT cue text and tag annotations: `&` and `<` must be escaped, and `>` too so "-->" cannot appear. */
const vttEscape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One WebVTT cue; the speaker goes in a voice tag (`<v Others>`). */
export function vttCue(u: TimedText): string {
  const text = u.speaker ? `<v ${vttEscape(u.speaker)}>${vttEscape(u.text)}` : vttEscape(u.text);
  return `${clock(u.start, '.')} --> ${clock(u.end, '.')}\n${text}\n\n`;
}

/** `[00:12:03] **Others:** text`, or without a label `[00:12:03] text`. The label defaults to the speaker. */
export function markdownLine(u: TimedText, label = u.speaker): string {
  return `[${clockTime(u.start)}] ${label ? `**${label}:** ` : ''}${u.text}\n`;
}
