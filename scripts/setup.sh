#!/usr/bin/env bash
# Installs everything Guru Search needs to build, test and run, from Debian 12
# packages, on a fresh machine (as root). Safe to run again.
#   scripts/setup.sh [--build-only]   --build-only: what building and the
#   plain test run need, without the lint and fuzz tools and the tests of the
#   other-language clients (the container's build stage)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libxapian-dev xapian-tools libxml2-dev
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev
  libabsl-dev libspdlog-dev libfmt-dev libcli11-dev libssl-dev
  libgtest-dev libgmock-dev prometheus-cpp-dev openssl xapian-omega
  libcpp-httplib-dev curl
  file  # cpack reads the binaries' libraries with it (scripts/package-check.sh)
  python3 python3-xapian bc
  wamerican  # /usr/share/dict/words: guru-server --dictionary's default
  # google/api/annotations.proto, the HTTP routes declared in search.proto
  golang-github-grpc-ecosystem-grpc-gateway-dev
)
full=true
[[ ${1:-} == --build-only ]] && full=false
if $full; then
  # Lint and fuzz tools; the clients' tests (Python gRPC, the chatbot in a
  # browser): Debian's nodejs and npm unless a node with its own npm is
  # already installed (NodeSource's nodejs bundles npm and conflicts with
  # Debian's npm package).
  packages+=(clang-format clang-tidy clang clang-14 libclang-rt-14-dev
             python3-grpcio python3-protobuf chromium
             # The Go client check (tests/clients/go_client_test.sh): the compiler;
             # protoc-gen-go 1.3 and grpc-go's sources come with grpc-gateway-dev
             # above (Debian's newer protoc-gen-go conflicts with it).
             golang-go protoc-gen-go-1-3 golang-google-grpc-dev golang-goprotobuf-dev
             golang-google-genproto-dev)
  command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
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

# The chatbot's npm packages, exactly as locked (needs the npm registry); done
# again only when package-lock.json changes. Skipped where only this script
# was copied (the Dockerfile's first step).
chatbot=$(dirname "$0")/../examples/chatbot
if $full && [[ -f $chatbot/package-lock.json ]]; then
  if ! cmp -s "$chatbot/package-lock.json" "$chatbot/node_modules/.setup-lock"; then
    echo "setup: npm ci in examples/chatbot"
    (cd "$chatbot" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$chatbot/package-lock.json" "$chatbot/node_modules/.setup-lock"
  fi
  echo "setup: chatbot npm packages present"
fi
