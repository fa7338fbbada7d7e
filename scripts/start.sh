#!/usr/bin/env bash
# Builds Voxnote and opens it in VS Code on the sample workspace: desktop `code`
# when it is installed, otherwise code-server in the browser (as the workbench
# tests run it). With no model yet, Voxnote offers one on first use; set
# VOXNOTE_MODEL=/path/to/vosk-model to start with a model folder.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
bash scripts/build-native.sh
node esbuild.mjs
RUN=$ROOT/.cache/run
mkdir -p "$RUN/user/User"
model_setting=""
[ -n "${VOXNOTE_MODEL:-}" ] && model_setting=", \"voxnote.model.path\": \"$VOXNOTE_MODEL\""
echo "{ \"workbench.startupEditor\": \"none\", \"telemetry.telemetryLevel\": \"off\"$model_setting }" >"$RUN/user/User/settings.json"

if command -v code >/dev/null; then
  exec code --user-data-dir "$RUN/user" --extensionDevelopmentPath "$ROOT" "$ROOT/sample" "$ROOT/sample/notes.md"
fi

bash scripts/vscode-test-deps.sh
N24=$(ls -d "$ROOT"/.cache/vscode-test/node/node_modules/node-linux-*/bin | head -1)
PORT=${PORT:-8123}
payload=$(node -e 'console.log(encodeURIComponent(JSON.stringify([["extensionDevelopmentPath", "vscode-remote://127.0.0.1:" + process.argv[1] + process.argv[2]]])))' "$PORT" "$ROOT")
URL="http://127.0.0.1:$PORT/?folder=$ROOT/sample&payload=$payload"
echo "Voxnote is running in code-server: open $URL" >&2
(sleep 2; command -v xdg-open >/dev/null && xdg-open "$URL" >/dev/null 2>&1 || true) &
XDG_CONFIG_HOME=$RUN/xdg XDG_DATA_HOME=$RUN/xdg-data EXTENSIONS_GALLERY='{"serviceUrl":""}' \
  exec "$N24/node" "$ROOT/.cache/vscode-test/code-server/node_modules/code-server/out/node/entry.js" \
  --bind-addr "127.0.0.1:$PORT" --auth none --user-data-dir "$RUN/user" --extensions-dir "$RUN/ext" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --ignore-last-opened --vscode-option enable-smoke-test-driver
