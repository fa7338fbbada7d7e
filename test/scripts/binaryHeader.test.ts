// The header reader on real binaries from node_modules: every format, platform
// and CPU the packages ship, plus universal Mach-O files and non-binaries.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { binaryMismatch, HEADER_BYTES, readBinaryHeader } from '../../scripts/lib/binaryHeader';

const ROOT = path.resolve(__dirname, '../../..');
const NM = path.join(ROOT, 'node_modules');
const head = (rel: string): Buffer => {
  const buf = fs.readFileSync(path.join(NM, rel));
  return buf.subarray(0, HEADER_BYTES);
};

const CASES: [string, string, string, string[]][] = [
  ['koffi/build/koffi/linux_x64/koffi.node', 'elf', 'linux', ['x64']],
  ['koffi/build/koffi/linux_arm64/koffi.node', 'elf', 'linux', ['arm64']],
  ['koffi/build/koffi/linux_ia32/koffi.node', 'elf', 'linux', ['ia32']],
  ['koffi/build/koffi/linux_armhf/koffi.node', 'elf', 'linux', ['arm']],
  ['koffi/build/koffi/linux_riscv64d/koffi.node', 'elf', 'linux', ['riscv64']],
  ['koffi/build/koffi/win32_x64/koffi.node', 'pe', 'win32', ['x64']],
  ['koffi/build/koffi/win32_ia32/koffi.node', 'pe', 'win32', ['ia32']],
  ['koffi/build/koffi/win32_arm64/koffi.node', 'pe', 'win32', ['arm64']],
  ['koffi/build/koffi/darwin_x64/koffi.node', 'macho', 'darwin', ['x64']],
  ['koffi/build/koffi/darwin_arm64/koffi.node', 'macho', 'darwin', ['arm64']],
  ['vosk/lib/win-x86_64/libvosk.dll', 'pe', 'win32', ['x64']],
  ['vosk/lib/linux-x86_64/libvosk.so', 'elf', 'linux', ['x64']],
  // Universal ("fat") files: one per architecture inside.
  ['vosk/lib/osx-universal/libvosk.dylib', 'macho', 'darwin', ['x64', 'arm64']],
  ['naudiodon/portaudio/bin/libportaudio.dylib', 'macho', 'darwin', ['ia32', 'x64']],
  ['@picovoice/pvrecorder-node/lib/windows/amd64/pv_recorder.node', 'pe', 'win32', ['x64']],
  ['@picovoice/pvrecorder-node/lib/windows/arm64/pv_recorder.node', 'pe', 'win32', ['arm64']],
  ['@picovoice/pvrecorder-node/lib/mac/x86_64/pv_recorder.node', 'macho', 'darwin', ['x64']],
  ['@picovoice/pvrecorder-node/lib/mac/arm64/pv_recorder.node', 'macho', 'darwin', ['arm64']],
  ['@picovoice/pvrecorder-node/lib/raspberry-pi/cortex-a72/pv_recorder.node', 'elf', 'linux', ['arm']],
];

test('reads format, platform and CPU of real binaries of every kind', () => {
  for (const [file, format, platform, archs] of CASES) {
    assert.deepEqual(readBinaryHeader(head(file)), { format, platform, archs }, file);
  }
});

test('binaryMismatch accepts the right target, names what is wrong otherwise', () => {
  assert.equal(binaryMismatch(head('vosk/lib/osx-universal/libvosk.dylib'), 'darwin', 'arm64'), undefined);
  assert.equal(binaryMismatch(head('vosk/lib/osx-universal/libvosk.dylib'), 'darwin', 'x64'), undefined);
  assert.equal(binaryMismatch(head('naudiodon/portaudio/bin/libportaudio.dylib'), 'darwin', 'arm64'), 'MACHO for darwin-ia32+x64, not arm64');
  assert.equal(binaryMismatch(head('koffi/build/koffi/linux_x64/koffi.node'), 'win32', 'x64'), 'ELF for linux-x64, not win32');
  assert.equal(binaryMismatch(head('koffi/build/koffi/win32_ia32/koffi.node'), 'win32', 'x64'), 'PE for win32-ia32, not x64');
  assert.equal(binaryMismatch(head('koffi/build/koffi/darwin_x64/koffi.node'), 'darwin', 'arm64'), 'MACHO for darwin-x64, not arm64');
});

test('text, archives, truncated headers and Java classes are not binaries', () => {
  assert.equal(readBinaryHeader(fs.readFileSync(path.join(ROOT, 'package.json'))), undefined);
  assert.equal(readBinaryHeader(Buffer.from('PK\x03\x04rest of a zip', 'latin1')), undefined);
  assert.equal(readBinaryHeader(head('koffi/build/koffi/win32_x64/koffi.node').subarray(0, 0x40)), undefined, 'PE header cut off');
  assert.equal(readBinaryHeader(Buffer.from('7f454c46', 'hex')), undefined, 'ELF magic alone');
  // A class file: 0xcafebabe, then minor/major version 0/52 (read as a count of 52).
  assert.equal(readBinaryHeader(Buffer.from('cafebabe00000034' + '00'.repeat(64), 'hex')), undefined);
  assert.equal(binaryMismatch(Buffer.from('hello'), 'linux', 'x64'), 'not a native binary (no ELF, PE or Mach-O header)');
});
