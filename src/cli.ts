#!/usr/bin/env node
/**
 * voxnote transcribe | listen | devices | speed — the engine from a terminal. It runs
 * the same worker as the extension, so a libvosk crash is reported, not fatal.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { CLI_ENGINES, CREDENTIALS, filesAtRealtimePace } from './shared/engines';
import { engineForModel } from './speech/engineSpec';
import type { SessionRequest, SpeechFinal, SpeechPartial } from './speech/speechSession';
import { SpeechService } from './speech/speechService';
import { measureMachine, measureSpeed } from './speech/speedTest';
import { catalogPath, loadCatalog } from './models/catalog';
import { speedMessage, speedVerdict } from './models/modelSpeed';
import { liveInstead } from './models/recommend';
import { checkModelFolder } from './shared/modelFolder';
import { CAPTURE_BACKENDS, isCaptureBackend, type DeviceInfo, type EngineSpec, type Source } from './shared/protocol';
import { systemAudioHelp } from './shared/systemAudio';
import { markdownLine, srtCue, VTT_HEADER, vttCue } from './shared/transcriptFormat';

const USAGE = `Usage:
  voxnote transcribe FILE [--model DIR | --engine assemblyai | --engine openai [--server-model NAME]]
                 [--format text|ndjson|srt|vtt|md] [--realtime] [--words]
  voxnote listen --source mic|system [--device NAME] [--backend pulse|portaudio|pvrecorder]
                 [--model DIR | --engine assemblyai | --engine openai [--server-model NAME]]
                 [--format text|ndjson] [--max-seconds N] [--words]
  voxnote devices [--json]
  voxnote speed [--model DIR] [--json]   whether the model keeps up with live dictation on this machine
The model folder may also come from the VOXNOTE_MODEL environment variable.
--engine assemblyai sends the audio to AssemblyAI's streaming service (cloud), files at real-time pace.
Its API key comes only from ASSEMBLYAI_API_KEY; ASSEMBLYAI_STREAMING_URL (a full wss:// URL) points
it at another endpoint, and NODE_EXTRA_CA_CERTS adds trusted certificates as Node does.
--engine openai sends the audio to a server that speaks OpenAI's audio API: OPENAI_BASE_URL (default
https://api.openai.com/v1; plain http:// only on this machine or a private network), its key only from
OPENAI_API_KEY (optional for a private server), VOXNOTE_SERVER_PROTOCOL auto|batch|realtime,
VOXNOTE_SERVER_LANGUAGE (e.g. en); --server-model names the server's model (default whisper-1).`;

class UsageError extends Error {}

const FORMATS = ['text', 'ndjson', 'srt', 'vtt', 'md'] as const;
type Format = (typeof FORMATS)[number];
const ENGINES = ['local', ...CLI_ENGINES.map((e) => e.value)];

type Printed = ({ type: 'partial' } & SpeechPartial) | ({ type: 'final' } & SpeechFinal);

const out = (s: string) => process.stdout.write(s);

/** Writes each result in the chosen format; a live partial rewrites one terminal line. */
function printer(format: Format, title: string): (e: Printed) => void {
  const live = format === 'text' && process.stdout.isTTY;
  let cues = 0;
  let partialShown = false;
  if (format === 'vtt') out(VTT_HEADER);
  if (format === 'md') out(`# Transcript: ${title}\n\n`);
  return (e) => {
    if (format === 'ndjson') return void out(JSON.stringify(e) + '\n');
    if (e.type === 'partial') {
      if (!live) return;
      const width = (process.stdout.columns || 80) - 1;
      out(`\r\x1b[2K\x1b[2m${e.text.slice(-width)}\x1b[0m`);
      partialShown = true;
      return;
    }
    if (partialShown) out('\r\x1b[2K');
    partialShown = false;
    if (format === 'text') out(e.text + '\n');
    else if (format === 'srt') out(srtCue(++cues, e));
    else if (format === 'vtt') out(vttCue(e));
    else out(markdownLine(e) + '\n');
  };
}

function newService(): SpeechService {
  return new SpeechService({
    workerPath: path.join(__dirname, 'worker.js'),
    // A key reaches the worker inside its start command only, not in its environment.
    env: Object.fromEntries(CREDENTIALS.map((c) => [c.env, undefined])),
    log: process.env.VOXNOTE_DEBUG ? (l) => process.stderr.write(`[worker] ${l}\n`) : undefined,
  });
}

/** Runs one session to its end; an error that ends it exits non-zero. */
async function runSession(request: SessionRequest & { source: Source }, format: Format, maxSeconds?: number): Promise<void> {
  const speech = newService();
  const { source } = request;
  const session = speech.createSession(request);
  const print = printer(format, source.kind === 'file' ? path.basename(source.path) : source.kind);
  session.onPartial((e) => print({ type: 'partial', ...e }));
  session.onFinal((e) => print({ type: 'final', ...e }));
  session.onError((e) => {
    if (!e.fatal) process.stderr.write(`voxnote: warning: ${e.message} ${e.hint}\n`);
    else if (e.restarting) process.stderr.write(`voxnote: warning: ${e.message} Restarting.\n`);
  });
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130); // a second Ctrl+C: leave now
    stopping = true;
    // A file is cancelled (what was decoded is printed, the rest dropped, within a second); live capture keeps its last words.
    void session.stop({ discard: source.kind === 'file' });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (maxSeconds !== undefined) setTimeout(stop, maxSeconds * 1000).unref();
  const end = await session.ended;
  await speech.shutdown();
  if (end.error) {
    process.stderr.write(`voxnote: ${end.error.message} ${end.error.hint}\n`);
    process.exit(1);
  }
}

function modelOption(value: string | undefined): string {
  const model = value ?? process.env.VOXNOTE_MODEL;
  if (!model) throw new UsageError('--model DIR is required (or set VOXNOTE_MODEL).');
  return path.resolve(model);
}

/** The engine: the model's (the folder says which), or a service's, its key from the environment only. */
function engineOption(values: { engine?: string; model?: string; 'server-model'?: string }): EngineSpec {
  const engine = values.engine ?? 'local';
  if (!ENGINES.includes(engine)) throw new UsageError(`--engine must be one of: ${ENGINES.join(', ')}.`);
  if (engine !== 'openai' && values['server-model']) throw new UsageError('--server-model goes with --engine openai.');
  if (engine === 'local') {
    const model = modelOption(values.model);
    const check = checkModelFolder(model);
    // A folder that fails the check goes to the worker, which says what is wrong with it.
    return check.ok ? engineForModel(model, check) : { kind: 'vosk', model };
  }
  if (values.model) throw new UsageError(`--model and --engine ${engine} exclude each other.`);
  const built = CLI_ENGINES.find((e) => e.value === engine)!.fromEnv(process.env, { serverModel: values['server-model'] });
  if ('problem' in built) throw new UsageError(built.problem.message);
  return built.spec;
}

function formatOption(value: string | undefined, allowed: readonly Format[]): Format {
  const format = (value ?? 'text') as Format;
  if (!allowed.includes(format)) throw new UsageError(`--format must be one of: ${allowed.join(', ')}.`);
  return format;
}

async function devices(json: boolean): Promise<void> {
  const speech = newService();
  const { devices, problems } = await speech.listDevices().finally(() => speech.shutdown());
  if (json) return void out(JSON.stringify({ devices, problems }, null, 2) + '\n');
  const line = (d: DeviceInfo) => `  ${d.isDefault ? '*' : ' '} [${d.backend}] ${d.name}${d.description !== d.name ? `  (${d.description})` : ''}\n`;
  out('Microphones:\n' + devices.filter((d) => d.kind === 'mic').map(line).join(''));
  const system = devices.filter((d) => d.kind === 'system');
  out('System audio (what the computer plays):\n' + (system.map(line).join('') || `  none. ${systemAudioHelp(process.platform)}\n`));
  for (const p of problems) out(`note: ${p}\n`);
}

/** Test Model Speed from a terminal: the same measurement and verdict as the command, nothing recorded. */
async function speed(values: { model?: string }, json: boolean): Promise<void> {
  const model = modelOption(values.model);
  const check = checkModelFolder(model);
  if (!check.ok) throw new Error(`${check.message} ${check.hint}`);
  const speech = newService();
  const abort = new AbortController();
  process.on('SIGINT', () => abort.abort());
  const name = path.basename(model);
  const catalog = loadCatalog(catalogPath(path.join(__dirname, '..', 'models', 'catalog.json')));
  const measured = async () => {
    const m = await measureSpeed({ speech, engine: engineForModel(model, check), clip: path.join(__dirname, '..', 'media', 'speed-test', 'speech.wav'), signal: abort.signal });
    if (!m || speedVerdict(m.rtf) === 'live') return { m };
    // Too slow: the machine's yardstick estimates which catalogue model would keep up (none when it cannot be measured).
    const vadRtf = await measureMachine(speech).catch(() => undefined);
    return { m, pick: liveInstead(catalog, name, new Map([[name, m.rtf]]), vadRtf) };
  };
  const { m, pick } = await measured().finally(() => speech.shutdown());
  if (!m) process.exit(130);
  const message = speedMessage(name, m.rtf, pick);
  if (json) return void out(JSON.stringify({ model: name, verdict: speedVerdict(m.rtf), message, ...(pick ? { pick } : {}), ...m }) + '\n');
  out(`${message}\n${m.audioSeconds.toFixed(1)} s of speech decoded in ${m.decodeSeconds.toFixed(2)} s with ${m.threads} thread(s) (real-time factor ${m.rtf.toFixed(3)}); the model loaded in ${m.loadSeconds.toFixed(1)} s.\n`);
}

// No level events: nothing here shows them, and at ten a second they were a share of a short session's CPU.
const sessionOptions = (format: Format, words: boolean) => ({ words, partials: format === 'ndjson' || !!process.stdout.isTTY, levels: false });

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === 'help' || rest.includes('--help')) return void out(USAGE + '\n');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      engine: { type: 'string' },
      'server-model': { type: 'string' },
      format: { type: 'string' },
      source: { type: 'string' },
      device: { type: 'string' },
      backend: { type: 'string' },
      'max-seconds': { type: 'string' },
      realtime: { type: 'boolean', default: false },
      words: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  switch (command) {
    case 'transcribe': {
      if (positionals.length !== 1) throw new UsageError('transcribe takes one audio file.');
      const format = formatOption(values.format, FORMATS);
      const engine = engineOption(values);
      // A streaming service expects live audio: the file plays at real-time pace.
      const realtime = values.realtime || filesAtRealtimePace(engine);
      const source: Source = { kind: 'file', path: path.resolve(positionals[0]), realtime };
      return runSession({ engine, source, purpose: 'transcription', options: sessionOptions(format, values.words) }, format);
    }
    case 'listen': {
      if (values.source !== 'mic' && values.source !== 'system') throw new UsageError('--source must be mic or system.');
      if (values.backend !== undefined && !isCaptureBackend(values.backend)) {
        throw new UsageError(`--backend must be one of: ${CAPTURE_BACKENDS.join(', ')}.`);
      }
      const maxSeconds = values['max-seconds'] === undefined ? undefined : Number(values['max-seconds']);
      if (maxSeconds !== undefined && !(maxSeconds > 0)) throw new UsageError('--max-seconds must be a positive number.');
      const format = formatOption(values.format, ['text', 'ndjson']);
      const source: Source = { kind: values.source, device: values.device, backend: values.backend };
      return runSession({ engine: engineOption(values), source, purpose: 'cli', options: sessionOptions(format, values.words) }, format, maxSeconds);
    }
    case 'devices':
      return devices(values.json);
    case 'speed':
      return speed(values, values.json);
    default:
      throw new UsageError(command ? `unknown command "${command}".` : 'no command given.');
  }
}

main(process.argv.slice(2)).catch((e: Error) => {
  const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`voxnote: ${e.message}${usage ? ' Run "voxnote --help" for usage.' : ''}\n`);
  process.exit(2);
});
