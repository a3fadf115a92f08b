#include "core/post_id.h"

#include "core/str_cat.h"
#include "core/text.h"

namespace guru {

std::string DerivePostId(const v1::Post& post) {
  constexpr std::size_t kMaxSlugBytes = 60;
  const std::string key =
      StrCat(AsciiLower(CollapseWhitespace(post.title())), "\x1f", post.asked_on(),
             "\x1f", AsciiLower(CollapseWhitespace(post.question())));
  const std::string hex = HexFingerprint(key);
  std::string slug = Slugify(post.title(), kMaxSlugBytes);
  if (slug.empty()) slug = Slugify(post.question(), kMaxSlugBytes);
  if (slug.empty()) return StrCat("post-", hex);
  return StrCat(slug, "-", hex);
}

}  // namespace guru
