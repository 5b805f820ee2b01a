// api/json_text — how the JSON documents of api/ write archive text: one
// serialiser (dump) and one way of writing archive bytes as strings (text),
// shared by documents.cpp and comparisons.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace layerscope::jsontext {

using OJson = nlohmann::ordered_json;

// Every document is serialised here: invalid UTF-8 replaced (text() has already
// escaped archive bytes), then DEL and C1 controls escaped for terminals.
std::string dump(const OJson& j, int indent = -1);

// Archive names are bytes. Valid UTF-8 passes unchanged; any invalid byte is
// written as the four characters "\xNN", so the output stays valid JSON and
// the original bytes are recoverable.
std::string text(const std::string& s);

// Appends OJson(text(s)) as dump() writes it, quotes included, byte for byte
// (backslash, quote and C0 escapes as nlohmann writes them; DEL and C1 controls
// as escape_json_controls does), without building a json value: for documents
// written one piece at a time (a list page of 16,384 entries).
void append_text(std::string& out, std::string_view s);

// Appends v in decimal, as dump() writes integers.
void append_int(std::string& out, int64_t v);

// A document whose last key holds an array, streamed: `head` (the document
// before that array's "["), then items [from, to) written by `item` and separated
// by commas, then "]}", handed to `out` in pieces of about 64 KiB (each ends
// with the item that reaches 64 KiB; the first also holds the head).
void write_array(std::string head, uint64_t from, uint64_t to,
                 const std::function<void(std::string&, uint64_t)>& item,
                 const std::function<void(std::string_view)>& out);

// null for "", else text(s).
OJson opt_str(const std::string& s);

// "0644": the permission bits as four octal digits.
std::string octal_mode(uint32_t m);

}  // namespace layerscope::jsontext
