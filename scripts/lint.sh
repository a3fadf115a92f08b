#!/usr/bin/env bash
# Style and static checks on our own files (generated code excluded):
# clang-format (Google base, .clang-format) and clang-tidy (.clang-tidy).
#   scripts/lint.sh [BUILD_DIR]   BUILD_DIR holds compile_commands.json
#   scripts/lint.sh --fix         reformat in place instead of checking
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t sources < <(git ls-files 'src/*.cc' 'src/*.h' 'indexer/*.cc' 'tools/*.cc' 'tests/*.cc' 'tests/*.h')
if [[ ${1:-} == --fix ]]; then
  clang-format -i "${sources[@]}"
  exit 0
fi
build=${1:-build}

echo "lint: clang-format on ${#sources[@]} files"
clang-format --dry-run --Werror "${sources[@]}"

mapfile -t tidy_sources < <(git ls-files 'src/*.cc' 'indexer/*.cc' 'tools/*.cc')
echo "lint: clang-tidy on ${#tidy_sources[@]} files"
printf '%s\n' "${tidy_sources[@]}" |
  xargs -P "$(nproc)" -n 1 clang-tidy -p "$build" --quiet 2>/dev/null
echo "lint: ok"
