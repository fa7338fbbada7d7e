/**
 * The microphone list people pick from, built from the worker's device report:
 * one entry per device (a device two back-ends both see is listed once, and
 * back-ends' aliases of "the default" are left to the System default entry),
 * the default marked once, system-audio inputs apart and labelled, and the
 * back-end named only when the list mixes back-ends. Pure: no VS Code API.
 */
import { CAPTURE_BACKENDS, defaultBackend, type CaptureBackend, type DeviceInfo } from '../shared/protocol';

export interface DeviceChoice {
  label: string;
  description?: string;
  detail?: string;
  /** Settings to store: '' follows the system default. Absent on separators. */
  device?: string;
  /** voxnote.audio.backend to store with it, only in lists that mix back-ends ('auto': the platform's own). */
  backend?: CaptureBackend | 'auto';
  separator?: true;
}

/** PortAudio's and ALSA's names for "whatever the system default is", not devices of their own. */
const DEFAULT_ALIASES = new Set(['default', 'pulse', 'sysdefault', 'pipewire']);

const BACKEND_LABELS: Record<CaptureBackend, string> = { pulse: 'PulseAudio/PipeWire', portaudio: 'PortAudio', pvrecorder: 'PvRecorder' };

const key = (d: DeviceInfo): string => d.description.trim().toLowerCase();

/** The devices to offer, in back-end order (the platform's own first), each device once. */
export function distinctDevices(devices: DeviceInfo[], platform: string): DeviceInfo[] {
  const primary = defaultBackend(platform);
  const order = [primary, ...CAPTURE_BACKENDS.filter((b) => b !== primary)];
  const seen = new Set<string>();
  const out: DeviceInfo[] = [];
  for (const backend of order) {
    for (const d of devices.filter((x) => x.backend === backend)) {
      if (DEFAULT_ALIASES.has(d.name.toLowerCase()) || seen.has(key(d))) continue;
      seen.add(key(d));
      out.push(d);
    }
  }
  // The first back-end with devices is the one "auto" uses, so only its default is the default.
  return out.map((d) => ({ ...d, isDefault: d.isDefault && d.backend === out[0].backend }));
}

/**
 * Entries for Select Microphone: "System default", the microphones, then the
 * system-audio inputs under their own separator. `current` is the configured
 * device name ('' or undefined: the default).
 */
export function microphoneChoices(devices: DeviceInfo[], platform: string, current?: string): DeviceChoice[] {
  const list = distinctDevices(devices, platform);
  const backends = new Set(list.map((d) => d.backend));
  const mixed = backends.size > 1;
  const primary = list[0]?.backend;
  const defaultMic = list.find((d) => d.kind === 'mic' && d.isDefault);
  const entry = (d: DeviceInfo): DeviceChoice => {
    const notes = [d.isDefault ? 'default' : '', d.name === current ? 'selected' : '', mixed ? BACKEND_LABELS[d.backend] : ''].filter(Boolean);
    return {
      label: d.kind === 'system' ? `$(device-desktop) ${d.description}` : d.description,
      description: notes.join(' · ') || undefined,
      detail: d.kind === 'system' ? `System audio: what the computer plays${d.name !== d.description ? ` (${d.name})` : ''}` : d.name !== d.description ? d.name : undefined,
      device: d.name,
      backend: mixed ? (d.backend === primary ? 'auto' : d.backend) : undefined,
    };
  };
  const mics = list.filter((d) => d.kind === 'mic');
  const system = list.filter((d) => d.kind === 'system');
  return [
    {
      label: '$(mic) System default',
      description: [defaultMic ? `now ${defaultMic.description}` : 'follow the default input', !current ? 'selected' : ''].filter(Boolean).join(' · '),
      device: '',
      backend: mixed ? 'auto' : undefined,
    },
    ...mics.map(entry),
    ...(system.length ? [{ label: 'System audio', separator: true as const }, ...system.map(entry)] : []),
  ];
}

/** True when some input carries system audio (a monitor, Stereo Mix, BlackHole…). */
export const hasSystemAudio = (devices: DeviceInfo[]): boolean => devices.some((d) => d.kind === 'system');
