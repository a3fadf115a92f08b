#include "index/searcher.h"

#include <xapian.h>

#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "core/query_text.h"
#include "core/str_cat.h"
#include "core/text.h"
#include "index/schema.h"
#include "index/xapian_status.h"

namespace guru {
namespace {

// A commit by the indexer can invalidate blocks a read still needs
// (DatabaseModifiedError); reopening and retrying this often always suffices
// in practice, since each retry sees a fresh revision.
constexpr int kMaxAttempts = 3;

// Weight of a match in the title relative to the free text.
constexpr double kTitleWeight = 0.5;

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
  Xapian::QueryParser parser;

  Impl() {
    parser.set_stemmer(stemmer);
    parser.set_default_op(Xapian::Query::OP_OR);
  }

  // Free text holds words and stems (STEM_SOME); fields hold only stems.
  Xapian::Query ParseWords(const std::string& text, std::string_view prefix) {
    parser.set_stemming_strategy(prefix.empty() ? Xapian::QueryParser::STEM_SOME
                                                : Xapian::QueryParser::STEM_ALL_Z);
    return parser.parse_query(text, /*flags=*/0, std::string(prefix));
  }

  // People's words are text, never syntax: core reduces the query to its
  // content words (punctuation and stopwords gone), and the parser gets no
  // query-language flags, so nothing in it can be an operator.
  Xapian::Query BuildQuery(const std::string& text) {
    const std::vector<std::string> words = QueryWords(text);
    if (words.empty()) return Xapian::Query();
    const std::string content = absl::StrJoin(words, " ");
    Xapian::Query free_text = ParseWords(content, "");
    Xapian::Query title = ParseWords(content, schema::kTitlePrefix);
    return Xapian::Query(
        Xapian::Query::OP_OR, free_text,
        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, title, kTitleWeight));
  }

  SearchPage RunSearch(const SearchParams& params) {
    SearchPage page;
    Xapian::Query query = BuildQuery(params.query);
    if (query.empty()) return page;
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    Xapian::MSet mset = enquire.get_mset(params.offset, params.limit);
    page.total_estimate = mset.get_matches_estimated();
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      Xapian::Document doc = it.get_document();
      absl::StatusOr<v1::Post> post = DecodePost(doc);
      if (!post.ok()) continue;  // Skipped, not fatal: the rest still answer.
      SearchHit hit;
      hit.score = it.get_weight();
      hit.snippet = PlainSnippet(mset.snippet(
          post->answer(), params.snippet_length, stemmer,
          Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE, "",
          "", "..."));
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
    impl->parser.set_database(impl->db);
    return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, StrCat("opening index ", path));
  }
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
