#!/usr/bin/env bash
# Configures and builds into DIR (default build/); extra arguments go to CMake.
#   scripts/build.sh [DIR] [-DGURU_SANITIZE=ON ...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
ninja -C "$dir"
