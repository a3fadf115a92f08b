// Whole indexing runs over inputs in a temporary directory: counts,
// diagnostics with exact locations, the rejects file, categories from
// directories, ids seen twice, deletion and the summary line.
#include "ingest/ingest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/page_text_parser.h"
#include "index/searcher.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::ReadFile;
using ::guru::testing::TempDir;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Severity = Diagnostic::Severity;

constexpr char kBroken[] = R"({"id":"d","answer":)";
constexpr char kNoAnswer[] = R"({"id":"e","title":"No answer here"})";

constexpr char kPage[] =
    "Sore knee after cycling\n\nMay 20th, 2019\n\nGood Afternoon,\n\nMy knee hurts on "
    "long rides.\n\nMay 21st, 2019\n\nThe Guru Responded:\n\nHi Ann- lower your saddle "
    "a little.\n\nThe Guru\n";

std::string Record(std::string_view id, std::string_view answer) {
  return std::string(R"({"id":")") + std::string(id) + R"(","answer":")" +
         std::string(answer) + R"("})";
}

class IngestTest : public ::testing::Test {
 protected:
  IngestTest() {
    options_.db_path = dir_.Sub("db");
    options_.rejects_path = dir_.Sub("rejects.jsonl");
  }

  absl::StatusOr<IngestCounts> Run(const std::vector<std::string>& inputs) {
    diagnostics_.clear();
    return IngestInputs(inputs, options_,
                        [this](const Diagnostic& d) { diagnostics_.push_back(d); });
  }

  IngestCounts RunOk(const std::vector<std::string>& inputs) {
    absl::StatusOr<IngestCounts> counts = Run(inputs);
    EXPECT_TRUE(counts.ok()) << counts.status();
    return counts.value_or(IngestCounts());
  }

  std::vector<std::string> Locations(Severity severity) const {
    std::vector<std::string> where;
    for (const Diagnostic& d : diagnostics_) {
      if (d.severity == severity) where.push_back(d.location);
    }
    return where;
  }

  absl::StatusOr<v1::Post> GetPost(const std::string& id) {
    absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(options_.db_path);
    if (!searcher.ok()) return searcher.status();
    return (*searcher)->GetPost(id);
  }

  TempDir dir_;
  IngestOptions options_;
  std::vector<Diagnostic> diagnostics_;
};

TEST_F(IngestTest, JsonlCountsRejectsWithLineNumbersAndRejectsFile) {
  const std::string path =
      dir_.WriteFile("in/posts.jsonl", Record("a", "Rest.") + "\n" + Record("b", "Ice.") +
                                           "\n" + Record("c", "Stretch.") + "\n" +
                                           kBroken + "\n" + kNoAnswer + "\n");
  IngestCounts counts = RunOk({path});
  EXPECT_EQ(counts.added, 3u);
  EXPECT_EQ(counts.rejected, 2u);
  EXPECT_EQ(counts.valid, 3u);
  EXPECT_EQ(counts.replaced + counts.unchanged + counts.deleted, 0u);
  EXPECT_THAT(Locations(Severity::kError), ElementsAre(path + ":4", path + ":5"));
  EXPECT_THAT(diagnostics_,
              Contains(AllOf(Field(&Diagnostic::location, path + ":5"),
                             Field(&Diagnostic::message, HasSubstr("answer")))));
  const std::string rejects = std::string(kBroken) + "\n" + kNoAnswer + "\n";
  EXPECT_EQ(ReadFile(options_.rejects_path), rejects);
  ASSERT_TRUE(GetPost("b").ok());
  EXPECT_EQ(GetPost("b")->answer(), "Ice.");

  counts = RunOk({path});
  EXPECT_EQ(counts.unchanged, 3u);
  EXPECT_EQ(counts.added + counts.replaced, 0u);
  EXPECT_EQ(counts.rejected, 2u);
  EXPECT_EQ(ReadFile(options_.rejects_path), rejects + rejects);  // Appended.
}

TEST_F(IngestTest, CrlfBomAndBlankLinesAreAccepted) {
  const std::string path = dir_.WriteFile(
      "crlf.jsonl", "\xEF\xBB\xBF" + Record("a", "Rest.") + "\r\n\r\n" +
                        Record("b", "Ice.") + "\r\n   \r\n\n" + Record("c", "Stretch.") +
                        "\r\n" + kBroken + "\r\n");
  const IngestCounts counts = RunOk({path});
  EXPECT_EQ(counts.added, 3u);
  EXPECT_EQ(counts.rejected, 1u);
  EXPECT_THAT(Locations(Severity::kError), ElementsAre(path + ":7"));
  ASSERT_TRUE(GetPost("a").ok());
  EXPECT_EQ(GetPost("c")->answer(), "Stretch.");
}

TEST_F(IngestTest, PageInSubdirectoryTakesItsCategory) {
  dir_.WriteFile("in/knees/x.txt", kPage);
  dir_.WriteFile("in/notes.md", "not an input");
  const IngestCounts counts = RunOk({dir_.Sub("in")});
  EXPECT_EQ(counts.added, 1u);
  EXPECT_EQ(counts.rejected, 0u);
  absl::StatusOr<ParsedPage> page = ParsePageText(kPage);
  ASSERT_TRUE(page.ok()) << page.status();
  absl::StatusOr<v1::Post> post = GetPost(page->post.id());
  ASSERT_TRUE(post.ok()) << post.status();
  EXPECT_EQ(post->category(), "knees");
  EXPECT_EQ(post->asker(), "Ann");
  EXPECT_EQ(post->answer(), "lower your saddle a little.");
}

// A page given alone used to lose the category its folder gives it when
// the folder's parent is indexed, and the next run of the folder replaced
// the post again (issue 14).
TEST_F(IngestTest, APageGivenAloneTakesItsFoldersCategoryAsWhenListed) {
  const std::string page = dir_.WriteFile("in/knees/x.txt", kPage);
  const std::string id = ParsePageText(kPage)->post.id();
  EXPECT_EQ(RunOk({dir_.Sub("in")}).added, 1u);
  ASSERT_EQ(GetPost(id)->category(), "knees");
  for (const std::string& alone : {page, dir_.Sub("in/knees/../knees/./x.txt")}) {
    SCOPED_TRACE(alone);
    const IngestCounts counts = RunOk({alone});
    EXPECT_EQ(counts.unchanged, 1u);
    EXPECT_EQ(counts.replaced, 0u);
    EXPECT_EQ(GetPost(id)->category(), "knees");
  }
  // Given alone first, then listed: the same post.
  std::filesystem::remove_all(options_.db_path);
  EXPECT_EQ(RunOk({page}).added, 1u);
  EXPECT_EQ(GetPost(id)->category(), "knees");
  EXPECT_EQ(RunOk({dir_.Sub("in")}).unchanged, 1u);
}

TEST_F(IngestTest, PageAtTheTopOfTheInputDirectoryHasNoCategory) {
  dir_.WriteFile("in/x.txt", kPage);
  const std::string id = ParsePageText(kPage)->post.id();
  for (const std::string& input : {dir_.Sub("in"), dir_.Sub("in") + "/"}) {
    SCOPED_TRACE(input);
    std::filesystem::remove_all(options_.db_path);
    EXPECT_EQ(RunOk({input}).added, 1u);
    absl::StatusOr<v1::Post> post = GetPost(id);
    ASSERT_TRUE(post.ok()) << post.status();
    EXPECT_EQ(post->category(), "");
  }
}

TEST_F(IngestTest, SameIdTwiceInOneRunIsOnePostAndTheLastWins) {
  const std::string path = dir_.WriteFile(
      "dup.jsonl", Record("x", "first") + "\n" + Record("x", "second") + "\n");
  IngestCounts counts = RunOk({path});
  EXPECT_EQ(counts.added, 1u);
  EXPECT_EQ(counts.replaced + counts.unchanged, 0u);
  EXPECT_EQ(counts.warnings, 1u);
  ASSERT_THAT(Locations(Severity::kWarning), ElementsAre(path + ":2"));
  EXPECT_THAT(diagnostics_[0].message, HasSubstr(path + ":1"));
  EXPECT_EQ(GetPost("x")->answer(), "second");

  dir_.WriteFile("dup.jsonl", Record("x", "first") + "\n" + Record("x", "third") + "\n");
  counts = RunOk({path});
  EXPECT_EQ(counts.replaced, 1u);
  EXPECT_EQ(counts.added + counts.unchanged, 0u);
  EXPECT_EQ(GetPost("x")->answer(), "third");

  counts = RunOk({path});  // The same file again: nothing changes in the end.
  EXPECT_EQ(counts.unchanged, 1u);
  EXPECT_EQ(counts.added + counts.replaced, 0u);
}

TEST_F(IngestTest, BadInputsAreRejectedBeforeTheIndexIsCreated) {
  const std::string notes = dir_.WriteFile("notes.md", "hello");
  for (const std::string& input : {dir_.Sub("missing.jsonl"), notes}) {
    absl::StatusOr<IngestCounts> counts = Run({input});
    ASSERT_FALSE(counts.ok()) << input;
    EXPECT_EQ(counts.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(counts.status().message()), HasSubstr(input));
    EXPECT_FALSE(std::filesystem::exists(options_.db_path)) << input;
  }
  EXPECT_EQ(Run({}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IngestTest, DryRunValidatesWithoutCreatingTheIndex) {
  const std::string path =
      dir_.WriteFile("p.jsonl", Record("a", "Rest.") + "\n" + kNoAnswer + "\n");
  options_.dry_run = true;
  const IngestCounts counts = RunOk({path});
  EXPECT_EQ(counts.valid, 1u);
  EXPECT_EQ(counts.rejected, 1u);
  EXPECT_EQ(counts.added, 0u);
  EXPECT_FALSE(std::filesystem::exists(options_.db_path));
}

TEST_F(IngestTest, RejectsFileIsCreatedAtTheFirstRejectAndAppendedTo) {
  namespace fs = std::filesystem;
  const std::string clean = dir_.WriteFile("clean.jsonl", Record("a", "Rest.") + "\n");
  RunOk({clean});
  EXPECT_FALSE(fs::exists(options_.rejects_path));  // Nothing rejected, no file.

  dir_.WriteFile("rejects.jsonl", "kept from last week\n");
  const std::string bad = dir_.WriteFile("bad.jsonl", std::string(kBroken) + "\n");
  EXPECT_EQ(RunOk({bad}).rejected, 1u);
  EXPECT_EQ(ReadFile(options_.rejects_path),
            "kept from last week\n" + std::string(kBroken) + "\n");
}

TEST_F(IngestTest, RejectsPathOverAnInputOrTheIndexIsRefusedUntouched) {
  namespace fs = std::filesystem;
  const std::string content = Record("a", "Rest.") + "\n" + kNoAnswer + "\n";
  const std::string input = dir_.WriteFile("in/posts.jsonl", content);
  RunOk({input});
  const std::string glass = options_.db_path + "/postlist.glass";
  ASSERT_TRUE(fs::exists(glass));
  const std::string glass_bytes = ReadFile(glass);
  fs::create_symlink(input, dir_.Sub("link.jsonl"));
  // Rejected pages fed again, while new rejects would be copied among them.
  const std::string fixed_pages = dir_.Sub("fixed.jsonl.pages");
  dir_.WriteFile("fixed.jsonl.pages/page.txt", kPage);
  struct Case {
    std::string rejects;
    std::vector<std::string> inputs;
    std::string says;
  };
  const std::vector<Case> cases = {
      {input, {input}, "is the input"},
      {dir_.Sub("in/../in/./posts.jsonl"), {input}, "is the input"},
      {dir_.Sub("link.jsonl"), {input}, "is the input"},
      {input, {dir_.Sub("in/")}, "lies in the input directory"},
      {dir_.Sub("in/new-rejects.jsonl"), {dir_.Sub("in")}, "lies in the input directory"},
      {dir_.Sub("fixed.jsonl"), {fixed_pages}, "overlaps the input"},
      {glass, {input}, "inside the index"},
      {options_.db_path + "/new.jsonl", {input}, "inside the index"},
      {dir_.Sub("nowhere/rejects.jsonl"), {input}, "cannot open for writing"},
  };
  for (const Case& c : cases) {
    options_.rejects_path = c.rejects;
    absl::StatusOr<IngestCounts> counts = Run(c.inputs);
    ASSERT_FALSE(counts.ok()) << c.rejects;
    EXPECT_EQ(counts.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(counts.status().message()), HasSubstr(c.says)) << c.rejects;
  }
  EXPECT_EQ(ReadFile(input), content);
  EXPECT_TRUE(ReadFile(glass) == glass_bytes) << "postlist.glass changed";
  EXPECT_FALSE(fs::exists(options_.db_path + "/new.jsonl"));
  EXPECT_FALSE(fs::exists(dir_.Sub("in/new-rejects.jsonl")));
  EXPECT_TRUE(GetPost("a").ok());
}

TEST_F(IngestTest, DeletePostsDeletesAndWarnsForUnknownIds) {
  const std::string path =
      dir_.WriteFile("p.jsonl", Record("a", "Rest.") + "\n" + Record("b", "Ice.") + "\n");
  ASSERT_EQ(RunOk({path}).added, 2u);
  diagnostics_.clear();
  absl::StatusOr<IngestCounts> counts = DeletePosts(
      {"a", "zzz"}, options_, [this](const Diagnostic& d) { diagnostics_.push_back(d); });
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->deleted, 1u);
  EXPECT_EQ(counts->warnings, 1u);
  EXPECT_THAT(Locations(Severity::kWarning), ElementsAre("zzz"));
  EXPECT_THAT(Locations(Severity::kError), IsEmpty());
  EXPECT_EQ(GetPost("a").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(GetPost("b").ok());
  EXPECT_EQ(DeletePosts({}, options_, [](const Diagnostic&) {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FormatSummaryTest, ExactText) {
  IngestCounts counts;
  counts.added = 1;
  counts.replaced = 2;
  counts.unchanged = 3;
  counts.deleted = 4;
  counts.rejected = 5;
  counts.valid = 6;
  counts.warnings = 7;
  EXPECT_EQ(FormatSummary(counts),
            "added 1, replaced 2, unchanged 3, deleted 4, rejected 5");
  EXPECT_EQ(FormatSummaryJson(counts),
            R"({"added":1,"replaced":2,"unchanged":3,"deleted":4,"rejected":5,)"
            R"("valid":6,"warnings":7})");
  EXPECT_EQ(FormatSummary(IngestCounts()),
            "added 0, replaced 0, unchanged 0, deleted 0, rejected 0");
}

}  // namespace
}  // namespace guru
