#!/usr/bin/env node
/**
 * voxnote transcribe | listen | devices — the engine from a terminal. It runs
 * the same worker as the extension, so a libvosk crash is reported, not fatal.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { engineFor } from './shared/modelFolder';
import { WorkerClient } from './speech/workerClient';
import type { DeviceInfo, EventOf, Source, WorkerEvent } from './shared/protocol';
import { markdownLine, srtCue, VTT_HEADER, vttCue } from './shared/transcriptFormat';

const USAGE = `Usage:
  voxnote transcribe FILE --model DIR [--format text|ndjson|srt|vtt|md] [--realtime] [--words]
  voxnote listen --source mic|system [--device NAME] [--backend pulse|portaudio] --model DIR
                 [--format text|ndjson] [--max-seconds N] [--words]
  voxnote devices [--json]
The model folder may also come from the VOXNOTE_MODEL environment variable.`;

class UsageError extends Error {}

const FORMATS = ['text', 'ndjson', 'srt', 'vtt', 'md'] as const;
type Format = (typeof FORMATS)[number];

const out = (s: string) => process.stdout.write(s);

/** Writes each event in the chosen format; a live partial rewrites one terminal line. */
function printer(format: Format, title: string): (e: WorkerEvent) => void {
  const live = format === 'text' && process.stdout.isTTY;
  let cues = 0;
  let partialShown = false;
  if (format === 'vtt') out(VTT_HEADER);
  if (format === 'md') out(`# Transcript: ${title}\n\n`);
  return (e) => {
    if (format === 'ndjson') {
      if (e.type === 'partial' || e.type === 'final') out(JSON.stringify(e) + '\n');
      return;
    }
    if (e.type === 'partial' && live) {
      const width = (process.stdout.columns || 80) - 1;
      out(`\r\x1b[2K\x1b[2m${e.text.slice(-width)}\x1b[0m`);
      partialShown = true;
    }
    if (e.type !== 'final') return;
    if (partialShown) out('\r\x1b[2K');
    partialShown = false;
    if (format === 'text') out(e.text + '\n');
    else if (format === 'srt') out(srtCue(++cues, e));
    else if (format === 'vtt') out(vttCue(e));
    else out(markdownLine(e) + '\n');
  };
}

function fail(e: EventOf<'error'>): never {
  process.stderr.write(`voxnote: ${e.message} ${e.hint}\n`);
  process.exit(1);
}

function newClient(): WorkerClient {
  return new WorkerClient({
    workerPath: path.join(__dirname, 'worker.js'),
    log: process.env.VOXNOTE_DEBUG ? (l) => process.stderr.write(`[worker] ${l}\n`) : undefined,
  });
}

/** Runs one session to its `stopped` event; fatal errors exit non-zero. */
async function runSession(source: Source, modelPath: string, format: Format, words: boolean, maxSeconds?: number) {
  const client = newClient();
  const print = printer(format, source.kind === 'file' ? path.basename(source.path) : source.kind);
  let stopping = false;
  const stop = () => {
    if (stopping) {
      process.exit(130); // a second Ctrl+C: leave now
    }
    stopping = true;
    client.send({ type: 'stop' });
  };
  const finished = new Promise<void>((resolve) => {
    client.onEvent((e) => {
      if (e.type === 'error') {
        if (e.fatal) fail(e);
        process.stderr.write(`voxnote: warning: ${e.message} ${e.hint}\n`);
      }
      if (e.type === 'stopped') resolve();
      print(e);
    });
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (maxSeconds !== undefined) setTimeout(stop, maxSeconds * 1000).unref();
  client.send({ type: 'start', engine: engineFor(modelPath), source, options: { words, partials: format === 'ndjson' || process.stdout.isTTY } });
  await finished;
  await client.shutdown();
}

function modelOption(value: string | undefined): string {
  const model = value ?? process.env.VOXNOTE_MODEL;
  if (!model) throw new UsageError('--model DIR is required (or set VOXNOTE_MODEL).');
  return path.resolve(model);
}

function formatOption(value: string | undefined, allowed: readonly Format[]): Format {
  const format = (value ?? 'text') as Format;
  if (!allowed.includes(format)) throw new UsageError(`--format must be one of: ${allowed.join(', ')}.`);
  return format;
}

async function devices(json: boolean): Promise<void> {
  const client = newClient();
  const reply = client.next('devices');
  client.send({ type: 'listDevices' });
  const { devices, problems } = await reply;
  await client.shutdown();
  if (json) return void out(JSON.stringify({ devices, problems }, null, 2) + '\n');
  const line = (d: DeviceInfo) => `  ${d.isDefault ? '*' : ' '} [${d.backend}] ${d.name}${d.description !== d.name ? `  (${d.description})` : ''}\n`;
  out('Microphones:\n' + devices.filter((d) => d.kind === 'mic').map(line).join(''));
  out('System audio (monitors):\n' + devices.filter((d) => d.kind === 'system').map(line).join(''));
  for (const p of problems) out(`note: ${p}\n`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === 'help' || rest.includes('--help')) return void out(USAGE + '\n');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
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
      const source: Source = { kind: 'file', path: path.resolve(positionals[0]), realtime: values.realtime };
      return runSession(source, modelOption(values.model), format, values.words);
    }
    case 'listen': {
      if (values.source !== 'mic' && values.source !== 'system') throw new UsageError('--source must be mic or system.');
      if (values.backend !== undefined && values.backend !== 'pulse' && values.backend !== 'portaudio') {
        throw new UsageError('--backend must be pulse or portaudio.');
      }
      const maxSeconds = values['max-seconds'] === undefined ? undefined : Number(values['max-seconds']);
      if (maxSeconds !== undefined && !(maxSeconds > 0)) throw new UsageError('--max-seconds must be a positive number.');
      const format = formatOption(values.format, ['text', 'ndjson']);
      const source: Source = { kind: values.source, device: values.device, backend: values.backend };
      return runSession(source, modelOption(values.model), format, values.words, maxSeconds);
    }
    case 'devices':
      return devices(values.json);
    default:
      throw new UsageError(command ? `unknown command "${command}".` : 'no command given.');
  }
}

main(process.argv.slice(2)).catch((e: Error) => {
  const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`voxnote: ${e.message}${usage ? ' Run "voxnote --help" for usage.' : ''}\n`);
  process.exit(2);
});
