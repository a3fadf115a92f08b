#include "index/document_builder.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "index/schema.h"

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

namespace {
// Slot kTitleQuestionStemsSlot of `doc`, from its own ZS and ZXQ terms;
// the title's stems also go to `title_stems` (for the XT title key).
std::string TitleQuestionStems(const Xapian::Document& doc,
                               std::vector<std::string>& title_stems) {
  std::string value;
  for (const std::string_view field : {schema::kTitlePrefix, schema::kQuestionPrefix}) {
    if (field == schema::kQuestionPrefix) value += '\n';
    const std::string prefix = schema::StemPrefix(field);
    Xapian::TermIterator it = doc.termlist_begin();
    for (it.skip_to(prefix); it != doc.termlist_end(); ++it) {
      const std::string term = *it;
      if (!term.starts_with(prefix)) break;
      value.append(term, prefix.size());
      value += ' ';
      if (field == schema::kTitlePrefix)
        title_stems.push_back(term.substr(prefix.size()));
    }
  }
  return value;
}
}  // namespace

DocumentBuilder::DocumentBuilder() : stemmer_(std::string(schema::kLanguage)) {
  generator_.set_stemmer(stemmer_);
}

Xapian::Document DocumentBuilder::Build(const v1::Post& post, const std::string& data) {
  Xapian::Document doc;
  generator_.set_document(doc);

  // Title and question on their own, for field weighting and re-ranking:
  // stems only (the query side stems likewise), which halves their terms.
  // The answer has no field of its own: only the free text searches it, and
  // its stems a second time doubled each post's length, so that length
  // normalisation weighed answers twice (docs/RELEVANCE.md: nDCG@10 rose
  // without them) and indexing took a fifth longer.
  const std::pair<const std::string*, std::string_view> fields[] = {
      {&post.title(), schema::kTitlePrefix}, {&post.question(), schema::kQuestionPrefix}};
  generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
  for (const auto& [text, prefix] : fields) {
    generator_.index_text_without_positions(*text, 1, std::string(prefix));
  }
  // All three as free text, words and stems, as Xapian's own tools index
  // them. No positions: queries have no phrase syntax, and positions cost
  // 40% of indexing time (bench/index_medquad.sh).
  generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  for (const std::string* text : {&post.title(), &post.question(), &post.answer()}) {
    generator_.index_text_without_positions(*text);
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
  if (!post.category().empty()) {
    doc.add_value(schema::kCategorySlot, schema::FilterValue(post.category()));
  }
  const std::string& date =
      post.asked_on().empty() ? post.answered_on() : post.asked_on();
  if (!date.empty()) doc.add_value(schema::kPostDateSlot, schema::DateValue(date));
  std::vector<std::string> title_stems;
  doc.add_value(schema::kTitleQuestionStemsSlot, TitleQuestionStems(doc, title_stems));
  if (std::string key = schema::TitleKeyTerm(std::move(title_stems)); !key.empty()) {
    doc.add_boolean_term(key);
  }
  doc.set_data(data);
  // The generator keeps a handle on its document, whose reference count is
  // not atomic: let go of it, as the document may go to another thread.
  generator_.set_document(Xapian::Document());
  return doc;
}

}  // namespace internal
}  // namespace guru
