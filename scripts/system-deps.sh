#!/usr/bin/env bash
# Debian packages the tests need: a private PulseAudio server with virtual
# devices (pulseaudio, pulseaudio-utils for parec/paplay/pactl) and the ALSA
# plugin through which PortAudio (naudiodon) reaches it; ffmpeg, which
# Transcribe Audio File uses for recordings that are not WAV; bzip2, with which the
# tests write .tar.bz2 model archives.
set -euo pipefail
need=()
command -v pulseaudio >/dev/null || need+=(pulseaudio)
command -v parec >/dev/null && command -v pactl >/dev/null || need+=(pulseaudio-utils)
[ -e /usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so ] || [ "$(uname -m)" != x86_64 ] || need+=(libasound2-plugins)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v bzip2 >/dev/null || need+=(bzip2)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "voxnote tests need these Debian packages: ${need[*]}" >&2
  echo "install them with: sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi
echo "installing ${need[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
