/**
 * Every input a person could pick, from both back-ends. A back-end that is not
 * available is a line in `problems`, not an error: the other may still work.
 */
import { VoxnoteError } from '../../shared/errors';
import type { DeviceInfo } from '../../shared/protocol';
import { loadNaudiodon, portAudioInputs } from './portaudio';
import { readPulseState } from './pulse';

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
    kind: 'mic',
    name: d.name,
    description: `${d.name} (${d.hostAPIName})`,
    isDefault: d.isDefault,
  }));
}

export async function listDevices(): Promise<{ devices: DeviceInfo[]; problems: string[] }> {
  const devices: DeviceInfo[] = [];
  const problems: string[] = [];
  try {
    devices.push(...(await pulseDevices()));
  } catch (e) {
    problems.push(`pulse: ${describe(e)}`);
  }
  try {
    devices.push(...portAudioDevices());
  } catch (e) {
    problems.push(`portaudio: ${describe(e)}`);
  }
  return { devices, problems };
}
