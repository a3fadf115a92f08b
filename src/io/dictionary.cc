#include "io/dictionary.h"

#include "core/str_cat.h"
#include "io/read_file.h"

namespace guru {

absl::StatusOr<std::shared_ptr<const WordList>> LoadDictionary(const std::string& path,
                                                               std::string& warning) {
  if (path.empty() || path == "none") return nullptr;
  absl::StatusOr<std::string> text = ReadWholeFile("--dictionary", path);
  if (!text.ok()) {
    if (path != kDefaultDictionaryFile) return text.status();
    warning = StrCat("no word list at ", path,
                     " (install wamerican, or set --dictionary; 'none' for none): "
                     "spelling correction may change correct words that no post "
                     "contains");
    return nullptr;
  }
  return std::make_shared<const WordList>(WordList::Parse(*text));
}

}  // namespace guru
