// What build this is: shown by every binary's --version, the server's start
// log line and the guru_build_info metric, so an operator can tell which code
// answered. Both strings are fixed at build time (cmake/Version.cmake).
#pragma once

#include <string>
#include <string_view>

namespace guru {

// The release, from project() in the top CMakeLists.txt, e.g. "0.1.0".
std::string_view Version();

// `git describe --tags --always --dirty` of the source tree at build time,
// e.g. "d7e772f" or "d7e772f-dirty"; "unknown" when built outside git.
std::string_view Revision();

// "<program> <version> (<revision>)", the text of --version.
inline std::string VersionLine(std::string_view program) {
  std::string line(program);
  line.append(" ").append(Version()).append(" (").append(Revision()).append(")");
  return line;
}

}  // namespace guru
