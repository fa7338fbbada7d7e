/**
 * Every input a person could pick, from each back-end this platform has. A
 * back-end that is not available is a line in `problems`, not an error: another
 * may still work. The pickers and `voxnote devices` decide what to show.
 */
import * as fs from 'node:fs';
import { VoxnoteError } from '../../shared/errors';
import type { DeviceInfo } from '../../shared/protocol';
import { loadNaudiodon, naudiodonAddonPath, portAudioInputs } from './portaudio';
import { readPulseState } from './pulse';
import { loadPvRecorder, pvRecorderInputs } from './pvrecorder';
import { isSystemAudioInput } from '../../shared/systemAudio';

function describe(e: unknown): string {
  return e instanceof VoxnoteError ? `${e.message}. ${e.hint}` : String((e as Error)?.message ?? e);
}

async function pulseDevices(): Promise<DeviceInfo[]> {
  const state = await readPulseState();
  const defaultMonitor = state.sources.find((s) => s.monitorOf !== undefined && s.monitorOf === state.defaultSink)?.name;
  return state.sources.map((s) => ({
    backend: 'pulse',
    kind: s.monitorOf !== undefined ? 'system' : 'mic',
    name: s.name,
    description: s.description || s.name,
    isDefault: s.monitorOf !== undefined ? s.name === defaultMonitor : s.name === state.defaultSource,
  }));
}

function portAudioDevices(): DeviceInfo[] {
  return portAudioInputs(loadNaudiodon()).map((d) => ({
    backend: 'portaudio',
    kind: isSystemAudioInput(d.name) ? 'system' : 'mic',
    name: d.name,
    description: `${d.name} (${d.hostAPIName})`,
    isDefault: d.isDefault,
  }));
}

function pvRecorderDevices(): DeviceInfo[] {
  return pvRecorderInputs(loadPvRecorder()).map((d) => ({
    backend: 'pvrecorder',
    kind: isSystemAudioInput(d.name) ? 'system' : 'mic',
    name: d.name,
    description: d.name,
    isDefault: d.isDefault,
  }));
}

/** PortAudio is optional (naudiodon's addon is built only on a developer's own platform): absent is not a problem. */
function portAudioPresent(): boolean {
  try {
    return fs.existsSync(naudiodonAddonPath());
  } catch {
    return false;
  }
}

export async function listDevices(): Promise<{ devices: DeviceInfo[]; problems: string[] }> {
  const devices: DeviceInfo[] = [];
  const problems: string[] = [];
  const add = async (backend: string, list: () => DeviceInfo[] | Promise<DeviceInfo[]>): Promise<boolean> => {
    try {
      devices.push(...(await list()));
      return true;
    } catch (e) {
      problems.push(`${backend}: ${describe(e)}`);
      return false;
    }
  };
  // Linux captures through the sound server; PvRecorder is its fallback, as in open.ts.
  const pulseWorks = process.platform === 'linux' && (await add('pulse', pulseDevices));
  if (!pulseWorks) await add('pvrecorder', pvRecorderDevices);
  if (portAudioPresent()) await add('portaudio', portAudioDevices);
  return { devices, problems };
}
