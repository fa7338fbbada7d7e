/** How notes lines are formatted, from the settings (meetings and transcriptions alike). */
import { readMeetingSettings } from '../config';
import { type NotesLineFormat, SENTENCE_PAUSE_SECONDS } from './notesLineFormat';

export function notesLineFormat(): NotesLineFormat | undefined {
  const format = readMeetingSettings().lineFormat;
  return format && { format, sentencePause: SENTENCE_PAUSE_SECONDS };
}
