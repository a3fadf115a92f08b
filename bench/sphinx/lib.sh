# Sourced by the benchmarks that run Sphinx Search 2.2.11 beside Guru
# (bench/relevance.sh, bench/load.sh, bench/index_vs_scriptindex.sh):
# installs it from Debian when missing, converts the corpus to xmlpipe2,
# writes a sphinx.conf, indexes, starts searchd on a free loopback port and
# stops it again. Everything lives in the directory given to sphinx_prepare.
#
# The configuration, chosen to be fair to Sphinx (issues 15 and 17):
#   - fields title, question and answer; the post's id as a string attribute;
#     title and answer stored as string attributes too (SNIPPET() needs the
#     text; Sphinx 2.2 stores none of its own);
#   - morphology = stem_en (Porter), min_word_len = 1 (so "vitamin d" and
#     "hepatitis b" keep their letter), html_strip = 0 (the corpus is plain
#     text: no post holds a tag), index_field_lengths = 1 (BM25F's length
#     normalisation needs it);
#   - stopwords (bench/sphinx/stopwords.txt): Guru's own list of English
#     function words (kStopwords, src/core/query_text.cc), applied before
#     stemming as Guru applies it; Sphinx splits words at apostrophes, so a
#     contraction ("don't") is listed as its parts ("don", "t"; "d" is left
#     out for "vitamin d", "won" because it is a word);
#   - two indexes of the same posts: `medquad` with those stopwords and
#     `medquad_conv` with Guru's conversational words (kChattyWords: please,
#     thanks, wondering ..., bench/sphinx/stopwords-conversational.txt) as
#     stopwords too; the relevance grid tries both;
#   - searchd: workers = threads, no watchdog process, SphinxQL (mysql41) on
#     127.0.0.1 only, pid, logs and binlog in the work directory, no query log.
#
#   sphinx_install                 installs sphinxsearch, libmariadb-dev,
#                                  mariadb-client, python3-pymysql if missing
#   sphinx_prepare DIR CORPUS      corpus -> DIR/corpus.xml, DIR/sphinx.conf;
#                                  sets SPHINX_DIR, SPHINX_CONF, SPHINX_PORT
#   sphinx_index [INDEX...]        indexer --all (or the indexes named)
#   sphinx_start                   starts searchd, waits until it answers;
#                                  sets SPHINX_PID
#   sphinx_stop                    stops it (safe to call twice, for traps)

SPHINX_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

sphinx_install() {
  # sphinxsearch: indexer and searchd 2.2.11, the peer itself.
  # libmariadb-dev: the C client library the load client (sphinx_bench.cc) links.
  # mariadb-client: the `mariadb` command, to look at a running searchd by hand.
  # python3-pymysql: the relevance harness's SphinxQL client.
  local packages=(sphinxsearch libmariadb-dev mariadb-client python3-pymysql) missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) != 0 ]]; then
    echo "sphinx: ${missing[*]} missing; install as root: apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
  echo "sphinx: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

_sphinx_free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

sphinx_prepare() {
  SPHINX_DIR=$1
  local corpus=$2
  mkdir -p "$SPHINX_DIR/data" "$SPHINX_DIR/binlog"
  if ! /usr/bin/python3 "$SPHINX_LIB_DIR/to_xmlpipe2.py" "$corpus" >"$SPHINX_DIR/corpus.xml" \
    2>"$SPHINX_DIR/to_xmlpipe2.log"; then
    cat "$SPHINX_DIR/to_xmlpipe2.log" >&2
    echo "sphinx: converting $corpus to xmlpipe2 failed" >&2
    exit 1
  fi
  cp "$SPHINX_LIB_DIR/stopwords.txt" "$SPHINX_LIB_DIR/stopwords-conversational.txt" "$SPHINX_DIR/"
  SPHINX_PORT=$(_sphinx_free_port)
  SPHINX_CONF=$SPHINX_DIR/sphinx.conf
  cat >"$SPHINX_CONF" <<EOF
source medquad
{
  type = xmlpipe2
  xmlpipe_command = cat $SPHINX_DIR/corpus.xml
  xmlpipe_attr_string = postid
  xmlpipe_field_string = title
  xmlpipe_field = question
  xmlpipe_field_string = answer
}

index medquad
{
  source = medquad
  path = $SPHINX_DIR/data/medquad
  docinfo = extern
  dict = keywords
  morphology = stem_en
  min_word_len = 1
  html_strip = 0
  index_field_lengths = 1
  stopwords = $SPHINX_DIR/stopwords.txt
  stopwords_unstemmed = 1
}

index medquad_conv : medquad
{
  path = $SPHINX_DIR/data/medquad_conv
  stopwords = $SPHINX_DIR/stopwords.txt $SPHINX_DIR/stopwords-conversational.txt
}

indexer
{
  mem_limit = 128M
}

searchd
{
  listen = 127.0.0.1:$SPHINX_PORT:mysql41
  workers = threads
  # No watchdog process: the searchd we start is the one that searches, so
  # its CPU and memory in /proc are the server's (bench/load.sh).
  watchdog = 0
  log = $SPHINX_DIR/searchd.log
  pid_file = $SPHINX_DIR/searchd.pid
  binlog_path = $SPHINX_DIR/binlog
  read_timeout = 5
  client_timeout = 300
  max_children = 0
}
EOF
}

sphinx_index() {
  local what=("$@")
  ((${#what[@]})) || what=(--all)
  if ! indexer --config "$SPHINX_CONF" --quiet "${what[@]}" >"$SPHINX_DIR/indexer.log" 2>&1; then
    cat "$SPHINX_DIR/indexer.log" >&2
    echo "sphinx: indexer failed" >&2
    exit 1
  fi
}

sphinx_start() {
  searchd --config "$SPHINX_CONF" --nodetach >"$SPHINX_DIR/searchd.out" 2>&1 &
  SPHINX_PID=$!
  local _
  for _ in $(seq 1 100); do
    if /usr/bin/python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
sys.exit(0 if s.recv(1) else 1)' "$SPHINX_PORT" 2>/dev/null; then
      return 0
    fi
    kill -0 "$SPHINX_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$SPHINX_DIR/searchd.out" "$SPHINX_DIR/searchd.log" >&2 2>/dev/null || true
  echo "sphinx: searchd did not answer on 127.0.0.1:$SPHINX_PORT" >&2
  exit 1
}

sphinx_stop() {
  if [[ -n ${SPHINX_PID:-} ]]; then
    kill "$SPHINX_PID" 2>/dev/null && wait "$SPHINX_PID" 2>/dev/null
    SPHINX_PID=
  fi
  return 0
}
