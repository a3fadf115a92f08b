# Sourced by the cluster tests: start Xapian's own servers (xapian-tcpsrv,
# xapian-replicate-server) on loopback ports, remember every process started,
# and stop them all again. Needs BUILD (the build directory) and WORK (a
# temporary directory) set by the test.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/guru_server.sh"

CLUSTER_PIDS=()

# Stops every process this test started and removes WORK.
cluster_cleanup() {
  local pid
  guru_server_stop  # One still starting: not yet in CLUSTER_PIDS.
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

# listens PID PORT: whether process PID has a TCP socket listening on PORT.
listens() {
  /usr/bin/python3 -c 'import os, sys
pid, port = sys.argv[1], int(sys.argv[2])
sockets = set()
for fd in os.listdir(f"/proc/{pid}/fd"):
    try:
        target = os.readlink(f"/proc/{pid}/fd/{fd}")
    except OSError:
        continue
    if target.startswith("socket:["):
        sockets.add(target[8:-1])
for line in list(open("/proc/net/tcp"))[1:]:
    fields = line.split()
    if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port and fields[9] in sockets:
        sys.exit(0)
sys.exit(1)' "$1" "$2" 2>/dev/null
}

# start_replicate_server NAME PARENT_DIR: publishes the databases under
# PARENT_DIR with xapian-replicate-server on a free loopback port; sets
# REPLICATE_PORT and REPLICATE_LOG.
start_replicate_server() {
  local name=$1 parent=$2 attempt pid
  for attempt in 1 2 3; do
    REPLICATE_PORT=$(free_port)
    setsid xapian-replicate-server --interface 127.0.0.1 --port "$REPLICATE_PORT" "$parent" \
      >"$WORK/$name.log" 2>&1 &
    pid=$!
    CLUSTER_PIDS+=("$pid")
    # It prints nothing when ready. A connection that succeeds does not prove
    # it is the one listening (another test may hold the port it failed to
    # bind): its own listening socket does.
    local _
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      if listens "$pid" "$REPLICATE_PORT"; then
        REPLICATE_LOG=$WORK/$name.log
        return 0
      fi
      sleep 0.1
    done
    echo "xapian-replicate-server $name: attempt $attempt failed: $(cat "$WORK/$name.log")" >&2
  done
  return 1
}

# replicate_database MASTER_NAME REPLICA_PATH: one replication of the
# master's database MASTER_NAME (relative to start_replicate_server's
# PARENT_DIR) into REPLICA_PATH. xapian-replicate waits for the master without
# a timeout; a replication that stalls is given up after 60 s and tried again,
# as a replica's own loop would, and a third failure ends the test with the
# master's log rather than letting it hang until ctest's timeout.
replicate_database() {
  local attempt status
  for attempt in 1 2 3; do
    status=0
    timeout 60 xapian-replicate --host 127.0.0.1 --port "$REPLICATE_PORT" --master "$1" \
      --one-shot --reader-time 0 --quiet "$2" || status=$?
    ((status == 0)) && return 0
    echo "xapian-replicate $1 -> $2: attempt $attempt failed (exit $status)" >&2
  done
  echo "xapian-replicate-server's log: $(cat "$REPLICATE_LOG")" >&2
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
