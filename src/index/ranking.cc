#include "index/ranking.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "core/str_cat.h"
#include "core/text.h"
#include "index/schema.h"

namespace guru {

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

namespace internal {
namespace {

// Share of the post's title stems that the query searches for. The title's
// terms are made again from the stored post, exactly as the indexer made them
// (document_builder.cc), rather than read from the document's term list: over
// remote shards a term list is a whole-document transfer per candidate, while
// an MSet's documents arrive in one batch (MSet::fetch).
double TitleCoverage(Xapian::TermGenerator& generator, const Xapian::Document& doc,
                     const BuiltQuery& query) {
  v1::Post post;
  if (!post.ParseFromString(doc.get_data())) return 0.0;
  Xapian::Document title;
  generator.set_document(title);
  generator.index_text_without_positions(post.title(), 1,
                                         std::string(schema::kTitlePrefix));
  const std::string prefix = StrCat("Z", schema::kTitlePrefix);
  int total = 0;
  int matched = 0;
  for (Xapian::TermIterator it = title.termlist_begin(); it != title.termlist_end();
       ++it) {
    const std::string term = *it;
    if (!term.starts_with(prefix)) continue;
    ++total;
    if (query.stem_weights.contains(term.substr(prefix.size()))) ++matched;
  }
  return total == 0 ? 0.0 : static_cast<double>(matched) / total;
}

// The post's unique-id term, which does not depend on where the post is
// stored (docids differ between one index and shards of it).
std::string IdTermOf(const Xapian::Database& db, Xapian::docid docid) {
  Xapian::TermIterator it = db.termlist_begin(docid);
  it.skip_to(std::string(schema::kIdPrefix));
  return it != db.termlist_end(docid) ? *it : std::string();
}

// Puts candidates of equal score in the order of their ids, so that one index
// and any sharding of it (local or remote) rank alike; Xapian breaks ties by
// docid. [begin, end) is sorted by score; ids are read only for ties.
void OrderTiesById(const Xapian::Database& db,
                   std::vector<RankedCandidate>::iterator begin,
                   std::vector<RankedCandidate>::iterator end) {
  for (auto run = begin; run != end;) {
    const auto run_end = std::find_if(
        run, end, [&](const RankedCandidate& c) { return c.score != run->score; });
    if (run_end - run > 1) {
      std::vector<std::pair<std::string, RankedCandidate>> keyed;
      for (auto it = run; it != run_end; ++it) {
        keyed.emplace_back(IdTermOf(db, it->docid), std::move(*it));
      }
      std::sort(keyed.begin(), keyed.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto& entry : keyed) *run++ = std::move(entry.second);
    }
    run = run_end;
  }
}

}  // namespace

std::vector<RankedCandidate> RankCandidates(const Xapian::Database& db,
                                            const Xapian::MSet& mset,
                                            const BuiltQuery& query,
                                            const RankingOptions& ranking) {
  std::vector<RankedCandidate> ranked;
  ranked.reserve(mset.size());
  const bool rerank = ranking.title_coverage_boost > 0;
  Xapian::TermGenerator generator;
  generator.set_stemmer(Xapian::Stem(std::string(schema::kLanguage)));
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
  mset.fetch();
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    RankedCandidate candidate;
    candidate.docid = *it;
    candidate.document = it.get_document();
    candidate.score = it.get_weight();
    if (rerank && it.get_rank() < static_cast<Xapian::doccount>(ranking.rerank_depth)) {
      candidate.score *= 1 + ranking.title_coverage_boost *
                                 TitleCoverage(generator, candidate.document, query);
    }
    ranked.push_back(std::move(candidate));
  }
  const auto reranked_end =
      ranked.begin() +
      std::min<std::ptrdiff_t>(std::max(ranking.rerank_depth, 0),
                               static_cast<std::ptrdiff_t>(ranked.size()));
  std::stable_sort(ranked.begin(), reranked_end,
                   [](const RankedCandidate& a, const RankedCandidate& b) {
                     return a.score > b.score;
                   });
  OrderTiesById(db, ranked.begin(), reranked_end);
  return ranked;
}

v1::AnswerStatus DecideAnswerStatus(const std::vector<RankedCandidate>& ranked,
                                    const BuiltQuery& /*query*/,
                                    const RankingOptions& /*ranking*/) {
  // Confidence calibration replaces this with thresholds on confidence.
  return ranked.empty() ? v1::NO_MATCH : v1::ANSWERED;
}

}  // namespace internal
}  // namespace guru
