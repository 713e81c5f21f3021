#!/usr/bin/env bash
# Installs the real VS Code the e2e tests and `npm run demo` use: code-server 4.100.3 (VS Code
# 1.100.3, the last release whose install accepts Node 20) from the npm registry, into its own
# folder with its own lockfile (test/e2e/host/), plus Debian's chromium for headless driving.
# Works offline except for the npm registry and Debian apt. Idempotent: a second run with the
# same lockfile only checks and returns (about a second).
#   KLP_E2E_DIR   where to install (default $HOME/.cache/klp-studio-e2e)
#   KLP_E2E_NO_APT=1   skip apt (when the packages are already there and you are not root)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
E2E_DIR=${KLP_E2E_DIR:-$HOME/.cache/klp-studio-e2e}
HOST_SPEC="$REPO/test/e2e/host"
mkdir -p "$E2E_DIR"/{tmp,cs}

# 1) Debian packages: native-module build deps of code-server (node-gyp falls back to source
#    builds because prebuilt binaries come from GitHub), ripgrep (replaces @vscode/ripgrep's
#    GitHub download), chromium + a font (the headless browser that connects to the workbench).
APT_PKGS=(build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
          ripgrep chromium fonts-liberation)
missing=()
for p in "${APT_PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ] && [ -z "${KLP_E2E_NO_APT:-}" ]; then
  SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  echo "e2e-setup: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2) code-server, pinned by test/e2e/host/package-lock.json. The stamp holds the lockfile's hash so
#    a changed lockfile reinstalls and an unchanged one is skipped.
stamp="$E2E_DIR/cs/.installed"
spec_hash() { cat "$HOST_SPEC/package.json" "$E2E_DIR/cs/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16 || true; }
[ -f "$HOST_SPEC/package-lock.json" ] && cmp -s "$HOST_SPEC/package-lock.json" "$E2E_DIR/cs/package-lock.json" || rm -f "$stamp"
want=$(spec_hash)
if [ -x "$E2E_DIR/cs/node_modules/.bin/code-server" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "e2e-setup: code-server already installed in $E2E_DIR/cs"
else
  export TMPDIR="$E2E_DIR/tmp"     # @vscode/ripgrep looks for its cached download in os.tmpdir()
  export npm_config_yes=true       # node-pty's postinstall runs `npx node-gyp`; a user npmrc `yes=false` aborts it
  export npm_config_unsafe_perm=true   # code-server's postinstall refuses to run as root without it
  # Pre-seed @vscode/ripgrep's download cache with Debian's rg. Versions: @vscode/ripgrep 1.15.11
  # (code-server's lib/vscode/npm-shrinkwrap.json) and its postinstall's VERSION/target.
  RG_CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$RG_CACHE" "$TMPDIR/rg"
  cp "$(command -v rg)" "$TMPDIR/rg/rg"
  tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$TMPDIR/rg" rg
  cp "$HOST_SPEC/package.json" "$E2E_DIR/cs/package.json"
  cd "$E2E_DIR/cs"
  if [ -f "$HOST_SPEC/package-lock.json" ]; then
    cp "$HOST_SPEC/package-lock.json" "$E2E_DIR/cs/package-lock.json"
    npm ci --no-audit --no-fund --unsafe-perm=true
  else
    # First time only: resolve and record the lockfile for the repository.
    npm install --no-audit --no-fund --unsafe-perm=true
    cp "$E2E_DIR/cs/package-lock.json" "$HOST_SPEC/package-lock.json"
  fi
  # the server's native modules must have been built, or the workbench fails later in obscure ways
  for m in node-pty argon2; do
    find "$E2E_DIR/cs/node_modules" -path "*$m*" -name '*.node' | grep -q . || { echo "e2e-setup: $m native module missing" >&2; exit 1; }
  done
  spec_hash > "$stamp"
fi
version=$(XDG_CONFIG_HOME="$E2E_DIR/xdg-config" XDG_DATA_HOME="$E2E_DIR/xdg-data" "$E2E_DIR/cs/node_modules/.bin/code-server" --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+' || true)
echo "e2e-setup: done; code-server ${version%% *} at $E2E_DIR/cs/node_modules/.bin/code-server"
