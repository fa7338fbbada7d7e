/**
 * Which capture inputs carry system audio (what the speakers play) rather than
 * a microphone. PulseAudio/PipeWire says so itself (a monitor source); on
 * Windows and macOS an input is only a name, so known loopback inputs are
 * recognised by name: Windows' "Stereo Mix" (and vendors' names for it) and
 * virtual cables, macOS's BlackHole, Rogue Amoeba's Loopback, Soundflower and
 * Background Music.
 */

const SYSTEM_AUDIO_NAMES: Record<string, RegExp> = {
  win32: /stereo ?mix|what ?u ?hear|wave ?out ?mix|\bloopback\b|cable output|vb-audio|voicemeeter out/i,
  darwin: /blackhole|\bloopback\b|soundflower|background music|vb-cable|cable output/i,
  // Linux inputs come from the sound server (monitors); this only labels a PortAudio/pvrecorder name.
  linux: /^monitor of |\.monitor$/i,
};

/** True when an input of this name on `platform` plays back what the computer plays. */
export function isSystemAudioInput(name: string, platform: NodeJS.Platform = process.platform): boolean {
  return SYSTEM_AUDIO_NAMES[platform]?.test(name) ?? false;
}

/** What to do when a platform has no system-audio input, in plain words (also in the README). */
export function systemAudioHelp(platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'win32':
      return 'Enable "Stereo Mix" (Sound settings > More sound settings > Recording, right-click, Show Disabled Devices, Enable), ' +
        'or install a virtual cable such as VB-CABLE and set it as the output; then choose it with Voxnote: Select Microphone or voxnote.systemAudio.device.';
    case 'darwin':
      return 'Install BlackHole (free: brew install blackhole-2ch) or Loopback, then in Audio MIDI Setup create a Multi-Output Device ' +
        'with your speakers and BlackHole and make it the output; Voxnote then lists BlackHole as system audio.';
    default:
      return 'System audio is the monitor of an output (PulseAudio/PipeWire); check `pactl list sources short` shows a ".monitor" source.';
  }
}
