/**
 * The worker process: reads commands from stdin, writes events to stdout, one
 * JSON object per line. stdout carries protocol lines only; logs go to stderr.
 * Started with process.execPath (ELECTRON_RUN_AS_NODE=1 under VS Code).
 * Every event names the command it answers (`re`); session events name their `start`.
 */
import { isDeepStrictEqual } from 'util';
import * as readline from 'readline';
import { VoxnoteError } from '../shared/errors';
import { Command, CommandOf, encode, EngineSpec, EventBody, parseCommand, ProtocolError } from '../shared/protocol';
import { listDevices } from './capture/devices';
import { openCapture } from './capture/open';
import type { Engine } from './engines/engine';
import { loadEngine } from './engines/registry';
import { openProtocolOut } from './protocolOut';
import { Recognition } from './session';

// Anything a library prints must not corrupt the protocol stream.
console.log = console.info = console.debug = console.error;
const writeLine = openProtocolOut();

const emit = (re: number | null, event: EventBody): void => writeLine(encode({ ...event, re } as Parameters<typeof encode>[0]));

const error = (re: number | null, e: Pick<VoxnoteError, 'code' | 'message' | 'hint' | 'fatal'>) =>
  emit(re, { type: 'error', code: e.code as Extract<EventBody, { type: 'error' }>['code'], message: e.message, hint: e.hint, fatal: e.fatal });

/** VOXNOTE_TRACE=1: per-chunk added latency on stderr, read by `npm run bench`. */
const trace = process.env.VOXNOTE_TRACE ? (ms: number) => process.stderr.write(`voxnote-trace ${ms.toFixed(4)}\n`) : undefined;

/** The loaded engine and the spec it was loaded from (kept in memory only: it can hold a credential). */
let loaded: { spec: EngineSpec; engine: Engine } | undefined;
/** The recognition capturing now; those stopped earlier may still be finishing their last final beside it. */
let capturing: Recognition | undefined;
const unfinished = new Set<Recognition>();
/** Commands run one at a time, in order: a `stop` must not overtake the `start` before it. */
let queue: Promise<void> = Promise.resolve();
/** A Cancel left a decode running in a native thread. */
let abandoned = false;

/**
 * Loads (or reuses) the engine for a spec; reports failures as fatal errors of
 * command `re` and returns undefined. `ready` is sent when it loaded, or always when `announce`.
 */
async function ensureEngine(re: number, spec: EngineSpec, announce: boolean): Promise<Engine | undefined> {
  const t0 = performance.now();
  if (!loaded || !isDeepStrictEqual(loaded.spec, spec)) {
    if (unfinished.size) {
      error(re, { code: 'busy', message: 'A session is running on another engine.', hint: 'Send "stop" and wait for "stopped" first.', fatal: false });
      return undefined;
    }
    loaded?.engine.dispose();
    loaded = undefined;
    try {
      loaded = { spec, engine: await loadEngine(spec) };
    } catch (e) {
      if (!(e instanceof VoxnoteError)) throw e;
      error(re, { code: e.code, message: e.message, hint: e.hint, fatal: true });
      return undefined;
    }
    announce = true;
  }
  const { engine } = loaded;
  if (announce) emit(re, { type: 'ready', engine: spec.kind, key: engine.key, loadMs: Math.round((performance.now() - t0) * 10) / 10 });
  return engine;
}

async function start(cmd: CommandOf<'start'>): Promise<void> {
  if (capturing) return error(cmd.id, { code: 'busy', message: 'A session is already running.', hint: 'Send "stop" first.', fatal: false });
  const engine = await ensureEngine(cmd.id, cmd.engine, false);
  if (!engine) return;
  const current = new Recognition(cmd.source, cmd.options ?? {}, (event) => emit(cmd.id, event), trace);
  capturing = current;
  unfinished.add(current);
  void current.done.then(() => {
    unfinished.delete(current);
    if (capturing === current) capturing = undefined;
  });
  try {
    await current.open(engine, openCapture);
  } catch (e) {
    unfinished.delete(current);
    capturing = undefined;
    if (e instanceof VoxnoteError) return error(cmd.id, { code: e.code, message: e.message, hint: e.hint, fatal: true });
    throw e;
  }
}

async function shutdown(): Promise<never> {
  await Promise.all([...unfinished].map((r) => r.stop()));
  loaded?.engine.dispose();
  // process.exit waits for a native decode still running (seconds at a real model's cost); every
  // event is already written (synchronously), so after a Cancel the worker ends without waiting.
  if (abandoned) process.kill(process.pid, 'SIGTERM');
  process.exit(0);
}

async function handle(cmd: Command): Promise<void> {
  switch (cmd.type) {
    case 'load':
      await ensureEngine(cmd.id, cmd.engine, true);
      return;
    case 'start':
      return start(cmd);
    case 'stop': {
      const current = capturing;
      if (!current) {
        // A discard already cut short what was finishing (onLine).
        if (cmd.discard) return;
        return error(cmd.id, { code: 'not-running', message: 'Nothing to stop: no session is running.', hint: 'Send "start" first.', fatal: false });
      }
      capturing = undefined;
      // The next command (a start) waits only for the capture to close, not for the engine's last
      // final, which can take seconds (a cloud's Termination); that final still comes, then `stopped`.
      return current.stopCapture(cmd.discard);
    }
    case 'endUtterance':
      if (!capturing) return error(cmd.id, { code: 'not-running', message: 'No session is running.', hint: 'Send "start" first.', fatal: false });
      return capturing.endUtterance();
    case 'listDevices':
      emit(cmd.id, { type: 'devices', ...(await listDevices()) });
      return;
    case 'shutdown':
      return shutdown();
    case 'ping':
      return;
  }
}

function onLine(line: string): void {
  if (!line.trim()) return;
  let cmd: Command;
  try {
    cmd = parseCommand(line);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return error(e.id, { code: 'bad-command', message: `Ignored a bad command: ${e.message}`, hint: 'See docs/protocol.md for the commands.', fatal: false });
  }
  // Liveness and Cancel never wait behind a command in progress (a stop waiting for its last decodes).
  if (cmd.type === 'ping') return emit(cmd.id, { type: 'pong' });
  // A discard also cuts short the recognitions still finishing; the stop itself then runs in order.
  if (cmd.type === 'stop' && cmd.discard && unfinished.size) {
    abandoned = true;
    for (const r of unfinished) void r.stopCapture(true);
  }
  queue = queue.then(() => handle(cmd)).catch((e: Error) => error(cmd.id, { code: 'internal', message: e.message, hint: 'Restart Voxnote.', fatal: false }));
}

// Ctrl+C in a terminal reaches the whole process group: the parent decides when the worker ends (a CLI keeps what was decoded).
process.on('SIGINT', () => undefined);

process.on('uncaughtException', (e) => {
  error(null, { code: 'internal', message: `Worker failure: ${e.message}`, hint: 'Restart Voxnote; if it happens again, report it with the log.', fatal: true });
  process.exit(1);
});

readline.createInterface({ input: process.stdin, terminal: false }).on('line', onLine).on('close', () => {
  // stdin closed: the parent is gone. Flush and leave no capture process behind.
  queue = queue.then(shutdown);
});
