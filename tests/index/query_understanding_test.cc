// How a message is understood (interpretation, spelling, question types,
// context) and how sure the searcher is of what it returns (confidence,
// answer status), over a small index.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/synonyms.h"
#include "core/word_list.h"
#include "index/confidence_features.h"
#include "index/index_writer.h"
#include "index/ranking_options.h"
#include "index/schema.h"
#include "index/searcher.h"
#include "index/small_index.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

using ::guru::testing::PostText;

constexpr PostText kPosts[] = {
    {"tendon-what", "Achilles tendonitis", "What is Achilles tendonitis?",
     "Achilles tendonitis is an irritation of the tendon at the back of the heel, "
     "common in runners who add hills or mileage quickly."},
    {"tendon-treat", "Achilles tendonitis",
     "What are the treatments for Achilles tendonitis?",
     "Rest from running, slow heel drops off a step, and a gradual return; the tendon "
     "recovers over weeks."},
    {"patella", "Patella pain", "Why does my kneecap hurt going downstairs?",
     "The patella tracks in a groove of the thigh bone; weak hips let it drift, which "
     "hurts on stairs."},
    {"sciatica", "Sciatica", "What causes sciatica down the leg?",
     "Sciatica is pain along the sciatic nerve, often from a disc pressing on a nerve "
     "root in the lower back."},
    {"wrist", "Wrist pain in yoga", "My wrist hurts in downward dog.",
     "Spread your fingers and strengthen your forearms with light wrist curls."},
};

class QueryUnderstandingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<v1::Post> posts;
    for (const PostText& text : kPosts) posts.push_back(guru::testing::MakePost(text));
    absl::StatusOr<SynonymFile> file = ParseSynonymFile("version 1\nkneecap | patella\n");
    ASSERT_TRUE(file.ok());
    searcher_ = guru::testing::IndexAndOpen(dir_.Sub("db"), posts, &*file);
    ASSERT_NE(searcher_, nullptr);
  }

  SearchPage Search(const std::string& query, std::vector<std::string> context = {},
                    std::optional<RankingOptions> ranking = std::nullopt) {
    SearchParams params;
    params.query = query;
    params.context = std::move(context);
    // Other options than the fixture's searcher has need a searcher of their own.
    std::unique_ptr<Searcher> own;
    if (ranking) {
      absl::StatusOr<std::unique_ptr<Searcher>> opened =
          Searcher::Open(dir_.Sub("db"), {nullptr, *ranking});
      EXPECT_TRUE(opened.ok()) << opened.status();
      if (!opened.ok()) return SearchPage();
      own = *std::move(opened);
    }
    absl::StatusOr<SearchPage> page = (own ? own : searcher_)->Search(params);
    EXPECT_TRUE(page.ok()) << query << ": " << page.status();
    return page.ok() ? *std::move(page) : SearchPage();
  }

  static std::vector<std::string> Ids(const SearchPage& page) {
    std::vector<std::string> ids;
    for (const v1::SearchResult& hit : page.response.results())
      ids.push_back(hit.post().id());
    return ids;
  }

  guru::testing::TempDir dir_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(QueryUnderstandingTest, InterpretationListsEveryPartOfTheMessage) {
  const SearchPage page = Search("Hi, please help: my kneecap hurts on the stairs");
  const v1::QueryInterpretation& in = page.response.interpretation();
  EXPECT_THAT(in.terms(),
              ElementsAre("hi", "please", "help", "kneecap", "hurts", "stairs"));
  EXPECT_THAT(in.down_weighted(), ElementsAre("hi", "please", "help"));
  EXPECT_THAT(in.ignored(), ElementsAre("my", "on", "the"));
  ASSERT_EQ(in.expansions_size(), 1);
  EXPECT_EQ(in.expansions(0).phrase(), "kneecap");
  EXPECT_THAT(in.expansions(0).expanded_to(), ElementsAre("patella"));
  EXPECT_THAT(in.corrections(), IsEmpty());
  EXPECT_EQ(in.did_you_mean(), "");
  EXPECT_THAT(in.context_terms(), IsEmpty());
  ASSERT_THAT(page.response.results(), Not(IsEmpty()));
  EXPECT_EQ(page.response.results(0).post().id(), "patella");
}

TEST_F(QueryUnderstandingTest, RepeatedWordsSaturate) {
  // Said twice, a word weighs (k + 1) * 2 / (k + 2) times a word said once:
  // 4/3 at the default k = 1, twice with saturation off.
  const double once = Search("sciatica").response.results(0).score();
  EXPECT_NEAR(Search("sciatica, sciatica").response.results(0).score(), once * 4 / 3,
              1e-6 * once);
  RankingOptions linear;
  linear.repeat_saturation = 0;
  EXPECT_NEAR(Search("sciatica, sciatica", {}, linear).response.results(0).score(),
              once * 2, 1e-6 * once);
}

TEST_F(QueryUnderstandingTest, AWordNoPostContainsChangesNoScore) {
  // It matches nothing, and it is not the yardstick of key concepts either:
  // as the rarest word it would shrink "sciatica" against its expansions.
  RankingOptions ranking;
  ranking.spelling = false;
  const double alone = Search("sciatica", {}, ranking).response.results(0).score();
  EXPECT_NEAR(Search("zzqxv sciatica", {}, ranking).response.results(0).score(), alone,
              1e-9 * alone);
}

TEST_F(QueryUnderstandingTest, ARepeatedPhraseIsExpandedOnce) {
  const v1::QueryInterpretation in =
      Search("my kneecap hurts, the kneecap on the left").response.interpretation();
  ASSERT_EQ(in.expansions_size(), 1);
  EXPECT_EQ(in.expansions(0).phrase(), "kneecap");
}

TEST_F(QueryUnderstandingTest, MisspelledWordsAreCorrectedFromTheIndex) {
  const SearchPage page = Search("Achilles tendonitus, what are the treatments?");
  const v1::QueryInterpretation& in = page.response.interpretation();
  ASSERT_EQ(in.corrections_size(), 1);
  EXPECT_EQ(in.corrections(0).original(), "tendonitus");
  EXPECT_EQ(in.corrections(0).corrected(), "tendonitis");
  EXPECT_EQ(in.did_you_mean(), "Achilles tendonitis, what are the treatments?");
  EXPECT_THAT(in.terms(), Contains("tendonitis"));
  ASSERT_THAT(page.response.results(), Not(IsEmpty()));
  EXPECT_EQ(page.response.results(0).post().id(), "tendon-treat");

  EXPECT_THAT(Search("sciatia down my leg").response.interpretation().did_you_mean(),
              "sciatica down my leg");
}

TEST_F(QueryUnderstandingTest, KnownShortAndNumericWordsAreNotCorrected) {
  // Known words, words under four letters and words with digits stay.
  for (const char* query : {"wrist curls", "qwe", "b12 tendonitus5"}) {
    EXPECT_THAT(Search(query).response.interpretation().corrections(), IsEmpty())
        << query;
  }
}

TEST_F(QueryUnderstandingTest, WordsPeopleAskWithAreNotCorrected) {
  // "pills" and "meds" are one edit from the posts' "hills" and "heel"... but
  // they are how people ask about treatment: English, whatever the index
  // and the dictionary know.
  for (const char* query : {"which pills help", "any meds for it"}) {
    EXPECT_THAT(Search(query).response.interpretation().corrections(), IsEmpty())
        << query;
  }
}

TEST_F(QueryUnderstandingTest, WordsOfTheDictionaryAreNotCorrected) {
  // No post contains "hell", and the spelling data has "heel" one edit away.
  EXPECT_EQ(Search("hell pain").response.interpretation().did_you_mean(), "heel pain");

  auto dictionary = std::make_shared<const WordList>(WordList::Parse("hell\nheel\n"));
  absl::StatusOr<std::unique_ptr<Searcher>> searcher =
      Searcher::Open(dir_.Sub("db"), {dictionary, {}});
  ASSERT_TRUE(searcher.ok()) << searcher.status();
  SearchParams params;
  params.query = "hell pain tendonitus";
  absl::StatusOr<SearchPage> page = (*searcher)->Search(params);
  ASSERT_TRUE(page.ok()) << page.status();
  // Only the misspelling the dictionary does not know is corrected.
  EXPECT_EQ(page->response.interpretation().did_you_mean(), "hell pain tendonitis");
}

TEST_F(QueryUnderstandingTest, AShortWordKeepsItsFirstLetter) {
  // "peel" is one edit from the posts' "heel", but a suggestion that changes
  // a short word's first letter is mostly another word: a drug the index has
  // no post on, an acronym. A longer word's other letters say enough, a
  // word may have lost its first letter, as a silent one is lost, and one
  // spelt as it sounds may start with a letter that sounds alike.
  EXPECT_THAT(Search("peel pain").response.interpretation().corrections(), IsEmpty());
  EXPECT_EQ(Search("achilles rendonitis").response.interpretation().did_you_mean(),
            "achilles tendonitis");
  EXPECT_EQ(Search("ciatica down my leg").response.interpretation().did_you_mean(),
            "sciatica down my leg");
  EXPECT_EQ(Search("wrist kurls").response.interpretation().did_you_mean(),
            "wrist curls");
}

TEST(QueryUnderstandingVocabularyTest, AWordTheVocabularyNamesIsNotCorrected) {
  // No post says "afib", and "fib" is one edit away in the spelling data;
  // the vocabulary knows "afib" as atrial fibrillation.
  constexpr PostText kVocabularyPosts[] = {
      {"af-what", "Atrial fibrillation", "What is (are) Atrial fibrillation ?",
       "Atrial fibrillation is an irregular, often fast heartbeat."},
      {"lies", "Lying", "Why do children lie ?",
       "A small fib is a normal part of growing up."},
  };
  guru::testing::TempDir dir;
  absl::StatusOr<SynonymFile> file =
      ParseSynonymFile("version 1\nafib | atrial fibrillation\n");
  ASSERT_TRUE(file.ok()) << file.status();
  const std::unique_ptr<Searcher> searcher = guru::testing::IndexAndOpen(
      dir.Sub("db"), guru::testing::MakePosts(kVocabularyPosts), &*file);
  ASSERT_NE(searcher, nullptr);
  const absl::StatusOr<SearchPage> page =
      guru::testing::SearchWith(*searcher, "what is afib");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->response.interpretation().corrections(), IsEmpty());
  ASSERT_THAT(page->response.results(), Not(IsEmpty()));
  EXPECT_EQ(page->response.results(0).post().id(), "af-what");
}

TEST(QueryUnderstandingJoinTest, AWordSplitInTwoIsSearchedAsOne) {
  // Posts write "gallbladder", and titles name pages with it; people split
  // it, even with two spaces. Posts also have "clinicaltrials" (a web
  // address, a title), but as many of them have "clinical" and "trials"
  // apart: those stay two words, as do words a hyphen joins.
  constexpr PostText kJoinPosts[] = {
      {"gb-what", "Gallbladder disease", "What is gallbladder disease?",
       "The gallbladder stores bile; gallbladder stones can block it."},
      {"gb-stones", "Gallstones", "What causes gallstones?",
       "Stones form in the gallbladder when bile hardens."},
      {"gb-surgery", "Gallbladder removal", "How is the gallbladder removed?",
       "Surgeons take the gallbladder out through small cuts."},
      {"trials-1", "ClinicalTrials.gov", "What are clinical trials?",
       "Clinical trials test new treatments; see clinicaltrials for a list."},
      {"trials-2", "Joining clinical trials", "Who can join clinical trials?",
       "Trials of new drugs need volunteers; clinicaltrials lists clinical ones."},
      {"trials-3", "Clinical trials for children", "Are there clinical trials for kids?",
       "Some clinical studies and trials enrol children (clinicaltrials)."},
  };
  guru::testing::TempDir dir;
  const std::unique_ptr<Searcher> searcher = guru::testing::IndexAndOpen(
      dir.Sub("db"), guru::testing::MakePosts(kJoinPosts), nullptr);
  ASSERT_NE(searcher, nullptr);
  const absl::StatusOr<SearchPage> page =
      guru::testing::SearchWith(*searcher, "stones in my gall  bladder");
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::QueryInterpretation& in = page->response.interpretation();
  ASSERT_EQ(in.corrections_size(), 1);
  EXPECT_EQ(in.corrections(0).original(), "gall bladder");
  EXPECT_EQ(in.corrections(0).corrected(), "gallbladder");
  EXPECT_EQ(in.did_you_mean(), "stones in my gallbladder");
  EXPECT_THAT(in.terms(), Contains("gallbladder"));

  for (const char* query : {"clinical trials for kids", "gall-bladder"}) {
    const absl::StatusOr<SearchPage> apart = guru::testing::SearchWith(*searcher, query);
    ASSERT_TRUE(apart.ok()) << apart.status();
    for (const v1::SpellingCorrection& correction :
         apart->response.interpretation().corrections()) {
      EXPECT_NE(correction.corrected(), "clinicaltrials") << query;
      EXPECT_NE(correction.corrected(), "gallbladder") << query;
    }
  }
}

TEST_F(QueryUnderstandingTest, SpellingCanBeTurnedOff) {
  RankingOptions ranking;
  ranking.spelling = false;
  const SearchPage page = Search("tendonitus", {}, ranking);
  EXPECT_THAT(page.response.interpretation().corrections(), IsEmpty());
  EXPECT_THAT(page.response.results(), IsEmpty());
  EXPECT_EQ(page.response.answer_status(), v1::NO_MATCH);
}

TEST_F(QueryUnderstandingTest, SpellingDataFollowsReplacedAndDeletedPosts) {
  {
    absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
        IndexWriter::Open(dir_.Sub("db"));
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Delete("sciatica").ok());
    v1::Post post;
    post.set_id("wrist");
    post.set_title("Wrist pain");
    post.set_answer("Rest the wrist.");
    ASSERT_TRUE((*writer)->Upsert(post).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  ASSERT_TRUE(searcher_->Refresh().ok());
  // "sciatica" is in no post any more, so nothing suggests it.
  EXPECT_THAT(Search("sciatia").response.interpretation().corrections(), IsEmpty());
}

TEST_F(QueryUnderstandingTest, SpellingDataFollowsChangesWithinOneCommit) {
  // The writer sums spelling changes until the commit: a post added and
  // replaced before it leaves only its last text's words.
  {
    absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
        IndexWriter::Open(dir_.Sub("db"));
    ASSERT_TRUE(writer.ok());
    v1::Post post;
    post.set_id("elbow");
    post.set_title("Elbow");
    post.set_answer("Bursitis of the elbow.");
    ASSERT_TRUE((*writer)->Upsert(post).ok());
    post.set_answer("Olecranon pain of the elbow.");
    ASSERT_TRUE((*writer)->Upsert(post).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  ASSERT_TRUE(searcher_->Refresh().ok());
  EXPECT_THAT(Search("bursitiss").response.interpretation().corrections(), IsEmpty());
  EXPECT_EQ(Search("olecranom elbow").response.interpretation().did_you_mean(),
            "olecranon elbow");
}

TEST_F(QueryUnderstandingTest, QuestionTypeBringsTheMatchingPostFirst) {
  RankingOptions ranking;
  ranking.question_type_boost = 0.5;
  EXPECT_EQ(Search("how do you treat achilles tendonitis", {}, ranking)
                .response.results(0)
                .post()
                .id(),
            "tendon-treat");
}

TEST_F(QueryUnderstandingTest, ConfidenceIsAProbability) {
  for (const char* query : {"achilles tendonitis treatment", "kneecap hurts", "wrist",
                            "leg", "pain in the heel when running"}) {
    const SearchPage page = Search(query);
    for (const v1::SearchResult& hit : page.response.results()) {
      EXPECT_GE(hit.confidence(), 0.0) << query;
      EXPECT_LE(hit.confidence(), 1.0) << query;
    }
  }
}

TEST(ConfidenceTest, NeverDecreasesWhenAFeatureGrows) {
  const ConfidenceFeatures low{0.2, 0.1, 0.3, 0.2, 0};
  const double base = Confidence(low);
  EXPECT_GT(base, 0.0);
  EXPECT_LT(base, 1.0);
  double ConfidenceFeatures::*const fields[] = {
      &ConfidenceFeatures::idf_matched, &ConfidenceFeatures::title_coverage,
      &ConfidenceFeatures::relative_score, &ConfidenceFeatures::reciprocal_rank,
      &ConfidenceFeatures::type_match};
  for (double ConfidenceFeatures::*field : fields) {
    ConfidenceFeatures higher = low;
    higher.*field = 1;
    EXPECT_GE(Confidence(higher), base);
  }
  EXPECT_LE(Confidence({1, 1, 1, 1, 1}), 1.0);
  EXPECT_GE(Confidence({0, 0, 0, 0, 0}), 0.0);
  EXPECT_GT(Confidence({1, 1, 1, 1, 1}), Confidence({0, 0, 0, 0, 0}));
}

TEST_F(QueryUnderstandingTest, GibberishOffTopicAndStopwordsAreNoMatch) {
  for (const char* query :
       {"asdkjh qwe", "what is the capital of France", "the and of what is it", "?!"}) {
    const SearchPage page = Search(query);
    EXPECT_EQ(page.response.answer_status(), v1::NO_MATCH) << query;
    EXPECT_THAT(page.response.results(), IsEmpty()) << query;
  }
}

TEST_F(QueryUnderstandingTest, AClearQuestionIsAnswered) {
  const SearchPage page = Search("what are the treatments for achilles tendonitis");
  EXPECT_EQ(page.response.answer_status(), v1::ANSWERED);
  ASSERT_THAT(page.response.results(), Not(IsEmpty()));
  EXPECT_GT(page.response.results(0).confidence(), 0.3);
}

TEST_F(QueryUnderstandingTest, AFollowUpIsSearchedWithTheTopicOfTheConversation) {
  const SearchPage follow_up =
      Search("how is it treated?", {"I have achilles tendonitis"});
  const v1::ContextUse& use = follow_up.response.interpretation().context_use();
  EXPECT_EQ(use.kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(use.topic(), ElementsAre("achilles tendonitis"));
  EXPECT_EQ(use.turn(), 1);
  EXPECT_EQ(use.searched_for(), "achilles tendonitis \u2014 treatment");
  EXPECT_THAT(follow_up.response.interpretation().context_terms(),
              ElementsAre("achilles tendonitis"));
  EXPECT_THAT(follow_up.response.interpretation().aspects(), ElementsAre("treatment"));
  // Ranked as the question that names the topic is.
  const SearchPage standalone = Search("how is achilles tendonitis treated?");
  EXPECT_EQ(Ids(follow_up), Ids(standalone));
  ASSERT_THAT(follow_up.response.results(), Not(IsEmpty()));
  EXPECT_EQ(follow_up.response.results(0).post().id(), "tendon-treat");
  EXPECT_EQ(follow_up.response.answer_status(), standalone.response.answer_status());
  // The passage follows the combined need: the topic's words are highlighted.
  EXPECT_THAT(follow_up.response.results(0).passage().highlights(), Not(IsEmpty()));
}

TEST_F(QueryUnderstandingTest, TheTopicComesFromTheNewestTurnThatNamesOne) {
  // context[0] names no topic; context[1] does.
  const SearchPage page = Search("what about the stairs",
                                 {"ok, thanks a lot", "sciatica down my leg", "wrist"});
  const v1::ContextUse& use = page.response.interpretation().context_use();
  EXPECT_EQ(use.kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(use.topic(), ElementsAre("sciatica"));
  EXPECT_EQ(use.turn(), 2);
  EXPECT_EQ(use.searched_for(), "sciatica \u2014 stairs");
}

TEST_F(QueryUnderstandingTest, AMessageWithItsOwnTopicIgnoresEarlierTurns) {
  // A change of topic: the earlier subject must not pull the results back.
  const SearchPage switched =
      Search("different question: what causes sciatica?", {"I have achilles tendonitis"});
  EXPECT_EQ(switched.response.interpretation().context_use().kind(),
            v1::ContextUse::OWN_TOPIC);
  EXPECT_THAT(switched.response.interpretation().context_terms(), IsEmpty());
  EXPECT_EQ(Ids(switched), Ids(Search("different question: what causes sciatica?")));
  // Nor does a self-contained question on the same subject change.
  EXPECT_EQ(Ids(Search("achilles tendonitis treatments", {"my achilles tendonitis"})),
            Ids(Search("achilles tendonitis treatments")));
}

TEST_F(QueryUnderstandingTest, EarlierTurnsWithoutATopicChangeNothing) {
  const SearchPage page = Search("my kneecap hurts", {"hello there", "thanks"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::NO_CONTEXT);
  EXPECT_EQ(Ids(page), Ids(Search("my kneecap hurts")));
  EXPECT_EQ(Search("my kneecap hurts").response.interpretation().context_use().kind(),
            v1::ContextUse::NO_CONTEXT);
  // Gibberish asks nothing: no follow-up, nothing matches.
  const SearchPage gibberish = Search("asdkjh qwe", {"I have achilles tendonitis"});
  EXPECT_EQ(gibberish.response.interpretation().context_use().kind(),
            v1::ContextUse::NO_CONTEXT);
  EXPECT_THAT(gibberish.response.results(), IsEmpty());
  // context_weight 0 turns the use of earlier turns off.
  RankingOptions off;
  off.context_weight = 0;
  EXPECT_EQ(Search("how is it treated?", {"I have achilles tendonitis"}, off)
                .response.interpretation()
                .context_use()
                .kind(),
            v1::ContextUse::NO_CONTEXT);
}

// A name said alone is answered by the pages whose titles hold it, however
// long those titles are; an English word that a long title happens to hold is
// not. Refusing answers (NO_MATCH) needs an index of 1,000 posts or more.
TEST(AnswerStatusNamingTest, ANameIsAnsweredByLongTitlesThatHoldIt) {
  std::vector<v1::Post> posts;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = "filler-" + std::to_string(i);
    v1::Post& post = posts.emplace_back();
    post.set_id(id);
    post.set_title(i % 2 == 0 ? "Common cold" : "Sprained ankle");
    post.set_question("How long does it last?");
    post.set_answer("Rest, fluids and time help most people recover within a week.");
  }
  posts.push_back(guru::testing::MakePost(
      {"trypanosomiasis",
       "Parasites - African Trypanosomiasis (also known as Sleeping Sickness)",
       "What is African trypanosomiasis?",
       "African trypanosomiasis is spread by the bite of the tsetse fly."}));
  posts.push_back(guru::testing::MakePost(
      {"compression", "Celiac artery compression syndrome", "What causes it?",
       "A band of tissue presses on the artery that feeds the stomach."}));
  guru::testing::TempDir dir;
  ASSERT_NE(guru::testing::IndexAndOpen(dir.Sub("db"), posts), nullptr);
  const auto search = [&](const std::string& query,
                          std::shared_ptr<const WordList> dictionary) {
    absl::StatusOr<std::unique_ptr<Searcher>> searcher =
        Searcher::Open(dir.Sub("db"), {std::move(dictionary), {}});
    EXPECT_TRUE(searcher.ok()) << searcher.status();
    if (!searcher.ok()) return SearchPage();
    absl::StatusOr<SearchPage> page = guru::testing::SearchWith(**searcher, query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *std::move(page) : SearchPage();
  };
  const auto english = std::make_shared<const WordList>(
      WordList::Parse("what\nis\na\ncompress\ntallest\n"));

  // The question covers an eighth of the title, and yet the page is about it.
  const SearchPage named = search("what is trypanosomiasis", english);
  EXPECT_NE(named.response.answer_status(), v1::NO_MATCH);
  ASSERT_THAT(named.response.results(), Not(IsEmpty()));
  EXPECT_EQ(named.response.results(0).post().id(), "trypanosomiasis");

  // "compress" is a word of the dictionary: "compression syndrome" is not
  // what the person asked about.
  EXPECT_EQ(search("what is a compress", english).response.answer_status(), v1::NO_MATCH);
  // A misspelling corrected to the name may be the wrong name: not enough.
  const SearchPage corrected = search("what is trypanosomiasys", english);
  EXPECT_EQ(corrected.response.interpretation().did_you_mean(),
            "what is trypanosomiasis");
  EXPECT_EQ(corrected.response.answer_status(), v1::NO_MATCH);
  // Nor when a word no post holds may be what the message is about
  // ("tallest" is in no post, as rare as a name one post holds), in
  // either order.
  for (const char* query : {"tallest trypanosomiasis", "trypanosomiasis tallest"}) {
    EXPECT_EQ(search(query, english).response.answer_status(), v1::NO_MATCH) << query;
  }
  // Nor when the name is a third of what the message says: "tsetse" and
  // "fly" are as rare here.
  EXPECT_EQ(search("trypanosomiasis tsetse fly", english).response.answer_status(),
            v1::NO_MATCH);
  // Without a dictionary no word is known to be a name.
  EXPECT_EQ(search("what is trypanosomiasis", nullptr).response.answer_status(),
            v1::NO_MATCH);
}

// Ranking reads title and question stems from slot 6, which indexes of
// schema version 2 may lack: the searcher refuses them, as the writer does.
TEST_F(QueryUnderstandingTest, AnIndexOfAnotherSchemaVersionIsRefused) {
  searcher_.reset();
  {
    Xapian::WritableDatabase db(dir_.Sub("db"));
    db.set_metadata(std::string(schema::kSchemaVersionKey), "2");
    db.commit();
  }
  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(dir_.Sub("db"));
  EXPECT_EQ(searcher.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(searcher.status().message(),
              ::testing::HasSubstr("schema version 2, this is 3; reindex"));
}

TEST(RankingOptionsTest, ParsesEveryKnobAndNamesWhatIsWrong) {
  absl::StatusOr<RankingOptions> options = ParseRankingOptions(
      " title_weight=0.7, rerank_depth=20 ,weighting=dph,spelling=0,repeat_saturation=2");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->repeat_saturation, 2);
  EXPECT_EQ(options->title_weight, 0.7);
  EXPECT_EQ(options->rerank_depth, 20);
  EXPECT_EQ(options->weighting, RankingOptions::Weighting::kDph);
  EXPECT_FALSE(options->spelling);
  EXPECT_TRUE(ParseRankingOptions("").ok());
  EXPECT_THAT(ParseRankingOptions("nonsense=1").status().message(),
              ::testing::HasSubstr("unknown key 'nonsense'"));
  EXPECT_THAT(ParseRankingOptions("title_weight=-1").status().message(),
              ::testing::HasSubstr("'title_weight=-1' needs a non-negative number"));
  EXPECT_THAT(ParseRankingOptions("bm25_b=2").status().message(),
              ::testing::HasSubstr("bm25_b must be in [0, 1]"));
  EXPECT_THAT(ParseRankingOptions("weighting=tfidf").status().message(),
              ::testing::HasSubstr("'tfidf' is not one of"));
  // What measured worse left the server (docs/RELEVANCE.md keeps it).
  for (const char* gone : {"weighting=pl2", "weighting=lm", "weighting=bm25+",
                           "feedback_docs=5", "withhold_no_match=0"}) {
    EXPECT_FALSE(ParseRankingOptions(gone).ok()) << gone;
  }
}

}  // namespace
}  // namespace guru
