#!/usr/bin/env bash
# ThreadSanitizer check of the indexer's two threads (the JSONL reader that
# parses and prepares posts, the writer that commits them): builds
# guru-indexer and the index and ingest unit tests with -fsanitize=thread
# into DIR (default build-tsan), runs the tests, then indexes the first
# 3,000 corpus posts from a file, again unchanged, from standard input, and
# 400 posts into a file size limit that fails the commit after 390 while the
# feed stays open and idle (the cancel path). Fails on any ThreadSanitizer
# report, and prints it. Not part of CI (a third full
# instrumentation of the index library costs about five minutes of two
# cores); run it after changing src/ingest or the index writer.
#   scripts/tsan.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-tsan}
flags="-fsanitize=thread -fno-omit-frame-pointer"
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
  -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread >/dev/null
ninja -C "$dir" guru-indexer guru_ingest_test guru_index_test

work=$(mktemp -d)
holder=
log=$work/tsan.log
finish() {
  local rc=$?
  if [[ -n $holder ]]; then kill "$holder" 2>/dev/null || true; fi
  if [[ $rc != 0 ]]; then
    if grep -q "WARNING: ThreadSanitizer" "$log" "$work/full.log" 2>/dev/null; then
      grep -h -A40 "WARNING: ThreadSanitizer" "$log" "$work/full.log" 2>/dev/null >&2 || true
      echo "tsan: ThreadSanitizer reported the above" >&2
    else
      tail -40 "$log" >&2 2>/dev/null || true
      echo "tsan: a step failed (above)" >&2
    fi
  fi
  rm -rf "$work"
}
trap finish EXIT
export TSAN_OPTIONS="halt_on_error=0 exitcode=66"
indexer=$dir/indexer/guru-indexer
corpus=data/medquad-liveqa/corpus.jsonl.gz
[[ -s $corpus ]] || {
  echo "tsan: $corpus missing" >&2
  exit 2
}
# head closes the pipe early: zcat's SIGPIPE is expected.
(set +o pipefail; zcat "$corpus" | head -3000 >"$work/posts.jsonl")
head -400 "$work/posts.jsonl" >"$work/feed.jsonl"

step() { echo "tsan: $*"; }
step "unit tests (ingest; index writer and preparer)"
"$dir/tests/guru_ingest_test" >>"$log" 2>&1
"$dir/tests/guru_index_test" --gtest_filter='IndexWriter*:*Prepar*' >>"$log" 2>&1
step "a fresh index from a file, then the same posts again"
"$indexer" --db "$work/db" "$work/posts.jsonl" >>"$log" 2>&1
"$indexer" --db "$work/db" "$work/posts.jsonl" >>"$log" 2>&1
step "from standard input"
"$indexer" --db "$work/db-stdin" - <"$work/posts.jsonl" >>"$log" 2>&1
step "a failed write while the feed stays open"
mkfifo "$work/feed"
# Held open for reading and writing, as tests/indexer/crash_test.cc does: the
# indexer never sees the feed end, so after the last record it waits on an
# idle pipe while the commit after 390 posts fails. (Its own log: the file
# size limit applies to everything the step writes.)
(
  exec 3<>"$work/feed"
  cat "$work/feed.jsonl" >&3
  exec sleep 90
) &
holder=$!
rc=0
(
  trap '' XFSZ
  ulimit -f 400
  exec timeout 60 "$indexer" --db "$work/db-full" --commit-every 390 - <"$work/feed"
) >"$work/full.log" 2>&1 || rc=$?
if [[ $rc != 2 && $rc != 3 ]]; then
  cat "$work/full.log" >&2
  echo "tsan: the failed write exited $rc, expected 2 or 3 (124: it waited on the feed)" >&2
  exit 1
fi
if grep -q "WARNING: ThreadSanitizer" "$log" "$work/full.log"; then exit 1; fi
step "no reports"
