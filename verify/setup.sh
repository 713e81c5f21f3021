#!/usr/bin/env bash
# verify/setup.sh: installs what `klp-studio verify` and the real-kernel tests (test/verify)
# need on a fresh Debian 12 machine, then fetches Debian 12's kernel (6.1) and Debian 13's
# kernel series (6.12, from bookworm-backports through a private apt configuration in the
# cache; pahole fetched beside it when it is not installed) into the verify cache so the
# first test run does not download. Called by .ci/run. Arguments: the kernels to fetch
# (default: debian-12 debian-13).
#   QEMU (TCG), busybox-static (the guest's shell), gcc/make/libc6-dev (module builds and
#   the static guest loader), libelf1/libssl3 (kbuild's host tools), xz-utils (the faster
#   PVH boot), dpkg (dpkg -x).
# Idempotent; safe to re-run. Set KLP_STUDIO_CACHE to choose the cache directory.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi

PKGS="qemu-system-x86 busybox-static gcc make libc6-dev libelf1 libssl3 xz-utils dpkg"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
updated=""
if [ -n "$missing" ]; then
  echo "verify/setup.sh: installing$missing"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && updated=1
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
fi
# The kernel is looked up with apt-cache: the package lists must know it.
if [ -z "$updated" ] && ! apt-cache depends linux-image-amd64 >/dev/null 2>&1; then
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
fi

# Kernel image + headers + kbuild into the cache (apt-get download + dpkg -x; nothing is
# installed into /boot). Uses the same code as `klp-studio verify --kernel ...`.
if [ -d node_modules/esbuild-register ]; then
  if [ $# -eq 0 ]; then set -- debian-12 debian-13; fi
  node -r esbuild-register verify/src/prepare-main.ts "$@"
else
  echo "verify/setup.sh: node_modules missing (run npm ci first); the kernel is fetched on first use"
fi
