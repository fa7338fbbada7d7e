/**
 * Transcript text formats built from timed utterances: SRT and WebVTT cues and
 * Markdown lines. Each is written one utterance at a time, so a transcript can
 * stream to a terminal or a file as it is recognized.
 */

export interface TimedText {
  /** Seconds from the start of the session. */
  start: number;
  end: number;
  text: string;
  /** Who spoke (meeting notes: "Me", "Others"); cues and lines name them when set. */
  speaker?: string;
}

function clock(seconds: number, fractionSeparator: ',' | '.' | null): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const hms = `${pad(Math.floor(ms / 3600000))}:${pad(Math.floor(ms / 60000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}`;
  return fractionSeparator ? `${hms}${fractionSeparator}${pad(ms % 1000, 3)}` : hms;
}

/** hh:mm:ss, as used in notes. */
export const clockTime = (seconds: number): string => clock(seconds, null);

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
