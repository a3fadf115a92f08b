// A directory under the system's temporary directory, removed with its
// contents when the object is destroyed.
#ifndef GURU_TESTS_SUPPORT_TEMP_DIR_H_
#define GURU_TESTS_SUPPORT_TEMP_DIR_H_

#include <filesystem>
#include <string>
#include <string_view>

namespace guru::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path() / name, as a string.
  std::string Sub(std::string_view name) const;
  // Writes `content` to path() / name (creating parent directories) and
  // returns the file's path.
  std::string WriteFile(std::string_view name, std::string_view content) const;

 private:
  std::filesystem::path path_;
};

// The whole content of a file; empty if it cannot be read.
std::string ReadFile(const std::filesystem::path& path);

// The path of a file in the source tree, e.g. "data/sample".
std::string SourcePath(std::string_view relative);

}  // namespace guru::testing

#endif  // GURU_TESTS_SUPPORT_TEMP_DIR_H_
