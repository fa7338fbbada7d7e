#!/usr/bin/env bash
# Builds naudiodon's N-API addon (the PortAudio capture back-end). npm runs no
# dependency install scripts here (.npmrc), because vosk's ffi-napi cannot
# build on Node 20; naudiodon ships PortAudio itself but not the addon, so it
# is built explicitly, against this Node's own headers (no download).
set -euo pipefail
cd "$(dirname "$0")/.."
addon=node_modules/naudiodon/build/Release/naudiodon.node
[ -f "$addon" ] && exit 0
nodedir="$(dirname "$(dirname "$(command -v node)")")"
[ -f "$nodedir/include/node/node_api.h" ] || nodedir="${npm_config_nodedir:-}"
if [ -z "$nodedir" ]; then
  echo "voxnote: cannot build the PortAudio capture addon: Node's headers were not found (install them, or set npm_config_nodedir)." >&2
  exit 1
fi
echo "building naudiodon (PortAudio capture) against $nodedir ..." >&2
log="$(mktemp)"
if ! (cd node_modules/naudiodon && ../.bin/node-gyp rebuild --nodedir="$nodedir" --loglevel=error) >"$log" 2>&1; then
  tail -20 "$log" >&2
  echo "voxnote: building the PortAudio capture addon failed (needs python3, make and g++)." >&2
  exit 1
fi
rm -f "$log"
