// sphinx-bench: guru-bench's Search phase against Sphinx Search's searchd,
// over SphinxQL (the MySQL protocol, libmariadb). N concurrent streams (each
// its own connection, one query outstanding at a time) send the question
// file's questions for T seconds after a warm-up, each stream starting at
// question stream * 7919 as guru-bench's do. Each query is what
// bench/sphinx/sphinxql.py builds: the question matched as any word (quorum
// "w1 w2 ..."/1, every special character escaped), BM25F with field weights,
// top LIMIT, and unless --no-snippets the title and an excerpt of the answer
// (SNIPPET()) of each. Prints one line in guru-bench's format.
//
//   sphinx-bench --port PORT --questions FILE [--streams 16] [--seconds 10]
//                [--warmup-seconds 2] [--limit 10] [--no-snippets]
//                [--index medquad] [--k1 1.2] [--b 0.75] [--title 1] [--question 1]
//                [--label Sphinx]
//
// FILE: text lines, `qid<TAB>text` or just text. Exit codes: 0 every query
// succeeded; 1 some failed; 2 usage error. Built by bench/load.sh with g++
// against pkg-config's libmariadb, so the project's own build never needs it.
#include <mysql.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int port = 0;
  std::string questions;
  int streams = 16;
  double seconds = 10;
  double warmup_seconds = 2;
  int limit = 10;
  bool snippets = true;
  std::string index = "medquad";
  std::string k1 = "1.2", b = "0.75", title = "1", question = "1";
  std::string label = "Sphinx";
};

// Whitespace and control characters as one space, as sphinxql.py's _SPACE.
std::string Spaced(const std::string& text) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// `"w1 w2 ..."/1` with every special character of the extended syntax escaped.
std::string Quorum(const std::string& question) {
  std::string out = "\"";
  for (const char c : Spaced(question)) {
    if (std::strchr("\\()|-!@~\"&/^$=<*?%", c) != nullptr) out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"/1";
}

// A SphinxQL string literal.
std::string Literal(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

std::string Statement(const Options& o, const std::string& question) {
  std::string columns = "id, postid, WEIGHT() AS w";
  if (o.snippets)
    columns += ", title, SNIPPET(answer, " + Literal(Spaced(question)) + ") AS s";
  return "SELECT " + columns + " FROM " + o.index + " WHERE MATCH(" +
         Literal(Quorum(question)) + ") LIMIT " + std::to_string(o.limit) +
         " OPTION ranker=expr('100000000*bm25f(" + o.k1 + "," + o.b +
         ",{title=" + o.title + ",question=" + o.question + ",answer=1})')";
}

struct Stream {
  std::vector<double> latencies_ms;
  long failed = 0;
  std::string first_error;
};

double At(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double last = static_cast<double>(sorted.size() - 1);
  return sorted[static_cast<std::size_t>(std::lround(q * last))];
}

bool Parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--no-snippets") {
      o.snippets = false;
      continue;
    }
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (flag == "--port")
      o.port = std::atoi(value.c_str());
    else if (flag == "--questions")
      o.questions = value;
    else if (flag == "--streams")
      o.streams = std::atoi(value.c_str());
    else if (flag == "--seconds")
      o.seconds = std::atof(value.c_str());
    else if (flag == "--warmup-seconds")
      o.warmup_seconds = std::atof(value.c_str());
    else if (flag == "--limit")
      o.limit = std::atoi(value.c_str());
    else if (flag == "--index")
      o.index = value;
    else if (flag == "--k1")
      o.k1 = value;
    else if (flag == "--b")
      o.b = value;
    else if (flag == "--title")
      o.title = value;
    else if (flag == "--question")
      o.question = value;
    else if (flag == "--label")
      o.label = value;
    else
      return false;
  }
  return o.port > 0 && !o.questions.empty() && o.streams >= 1 && o.streams <= 4096 &&
         o.seconds > 0 && o.warmup_seconds >= 0 && o.limit >= 1 && o.limit <= 1000;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!Parse(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: sphinx-bench --port PORT --questions FILE [--streams 16] "
                 "[--seconds 10] [--warmup-seconds 2] [--limit 10] [--no-snippets] "
                 "[--index medquad] [--k1 1.2] [--b 0.75] [--title 1] [--question 1] "
                 "[--label Sphinx]\n");
    return 2;
  }
  std::vector<std::string> questions;
  {
    std::ifstream in(options.questions);
    if (!in) {
      std::fprintf(stderr, "sphinx-bench: --questions %s: cannot open\n",
                   options.questions.c_str());
      return 2;
    }
    for (std::string line; std::getline(in, line);) {
      const std::size_t tab = line.find('\t');
      std::string text = tab == std::string::npos ? line : line.substr(tab + 1);
      if (text.find_first_not_of(" \t\r") != std::string::npos) questions.push_back(text);
    }
  }
  if (questions.empty()) {
    std::fprintf(stderr, "sphinx-bench: --questions %s: no questions\n",
                 options.questions.c_str());
    return 2;
  }
  if (mysql_library_init(0, nullptr, nullptr) != 0) {
    std::fprintf(stderr, "sphinx-bench: mysql_library_init failed\n");
    return 2;
  }

  // One connection per stream, opened before the clock starts.
  const auto count = static_cast<std::size_t>(options.streams);
  std::vector<MYSQL*> connections(count, nullptr);
  for (MYSQL*& connection : connections) {
    connection = mysql_init(nullptr);
    if (connection == nullptr ||
        mysql_real_connect(connection, "127.0.0.1", "", "", nullptr,
                           static_cast<unsigned>(options.port), nullptr, 0) == nullptr) {
      std::fprintf(stderr, "sphinx-bench: cannot connect to 127.0.0.1:%d: %s\n",
                   options.port, connection ? mysql_error(connection) : "out of memory");
      return 2;
    }
  }

  std::vector<Stream> results(count);
  std::atomic<bool> measuring{false};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      mysql_thread_init();
      Stream& out = results[i];
      MYSQL* connection = connections[i];
      for (long n = static_cast<long>(i) * 7919; !done.load(); ++n) {
        const Clock::time_point start = Clock::now();
        // The statement is built inside the timed call, as guru-bench builds
        // its request there.
        const std::string sql =
            Statement(options, questions[static_cast<std::size_t>(n) % questions.size()]);
        bool ok = mysql_real_query(connection, sql.data(), sql.size()) == 0;
        if (ok) {
          MYSQL_RES* result = mysql_store_result(connection);
          if (result != nullptr) {
            while (mysql_fetch_row(result) != nullptr) {
            }
            mysql_free_result(result);
          } else {
            ok = mysql_field_count(connection) == 0;
          }
        }
        const double ms =
            std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        if (!measuring.load() || done.load()) continue;
        out.latencies_ms.push_back(ms);
        if (!ok) {
          if (out.failed++ == 0) out.first_error = mysql_error(connection);
        }
      }
      mysql_thread_end();
    });
  }
  std::this_thread::sleep_for(
      std::chrono::milliseconds(std::lround(options.warmup_seconds * 1000)));
  measuring = true;
  const Clock::time_point start = Clock::now();
  std::this_thread::sleep_for(
      std::chrono::milliseconds(std::lround(options.seconds * 1000)));
  done = true;
  const Clock::time_point end = Clock::now();
  for (std::thread& thread : threads) thread.join();
  for (MYSQL* connection : connections) mysql_close(connection);
  mysql_library_end();

  std::vector<double> latencies;
  long failed = 0;
  std::string first_error;
  for (const Stream& stream : results) {
    latencies.insert(latencies.end(), stream.latencies_ms.begin(),
                     stream.latencies_ms.end());
    failed += stream.failed;
    if (first_error.empty()) first_error = stream.first_error;
  }
  std::sort(latencies.begin(), latencies.end());
  const double seconds = std::chrono::duration<double>(end - start).count();
  std::printf(
      "%-13s streams=%d calls=%zu failed=%ld seconds=%.1f qps=%.0f p50_ms=%.3f "
      "p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
      options.label.c_str(), options.streams, latencies.size(), failed, seconds,
      static_cast<double>(latencies.size()) / seconds, At(latencies, 0.5),
      At(latencies, 0.9), At(latencies, 0.99),
      latencies.empty() ? 0.0 : latencies.back());
  if (failed > 0) {
    std::printf("%-13s   first failure: %s\n", options.label.c_str(),
                first_error.c_str());
  }
  return failed == 0 ? 0 : 1;
}
