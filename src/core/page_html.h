// Posts that arrive as the Guru's HTML pages rather than extracted text.
// Pure functions; thread-safe (libxml2's parser is re-entrant once
// initialised, which the first call does).
#ifndef GURU_CORE_PAGE_HTML_H_
#define GURU_CORE_PAGE_HTML_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/page_text_parser.h"

namespace guru {

// The readable text of an HTML page, as a browser would lay it out for
// copying: block elements (p, div, h1..h6, li, tr, ...) on lines of their own
// separated by blank lines, <br> as a line break, list items prefixed "- ",
// whitespace collapsed as HTML does, entities decoded. Scripts, styles,
// navigation and forms are left out. Parsed with libxml2's HTML parser, which
// recovers from malformed markup as browsers do.
struct HtmlText {
  std::string text;
  // <link rel="canonical"> or <meta property="og:url">, if present.
  std::string url;
  // The document's <title>, if present.
  std::string title;
};
absl::StatusOr<HtmlText> ExtractHtmlText(std::string_view html);

// True when `content` looks like HTML (a doctype or an <html>, <head> or
// <body> tag near the start), whatever the file is called.
bool LooksLikeHtml(std::string_view content);

// ExtractHtmlText, then ParsePageText; the post's `url` is the canonical URL.
absl::StatusOr<ParsedPage> ParsePageHtml(std::string_view html);

}  // namespace guru

#endif  // GURU_CORE_PAGE_HTML_H_
