// Fuzzes the page parsers (text and HTML) with arbitrary bytes: they must
// return a post or an error, never crash, hang or read out of bounds, and
// every post they return must be valid UTF-8 with a non-empty answer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/page_html.h"
#include "core/page_text_parser.h"
#include "core/post_validation.h"
#include "core/text.h"

namespace {

void CheckPost(const guru::v1::Post& post) {
  if (!guru::ValidatePost(post).ok()) std::abort();
  for (const std::string* field :
       {&post.title(), &post.question(), &post.answer(), &post.asker(), &post.id()}) {
    if (guru::FindInvalidUtf8(*field)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto page = guru::ParsePageText(input); page.ok()) CheckPost(page->post);
  if (auto page = guru::ParsePageHtml(input); page.ok()) CheckPost(page->post);
  return 0;
}
