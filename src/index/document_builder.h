// Internal to src/index: turns a post into a Xapian document per schema.h.
#ifndef GURU_INDEX_DOCUMENT_BUILDER_H_
#define GURU_INDEX_DOCUMENT_BUILDER_H_

#include <xapian.h>

#include <string>

#include "guru/v1/post.pb.h"

namespace guru::internal {

// The stored form of a post: deterministic protobuf bytes, so that equal
// posts have equal data (used to detect unchanged posts).
std::string SerializePost(const v1::Post& post);

// Builds documents; owns a term generator, so reuse one per thread.
class DocumentBuilder {
 public:
  DocumentBuilder();
  Xapian::Document Build(const v1::Post& post, const std::string& data);
  const Xapian::Stem& stemmer() const { return stemmer_; }

 private:
  Xapian::Stem stemmer_;
  Xapian::TermGenerator generator_;
};

}  // namespace guru::internal

#endif  // GURU_INDEX_DOCUMENT_BUILDER_H_
