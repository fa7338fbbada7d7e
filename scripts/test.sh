#!/usr/bin/env bash
# Every test: installs what the tests need outside npm (Debian packages, the
# PortAudio addon build, code-server for the workbench tests), builds the
# bundles the tests run, compiles the tests, and runs them one file at a time
# (live-audio and workbench tests share the machine's two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
# Import rules first (.dependency-cruiser.cjs): a layering mistake fails in seconds.
npm run --silent lint:imports
bash scripts/system-deps.sh
bash scripts/build-native.sh
bash scripts/vscode-test-deps.sh
node esbuild.mjs
rm -rf out
npx tsc -p .
npx tsc -p src/webview
# Only *.test.js: out/test/ also holds helpers, the extension-host suite (needs VS Code)
# and the test-electron runner (needs internet), which node --test would run as tests.
mapfile -t tests < <(find out/test -name '*.test.js' | sort)
node --test --test-concurrency=1 --test-timeout=300000 "${tests[@]}"
# The Windows lane: the tests meant to hold on Windows and the win32-x64 package's worker and CLI,
# under Wine with Node for Windows (installs Wine when missing; about 5 minutes on 2 cores).
bash scripts/test-windows.sh
