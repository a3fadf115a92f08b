#!/usr/bin/env bash
# Indexing against Xapian's own indexer: guru-indexer and omega's scriptindex
# (Debian's xapian-omega) index the same medquad-liveqa posts into fresh
# databases, alternately, RUNS times each; the best wall time of each is
# kept. scriptindex gets an equivalent index script
# (bench/scriptindex/guru.script: unique id, title/question/answer as
# prefixed and free text without positions, boolean category/expert, date
# values, stored fields) and the posts as its dump format, converted before
# timing. guru-indexer additionally parses and validates the JSON, computes
# fingerprints and stores each post as protobuf. Sphinx Search 2.2.11's
# `indexer` (Debian's sphinxsearch, set up by bench/sphinx/lib.sh: fields
# title, question, answer, stem_en, stopwords, title and answer also stored
# for excerpts) indexes the same posts in the same rounds, from xmlpipe2
# converted before timing. Appends the figures, with machine, date and
# commit, to bench/results/indexing.md.
#   bench/index_vs_scriptindex.sh [BUILD_DIR] [RUNS]
# Installs Debian's sphinxsearch when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-rel}
runs=${2:-3}
indexer=$build/indexer/guru-indexer
[[ -x $indexer ]] || { echo "build first: scripts/build.sh $build -DCMAKE_BUILD_TYPE=Release -DGURU_BUILD_TESTS=OFF" >&2; exit 2; }
command -v scriptindex >/dev/null || { echo "scriptindex missing: apt-get install xapian-omega" >&2; exit 2; }

source bench/sphinx/lib.sh
sphinx_install

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
zcat data/medquad-liveqa/corpus.jsonl.gz >"$work/corpus.jsonl"
/usr/bin/python3 bench/scriptindex/jsonl_to_dump.py <"$work/corpus.jsonl" >"$work/corpus.dump"
convert_start=$(date +%s%N)
sphinx_prepare "$work/sphinx" "$work/corpus.jsonl"
convert_s=$(echo "scale=2; ($(date +%s%N) - $convert_start) / 1000000000" | bc)
posts=$(wc -l <"$work/corpus.jsonl")

seconds_of() {  # seconds_of COMMAND...: wall seconds of the command
  local start end
  start=$(date +%s%N)
  "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  end=$(date +%s%N)
  echo "scale=3; ($end - $start) / 1000000000" | bc
}
best_guru= best_si= best_sphinx=
for i in $(seq 1 "$runs"); do
  rm -rf "$work/guru" "$work/si" "$work"/sphinx/data/medquad.*
  g=$(seconds_of "$indexer" --db "$work/guru" "$work/corpus.jsonl")
  s=$(seconds_of scriptindex "$work/si" bench/scriptindex/guru.script "$work/corpus.dump")
  x=$(seconds_of indexer --config "$SPHINX_CONF" --quiet medquad)
  echo "run $i: guru-indexer ${g}s, scriptindex ${s}s, Sphinx indexer ${x}s"
  if [[ -z $best_guru ]] || (( $(echo "$g < $best_guru" | bc -l) )); then best_guru=$g; fi
  if [[ -z $best_si ]] || (( $(echo "$s < $best_si" | bc -l) )); then best_si=$s; fi
  if [[ -z $best_sphinx ]] || (( $(echo "$x < $best_sphinx" | bc -l) )); then best_sphinx=$x; fi
done
sphinx_docs=$(indextool --config "$SPHINX_CONF" --dumpheader medquad 2>/dev/null |
  sed -n 's/^total-documents: *//p' || true)
guru_docs=$(xapian-delve "$work/guru" 2>/dev/null | sed -n "s/^number of documents *= *//p" || true)
si_docs=$(xapian-delve "$work/si" 2>/dev/null | sed -n "s/^number of documents *= *//p" || true)
ratio=$(echo "scale=3; $best_guru / $best_si" | bc)
sphinx_ratio=$(printf '%.2f' "$(echo "scale=4; $best_guru / $best_sphinx" | bc)")
{
  echo
  echo "## guru-indexer vs scriptindex vs Sphinx indexer, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
  echo
  echo "| measure | guru-indexer | scriptindex | Sphinx 2.2.11 indexer |"
  echo "|---|---|---|---|"
  echo "| posts in (medquad-liveqa) | $posts | $posts | $posts |"
  echo "| documents in the index | ${guru_docs:-?} | ${si_docs:-?} | ${sphinx_docs:-?} |"
  echo "| fresh index, best of $runs | ${best_guru} s | ${best_si} s | ${best_sphinx} s |"
  echo "| index size on disk | $(( $(du -sb "$work/guru" | cut -f1) / 1048576 )) MiB | $(( $(du -sb "$work/si" | cut -f1) / 1048576 )) MiB | $(( $(cat "$work"/sphinx/data/medquad.* | wc -c) / 1048576 )) MiB |"
  echo
  echo "guru-indexer / scriptindex wall time: **$ratio** (target <= 0.7)"
  echo
  echo "guru-indexer / Sphinx indexer wall time: **$sphinx_ratio** (issue 15's target <= 2.5; runs"
  echo "alternate, the three indexers one after another in each; Sphinx reads xmlpipe2"
  echo "converted before timing (${convert_s} s), as scriptindex reads its dump; $(nproc) shared cores, load"
  echo "average when done $(cut -d' ' -f1-3 /proc/loadavg))"
} | tee -a bench/results/indexing.md
