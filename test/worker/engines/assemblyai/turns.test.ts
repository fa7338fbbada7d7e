/** AssemblyAI turns to partials and finals, with and without format_turns. */
import type { TurnEvent } from 'assemblyai';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TurnAssembler } from '../../../../src/worker/engines/assemblyai/turns';

const turn = (order: number, transcript: string, end: boolean, formatted = false): TurnEvent => ({
  type: 'Turn',
  turn_order: order,
  turn_is_formatted: formatted,
  end_of_turn: end,
  transcript,
  end_of_turn_confidence: end ? 0.9 : 0.1,
  words: [],
});

function run(formatTurns: boolean, turns: TurnEvent[], flush = false, partials = true): string[] {
  const out: string[] = [];
  const a = new TurnAssembler(formatTurns, partials, { partial: (t) => out.push(`p:${t}`), final: (t) => out.push(`f:${t.transcript}`) });
  for (const t of turns) a.turn(t);
  if (flush) a.flush();
  return out;
}

describe('TurnAssembler', () => {
  it('with format_turns the formatted copy is the final, keyed by turn_order', () => {
    assert.deepEqual(run(true, [turn(0, 'yes', false), turn(0, 'yes open', false), turn(0, 'yes open', true), turn(0, 'Yes open.', true, true)]), [
      'p:yes',
      'p:yes open',
      'f:Yes open.',
    ]);
  });

  it('holds the next turn\'s partial until the previous turn\'s formatted final', () => {
    assert.deepEqual(run(true, [turn(0, 'yes', true), turn(1, 'run', false), turn(0, 'Yes.', true, true), turn(1, 'run no', false)]), [
      'f:Yes.',
      'p:run',
      'p:run no',
    ]);
  });

  it('keeps the unformatted words when the formatted copy does not come', () => {
    assert.deepEqual(run(true, [turn(0, 'yes', true), turn(1, 'no', true)], true), ['f:yes', 'f:no']);
  });

  it('without format_turns the end of a turn is the final', () => {
    assert.deepEqual(run(false, [turn(0, 'save', false), turn(0, 'save file', true)]), ['p:save', 'f:save file']);
  });

  it('skips partials nobody listens to', () => {
    assert.deepEqual(run(false, [turn(0, 'save', false), turn(0, 'save', true)], false, false), ['f:save']);
  });
});
