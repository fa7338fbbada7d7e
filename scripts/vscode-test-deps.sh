#!/usr/bin/env bash
# Installs what the workbench tests (test/vscode/) need beyond the project's own devDependencies
# (playwright-core, mocha, @vscode/vsce), offline-safe, as measured in shared/docs/vscode-in-ci.md:
# Debian's chromium, the browser the tests drive, then what npm start needs too, Node 24 and
# code-server (scripts/code-server-deps.sh; VOXNOTE_VSCODE_CACHE chooses its cache folder).
# Never runs "playwright install" (it downloads browsers from a host we cannot reach).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "vscode-test-deps: $*" >&2; }

if [ -x /usr/bin/chromium ] && [ "$(dpkg-query -W -f='${db:Status-Status}' chromium 2>/dev/null || true)" = installed ]; then
  say "Debian chromium: present"
elif [ "$(id -u)" -ne 0 ]; then
  say "the workbench tests need Debian's chromium"
  say "install it with: sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium"
  exit 1
else
  t=$EPOCHREALTIME
  say "installing Debian chromium (about 45 s)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
  say "Debian chromium: installed in $(awk -v a="$t" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f s", b - a }')"
fi

exec bash scripts/code-server-deps.sh
