#!/usr/bin/env bash
# Installs everything Guru Search needs to build, test and run, from Debian 12
# packages, on a fresh machine (as root). Safe to run again.
#   scripts/setup.sh [--build-only]   --build-only: what building and the
#   plain test run need, without the lint and fuzz tools (the container's
#   build stage)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libxapian-dev xapian-tools libxml2-dev
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev
  libabsl-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev
  python3 python3-xapian bc
)
if [[ ${1:-} != --build-only ]]; then
  packages+=(clang-format clang-tidy clang clang-14 libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all packages present"
