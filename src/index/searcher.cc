#include "index/searcher.h"

#include <xapian.h>

#include <algorithm>
#include <cstdlib>
#include <unordered_set>

#include "absl/strings/str_replace.h"
#include "core/query_text.h"
#include "core/str_cat.h"
#include "core/text.h"
#include "index/schema.h"
#include "index/shards.h"
#include "index/stemming.h"
#include "index/xapian_status.h"

namespace guru {
namespace {

// A commit by the indexer can invalidate blocks a read still needs
// (DatabaseModifiedError); reopening and retrying this often always suffices
// in practice, since each retry sees a fresh revision.
constexpr int kMaxAttempts = 3;

// MSet::snippet() escapes its output for HTML; the API returns plain text on
// one line.
std::string PlainSnippet(const std::string& html) {
  return CollapseWhitespace(
      absl::StrReplaceAll(html, {{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}));
}

absl::StatusOr<v1::Post> DecodePost(const Xapian::Document& doc) {
  v1::Post post;
  if (!post.ParseFromString(doc.get_data())) {
    return absl::DataLossError(
        StrCat("document ", doc.get_docid(), " holds no valid post"));
  }
  return post;
}

}  // namespace

struct Searcher::Impl {
  Xapian::Database db;
  Xapian::Stem stemmer{std::string(schema::kLanguage)};
  // Makes a title's terms as the indexer does (document_builder.cc).
  Xapian::TermGenerator title_generator = [this] {
    Xapian::TermGenerator generator;
    generator.set_stemmer(stemmer);
    generator.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
    return generator;
  }();
  // The background model looks up every word of the answer in the index:
  // one network round trip per word over remote shards (half a second a
  // snippet), so snippets from remote shards pick the first best-matching
  // passage without it.
  unsigned snippet_flags =
      Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE;
  // People's words are text, never syntax: core reduces the query to its
  // content words (punctuation and stopwords gone), and each word becomes the
  // term the index holds for its stem, so nothing can be an operator.
  struct BuiltQuery {
    Xapian::Query query;
    std::unordered_set<std::string> stems;  // Of the content words.
  };

  BuiltQuery BuildQuery(const std::string& text, const RankingOptions& ranking) {
    BuiltQuery built;
    std::vector<Xapian::Query> free_text, title;
    std::vector<std::string> stems;  // In the order of the words.
    for (const std::string& word : QueryWords(text)) {
      const std::string stem = internal::StemWord(stemmer, word);
      if (stem.empty()) continue;
      stems.push_back(stem);
      built.stems.insert(stem);
      const double weight = IsChattyWord(word) ? ranking.chatty_weight : 1.0;
      free_text.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query("Z" + stem),
                             weight);
      title.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                         Xapian::Query(StrCat("Z", schema::kTitlePrefix, stem)), weight);
    }
    if (free_text.empty()) return built;
    built.query = Xapian::Query(Xapian::Query::OP_OR, free_text.begin(), free_text.end());
    if (ranking.title_weight > 0) {
      built.query = Xapian::Query(
          Xapian::Query::OP_OR, built.query,
          Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                        Xapian::Query(Xapian::Query::OP_OR, title.begin(), title.end()),
                        ranking.title_weight));
    }
    if (ranking.synonym_weight > 0) {
      std::vector<Xapian::Query> expansions = Expand(stems, built.stems);
      if (!expansions.empty()) {
        built.query = Xapian::Query(
            Xapian::Query::OP_OR, built.query,
            Xapian::Query(
                Xapian::Query::OP_SCALE_WEIGHT,
                Xapian::Query(Xapian::Query::OP_OR, expansions.begin(), expansions.end()),
                ranking.synonym_weight));
      }
    }
    return built;
  }

  // Synonyms of every run of one to three consecutive words, as queries for
  // all of the synonym's stems; their stems join `stems_seen`.
  std::vector<Xapian::Query> Expand(const std::vector<std::string>& stems,
                                    std::unordered_set<std::string>& stems_seen) {
    constexpr std::size_t kMaxPhraseWords = 3;
    std::vector<Xapian::Query> expansions;
    for (std::size_t i = 0; i < stems.size(); ++i) {
      std::string key;
      for (std::size_t n = 0; n < kMaxPhraseWords && i + n < stems.size(); ++n) {
        if (n > 0) key.push_back(' ');
        key += stems[i + n];
        for (auto it = db.synonyms_begin(key); it != db.synonyms_end(key); ++it) {
          std::vector<Xapian::Query> terms;
          const std::string phrase = *it;
          for (std::size_t start = 0; start < phrase.size();) {
            const std::size_t end = std::min(phrase.find(' ', start), phrase.size());
            const std::string stem = phrase.substr(start, end - start);
            terms.emplace_back("Z" + stem);
            stems_seen.insert(stem);
            start = end + 1;
          }
          expansions.emplace_back(Xapian::Query::OP_AND, terms.begin(), terms.end());
        }
      }
    }
    return expansions;
  }

  // Share of the post's title stems that the query contains. The title's
  // terms are made again from the stored post, exactly as the indexer made
  // them, rather than read from the document's term list: over remote
  // shards a term list is a whole-document transfer per candidate, while the
  // documents of an MSet arrive in one batch (MSet::fetch).
  double TitleCoverage(const Xapian::Document& doc,
                       const std::unordered_set<std::string>& stems) {
    v1::Post post;
    if (!post.ParseFromString(doc.get_data())) return 0.0;
    Xapian::Document title;
    title_generator.set_document(title);
    title_generator.index_text_without_positions(post.title(), 1,
                                                 std::string(schema::kTitlePrefix));
    const std::string prefix = StrCat("Z", schema::kTitlePrefix);
    int total = 0;
    int matched = 0;
    for (Xapian::TermIterator it = title.termlist_begin(); it != title.termlist_end();
         ++it) {
      const std::string term = *it;
      if (!term.starts_with(prefix)) continue;
      ++total;
      if (stems.contains(term.substr(prefix.size()))) ++matched;
    }
    return total == 0 ? 0.0 : static_cast<double>(matched) / total;
  }

  // The post's unique-id term, which does not depend on where the post is
  // stored (docids differ between one index and shards of it).
  std::string IdTermOf(Xapian::docid docid) {
    Xapian::TermIterator it = db.termlist_begin(docid);
    it.skip_to(std::string(schema::kIdPrefix));
    return it != db.termlist_end(docid) ? *it : std::string();
  }

  // Puts candidates of equal score in the order of their ids, so that one
  // index and any sharding of it (local or remote) rank alike; Xapian breaks
  // ties by docid. `candidates` is sorted by score; ids are read only for
  // ties.
  template <typename Candidate>
  void OrderTiesById(std::vector<Candidate>& candidates) {
    for (auto run = candidates.begin(); run != candidates.end();) {
      auto end = std::find_if(run, candidates.end(),
                              [&](const Candidate& c) { return c.score != run->score; });
      if (end - run > 1) {
        std::vector<std::pair<std::string, Candidate>> keyed;
        for (auto it = run; it != end; ++it) keyed.emplace_back(IdTermOf(*it->item), *it);
        std::sort(keyed.begin(), keyed.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& [key, candidate] : keyed) *run++ = candidate;
      }
      run = end;
    }
  }

  SearchPage RunSearch(const SearchParams& params) {
    SearchPage page;
    const RankingOptions& ranking = params.ranking;
    BuiltQuery built = BuildQuery(params.query, ranking);
    if (built.query.empty()) return page;
    Xapian::Enquire enquire(db);
    enquire.set_query(built.query);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    const int wanted = params.offset + params.limit;
    const bool rerank = ranking.title_coverage_boost > 0;
    Xapian::MSet mset = rerank
                            ? enquire.get_mset(0, std::max(ranking.rerank_depth, wanted))
                            : enquire.get_mset(params.offset, params.limit);
    page.total_estimate = mset.get_matches_estimated();

    struct Candidate {
      Xapian::MSetIterator item;
      double score;
    };
    std::vector<Candidate> candidates;
    if (rerank) mset.fetch();
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      double score = it.get_weight();
      if (rerank) {
        score *= 1 + ranking.title_coverage_boost *
                         TitleCoverage(it.get_document(), built.stems);
      }
      candidates.push_back({it, score});
    }
    std::stable_sort(
        candidates.begin(), candidates.end(),
        [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    OrderTiesById(candidates);
    const std::size_t first = rerank ? static_cast<std::size_t>(params.offset) : 0;
    for (std::size_t i = first; i < candidates.size() &&
                                page.hits.size() < static_cast<std::size_t>(params.limit);
         ++i) {
      absl::StatusOr<v1::Post> post = DecodePost(candidates[i].item.get_document());
      if (!post.ok()) continue;  // Skipped, not fatal: the rest still answer.
      SearchHit hit;
      hit.score = candidates[i].score;
      hit.snippet = PlainSnippet(mset.snippet(post->answer(), params.snippet_length,
                                              stemmer, snippet_flags, "", "", "..."));
      hit.post = *std::move(post);
      page.hits.push_back(std::move(hit));
    }
    return page;
  }

  // Runs `op`, reopening the database and retrying when a concurrent commit
  // invalidated what it was reading.
  template <typename Result, typename Op>
  absl::StatusOr<Result> WithRetry(std::string_view context, Op op) {
    for (int attempt = 1;; ++attempt) {
      try {
        return op();
      } catch (const Xapian::DatabaseModifiedError& e) {
        if (attempt == kMaxAttempts) {
          return internal::XapianErrorToStatus(e, context);
        }
        try {
          db.reopen();
        } catch (const Xapian::Error& reopen_error) {
          return internal::XapianErrorToStatus(reopen_error, context);
        }
      } catch (const Xapian::Error& e) {
        return internal::XapianErrorToStatus(e, context);
      }
    }
  }
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

absl::StatusOr<std::unique_ptr<Searcher>> Searcher::Open(const std::string& path) {
  try {
    auto impl = std::make_unique<Impl>();
    impl->db = Xapian::Database(path);
    if (ListsRemoteDatabases(path))
      impl->snippet_flags = Xapian::MSet::SNIPPET_EXHAUSTIVE;
    return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, StrCat("opening index ", path));
  }
}

absl::StatusOr<RankingOptions> ParseRankingOptions(std::string_view spec) {
  RankingOptions options;
  while (!spec.empty()) {
    const std::size_t comma = spec.find(',');
    const std::string_view item = Trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (item.empty()) continue;
    const std::size_t equals = item.find('=');
    const std::string key(Trim(item.substr(0, equals)));
    const std::string value(
        equals == std::string_view::npos ? "" : Trim(item.substr(equals + 1)));
    char* end = nullptr;
    const double number = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || number < 0) {
      return absl::InvalidArgumentError(
          StrCat("ranking: '", item, "' needs a non-negative number after '='"));
    }
    if (key == "title_weight") {
      options.title_weight = number;
    } else if (key == "chatty_weight") {
      options.chatty_weight = number;
    } else if (key == "title_coverage_boost") {
      options.title_coverage_boost = number;
    } else if (key == "rerank_depth") {
      options.rerank_depth = static_cast<int>(number);
    } else if (key == "synonym_weight") {
      options.synonym_weight = number;
    } else {
      return absl::InvalidArgumentError(
          StrCat("ranking: unknown key '", key,
                 "' (known: title_weight, chatty_weight, title_coverage_boost, "
                 "rerank_depth, synonym_weight)"));
    }
  }
  return options;
}

absl::StatusOr<SearchPage> Searcher::Search(const SearchParams& params) {
  return impl_->WithRetry<SearchPage>("searching",
                                      [&] { return impl_->RunSearch(params); });
}

absl::StatusOr<v1::Post> Searcher::GetPost(std::string_view id) {
  auto lookup = [&]() -> absl::StatusOr<v1::Post> {
    const std::string term = schema::IdTerm(id);
    Xapian::PostingIterator it = impl_->db.postlist_begin(term);
    if (it == impl_->db.postlist_end(term)) {
      return absl::NotFoundError(StrCat("no post with id '", id, "'"));
    }
    absl::StatusOr<v1::Post> post = DecodePost(impl_->db.get_document(*it));
    if (post.ok() && post->id() != id) {
      // Two long ids that share their first bytes and hash; vanishingly rare.
      return absl::NotFoundError(StrCat("no post with id '", id, "'"));
    }
    return post;
  };
  absl::StatusOr<absl::StatusOr<v1::Post>> result =
      impl_->WithRetry<absl::StatusOr<v1::Post>>("fetching a post", lookup);
  if (!result.ok()) return result.status();
  return *std::move(result);
}

absl::Status Searcher::Refresh() {
  try {
    impl_->db.reopen();
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, "reopening the index");
  }
}

std::uint64_t Searcher::PostCount() const { return impl_->db.get_doccount(); }

}  // namespace guru
