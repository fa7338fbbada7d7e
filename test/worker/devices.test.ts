import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { listDevices } from '../../src/worker/capture/devices';
import { PULSE_MISSING, pulseAvailable, startVirtualAudio, type VirtualAudio } from '../support/pulse';

let audio: VirtualAudio;
let tmp: string;

before(async () => {
  assert.ok(pulseAvailable(), PULSE_MISSING);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vxd-'));
  audio = await startVirtualAudio(tmp);
});

after(async () => {
  await audio?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('lists Pulse sources and monitors with their defaults, and the PortAudio inputs', async () => {
  const t = Date.now();
  const { devices, problems } = await listDevices();
  console.log(`listDevices took ${Date.now() - t} ms: ${devices.map((d) => `${d.backend}:${d.kind}:${d.name}${d.isDefault ? '*' : ''}`).join(' ')}`);
  assert.deepEqual(problems, []);
  const pulse = devices.filter((d) => d.backend === 'pulse');
  assert.deepEqual(
    pulse.map(({ kind, name, description, isDefault }) => ({ kind, name, description, isDefault })).sort((a, b) => a.name.localeCompare(b.name)),
    [
      { kind: 'system', name: 'micfeed.monitor', description: 'Monitor of MicFeed', isDefault: false },
      { kind: 'system', name: 'virt.monitor', description: 'Monitor of VirtualSpeaker', isDefault: true },
      { kind: 'mic', name: 'virtmic', description: 'VirtualMic', isDefault: true },
    ],
  );
  const pa = devices.filter((d) => d.backend === 'portaudio');
  assert.ok(pa.some((d) => d.name === 'pulse') && pa.some((d) => d.name === 'default'), pa.map((d) => d.name).join(', '));
  assert.ok(pa.every((d) => d.kind === 'mic'));
  assert.equal(pa.filter((d) => d.isDefault).length, 1, 'one PortAudio default input');
});

test('a back-end that is unavailable is a problem line, not an error', async () => {
  const saved = process.env.PULSE_SERVER;
  process.env.PULSE_SERVER = `unix:${path.join(tmp, 'nothing-here')}`;
  try {
    const { devices, problems } = await listDevices();
    assert.equal(devices.filter((d) => d.backend === 'pulse').length, 0);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /^pulse: No sound server is reachable/);
  } finally {
    process.env.PULSE_SERVER = saved;
  }

  const savedPath = process.env.PATH;
  process.env.PATH = fs.mkdtempSync(path.join(tmp, 'empty-'));
  try {
    const { problems } = await listDevices();
    assert.match(problems.join('\n'), /^pulse: pactl is not installed\. .*pulseaudio-utils/m);
  } finally {
    process.env.PATH = savedPath;
  }
});
