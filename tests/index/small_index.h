// Test helper for the src/index tests: a few posts written to a real index
// on disk, and a searcher over it. Header-only; used from one test thread.
#ifndef GURU_TESTS_INDEX_SMALL_INDEX_H_
#define GURU_TESTS_INDEX_SMALL_INDEX_H_

#include <gtest/gtest.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/synonyms.h"
#include "index/index_writer.h"
#include "index/searcher.h"

namespace guru::testing {

// The text of a post, as the tests write their fixtures.
struct PostText {
  const char* id;
  const char* title;
  const char* question;
  const char* answer;
  const char* category = "";
};

inline v1::Post MakePost(const PostText& text) {
  v1::Post post;
  post.set_id(text.id);
  post.set_title(text.title);
  post.set_question(text.question);
  post.set_answer(text.answer);
  post.set_category(text.category);
  return post;
}

inline std::vector<v1::Post> MakePosts(std::span<const PostText> texts) {
  std::vector<v1::Post> posts;
  for (const PostText& text : texts) posts.push_back(MakePost(text));
  return posts;
}

// `query`, with the earlier turns `context` (newest first), through `searcher`.
inline absl::StatusOr<SearchPage> SearchWith(Searcher& searcher, std::string query,
                                             std::vector<std::string> context = {}) {
  SearchParams params;
  params.query = std::move(query);
  params.context = std::move(context);
  return searcher.Search(params);
}

// Writes `posts` (and the vocabulary `synonyms`, unless null) into a new
// index at `path` in one commit and opens a searcher on it. On any error the
// test fails and the result is null.
inline std::unique_ptr<Searcher> IndexAndOpen(const std::string& path,
                                              std::span<const v1::Post> posts,
                                              const SynonymFile* synonyms = nullptr) {
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(path);
  EXPECT_TRUE(writer.ok()) << writer.status();
  if (!writer.ok()) return nullptr;
  for (const v1::Post& post : posts) {
    const auto upserted = (*writer)->Upsert(post);
    EXPECT_TRUE(upserted.ok()) << post.id() << ": " << upserted.status();
  }
  if (synonyms != nullptr) {
    EXPECT_TRUE((*writer)->SetSynonyms(*synonyms).ok());
  }
  const absl::Status committed = (*writer)->Commit();
  EXPECT_TRUE(committed.ok()) << committed;
  writer->reset();
  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(path);
  EXPECT_TRUE(searcher.ok()) << searcher.status();
  return searcher.ok() ? *std::move(searcher) : nullptr;
}

}  // namespace guru::testing

#endif  // GURU_TESTS_INDEX_SMALL_INDEX_H_
