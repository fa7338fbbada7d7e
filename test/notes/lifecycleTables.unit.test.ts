/**
 * docs/lifecycle/meeting-track.md and meeting.md decide every (phase × event)
 * pair of the meeting's machines in one table each: the tables are parsed and
 * every cell is checked against the transition functions, both ways (no phase
 * or event of the code missing from a table, none in a table the code lacks).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { MEETING_EVENTS, MEETING_PHASES, meetingTransition } from '../../src/notes/meetingLifecycle';
import { TRACK_EVENTS, TRACK_PHASES, trackTransition } from '../../src/notes/trackLifecycle';

const ROOT = path.resolve(__dirname, '../../..');

interface Table {
  events: string[];
  rows: Map<string, string[]>;
}

/** The table whose header begins "| phase \ event |". */
function parseTable(file: string): Table {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
  const at = lines.findIndex((l) => l.startsWith('| phase \\ event |'));
  assert.ok(at >= 0, `${file} has no "| phase \\ event |" table`);
  const events = cells(lines[at]).slice(1);
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith('|')) break;
    const [phase, ...row] = cells(line);
    rows.set(phase.replace(/\*/g, ''), row);
  }
  return { events, rows };
}

const cell = (phase: string, t: { phase: string; effects: string[] }) =>
  t.phase === phase && !t.effects.length ? '—' : `${t.phase}${t.effects.length ? ` / ${t.effects.join(', ')}` : ''}`;

function check<P extends string, E extends string>(file: string, phases: readonly P[], events: readonly E[], fn: (p: P, e: E) => { phase: string; effects: string[] }) {
  const table = parseTable(file);
  assert.deepEqual(table.events, [...events], `${file}: the events, in the code's order`);
  assert.deepEqual([...table.rows.keys()], [...phases], `${file}: the phases, in the code's order`);
  let checked = 0;
  for (const p of phases) {
    const row = table.rows.get(p)!;
    events.forEach((e, i) => {
      assert.equal(row[i], cell(p, fn(p, e)), `${file}: ${p} × ${e}`);
      checked++;
    });
  }
  return checked;
}

describe('lifecycle tables in docs/lifecycle match the transition functions', () => {
  it('meeting track: every (phase × event) cell', () => {
    const n = check('docs/lifecycle/meeting-track.md', TRACK_PHASES, TRACK_EVENTS, trackTransition);
    assert.equal(n, TRACK_PHASES.length * TRACK_EVENTS.length);
  });

  it('meeting: every (phase × event) cell', () => {
    const n = check('docs/lifecycle/meeting.md', MEETING_PHASES, MEETING_EVENTS, meetingTransition);
    assert.equal(n, MEETING_PHASES.length * MEETING_EVENTS.length);
  });
});
