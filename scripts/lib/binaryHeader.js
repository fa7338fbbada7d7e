// @ts-check
/**
 * Reads what platform and CPU a native binary is for, from its header alone:
 * ELF (Linux), PE (Windows DLLs, .node addons) and Mach-O, including universal
 * ("fat") files with several architectures. Pure: give it the file's first
 * bytes. Used by the package check (natives.js) so a package never ships
 * another platform's library.
 */
'use strict';

/** Enough for every header we read: PE headers sit within the first KB, fat tables within the first 4 KB. */
const HEADER_BYTES = 64 * 1024;

/** e_machine → Node's process.arch */
/** @type {Record<number, string>} */
const ELF_MACHINES = { 0x03: 'ia32', 0x28: 'arm', 0x3e: 'x64', 0xb7: 'arm64', 0xf3: 'riscv64', 0x102: 'loong64' };
/** IMAGE_FILE_MACHINE_* → process.arch */
/** @type {Record<number, string>} */
const PE_MACHINES = { 0x014c: 'ia32', 0x01c4: 'arm', 0x8664: 'x64', 0xaa64: 'arm64' };
/** Mach-O cputype → process.arch (CPU_ARCH_ABI64 = 0x01000000) */
/** @type {Record<number, string>} */
const MACHO_CPUS = { 0x7: 'ia32', 0x01000007: 'x64', 0xc: 'arm', 0x0100000c: 'arm64' };

/**
 * @typedef {{ format: 'elf' | 'pe' | 'macho', platform: 'linux' | 'win32' | 'darwin', archs: string[] }} BinaryInfo
 */

/** @param {Record<number, string>} table @param {number} code */
const arch = (table, code) => table[code] ?? `unknown(0x${code.toString(16)})`;

/**
 * The platform and architectures of a binary, or undefined when `buf` starts
 * with no header we know (text, a zip, a truncated file).
 * @param {Buffer} buf the file's first bytes (HEADER_BYTES is enough)
 * @returns {BinaryInfo | undefined}
 */
function readBinaryHeader(buf) {
  if (buf.length >= 20 && buf.readUInt32BE(0) === 0x7f454c46) {
    const le = buf[5] === 1;
    const machine = le ? buf.readUInt16LE(18) : buf.readUInt16BE(18);
    return { format: 'elf', platform: 'linux', archs: [arch(ELF_MACHINES, machine)] };
  }
  if (buf.length >= 0x40 && buf.toString('latin1', 0, 2) === 'MZ') {
    const pe = buf.readUInt32LE(0x3c);
    if (pe + 6 > buf.length || buf.readUInt32BE(pe) !== 0x50450000) return undefined;
    return { format: 'pe', platform: 'win32', archs: [arch(PE_MACHINES, buf.readUInt16LE(pe + 4))] };
  }
  if (buf.length >= 8) {
    const le = buf.readUInt32LE(0);
    if (le === 0xfeedface || le === 0xfeedfacf) {
      return { format: 'macho', platform: 'darwin', archs: [arch(MACHO_CPUS, buf.readUInt32LE(4))] };
    }
    const be = buf.readUInt32BE(0);
    if (be === 0xfeedface || be === 0xfeedfacf) {
      return { format: 'macho', platform: 'darwin', archs: [arch(MACHO_CPUS, buf.readUInt32BE(4))] };
    }
    // Universal: big-endian fat_header, then fat_arch (20 bytes) or fat_arch_64 (32 bytes) entries.
    // Java class files share 0xcafebabe; their next word (a version, >= 45) is no plausible arch count.
    if (be === 0xcafebabe || be === 0xcafebabf) {
      const count = buf.readUInt32BE(4);
      const size = be === 0xcafebabe ? 20 : 32;
      if (count === 0 || count > 30 || 8 + count * size > buf.length) return undefined;
      const archs = [];
      for (let i = 0; i < count; i++) archs.push(arch(MACHO_CPUS, buf.readUInt32BE(8 + i * size)));
      return { format: 'macho', platform: 'darwin', archs };
    }
  }
  return undefined;
}

/**
 * Why `buf` cannot run on `platform`-`arch`, or undefined when it can.
 * @param {Buffer} buf @param {string} platform @param {string} wantedArch
 */
function binaryMismatch(buf, platform, wantedArch) {
  const info = readBinaryHeader(buf);
  if (!info) return 'not a native binary (no ELF, PE or Mach-O header)';
  const what = `${info.format.toUpperCase()} for ${info.platform}-${info.archs.join('+')}`;
  if (info.platform !== platform) return `${what}, not ${platform}`;
  if (!info.archs.includes(wantedArch)) return `${what}, not ${wantedArch}`;
  return undefined;
}

module.exports = { HEADER_BYTES, readBinaryHeader, binaryMismatch };
