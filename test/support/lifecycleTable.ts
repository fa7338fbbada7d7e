/**
 * Holds a machine's transition table in docs/lifecycle/<machine>.md to its
 * transition function: the table (rows = states, columns = events) is rendered
 * from the function and compared cell by cell with the one in the doc.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TableSpec<S, E, F> {
  /** docs/lifecycle/<file>. */
  file: string;
  rows: Array<[label: string, state: S]>;
  columns: Array<[label: string, event: E]>;
  transition(state: S, event: E): { state: S; effects: F[] };
  /** How a resulting state reads in a cell. */
  describeState(state: S): string;
  describeEffect(effect: F): string;
  /** Same state, no effect: the event is ignored there. */
  same(a: S, b: S): boolean;
}

/** The cell text: `next · effect, effect`, or `—` when the event is ignored. */
export function renderCell<S, E, F>(spec: TableSpec<S, E, F>, state: S, event: E): string {
  const { state: next, effects } = spec.transition(state, event);
  if (spec.same(state, next) && !effects.length) return '—';
  const fx = effects.map((f) => spec.describeEffect(f)).join(', ');
  return fx ? `${spec.describeState(next)} · ${fx}` : spec.describeState(next);
}

export function renderTable<S, E, F>(spec: TableSpec<S, E, F>): string {
  const head = `| state \\ event | ${spec.columns.map(([l]) => l).join(' | ')} |`;
  const rule = `|${' --- |'.repeat(spec.columns.length + 1)}`;
  const body = spec.rows.map(([label, s]) => `| ${label} | ${spec.columns.map(([, e]) => renderCell(spec, s, e)).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

/** The first markdown table after the heading "## Transitions", as rows of trimmed cells (header first). */
export function parseTable(markdown: string): string[][] {
  const at = markdown.indexOf('## Transitions');
  if (at < 0) throw new Error('no "## Transitions" heading');
  const lines = markdown.slice(at).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const table: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) break;
    const cells = line.slice(1, line.trimEnd().length - 1).split('|').map((c) => c.trim().replace(/\\\\/g, '\\'));
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    table.push(cells);
  }
  return table;
}

export function docPath(file: string): string {
  return path.resolve(__dirname, '../../../docs/lifecycle', file);
}

/** Differences between the doc's table and the function, one line each (empty: they agree). */
export function tableDifferences<S, E, F>(spec: TableSpec<S, E, F>): string[] {
  const doc = parseTable(fs.readFileSync(docPath(spec.file), 'utf8'));
  const want = parseTable(`## Transitions\n${renderTable(spec)}\n`);
  const out: string[] = [];
  if (doc[0]?.join('|') !== want[0].join('|')) out.push(`columns: the doc has [${doc[0]?.slice(1).join(', ')}], the code [${want[0].slice(1).join(', ')}]`);
  for (const row of want.slice(1)) {
    const docRow = doc.find((r) => r[0] === row[0]);
    if (!docRow) {
      out.push(`row "${row[0]}" is missing from the doc`);
      continue;
    }
    row.slice(1).forEach((cell, i) => {
      if (docRow[i + 1] !== cell) out.push(`${row[0]} × ${want[0][i + 1]}: the doc says "${docRow[i + 1]}", the code does "${cell}"`);
    });
  }
  for (const r of doc.slice(1)) if (!want.some((w) => w[0] === r[0])) out.push(`row "${r[0]}" of the doc is not a state the test knows`);
  return out;
}
