#include "core/page_html.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <memory>
#include <string>

#include "core/str_cat.h"
#include "core/text.h"

namespace guru {
namespace {

using DocPtr = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

std::string_view NameOf(const xmlNode* node) {
  return node->name ? reinterpret_cast<const char*>(node->name) : "";
}

std::string AttributeOf(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

bool IsOneOf(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (name == n) return true;
  }
  return false;
}

bool IsSkipped(std::string_view name) {
  return IsOneOf(name, {"script", "style", "noscript", "template", "nav", "form",
                        "button", "select", "svg", "iframe", "object"});
}

bool IsBlock(std::string_view name) {
  return IsOneOf(name,
                 {"p",     "div",        "h1",         "h2",      "h3",     "h4",
                  "h5",    "h6",         "li",         "ul",      "ol",     "tr",
                  "table", "section",    "article",    "main",    "header", "footer",
                  "aside", "blockquote", "pre",        "hr",      "dl",     "dt",
                  "dd",    "figure",     "figcaption", "address", "body",   "center"});
}

// Walks the tree, appending text with HTML's whitespace rules: runs of
// whitespace are one space; block elements start and end paragraphs.
class TextWriter {
 public:
  void Walk(const xmlNode* node, bool in_pre) {
    for (; node != nullptr; node = node->next) {
      if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
        AppendText(reinterpret_cast<const char*>(node->content), in_pre);
        continue;
      }
      if (node->type != XML_ELEMENT_NODE) continue;
      const std::string_view name = NameOf(node);
      if (IsSkipped(name)) continue;
      if (name == "br") {
        LineBreak();
        continue;
      }
      const bool block = IsBlock(name);
      if (block) ParagraphBreak();
      if (name == "li") out_ += "- ";
      Walk(node->children, in_pre || name == "pre");
      if (block) ParagraphBreak();
    }
  }

  std::string Finish() {
    while (!out_.empty() && (out_.back() == '\n' || out_.back() == ' ')) out_.pop_back();
    return out_;
  }

 private:
  void AppendText(const char* content, bool in_pre) {
    if (content == nullptr) return;
    std::string_view text(content);
    if (in_pre) {
      out_.append(text);
      return;
    }
    for (char c : text) {
      const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
      if (space) {
        if (!out_.empty() && out_.back() != ' ' && out_.back() != '\n') out_ += ' ';
      } else {
        out_ += c;
      }
    }
  }

  void TrimLineEnd() {
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
  }

  void LineBreak() {
    TrimLineEnd();
    out_ += '\n';
  }

  void ParagraphBreak() {
    TrimLineEnd();
    if (out_.empty()) return;
    if (!out_.ends_with("\n")) out_ += '\n';
    if (!out_.ends_with("\n\n")) out_ += '\n';
  }

  std::string out_;
};

// `href` trimmed when it is an absolute http(s) URL, else empty: a relative
// link names no page by itself, and a "javascript:" one is not a page
// (ValidatePost refuses both).
std::string HttpUrl(std::string_view href) {
  const std::string_view url = Trim(href);
  return IsHttpUrl(url) ? std::string(url) : std::string();
}

// Collects <title>, canonical link and og:url from <head>.
void ReadHead(const xmlNode* node, HtmlText& page) {
  for (; node != nullptr; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    const std::string_view name = NameOf(node);
    if (name == "title" && page.title.empty()) {
      xmlChar* text = xmlNodeGetContent(node);
      if (text != nullptr) {
        page.title = CollapseWhitespace(reinterpret_cast<const char*>(text));
        xmlFree(text);
      }
    } else if (name == "link" && AsciiLower(AttributeOf(node, "rel")) == "canonical") {
      page.url = HttpUrl(AttributeOf(node, "href"));
    } else if (name == "meta" && AttributeOf(node, "property") == "og:url" &&
               page.url.empty()) {
      page.url = HttpUrl(AttributeOf(node, "content"));
    }
    if (name != "body") ReadHead(node->children, page);
  }
}

const xmlNode* FindBody(const xmlNode* node) {
  for (; node != nullptr; node = node->next) {
    if (node->type == XML_ELEMENT_NODE && NameOf(node) == "body") return node;
    if (const xmlNode* body = FindBody(node->children)) return body;
  }
  return nullptr;
}

}  // namespace

bool LooksLikeHtml(std::string_view content) {
  const std::string start = AsciiLower(content.substr(0, 1024));
  for (std::string_view tag : {"<!doctype html", "<html", "<head", "<body"}) {
    if (start.find(tag) != std::string::npos) return true;
  }
  return false;
}

absl::StatusOr<HtmlText> ExtractHtmlText(std::string_view html) {
  if (Trim(html).empty()) return absl::InvalidArgumentError("empty page");
  if (html.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(
        StrCat("NUL byte at byte offset ", html.find('\0'), " (binary file?)"));
  }
  if (auto bad = FindInvalidUtf8(html)) {
    return absl::InvalidArgumentError(StrCat("invalid UTF-8 at byte offset ", *bad));
  }
  DocPtr doc(htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
                            HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                HTML_PARSE_NOWARNING | HTML_PARSE_NONET),
             &xmlFreeDoc);
  if (!doc) return absl::InvalidArgumentError("not parseable as HTML");
  HtmlText page;
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  ReadHead(root, page);
  const xmlNode* body = FindBody(root);
  TextWriter writer;
  writer.Walk(body != nullptr ? body->children : root, /*in_pre=*/false);
  page.text = writer.Finish();
  return page;
}

absl::StatusOr<ParsedPage> ParsePageHtml(std::string_view html) {
  absl::StatusOr<HtmlText> page = ExtractHtmlText(html);
  if (!page.ok()) return page.status();
  absl::StatusOr<ParsedPage> parsed = ParsePageText(page->text);
  if (!parsed.ok()) return parsed.status();
  if (parsed->post.url().empty()) parsed->post.set_url(page->url);
  return parsed;
}

}  // namespace guru
