# Sourced by scripts that run a guru-server of their own (scripts/demo.sh,
# bench/relevance.sh): start one on a free loopback port and wait until it
# reports SERVING; stop it again.

# guru_server_start BUILD_DIR LOG_FILE SERVER_ARGS...
# Sets GURU_SERVER_PID and GURU_SERVER_PORT; stops the server and exits 1 with
# its log if it is not SERVING within 60 seconds (a sanitizer build on a busy
# machine starts slowly; a hung server must not hold a test up longer).
guru_server_start() {
  local build=$1 log=$2
  shift 2
  # The log exists before the server starts: reading it must not race the
  # child's redirection (sed failing on a missing file ends a `set -e`
  # caller without a word). The server's output goes to the log, never to the
  # caller's stdout: a server left behind would hold a pipe there open, and
  # ctest waits for its test's output to end.
  : >"$log"
  "$build/src/server/guru-server" --listen 127.0.0.1:0 "$@" >>"$log" 2>&1 &
  GURU_SERVER_PID=$!
  GURU_SERVER_PORT=
  local deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    GURU_SERVER_PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
    if [[ -n $GURU_SERVER_PORT ]] &&
      "$build/tools/guru-query" --server "127.0.0.1:$GURU_SERVER_PORT" --timeout-ms 2000 \
        --health >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$GURU_SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log" >&2
  echo "guru-server did not reach SERVING" >&2
  guru_server_stop  # Not left behind: a caller's cleanup may not know it.
  exit 1
}

# guru_server_stop: stops the server started last, if any.
guru_server_stop() {
  if [[ -n ${GURU_SERVER_PID:-} ]]; then
    kill "$GURU_SERVER_PID" 2>/dev/null && { wait "$GURU_SERVER_PID" 2>/dev/null || true; }
    GURU_SERVER_PID=
  fi
  return 0
}

# guru_require_build BUILD_DIR BINARY...: exits 2, saying how to build, when
# one of the binaries (paths under BUILD_DIR) is missing.
guru_require_build() {
  local build=$1 bin
  shift
  for bin in "$@"; do
    [[ -x $build/$bin ]] || {
      echo "build first: scripts/build.sh $build -DCMAKE_BUILD_TYPE=Release -DGURU_BUILD_TESTS=OFF" >&2
      exit 2
    }
  done
}
