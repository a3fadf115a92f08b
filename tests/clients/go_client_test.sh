#!/usr/bin/env bash
# Guru Search from Go, as the README documents it ("API", Go clients): the Go
# code of every proto in proto/ is generated at test time by Debian's
# protoc-gen-go 1.3 (package protoc-gen-go-1-3, `--go_out=plugins=grpc:`),
# one protoc run per Go package, into a temporary GOPATH at the import path
# each file's go_package names; tests/clients/go/main.go is compiled against
# it and Debian's Go sources (/usr/share/gocode: golang-google-grpc-dev,
# golang-goprotobuf-dev, golang-google-genproto-dev), in GOPATH mode, offline;
# the client then calls a real guru-server over a real index of data/sample:
# Health.Check SERVING, the marathon question's best answer through
# GuruSearch.Search, the services through reflection v1.
#   tests/clients/go_client_test.sh --indexer PATH --server PATH
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PROTO=$ROOT/proto
GOCODE=/usr/share/gocode
# google/api/annotations.proto (search.proto's HTTP routes), where Debian
# ships it (golang-github-grpc-ecosystem-grpc-gateway-dev).
GOOGLEAPIS=$GOCODE/src/github.com/grpc-ecosystem/grpc-gateway/third_party/googleapis
# Below ctest's 300 s: the server is stopped by then even if this script is
# killed without running its trap.
SERVER_SECONDS=240

fail() {
  echo "go_client_test: FAIL: $*" >&2
  exit 1
}

indexer='' server=''
while (($#)); do
  case $1 in
    --indexer) indexer=$2; shift 2 ;;
    --server) server=$2; shift 2 ;;
    *) fail "unknown argument $1 (usage: $0 --indexer PATH --server PATH)" ;;
  esac
done
[[ -x $indexer && -x $server ]] || fail "usage: $0 --indexer PATH --server PATH"

for tool in go protoc protoc-gen-go; do
  command -v "$tool" >/dev/null ||
    fail "$tool not found: apt-get install golang-go protoc-gen-go-1-3 protobuf-compiler (scripts/setup.sh does)"
done
[[ -f $GOOGLEAPIS/google/api/annotations.proto && -d $GOCODE/src/google.golang.org/grpc &&
   -d $GOCODE/src/github.com/golang/protobuf/proto &&
   -d $GOCODE/src/google.golang.org/genproto/googleapis/api/annotations ]] ||
  fail "Debian's Go sources are missing: apt-get install golang-github-grpc-ecosystem-grpc-gateway-dev" \
       "golang-google-grpc-dev golang-goprotobuf-dev golang-google-genproto-dev"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/guru-go-client.XXXXXX")
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
started=$SECONDS

# 1. Generate. protoc-gen-go 1.3 takes one Go package per run: group the
# protos by go_package (every proto must have one).
GOPATH_TMP=$WORK/gopath
mkdir -p "$GOPATH_TMP/src"
declare -A files_of
while IFS= read -r file; do
  rel=${file#"$PROTO"/}
  package=$(sed -n 's/^option go_package = "\([^";]*\)[";].*/\1/p' "$file")
  [[ -n $package ]] || fail "$rel has no go_package option"
  files_of[$package]+="$rel "
done < <(find -H "$PROTO" -name '*.proto' | sort)
((${#files_of[@]})) || fail "no .proto files under $PROTO"

for package in "${!files_of[@]}"; do
  # A go_package inside a Go project Debian ships (the health and reflection
  # protos are grpc-go's own, google.golang.org/grpc/...): in GOPATH mode the
  # first GOPATH entry holding the directory of an import path wins, so the
  # temporary GOPATH gets a copy of that project made of symlinks, with the
  # generated package in place of Debian's.
  prefix=
  IFS=/ read -ra parts <<<"$package"
  for part in "${parts[@]}"; do
    prefix=${prefix:+$prefix/}$part
    if compgen -G "$GOCODE/src/$prefix/*.go" >/dev/null; then
      if [[ ! -e $GOPATH_TMP/src/$prefix ]]; then
        mkdir -p "$(dirname "$GOPATH_TMP/src/$prefix")"
        cp -rs "$GOCODE/src/$prefix" "$GOPATH_TMP/src/$prefix"
      fi
      break
    fi
  done
  rm -rf "${GOPATH_TMP:?}/src/$package"
  # shellcheck disable=SC2086 # a list of file names without spaces
  protoc -I"$PROTO" -I"$GOOGLEAPIS" --go_out=plugins=grpc:"$GOPATH_TMP/src" ${files_of[$package]} ||
    fail "protoc --go_out for $package (protoc-gen-go must be Debian's protoc-gen-go-1-3, v1.3)"
  echo "go_client_test: generated $package from ${files_of[$package]}"
done

# 2. Compile the client, offline, against Debian's Go sources.
gocmd() {
  env GO111MODULE=off GOPATH="$GOPATH_TMP:$GOCODE" GOCACHE="$WORK/gocache" GOFLAGS= \
    GOPROXY=off CGO_ENABLED=0 timeout 200 go "$@"
}
mkdir -p "$GOPATH_TMP/src/guru.invalid/search/tests/go-client"
cp "$ROOT/tests/clients/go/main.go" "$GOPATH_TMP/src/guru.invalid/search/tests/go-client/"
(cd "$GOPATH_TMP/src/guru.invalid/search/tests/go-client" && gocmd build -o "$WORK/guru-go-client" .) ||
  fail "go build of tests/clients/go"
# The client must have been built with the generated packages, not Debian's.
for package in "${!files_of[@]}"; do
  dir=$(gocmd list -f '{{.Dir}}' "$package")
  [[ $dir == "$GOPATH_TMP/src/$package" ]] || fail "$package resolved to $dir, not the generated code"
done
echo "go_client_test: generated and compiled in $((SECONDS - started)) s"

# 3. A real index of data/sample and a real server on a free loopback port.
"$indexer" --db "$WORK/db" --synonyms "$ROOT/data/synonyms/lay-clinical.txt" \
  "$ROOT/data/sample" >"$WORK/indexer.log" 2>&1 ||
  fail "guru-indexer: $(cat "$WORK/indexer.log")"
# The log exists before the server does: sed must not race the redirection
# (a missing file would end this set -e script without a word).
: >"$WORK/server.log"
timeout -k 5 "$SERVER_SECONDS" "$server" --db "$WORK/db" --listen 127.0.0.1:0 \
  --shutdown-grace-ms 0 </dev/null >/dev/null 2>"$WORK/server.log" &
SERVER_PID=$!
port=
for _ in $(seq 1 600); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$WORK/server.log" | head -n 1)
  [[ -n $port ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
[[ -n $port ]] || fail "guru-server did not report its port: $(cat "$WORK/server.log")"

"$WORK/guru-go-client" -addr "127.0.0.1:$port" ||
  fail "the Go client (guru-server's log: $(cat "$WORK/server.log"))"
echo "go_client_test: OK in $((SECONDS - started)) s"
