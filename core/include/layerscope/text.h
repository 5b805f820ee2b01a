// layerscope — archive bytes made safe to show.
#pragma once

#include <string>
#include <string_view>

namespace layerscope {

// The length of the strict UTF-8 sequence at s[i] (1 to 4), or 0 when s[i] does
// not start one: a stray continuation byte, a sequence cut short, an overlong
// form, a surrogate, or past U+10FFFF. Controls count as valid here; each caller
// decides what to do with them. The one judge of "valid UTF-8" for everything
// that quotes archive bytes (escape_text, the JSON documents' strings).
size_t utf8_sequence_length(std::string_view s, size_t i);

// Strict UTF-8 passes unchanged; C0 and C1 controls, DEL, and bytes that are not
// strict UTF-8 (overlong forms, surrogates, past U+10FFFF) become the four
// characters \xNN, so a hostile name can neither drive a terminal nor break a
// message. With `max`, output stops once it reaches about `max` bytes and ends in "…".
std::string escape_text(std::string_view s, size_t max = std::string_view::npos);

// For a serialised JSON document (UTF-8): DEL and the C1 controls U+0080-U+009F,
// which JSON allows raw but a terminal acts on, become \u007f / \u0080-\u009f.
// The document's values are unchanged (only string contents hold such bytes).
std::string escape_json_controls(std::string json);

// How much of an archive name an error or warning message quotes.
inline constexpr size_t kQuoteBytes = 160;

}  // namespace layerscope
