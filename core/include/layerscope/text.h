// layerscope — archive bytes made safe to show.
#pragma once

#include <string>
#include <string_view>

namespace layerscope {

// Strict UTF-8 passes unchanged; C0 and C1 controls, DEL, and bytes that are not
// strict UTF-8 (overlong forms, surrogates, past U+10FFFF) become the four
// characters \xNN, so a hostile name can neither drive a terminal nor break a
// message. With `max`, output stops once it reaches about `max` bytes and ends in "…".
std::string escape_text(std::string_view s, size_t max = std::string_view::npos);

// How much of an archive name an error or warning message quotes.
inline constexpr size_t kQuoteBytes = 160;

}  // namespace layerscope
