/**
 * The decode-cost knob, calibrated on this machine: the seconds of decode per
 * audio second that one cost layer adds differ by CPU (0.0023 for sherpa-onnx's
 * offline model on one Xeon here, 0.0011 on another with AVX-512) and by model kind, so a model meant to cost
 * 1 s per audio second must be sized by measurement, not by a constant.
 * `voxnote speed` (Voxnote's own measurement, its thread settings) times a
 * model without and with CALIBRATION_LAYERS; the figure is kept per CPU and
 * library version under `.cache/`, so a machine measures once.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSherpaToneModel, type SherpaToneKind } from './sherpaToneModel';
import { buildToneModel } from './toneModel';
import { CLI, ROOT, tempDir } from './worker';

/** sherpa-onnx's offline and streaming models differ: 0.0011 and 0.0027 s per layer on the AVX-512 Xeon. */
type Engine = 'sherpa-offline' | 'sherpa-streaming' | 'vosk';
const CALIBRATION_LAYERS = 64;
const CACHE = path.join(ROOT, '.cache', 'cost-calibration.json');

function build(engine: Engine, layers: number): string {
  const dir = tempDir(`calibrate-${engine}-${layers}`);
  if (engine !== 'vosk') return buildSherpaToneModel(dir, engine === 'sherpa-offline' ? 'offline' : 'streaming', { costLayers: layers });
  buildToneModel(dir, { costLayers: layers });
  return dir;
}

/** The best of two `voxnote speed` runs: the machine is shared, and other work only ever adds time. */
function rtf(model: string): number {
  const once = () => (JSON.parse(execFileSync(process.execPath, [CLI, 'speed', '--model', model, '--json'], { encoding: 'utf8' })) as { rtf: number }).rtf;
  return Math.min(once(), once());
}

/** CPUs of one model name differ in vector units (AVX-512, AMX), so Linux's CPU flags are part of the key. */
function machineKey(engine: Engine): string {
  const versions = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const flags = createHash('sha1').update(/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? '').digest('hex').slice(0, 8);
  const library = engine === 'vosk' ? versions.dependencies.vosk : versions.dependencies['sherpa-onnx-node'];
  return [engine, os.cpus()[0]?.model ?? 'cpu', flags, os.cpus().length, library].join(' | ');
}

const measured = new Map<Engine, number>();

/** Decode seconds per audio second that one cost layer adds on this machine. */
function secondsPerCostLayer(engine: Engine): number {
  const known = measured.get(engine);
  if (known !== undefined) return known;
  const key = machineKey(engine);
  const cache = (fs.existsSync(CACHE) ? JSON.parse(fs.readFileSync(CACHE, 'utf8')) : {}) as Record<string, number>;
  let perLayer = cache[key];
  if (perLayer === undefined) {
    perLayer = Math.max(1e-5, (rtf(build(engine, CALIBRATION_LAYERS)) - rtf(build(engine, 0))) / CALIBRATION_LAYERS);
    fs.mkdirSync(path.dirname(CACHE), { recursive: true });
    fs.writeFileSync(CACHE, JSON.stringify({ ...cache, [key]: perLayer }, null, 2));
    console.log(`# cost knob, measured here: ${perLayer.toFixed(5)} s per audio second per ${engine} cost layer (${key})`);
  }
  measured.set(engine, perLayer);
  return perLayer;
}

const layersFor = (secondsPerAudioSecond: number, engine: Engine): number => Math.max(0, Math.round(secondsPerAudioSecond / secondsPerCostLayer(engine)));
/** Layers for a target decode cost in seconds per audio second (e.g. 0.02, 0.1, 0.3) of a sherpa-onnx tone model of this kind. */
export const sherpaCostLayers = (secondsPerAudioSecond: number, kind: SherpaToneKind): number => layersFor(secondsPerAudioSecond, `sherpa-${kind}`);
/** Layers for a target decode cost in seconds per audio second, libvosk. */
export const voskCostLayers = (secondsPerAudioSecond: number): number => layersFor(secondsPerAudioSecond, 'vosk');
