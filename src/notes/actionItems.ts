/**
 * Action items of a summarised notes file (`## Action items`, meetingSummary.ts)
 * turned into code: a TODO comment in the syntax of the editor's language, or an
 * issue draft with the meeting's date and a link back to the line in the notes.
 * No VS Code API here.
 */
import { SECTION_HEADINGS } from './meetingSummary';

export interface ActionItem {
  /** What to do, without owner and date. */
  task: string;
  owner?: string;
  due?: string;
  /** 0-based line of the item in the notes. */
  line: number;
  done: boolean;
}

/** The task lines under `## Action items`, up to the next heading. */
export function actionItemsIn(notes: string): ActionItem[] {
  const lines = notes.split(/\r?\n/);
  const at = lines.indexOf(SECTION_HEADINGS.actionItems);
  if (at < 0) return [];
  const items: ActionItem[] = [];
  for (let i = at + 1; i < lines.length && !/^#{1,6} /.test(lines[i]); i++) {
    const m = /^\s*[-*+] \[([ xX])\] (.+)$/.exec(lines[i]);
    if (m) items.push({ ...ownerAndDue(m[2].trim()), line: i, done: m[1] !== ' ' });
  }
  return items;
}

/** "Send the budget (owner: Ana, due: Friday)" → task, owner and due. */
function ownerAndDue(text: string): Pick<ActionItem, 'task' | 'owner' | 'due'> {
  const m = /\s*\(([^()]*)\)\s*$/.exec(text);
  if (!m) return { task: text };
  const fields = new Map(
    m[1]
      .split(/[,;]/)
      .map((f) => /^\s*(owner|due)\s*:\s*(.+?)\s*$/i.exec(f))
      .filter((f): f is RegExpExecArray => !!f)
      .map((f) => [f[1].toLowerCase(), f[2]] as const),
  );
  if (!fields.size) return { task: text };
  return { task: text.slice(0, m.index).trim(), owner: fields.get('owner'), due: fields.get('due') };
}

/** The meeting's date from the notes header (`- **Date:** 2025-01-31 14:05`). */
export function meetingDate(notes: string): string | undefined {
  return /^- \*\*Date:\*\* (.+)$/m.exec(notes)?.[1].trim();
}

/** How each language writes a comment: [opening, closing]; closing '' for line comments. */
const COMMENTS: ReadonlyArray<[readonly string[], string, string]> = [
  [
    ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'java', 'c', 'cpp', 'csharp', 'go', 'rust', 'swift', 'kotlin', 'scala', 'php', 'dart', 'jsonc', 'groovy', 'objective-c', 'fsharp', 'zig'],
    '// ',
    '',
  ],
  [['python', 'ruby', 'shellscript', 'perl', 'r', 'yaml', 'toml', 'dockerfile', 'makefile', 'powershell', 'elixir', 'coffeescript', 'julia', 'nim', 'cmake', 'properties'], '# ', ''],
  [['sql', 'lua', 'haskell', 'elm', 'ada'], '-- ', ''],
  [['latex', 'tex', 'matlab', 'erlang', 'bibtex'], '% ', ''],
  [['clojure', 'lisp', 'scheme', 'ini'], '; ', ''],
  [['vb'], "' ", ''],
  [['bat'], 'REM ', ''],
  [['html', 'xml', 'markdown', 'svg', 'vue', 'svelte'], '<!-- ', ' -->'],
  [['css', 'scss', 'less'], '/* ', ' */'],
  [['ocaml'], '(* ', ' *)'],
];

/** The comment delimiters of a VS Code language id; undefined for plain text and languages not known here. */
export function commentSyntax(languageId: string): { open: string; close: string } | undefined {
  const found = COMMENTS.find(([ids]) => ids.includes(languageId));
  return found && { open: found[1], close: found[2] };
}

/** `TODO(Ana): send the budget (due: Friday), from <notes link>` as a comment; plain text without a known syntax. */
export function todoComment(item: ActionItem, languageId: string, link: string): string {
  const c = commentSyntax(languageId) ?? { open: '', close: '' };
  const due = item.due ? ` (due: ${item.due})` : '';
  return `${c.open}TODO${item.owner ? `(${item.owner})` : ''}: ${item.task}${due}, from ${link}${c.close}`;
}

/** An issue in Markdown: the task as title, then owner, due date, meeting and the link to the line. */
export function issueDraft(item: ActionItem, meeting: { title: string; date?: string; link: string }): string {
  return (
    `${item.task}\n\n` +
    (item.owner ? `- **Owner:** ${item.owner}\n` : '') +
    (item.due ? `- **Due:** ${item.due}\n` : '') +
    `- **From:** ${meeting.title}${meeting.date ? `, ${meeting.date}` : ''} ([notes, line ${item.line + 1}](<${meeting.link}>))\n`
  );
}

/** A link to a line of the notes, relative to the workspace where possible: `notes/x.md#L12`. */
export const lineLink = (notesPath: string, line: number): string => `${notesPath}#L${line + 1}`;
