#include "index/ranking.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/query_text.h"
#include "core/str_cat.h"
#include "core/text.h"
#include "index/confidence_model.h"
#include "index/schema.h"

namespace guru {
namespace internal {
namespace {

// What the re-ranking reads from a document's title and question stems.
struct TitleAndQuestion {
  bool titled = false;
  double title_coverage = 0;
  std::uint32_t question_types = 0;
  // Bits of the Populations() the title names, when the query also searches
  // for another of its stems.
  std::uint32_t populations = 0;
  // Share of the query's topic_parts the title names.
  double topic_parts = 0;
  // Whether the title holds the query's naming word (BuiltQuery::naming_stem).
  bool titles_naming_word = false;
  // Whether the title designates kinds ("type 1") and none of the query's
  // (BuiltQuery::kinds).
  bool other_kind = false;
};

// Share of the document's title stems that the query searches for, the
// populations the title names (when `populations` is given), the share of
// the query's topic parts the title names (one of a part's stems is
// enough: "hypertension" names the part "high blood pressure"), the types
// of the document's own question, and, when `read_kinds`, whether the title
// designates another kind than the query (RankingOptions::kinds).
TitleAndQuestion ReadTitleAndQuestion(
    std::string_view slot, const BuiltQuery& query,
    const std::unordered_map<std::string, int>& types,
    const std::vector<QuestionTypePair>& pairs,
    const std::unordered_map<std::string, std::uint32_t>& populations, bool read_kinds) {
  TitleAndQuestion result;
  const schema::TitleQuestionStems stems =
      schema::ReadTitleQuestionStems(slot, !types.empty());
  result.titled = !stems.title.empty();
  double matched = 0;
  // "type" and the kinds it designates ("2") say which of a subject's
  // kinds, not what subject: they count only with a word of the subject
  // ("Pseudohypoaldosteronism type 2" is no page of "type 2 diabetes").
  double matched_kind_words = 0;
  // Titles name kinds with "type" (sorted stems: one search).
  const bool typed =
      read_kinds &&
      std::binary_search(stems.title.begin(), stems.title.end(), std::string("type"));
  bool designates = false;       // Whether it designates a kind ("1" of "type 1").
  bool designates_ours = false;  // Whether one of them is one of query.kinds
                                 // (SameKind).
  std::uint32_t named = 0;
  bool about_more = false;  // Whether the query searches for another stem of it.
  for (const std::string& stem : stems.title) {
    const bool searched = query.terms.Contains(stem);
    const std::string kind = typed ? KindDesignator(stem) : std::string();
    // The kind asked covers the title however it is written ("III" for "3").
    const bool ours = !kind.empty() && std::any_of(query.kinds.begin(), query.kinds.end(),
                                                   [&kind](const std::string& asked) {
                                                     return SameKind(kind, asked);
                                                   });
    designates = designates || !kind.empty();
    designates_ours = designates_ours || ours;
    if (searched || ours) {
      ++(typed && (stem == "type" || !kind.empty()) ? matched_kind_words : matched);
    }
    if (!query.naming_stem.empty() && stem == query.naming_stem) {
      result.titles_naming_word = true;
    }
    if (auto found = populations.find(stem); found != populations.end()) {
      named |= found->second;
    } else {
      // Not an aspect's word: "Treatment for childhood cancer" is no page
      // of depression for children.
      about_more = about_more || (searched && !query.terms.OnlyAspect(stem));
    }
  }
  result.other_kind = !query.kinds.empty() && designates && !designates_ours;
  // A page about the people alone ("Pregnancy", "Toddler Health") is not
  // the page of what is asked about for them.
  if (about_more) result.populations = named;
  if (matched > 0) matched += matched_kind_words;
  result.title_coverage =
      stems.title.empty() ? 0.0 : matched / static_cast<double>(stems.title.size());
  if (!query.topic_parts.empty()) {
    const auto in_title = [&](const std::vector<std::string>& part) {
      return std::any_of(part.begin(), part.end(), [&](const std::string& stem) {
        return std::find(stems.title.begin(), stems.title.end(), stem) !=
               stems.title.end();
      });
    };
    result.topic_parts =
        static_cast<double>(
            std::count_if(query.topic_parts.begin(), query.topic_parts.end(), in_title)) /
        static_cast<double>(query.topic_parts.size());
  }
  result.question_types = QuestionTypesOfStems(stems.question, types, pairs);
  return result;
}

// The candidate's unique-id term, which does not depend on where the post is
// stored (docids differ between one index and shards of it). Over remote
// shards from its fetched document's post, since a term list comes with
// every term's frequency; locally, or when the post does not decode, from
// its term list.
std::string IdTermOf(const Xapian::Database& db, const RankedCandidate& candidate,
                     Locality locality) {
  if (locality == Locality::kRemote && candidate.document.get_docid() != 0) {
    if (absl::StatusOr<v1::Post> post = DecodePost(candidate.document); post.ok()) {
      return schema::IdTerm(post->id());
    }
  }
  Xapian::TermIterator it = db.termlist_begin(candidate.docid);
  it.skip_to(std::string(schema::kIdPrefix));
  const bool found =
      it != db.termlist_end(candidate.docid) && (*it).starts_with(schema::kIdPrefix);
  return found ? *it : std::string();
}

// The most terms one match can tell apart per document: each weighs a power
// of two, and a double holds 53 bits exactly.
constexpr std::size_t kTermsPerMatch = 52;

// For each of `candidates` (ascending docids; documents fetched over remote
// shards), the share of the query's IDF mass (its terms other than
// expansions, each stem once) that the document contains. Locally from the
// terms' posting lists, one forward walk each: reading a document's term
// list inflates it whole. Over remote shards, where a posting list is sent
// whole and a term list with every term's frequency, from one match per 52
// terms restricted to the candidates' id terms, in which term i weighs 2^i
// (CoordWeight gives a matching term its factor): a document's weight is
// the set of the terms it holds. A post without an id term reads its term
// list.
std::vector<double> IdfMatched(const Xapian::Database& db, Locality locality,
                               const std::vector<const RankedCandidate*>& candidates,
                               const BuiltQuery& query) {
  std::vector<std::pair<std::string, double>> terms;  // Term, weighted IDF.
  double total = 0;
  query.terms.ForEachDistinct([&](const QueryTerm& term) {
    terms.emplace_back(schema::StemTerm(term.stem), term.weight * term.idf);
    total += terms.back().second;
  });
  std::vector<double> matched(candidates.size(), 0.0);
  if (total <= 0 || candidates.empty()) return matched;
  // Both ways sum in term order, so that sums agree to the last bit.
  std::sort(terms.begin(), terms.end());
  if (locality == Locality::kLocal) {
    for (const auto& [term, idf] : terms) {
      Xapian::PostingIterator it = db.postlist_begin(term);
      const Xapian::PostingIterator end = db.postlist_end(term);
      for (std::size_t i = 0; i < candidates.size() && it != end; ++i) {
        it.skip_to(candidates[i]->docid);
        if (it != end && *it == candidates[i]->docid) matched[i] += idf;
      }
    }
  } else {
    std::vector<std::string> ids;
    std::vector<std::size_t> unnamed;  // Posts without an id term (damaged).
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      std::string id = IdTermOf(db, *candidates[i], locality);
      if (id.empty()) {
        unnamed.push_back(i);
      } else {
        ids.push_back(std::move(id));
      }
    }
    const Xapian::Query among(Xapian::Query::OP_OR, ids.begin(), ids.end());
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::CoordWeight());
    for (std::size_t first = 0; !ids.empty() && first < terms.size();
         first += kTermsPerMatch) {
      const std::size_t count = std::min(kTermsPerMatch, terms.size() - first);
      std::vector<Xapian::Query> weighed;
      weighed.reserve(count);
      for (std::size_t bit = 0; bit < count; ++bit) {
        weighed.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                             Xapian::Query(terms[first + bit].first),
                             std::ldexp(1.0, static_cast<int>(bit)));
      }
      enquire.set_query(Xapian::Query(
          Xapian::Query::OP_FILTER,
          Xapian::Query(Xapian::Query::OP_OR, weighed.begin(), weighed.end()), among));
      // Twice as many: two long ids may share an id term.
      const Xapian::MSet held =
          enquire.get_mset(0, static_cast<Xapian::doccount>(2 * ids.size()));
      std::unordered_map<Xapian::docid, std::uint64_t> bits_of;
      for (auto it = held.begin(); it != held.end(); ++it) {
        bits_of[*it] = static_cast<std::uint64_t>(it.get_weight());
      }
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        const auto found = bits_of.find(candidates[i]->docid);
        if (found == bits_of.end()) continue;
        for (std::size_t bit = 0; bit < count; ++bit) {
          if ((found->second >> bit) & 1U) matched[i] += terms[first + bit].second;
        }
      }
    }
    for (const std::size_t i : unnamed) {
      Xapian::TermIterator it = db.termlist_begin(candidates[i]->docid);
      const Xapian::TermIterator end = db.termlist_end(candidates[i]->docid);
      for (const auto& [term, idf] : terms) {
        it.skip_to(term);
        if (it == end) break;
        if (*it == term) matched[i] += idf;
      }
    }
  }
  for (double& share : matched) share /= total;
  return matched;
}

// The positions [0, count) of `ranked` in docid order, in which reads go
// forward: along a value stream or a posting list, or through consecutive
// blocks.
std::vector<std::size_t> InDocidOrder(const std::vector<RankedCandidate>& ranked,
                                      std::size_t count) {
  std::vector<std::size_t> positions(count);
  std::iota(positions.begin(), positions.end(), std::size_t{0});
  std::sort(positions.begin(), positions.end(), [&](std::size_t a, std::size_t b) {
    return ranked[a].docid < ranked[b].docid;
  });
  return positions;
}

// The ends of the runs of equal scores in [begin, end), which is sorted by
// score: sums of the same weights in another order (one index vs its
// shards) differ in the last bits, so those are ties too.
template <typename Iterator>
Iterator TieRunEnd(Iterator run, Iterator end) {
  return std::find_if(run, end, [&](const RankedCandidate& c) {
    return std::abs(c.score - run->score) > 1e-9 * std::abs(run->score);
  });
}

// Puts candidates of equal score in the order of their ids, so that one index
// and any sharding of it (local or remote) rank alike; Xapian breaks ties by
// docid. [begin, end) is sorted by score; only runs of ties that start
// before `needed` are ordered, since nothing reads further (RankCandidates). Ids
// are read only for those (over remote shards from their documents, fetched
// before).
void OrderTiesById(const Xapian::Database& db, Locality locality,
                   std::vector<RankedCandidate>::iterator begin,
                   std::vector<RankedCandidate>::iterator end,
                   std::vector<RankedCandidate>::iterator needed) {
  for (auto run = begin; run != end && run < needed;) {
    const auto run_end = TieRunEnd(run, end);
    if (run_end - run > 1) {
      std::vector<std::pair<std::string, RankedCandidate>> keyed;
      for (auto it = run; it != run_end; ++it) {
        keyed.emplace_back(IdTermOf(db, *it, locality), std::move(*it));
      }
      std::sort(keyed.begin(), keyed.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto& entry : keyed) *run++ = std::move(entry.second);
    }
    run = run_end;
  }
}

// Over remote shards, fetches the documents that ranking and the page read,
// a message each: the first `count` of `ranked` and every candidate tied
// with another in the re-ranked [0, depth) in a run that starts before
// `ordered`, whose ids order them (OrderTiesById). (Xapian 1.4's MSet::fetch
// sends no batch: each document is a round trip.)
void FetchDocuments(const Xapian::MSet& mset, std::vector<RankedCandidate>& ranked,
                    std::size_t count, std::size_t depth, std::size_t ordered) {
  std::vector<std::size_t> wanted(std::min(count, ranked.size()));
  std::iota(wanted.begin(), wanted.end(), std::size_t{0});
  const auto reranked_end = ranked.begin() + static_cast<std::ptrdiff_t>(depth);
  const auto needed = ranked.begin() + static_cast<std::ptrdiff_t>(ordered);
  for (auto run = ranked.begin(); run != reranked_end && run < needed;) {
    const auto run_end = TieRunEnd(run, reranked_end);
    for (auto it = run; run_end - run > 1 && it != run_end; ++it) {
      const auto position = static_cast<std::size_t>(it - ranked.begin());
      if (position >= wanted.size()) wanted.push_back(position);
    }
    run = run_end;
  }
  for (const std::size_t position : wanted) {
    ranked[position].document = mset[ranked[position].matched_rank].get_document();
  }
}

}  // namespace

std::unique_ptr<Xapian::Weight> MakeWeight(const RankingOptions& ranking) {
  if (ranking.weighting == RankingOptions::Weighting::kDph) {
    return std::make_unique<Xapian::DPHWeight>();
  }
  return std::make_unique<Xapian::BM25Weight>(ranking.bm25_k1, 0, 1, ranking.bm25_b, 0.5);
}

void PrepareEnquire(Xapian::Enquire& enquire, Locality locality) {
  if (locality == Locality::kRemote) {
    enquire.set_sort_by_relevance_then_value(schema::kTitleQuestionStemsSlot, false);
  }
}

absl::StatusOr<v1::Post> DecodePost(const Xapian::Document& doc) {
  v1::Post post;
  if (!post.ParseFromString(doc.get_data())) {
    return absl::DataLossError(
        StrCat("document ", doc.get_docid(), " holds no valid post"));
  }
  return post;
}

std::vector<RankedCandidate> RankCandidates(
    const Xapian::Database& db, const Xapian::Stem& stemmer, const Xapian::MSet& mset,
    const BuiltQuery& query, const RankingOptions& ranking, std::size_t confidence_depth,
    Locality locality) {
  std::vector<RankedCandidate> ranked;
  ranked.reserve(mset.size());
  const bool rerank = ranking.title_coverage_boost > 0 ||
                      ranking.question_type_boost > 0 || ranking.population_boost > 0 ||
                      ranking.topic_parts_boost > 0;
  static const std::unordered_map<std::string, int> kNoTypes;
  static const std::vector<QuestionTypePair> kNoPairs;
  static const std::unordered_map<std::string, std::uint32_t> kNoPopulations;
  const std::unordered_map<std::string, std::uint32_t>& populations =
      query.populations != 0 && ranking.population_boost > 0 ? PopulationStems(stemmer)
                                                             : kNoPopulations;
  const std::unordered_map<std::string, int>& types =
      query.question_types != 0 ? QuestionTypeStems(stemmer) : kNoTypes;
  const std::vector<QuestionTypePair>& pairs =
      query.question_types != 0 ? QuestionTypePairs(stemmer) : kNoPairs;
  const auto depth = static_cast<std::size_t>(std::max(ranking.rerank_depth, 0));
  const std::size_t head_size =
      std::min<std::size_t>(std::max(depth, confidence_depth), mset.size());
  const bool local = locality == Locality::kLocal;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    RankedCandidate& candidate = ranked.emplace_back();
    candidate.docid = *it;
    candidate.matched_rank = it.get_rank();
    candidate.score = it.get_weight();
    // Locally documents are read lazily: this costs nothing until read.
    if (local && ranked.size() <= head_size) candidate.document = it.get_document();
  }
  // Locally one walk along the slot's values; a remote shard has no value
  // streams, and sent each match's value as its sort key.
  std::optional<Xapian::ValueIterator> slot;
  const Xapian::ValueIterator slot_end =
      db.valuestream_end(schema::kTitleQuestionStemsSlot);
  if (local) slot = db.valuestream_begin(schema::kTitleQuestionStemsSlot);
  for (const std::size_t rank : InDocidOrder(ranked, head_size)) {
    RankedCandidate& candidate = ranked[rank];
    std::string value;
    if (slot.has_value()) {
      if (*slot != slot_end) slot->skip_to(candidate.docid);
      if (*slot != slot_end && slot->get_docid() == candidate.docid) value = **slot;
    } else {
      value = mset[candidate.matched_rank].get_sort_key();
    }
    const TitleAndQuestion read =
        ReadTitleAndQuestion(value, query, types, pairs, populations, ranking.kinds);
    candidate.titled = read.titled;
    candidate.titles_naming_word = read.titles_naming_word;
    candidate.features.title_coverage = read.title_coverage;
    candidate.features.type_match = (read.question_types & query.question_types) != 0;
    // A page of another kind is not what was asked about, however well it
    // answers the aspect: it keeps its matched weight.
    if (rerank && rank < depth && !read.other_kind) {
      const bool for_them = (read.populations & query.populations) != 0;
      candidate.score *= (1 + ranking.title_coverage_boost * read.title_coverage) *
                         (1 + query.question_type_boost * candidate.features.type_match) *
                         (1 + ranking.population_boost * for_them) *
                         (1 + ranking.topic_parts_boost * read.topic_parts);
    }
  }
  const std::size_t reranked = std::min(depth, ranked.size());
  const auto reranked_end = ranked.begin() + static_cast<std::ptrdiff_t>(reranked);
  std::stable_sort(ranked.begin(), reranked_end,
                   [](const RankedCandidate& a, const RankedCandidate& b) {
                     return a.score > b.score;
                   });
  // What reads the order: the page (the first `confidence_depth`; a page
  // further on asks for more) and DecideAnswerStatus (the first
  // kTopicalDepth), so that neither depends on the page's size.
  const std::size_t ordered =
      std::min(std::max(confidence_depth, confidence_model::kTopicalDepth), reranked);
  if (!local) FetchDocuments(mset, ranked, confidence_depth, reranked, ordered);
  OrderTiesById(db, locality, ranked.begin(), reranked_end,
                ranked.begin() + static_cast<std::ptrdiff_t>(ordered));
  const std::size_t scored = std::min(confidence_depth, ranked.size());
  const std::vector<std::size_t> by_docid = InDocidOrder(ranked, scored);
  std::vector<const RankedCandidate*> in_docid_order;
  in_docid_order.reserve(scored);
  for (const std::size_t position : by_docid) in_docid_order.push_back(&ranked[position]);
  const std::vector<double> idf_matched = IdfMatched(db, locality, in_docid_order, query);
  for (std::size_t i = 0; i < scored; ++i) {
    ranked[by_docid[i]].features.idf_matched = idf_matched[i];
  }
  const double best = ranked.empty() ? 0 : ranked.front().score;
  for (std::size_t rank = 0; rank < scored; ++rank) {
    RankedCandidate& candidate = ranked[rank];
    ConfidenceFeatures& f = candidate.features;
    f.relative_score = best > 0 ? candidate.score / best : 0;
    f.reciprocal_rank = 1.0 / static_cast<double>(rank + 1);
    candidate.confidence = Confidence(f);
  }
  return ranked;
}

v1::AnswerStatus DecideAnswerStatus(const std::vector<RankedCandidate>& ranked,
                                    const BuiltQuery& query) {
  namespace m = confidence_model;
  if (ranked.empty()) return v1::NO_MATCH;
  const bool topical = std::any_of(
      ranked.begin(),
      ranked.begin() +
          static_cast<std::ptrdiff_t>(std::min(m::kTopicalDepth, ranked.size())),
      [](const RankedCandidate& c) {
        return c.features.title_coverage >= m::kMinTitleCoverage || c.titles_naming_word;
      });
  // Confidence was calibrated on a real corpus; a handful of posts says too
  // little about what the index covers to refuse an answer.
  const bool calibrated = static_cast<double>(query.post_count) >= m::kMinPostsForGating;
  if (calibrated &&
      ((!topical && (ranked.front().titled ||
                     ranked.front().features.idf_matched < m::kMinIdfMatched)) ||
       ranked.front().confidence < m::kNoMatchBelow)) {
    return v1::NO_MATCH;
  }
  return ranked.front().confidence >= confidence_model::kAnsweredFrom
             ? v1::ANSWERED
             : v1::LOW_CONFIDENCE;
}

}  // namespace internal
}  // namespace guru
