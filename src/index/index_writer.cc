#include "index/index_writer.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <xapian.h>

#include <filesystem>

#include "core/str_cat.h"
#include "core/text.h"
#include "index/document_builder.h"
#include "index/schema.h"
#include "index/xapian_status.h"

namespace guru {
namespace internal {

std::string SerializePost(const v1::Post& post) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    post.SerializeToCodedStream(&coded);
  }
  return out;
}

DocumentBuilder::DocumentBuilder() {
  generator_.set_stemmer(Xapian::Stem(std::string(schema::kLanguage)));
}

Xapian::Document DocumentBuilder::Build(const v1::Post& post, const std::string& data) {
  Xapian::Document doc;
  generator_.set_document(doc);

  // Fields on their own, for field weighting at query time: stems only (the
  // query side stems likewise), which halves their terms.
  const std::pair<const std::string*, std::string_view> fields[] = {
      {&post.title(), schema::kTitlePrefix},
      {&post.question(), schema::kQuestionPrefix},
      {&post.answer(), schema::kAnswerPrefix}};
  generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
  for (const auto& [text, prefix] : fields) {
    generator_.index_text_without_positions(*text, 1, std::string(prefix));
  }
  // All three as free text, words and stems, as Xapian's own tools index
  // them. No positions: queries have no phrase syntax, and positions cost
  // 40% of indexing time (bench/index_medquad.sh).
  generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  for (const auto& field : fields) {
    generator_.index_text_without_positions(*field.first);
  }

  doc.add_boolean_term(schema::IdTerm(post.id()));
  if (!post.category().empty()) {
    doc.add_boolean_term(schema::FilterTerm(schema::kCategoryPrefix, post.category()));
  }
  if (!post.expert().empty()) {
    doc.add_boolean_term(schema::FilterTerm(schema::kExpertPrefix, post.expert()));
  }
  for (const std::string& tag : post.tags()) {
    doc.add_boolean_term(schema::FilterTerm(schema::kTagPrefix, tag));
  }
  doc.add_value(schema::kAskedOnSlot, schema::DateValue(post.asked_on()));
  doc.add_value(schema::kAnsweredOnSlot, schema::DateValue(post.answered_on()));
  doc.set_data(data);
  return doc;
}

}  // namespace internal

struct IndexWriter::Impl {
  Xapian::WritableDatabase db;
  internal::DocumentBuilder builder;
  bool in_transaction = false;

  void EnsureTransaction() {
    if (!in_transaction) {
      db.begin_transaction(/*flushed=*/false);
      in_transaction = true;
    }
  }
};

IndexWriter::IndexWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

IndexWriter::~IndexWriter() {
  if (!impl_ || !impl_->in_transaction) return;
  try {
    impl_->db.cancel_transaction();
  } catch (const Xapian::Error&) {
    // Destruction closes the database; uncommitted changes are lost either way.
  }
}

absl::StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::Open(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return absl::UnavailableError(
        StrCat("cannot create index directory ", path, ": ", ec.message()));
  }
  try {
    auto impl = std::make_unique<Impl>();
    impl->db = Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
    const std::string version =
        impl->db.get_metadata(std::string(schema::kSchemaVersionKey));
    if (version.empty()) {
      if (impl->db.get_doccount() != 0) {
        return absl::FailedPreconditionError(
            StrCat(path, " holds a Xapian database not written by guru-indexer"));
      }
      impl->db.set_metadata(std::string(schema::kSchemaVersionKey),
                            std::string(schema::kSchemaVersion));
    } else if (version != schema::kSchemaVersion) {
      return absl::FailedPreconditionError(
          StrCat(path, " was written with schema version ", version, ", this is ",
                 schema::kSchemaVersion, "; reindex into a new directory"));
    }
    return std::unique_ptr<IndexWriter>(new IndexWriter(std::move(impl)));
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, StrCat("opening ", path));
  }
}

absl::StatusOr<UpsertResult> IndexWriter::Upsert(const v1::Post& post) {
  try {
    impl_->EnsureTransaction();
    const std::string id_term = schema::IdTerm(post.id());
    const std::string data = internal::SerializePost(post);
    UpsertResult result;
    result.fingerprint = Fnv1a64(data);
    Xapian::PostingIterator it = impl_->db.postlist_begin(id_term);
    if (it != impl_->db.postlist_end(id_term)) {
      const std::string stored = impl_->db.get_document(*it).get_data();
      result.previous_fingerprint = Fnv1a64(stored);
      if (stored == data) {
        result.outcome = UpsertOutcome::kUnchanged;
        return result;
      }
      result.outcome = UpsertOutcome::kReplaced;
    }
    impl_->db.replace_document(id_term, impl_->builder.Build(post, data));
    return result;
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, StrCat("indexing post ", post.id()));
  }
}

absl::StatusOr<bool> IndexWriter::Delete(std::string_view id) {
  try {
    impl_->EnsureTransaction();
    const std::string id_term = schema::IdTerm(id);
    if (!impl_->db.term_exists(id_term)) return false;
    impl_->db.delete_document(id_term);
    return true;
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, StrCat("deleting post ", id));
  }
}

absl::Status IndexWriter::Commit() {
  try {
    if (impl_->in_transaction) {
      impl_->in_transaction = false;
      impl_->db.commit_transaction();
    }
    impl_->db.commit();
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, "committing the index");
  }
}

absl::StatusOr<std::uint64_t> IndexWriter::PostCount() const {
  try {
    return impl_->db.get_doccount();
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, "counting posts");
  }
}

}  // namespace guru
