#include "index/searcher.h"

#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/strings/str_replace.h"
#include "core/aspect_model.h"
#include "core/passage.h"
#include "core/status_detail.h"
#include "core/str_cat.h"
#include "core/text.h"
#include "index/query_builder.h"
#include "index/ranking.h"
#include "index/schema.h"
#include "index/shards.h"
#include "index/stemming.h"
#include "index/xapian_status.h"

namespace guru {
namespace {

// A commit by the indexer can invalidate blocks a read still needs
// (DatabaseModifiedError, or garbage that looks like damage, retried only
// when a newer revision exists); reopening and
// retrying this often almost always suffices, since each retry sees a fresh
// revision. SearcherPool::Run retries whole requests beyond that.
constexpr int kMaxAttempts = 3;

// MSet::snippet() escapes its output for HTML; the API returns plain text on
// one line.
std::string PlainSnippet(const std::string& html) {
  return CollapseWhitespace(
      absl::StrReplaceAll(html, {{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}));
}

// What the words of a page's answers are to one query, for their passages.
// Every word of ten answers is asked about: those no query stem can come
// from are turned away without stemming, and the rest are stemmed once per
// page rather than once per answer. One per search, on its thread; the
// stemmer and the terms must outlive it.
class PassageWords {
 public:
  PassageWords(const Xapian::Stem& stemmer, const internal::QueryTerms& terms)
      : stemmer_(stemmer), terms_(terms) {
    for (const internal::QueryTerm& term : terms.all()) prefixes_.Add(term.stem);
  }

  // Null when the query does not search for `lower_word`; valid as long as
  // this object.
  const WordMatch* Match(const std::string& lower_word) {
    if (!prefixes_.MayStemToAny(lower_word)) return nullptr;
    auto [it, inserted] = seen_.try_emplace(lower_word);
    if (inserted) {
      std::string stem = internal::StemWord(stemmer_, lower_word);
      if (const double* weight = terms_.WeightOf(stem)) {
        it->second = {std::move(stem), *weight};
      }
    }
    return it->second.weight > 0 ? &it->second : nullptr;
  }

 private:
  const Xapian::Stem& stemmer_;
  const internal::QueryTerms& terms_;
  internal::StemPrefixFilter prefixes_;
  std::unordered_map<std::string, WordMatch> seen_;
};

// Snippet length for related posts, in characters.
constexpr std::size_t kRelatedSnippetLength = 200;

// Facet counts consider at least this many of the best matches.
constexpr Xapian::doccount kFacetDepth = 1000;

// ESet size for "more like this": enough terms to characterise a post.
constexpr Xapian::termcount kRelatedTerms = 40;

Xapian::Query AnyOf(std::string_view prefix, const std::vector<std::string>& values) {
  std::vector<Xapian::Query> terms;
  terms.reserve(values.size());
  for (const std::string& value : values) {
    terms.emplace_back(schema::FilterTerm(prefix, value));
  }
  return {Xapian::Query::OP_OR, terms.begin(), terms.end()};
}

// The filter as a boolean query; empty when nothing is restricted.
Xapian::Query FilterQuery(const SearchFilterParams& filter) {
  std::vector<Xapian::Query> parts;
  if (!filter.categories.empty()) {
    parts.push_back(AnyOf(schema::kCategoryPrefix, filter.categories));
  }
  if (!filter.experts.empty())
    parts.push_back(AnyOf(schema::kExpertPrefix, filter.experts));
  const std::string from = schema::DateValue(filter.date_from);
  const std::string to = schema::DateValue(filter.date_to);
  if (!from.empty() && !to.empty()) {
    parts.emplace_back(Xapian::Query::OP_VALUE_RANGE, schema::kPostDateSlot, from, to);
  } else if (!from.empty()) {
    parts.emplace_back(Xapian::Query::OP_VALUE_GE, schema::kPostDateSlot, from);
  } else if (!to.empty()) {
    // Posts without a date have an empty value, which sorts first.
    parts.emplace_back(Xapian::Query::OP_VALUE_RANGE, schema::kPostDateSlot, "0", to);
  }
  return {Xapian::Query::OP_AND, parts.begin(), parts.end()};
}

// FAILED_PRECONDITION, for operators, when the index was written with
// another schema version than this server reads (the writer refuses it
// likewise): its documents may lack what ranking reads, such as slot 6.
// UNAVAILABLE, as for a missing index, when an indexer created the database
// but died before its first commit (no version, no posts): the writer takes
// that state as new too.
absl::Status CheckSchemaVersion(const Xapian::Database& db, const std::string& path) {
  const std::string version = db.get_metadata(std::string(schema::kSchemaVersionKey));
  if (version == schema::kSchemaVersion) return absl::OkStatus();
  if (version.empty() && db.get_doccount() == 0) {
    return ForOperators(absl::UnavailableError(
        StrCat("no index at ", path, " yet: its creation did not finish")));
  }
  return ForOperators(absl::FailedPreconditionError(
      StrCat(path, " was written with schema version ",
             version.empty() ? std::string("(none)") : version, ", this is ",
             schema::kSchemaVersion, "; reindex into a new directory")));
}

// The sharded index at `path` with its shards served by `processes`
// xapian-progsrv children (process k holds shards k, k + processes, ...) and
// its side database read here; nullopt when `path` is no sharded directory
// that guru-indexer wrote, which then opens as its stub says.
absl::StatusOr<std::optional<Xapian::Database>> OpenThroughShardProcesses(
    const std::string& path, int processes) {
  absl::StatusOr<std::vector<std::string>> paths = ShardedDatabasePaths(path);
  if (!paths.ok() || paths->empty()) return std::nullopt;
  absl::StatusOr<std::string> program = LocateShardServer();
  if (!program.ok()) return program.status();
  const std::size_t shards = paths->size() - 1;  // The side database comes last.
  const std::size_t children = std::min(static_cast<std::size_t>(processes), shards);
  std::vector<std::string> args(children);
  for (std::size_t shard = 0; shard < shards; ++shard) {
    std::error_code ec;
    const std::string dir = std::filesystem::absolute((*paths)[shard], ec).string();
    // Xapian splits a remote program's arguments at spaces.
    if (dir.find_first_of(" \t") != std::string::npos) {
      return ForOperators(absl::FailedPreconditionError(
          StrCat("shard processes cannot serve ", dir,
                 ": xapian-progsrv's arguments may not contain spaces")));
    }
    std::string& served = args[shard % children];
    served += served.empty() ? dir : StrCat(" ", dir);
  }
  Xapian::Database db;
  for (const std::string& served : args)
    db.add_database(Xapian::Remote::open(*program, served));
  db.add_database(Xapian::Database(paths->back()));
  return db;
}

}  // namespace

struct Searcher::Impl {
  Xapian::Database db;
  Xapian::Stem stemmer{std::string(schema::kLanguage)};
  SearcherOptions options;
  // Set for remote databases (a stub's `remote` lines, shard processes),
  // where every read is a round trip: ranking reads neither posting lists
  // nor term lists nor the head's documents (ranking.h), and related posts'
  // snippets go without the background model (which looks up every word of
  // the answer in the index: half a second a snippet).
  internal::Locality locality = internal::Locality::kLocal;
  // Earlier turns read at the revision `db` is at (cleared by Reopen).
  internal::TurnMemo turns;

  // Moves `db` to the latest revision: true when it may have moved. A
  // reopen that fails may have moved some shards: the turns go too.
  bool Reopen() {
    bool moved = true;
    try {
      moved = db.reopen();
    } catch (...) {
      turns.Clear();
      throw;
    }
    if (moved) turns.Clear();
    return moved;
  }

  v1::Passage Passage(const std::string& answer, PassageWords& words) {
    const BestPassage best = FindBestPassage(
        answer, [&](const std::string& word) { return words.Match(word); });
    v1::Passage passage;
    passage.set_text(best.text);
    passage.mutable_span()->set_start(static_cast<std::int32_t>(best.span.begin));
    passage.mutable_span()->set_end(static_cast<std::int32_t>(best.span.end));
    for (const CharSpan& highlight : best.highlights) {
      v1::TextSpan* span = passage.add_highlights();
      span->set_start(static_cast<std::int32_t>(highlight.begin));
      span->set_end(static_cast<std::int32_t>(highlight.end));
    }
    return passage;
  }

  // The page for `params`; a NO_MATCH page has no results or facets unless
  // `keep_no_match`.
  SearchPage RunSearch(const SearchParams& params, bool keep_no_match) {
    SearchPage page;
    v1::SearchResponse& response = page.response;
    const RankingOptions& ranking = options.ranking;
    internal::BuiltQuery built =
        internal::BuildQuery(db, stemmer, options.dictionary.get(), params.query,
                             params.context, ranking, &turns, locality);
    *response.mutable_interpretation() = std::move(built.interpretation);
    response.set_answer_status(v1::NO_MATCH);
    if (built.query.empty()) return page;

    const Xapian::Query filter = FilterQuery(params.filter);
    const auto filtered = [&filter](const Xapian::Query& query) {
      return filter.empty() ? query
                            : Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
    };
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(*internal::MakeWeight(ranking));
    // Ranking needs the re-ranked head whole, whatever page is asked for,
    // so that pages of one query never overlap.
    const int wanted = params.offset + params.limit;
    const Xapian::doccount depth =
        static_cast<Xapian::doccount>(std::max(ranking.rerank_depth, wanted + 1));
    enquire.set_query(filtered(built.query));
    internal::PrepareEnquire(enquire, locality);
    Xapian::ValueCountMatchSpy categories(schema::kCategorySlot);
    if (params.facets) enquire.add_matchspy(&categories);
    // Without facets the matcher may stop early (max-weight pruning): the
    // estimate is then rougher, the ranking the same.
    const Xapian::MSet mset = enquire.get_mset(0, depth, params.facets ? kFacetDepth : 0);
    response.set_total_estimate(mset.get_matches_estimated());
    for (auto it = categories.top_values_begin(kFacetDepth);
         it != categories.top_values_end(kFacetDepth); ++it) {
      v1::FacetCount* facet = response.add_category_facets();
      facet->set_value(*it);
      facet->set_count(it.get_termfreq());
    }

    const std::vector<internal::RankedCandidate> ranked = internal::RankCandidates(
        db, stemmer, mset, built, ranking, static_cast<std::size_t>(wanted), locality);
    response.set_answer_status(internal::DecideAnswerStatus(ranked, built));
    if (response.answer_status() == v1::NO_MATCH && !keep_no_match) {
      response.clear_category_facets();
      return page;
    }
    page.has_more =
        ranked.size() > static_cast<std::size_t>(wanted) ||
        mset.get_matches_lower_bound() > static_cast<Xapian::doccount>(wanted);
    PassageWords passage_words(stemmer, built.terms);
    for (std::size_t i = params.offset;
         i < ranked.size() && response.results_size() < params.limit; ++i) {
      // Fetched with the head, which covers every page (RankCandidates reads
      // offset + limit documents at least).
      absl::StatusOr<v1::Post> post = internal::DecodePost(ranked[i].document);
      if (!post.ok()) continue;  // Skipped, not fatal: the rest still answer.
      v1::SearchResult& result = *response.add_results();
      result.set_score(ranked[i].score);
      result.set_confidence(ranked[i].confidence);
      page.features.push_back(ranked[i].features);
      *result.mutable_passage() = Passage(post->answer(), passage_words);
      // The snippet starts where the passage does: Xapian's own snippet
      // weighs every word of the answer against the index, which cost half
      // of a search's time.
      result.set_snippet(SnippetAt(
          post->answer(), static_cast<std::size_t>(result.passage().span().start()),
          static_cast<std::size_t>(params.snippet_length)));
      *result.mutable_post() = *std::move(post);
    }
    return page;
  }

  absl::StatusOr<Xapian::docid> FindDocument(std::string_view id) {
    const std::string term = schema::IdTerm(id);
    Xapian::PostingIterator it = db.postlist_begin(term);
    if (it == db.postlist_end(term)) {
      return absl::NotFoundError(StrCat("no post with id ", QuotedPrefix(id)));
    }
    return *it;
  }

  absl::StatusOr<v1::RelatedResponse> RunRelated(std::string_view id, int limit) {
    absl::StatusOr<Xapian::docid> docid = FindDocument(id);
    if (!docid.ok()) return docid.status();
    const Xapian::ESet eset = internal::CharacteristicStems(db, {*docid}, kRelatedTerms);
    v1::RelatedResponse related;
    if (eset.empty()) return related;
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, eset.begin(), eset.end()));
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    // One more than asked for, since the post itself is usually the best.
    const Xapian::MSet mset =
        enquire.get_mset(0, static_cast<Xapian::doccount>(limit) + 1);
    for (auto it = mset.begin(); it != mset.end() && related.results_size() < limit;
         ++it) {
      if (*it == *docid) continue;
      absl::StatusOr<v1::Post> post = internal::DecodePost(it.get_document());
      if (!post.ok()) continue;
      v1::SearchResult& result = *related.add_results();
      result.set_score(it.get_weight());
      result.set_snippet(PlainSnippet(mset.snippet(
          post->answer(), kRelatedSnippetLength, stemmer,
          locality == internal::Locality::kLocal ? Xapian::MSet::SNIPPET_BACKGROUND_MODEL
                                                 : 0,
          "", "", "...")));
      *result.mutable_post() = *std::move(post);
    }
    return related;
  }

  // Runs `op`, reopening the database and retrying when a concurrent commit
  // invalidated what it was reading (ABORTED) or a read racing it looked
  // like damage (DATA_LOSS).
  template <typename Result, typename Op>
  absl::StatusOr<Result> WithRetry(std::string_view context, Op op) {
    for (int attempt = 1;; ++attempt) {
      try {
        return op();
      } catch (const Xapian::Error& e) {
        absl::Status status = internal::XapianErrorToStatus(e, context);
        const bool curable = absl::IsAborted(status) || absl::IsDataLoss(status);
        if (!curable || attempt == kMaxAttempts) return status;
        try {
          // Damage in a revision no commit replaced is real.
          if (!Reopen() && absl::IsDataLoss(status)) return status;
        } catch (const Xapian::Error& reopen_error) {
          return internal::XapianErrorToStatus(reopen_error, context);
        }
      }
    }
  }
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

absl::StatusOr<std::unique_ptr<Searcher>> Searcher::Open(const std::string& path,
                                                         SearcherOptions options) {
  try {
    auto impl = std::make_unique<Impl>();
    std::optional<Xapian::Database> through_children;
    if (options.shard_processes > 0) {
      absl::StatusOr<std::optional<Xapian::Database>> opened =
          OpenThroughShardProcesses(path, options.shard_processes);
      if (!opened.ok()) return opened.status();
      through_children = *std::move(opened);
    }
    const bool remote = through_children.has_value() || ListsRemoteDatabases(path);
    impl->db = through_children ? *std::move(through_children) : Xapian::Database(path);
    if (absl::Status s = CheckSchemaVersion(impl->db, path); !s.ok()) return s;
    impl->options = std::move(options);
    // Parsed once per process, here rather than on the first follow-up a
    // chat sends (63 M instructions, counted by callgrind).
    AspectModel::Builtin();
    if (remote) {
      impl->locality = internal::Locality::kRemote;
    }
    return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, StrCat("opening index ", path));
  }
}

absl::StatusOr<SearchPage> Searcher::Search(const SearchParams& params) {
  return impl_->WithRetry<SearchPage>("searching",
                                      [&] { return impl_->RunSearch(params, false); });
}

absl::StatusOr<SearchPage> Searcher::SearchKeepingNoMatch(const SearchParams& params) {
  return impl_->WithRetry<SearchPage>("searching",
                                      [&] { return impl_->RunSearch(params, true); });
}

absl::StatusOr<v1::Post> Searcher::GetPost(std::string_view id) {
  auto lookup = [&]() -> absl::StatusOr<v1::Post> {
    absl::StatusOr<Xapian::docid> docid = impl_->FindDocument(id);
    if (!docid.ok()) return docid.status();
    absl::StatusOr<v1::Post> post = internal::DecodePost(impl_->db.get_document(*docid));
    if (post.ok() && post->id() != id) {
      // Two long ids that share their first bytes and hash; vanishingly rare.
      return absl::NotFoundError(StrCat("no post with id ", QuotedPrefix(id)));
    }
    return post;
  };
  absl::StatusOr<absl::StatusOr<v1::Post>> result =
      impl_->WithRetry<absl::StatusOr<v1::Post>>("fetching a post", lookup);
  if (!result.ok()) return result.status();
  return *std::move(result);
}

absl::StatusOr<v1::RelatedResponse> Searcher::Related(std::string_view id, int limit) {
  absl::StatusOr<absl::StatusOr<v1::RelatedResponse>> result =
      impl_->WithRetry<absl::StatusOr<v1::RelatedResponse>>(
          "finding related posts", [&] { return impl_->RunRelated(id, limit); });
  if (!result.ok()) return result.status();
  return *std::move(result);
}

std::string Searcher::IndexId() const {
  try {
    return impl_->db.get_uuid();
  } catch (const Xapian::Error&) {
    return {};  // Some backends cannot say; page tokens then skip the check.
  }
}

absl::StatusOr<bool> Searcher::Refresh() {
  try {
    return impl_->Reopen();
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, "reopening the index");
  }
}

std::uint64_t Searcher::PostCount() const { return impl_->db.get_doccount(); }

}  // namespace guru
