#!/usr/bin/env bash
# Builds and packages Voxnote, then opens it as a user would have it: the .vsix installed in a
# VS Code of its own (desktop `code` when installed, otherwise code-server in the browser) on
# sample/ with its notes file, notifications and all. That VS Code keeps its settings, models
# and extensions in .cache/run/ (or VOXNOTE_RUN_DIR) between runs, like a user's own.
#
#   npm start                                  # no model yet: Voxnote's walkthrough gets one
#   VOXNOTE_MODEL=/path/to/vosk-model npm start
#   PORT=8124 npm start                        # code-server's port (default 8123)
#   npm start -- --no-open                     # print the address, do not open a browser
#
# VOXNOTE_MODEL goes where the window reads voxnote.model.path (a machine-overridable setting):
# user settings in a desktop window; the Machine settings file in code-server, which is a
# remote window. It stays set there for later runs, as a setting would.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
open_browser=1
for arg in "$@"; do
  case $arg in
    --no-open) open_browser=0 ;;
    *) echo "start: unknown option $arg (see scripts/start.sh)" >&2; exit 2 ;;
  esac
done
say() { echo "start: $*" >&2; }
RUN=${VOXNOTE_RUN_DIR:-$ROOT/.cache/run}
CACHE=${VOXNOTE_VSCODE_CACHE:-$ROOT/.cache/vscode-test}

model=${VOXNOTE_MODEL:-}
if [ -n "$model" ]; then
  [ -d "$model" ] || { say "VOXNOTE_MODEL=$model is not a folder: set it to an unzipped Vosk model folder, or leave it unset and get a model in Voxnote's walkthrough."; exit 1; }
  model=$(cd "$model" && pwd) # the extension host's working folder is not this one
fi

say "building Voxnote"
bash scripts/build-native.sh
node esbuild.mjs
rm -rf "$RUN/vsix"
mkdir -p "$RUN"
node scripts/package.mjs --no-build --out "$RUN/vsix" >"$RUN/package.log" 2>&1 || { tail -n 30 "$RUN/package.log" >&2; exit 1; }
grep -E '^package: ' "$RUN/package.log" >&2
VSIX=$(ls "$RUN"/vsix/*.vsix)

mkdir -p sample
[ -f sample/notes.md ] || cp scripts/sample-notes.md sample/notes.md

# Quiet about what has nothing to do with Voxnote and cannot work offline.
quiet='{ "telemetry.telemetryLevel": "off", "update.mode": "none", "workbench.startupEditor": "none",
  "git.openRepositoryInParentFolders": "never", "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden" }'
node scripts/merge-settings.mjs "$RUN/user/User/settings.json" "$quiet"
model_patch() { node -e 'console.log(JSON.stringify({ "voxnote.model.path": process.argv[1] }))' "$model"; }

if command -v code >/dev/null; then
  [ -z "$model" ] || node scripts/merge-settings.mjs "$RUN/user/User/settings.json" "$(model_patch)"
  dirs=(--user-data-dir "$RUN/user" --extensions-dir "$RUN/ext")
  code "${dirs[@]}" --install-extension "$VSIX" --force >&2
  exec code "${dirs[@]}" "$ROOT/sample" "$ROOT/sample/notes.md"
fi

bash scripts/code-server-deps.sh
N24=$CACHE/node/node_modules/node-linux-$([ "$(uname -m)" = aarch64 ] && echo arm64 || echo x64)/bin/node
CODE_SERVER=("$N24" "$CACHE/code-server/node_modules/code-server/out/node/entry.js" --user-data-dir "$RUN/user" --extensions-dir "$RUN/ext")
[ -z "$model" ] || node scripts/merge-settings.mjs "$RUN/user/Machine/settings.json" "$(model_patch)"
# Without XDG_CONFIG_HOME, code-server writes a password file into the home folder.
export XDG_CONFIG_HOME=$RUN/xdg XDG_DATA_HOME=$RUN/xdg-data EXTENSIONS_GALLERY='{"serviceUrl":""}'
say "installing $(basename "$VSIX") into code-server"
"${CODE_SERVER[@]}" --install-extension "$VSIX" --force >&2

PORT=${PORT:-8123}
URL=$(node -e '
  const [port, root] = process.argv.slice(1);
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${encodeURI(p)}`;
  const payload = [["openFile", remote(`${root}/sample/notes.md`)]];
  console.log(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(`${root}/sample`)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
' "$PORT" "$ROOT")
echo "Voxnote is running in code-server: open $URL"
echo "(Ctrl+C stops it)" >&2
if [ "$open_browser" = 1 ] && command -v xdg-open >/dev/null; then
  (sleep 2; xdg-open "$URL" >/dev/null 2>&1 || true) &
fi
exec "${CODE_SERVER[@]}" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --ignore-last-opened
