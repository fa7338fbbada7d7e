/** Owned child processes: asked to stop, killed after the grace period, and never left behind when their parent exits. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { describeExit, spawnOwned } from '../../src/shared/childProcess';
import { posixOnly } from '../support/platform';

const node = (script: string) => spawnOwned(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Resolves with the first line the child prints. */
const firstLine = (child: ReturnType<typeof node>['child']): Promise<string> =>
  new Promise((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));

describe('owned child processes', () => {
  it('stop() ends a child with SIGTERM', async () => {
    const owned = node('console.log("up"); setInterval(() => {}, 1000)');
    await firstLine(owned.child);
    assert.equal(owned.running, true);
    assert.deepEqual(await owned.stop(5000), { code: null, signal: 'SIGTERM' });
    assert.equal(owned.running, false);
  });

  it('stop() kills a child that ignores being asked, once the grace period is over', posixOnly('on Windows a child cannot ignore being asked: any kill ends it at once (reported as SIGTERM)'), async () => {
    const owned = node('process.on("SIGTERM", () => {}); console.log("up"); setInterval(() => {}, 1000)');
    await firstLine(owned.child);
    const started = Date.now();
    assert.deepEqual(await owned.stop(300), { code: null, signal: 'SIGKILL' });
    assert.ok(Date.now() - started >= 250, 'killed before the grace period was over');
  });

  it('stop() with its own request lets the child leave by itself', async () => {
    const owned = node('process.stdin.on("end", () => process.exit(3)); process.stdin.resume(); console.log("up")');
    await firstLine(owned.child);
    assert.deepEqual(await owned.stop(5000, () => owned.child.stdin!.end()), { code: 3, signal: null });
  });

  it('a program that cannot start resolves exited instead of hanging', async () => {
    const owned = spawnOwned(path.join(__dirname, 'no-such-program'), [], { stdio: 'ignore' });
    owned.child.on('error', () => undefined);
    assert.deepEqual(await owned.exited, { code: null, signal: null });
    assert.deepEqual(await owned.stop(100), { code: null, signal: null });
  });

  it('kills the children still running when their parent process exits', () => {
    // The parent starts a long-lived child through spawnOwned, prints its pid and exits at once (as a closing extension host does).
    const module = JSON.stringify(require.resolve('../../src/shared/childProcess'));
    const parent = `const { spawnOwned } = require(${module});
      const { child } = spawnOwned(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log(child.pid);
      process.exit(0);`;
    const pid = Number(execFileSync(process.execPath, ['-e', parent], { encoding: 'utf8' }).trim());
    assert.ok(pid > 0);
    // SIGKILL is delivered by the time the parent has exited; the pid may linger briefly as a zombie of init.
    const deadline = Date.now() + 2000;
    while (alive(pid) && Date.now() < deadline) execFileSync('sleep', ['0.05']);
    assert.equal(alive(pid), false, `child ${pid} outlived its parent`);
  });
});

describe('how a process ended, in words', () => {
  it('names a signal, and a Windows crash code in hex with its meaning', () => {
    assert.equal(describeExit({ code: null, signal: 'SIGABRT' }, 'linux'), 'was killed by SIGABRT');
    assert.equal(describeExit({ code: 3, signal: null }, 'win32'), 'exited with code 3 (abort)');
    assert.equal(describeExit({ code: 3221225477, signal: null }, 'win32'), 'exited with code 0xC0000005 (access violation)');
    assert.equal(describeExit({ code: 541541187, signal: null }, 'win32'), 'exited with code 0x20474343 (unhandled C++ exception)');
    assert.equal(describeExit({ code: 3, signal: null }, 'linux'), 'exited with code 3', 'a POSIX exit status is the program\'s own');
    assert.equal(describeExit({ code: 1, signal: null }, 'win32'), 'exited with code 1');
  });
});
