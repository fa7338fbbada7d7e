/**
 * The worker client's readers of the worker's stdout and stderr hold at most a
 * capped line: a runaway native library printing without newlines cannot grow
 * the extension host's memory, and the cut is reported. The "worker" here is a
 * small script that misbehaves as such a library would.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { WorkerEvent } from '../../src/shared/protocol';
import { WorkerClient } from '../../src/speech/workerClient';
import { tempDir } from '../support/worker';

const dir = tempDir('runaway');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A script that prints `mb` MB without a newline on `stream`, then a newline and a protocol event, then waits. */
function runaway(stream: 'stdout' | 'stderr', mb: number): string {
  const file = path.join(dir, `runaway-${stream}-${mb}.js`);
  fs.writeFileSync(
    file,
    `const chunk = 'x'.repeat(1 << 20);
let left = ${mb};
const out = process.${stream};
(function more() {
  while (left > 0) { left--; if (!out.write(chunk)) return out.once('drain', more); }
  out.write('\\n');
  process.stdout.write(JSON.stringify({ type: 'ready', re: null, engine: 'vosk', key: '/m', loadMs: 1 }) + '\\n');
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
})();
`,
  );
  return file;
}

describe('worker client line-length cap', () => {
  for (const stream of ['stderr', 'stdout'] as const) {
    it(`a ${stream} line of 64 MB without a newline is cut and reported; the events after it still arrive`, async () => {
      const log: string[] = [];
      const client = new WorkerClient({ workerPath: runaway(stream, 64), log: (l) => log.push(l) });
      try {
        const ready = await new Promise<WorkerEvent>((resolve) => {
          const sub = client.onEvent((e) => {
            if (e.type !== 'ready') return;
            sub.dispose();
            resolve(e);
          });
        });
        assert.equal(ready.type === 'ready' && ready.key, '/m');
        const longest = Math.max(...log.map((l) => l.length));
        assert.ok(longest <= 70_000, `the longest line handed on has ${longest} characters`);
        assert.ok(
          log.some((l) => new RegExp(`worker ${stream} line longer than [\\d,]+ characters was cut`).test(l)),
          `reported: ${JSON.stringify(log.map((l) => l.slice(0, 120)))}`,
        );
      } finally {
        await client.shutdown();
      }
    });
  }
});
