# Sourced by the cluster tests: start Xapian's own servers (xapian-tcpsrv,
# xapian-replicate-server) on loopback ports, remember every process started,
# and stop them all again. Needs BUILD (the build directory) and WORK (a
# temporary directory) set by the test.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/guru_server.sh"

CLUSTER_PIDS=()

# Stops every process this test started and removes WORK.
cluster_cleanup() {
  local pid
  for pid in "${CLUSTER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${CLUSTER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}

# free_port: prints a TCP port on 127.0.0.1 that was free a moment ago (the
# Xapian servers cannot bind port 0 and report it, so the kernel picks one
# here and the caller retries if another process took it meanwhile).
free_port() {
  /usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wait_for_line FILE PATTERN PID: waits up to 20 s for PATTERN in FILE;
# fails early if PID exits.
wait_for_line() {
  local _
  for _ in $(seq 1 200); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# start_tcpsrv NAME DB: serves DB with xapian-tcpsrv on a free loopback port;
# sets TCPSRV_PORT.
start_tcpsrv() {
  local name=$1 db=$2 attempt pid
  for attempt in 1 2 3; do
    TCPSRV_PORT=$(free_port)
    # Its own session: on SIGTERM xapian-tcpsrv kills its whole process group.
    setsid xapian-tcpsrv --interface 127.0.0.1 --port "$TCPSRV_PORT" "$db" \
      >"$WORK/$name.log" 2>&1 &
    pid=$!
    CLUSTER_PIDS+=("$pid")
    wait_for_line "$WORK/$name.log" '^Listening' "$pid" && return 0
    echo "xapian-tcpsrv $name: attempt $attempt failed: $(cat "$WORK/$name.log")" >&2
  done
  return 1
}

# start_replicate_server NAME PARENT_DIR: publishes the databases under
# PARENT_DIR with xapian-replicate-server on a free loopback port; sets
# REPLICATE_PORT.
start_replicate_server() {
  local name=$1 parent=$2 attempt pid
  for attempt in 1 2 3; do
    REPLICATE_PORT=$(free_port)
    setsid xapian-replicate-server --interface 127.0.0.1 --port "$REPLICATE_PORT" "$parent" \
      >"$WORK/$name.log" 2>&1 &
    pid=$!
    CLUSTER_PIDS+=("$pid")
    # It prints nothing when ready: a connection that succeeds says so.
    local _
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      if (exec 3<>"/dev/tcp/127.0.0.1/$REPLICATE_PORT") 2>/dev/null; then return 0; fi
      sleep 0.1
    done
    echo "xapian-replicate-server $name: attempt $attempt failed: $(cat "$WORK/$name.log")" >&2
  done
  return 1
}

# start_server NAME SERVER_ARGS...: a guru-server on a free loopback port,
# SERVING; sets SERVER_PORT (and keeps the process for cluster_cleanup).
start_server() {
  local name=$1
  shift
  guru_server_start "$BUILD" "$WORK/$name.log" "$@"
  CLUSTER_PIDS+=("$GURU_SERVER_PID")
  SERVER_PORT=$GURU_SERVER_PORT
  GURU_SERVER_PID=
}

# run_questions PORT OUT: the relevance benchmark's development questions
# through guru-query --batch against 127.0.0.1:PORT; OUT gets the TREC run.
run_questions() {
  "$BUILD/tools/guru-query" --server "127.0.0.1:$1" --limit 10 \
    --batch "$SOURCE_DIR/data/medquad-liveqa/test-questions-dev.tsv" --trec "$2" 2>/dev/null
}
