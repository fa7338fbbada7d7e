/** Lines from a child's output stream, with a cap on their length. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import { readLines } from '../../src/speech/lineReader';

async function lines(chunks: Array<string | Buffer>, maxChars = 10) {
  const stream = new PassThrough();
  const got: string[] = [];
  const cut: string[] = [];
  readLines(stream, { maxChars, onLine: (l) => got.push(l), onOverlong: (h) => cut.push(h) });
  const ended = new Promise((r) => stream.on('end', r));
  for (const c of chunks) stream.write(c);
  stream.end();
  await ended;
  return { got, cut };
}

describe('line reader', () => {
  it('splits lines across chunks, drops CR before LF, keeps a last line without newline', async () => {
    assert.deepEqual((await lines(['ab', 'c\r\nde', 'f\n\ngh'])).got, ['abc', 'def', '', 'gh']);
  });

  it('keeps a UTF-8 character split between chunks whole', async () => {
    const bytes = Buffer.from('né\n');
    assert.deepEqual((await lines([bytes.subarray(0, 2), bytes.subarray(2)])).got, ['né']);
  });

  it('skips an overlong line to its newline, reporting it once as soon as the cap is hit', async () => {
    const { got, cut } = await lines(['short\n0123456', '789abc', 'def', 'ghi\nnext\n']);
    assert.deepEqual(got, ['short', 'next']);
    assert.deepEqual(cut, ['0123456789abc']);
  });

  it('reports an overlong line that never ends', async () => {
    const { got, cut } = await lines(['x'.repeat(25), 'y'.repeat(25)]);
    assert.deepEqual(got, []);
    assert.equal(cut.length, 1);
  });
});
