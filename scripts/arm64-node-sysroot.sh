#!/usr/bin/env bash
# Unpacks Debian's arm64 Node.js (and the arm64 libraries it needs) into a folder, so that an x86-64 machine can
# run arm64 Node under qemu user emulation: qemu-aarch64 -L DIR DIR/usr/bin/node. Nothing is installed: the arm64
# packages are only downloaded (apt's multiarch support) and unpacked with dpkg -x. scripts/check-pack.js uses it
# to load the packed tarball's linux-arm64 prebuild. Needs root (dpkg --add-architecture, apt-get update).
# Usage: scripts/arm64-node-sysroot.sh DIR
set -euo pipefail
dir=${1:?usage: scripts/arm64-node-sysroot.sh DIR}
if [ -x "$dir/usr/bin/node" ]; then exit 0; fi
debs=$(mktemp -d)
trap 'rm -rf "$debs"' EXIT
if ! dpkg --print-foreign-architectures | grep -qx arm64; then dpkg --add-architecture arm64; fi
apt-get update -qq
# --download-only resolves nodejs:arm64's dependencies as arm64 packages and fetches them without installing
# anything (nodejs:arm64 could not be installed next to the host's Node anyway).
apt-get install -y -qq --download-only --no-install-recommends -o Dir::Cache::archives="$debs" nodejs:arm64 >/dev/null
mkdir -p "$dir"
for deb in "$debs"/*_arm64.deb "$debs"/*_all.deb; do dpkg -x "$deb" "$dir"; done
qemu-aarch64 -L "$dir" "$dir/usr/bin/node" -e 'console.log(`arm64 Node ${process.version} (${process.arch}) in '"$dir"'`)'
