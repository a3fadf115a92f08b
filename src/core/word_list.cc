#include "core/word_list.h"

#include <algorithm>

#include "core/text.h"

namespace guru {
namespace {

// ASCII and Latin-1 capitals (U+00C0..U+00DE but U+00D7, the multiplication
// sign) to lower case, as Xapian::Unicode::tolower does for them; in place.
void FoldCase(std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 'A' && byte <= 'Z') {
      text[i] = static_cast<char>(byte - 'A' + 'a');
    } else if (byte == 0xC3 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9E && next != 0x97) {
        text[i + 1] = static_cast<char>(next + 0x20);
      }
      ++i;
    }
  }
}

}  // namespace

WordList WordList::Parse(std::string_view text) {
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  WordList list;
  list.text_ = std::make_unique<std::string>(text);
  FoldCase(*list.text_);
  for (std::string_view line : SplitLines(*list.text_)) {
    line = Trim(line);
    if (!line.empty()) list.words_.push_back(line);
  }
  std::sort(list.words_.begin(), list.words_.end());
  list.words_.erase(std::unique(list.words_.begin(), list.words_.end()),
                    list.words_.end());
  return list;
}

bool WordList::Contains(std::string_view lower_word) const {
  return std::binary_search(words_.begin(), words_.end(), lower_word);
}

}  // namespace guru
