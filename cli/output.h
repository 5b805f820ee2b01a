// Printing shared by the commands: errors and usage errors (which return the
// exit status to hand back), and docker's ways of showing sizes, ages, modes, IDs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "layerscope/session.h"

namespace lscli {

using namespace layerscope;

// "layerscope: error: CODE: MESSAGE (at WHERE)" on stderr (archive bytes
// escaped), plus how to raise a bound for kLimit; returns 1.
int fail(const Error& e);
// "layerscope: error: cannot write to standard output: STRERROR(err)" on stderr; returns 1.
int write_failed(int err);
// fwrite to stdout, remembering the errno of the first failure for finish_stdout.
void write_stdout(std::string_view bytes);
// Flushes stdout; when `rc` is 0 but that or an earlier write failed, reports it
// (write_failed) and returns 1, else `rc`. main() passes every command's status through it.
int finish_stdout(int rc);
// "layerscope: MESSAGE" and where to find help (`command`'s own when given); returns 2.
int usage_error(const std::string& message, const std::string& command = {});

std::string human_size(int64_t n);            // docker's units: 1000-based, 3 significant digits
std::string ago(const std::string& created);  // "3 days ago", "N/A"
std::string mode_string(EntryType t, uint32_t mode);  // "drwxr-xr-x"
// 12 hex digits of a "sha256:<hex>" ID, the whole ID with no_trunc, "<none>" for none; escaped.
std::string short_id(const std::string& digest, bool no_trunc);
// "repo:tag" -> repo, tag ("<none>" when the reference has none).
void split_tag(const std::string& tag, std::string* repo, std::string* t);
// "layerscope: warning: [CODE] MESSAGE (at WHERE)" on stderr, one line each
// (archive bytes escaped): the warnings a text view carries.
void print_warnings(const std::vector<Warning>& warnings);
// A view of an image is incomplete when a layer it is built from is absent or
// unreadable (a warning "incomplete-image"): ls, cat and log then exit 1 after
// printing what they could (README.md, "Untrusted archives").
bool incomplete(const std::vector<Warning>& warnings);
// The exit status of a view: 1 when incomplete, else 0.
inline int view_status(const std::vector<Warning>& warnings) { return incomplete(warnings) ? 1 : 0; }
// Writes a document and a newline to stdout.
void print_document(const std::string& doc);

}  // namespace lscli
