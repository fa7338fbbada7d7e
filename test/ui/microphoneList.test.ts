// The Select Microphone list from real-shaped device reports: Linux (PulseAudio
// plus the PortAudio addon), Windows and macOS (PvRecorder).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeviceInfo } from '../../src/shared/protocol';
import { distinctDevices, hasSystemAudio, microphoneChoices } from '../../src/ui/microphoneList';

const dev = (backend: DeviceInfo['backend'], kind: DeviceInfo['kind'], name: string, description = name, isDefault = false): DeviceInfo =>
  ({ backend, kind, name, description, isDefault });

// What listDevices reports on a Linux desktop with naudiodon built (as in test/worker/devices.test.ts).
const LINUX: DeviceInfo[] = [
  dev('pulse', 'system', 'alsa_output.pci-0000_00_1f.3.analog-stereo.monitor', 'Monitor of Built-in Audio Analog Stereo', true),
  dev('pulse', 'mic', 'alsa_input.pci-0000_00_1f.3.analog-stereo', 'Built-in Audio Analog Stereo', true),
  dev('pulse', 'mic', 'alsa_input.usb-Blue_Yeti-00.analog-stereo', 'Yeti Stereo Microphone Analog Stereo'),
  dev('portaudio', 'mic', 'pulse', 'pulse (ALSA)'),
  dev('portaudio', 'mic', 'default', 'default (ALSA)', true),
  dev('portaudio', 'mic', 'HDA Intel PCH: ALC3246 Analog (hw:0,0)', 'HDA Intel PCH: ALC3246 Analog (hw:0,0) (ALSA)'),
];
const WINDOWS: DeviceInfo[] = [
  dev('pvrecorder', 'mic', 'Microphone (Realtek(R) Audio)', 'Microphone (Realtek(R) Audio)', true),
  dev('pvrecorder', 'system', 'Stereo Mix (Realtek(R) Audio)'),
  dev('pvrecorder', 'mic', 'Headset Microphone (Jabra EVOLVE 20)'),
];
const MAC: DeviceInfo[] = [dev('pvrecorder', 'mic', 'MacBook Pro Microphone', 'MacBook Pro Microphone', true), dev('pvrecorder', 'system', 'BlackHole 2ch')];

test('Linux: one entry per device, PortAudio aliases of the default dropped, the default marked once, monitors apart', () => {
  const choices = microphoneChoices(LINUX, 'linux', '');
  assert.deepEqual(choices.map((c) => [c.label, c.description ?? '']), [
    ['$(mic) System default', 'now Built-in Audio Analog Stereo · selected'],
    ['Built-in Audio Analog Stereo', 'default · PulseAudio/PipeWire'],
    ['Yeti Stereo Microphone Analog Stereo', 'PulseAudio/PipeWire'],
    ['HDA Intel PCH: ALC3246 Analog (hw:0,0) (ALSA)', 'PortAudio'],
    ['System audio', ''],
    ['$(device-desktop) Monitor of Built-in Audio Analog Stereo', 'default · PulseAudio/PipeWire'],
  ]);
  const micDefaults = choices.filter((c) => c.device && !c.label.startsWith('$(device-desktop)') && /^default\b/.test(c.description ?? ''));
  assert.equal(micDefaults.length, 1, 'one default microphone');
  assert.ok(choices[4].separator);
  assert.match(choices[5].detail ?? '', /^System audio: what the computer plays/);
  // The mixed list says which back-end reaches each device, and picking pins it (or returns to auto).
  assert.deepEqual(choices.map((c) => c.backend), ['auto', 'auto', 'auto', 'portaudio', undefined, 'auto']);
});

test('one back-end: no back-end names and nothing to pin', () => {
  const linuxPulseOnly = LINUX.filter((d) => d.backend === 'pulse');
  const choices = microphoneChoices(linuxPulseOnly, 'linux', 'alsa_input.usb-Blue_Yeti-00.analog-stereo');
  assert.deepEqual(choices.map((c) => c.description ?? ''), ['now Built-in Audio Analog Stereo', 'default', 'selected', '', 'default']);
  assert.ok(choices.every((c) => c.backend === undefined));
  assert.equal(choices[1].detail, 'alsa_input.pci-0000_00_1f.3.analog-stereo', 'the name to type in settings');
});

test('Windows and macOS: Stereo Mix and BlackHole are listed apart as system audio', () => {
  const win = microphoneChoices(WINDOWS, 'win32');
  assert.deepEqual(win.map((c) => c.label), [
    '$(mic) System default', 'Microphone (Realtek(R) Audio)', 'Headset Microphone (Jabra EVOLVE 20)', 'System audio', '$(device-desktop) Stereo Mix (Realtek(R) Audio)',
  ]);
  assert.equal(win[4].device, 'Stereo Mix (Realtek(R) Audio)');
  assert.equal(win[4].detail, 'System audio: what the computer plays');
  const mac = microphoneChoices(MAC, 'darwin');
  assert.deepEqual(mac.map((c) => c.label), ['$(mic) System default', 'MacBook Pro Microphone', 'System audio', '$(device-desktop) BlackHole 2ch']);
  assert.ok(hasSystemAudio(MAC));
  assert.ok(!hasSystemAudio(MAC.filter((d) => d.kind === 'mic')));
});

test('a device two back-ends both see is listed once, from the platform\'s own back-end', () => {
  const both = [...WINDOWS, dev('portaudio', 'mic', 'Microphone (Realtek(R) Audio)', 'Microphone (Realtek(R) Audio)', true)];
  const list = distinctDevices(both, 'win32');
  assert.deepEqual(list.map((d) => `${d.backend}:${d.name}:${d.isDefault}`), [
    'pvrecorder:Microphone (Realtek(R) Audio):true',
    'pvrecorder:Stereo Mix (Realtek(R) Audio):false',
    'pvrecorder:Headset Microphone (Jabra EVOLVE 20):false',
  ]);
  // With PortAudio's own default and none from PvRecorder, no second default appears.
  const paDefault = [...WINDOWS.map((d) => ({ ...d, isDefault: false })), dev('portaudio', 'mic', 'USB Mic', 'USB Mic', true)];
  assert.deepEqual(distinctDevices(paDefault, 'win32').filter((d) => d.isDefault), []);
});

test('no devices: only System default', () => {
  assert.deepEqual(microphoneChoices([], 'darwin').map((c) => c.label), ['$(mic) System default']);
});
