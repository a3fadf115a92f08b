// How a message is read in its conversation: which subject it takes from the
// earlier turns, which aspect it asks for, and the words (British spellings,
// words for people with a condition) that lead to the subject as posts name
// it. Over a small index whose posts are titled, as MedQuAD's are, by the
// condition and asked by the aspect.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "core/str_cat.h"
#include "index/small_index.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using ::guru::testing::PostText;

constexpr PostText kPosts[] = {
    {"asthma-what", "Asthma", "What is (are) Asthma ?",
     "Asthma is a long-term disease of the airways; adults and children have it."},
    {"asthma-symptoms", "Asthma", "What are the symptoms of Asthma ?",
     "Wheezing, coughing and a tight chest are the usual signs of asthma."},
    {"asthma-children-symptoms", "Asthma in children",
     "What are the symptoms of Asthma in children ?",
     "Children with asthma often cough at night and wheeze when they have a cold."},
    {"asthma-children-treat", "Asthma in children",
     "What are the treatments for Asthma in children ?",
     "Children use inhalers with a spacer; the dose grows with the child."},
    {"autism-what", "Autism", "What is (are) Autism ?",
     "Autism is a developmental condition that shows in young children."},
    {"autism-treat", "Autism", "What are the treatments for Autism ?",
     "Speech therapy and behavioural therapy help children with autism."},
    {"hemophilia-what", "Hemophilia", "What is (are) Hemophilia ?",
     "Hemophilia (haemophilia) is a disorder in which blood does not clot normally."},
    {"hemophilia-inherit", "Hemophilia", "Is Hemophilia inherited ?",
     "Hemophilia is passed down on the X chromosome, so it mostly affects boys."},
    {"hemophilia-treat", "Hemophilia", "What are the treatments for Hemophilia ?",
     "Hemophilia is treated by replacing the missing clotting factor, in children too."},
    {"hemophilia-symptoms", "Hemophilia", "What are the symptoms of Hemophilia ?",
     "Children with hemophilia bruise easily and bleed for long after a cut."},
    {"eczema-treat", "Eczema", "What are the treatments for Eczema ?",
     "Moisturisers and steroid creams calm eczema flares in adults and children."},
    {"copd-what", "COPD", "What is (are) COPD ?",
     "COPD is a lung disease; people with it often get chest infections and pneumonia."},
    {"copd-treat", "COPD", "What are the treatments for COPD ?",
     "Inhalers, lung rehabilitation, and vaccines against flu and pneumonia."},
    {"pneumonia-prevent", "Pneumonia", "How to prevent Pneumonia ?",
     "Vaccines prevent some kinds of pneumonia; so does not smoking."},
    {"celiac-what", "Celiac disease", "What is (are) Celiac disease ?",
     "Celiac disease is an immune disease in which gluten damages the gut."},
    {"celiac-treat", "Celiac disease", "What are the treatments for Celiac disease ?",
     "A lifelong gluten-free diet lets the gut heal."},
    {"gluten-free-diet", "Learn about gluten-free diets",
     "What is (are) Learn about gluten-free diets ?",
     "A gluten-free diet leaves out wheat, barley and rye.", "information"},
    {"gluten-free-cooking", "Gluten-free cooking", "What is (are) Gluten-free cooking ?",
     "Rice, potatoes and corn are naturally gluten-free.", "information"},
    {"toddler-health", "Toddler Health", "What is (are) Toddler Health ?",
     "Toddlers grow fast: play, sleep and good food keep a toddler healthy.",
     "information"},
    {"toddler-development", "Toddler Development", "What is (are) Toddler Development ?",
     "Most toddlers walk by 15 months and say a few words by two.", "information"},
    {"toddler-nutrition", "Toddler Nutrition", "What is (are) Toddler Nutrition ?",
     "A toddler needs milk, fruit, vegetables and some fat each day.", "information"},
};

class ConversationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<v1::Post> posts;
    for (const PostText& text : kPosts) posts.push_back(guru::testing::MakePost(text));
    searcher_ = guru::testing::IndexAndOpen(dir_.Sub("db"), posts);
    ASSERT_NE(searcher_, nullptr);
  }

  SearchPage Search(const std::string& query, std::vector<std::string> context = {}) {
    SearchParams params;
    params.query = query;
    params.context = std::move(context);
    absl::StatusOr<SearchPage> page = searcher_->Search(params);
    EXPECT_TRUE(page.ok()) << query << ": " << page.status();
    return page.ok() ? *std::move(page) : SearchPage();
  }

  static std::vector<std::string> Ids(const SearchPage& page) {
    std::vector<std::string> ids;
    for (const v1::SearchResult& result : page.response.results()) {
      ids.push_back(result.post().id());
    }
    return ids;
  }

  static std::string First(const SearchPage& page) {
    return page.response.results().empty() ? std::string()
                                           : page.response.results(0).post().id();
  }

  guru::testing::TempDir dir_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(ConversationTest, ADrillDownAsksTheLastQuestionAgainAboutTheNarrowerSubject) {
  const SearchPage page = Search("and in children?", {"what are the symptoms of asthma"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("asthma"));
  EXPECT_THAT(page.response.interpretation().aspects(), ElementsAre("symptoms"));
  // The asked-for aspect first, the narrower subject's post among them.
  ASSERT_GE(page.response.results().size(), 2U);
  EXPECT_THAT(First(page), ::testing::EndsWith("symptoms"));
  EXPECT_THAT((std::vector<std::string>{page.response.results(0).post().id(),
                                        page.response.results(1).post().id()}),
              Contains("asthma-children-symptoms"));
}

TEST_F(ConversationTest, AFollowUpThatAsksAnotherAspectAsksThatOne) {
  const SearchPage page =
      Search("what can they do for her", {"what are the symptoms of asthma"});
  EXPECT_THAT(page.response.interpretation().aspects(), ElementsAre("treatment"));
  EXPECT_THAT(First(page), ::testing::StartsWith("asthma"));
  EXPECT_THAT(First(page), ::testing::EndsWith("treat"));
}

TEST_F(ConversationTest, AnEarlierTurnThatTellsAsksForNoAspect) {
  // "diagnosed" tells the story here; the drill-down asks nothing again.
  const SearchPage page =
      Search("and in children?", {"my son was diagnosed with asthma"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(page.response.interpretation().aspects(), IsEmpty());
}

TEST_F(ConversationTest, AFollowUpWithNoCueWordAsksWhatTheLearnedModelReads) {
  // No word of these is a cue of their aspect; the learned aspect guess
  // (data/aspects/model.txt) reads them, and posts on the topic answer
  // that aspect. ("night" is there because a follow-up must have a word
  // the index knows.)
  const SearchPage page = Search("what can he do so there isn't a second one at night",
                                 {"my dad had pneumonia last winter"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(page.response.interpretation().aspects(), ElementsAre("prevention"));
  EXPECT_EQ(First(page), "pneumonia-prevent");
  EXPECT_THAT(Search("will my kids end up with it", {"my brother has hemophilia"})
                  .response.interpretation()
                  .aspects(),
              ElementsAre("inheritance"));
}

TEST_F(ConversationTest, AFollowUpsPhraseIsReadAroundAPronoun) {
  const SearchPage page = Search("what sets it off at night", {"my son has asthma"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(page.response.interpretation().aspects(), ElementsAre("causes"));
}

TEST_F(ConversationTest, AWordForAPersonWithAConditionNamesTheCondition) {
  const SearchPage page =
      Search("what kind of therapy helps", {"my 3 year old was diagnosed autistic"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("autistic"));
  EXPECT_EQ(First(page), "autism-treat");
}

TEST_F(ConversationTest, AWordForAPersonWithAConditionFindsTheConditionsPosts) {
  // No post says "autistic"; two are titled "Autism".
  const SearchPage page = Search("my daughter is autistic");
  EXPECT_THAT(page.response.interpretation().terms(), Contains("autism"));
  EXPECT_THAT(First(page), ::testing::StartsWith("autism-"));
  // A word that only looks derived is searched as written: "nervous" is not
  // "nerve", nor "manic" "man".
  EXPECT_THAT(Search("why am I so nervous").response.interpretation().terms(),
              ElementsAre("nervous"));
}

TEST_F(ConversationTest, APageOnlyDescribingADetailOfTheSubjectAsksAboutTheSubject) {
  // Two pages titled by "gluten" are information only; posts on celiac
  // disease discuss gluten: the diet is a detail of the subject, and the
  // person asks about its treatment.
  const SearchPage page =
      Search("is a gluten free diet the only treatment?", {"my son has celiac disease"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_EQ(First(page), "celiac-treat");
}

TEST_F(ConversationTest, APageAboutPeopleDoesNotTakeTheSubjectFromACondition) {
  // "toddler" is rarer than "asthma" and titles posts, but only pages of
  // information about toddlers: they are not what "will he grow out of it?"
  // asks about.
  const SearchPage page =
      Search("will he grow out of it?", {"we also have a toddler", "my son has asthma"});
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("asthma"));
  EXPECT_THAT(First(page), ::testing::StartsWith("asthma"));
}

TEST_F(ConversationTest, ABritishSpellingFindsThePostsThatSpellItTheAmericanWay) {
  // One post has "haemophilia", four "hemophilia": the message is searched
  // as the posts spell it, and the interpretation says so.
  const SearchPage page = Search("is haemophilia inherited?");
  ASSERT_THAT(page.response.interpretation().corrections(), Not(IsEmpty()));
  EXPECT_EQ(page.response.interpretation().corrections(0).original(), "haemophilia");
  EXPECT_EQ(page.response.interpretation().corrections(0).corrected(), "hemophilia");
  EXPECT_EQ(First(page), "hemophilia-inherit");
  // In an earlier turn too.
  const SearchPage follow_up =
      Search("is it passed down to boys?", {"my brother has haemophilia"});
  EXPECT_EQ(follow_up.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(First(follow_up), ::testing::StartsWith("hemophilia"));
}

TEST_F(ConversationTest, ANewSubjectUnrelatedToTheConversationIsSearchedAlone) {
  const SearchPage page =
      Search("different question, how is eczema treated?", {"my son has hemophilia"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::OWN_TOPIC);
  EXPECT_THAT(page.response.interpretation().context_terms(), IsEmpty());
  EXPECT_EQ(First(page), "eczema-treat");
}

TEST_F(ConversationTest, ASubjectThatATitleIsIsNotADetailOfTheEarlierOne) {
  // Posts on COPD mention pneumonia, but a post is about pneumonia itself:
  // the message asks about pneumonia, not about COPD.
  const SearchPage page = Search("can pneumonia be prevented?", {"my dad has COPD"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::OWN_TOPIC);
  EXPECT_EQ(First(page), "pneumonia-prevent");
}

TEST_F(ConversationTest, AMessageThatRefersBackBeforeNamingAnythingStaysOnTheSubject) {
  // "it" points at COPD before "pneumonia" is said: the message asks about
  // COPD, and pneumonia (which posts on COPD discuss) narrows it.
  const SearchPage page = Search("can it lead to pneumonia?", {"my dad has COPD"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(page.response.interpretation().context_use().topic(), Contains("copd"));
  EXPECT_THAT(First(page), ::testing::StartsWith("copd"));
  // A pronoun that "be" joins to a name identifies the name instead.
  const SearchPage named = Search("could it be pneumonia?", {"my dad has COPD"});
  EXPECT_EQ(named.response.interpretation().context_use().kind(),
            v1::ContextUse::OWN_TOPIC);
}

TEST_F(ConversationTest, PassingSomethingIsNotPassingItOn) {
  // "passed" alone is a stone, a clot or an exam, not inheritance ...
  EXPECT_THAT(Search("my son passed a blood clot, is that hemophilia?")
                  .response.interpretation()
                  .aspects(),
              Not(Contains("inheritance")));
  // ... but passed to someone, or from someone, is.
  EXPECT_THAT(Search("will hemophilia pass to my son's children?")
                  .response.interpretation()
                  .aspects(),
              Contains("inheritance"));
}

TEST_F(ConversationTest, BeingDiagnosedWithSomethingDoesNotAskHowItIsFound) {
  EXPECT_THAT(Search("I was diagnosed with celiac disease, what should I eat?")
                  .response.interpretation()
                  .aspects(),
              Not(Contains("diagnosis")));
  EXPECT_THAT(Search("he tested positive for celiac disease, what now?")
                  .response.interpretation()
                  .aspects(),
              Not(Contains("diagnosis")));
  EXPECT_THAT(
      Search("how is celiac disease diagnosed?").response.interpretation().aspects(),
      Contains("diagnosis"));
}

TEST_F(ConversationTest, AMessageOnlyNamingPeopleAsksAboutTheSubjectForThem) {
  // No title names eczema for toddlers, but "and in toddlers?" asks nothing
  // else: it is eczema in toddlers, not the toddler pages.
  const SearchPage page = Search("and in toddlers?", {"my son has eczema"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(page.response.interpretation().context_use().topic(), Contains("eczema"));
  EXPECT_EQ(First(page), "eczema-treat");
}

TEST_F(ConversationTest, AnEarlierTurnOnAnotherSubjectMovesTheConversationOn) {
  // Newest first: the conversation was about autism, then hemophilia, a
  // subject no less its own for being named by fewer posts' words.
  const SearchPage page =
      Search("how is it treated?", {"my son was just diagnosed with hemophilia",
                                    "what are the first signs of autism?"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("hemophilia"));
  EXPECT_EQ(First(page), "hemophilia-treat");
}

TEST_F(ConversationTest, AnEarlierQuestionAboutARelatedSubjectMovesTheConversationOn) {
  // Posts on COPD discuss pneumonia, and "pneumonia" names a subject about
  // as strongly: said in passing it could be a kind of COPD, but a turn
  // that asks about it by a title's name asks about pneumonia.
  const SearchPage page =
      Search("how is it treated?",
             {"what is the best way to prevent pneumonia?", "my dad has COPD"});
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("pneumonia"));
}

TEST_F(ConversationTest, AnEarlierTurnThatGoesOnWithTheStoryKeepsTheSubject) {
  // "pneumonia" names a subject as strongly as "hemophilia" does, but the
  // turn is about the brother already spoken of.
  const SearchPage page =
      Search("how is it treated?",
             {"he's in hospital with pneumonia again", "my brother has haemophilia"});
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("hemophilia"));
  EXPECT_EQ(First(page), "hemophilia-treat");
}

TEST_F(ConversationTest, ASubjectThatSharesOnlyAGenericWordIsAnotherSubject) {
  // Posts on COPD say "disease", as "celiac disease" does: that does not
  // make COPD a kind of celiac disease.
  const SearchPage page =
      Search("how is it treated?", {"my dad has COPD", "my mum has celiac disease"});
  EXPECT_THAT(page.response.interpretation().context_use().topic(), ElementsAre("copd"));
  EXPECT_EQ(First(page), "copd-treat");
}

TEST_F(ConversationTest, ATurnThatTellsOfADiagnosisNamesTheSubject) {
  // The turn goes on with the story of the son, and tells what he has.
  const SearchPage page =
      Search("how is it treated?",
             {"he's just been diagnosed with hemophilia", "my son has autism"});
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("hemophilia"));
  EXPECT_EQ(First(page), "hemophilia-treat");
}

TEST_F(ConversationTest, ASubjectAddedInPassingIsBesideTheSubject) {
  // "also" tells of something beside what the conversation is about; said
  // without it, the same turn names a new subject.
  const std::vector<std::string> story = {"my son was just diagnosed with hemophilia"};
  std::vector<std::string> added = story;
  added.insert(added.begin(), "my daughter also has eczema");
  EXPECT_THAT(
      Search("how is it treated?", added).response.interpretation().context_use().topic(),
      ElementsAre("hemophilia"));
  std::vector<std::string> told = story;
  told.insert(told.begin(), "my daughter has eczema");
  EXPECT_THAT(
      Search("how is it treated?", told).response.interpretation().context_use().topic(),
      ElementsAre("eczema"));
}

TEST_F(ConversationTest, ASubjectAddedInPassingInTheSameTurnIsBesideItsSubject) {
  const SearchPage page =
      Search("how is it treated?",
             {"my son was just diagnosed with hemophilia, he has eczema too"});
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("hemophilia"));
  EXPECT_EQ(First(page), "hemophilia-treat");
}

TEST_F(ConversationTest, AlsoOpeningATurnOpensANewSubject) {
  const SearchPage page = Search(
      "how is it treated?",
      {"also my son was just diagnosed with hemophilia", "my daughter has eczema"});
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("hemophilia"));
}

TEST_F(ConversationTest, ADashEndsAClauseAddedInPassing) {
  // Without the dash the whole turn would be said in passing, and the
  // conversation would stay on autism.
  const SearchPage page =
      Search("how is it treated?",
             {"my son was just diagnosed with hemophilia - he has eczema too",
              "my daughter has autism"});
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("hemophilia"));
}

TEST_F(ConversationTest, AQuestionThatSaysTooAsksAboutWhatItNames) {
  const SearchPage page =
      Search("how is it treated?",
             {"what is the best way to prevent pneumonia too?", "my dad has COPD"});
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("pneumonia"));
}

TEST_F(ConversationTest, AMessageNamingTheConversationsSubjectGoesOnWithIt) {
  // Named again, the subject is the conversation's: the message asks an
  // aspect of it, as a follow-up would.
  const SearchPage page =
      Search("how is hemophilia treated?", {"my son was just diagnosed with hemophilia"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("hemophilia"));
  EXPECT_EQ(First(page), "hemophilia-treat");
}

TEST_F(ConversationTest, APageOnlyDescribingSomethingDoesNotTakeOverFromTheSubject) {
  // "Gluten-free cooking" is a title, and a stronger subject than celiac
  // disease, but only a page of information: a message that points back
  // asks about the conversation's subject. One that does not is a new
  // question ("what are the warning signs of suicide?" after asthma).
  const SearchPage page =
      Search("will gluten-free cooking help with it?", {"my son has celiac disease"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("celiac disease"));
  EXPECT_THAT(Ids(page), Contains("celiac-treat"));
  EXPECT_EQ(Search("will gluten-free cooking help him?", {"my son has celiac disease"})
                .response.interpretation()
                .context_use()
                .kind(),
            v1::ContextUse::OWN_TOPIC);
}

TEST_F(ConversationTest, AMessageNamingTheSubjectAgainAsksWhatItAsks) {
  // Not the earlier turn's aspect, nor its people.
  const SearchPage what =
      Search("what is hemophilia?", {"what are the symptoms of hemophilia?"});
  EXPECT_EQ(what.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(what.response.interpretation().aspects(), IsEmpty());
  const SearchPage adults =
      Search("can adults get asthma?", {"my 5 year old has asthma"});
  EXPECT_THAT(First(adults), Not(::testing::StartsWith("asthma-children")));
}

TEST_F(ConversationTest, ASubjectSaidTwiceIsShownOnce) {
  const SearchPage page =
      Search("how is it treated?", {"my son has asthma, his asthma is worse at night"});
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("asthma"));
  EXPECT_THAT(page.response.interpretation().context_use().searched_for(),
              ::testing::StartsWith("asthma \u2014"));
}

TEST_F(ConversationTest, ASubjectSaidTwiceInARowIsShownOnce) {
  std::string turn = "my son has";
  for (int i = 0; i < 50; ++i) turn += " asthma";
  const SearchPage page = Search("how is it treated?", {turn});
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("asthma"));
}

TEST_F(ConversationTest, AnEarlierTurnIsReadUpToItsFirstTwoHundredWords) {
  std::string filler;
  for (int i = 0; i < 100; ++i) filler += " and so";
  const SearchPage early = Search("how is it treated?", {"my son has asthma" + filler});
  EXPECT_THAT(early.response.interpretation().context_use().topic(),
              ElementsAre("asthma"));
  const SearchPage late =
      Search("how is it treated?", {"and" + filler + " my son has asthma"});
  EXPECT_THAT(late.response.interpretation().context_use().topic(),
              Not(Contains("asthma")));
}

TEST_F(ConversationTest, AFollowUpThatNamesNothingFindsOnlyPostsOnTheTopic) {
  // Other posts on treatments answer someone else's question.
  const SearchPage page = Search("how is it treated?", {"my son has asthma"});
  ASSERT_FALSE(page.response.results().empty());
  for (const v1::SearchResult& result : page.response.results()) {
    EXPECT_THAT(result.post().id(), ::testing::StartsWith("asthma"));
  }
  // A drill-down names something of its own, which may lead elsewhere.
  const SearchPage narrower = Search("and in children?", {"how is asthma treated?"});
  EXPECT_THAT(Ids(narrower), Contains("autism-treat"));
}

TEST_F(ConversationTest, ATurnThatTellsOfATestIsNoDiagnosis) {
  // Being checked for something is not having it: the story stays on autism.
  const SearchPage page = Search(
      "how is it treated?", {"he was checked for hemophilia too", "my son has autism"});
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("autism"));
  EXPECT_EQ(First(page), "autism-treat");
}

TEST_F(ConversationTest, ANumberTheIndexDoesNotKnowIsNoGibberish) {
  // An age is no word to know: the message still follows up.
  const SearchPage page =
      Search("why would she have it, she's only 38?", {"my mum has hemophilia"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(page.response.interpretation().context_use().topic(),
              ElementsAre("hemophilia"));
}

TEST_F(ConversationTest, AWordTheIndexDoesNotKnowInAQuestionIsNoGibberish) {
  // "grommets" is in no post, but "what do they do about it" asks for a
  // treatment: the message follows up. Unknown words that ask nothing still
  // take nothing from the conversation.
  const SearchPage page =
      Search("what do they do about it, grommets?", {"my son has asthma"});
  EXPECT_EQ(page.response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(page.response.interpretation().aspects(), ElementsAre("treatment"));
  EXPECT_EQ(Search("grommets zzyzx", {"my son has asthma"})
                .response.interpretation()
                .context_use()
                .kind(),
            v1::ContextUse::NO_CONTEXT);
}

// Appends `count` posts "`id`-N", titled "`title` N" (N from 0), whose
// answer is `answer`: posts on other subjects that make the words of
// `answer` and `title` common in the index.
void AddPostsSaying(std::vector<v1::Post>& posts, const std::string& id,
                    const std::string& title, int count, const char* answer) {
  for (int i = 0; i < count; ++i) {
    const std::string titled = StrCat(title, " ", i);
    posts.push_back(guru::testing::MakePost(
        {StrCat(id, "-", i).c_str(), titled.c_str(),
         StrCat("What is (are) ", titled, " ?").c_str(), answer}));
  }
}

// `query` with `context` over `texts`, titled posts on a few conditions,
// among many posts on other subjects, so that a word a handful of posts use
// is rare in the index.
absl::StatusOr<SearchPage> SearchAmongMany(std::vector<v1::Post> posts, std::string query,
                                           std::vector<std::string> context) {
  AddPostsSaying(posts, "other", "Condition number", 1000,
                 "A condition that doctors treat with rest, fluids and time.");
  guru::testing::TempDir dir;
  const std::unique_ptr<Searcher> searcher =
      guru::testing::IndexAndOpen(dir.Sub("db"), posts);
  if (searcher == nullptr) return absl::InternalError("no index");
  return guru::testing::SearchWith(*searcher, std::move(query), std::move(context));
}

absl::StatusOr<SearchPage> SearchAmongMany(std::initializer_list<PostText> texts,
                                           std::string query,
                                           std::vector<std::string> context) {
  return SearchAmongMany(guru::testing::MakePosts(texts), std::move(query),
                         std::move(context));
}

// Where `id` is among `page`'s results (their count when it is not).
std::ptrdiff_t RankOf(const SearchPage& page, std::string_view id) {
  const auto& results = page.response.results();
  return std::find_if(
             results.begin(), results.end(),
             [id](const v1::SearchResult& result) { return result.post().id() == id; }) -
         results.begin();
}

TEST(ConversationAmongManyPostsTest, AWordThatReportsNamesNoSubject) {
  // Titles use "say" ("Barber Say syndrome", "Say no to smoking"), but
  // "the doctor says"
  // reports the subject: "searching for: gout", not "says gout".
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      {
          {"barber-say", "Barber Say syndrome", "What is (are) Barber Say syndrome ?",
           "Barber Say syndrome is a rare condition of the skin and face."},
          {"say-no", "Say no to smoking", "What is (are) Say no to smoking ?",
           "Saying no to a cigarette gets easier with each day."},
          {"say-doctor", "What to say to your doctor",
           "What is (are) What to say to your doctor ?",
           "Write down your questions before the visit."},
          {"gout-what", "Gout", "What is (are) Gout ?",
           "Gout is arthritis from uric acid crystals in a joint."},
          {"gout-treat", "Gout", "What are the treatments for Gout ?",
           "Anti-inflammatory medicines ease an attack of gout."},
      },
      "how is it treated?", {"the doctor says it is gout"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->response.interpretation().context_use().topic(), ElementsAre("gout"));
  EXPECT_EQ(page->response.results(0).post().id(), "gout-treat");
}

TEST(ConversationAmongManyPostsTest, APossessivePronounRefersBackEvenBeforeBe) {
  // "mine" is my anemia, though "is" joins it to what follows as in "it's
  // bell's palsy": the message asks about the kind of anemia a title names
  // with kidney disease, not about kidney disease.
  const std::initializer_list<PostText> posts = {
      {"anemia-causes", "Anemia", "What causes Anemia ?",
       "Anemia has many causes: blood loss, too little iron, or long-term disease."},
      {"anemia-treat", "Anemia", "What are the treatments for Anemia ?",
       "Iron tablets treat the most common kind of anemia."},
      {"kidney-causes", "Kidney Disease", "What causes Kidney Disease ?",
       "Diabetes and high blood pressure cause most kidney disease."},
      {"kidney-treat", "Kidney Disease", "What are the treatments for Kidney Disease ?",
       "Blood pressure medicines slow kidney disease; some people need dialysis."},
      {"anemia-ckd-causes", "Anemia in Chronic Kidney Disease",
       "What causes Anemia in Chronic Kidney Disease ?",
       "Damaged kidneys make too little of the hormone that tells the marrow to make "
       "red blood cells."},
  };
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      posts, "mine is from kidney disease apparently, why does that happen?",
      {"what causes anemia"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->response.interpretation().context_use().kind(),
            v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(page->response.interpretation().context_use().topic(), Contains("anemia"));
  EXPECT_EQ(page->response.results(0).post().id(), "anemia-ckd-causes");
  // "of mine" is someone I know, and points at nothing said.
  const absl::StatusOr<SearchPage> friends = SearchAmongMany(
      posts, "a friend of mine is from kidney disease, why does that happen?",
      {"what causes anemia"});
  ASSERT_TRUE(friends.ok()) << friends.status();
  EXPECT_EQ(friends->response.interpretation().context_use().kind(),
            v1::ContextUse::OWN_TOPIC);
}

TEST(ConversationAmongManyPostsTest,
     AWordOnePageIsTitledByButPostsMentionInPassingIsADetail) {
  // One page is titled "Swollen", but a hundred posts say it in passing:
  // in "heart failure because his ankles are swollen" the subject is heart
  // failure, though its words are common ones.
  std::vector<v1::Post> posts = guru::testing::MakePosts(std::initializer_list<PostText>{
      {"hf-what", "Heart failure", "What is (are) Heart failure ?",
       "In heart failure the heart cannot pump enough blood; ankles get swollen."},
      {"hf-tests", "Heart failure", "How to diagnose Heart failure ?",
       "An echocardiogram and blood tests show how well the heart pumps.",
       "exams and tests"},
      {"swollen", "Swollen", "What is (are) Swollen ?",
       "A swollen part of the body holds more fluid than it should."},
  });
  AddPostsSaying(posts, "heart", "Heart problem", 150,
                 "The heart shows failure in many ways.");
  AddPostsSaying(posts, "fall", "Fall injury", 100,
                 "After a fall a joint may be swollen.");
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      std::move(posts), "what tests will they do",
      {"the GP thinks my dad might have heart failure because his ankles are swollen"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->response.interpretation().context_use().topic(),
              ElementsAre("heart failure"));
  EXPECT_EQ(page->response.results(0).post().id(), "hf-tests");
}

TEST(ConversationAmongManyPostsTest, RareWordsNameTheSubjectTheirPostsAreTitledBy) {
  // No title says "nits", but every post that does is titled "head lice".
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      {
          {"lice-what", "Head lice", "What is (are) Head lice ?",
           "Head lice are tiny insects; their eggs, nits, stick to the hair."},
          {"lice-prevent", "Head lice", "How to prevent Head lice ?",
           "Avoid sharing combs and hats to stop catching them; check for nits every "
           "week."},
          {"lice-treat", "Head lice", "What are the treatments for Head lice ?",
           "Comb out the nits with a fine comb and use a lotion."},
          {"scabies-prevent", "Scabies", "How to prevent Scabies ?",
           "Wash bedding and avoid close contact with someone who has scabies."},
      },
      "how do I stop her catching them again?", {"nits again from school"});
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::ContextUse& use = page->response.interpretation().context_use();
  EXPECT_EQ(use.kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(use.topic(), ElementsAre("nits"));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "lice-prevent");
}

TEST(ConversationAmongManyPostsTest, WhichGeneIsAnotherQuestionThanWhetherItIsPassedOn) {
  const std::initializer_list<PostText> posts = {
      {"rett-inherit", "Rett syndrome", "Is Rett syndrome inherited ?",
       "Rett syndrome is seldom passed on; most cases are new in the family."},
      {"rett-genes", "Rett syndrome",
       "What are the genetic changes related to Rett syndrome ?",
       "Mutations in the MECP2 gene cause most cases of Rett syndrome."},
  };
  const absl::StatusOr<SearchPage> genes =
      SearchAmongMany(posts, "so which gene is it in?", {"my niece has rett syndrome"});
  ASSERT_TRUE(genes.ok()) << genes.status();
  EXPECT_THAT(genes->response.interpretation().aspects(), ElementsAre("genetic changes"));
  ASSERT_FALSE(genes->response.results().empty());
  EXPECT_EQ(genes->response.results(0).post().id(), "rett-genes");
  const absl::StatusOr<SearchPage> passed_on =
      SearchAmongMany(posts, "does it run in families?", {"my niece has rett syndrome"});
  ASSERT_TRUE(passed_on.ok()) << passed_on.status();
  EXPECT_THAT(passed_on->response.interpretation().aspects(), ElementsAre("inheritance"));
}

TEST(ConversationAmongManyPostsTest, ATopicsNameTakesNeighboursTitlesUseWithIt) {
  // Titles use "says" and "down" alike; only "down" with "syndrome".
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      {
          {"tremor-inherit", "Essential tremor", "Is Essential tremor inherited ?",
           "Essential tremor often runs in families."},
          {"down-what", "Down syndrome", "What is (are) Down syndrome ?",
           "Down syndrome comes from an extra copy of chromosome 21."},
          {"doctor-says", "What the doctor says", "What is (are) What the doctor says ?",
           "Write down what the doctor says at each visit."},
      },
      "is there a gene for it?",
      {"and the neurologist says essential tremor", "my son has down syndrome"});
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::ContextUse& use = page->response.interpretation().context_use();
  EXPECT_EQ(use.kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(use.topic(), ElementsAre("essential tremor"));
  const absl::StatusOr<SearchPage> down =
      SearchAmongMany({{"down-what", "Down syndrome", "What is (are) Down syndrome ?",
                        "Down syndrome comes from an extra copy of chromosome 21."},
                       {"down-cause", "Down syndrome", "What causes Down syndrome ?",
                        "An extra copy of chromosome 21."},
                       {"slow-down", "Slowing down", "What is (are) Slowing down ?",
                        "Older people slow down; nothing to worry about."}},
                      "what causes it?", {"my son has down syndrome"});
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_THAT(down->response.interpretation().context_use().topic(),
              ElementsAre("down syndrome"));
}

TEST(ConversationAmongManyPostsTest,
     ASubjectThatATitleNamesWithTheConversationsIsAKindOfIt) {
  // "juvenile" names subjects of its own in titles, but no title is just
  // "juvenile", and one names it with arthritis: the juvenile kind.
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      {
          {"arthritis-what", "Arthritis", "What is (are) Arthritis ?",
           "Arthritis is pain and swelling of the joints."},
          {"arthritis-causes", "Arthritis", "What causes Arthritis ?",
           "Wear and tear of the joints, injuries and age."},
          {"jia-causes", "Juvenile arthritis", "What causes Juvenile arthritis ?",
           "The immune system attacks the joints of a child."},
          {"jia-treat", "Juvenile arthritis",
           "What are the treatments for Juvenile arthritis ?",
           "Medicines and physiotherapy keep the joints moving."},
          {"jme-causes", "Juvenile myoclonic epilepsy",
           "What causes Juvenile myoclonic epilepsy ?",
           "Changes in several genes make the brain prone to seizures."},
          {"jr-causes", "Juvenile retinoschisis", "What causes Juvenile retinoschisis ?",
           "A change in one gene splits the layers of the retina."},
      },
      "and the juvenile form, what causes the juvenile form?", {"what is arthritis"});
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::ContextUse& use = page->response.interpretation().context_use();
  EXPECT_EQ(use.kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(use.topic(), Contains("arthritis"));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "jia-causes");
}

TEST(ConversationAmongManyPostsTest, ADrillDownToSomePeopleFindsTheSubjectsPageForThem) {
  const std::initializer_list<PostText> posts = {
      {"hd-symptoms", "Huntington disease",
       "What are the symptoms of Huntington disease ?",
       "Huntington disease brings jerky movements, clumsiness and mood changes in "
       "middle age."},
      {"hd-causes", "Huntington disease", "What causes Huntington disease ?",
       "A change in the HTT gene causes Huntington disease."},
      {"jhd-symptoms", "Juvenile Huntington disease",
       "What are the symptoms of Juvenile Huntington disease ?",
       "Stiffness, slowness and trouble at school in a child or teenager."},
      {"pregnancy", "Pregnancy", "What is (are) Pregnancy ?",
       "Pregnant again? Ask your doctor what could be passed down to the baby."},
      {"hd-inherit", "Huntington disease", "Is Huntington disease inherited ?",
       "Each child of a parent with Huntington disease has a 1 in 2 chance of it."},
  };
  const absl::StatusOr<SearchPage> teens =
      SearchAmongMany(posts, "can it start in teenagers? what does that look like?",
                      {"my uncle has huntington disease"});
  ASSERT_TRUE(teens.ok()) << teens.status();
  ASSERT_FALSE(teens->response.results().empty());
  EXPECT_EQ(teens->response.results(0).post().id(), "jhd-symptoms");
  // A page about the people alone answers nothing about the subject.
  const absl::StatusOr<SearchPage> pregnant = SearchAmongMany(
      posts, "pregnant again, could huntington disease be passed down?", {});
  ASSERT_TRUE(pregnant.ok()) << pregnant.status();
  ASSERT_FALSE(pregnant->response.results().empty());
  EXPECT_EQ(RankOf(*pregnant, "hd-inherit"), 0);
  EXPECT_GT(RankOf(*pregnant, "pregnancy"), RankOf(*pregnant, "hd-symptoms"));
}

TEST(ConversationAmongManyPostsTest, AKindThatOnlyNamesPeopleNarrowsTheSubject) {
  // Titles use "childhood" on subjects of their own, more than one title
  // names arthritis, but "the childhood type" names no subject: it asks
  // about arthritis in children, which a title names.
  const std::initializer_list<PostText> posts = {
      {"arthritis-inherit", "Arthritis", "Is Arthritis inherited ?",
       "Some kinds of arthritis run in families."},
      {"arthritis-treat", "Arthritis", "What are the treatments for Arthritis ?",
       "Exercise and painkillers ease the joints."},
      {"ra-inherit", "Rheumatoid arthritis", "Is Rheumatoid arthritis inherited ?",
       "Rheumatoid arthritis is not inherited as such, though it clusters in "
       "families."},
      {"jia-inherit", "Juvenile idiopathic arthritis",
       "Is Juvenile idiopathic arthritis inherited ?",
       "It rarely runs in families; brothers and sisters are seldom both affected."},
      {"ahc-inherit", "Alternating hemiplegia of childhood",
       "Is Alternating hemiplegia of childhood inherited ?",
       "Most cases are new mutations, though it can run in families."},
      {"cae-inherit", "Childhood absence epilepsy",
       "Is Childhood absence epilepsy inherited ?",
       "It tends to run in families; several genes play a part."},
      {"cil-inherit", "Childhood interstitial lung disease",
       "Is Childhood interstitial lung disease inherited ?",
       "Some forms run in families."},
  };
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      posts, "does the childhood type run in families?", {"my daughter has arthritis"});
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::ContextUse& use = page->response.interpretation().context_use();
  EXPECT_EQ(use.kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(use.topic(), Contains("arthritis"));
  const std::ptrdiff_t jia = RankOf(*page, "jia-inherit");
  EXPECT_LT(jia, 2);
  for (const char* childhood : {"ahc-inherit", "cae-inherit", "cil-inherit"}) {
    EXPECT_LT(jia, RankOf(*page, childhood)) << childhood;
  }
  // No title names gout for children: the question is about them.
  const absl::StatusOr<SearchPage> gout = SearchAmongMany(
      {{"gout-inherit", "Gout", "Is Gout inherited ?", "Gout can run in families."},
       {"gout-treat", "Gout", "What are the treatments for Gout ?",
        "Painkillers for attacks, then tablets that lower uric acid."},
       {"cae-inherit", "Childhood absence epilepsy",
        "Is Childhood absence epilepsy inherited ?",
        "It tends to run in families; several genes play a part."},
       {"cil-inherit", "Childhood interstitial lung disease",
        "Is Childhood interstitial lung disease inherited ?",
        "Some forms run in families."}},
      "what about childhood, what runs in families then?", {"my dad has gout"});
  ASSERT_TRUE(gout.ok()) << gout.status();
  EXPECT_EQ(gout->response.interpretation().context_use().kind(),
            v1::ContextUse::OWN_TOPIC);
}

TEST(ConversationAmongManyPostsTest, TheWordTypeAloneNamesNoSubject) {
  // Titles use "type" for kinds of many subjects; "the type babies get"
  // says glaucoma has kinds, not which, and must not find them.
  const std::initializer_list<PostText> posts = {
      {"glaucoma-inherit", "Glaucoma", "Is Glaucoma inherited ?",
       "Glaucoma that starts in later life often runs in families."},
      {"infant-glaucoma-inherit", "Glaucoma in infants",
       "Is Glaucoma in infants inherited ?",
       "Glaucoma in babies is usually passed on from both parents."},
      {"bdb-inherit", "Brachydactyly type B", "Is Brachydactyly type B inherited ?",
       "This type is passed on by one parent."},
      {"oi6-inherit", "Osteogenesis imperfecta type VI",
       "Is Osteogenesis imperfecta type VI inherited ?",
       "This type is passed on from both parents."},
      {"hsn-inherit", "Hereditary sensory neuropathy type IE",
       "Is Hereditary sensory neuropathy type IE inherited ?",
       "This type is passed on by one parent."},
  };
  const absl::StatusOr<SearchPage> page =
      SearchAmongMany(posts, "what about the type babies get, is that passed on too?",
                      {"is glaucoma hereditary?"});
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::ContextUse& use = page->response.interpretation().context_use();
  EXPECT_EQ(use.kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(use.topic(), Contains("glaucoma"));
  EXPECT_THAT(use.topic(), Not(Contains(HasSubstr("type"))));
  ASSERT_GE(page->response.results().size(), 2);
  EXPECT_EQ(page->response.results(0).post().id(), "infant-glaucoma-inherit");
  EXPECT_EQ(page->response.results(1).post().id(), "glaucoma-inherit");
  // "a" after the word is an article, "I" before a verb a pronoun.
  for (const char* message : {"and the type a baby gets, is that passed on?",
                              "is the type I have passed on?"}) {
    const absl::StatusOr<SearchPage> other =
        SearchAmongMany(posts, message, {"is glaucoma hereditary?"});
    ASSERT_TRUE(other.ok()) << other.status();
    EXPECT_THAT(other->response.interpretation().context_use().topic(),
                Not(Contains(HasSubstr("type"))))
        << message;
  }
  // The "b" of "type B" is no word of a longer name: "brachydactyly" is a
  // subject of its own.
  const absl::StatusOr<SearchPage> brachydactyly =
      SearchAmongMany(posts, "is brachydactyly inherited?", {"is glaucoma hereditary?"});
  ASSERT_TRUE(brachydactyly.ok()) << brachydactyly.status();
  EXPECT_EQ(brachydactyly->response.interpretation().context_use().kind(),
            v1::ContextUse::OWN_TOPIC);
  ASSERT_FALSE(brachydactyly->response.results().empty());
  EXPECT_EQ(brachydactyly->response.results(0).post().id(), "bdb-inherit");
}

TEST(ConversationAmongManyPostsTest, ANumberedTypeNamesTheSubject) {
  // Leaving the bare "type" out must not lose "type 2 diabetes".
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      {
          {"t1-treat", "Type 1 diabetes", "What are the treatments for Type 1 diabetes ?",
           "Insulin every day, by injection or pump."},
          {"t2-treat", "Type 2 diabetes", "What are the treatments for Type 2 diabetes ?",
           "Diet, exercise and tablets such as metformin, then insulin."},
          {"brachy", "Brachydactyly type B", "What is (are) Brachydactyly type B ?",
           "Short fingers and toes."},
          {"oi", "Osteogenesis imperfecta type VI",
           "What is (are) Osteogenesis imperfecta type VI ?", "Bones that break easily."},
      },
      "how is it treated?", {"my mum has type 2 diabetes"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->response.interpretation().context_use().topic(),
              Contains(HasSubstr("type 2")));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "t2-treat");
}

TEST(ConversationAmongManyPostsTest, AnotherKindsPageComesAfterTheKindAskedAbout) {
  // Type 1 diabetes has a treatment page and type 2 none: the aspect asked
  // for must not bring another kind of the subject, nor another subject's
  // type 2, above the pages of the kind the person has.
  const std::initializer_list<PostText> posts = {
      {"t1-treat", "Type 1 diabetes", "What are the treatments for Type 1 diabetes ?",
       "Treatment is insulin every day, by injection or pump."},
      {"t2-info", "Type 2 diabetes", "What is (are) Type 2 diabetes ?",
       "Type 2 diabetes is high blood sugar because the body resists insulin."},
      {"pha2-treat", "Pseudohypoaldosteronism type 2",
       "What are the treatments for Pseudohypoaldosteronism type 2 ?",
       "Treatment is a diet low in salt and a thiazide diuretic."},
  };
  const absl::StatusOr<SearchPage> follow_up = SearchAmongMany(
      posts, "how is it treated?", {"I was just diagnosed with type 2 diabetes"});
  ASSERT_TRUE(follow_up.ok()) << follow_up.status();
  ASSERT_FALSE(follow_up->response.results().empty());
  EXPECT_EQ(follow_up->response.results(0).post().id(), "t2-info");
  // The kind said in the topic's turn counts where the topic's name leaves
  // it out.
  const absl::StatusOr<SearchPage> unnamed_kind = SearchAmongMany(
      {{"chiari1-causes", "Chiari malformation type 1",
        "What causes Chiari malformation type 1 ?",
        "Chiari malformation type 1 is caused by a skull too small for the brain: the "
        "causes of this Chiari malformation are in how the skull grows."},
       {"chiari-info", "Chiari malformation", "What is (are) Chiari malformation ?",
        "Chiari malformations are present from birth or, rarely, develop later."},
       {"chiari-symptoms", "Chiari malformation",
        "What are the symptoms of Chiari malformation ?",
        "Headaches at the back of the head and neck pain."}},
      "what causes it?", {"my doctor says I have a type II chiari malformation"});
  ASSERT_TRUE(unnamed_kind.ok()) << unnamed_kind.status();
  ASSERT_FALSE(unnamed_kind->response.results().empty());
  EXPECT_NE(unnamed_kind->response.results(0).post().id(), "chiari1-causes");
  // A topic's name that takes "type" along shows the kind said after it;
  // a subtype of the kind asked is that kind, another subtype is not.
  const absl::StatusOr<SearchPage> subtype =
      SearchAmongMany({{"usher-freq", "Usher syndrome",
                        "How many people are affected by Usher syndrome ?",
                        "Usher syndrome affects about 4 to 17 per 100,000 people."},
                       {"usher1b-freq", "Usher syndrome, type 1B",
                        "How many people are affected by Usher syndrome, type 1B ?",
                        "Usher syndrome type 1B is the most common of the type 1 forms."},
                       {"usher2c-freq", "Usher syndrome, type 2C",
                        "How many people are affected by Usher syndrome, type 2C ?",
                        "Usher syndrome type 2C is a rare form of type 2."}},
                      "how common is it?", {"she has usher syndrome type 2"});
  ASSERT_TRUE(subtype.ok()) << subtype.status();
  EXPECT_THAT(subtype->response.interpretation().context_use().searched_for(),
              HasSubstr("type 2"));
  EXPECT_LT(RankOf(*subtype, "usher2c-freq"), RankOf(*subtype, "usher1b-freq"));
  // "II" designates the kind "2" too, and a title sharing only "type II"
  // with the message is about something else.
  const absl::StatusOr<SearchPage> roman = SearchAmongMany(
      {{"t2-info", "Type 2 diabetes", "What is (are) Type 2 diabetes ?",
        "Type 2 diabetes is high blood sugar because the body resists insulin."},
       {"mps2-info", "Mucopolysaccharidosis type II",
        "What is (are) Mucopolysaccharidosis type II ?",
        "Mucopolysaccharidosis type II is a condition of many body systems."},
       {"t1-info", "Type 1 diabetes", "What is (are) Type 1 diabetes ?",
        "Type 1 diabetes is high blood sugar because the body makes no insulin."}},
      "what is type II diabetes", {});
  ASSERT_TRUE(roman.ok()) << roman.status();
  ASSERT_FALSE(roman->response.results().empty());
  EXPECT_EQ(roman->response.results(0).post().id(), "t2-info");
}

TEST(ConversationAmongManyPostsTest, AWordOfALongerNameNamesNoSubjectAlone) {
  // "ward" is titled only in "Romano-Ward syndrome", a rare word that
  // names its pages more strongly than "stroke", which many posts mention;
  // said alone, it is a hospital ward.
  std::vector<v1::Post> posts = guru::testing::MakePosts(std::initializer_list<PostText>{
      {"stroke-outlook", "Stroke", "What is the outlook for Stroke ?",
       "Many people recover well after a stroke with rehabilitation."},
      {"stroke-causes", "Stroke", "What causes Stroke ?",
       "A clot or a bleed stops blood reaching part of the brain."},
      {"rw-outlook", "Romano-Ward syndrome",
       "What is the outlook for Romano-Ward syndrome ?",
       "With treatment most people with Romano-Ward syndrome do well."},
      {"rw-causes", "Romano-Ward syndrome", "What causes Romano-Ward syndrome ?",
       "Changes in genes for the heart's ion channels."},
      {"rw-inherit", "Romano-Ward syndrome", "Is Romano-Ward syndrome inherited ?",
       "One changed copy of the gene is enough."},
      {"hospital", "Hospital stays", "What is (are) Hospital stays ?",
       "On the ward, nurses check on you through the day."},
  });
  AddPostsSaying(posts, "risk", "Risk factor", 60,
                 "It raises the risk of heart attack and stroke.");
  const absl::StatusOr<SearchPage> page =
      SearchAmongMany(std::move(posts), "will he recover from it?",
                      {"he's stable on the ward now", "grandad had a stroke on tuesday"});
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::ContextUse& use = page->response.interpretation().context_use();
  EXPECT_EQ(use.kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(use.topic(), ElementsAre("stroke"));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "stroke-outlook");
  // With the name's other word, it is the name.
  const absl::StatusOr<SearchPage> named = SearchAmongMany(
      {{"rw-outlook", "Romano-Ward syndrome",
        "What is the outlook for Romano-Ward syndrome ?",
        "With treatment most people with Romano-Ward syndrome do well."}},
      "will he get better?", {"they found romano ward in his heart tracing"});
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_THAT(named->response.interpretation().context_use().topic(),
              ElementsAre("romano ward"));
}

TEST(ConversationAmongManyPostsTest, APageOnEverySubjectTheTurnsJoinedComesFirst) {
  // "kidneys" narrows "high blood pressure": the page on both is the one
  // asked about, over the exact title of the first subject.
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      {
          {"hbp-tests", "High blood pressure", "How to diagnose High blood pressure ?",
           "Doctors check high blood pressure with a cuff at several visits to find "
           "damage early."},
          {"hbp-kidney-tests", "High blood pressure and kidney disease",
           "How to diagnose High blood pressure and kidney disease ?",
           "A urine test for protein and a blood test show damage to the kidneys."},
          {"kidney-tests", "Kidney disease", "How to diagnose Kidney disease ?",
           "Blood and urine tests check how well the kidneys filter."},
          // "disease" names many subjects, as in any index of health posts.
          {"heart", "Heart disease", "What is (are) Heart disease ?",
           "The arteries of the heart narrow."},
          {"liver", "Liver disease", "What is (are) Liver disease ?",
           "The liver is scarred and works less well."},
      },
      "how do they check whether the pressure is damaging them?",
      {"and my kidneys aren't great either", "I have high blood pressure"});
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::ContextUse& use = page->response.interpretation().context_use();
  EXPECT_EQ(use.kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(use.topic(), Contains("kidneys"));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "hbp-kidney-tests");
}

TEST(ConversationAmongManyPostsTest, AnEarlierQuestionAboutACommonConditionMovesOn) {
  // "heart disease" is common words, a much weaker name than "kidney
  // stones", and posts on kidney stones mention the heart; but a question
  // about what a title names, pointing at nothing said before, moves the
  // conversation on: "are they different for women?" asks about heart
  // disease (it found nothing when the subject stayed kidney stones).
  constexpr PostText kTexts[] = {
      {"stones-what", "Kidney stones", "What is (are) Kidney stones ?",
       "Kidney stones are hard deposits in the kidneys; people with heart disease "
       "get them more often."},
      {"stones-causes", "Kidney stones", "What causes Kidney stones ?",
       "Too little water and too much salt; some medicines for the heart too."},
      {"stones-children", "Kidney stones in children",
       "What causes Kidney stones in children ?",
       "A salty diet, and disease of the bowel or the heart, in a child."},
      {"heart-what", "Heart disease", "What is (are) Heart disease ?",
       "The arteries of the heart narrow."},
      {"heart-women", "Heart disease in women",
       "What are the symptoms of Heart disease in women ?",
       "Women more often feel sick and tired than have chest pain."},
  };
  std::vector<v1::Post> posts = guru::testing::MakePosts(kTexts);
  // "heart" and "disease" are in many posts, as in any index of health posts.
  AddPostsSaying(posts, "strain", "Strain number", 200,
                 "Over the years it can strain the heart and lead to heart disease.");
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      std::move(posts), "are they different for women?",
      {"what are the signs of heart disease", "why would a child get them though",
       "what causes kidney stones?"});
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::ContextUse& use = page->response.interpretation().context_use();
  EXPECT_THAT(use.topic(), Contains("heart disease"));
  EXPECT_THAT(use.topic(), Not(Contains("kidney stones")));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "heart-women");
}

TEST(ConversationAmongManyPostsTest, AnEarlierTurnTellingOfAnotherConditionMovesOn) {
  // "peripheral artery disease" is common words, a much weaker name than
  // "mitral valve prolapse", and posts on the heart's valves mention its
  // words; but it is a name of several words that a title names, and posts
  // do not discuss it with the valve's prolapse: the story moved on, and
  // "what can be done to improve it" asks about the arteries (it searched
  // for both when the older subject stayed).
  constexpr PostText kTexts[] = {
      {"mvp-what", "Mitral valve prolapse", "What is (are) Mitral valve prolapse ?",
       "The mitral valve of the heart bulges back when it closes."},
      {"mvp-treat", "Mitral valve prolapse",
       "What are the treatments for Mitral valve prolapse ?",
       "Most people need no treatment; a few need the mitral valve repaired."},
      {"pad-what", "Peripheral artery disease",
       "What is (are) Peripheral artery disease ?",
       "Narrowed arteries in the legs cause pain in the calves on walking."},
      {"pad-treat", "Peripheral artery disease",
       "What are the treatments for Peripheral artery disease ?",
       "Walking exercise, stopping smoking, medicines, and surgery to open the artery."},
      {"murmur-what", "Heart murmur", "What is (are) Heart murmur ?",
       "A sound the blood makes as it flows through the heart."},
      {"williams-freq", "Williams syndrome",
       "How many people are affected by Williams syndrome ?",
       "Williams syndrome affects about 1 in 7,500 people."},
      {"williams-what", "Williams syndrome", "What is (are) Williams syndrome ?",
       "Williams syndrome affects development and the blood vessels."},
  };
  std::vector<v1::Post> posts = guru::testing::MakePosts(kTexts);
  // "artery", "disease" and "peripheral" are in many posts, and so are
  // valves, as in any index of health posts.
  AddPostsSaying(posts, "valves", "Valve disease number", 150,
                 "Disease of the heart valves strains the arteries and causes "
                 "peripheral swelling.");
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      std::move(posts), "what can be done to improve it",
      {"my calves hurt when I walk, the doctor says it's peripheral artery disease",
       "what symptoms might I get", "the echo showed mitral valve prolapse"});
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::ContextUse& use = page->response.interpretation().context_use();
  EXPECT_THAT(use.topic(), ElementsAre("peripheral artery disease"));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "pad-treat");
  // A turn that goes on about someone the story has tells more of it,
  // although no post here discusses a heart murmur with williams syndrome.
  const absl::StatusOr<SearchPage> story =
      SearchAmongMany(guru::testing::MakePosts(kTexts), "how common is this?",
                      {"she's super sociable but has a heart murmur",
                       "our toddler has williams syndrome"});
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_THAT(story->response.interpretation().context_use().topic(),
              Contains("williams syndrome"));
  ASSERT_FALSE(story->response.results().empty());
  EXPECT_EQ(story->response.results(0).post().id(), "williams-freq");
}

TEST(ConversationAmongManyPostsTest, SymptomWordsTitledApartDoNotMoveOn) {
  // "pain" and "morning" each begin a title, but no title is the two
  // together: "pain in the toe every morning" tells more of the gout, it
  // does not name another condition.
  std::vector<v1::Post> posts = guru::testing::MakePosts(std::initializer_list<PostText>{
      {"gout-treat", "Gout", "What are the treatments for Gout ?",
       "Painkillers for attacks, then tablets that lower uric acid."},
      {"gout-what", "Gout", "What is (are) Gout ?",
       "Crystals of uric acid in a joint, often the big toe."},
      {"pain-what", "Pain", "What is (are) Pain ?",
       "Pain is a signal that something is wrong."},
      {"morning-treat", "Morning sickness",
       "What are the treatments for Morning sickness ?",
       "Small meals and ginger help most women in early pregnancy."},
  });
  // Both words are in many posts and titles, as in any index of health posts.
  AddPostsSaying(posts, "pain", "Pain type", 100,
                 "The pain is often worse in the morning.");
  AddPostsSaying(posts, "morning", "Morning symptom", 100,
                 "Some feel it in the morning, others at night.");
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      std::move(posts), "what helps?", {"pain in the toe every morning", "I have gout"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->response.interpretation().context_use().topic(), Contains("gout"));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "gout-treat");
}

TEST(ConversationAmongManyPostsTest,
     ATitleNamedWithTheSubjectAfterPointingBackNarrowsIt) {
  // "iron tablets" is a subject of its own, a title, and much stronger than
  // anemia, which many posts mention; but "it" points back at anemia before
  // the tablets are named, and a title names iron with anemia: the message
  // asks how anemia is treated with iron. Named without pointing back, or
  // when no title names them with anemia, tablets are a new question.
  constexpr PostText kTitled[] = {
      {"anemia-causes", "Anemia", "What causes Anemia ?",
       "Anemia comes from losing blood, too little iron, or marrow that makes too few "
       "red cells."},
      {"anemia-treat", "Anemia", "What are the treatments for Anemia ?",
       "Treating anemia means treating its cause."},
      {"ida-treat", "Iron deficiency anemia",
       "What are the treatments for Iron deficiency anemia ?",
       "Iron taken for months refills the body's stores."},
      {"tablets-what", "Iron tablets", "What is (are) Iron tablets ?",
       "Iron tablets are a medicine; take them with orange juice, not with tea."},
      {"folate-what", "Folate tablets", "What is (are) Folate tablets ?",
       "Folate tablets are a vitamin taken before and during pregnancy."},
  };
  std::vector<v1::Post> posts = guru::testing::MakePosts(kTitled);
  AddPostsSaying(posts, "mention", "Long illness number", 12,
                 "People with a long illness often have anemia as well.");
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      posts, "and how do you fix it, just iron tablets?", {"what causes anemia"});
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::ContextUse& use = page->response.interpretation().context_use();
  EXPECT_EQ(use.kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(use.topic(), Contains("anemia"));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "ida-treat");

  // Pointing back, at a subject no title names with anemia.
  const absl::StatusOr<SearchPage> other = SearchAmongMany(
      posts, "and how do you fix it, just folate tablets?", {"what causes anemia"});
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->response.interpretation().context_use().kind(),
            v1::ContextUse::OWN_TOPIC);

  const absl::StatusOr<SearchPage> own =
      SearchAmongMany(posts, "and what about iron tablets, how do you take them?",
                      {"what causes anemia"});
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->response.interpretation().context_use().kind(),
            v1::ContextUse::OWN_TOPIC);
}

TEST(ConversationAmongManyPostsTest, AChildsAgeInAnEarlierTurnAsksForTheChildrensPage) {
  const std::initializer_list<PostText> posts = {
      {"apnea-causes", "Sleep apnea", "What causes Sleep apnea ?",
       "Extra weight and a narrow airway let the throat close during sleep apnea."},
      {"child-apnea-causes", "Pediatric sleep apnea",
       "What causes Pediatric sleep apnea ?",
       "Large tonsils and adenoids can block the airway in sleep apnea."},
      {"asthma-causes", "Asthma", "What causes Asthma ?",
       "Pollen, dust and colds set off the swollen airways of asthma."},
  };
  const absl::StatusOr<SearchPage> page =
      SearchAmongMany(posts, "what would cause it?",
                      {"my 4 year old snores and stops breathing at night",
                       "does sleep apnea only affect overweight men?"});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "child-apnea-causes");
  // "we want kids" is about someone's offspring, not the people asked about.
  const absl::StatusOr<SearchPage> offspring = SearchAmongMany(
      posts, "what would cause it?",
      {"we want kids one day", "does sleep apnea only affect overweight men?"});
  ASSERT_TRUE(offspring.ok()) << offspring.status();
  ASSERT_FALSE(offspring->response.results().empty());
  EXPECT_EQ(offspring->response.results(0).post().id(), "apnea-causes");
  // The child was the subject of a conversation that has moved on.
  const absl::StatusOr<SearchPage> moved_on = SearchAmongMany(
      posts, "what would cause it?",
      {"my dad was just diagnosed with sleep apnea", "my 4 year old has asthma"});
  ASSERT_TRUE(moved_on.ok()) << moved_on.status();
  EXPECT_THAT(moved_on->response.interpretation().context_use().topic(),
              ElementsAre("sleep apnea"));
  ASSERT_FALSE(moved_on->response.results().empty());
  EXPECT_EQ(moved_on->response.results(0).post().id(), "apnea-causes");
}

TEST(ConversationAmongManyPostsTest, AConditionToldAfterQuestionsIsAnotherSubject) {
  // Posts discuss heart attacks with strokes, but once the person has asked
  // about the heart attack, "my mum had a stroke" starts another story:
  // "will she get better?" asks about the stroke (it searched for both,
  // as a kind of the heart attack).
  std::vector<v1::Post> posts = guru::testing::MakePosts(std::initializer_list<PostText>{
      {"attack-prevent", "Heart attack", "How to prevent Heart attack ?",
       "Stop smoking, keep blood pressure down, and take the medicines prescribed."},
      {"attack-outlook", "Heart attack", "What is the outlook for Heart attack ?",
       "Most people who survive a heart attack go back to their lives within months."},
      {"stroke-outlook", "Stroke", "What is the outlook for Stroke ?",
       "Recovery after a stroke is fastest in the first weeks; rehabilitation helps."},
      {"stroke-what", "Stroke", "What is (are) Stroke ?",
       "A stroke happens when blood stops flowing to part of the brain."},
      {"dementia-what", "Dementia", "What is (are) Dementia ?",
       "Dementia is a loss of memory and thinking that gets in the way of life."},
      {"ftd-treat", "Frontotemporal dementia",
       "What are the treatments for Frontotemporal dementia ?",
       "No treatment slows frontotemporal dementia; medicines ease its behaviour "
       "changes."},
      {"dementia-treat", "Dementia", "What are the treatments for Dementia ?",
       "Medicines can slow memory loss for a while in some kinds of dementia."},
  });
  AddPostsSaying(posts, "vessels", "Blood vessel disease number", 40,
                 "A clot in an artery can cause a heart attack or a stroke.");
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      posts, "will she get better?",
      {"my mum had a stroke on Sunday", "how do I keep from having another one",
       "I survived a heart attack in March"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->response.interpretation().context_use().topic(),
              ElementsAre("stroke"));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "stroke-outlook");
  // A kind that a title names with the subject still narrows it after a
  // question.
  const absl::StatusOr<SearchPage> kind =
      SearchAmongMany(posts, "how is it treated?",
                      {"the doctor says it's the frontotemporal kind", "what causes it?",
                       "my gran has dementia"});
  ASSERT_TRUE(kind.ok()) << kind.status();
  EXPECT_THAT(kind->response.interpretation().context_use().topic(),
              ElementsAre("dementia", "frontotemporal"));
  ASSERT_FALSE(kind->response.results().empty());
  EXPECT_EQ(kind->response.results(0).post().id(), "ftd-treat");
}

TEST(ConversationAmongManyPostsTest, AKindIsTitledWithTheSubjectsOwnName) {
  // "Pulmonary hypertension" names hypertension with the vocabulary's word
  // for the lung, not with the name of "lung cancer": after questions about
  // the lung cancer, the speaker's hypertension is another subject, not a
  // kind of it.
  std::vector<v1::Post> posts = guru::testing::MakePosts(std::initializer_list<PostText>{
      {"lung-treat", "Lung cancer", "What are the treatments for Lung cancer ?",
       "Surgery, chemotherapy and radiotherapy treat lung cancer."},
      {"lung-what", "Lung cancer", "What is (are) Lung cancer ?",
       "Lung cancer grows in the airways, most often in smokers."},
      {"ph-what", "Pulmonary hypertension", "What is (are) Pulmonary hypertension ?",
       "High pressure in the arteries of the lungs strains the heart."},
      {"htn-treat", "Hypertension", "What are the treatments for Hypertension ?",
       "Tablets lower blood pressure when less salt and more exercise are not enough."},
      {"htn-what", "Hypertension", "What is (are) Hypertension ?",
       "Hypertension is blood pressure that stays too high."},
      {"htn-prevent", "Hypertension", "How to prevent Hypertension ?",
       "Less salt, less alcohol and regular exercise keep blood pressure down."},
      {"htn-outlook", "Hypertension", "What is the outlook for Hypertension ?",
       "Treated hypertension rarely shortens life."},
  });
  AddPostsSaying(posts, "checks", "Check-up finding number", 5,
                 "A check-up for lung cancer sometimes finds hypertension too.");
  const absl::StatusOr<SynonymFile> vocabulary =
      ParseSynonymFile("version 1\nlung | pulmonary\n");
  ASSERT_TRUE(vocabulary.ok()) << vocabulary.status();
  AddPostsSaying(posts, "other", "Condition number", 1000,
                 "A condition that doctors treat with rest, fluids and time.");
  guru::testing::TempDir dir;
  const std::unique_ptr<Searcher> searcher =
      guru::testing::IndexAndOpen(dir.Sub("db"), posts, &*vocabulary);
  ASSERT_NE(searcher, nullptr);
  const absl::StatusOr<SearchPage> page =
      guru::testing::SearchWith(*searcher, "do I have to go on tablets?",
                                {"my doctor says I have hypertension",
                                 "what are the treatments?", "my uncle has lung cancer"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->response.interpretation().context_use().topic(),
              ElementsAre("hypertension"));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "htn-treat");
}

TEST(ConversationAmongManyPostsTest, TheSpeakerStartsAnotherStoryOnlyAfterAsking) {
  // Before any question, a turn opening on "I" goes on with the story ("I'm
  // in shock", though Shock is a page's title); once the conversation has
  // asked about its subject, "I've got shingles" is another question's
  // story, as it would be in the message.
  const std::initializer_list<PostText> texts = {
      {"copd-treat", "COPD", "What are the treatments for COPD ?",
       "Inhalers and lung rehabilitation help people with COPD breathe."},
      {"copd-what", "COPD", "What is (are) COPD ?",
       "COPD is a long-term lung disease that makes breathing hard."},
      {"shingles-treat", "Shingles", "What are the treatments for Shingles ?",
       "Antiviral tablets and painkillers ease a shingles rash."},
      {"shingles-what", "Shingles", "What is (are) Shingles ?",
       "Shingles is a painful rash from the chickenpox virus waking up."},
      {"atresia-what", "Biliary atresia", "What is (are) Biliary atresia ?",
       "In biliary atresia a baby's bile ducts are blocked or missing."},
      {"atresia-treat", "Biliary atresia",
       "What are the treatments for Biliary atresia ?",
       "An operation in the first weeks of life lets bile drain from the liver."},
      {"shock-what", "Shock", "What is (are) Shock ?",
       "Shock is a life-threatening drop in blood flow to the organs."},
  };
  const absl::StatusOr<SearchPage> page =
      SearchAmongMany(texts, "what can I take for it",
                      {"I've got shingles on my back, it's really painful",
                       "how is it treated?", "my mum has had COPD for years"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->response.interpretation().context_use().topic(),
              ElementsAre("shingles"));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "shingles-treat");
  const absl::StatusOr<SearchPage> story = SearchAmongMany(
      texts, "how do they treat it?",
      {"I'm in shock", "our 6 week old has been diagnosed with biliary atresia"});
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_THAT(story->response.interpretation().context_use().topic(),
              ElementsAre("biliary atresia"));
  ASSERT_FALSE(story->response.results().empty());
  EXPECT_EQ(story->response.results(0).post().id(), "atresia-treat");
}

TEST(ConversationAmongManyPostsTest, APronounAsksAboutTheSubjectOfWhomItStandsFor) {
  // The son's asthma was asked about, then the speaker told of their own
  // eczema: "can he still do sports?" asks about the son's asthma. Once a
  // later turn brought in another he, "he" may be him.
  const std::initializer_list<PostText> texts = {
      {"asthma-sports", "Asthma", "What is the outlook for Asthma ?",
       "With the right inhaler, children with asthma can play any sport."},
      {"asthma-causes", "Asthma", "What causes Asthma ?",
       "Colds, pollen and cold air set off asthma attacks."},
      {"eczema-outlook", "Eczema", "What is the outlook for Eczema ?",
       "Eczema comes and goes; moisturising every day keeps it calm."},
      {"eczema-what", "Eczema", "What is (are) Eczema ?",
       "Eczema makes the skin dry, red and itchy."},
      {"shingles-prevent", "Shingles", "How to prevent Shingles ?",
       "A vaccine lowers the chance of shingles for people over 50."},
      {"shingles-what", "Shingles", "What is (are) Shingles ?",
       "Shingles is a painful rash from the chickenpox virus waking up."},
  };
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      texts, "can he still do sports?",
      {"I've got eczema", "what triggers his attacks?", "my son has asthma"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->response.interpretation().context_use().topic(),
              ElementsAre("asthma"));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "asthma-sports");
  // Without a pronoun, the message asks about the newest subject.
  const absl::StatusOr<SearchPage> newest = SearchAmongMany(
      texts, "will it last?",
      {"I've got eczema", "what triggers his attacks?", "my son has asthma"});
  ASSERT_TRUE(newest.ok()) << newest.status();
  EXPECT_THAT(newest->response.interpretation().context_use().topic(),
              ElementsAre("eczema"));
  const absl::StatusOr<SearchPage> husband = SearchAmongMany(
      texts, "is there anything he can do so he doesn't get it as well?",
      {"my husband is 62 and has never had it", "I've got shingles on my back",
       "what triggers his attacks?", "my son has asthma"});
  ASSERT_TRUE(husband.ok()) << husband.status();
  EXPECT_THAT(husband->response.interpretation().context_use().topic(),
              ElementsAre("shingles"));
  ASSERT_FALSE(husband->response.results().empty());
  EXPECT_EQ(husband->response.results(0).post().id(), "shingles-prevent");
}

TEST(ConversationDrugTest, AFollowUpAboutADrugAsksWhatItsPagesAnswer) {
  // MedlinePlus' drug pages ask their questions in these words.
  constexpr PostText kDrugPosts[] = {
      {"usage", "Metformin", "How should Metformin be used and what is the dosage ?",
       "Take metformin with meals, once or twice a day."},
      {"missed", "Metformin", "What should I do if I forget a dose of Metformin ?",
       "Use it as soon as you remember, unless the next one is nearly due."},
      {"side-effects", "Metformin", "What are the side effects or risks of Metformin ?",
       "Metformin may upset the stomach or leave a metallic taste."},
      {"overdose", "Metformin",
       "What to do in case of emergency or overdose of Metformin ?",
       "If someone swallowed too many by mistake, call the poison control helpline."},
      {"brands", "Metformin", "What are the brand names of Metformin ?",
       "Fortamet, Glucophage, Glumetza, Riomet."},
      {"warfarin-usage", "Warfarin",
       "How should Warfarin be used and what is the dosage ?",
       "Take warfarin once a day; call a doctor if you feel sick or dizzy."},
  };
  guru::testing::TempDir dir;
  const std::unique_ptr<Searcher> searcher =
      guru::testing::IndexAndOpen(dir.Sub("db"), guru::testing::MakePosts(kDrugPosts));
  ASSERT_NE(searcher, nullptr);
  const std::vector<std::string> context = {
      "I've been started on metformin for my diabetes"};
  struct Asked {
    const char* message;
    const char* aspect;
    const char* post;
  };
  constexpr Asked kAsked[] = {
      {"what if I miss one?", "missed dose", "missed"},
      {"I feel sick and dizzy, is that from the tablets?", "side effects",
       "side-effects"},
      {"my toddler swallowed two by mistake, what do we do?", "overdose", "overdose"},
      {"what other names is it sold under?", "brand names", "brands"},
      {"how do I take it, with food or not?", "dosage", "usage"},
  };
  for (const auto& [message, aspect, expected] : kAsked) {
    const absl::StatusOr<SearchPage> page =
        guru::testing::SearchWith(*searcher, message, context);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_THAT(page->response.interpretation().aspects(), Contains(aspect)) << message;
    ASSERT_FALSE(page->response.results().empty()) << message;
    EXPECT_EQ(page->response.results(0).post().id(), expected) << message;
  }
}

// The learned guess reads "can my wife catch it from me?" as inheritance,
// as it is after a genetic condition; no post on hepatitis B answers that,
// so the guess is not taken, while after cystic fibrosis, whose pages do,
// the same kind of question is read as inheritance. Also where each topic
// titles more posts than are read one by one (600 more without a question),
// when the index is asked for the cues instead.
TEST(ConversationAspectTest, AGuessedAspectNoPostOnTheTopicAnswersIsNotTaken) {
  constexpr PostText kInfectionAndGenePosts[] = {
      {"hepb-what", "Hepatitis B", "What is (are) Hepatitis B ?",
       "Hepatitis B is a liver infection caused by a virus."},
      {"hepb-prevent", "Hepatitis B", "How to prevent Hepatitis B ?",
       "A vaccine prevents it; it spreads through blood and sex."},
      {"hepb-treat", "Hepatitis B", "What are the treatments for Hepatitis B ?",
       "Antiviral medicines keep the virus down."},
      {"cf-inherit", "Cystic fibrosis", "Is Cystic fibrosis inherited ?",
       "It is inherited in an autosomal recessive pattern; both parents carry a gene."},
      {"cf-treat", "Cystic fibrosis", "What are the treatments for Cystic fibrosis ?",
       "Airway clearance and medicines that thin the mucus."},
  };
  for (const int more : {0, 600}) {
    SCOPED_TRACE(more);
    std::vector<v1::Post> posts = guru::testing::MakePosts(kInfectionAndGenePosts);
    for (int i = 0; i < more; ++i) {
      for (const char* title : {"Hepatitis B", "Cystic fibrosis"}) {
        const std::string id = StrCat(title, " note ", i);
        const std::string answer = StrCat("Clinic note ", i, ".");
        posts.push_back(guru::testing::MakePost({id.c_str(), title, "", answer.c_str()}));
      }
    }
    guru::testing::TempDir dir;
    const std::unique_ptr<Searcher> searcher =
        guru::testing::IndexAndOpen(dir.Sub("db"), posts);
    ASSERT_NE(searcher, nullptr);
    const absl::StatusOr<SearchPage> caught =
        guru::testing::SearchWith(*searcher, "can my wife catch it from me?",
                                  {"I've been diagnosed with hepatitis B"});
    ASSERT_TRUE(caught.ok()) << caught.status();
    EXPECT_THAT(caught->response.interpretation().aspects(),
                Not(Contains("inheritance")));
    const absl::StatusOr<SearchPage> passed_on = guru::testing::SearchWith(
        *searcher, "will my kids end up with it?", {"my wife has cystic fibrosis"});
    ASSERT_TRUE(passed_on.ok()) << passed_on.status();
    EXPECT_THAT(passed_on->response.interpretation().aspects(), Contains("inheritance"));
    ASSERT_FALSE(passed_on->response.results().empty());
    EXPECT_EQ(passed_on->response.results(0).post().id(), "cf-inherit");
  }
}

TEST(ConversationRareWordsTest,
     WordsNoTitleIsAloneInAMessageThatPointsBackNarrowTheSubject) {
  // Titles use "kids" strongly, but none is "kids" alone, and "them" points
  // at the conversation's subject: a question about lice in kids.
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      {
          {"lice-what", "Head lice", "What is (are) Head lice ?",
           "Head lice are tiny insects that live in the hair."},
          {"lice-who", "Head lice", "Who is at risk for Head lice ?",
           "Kids at school who share hats get them most."},
          {"kids-sport", "Kids and sport", "How much sport do kids need ?",
           "Kids need an hour of play a day."},
          {"kids-teeth", "Kids' teeth", "When do kids lose their teeth ?",
           "Kids lose their first teeth at about six."},
      },
      "why do some kids keep getting them?", {"my daughter has head lice again"});
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::ContextUse& use = page->response.interpretation().context_use();
  EXPECT_EQ(use.kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(use.topic(), Contains("head lice"));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "lice-who");
}

TEST(ConversationVocabularyTest, AFollowUpKeepsPostsNamingTheTopicInTheVocabularysWords) {
  // "patella" is the vocabulary's word for "kneecap"; posts on knees use it
  // in passing, so it names no topic of its own, yet a post that only says
  // "patella" is on the person's subject.
  constexpr PostText kKneePosts[] = {
      {"patella-treat", "Patella pain", "What are the treatments for patella pain ?",
       "Physiotherapy strengthens the muscles that steady the patella."},
      {"kneecap-what", "Kneecap", "What is the kneecap ?",
       "The kneecap is a small bone at the front of the knee."},
      {"knee-replacement", "Knee replacement", "What is a knee replacement ?",
       "The surgeon may resurface the patella as well."},
      {"knee-scope", "Knee arthroscopy", "What is a knee arthroscopy ?",
       "A camera looks at the cartilage behind the patella."},
      {"runners-knee", "Runner's knee", "What is runner's knee ?",
       "Pain around the patella after running."},
      {"wrist-treat", "Wrist pain", "What are the treatments for wrist pain ?",
       "Rest and a splint treat most wrist pain."},
  };
  guru::testing::TempDir dir;
  std::vector<v1::Post> posts;
  for (const PostText& text : kKneePosts) posts.push_back(guru::testing::MakePost(text));
  const absl::StatusOr<SynonymFile> vocabulary =
      ParseSynonymFile("version 1\nkneecap | patella\n");
  ASSERT_TRUE(vocabulary.ok()) << vocabulary.status();
  const std::unique_ptr<Searcher> searcher =
      guru::testing::IndexAndOpen(dir.Sub("db"), posts, &*vocabulary);
  ASSERT_NE(searcher, nullptr);
  SearchParams params;
  params.query = "how is it treated?";
  params.context = {"my kneecap hurts"};
  const absl::StatusOr<SearchPage> page = searcher->Search(params);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->response.interpretation().context_use().topic(),
              ElementsAre("kneecap"));
  std::vector<std::string> ids;
  for (const v1::SearchResult& result : page->response.results()) {
    ids.push_back(result.post().id());
  }
  EXPECT_THAT(ids, Contains("patella-treat"));
  EXPECT_THAT(ids, Not(Contains("wrist-treat")));
}

TEST(ConversationAmongManyPostsTest, WordsThatCompleteATitleWithTheSubjectNameAKindOfIt) {
  // "small" and "cell" are in many posts and name no subject by themselves,
  // but with "lung cancer" they are a whole title: the kind asked about.
  std::vector<v1::Post> posts = guru::testing::MakePosts(std::initializer_list<PostText>{
      {"lung-treat", "Lung cancer", "What are the treatments for Lung cancer ?",
       "Surgery, chemotherapy and radiotherapy treat lung cancer."},
      {"lung-what", "Lung cancer", "What is (are) Lung cancer ?",
       "Lung cancer grows in the airways, most often in smokers."},
      {"sclc-treat", "Small cell lung cancer",
       "What are the treatments for Small cell lung cancer ?",
       "Chemotherapy with radiotherapy is the usual plan, as it spreads early."},
      {"sclc-what", "Small cell lung cancer", "What is (are) Small cell lung cancer ?",
       "A fast-growing cancer of the lung."},
  });
  AddPostsSaying(posts, "counts", "Blood count", 100,
                 "A small sample of blood shows how many cells of each type there are.");
  const absl::StatusOr<SearchPage> page = SearchAmongMany(
      posts, "now they've said it's the small cell type, what's the plan?",
      {"they found a shadow on dad's lung, it's cancer"});
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::ContextUse& use = page->response.interpretation().context_use();
  EXPECT_EQ(use.kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(use.topic(), ElementsAre("lung", "cancer", "small cell"));
  ASSERT_FALSE(page->response.results().empty());
  EXPECT_EQ(page->response.results(0).post().id(), "sclc-treat");
}

}  // namespace
}  // namespace guru
