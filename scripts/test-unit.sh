#!/usr/bin/env bash
# The fast lane for the edit-run loop: the unit tests (test/**/*.unit.test.ts),
# which run inside the test process alone. They start no worker, sound server or
# code-server and load no native addon, so they need none of the set-up steps of
# scripts/test.sh (Debian packages, the PortAudio build, code-server, the bundles).
# `npm test` still runs them, with everything else.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent lint:imports
rm -rf out
npx tsc -p .
mapfile -t tests < <(find out/test -name '*.unit.test.js' | sort)
node --test "${tests[@]}"
