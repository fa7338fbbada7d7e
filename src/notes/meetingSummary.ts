/**
 * A meeting's summary from its notes: the transcript lines, split into parts
 * that fit the model, each part summarised, the parts' summaries combined, the
 * model's answer read back into three sections (`## Summary`, `## Decisions`,
 * `## Action items`), and the sections placed in the notes text after the
 * header (replacing an earlier summary). The model is any `ChatFn`: VS Code's
 * Language Model API or an OpenAI-compatible endpoint (summaryChat.ts).
 * No VS Code API here.
 */
import { VoxnoteError } from '../shared/errors';
import { UTTERANCE_LINE } from './notesFormat';

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/** Sends one conversation; resolves with the model's whole answer. */
export type ChatFn = (messages: ChatMessage[]) => Promise<string>;

export interface SummarySections {
  summary: string;
  decisions: string;
  /** Markdown task list lines, `- [ ] …`. */
  actionItems: string[];
}

export const SECTION_HEADINGS = { summary: '## Summary', decisions: '## Decisions', actionItems: '## Action items' } as const;

const INSTRUCTIONS = `You summarise meeting transcripts. Each transcript line is "[hh:mm:ss] **Speaker:** words".
Answer in Markdown with exactly these three sections and nothing else:

${SECTION_HEADINGS.summary}
A few sentences: what the meeting was about and what came out of it.

${SECTION_HEADINGS.decisions}
A bulleted list of decisions taken, or "None."

${SECTION_HEADINGS.actionItems}
A task list, one line per action item: "- [ ] what to do (owner: NAME, due: DATE)". Give the owner and the due date only when they were said; leave out what was not said. Write "None." if there are none.

Use only what the transcript says.`;

/** The utterance lines of a notes text (what the model reads), without an earlier summary. */
export function transcriptLines(notes: string): string[] {
  return notes.split(/\r?\n/).filter((l) => UTTERANCE_LINE.test(l));
}

/** Consecutive lines in parts of at most `maxChars` (a longer line is a part of its own, cut to fit). */
export function splitTranscript(lines: readonly string[], maxChars: number): string[] {
  const parts: string[] = [];
  let part = '';
  for (const raw of lines) {
    const line = raw.length > maxChars ? raw.slice(0, maxChars - 1) + '…' : raw;
    if (part && part.length + 1 + line.length > maxChars) {
      parts.push(part);
      part = '';
    }
    part = part ? `${part}\n${line}` : line;
  }
  if (part) parts.push(part);
  return parts;
}

export function partMessages(part: string, index: number, count: number): ChatMessage[] {
  const which = count > 1 ? `Part ${index + 1} of ${count} of a meeting transcript` : 'A meeting transcript';
  return [
    { role: 'system', content: INSTRUCTIONS },
    { role: 'user', content: `${which}:\n\n${part}` },
  ];
}

export function combineMessages(summaries: readonly string[]): ChatMessage[] {
  const parts = summaries.map((s, i) => `<part ${i + 1}>\n${s}\n</part ${i + 1}>`).join('\n\n');
  return [
    { role: 'system', content: INSTRUCTIONS },
    {
      role: 'user',
      content: `These are summaries of consecutive parts of one meeting. Combine them into one summary of the whole meeting, keeping every decision and action item (merge duplicates):\n\n${parts}`,
    },
  ];
}

/** Reads the model's answer; a clear error when it is not the three sections (a refusal, another format). */
export function parseSummary(answer: string): SummarySections {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of answer.replace(/\r\n/g, '\n').split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*:?\s*$/.exec(line);
    const key = heading && sectionKey(heading[1]);
    if (key) {
      current = [];
      sections.set(key, current);
    } else if (heading) {
      current = undefined;
    } else {
      current?.push(line);
    }
  }
  const text = (key: string) => (sections.get(key) ?? []).join('\n').trim();
  const summary = text('summary');
  if (!summary) {
    const said = answer.trim().replace(/\s+/g, ' ').slice(0, 200);
    throw new VoxnoteError(
      'summary-unreadable',
      `The model did not answer with a summary${said ? `; it said: "${said}"` : ' (its answer was empty)'}. The notes are unchanged.`,
      'Run Summarize Meeting again, or choose another model.',
      false,
    );
  }
  return { summary, decisions: text('decisions') || 'None.', actionItems: taskList(text('actionItems')) };
}

function sectionKey(title: string): keyof SummarySections | undefined {
  const t = title.toLowerCase().replace(/[*_]/g, '').trim();
  if (t === 'summary') return 'summary';
  if (t === 'decisions') return 'decisions';
  if (t === 'action items' || t === 'action item' || t === 'actions') return 'actionItems';
  return undefined;
}

/** Each item as `- [ ] …`, whatever list marker the model used; "None." is no items. */
function taskList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^none\.?$/i.test(l))
    .map((l) => `- [ ] ${l.replace(/^(?:[-*+]|\d+[.)])\s+(?:\[[ xX]?\]\s*)?/, '')}`);
}

/** The three sections as Markdown, each a block ending in a blank line. */
export function summaryMarkdown(s: SummarySections): string {
  return [
    `${SECTION_HEADINGS.summary}\n\n${s.summary}\n\n`,
    `${SECTION_HEADINGS.decisions}\n\n${s.decisions}\n\n`,
    `${SECTION_HEADINGS.actionItems}\n\n${s.actionItems.length ? s.actionItems.join('\n') : 'None.'}\n\n`,
  ].join('');
}

/** Where the summary goes, in character offsets: after the header, replacing the previous summary if there is one. */
export function summaryRange(notes: string): { start: number; end: number } {
  const lines = notes.split('\n');
  let offset = 0;
  let start: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (i > 0 && start === undefined && line === SECTION_HEADINGS.summary) start = offset;
    // The first line, remark or footer after the header ends the header (and a summary before it).
    if (i > 0 && (UTTERANCE_LINE.test(line) || /^_.*_$/.test(line) || line === '---')) return { start: start ?? offset, end: offset };
    offset += lines[i].length + 1;
  }
  const end = notes.length;
  return { start: start ?? end, end };
}

export interface SummaryProgress {
  /** Requests done and to do (parts, then the combination). */
  done: number;
  total: number;
}

/**
 * Summarises the transcript: one request when it fits, else one per part and
 * then combinations of their summaries (in rounds, when even those do not fit).
 */
export async function summarize(lines: readonly string[], chat: ChatFn, maxChars: number, progress?: (p: SummaryProgress) => void): Promise<SummarySections> {
  if (!lines.length) {
    throw new VoxnoteError('summary-empty', 'These notes have no transcript lines to summarise.', 'Summarize notes that Voxnote wrote during a meeting or from a recording.', false);
  }
  const parts = splitTranscript(lines, maxChars);
  const total = parts.length === 1 ? 1 : parts.length + Math.ceil(parts.length / 2);
  let done = 0;
  const ask = async (messages: ChatMessage[]): Promise<string> => {
    const answer = await chat(messages);
    progress?.({ done: ++done, total: Math.max(total, done) });
    return answer;
  };
  // Each answer is checked as it comes, so a refusal stops the run at once.
  let summaries: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const answer = await ask(partMessages(parts[i], i, parts.length));
    summaries.push(summaryMarkdown(parseSummary(answer)));
  }
  while (summaries.length > 1) {
    const groups = splitTranscript(summaries, maxChars).length === 1 ? [summaries] : pairs(summaries);
    const next: string[] = [];
    for (const group of groups) next.push(summaryMarkdown(parseSummary(await ask(combineMessages(group)))));
    summaries = next;
  }
  return parseSummary(summaries[0]);
}

const pairs = <T>(xs: readonly T[]): T[][] => Array.from({ length: Math.ceil(xs.length / 2) }, (_, i) => xs.slice(2 * i, 2 * i + 2));
