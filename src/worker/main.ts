/**
 * The worker process: reads commands from stdin, writes events to stdout, one
 * JSON object per line. stdout carries protocol lines only; logs go to stderr.
 * Started with process.execPath (ELECTRON_RUN_AS_NODE=1 under VS Code).
 * Every event names the command it answers (`re`); session events name their `start`.
 */
import { appendFileSync } from 'fs';
import { isDeepStrictEqual } from 'util';
import * as readline from 'readline';
import { VoxnoteError } from '../shared/errors';
import { Command, CommandOf, encode, EngineSpec, EventBody, parseCommand, ProtocolError, type Source } from '../shared/protocol';
import { listDevices } from './capture/devices';
import type { CaptureHandlers } from './capture/capture';
import { openCapture } from './capture/open';
import { CaptureRelay } from './captureRelay';
import type { Engine } from './engines/engine';
import { loadEngine } from './engines/registry';
import { measureVadRtf } from './engines/sherpa/yardstick';
import { openProtocolOut } from './protocolOut';
import { forgetKeptTrack, reclusterKeptTrack } from './diarization/trackDiarizer';
import { Recognition } from './session';

// Anything a library prints must not corrupt the protocol stream.
console.log = console.info = console.debug = console.error;
const writeLine = openProtocolOut();

const emit = (re: number | null, event: EventBody): void => writeLine(encode({ ...event, re } as Parameters<typeof encode>[0]));

const error = (re: number | null, e: Pick<VoxnoteError, 'code' | 'message' | 'hint' | 'fatal'>) =>
  emit(re, { type: 'error', code: e.code as Extract<EventBody, { type: 'error' }>['code'], message: e.message, hint: e.hint, fatal: e.fatal });

/** VOXNOTE_TRACE=1: per-chunk added latency on stderr, read by `npm run bench`. */
const trace = process.env.VOXNOTE_TRACE ? (ms: number) => process.stderr.write(`voxnote-trace ${ms.toFixed(4)}\n`) : undefined;
/** VOXNOTE_TRACE_AUDIO=<prefix>: each live start's captured audio to <prefix>-<n>.s16, for the bench to decode alone. */
const traceAudio = process.env.VOXNOTE_TRACE_AUDIO;
let tracedStarts = 0;

/** The loaded engine and the spec it was loaded from (kept in memory only: it can hold a credential). */
let loaded: { spec: EngineSpec; engine: Engine } | undefined;
/** The recognition capturing now; those stopped earlier may still be finishing their last final beside it. */
let capturing: Recognition | undefined;
const unfinished = new Set<Recognition>();
/** A live capture kept open after a stop, for a start that follows at once (captureRelay.ts). */
let parked: CaptureRelay | undefined;
/** The live capture of each recognition, and every one not closed yet. */
const relays = new WeakMap<Recognition, CaptureRelay>();
const openRelays = new Set<CaptureRelay>();

function closeRelay(relay: CaptureRelay): Promise<void> {
  openRelays.delete(relay);
  return relay.close();
}
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

function closeParked(): Promise<void> {
  const relay = parked;
  parked = undefined;
  return relay ? closeRelay(relay) : Promise.resolve();
}

/** Opens the capture of a start that arrived at `arrivedAt`: the parked one when it is the same source. */
async function captureFor(current: Recognition, source: Source, handlers: CaptureHandlers, arrivedAt: number) {
  if (source.kind === 'file') return openCapture(source, handlers);
  if (traceAudio) handlers = recorded(handlers, `${traceAudio}-${++tracedStarts}.s16`);
  let relay: CaptureRelay;
  if (parked && isDeepStrictEqual(parked.source, source)) {
    relay = parked;
    parked = undefined;
    relay.adopt(handlers, arrivedAt);
  } else {
    await closeParked();
    relay = await CaptureRelay.open(source, handlers, openCapture);
    openRelays.add(relay);
  }
  relays.set(current, relay);
  if (trace) void firstAudio(relay, arrivedAt);
  return relay;
}

function recorded(handlers: CaptureHandlers, file: string): CaptureHandlers {
  return { ...handlers, onData: (pcm) => (appendFileSync(file, pcm), handlers.onData(pcm)) };
}

/** VOXNOTE_TRACE: from the start's arrival to the first audio it fed, for `npm run bench`. */
async function firstAudio(relay: CaptureRelay, arrivedAt: number): Promise<void> {
  while (relay.firstAudioAt === undefined && !relay.parked) await new Promise((r) => setTimeout(r, 2));
  if (relay.firstAudioAt !== undefined) process.stderr.write(`voxnote-trace-first-audio ${(performance.timeOrigin + relay.firstAudioAt).toFixed(1)} ${(performance.timeOrigin + arrivedAt).toFixed(1)}\n`);
}

async function start(cmd: CommandOf<'start'>, arrivedAt: number): Promise<void> {
  if (capturing) return error(cmd.id, { code: 'busy', message: 'A session is already running.', hint: 'Send "stop" first.', fatal: false });
  const engine = await ensureEngine(cmd.id, cmd.engine, false);
  if (!engine) return;
  const current = new Recognition(cmd.source, cmd.options ?? {}, (event) => emit(cmd.id, event), trace, cmd.id);
  capturing = current;
  unfinished.add(current);
  void current.done.then(() => {
    unfinished.delete(current);
    if (capturing === current) capturing = undefined;
    // Its capture, unless a start continued it: closed now that its last final is out.
    const relay = relays.get(current);
    if (relay?.parked) void (parked === relay ? closeParked() : closeRelay(relay));
  });
  try {
    await current.open(engine, (source, handlers) => captureFor(current, source, handlers, arrivedAt));
  } catch (e) {
    unfinished.delete(current);
    capturing = undefined;
    if (e instanceof VoxnoteError) return error(cmd.id, { code: e.code, message: e.message, hint: e.hint, fatal: true });
    throw e;
  }
}

async function shutdown(): Promise<never> {
  await Promise.all([...unfinished].map((r) => r.stop()));
  parked = undefined;
  await Promise.all([...openRelays].map(closeRelay));
  loaded?.engine.dispose();
  forgetKeptTrack();
  // process.exit waits for a native decode still running (seconds at a real model's cost); every
  // event is already written (synchronously), so after a Cancel the worker ends without waiting.
  if (abandoned) process.kill(process.pid, 'SIGTERM');
  process.exit(0);
}

async function handle(cmd: Command, arrivedAt: number): Promise<void> {
  switch (cmd.type) {
    case 'load':
      await ensureEngine(cmd.id, cmd.engine, true);
      return;
    case 'start':
      return start(cmd, arrivedAt);
    case 'stop': {
      const current = capturing;
      if (!current) {
        // A discard already cut short what was finishing (onLine).
        if (cmd.discard) return;
        return error(cmd.id, { code: 'not-running', message: 'Nothing to stop: no session is running.', hint: 'Send "start" first.', fatal: false });
      }
      capturing = undefined;
      // The next command (a start) waits neither for the engine's last final, which can take
      // seconds (a cloud's Termination), nor for a capture to close: a live capture is parked
      // until that final is out, and a start of the same source meanwhile continues it.
      await current.stopCapture(cmd.discard);
      const relay = relays.get(current);
      // Not after a discard (nothing follows a Cancel), nor when the recognition finished meanwhile.
      if (!cmd.discard && relay?.parked && openRelays.has(relay)) {
        const previous = parked;
        parked = relay;
        if (previous) await closeRelay(previous);
      }
      return;
    }
    case 'endUtterance':
      if (!capturing) return error(cmd.id, { code: 'not-running', message: 'No session is running.', hint: 'Send "start" first.', fatal: false });
      return capturing.endUtterance();
    case 'listDevices':
      emit(cmd.id, { type: 'devices', ...(await listDevices()) });
      return;
    case 'yardstick':
      try {
        return emit(cmd.id, { type: 'yardstick', vadRtf: measureVadRtf() });
      } catch (e) {
        if (!(e instanceof VoxnoteError)) throw e;
        return error(cmd.id, { code: e.code, message: e.message, hint: e.hint, fatal: false });
      }
    case 'recluster':
      // After the sessions' last finals (a stop is answered before them), so every final is in the track.
      await Promise.all([...unfinished].filter((r) => r !== capturing).map((r) => r.done));
      return emit(cmd.id, { type: 'speakers', labels: await reclusterKeptTrack() });
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
  const arrivedAt = performance.now();
  queue = queue.then(() => handle(cmd, arrivedAt)).catch((e: Error) => error(cmd.id, { code: 'internal', message: e.message, hint: 'Restart Voxnote.', fatal: false }));
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
