#!/usr/bin/env bash
# The fast lane for the edit-run loop: the import rules and the unit tests
# (test/**/*.unit.test.ts), which need nothing but `npm ci`. They start no
# worker, CLI, sound server, ffmpeg or code-server and load no native addon, so
# they need none of the set-up steps of scripts/test.sh (Debian packages, the
# PortAudio build, code-server, the bundles).
# `npm test` still runs them, with everything else.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent lint:imports
rm -rf out
npx tsc -p .
mapfile -t tests < <(find out/test -name '*.unit.test.js' | sort)
# They share nothing (each its own temporary folders), so two run at a time.
node --test --test-concurrency=2 "${tests[@]}"
