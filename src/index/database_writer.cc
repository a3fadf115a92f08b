#include "index/database_writer.h"

#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "core/str_cat.h"
#include "core/text.h"
#include "index/commit_lock.h"
#include "index/document_builder.h"
#include "index/schema.h"
#include "index/stemming.h"
#include "index/xapian_status.h"

namespace guru {
namespace internal {
namespace {

// Whether an indexed term is a plain word that the spelling data keeps
// (unprefixed, no digits): what a misspelled query word is corrected to.
bool IsSpellingWord(const std::string& term) {
  return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z') &&
         std::none_of(term.begin(), term.end(),
                      [](char c) { return c >= '0' && c <= '9'; });
}

// Posts a writer holds in Xapian's in-memory inverter before moving their
// postings into the tables (uncommitted, inside our transaction: commits
// stay atomic). Xapian's default, 10,000, grows per-term maps of docids
// that do not fit any cache, and inserting into them was a third of
// indexing time; at 500 the same index (every term, posting, value and
// document) is written in three quarters of the time and half the memory,
// also into an index of 179k posts (docs/PERFORMANCE.md, Indexing).
constexpr char kFlushThresholdVariable[] = "XAPIAN_FLUSH_THRESHOLD";
constexpr char kFlushThreshold[] = "500";

// Xapian 1.4 reads the threshold only from the environment, when a writable
// database opens. Set once per process, before the first writer opens
// (guru-indexer opens its writers before starting other threads); an
// operator's own setting wins.
void SetFlushThreshold() {
  static std::once_flag once;
  std::call_once(once, [] { setenv(kFlushThresholdVariable, kFlushThreshold, 0); });
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}
}  // namespace

struct DatabaseWriter::Impl {
  Xapian::WritableDatabase db;
  // Held while a commit is written, so that readers it overtook can finish;
  // created once the directory is known to hold our index.
  std::optional<CommitLock> commit_lock;
  internal::DocumentBuilder builder;
  bool in_transaction = false;
  // Whether anything was written since the last commit; a run that changes
  // nothing commits nothing, so the revision stays the same.
  bool dirty = false;
  // Changes to the spelling data's word frequencies since the last commit,
  // summed here and handed to Xapian once per word at commit: a word occurs
  // in thousands of posts, and a call per post and word cost about a tenth
  // of indexing time.
  SpellingChanges spelling_changes;

  // Counts a document's plain words into the spelling data, or out again
  // when the document is replaced or deleted, so that the frequencies (which
  // rank suggestions) stay those of the posts in the index.
  void CountSpelling(Xapian::TermIterator it, const Xapian::TermIterator& end,
                     std::int64_t sign) {
    for (; it != end; ++it) {
      const std::string term = *it;
      if (IsSpellingWord(term)) spelling_changes[term] += sign * it.get_wdf();
    }
  }
  void AddSpelling(const Xapian::Document& doc) {
    CountSpelling(doc.termlist_begin(), doc.termlist_end(), +1);
  }
  void RemoveSpelling(Xapian::docid docid) {
    CountSpelling(db.termlist_begin(docid), db.termlist_end(docid), -1);
  }
  void FlushSpelling() {
    for (const auto& [word, change] : spelling_changes) {
      if (change > 0) db.add_spelling(word, static_cast<Xapian::termcount>(change));
      if (change < 0) db.remove_spelling(word, static_cast<Xapian::termcount>(-change));
    }
    spelling_changes.clear();
  }

  void EnsureTransaction() {
    if (!in_transaction) {
      db.begin_transaction(/*flushed=*/true);
      in_transaction = true;
    }
  }
};

DatabaseWriter::DatabaseWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

DatabaseWriter::~DatabaseWriter() {
  if (!impl_ || !impl_->in_transaction) return;
  try {
    impl_->db.cancel_transaction();
  } catch (const Xapian::Error&) {
    // Destruction closes the database; uncommitted changes are lost either way.
  }
}

namespace {
namespace fs = std::filesystem;

// Xapian's version file of a glass database, written when creation ends.
constexpr std::string_view kVersionFile = "iamglass";

// A writer killed while Xapian was creating the database leaves table files
// but no "iamglass" version file, and Xapian then refuses to open or create
// it. Without a version file there is no committed revision, so nothing can
// be lost by creating it afresh; anything but Xapian's own files means the
// directory is not ours to overwrite.
bool IsUnfinishedCreation(const std::string& path) {
  std::error_code ec;
  if (fs::exists(fs::path(path) / kVersionFile, ec) || ec) return false;
  bool any = false;
  for (const fs::directory_entry& entry : fs::directory_iterator(path, ec)) {
    const std::string name = entry.path().filename().string();
    if (name != "flintlock" && !name.ends_with(".glass") && !name.ends_with(".tmp")) {
      return false;
    }
    any = true;
  }
  return any && !ec;
}

// Creates the missing directories of `path` one by one and returns the
// topmost one it created ("" when none). Only those are a failed Open's to
// remove: one that appeared meanwhile belongs to whoever made it.
absl::StatusOr<fs::path> CreateDirectories(const std::string& path) {
  fs::path prefix;
  fs::path created;
  for (const fs::path& part : fs::path(path)) {
    prefix /= part;
    if (part.empty()) continue;  // After a trailing '/'.
    std::error_code ec;
    const bool made = fs::create_directory(prefix, ec);
    if (ec) {
      absl::Status error = absl::UnavailableError(
          StrCat("cannot create index directory ", path, ": ", ec.message()));
      if (!created.empty()) fs::remove_all(created, ec);
      return error;
    }
    if (made && created.empty()) created = prefix;
  }
  return created;
}

// Marks the status of an Open that found the database locked.
constexpr char kLockedPayload[] = "guru/locked-by-another-writer";
}  // namespace

bool HoldsDatabase(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(path) / kVersionFile, ec);
}

absl::StatusOr<std::unique_ptr<DatabaseWriter>> DatabaseWriter::Open(
    const std::string& path) {
  absl::StatusOr<fs::path> created = CreateDirectories(path);
  if (!created.ok()) return created.status();
  absl::StatusOr<std::unique_ptr<DatabaseWriter>> writer = OpenDatabase(path);
  // A failed creation leaves nothing behind, unless another writer took the
  // new directory meanwhile: then it is that writer's index.
  if (!writer.ok() && !IsLockedByAnotherWriter(writer.status()) && !created->empty()) {
    std::error_code ec;
    fs::remove_all(*created, ec);  // Best effort: the error is the open's.
  }
  return writer;
}

absl::StatusOr<std::unique_ptr<DatabaseWriter>> DatabaseWriter::OpenDatabase(
    const std::string& path) {
  SetFlushThreshold();
  try {
    auto impl = std::make_unique<Impl>();
    impl->db = Xapian::WritableDatabase(path, IsUnfinishedCreation(path)
                                                  ? Xapian::DB_CREATE_OR_OVERWRITE
                                                  : Xapian::DB_CREATE_OR_OPEN);
    const std::string version =
        impl->db.get_metadata(std::string(schema::kSchemaVersionKey));
    if (version.empty()) {
      if (impl->db.get_doccount() != 0) {
        return absl::FailedPreconditionError(
            StrCat(path, " holds a Xapian database not written by guru-indexer"));
      }
      impl->db.set_metadata(std::string(schema::kSchemaVersionKey),
                            std::string(schema::kSchemaVersion));
      impl->db.commit();
    } else if (version != schema::kSchemaVersion) {
      return absl::FailedPreconditionError(
          StrCat(path, " was written with schema version ", version, ", this is ",
                 schema::kSchemaVersion, "; reindex into a new directory"));
    }
    impl->commit_lock.emplace(path);
    return std::unique_ptr<DatabaseWriter>(new DatabaseWriter(std::move(impl)));
  } catch (const Xapian::DatabaseLockError&) {
    absl::Status locked = absl::UnavailableError(StrCat(
        "index ", path, " is locked by another indexer; only one may write at a time"));
    locked.SetPayload(kLockedPayload, absl::Cord());
    return locked;
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, StrCat("opening ", path));
  }
}

PreparedPostData DescribePost(v1::Post post, std::string source) {
  PreparedPostData prepared{std::move(post), std::move(source), {}, {}, std::nullopt};
  prepared.data = SerializePost(prepared.post);
  prepared.fingerprint =
      HexFingerprint(StrCat(prepared.data, std::string_view("\0", 1), prepared.source));
  return prepared;
}

absl::StatusOr<UpsertResult> DatabaseWriter::Upsert(PreparedPostData& prepared) {
  const v1::Post& post = prepared.post;
  try {
    impl_->EnsureTransaction();
    const std::string id_term = schema::IdTerm(post.id());
    UpsertResult result;
    result.fingerprint = prepared.fingerprint;
    Xapian::PostingIterator it = impl_->db.postlist_begin(id_term);
    const bool exists = it != impl_->db.postlist_end(id_term);
    if (exists) {
      result.previous_fingerprint =
          impl_->db.get_document(*it).get_value(schema::kFingerprintSlot);
      if (*result.previous_fingerprint == result.fingerprint) {
        result.outcome = UpsertOutcome::kUnchanged;
        return result;
      }
      result.outcome = UpsertOutcome::kReplaced;
    }
    Xapian::Document doc = prepared.document ? *std::move(prepared.document)
                                             : impl_->builder.Build(post, prepared.data);
    doc.add_value(schema::kFingerprintSlot, result.fingerprint);
    if (!prepared.source.empty()) {
      doc.add_value(schema::kSourceSlot, prepared.source);
      doc.add_boolean_term(schema::SourceTerm(prepared.source));
    }
    // Counted out only once the new version is built: a post that fails to
    // build leaves its old version, and its words, in place.
    // By docid: replace_document(id_term, ...) would look the term up again.
    if (exists) {
      impl_->RemoveSpelling(*it);
      impl_->db.replace_document(*it, doc);
    } else {
      impl_->db.add_document(doc);
    }
    impl_->AddSpelling(doc);
    impl_->dirty = true;
    return result;
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, StrCat("indexing post ", post.id()));
  }
}

absl::StatusOr<std::uint64_t> DatabaseWriter::Prune(
    std::string_view directory, const std::function<bool(std::string_view)>& present) {
  try {
    impl_->EnsureTransaction();
    std::string prefix = schema::SourceTerm(directory);
    if (!prefix.ends_with('/')) prefix.push_back('/');
    // Collect first: deleting while iterating the term list is not allowed.
    std::vector<std::string> gone;
    for (auto term = impl_->db.allterms_begin(prefix);
         term != impl_->db.allterms_end(prefix); ++term) {
      Xapian::PostingIterator doc = impl_->db.postlist_begin(*term);
      if (doc == impl_->db.postlist_end(*term)) continue;
      const std::string path =
          impl_->db.get_document(*doc).get_value(schema::kSourceSlot);
      if (!present(path)) gone.push_back(*term);
    }
    std::uint64_t deleted = 0;
    for (const std::string& term : gone) {
      deleted += impl_->db.get_termfreq(term);
      for (auto doc = impl_->db.postlist_begin(term); doc != impl_->db.postlist_end(term);
           ++doc) {
        impl_->RemoveSpelling(*doc);
      }
      impl_->db.delete_document(term);
      impl_->dirty = true;
    }
    return deleted;
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, StrCat("pruning ", directory));
  }
}

absl::StatusOr<bool> DatabaseWriter::SetSynonyms(const SynonymFile& file,
                                                 const IndexVocabulary& vocabulary) {
  IndexVocabulary record = vocabulary;
  if (record.source == IndexVocabulary::Source::kNeverLoaded) {
    record.source = IndexVocabulary::Source::kFiles;
    record.name = "unnamed";
  }
  record.version = file.version;
  const std::string source(VocabularySourceName(record.source));
  try {
    // Each group's members as (key, stems): a member is looked up by its key
    // and searched for as its stems.
    std::vector<std::vector<std::pair<std::string, std::string>>> stemmed;
    // The record is part of what is compared: the same groups loaded under
    // another name or from another source are recorded as such.
    std::string content = StrCat(source, "\n", record.name, "\n", file.version);
    for (const auto& group : file.groups) {
      auto& phrases = stemmed.emplace_back();
      for (const auto& member : group) {
        std::string stems = internal::StemPhrase(impl_->builder.stemmer(), member);
        std::string member_key = internal::MemberKey(member, stems);
        content += StrCat("\n", stems);
        if (member_key != stems) content += StrCat(" as ", member_key);
        phrases.emplace_back(std::move(member_key), std::move(stems));
      }
      content += "\n|";
    }
    const std::string fingerprint = HexFingerprint(content);
    const std::string key(schema::kSynonymsKey);
    if (impl_->db.get_metadata(key) == fingerprint) return false;
    impl_->EnsureTransaction();
    std::vector<std::string> old_keys;
    for (auto it = impl_->db.synonym_keys_begin(); it != impl_->db.synonym_keys_end();
         ++it) {
      old_keys.push_back(*it);
    }
    for (const std::string& old_key : old_keys) impl_->db.clear_synonyms(old_key);
    for (const auto& phrases : stemmed) {
      for (const auto& from : phrases) {
        for (const auto& to : phrases) {
          if (from.second != to.second) impl_->db.add_synonym(from.first, to.second);
        }
      }
    }
    impl_->db.set_metadata(key, fingerprint);
    impl_->db.set_metadata(std::string(schema::kVocabularyKey), record.name);
    impl_->db.set_metadata(std::string(schema::kVocabularyVersionKey), record.version);
    impl_->db.set_metadata(std::string(schema::kVocabularySourceKey), source);
    impl_->dirty = true;
    return true;
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, "loading synonyms");
  }
}

absl::StatusOr<IndexVocabulary> DatabaseWriter::Vocabulary() const {
  try {
    return internal::VocabularyFromMetadata([this](std::string_view key) {
      return impl_->db.get_metadata(std::string(key));
    });
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, "reading the vocabulary");
  }
}

absl::StatusOr<bool> DatabaseWriter::Delete(std::string_view id) {
  try {
    impl_->EnsureTransaction();
    const std::string id_term = schema::IdTerm(id);
    Xapian::PostingIterator it = impl_->db.postlist_begin(id_term);
    if (it == impl_->db.postlist_end(id_term)) return false;
    impl_->RemoveSpelling(*it);
    impl_->db.delete_document(id_term);
    impl_->dirty = true;
    return true;
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, StrCat("deleting post ", id));
  }
}

absl::Status DatabaseWriter::Commit() {
  try {
    if (!impl_->in_transaction) return absl::OkStatus();
    impl_->in_transaction = false;
    if (!impl_->dirty) {
      impl_->db.cancel_transaction();
      return absl::OkStatus();
    }
    impl_->FlushSpelling();
    impl_->db.set_metadata(std::string(schema::kLastUpdateKey), UtcNow());
    impl_->commit_lock->Lock();
    struct Unlock {
      CommitLock& lock;
      ~Unlock() { lock.Unlock(); }
    } unlock{*impl_->commit_lock};
    impl_->db.commit_transaction();
    impl_->dirty = false;
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, "committing the index");
  }
}

SpellingChanges DatabaseWriter::TakeSpellingChanges() {
  return std::exchange(impl_->spelling_changes, {});
}

absl::Status DatabaseWriter::AddSpellingChanges(const SpellingChanges& changes) {
  try {
    for (const auto& [word, change] : changes) {
      // A post replaced by one with the same words changes nothing: no
      // commit, no new revision for replicas and remote stubs to copy.
      if (change == 0) continue;
      impl_->EnsureTransaction();
      impl_->spelling_changes[word] += change;
      impl_->dirty = true;
    }
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, "counting words into the spelling data");
  }
}

absl::Status DatabaseWriter::MoveStoredSpellingTo(DatabaseWriter& to,
                                                  const std::string& name) {
  try {
    SpellingChanges stored;
    for (auto it = impl_->db.spellings_begin(); it != impl_->db.spellings_end(); ++it) {
      stored[*it] = it.get_termfreq();
    }
    if (stored.empty()) return absl::OkStatus();
    impl_->EnsureTransaction();
    for (const auto& [word, frequency] : stored) {
      impl_->db.remove_spelling(word, static_cast<Xapian::termcount>(frequency));
    }
    impl_->dirty = true;
    // `to` commits first (IndexWriter::Commit): if this database's commit
    // does not follow, the next run finds the data here again, and the mark
    // says it was counted already.
    const std::string mark = StrCat(schema::kSpellingMovedKeyPrefix, name);
    if (!to.impl_->db.get_metadata(mark).empty()) return absl::OkStatus();
    to.impl_->EnsureTransaction();
    to.impl_->db.set_metadata(mark, UtcNow());
    return to.AddSpellingChanges(stored);
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, "moving the spelling data");
  }
}

absl::StatusOr<std::uint64_t> DatabaseWriter::PostCount() const {
  try {
    return impl_->db.get_doccount();
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, "counting posts");
  }
}

}  // namespace internal

bool IsLockedByAnotherWriter(const absl::Status& status) {
  return status.GetPayload(internal::kLockedPayload).has_value();
}

}  // namespace guru
