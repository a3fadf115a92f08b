# Writes OUTPUT, a C++ source defining
#   std::string_view guru::<SYMBOL>() — the bytes of INPUT,
# so that a data file ships inside the binary (cmake -P, run at build time
# by add_custom_command whenever INPUT changes). The bytes are written as an
# array initialiser, not a string literal: the learned signals make the
# rules file longer than a literal may portably be (-Woverlength-strings).
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by cmake/EmbedText.cmake; do not edit.\n"
  "#include <string_view>\n"
  "namespace guru {\n"
  "std::string_view ${SYMBOL}() {\n"
  "  static constexpr unsigned char kBytes[${size} + 1] = {${bytes}0};\n"
  "  return std::string_view(reinterpret_cast<const char*>(kBytes), ${size});\n"
  "}\n"
  "}  // namespace guru\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
