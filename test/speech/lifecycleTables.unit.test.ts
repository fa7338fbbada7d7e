/**
 * Each lifecycle table in docs/lifecycle/ is what the code does: every
 * (state × event) cell is rendered from the transition function and compared
 * with the doc. A mismatch names the cell and prints the table as the code has it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arbiterSpec, dictationSpec, sessionSpec } from '../support/lifecycleSpecs';
import { renderTable, TableSpec, tableDifferences } from '../support/lifecycleTable';

function check<S, E, F>(spec: TableSpec<S, E, F>): void {
  const diffs = tableDifferences(spec);
  assert.deepEqual(diffs, [], `docs/lifecycle/${spec.file} and the code disagree:\n${diffs.join('\n')}\n\nThe table as the code has it:\n${renderTable(spec)}\n`);
}

describe('lifecycle tables (docs/lifecycle) match the machines', () => {
  it('speech session', () => check(sessionSpec));
  it('microphone arbiter', () => check(arbiterSpec));
  it('dictation', () => check(dictationSpec));
});
