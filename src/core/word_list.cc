#include "core/word_list.h"

namespace guru {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

WordList WordList::Parse(std::string_view text) {
  WordList list;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    while (!line.empty() && IsSpace(line.front())) line.remove_prefix(1);
    while (!line.empty() && IsSpace(line.back())) line.remove_suffix(1);
    if (line.empty()) continue;
    std::string word(line);
    for (char& c : word) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    list.words_.insert(std::move(word));
  }
  return list;
}

bool WordList::Contains(std::string_view lower_word) const {
  return words_.contains(std::string(lower_word));
}

}  // namespace guru
