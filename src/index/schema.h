// The index schema: every term prefix and value slot Guru Search uses, in one
// place. Prefixes follow Xapian's conventions (omega's termprefixes.rst):
// single capitals are Xapian's, `X...` are ours; a leading `Z` marks a stem.
// No positional information is stored.
//
//   term prefix  field                      kind
//   ----------   -------------------------  -------------------------------
//   Q            id                         unique id (boolean), one per doc
//   ZS           title                      stems (probabilistic)
//   ZXQ          question                   stems
//   (none) / Z   title + question + answer  free text: words / stems
//   XC           category, lower-cased      boolean filter
//   XE           expert, lower-cased        boolean filter
//   K            tag, lower-cased           boolean filter
//   XS           source file path           boolean; for --prune
//   XT           the title's stems          boolean: the title's distinct
//                                           stems, stopwords left out, sorted,
//                                           joined by spaces ("alzheim diseas"),
//                                           so that a conversation can tell a
//                                           subject that posts are about
//                                           ("hearing loss") from a word that
//                                           only a title uses ("night" of
//                                           "Night terror"). Posts indexed
//                                           before it existed lack it.
//
//   value slot   content
//   ----------   -------------------------------------------------------
//   0            asked_on as YYYYMMDD (sortable; empty when unknown)
//   1            answered_on as YYYYMMDD
//   2            fingerprint: 16 hex digits of FNV-1a 64 over the stored
//                post and its source; equal fingerprints = nothing to do
//   3            source file path (absolute), empty for stdin
//   4            category, normalised as for XC (for facet counts)
//   5            the post's date as YYYYMMDD: asked_on, else answered_on
//                (for date filters; empty when neither is known)
//   6            the title's stems, "\n", the question's stems, each stem
//                followed by a space, in term order: what re-ranking reads
//                of up to 100 candidates, without decoding their termlists
//                (8x slower). Posts indexed before it existed lack it; the
//                reader falls back to the ZS / ZXQ terms.
//
//   document data: the whole guru.v1.Post, protobuf binary, deterministic.
//   metadata "guru.last_update": UTC time of the last commit, ISO 8601.
//   metadata "guru.synonyms": fingerprint of the loaded vocabulary files.
//   metadata "guru.vocabulary", "guru.vocabulary_version",
//   "guru.vocabulary_source": what the synonym table was loaded from (its
//   name, "lay-clinical" or the files' names joined by "+", or "none"; the
//   files' versions joined by "+"; "built-in", "files" or "none"), for
//   `guru-indexer stats` and the server's log (index/index_stats.h).
//   spelling table: every plain word (unprefixed term without digits) of
//   every post with its count, kept in step on replace and delete; the
//   source of query spelling correction. A sharded index keeps it in its
//   side database, not in the shards (shards.h); there metadata
//   "guru.spelling_moved.shard-NNN" records when a shard written before
//   handed its own over.
//   synonym table: stem phrase ("runner knee") -> stem phrases of the same
//   thing ("patellofemor pain"), from guru-indexer --synonyms.
//   metadata "guru.schema_version": kSchemaVersion; a writer and a searcher
//   refuse an index written with another version (reindex into a new
//   directory instead). Version 3: every document holds slot 6.
#ifndef GURU_INDEX_SCHEMA_H_
#define GURU_INDEX_SCHEMA_H_

#include <string>
#include <string_view>
#include <vector>

namespace guru::schema {

inline constexpr std::string_view kSchemaVersion = "3";
inline constexpr std::string_view kSchemaVersionKey = "guru.schema_version";

// Marks a stem term; Xapian's TermGenerator writes it (STEM_SOME).
inline constexpr std::string_view kStemPrefix = "Z";
inline constexpr std::string_view kIdPrefix = "Q";
inline constexpr std::string_view kTitlePrefix = "S";
inline constexpr std::string_view kQuestionPrefix = "XQ";
inline constexpr std::string_view kCategoryPrefix = "XC";
inline constexpr std::string_view kExpertPrefix = "XE";
inline constexpr std::string_view kTagPrefix = "K";
inline constexpr std::string_view kSourcePrefix = "XS";
inline constexpr std::string_view kTitleKeyPrefix = "XT";
inline constexpr std::string_view kLastUpdateKey = "guru.last_update";
inline constexpr std::string_view kSynonymsKey = "guru.synonyms";
inline constexpr std::string_view kVocabularyKey = "guru.vocabulary";
inline constexpr std::string_view kVocabularyVersionKey = "guru.vocabulary_version";
inline constexpr std::string_view kVocabularySourceKey = "guru.vocabulary_source";
inline constexpr std::string_view kSpellingMovedKeyPrefix = "guru.spelling_moved.";

inline constexpr unsigned kAskedOnSlot = 0;
inline constexpr unsigned kAnsweredOnSlot = 1;
inline constexpr unsigned kFingerprintSlot = 2;
inline constexpr unsigned kSourceSlot = 3;
inline constexpr unsigned kCategorySlot = 4;
inline constexpr unsigned kPostDateSlot = 5;
inline constexpr unsigned kTitleQuestionStemsSlot = 6;

// The language of stemming and stopwords, as Xapian names it.
inline constexpr std::string_view kLanguage = "english";

// The unique-id term for `id`. Xapian terms are limited to 245 bytes, so ids
// longer than kMaxVerbatimIdBytes keep their first bytes and end in a hash of
// the whole id; the stored post still holds the full id.
inline constexpr std::size_t kMaxVerbatimIdBytes = 200;
std::string IdTerm(std::string_view id);

// The source term for a file path; long paths end in a hash, like ids.
std::string SourceTerm(std::string_view path);

// A boolean filter term: prefix + lower-cased, whitespace-collapsed value,
// cut to fit Xapian's term limit.
std::string FilterTerm(std::string_view prefix, std::string_view value);

// The normalised form of a filter value (lower-cased, whitespace collapsed,
// cut to fit a term): what FilterTerm appends to its prefix.
std::string FilterValue(std::string_view value);

// The XT term of a title with the stems `stems` (any order, repeats and
// stopwords allowed); empty when no stem is left or the key would not fit a
// term.
std::string TitleKeyTerm(std::vector<std::string> stems);

// The prefix of the stems of field `field_prefix` ("ZS" for the title).
inline std::string StemPrefix(std::string_view field_prefix) {
  std::string prefix(kStemPrefix);
  prefix += field_prefix;
  return prefix;
}

// The free-text term of `stem` ("knee" -> "Zknee").
inline std::string StemTerm(std::string_view stem) {
  std::string term(kStemPrefix);
  term += stem;
  return term;
}

// The title field's term of `stem` ("knee" -> "ZSknee").
inline std::string TitleStemTerm(std::string_view stem) {
  std::string term = StemPrefix(kTitlePrefix);
  term += stem;
  return term;
}

// Whether `term` is a free-text stem ("Zknee"), not a field's ("ZSknee"):
// field prefixes start with a capital, stems never do.
inline bool IsFreeTextStemTerm(std::string_view term) {
  return term.size() > kStemPrefix.size() && term.starts_with(kStemPrefix) &&
         !(term[kStemPrefix.size()] >= 'A' && term[kStemPrefix.size()] <= 'Z');
}

// Slot kTitleQuestionStemsSlot read back: the title's stems and, when
// `want_question`, the question's, each in term order (sorted).
struct TitleQuestionStems {
  std::vector<std::string> title;
  std::vector<std::string> question;
};
TitleQuestionStems ReadTitleQuestionStems(std::string_view value, bool want_question);

// "2019-05-20" -> "20190520" (sortable); empty stays empty.
std::string DateValue(std::string_view iso_date);

}  // namespace guru::schema

#endif  // GURU_INDEX_SCHEMA_H_
