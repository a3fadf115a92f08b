#!/usr/bin/env bash
# ThreadSanitizer check of the indexer's two threads (the JSONL reader that
# parses and prepares posts, the writer that commits them): builds
# guru-indexer and the index and ingest unit tests with -fsanitize=thread
# into DIR (default build-tsan), runs the tests, then indexes the first
# 3,000 corpus posts from a file, again unchanged, from standard input, and
# into a file size limit while the feed stays open (the cancel path). Fails
# on any ThreadSanitizer report. Not part of CI (a third full
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
trap 'if [[ -n $holder ]]; then kill "$holder" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
export TSAN_OPTIONS="halt_on_error=0 exitcode=66"
log=$work/tsan.log
indexer=$dir/indexer/guru-indexer
# head closes the pipe early: zcat's SIGPIPE is expected.
(set +o pipefail; zcat data/medquad-liveqa/corpus.jsonl.gz | head -3000 >"$work/posts.jsonl")

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
(
  exec 3>"$work/feed"
  cat "$work/posts.jsonl" >&3
  sleep 60
) &
holder=$!
rc=0
(
  trap '' XFSZ
  ulimit -f 400
  exec timeout 60 "$indexer" --db "$work/db-full" --commit-every 500 - <"$work/feed"
) >>"$log" 2>&1 || rc=$?
if [[ $rc != 2 && $rc != 3 ]]; then
  echo "tsan: the failed write exited $rc, expected 2 or 3" >&2
  exit 1
fi
if grep -q "WARNING: ThreadSanitizer" "$log"; then
  grep -A30 "WARNING: ThreadSanitizer" "$log" >&2
  echo "tsan: ThreadSanitizer reported the above" >&2
  exit 1
fi
step "no reports"
