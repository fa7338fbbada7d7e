/**
 * How appended notes and a person's edits live together (docs/notes.md,
 * "Editing during a meeting"). The writer only ever appends to the file on
 * disk. A clean open document follows the disk by itself (VS Code reloads it).
 * A dirty one does not, and saving it would overwrite the disk file; so the
 * blocks written to disk are mirrored at the end of a dirty buffer, and a save
 * then carries every line. Which blocks a text lacks is decided here, purely,
 * for the buffer (VS Code side) and for the disk file (after a save) alike.
 */

/**
 * How many of the latest blocks are kept to compare with: far more than a
 * document can fall behind between two checks, and a 3-hour meeting's
 * thousands of lines are not held in memory.
 */
export const RECENT_BLOCKS = 1000;

/** Adds blocks to a list of the latest ones. */
export function rememberBlocks(list: string[], blocks: readonly string[]): void {
  list.push(...blocks);
  if (list.length > RECENT_BLOCKS) list.splice(0, list.length - RECENT_BLOCKS);
}

/** The line a block is recognised by: its last non-empty line, without trailing spaces. */
function keyOf(block: string): string {
  const lines = block.split('\n').map((l) => l.trimEnd()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/**
 * The blocks, of those appended in order, that come after the last one `text`
 * still holds, i.e. the appends `text` has not caught up with. A block the
 * person edited or deleted before that point is theirs and stays as it is; an
 * identical line twice is matched twice (counted, not just found).
 */
export function missingBlocks(text: string, blocks: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const key = line.trimEnd();
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let last = -1;
  blocks.forEach((block, i) => {
    const key = keyOf(block);
    const n = counts.get(key) ?? 0;
    if (n > 0) {
      counts.set(key, n - 1);
      last = i;
    }
  });
  return blocks.slice(last + 1);
}

/** The text that appends `blocks` to `text`, starting them on a line of their own. */
export function appendition(text: string, blocks: readonly string[]): string {
  if (!blocks.length) return '';
  const joined = blocks.join('');
  if (!text || text.endsWith('\n\n')) return joined;
  return text.endsWith('\n') ? '\n' + joined : '\n\n' + joined;
}

/**
 * One open notes document during a meeting. The VS Code side feeds it every
 * block the writer put on disk, and asks `edit` after each write batch, when
 * the document turns dirty, and before it is saved; it inserts the answer (if
 * any) at the document's end.
 */
export class NotesBufferSync {
  private readonly written: string[] = [];

  /** Blocks the writer has just put on disk, in order. */
  onWritten(blocks: readonly string[]): void {
    rememberBlocks(this.written, blocks);
  }

  /**
   * What to insert at the end of the document now. Nothing for a clean one:
   * VS Code reloads it from disk, and an edit would make it dirty.
   */
  edit(doc: { text: string; isDirty: boolean }): string | undefined {
    if (!doc.isDirty) return undefined;
    return appendition(doc.text, missingBlocks(doc.text, this.written)) || undefined;
  }
}
