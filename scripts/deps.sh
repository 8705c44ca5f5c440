#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages hpfr needs when they are missing (apt-get as root); when not
# root, prints the exact command and stops.
set -e
# clang and libclang-rt-14-dev (libclang_rt.fuzzer) are for make fuzz.
PKGS="build-essential pkg-config libfftw3-dev libsndfile1-dev libasound2-dev libsamplerate0-dev
alsa-utils sox drc valgrind libgsl-dev libnlopt-dev gnuplot-nox libxml2-utils nodejs chromium
pipewire pipewire-bin python3-yaml strace clang libclang-rt-14-dev"
missing=""
for p in $PKGS; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
    echo "hpfr needs these Debian packages:$missing" >&2
    echo "run as root:  apt-get update && $cmd" >&2
    exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
