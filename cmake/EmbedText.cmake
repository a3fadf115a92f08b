# Writes OUTPUT, a C++ source defining
#   std::string_view guru::<SYMBOL>() — the bytes of INPUT,
# so that a data file ships inside the binary (cmake -P, run at build time
# by add_custom_command whenever INPUT changes).
file(READ "${INPUT}" content)
string(FIND "${content}" ")guru_embedded\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )guru_embedded\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by cmake/EmbedText.cmake; do not edit.\n"
  "#include <string_view>\n"
  "namespace guru {\n"
  "std::string_view ${SYMBOL}() {\n"
  "  static constexpr std::string_view kText = R\"guru_embedded(${content})guru_embedded\";\n"
  "  return kText;\n"
  "}\n"
  "}  // namespace guru\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
