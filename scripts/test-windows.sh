#!/usr/bin/env bash
# The Windows lane (scripts/test.sh runs it; alone: bash scripts/test-windows.sh after
# `node esbuild.mjs && npx tsc -p .`). Under Wine with Node for Windows (scripts/windows-deps.sh
# installs both when missing):
#  1. the tests meant to hold on Windows that can run here (scripts/lib/portable-tests.txt), by node.exe;
#  2. the win32-x64 .vsix, built and unpacked into a folder named "Zoë 日本" as a user profile
#     can be, its own worker and CLI (test/windows/packaged.wine.ts, driven from Linux Node):
#     Vosk and sherpa-onnx models in non-ASCII folders, files at several rates, the device list,
#     live capture with PvRecorder from a virtual PulseAudio microphone, a crash and a bad model.
# node.exe's output always goes to files: written to a Linux pipe it dies with EBADF.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$EPOCHREALTIME
secs() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f s", b - a }'; }
say() { echo "windows lane: $*" >&2; }

eval "$(bash scripts/windows-deps.sh)"
export WINEPREFIX WINEDEBUG=-all LC_ALL=C.UTF-8
work="$(mktemp -d)"
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# The compiled tests meant to hold on Windows that run here (scripts/lib/portable-tests.txt, column wine).
mapfile -t unitTests < <(node scripts/lib/portableTests.js wine)
say "${#unitTests[@]} test files under Wine's node.exe ($(wine "$NODE_EXE" --version 2>/dev/null) for Windows)"
t=$EPOCHREALTIME
status=0
# A bound on the whole run: a Wine process that hangs must fail the lane, not stall npm test.
timeout --kill-after=10 900 wine "$NODE_EXE" --test --test-concurrency=2 --test-timeout=300000 --test-reporter=tap "${unitTests[@]}" >"$work/unit.tap" 2>"$work/unit.err" || status=$?
unitSecs=$(secs "$t")
{ grep -E '^# (tests|pass|fail|skipped)' "$work/unit.tap" || true; } | tail -4 | sed 's/^/windows lane: unit /' >&2
skips=$(grep -c '# SKIP' "$work/unit.tap" || true)
{ grep '# SKIP' "$work/unit.tap" || true; } | sed 's/^ */windows lane: skipped on Windows: /' >&2
if [ "$status" -ne 0 ]; then
  { grep -B2 -A25 'not ok' "$work/unit.tap" || true; } | head -200 >&2
  tail -20 "$work/unit.err" >&2
  [ "$status" -eq 124 ] && say "node.exe did not finish within 900 s (is wineserver still running? ls /tmp/.wine-$(id -u))"
  say "tests under Wine FAILED"
  exit "$status"
fi

t=$EPOCHREALTIME
say "building the win32-x64 package"
node scripts/package.mjs --target win32-x64 --no-build --out "$work" >"$work/package.log" 2>&1 || { cat "$work/package.log" >&2; exit 1; }
mkdir -p "$work/Zoë 日本"
(cd "$work/Zoë 日本" && unzip -q "$work"/voxnote-win32-x64-*.vsix)
say "package built and unpacked in $(secs "$t")"
t=$EPOCHREALTIME
VOXNOTE_WIN_NODE="$NODE_EXE" VOXNOTE_WIN_EXTENSION="$work/Zoë 日本/extension" \
  timeout --kill-after=10 300 node --test --test-concurrency=1 --test-timeout=180000 out/test/windows/packaged.wine.js >"$work/packaged.out" 2>&1 || status=$?
cat "$work/packaged.out" >&2
[ "$status" -eq 0 ] || { say "the package under Wine FAILED"; exit "$status"; }
packagedCases=$(grep -E '^ +ok [0-9]+ - ' "$work/packaged.out" | wc -l)
say "packaged worker and CLI under Wine: $packagedCases cases in $(secs "$t")"

say "done in $(secs "$t0"): ${#unitTests[@]} test files (unit tests, the worker with libvosk, its faults, the CLI, notes files on disk) in $unitSecs, $skips cases skipped as POSIX-only (reasons above); $packagedCases cases on the win32-x64 package (Vosk at 8/16/44.1/48 kHz and sherpa-onnx streaming and offline+VAD from non-ASCII folders, a bad model, a libvosk abort, the device list, live capture with PvRecorder)"
say "Windows-only cases: $packagedCases on the package; not run here: WASAPI loopback capture (Wine 8 lacks it), Electron, the VS Code workbench"
