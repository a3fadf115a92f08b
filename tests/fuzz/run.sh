#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for
# SECONDS (default 60), seeded with the sample posts and the test fixtures.
# Crashes are written to build-fuzz/findings/ and make the script fail.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(page_parser_fuzzer jsonl_fuzzer api_fuzzer)

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DGURU_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build-fuzz "${targets[@]}" >/dev/null

# libxapian's Database::check frees with a sized delete of the wrong size
# (inside Xapian; see scripts/test.sh).
export ASAN_OPTIONS=${ASAN_OPTIONS:-new_delete_type_mismatch=0}
mkdir -p build-fuzz/findings
# The targets' scratch files (api_fuzzer's index) go to a directory of this
# run's own, removed at the end however the run ends.
TMPDIR=$(mktemp -d)
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$target
  mkdir -p "$corpus"
  case $target in
    page_parser_fuzzer) seeds=(data/sample tests/fixtures/layouts) ;;
    jsonl_fuzzer) seeds=(tests/fixtures/jsonl) ;;
    api_fuzzer) seeds=(tests/fuzz/api_seeds) ;;
  esac
  echo "fuzz: $target for ${seconds}s"
  "build-fuzz/tests/fuzz/$target" "$corpus" "${seeds[@]}" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix=build-fuzz/findings/ -print_final_stats=1 2>&1 |
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|Done)' || true
  if compgen -G "build-fuzz/findings/*" >/dev/null; then
    echo "fuzz: $target found a crash: $(ls build-fuzz/findings)" >&2
    exit 1
  fi
done
echo "fuzz: no findings"
