/**
 * The worker process: reads commands from stdin, writes events to stdout, one
 * JSON object per line. stdout carries protocol lines only; logs go to stderr.
 * Started with process.execPath (ELECTRON_RUN_AS_NODE=1 under VS Code).
 */
import * as readline from 'readline';
import { VoxnoteError } from '../shared/errors';
import { checkModelFolder } from '../shared/modelFolder';
import { Command, encode, parseCommand, ProtocolError, WorkerEvent } from '../shared/protocol';
import { SAMPLE_RATE } from './audio/format';
import { listDevices } from './capture/devices';
import { openProtocolOut } from './protocolOut';
import { openCapture } from './capture/open';
import { Session } from './session';
import { VoskModel, VoskRecognizer } from './vosk';

// Anything a library prints must not corrupt the protocol stream.
console.log = console.info = console.debug = console.error;
const writeLine = openProtocolOut();

const emit = (event: WorkerEvent): void => writeLine(encode(event));

const error = (code: Extract<WorkerEvent, { type: 'error' }>['code'], message: string, hint: string, fatal = false) =>
  emit({ type: 'error', code, message, hint, fatal });

/** VOXNOTE_TRACE=1: per-chunk added latency on stderr, read by `npm run bench`. */
const trace = process.env.VOXNOTE_TRACE ? (ms: number) => process.stderr.write(`voxnote-trace ${ms.toFixed(4)}\n`) : undefined;

let model: VoskModel | undefined;
let session: Session | undefined;
/** Commands run one at a time, in order: a `stop` must not overtake the `start` before it. */
let queue: Promise<void> = Promise.resolve();

/** Loads (or reuses) the model; reports and returns undefined when it cannot. */
function ensureModel(modelPath: string): VoskModel | undefined {
  if (model?.path === modelPath) return model;
  const check = checkModelFolder(modelPath);
  if (!check.ok) {
    error('bad-model', check.message, check.hint, true);
    return undefined;
  }
  model?.free();
  model = undefined;
  const t0 = performance.now();
  const loaded = VoskModel.load(modelPath);
  if (!loaded) {
    error(
      'model-load-failed',
      `libvosk could not load the model at ${modelPath}; its files are damaged or from an incompatible version.`,
      'Download the model again, or choose another with "Voxnote: Select Model".',
      true,
    );
    return undefined;
  }
  model = loaded;
  emit({ type: 'ready', modelPath, loadMs: Math.round((performance.now() - t0) * 10) / 10 });
  return model;
}

async function start(cmd: Extract<Command, { type: 'start' }>): Promise<void> {
  if (session) return error('busy', 'A session is already running.', 'Send "stop" first.');
  const loaded = ensureModel(cmd.modelPath);
  if (!loaded) return;
  const options = cmd.options ?? {};
  let grammar: string[] | undefined;
  if (options.phrases?.length) {
    const check = checkModelFolder(cmd.modelPath);
    if (check.ok && check.supportsPhrases) grammar = options.phrases;
    else
      error(
        'phrases-unsupported',
        'This model has a fixed decoding graph, so the phrase list cannot restrict recognition; it is ignored.',
        'Use a small Vosk model (they support runtime phrase lists), or clear voxnote.phrases.',
      );
  }
  let recognizer: VoskRecognizer;
  try {
    recognizer = new VoskRecognizer(loaded, SAMPLE_RATE, { maxAlternatives: options.maxAlternatives, grammar });
  } catch (e) {
    return error('model-load-failed', (e as Error).message, 'Choose another model with "Voxnote: Select Model".', true);
  }
  const current = new Session(cmd.source, recognizer, options, emit, trace);
  session = current;
  void current.done.then(() => {
    if (session === current) session = undefined;
  });
  try {
    const capture = await current.open(openCapture);
    emit({ type: 'started', source: cmd.source.kind, backend: capture.backend, device: capture.device });
  } catch (e) {
    session = undefined;
    recognizer.free();
    if (e instanceof VoxnoteError) return error(e.code, e.message, e.hint, true);
    throw e;
  }
}

async function shutdown(): Promise<never> {
  await session?.stop();
  model?.free();
  process.exit(0);
}

async function handle(cmd: Command): Promise<void> {
  switch (cmd.type) {
    case 'load':
      ensureModel(cmd.modelPath);
      return;
    case 'start':
      return start(cmd);
    case 'stop':
      if (!session) return error('not-running', 'Nothing to stop: no session is running.', 'Send "start" first.');
      return session.stop();
    case 'endUtterance':
      if (!session) return error('not-running', 'No session is running.', 'Send "start" first.');
      return session.endUtterance();
    case 'listDevices':
      emit({ type: 'devices', ...(await listDevices()) });
      return;
    case 'shutdown':
      return shutdown();
  }
}

function onLine(line: string): void {
  if (!line.trim()) return;
  let cmd: Command;
  try {
    cmd = parseCommand(line);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return error('bad-command', `Ignored a bad command: ${e.message}`, 'See docs/protocol.md for the commands.');
  }
  queue = queue.then(() => handle(cmd)).catch((e: Error) => error('internal', e.message, 'Restart Voxnote.'));
}

process.on('uncaughtException', (e) => {
  error('internal', `Worker failure: ${e.message}`, 'Restart Voxnote; if it happens again, report it with the log.', true);
  process.exit(1);
});

readline.createInterface({ input: process.stdin, terminal: false }).on('line', onLine).on('close', () => {
  // stdin closed: the parent is gone. Flush and leave no capture process behind.
  queue = queue.then(shutdown);
});
