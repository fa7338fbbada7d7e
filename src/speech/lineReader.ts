/**
 * Splits a child's output stream into lines, holding at most `maxChars` of a
 * line: the rest of an overlong line is skipped up to its newline, and
 * `onOverlong` is told once per such line as soon as the cap is hit (a library
 * printing without newlines may never send one). readline has no such cap.
 * No VS Code API here.
 */
import type { Readable } from 'stream';
import { StringDecoder } from 'string_decoder';

export interface LineReaderOptions {
  maxChars: number;
  onLine(line: string): void;
  /** A line passed the cap: `head` is its start, for the log. */
  onOverlong(head: string): void;
}

export function readLines(stream: Readable, options: LineReaderOptions): void {
  const decoder = new StringDecoder('utf8');
  let parts: string[] = [];
  let length = 0;
  let skipping = false;
  const take = (text: string): void => {
    if (skipping || !text) return;
    if (length + text.length > options.maxChars) {
      const head = (parts.join('') + text).slice(0, 200);
      parts = [];
      length = 0;
      skipping = true;
      options.onOverlong(head);
      return;
    }
    parts.push(text);
    length += text.length;
  };
  const endLine = (): void => {
    if (!skipping) options.onLine(parts.join('').replace(/\r$/, ''));
    parts = [];
    length = 0;
    skipping = false;
  };
  const feed = (text: string): void => {
    for (let from = 0; ; ) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) return take(text.slice(from));
      take(text.slice(from, nl));
      endLine();
      from = nl + 1;
    }
  };
  stream.on('data', (chunk: Buffer) => feed(decoder.write(chunk)));
  stream.on('end', () => {
    feed(decoder.end());
    if (length || skipping) endLine();
  });
}
