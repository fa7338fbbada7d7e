#!/usr/bin/env bash
# Every test: builds the bundles the tests run, compiles the tests, runs them
# one file at a time (live-audio tests share the machine's two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
node esbuild.mjs
rm -rf out
npx tsc -p .
node --test --test-concurrency=1 --test-timeout=120000 out/test/
