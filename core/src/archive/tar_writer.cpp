#include "archive/tar_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include "layerscope/text.h"

namespace layerscope {

long TarWriter::write_cb(struct archive*, void* self_v, const void* buf, size_t n) {
  auto* self = static_cast<TarWriter*>(self_v);
  Status st = self->sink_->write(buf, n);
  if (!st.ok()) {
    self->sink_error_ = st.take_error();
    self->sink_failed_ = true;
    return -1;
  }
  return static_cast<long>(n);
}

Error TarWriter::la_error(const std::string& what) {
  failed_ = true;
  if (sink_failed_) return sink_error_;
  const char* s = a_ ? archive_error_string(a_) : nullptr;
  return make_error(Code::kIo, what + (s ? std::string(": ") + escape_text(s, 400) : std::string()),
                    current_.empty() ? sink_->name() : sink_->name() + ": " + escape_text(current_, kQuoteBytes));
}

Result<std::unique_ptr<TarWriter>> TarWriter::open(ByteSink* sink, TarWriterOptions opt) {
  std::unique_ptr<TarWriter> w(new TarWriter());
  w->sink_ = sink;
  w->a_ = archive_write_new();
  if (!w->a_) return make_error(Code::kInternal, "cannot allocate a libarchive writer", sink->name());
  int r = ARCHIVE_OK;
  switch (opt.format) {
    case TarFormat::kPax: r = archive_write_set_format_pax_restricted(w->a_); break;
    case TarFormat::kUstar: r = archive_write_set_format_ustar(w->a_); break;
    case TarFormat::kGnu: r = archive_write_set_format_gnutar(w->a_); break;
  }
  if (r != ARCHIVE_OK) return w->la_error("cannot set the tar format");
  // Names are bytes. libarchive writes a pax header only where a name is not
  // plain ASCII or does not fit ustar; a name it cannot transcode (the process
  // runs in the C locale) goes out byte-exact with hdrcharset=BINARY. (Setting
  // hdrcharset=BINARY for the whole archive would add a pax header to every entry.)
  const char* filter = nullptr;
  switch (opt.compression) {
    case Compression::kNone: break;
    case Compression::kGzip: r = archive_write_add_filter_gzip(w->a_); filter = "gzip"; break;
    case Compression::kZstd: r = archive_write_add_filter_zstd(w->a_); filter = "zstd"; break;
    default:
      return make_error(Code::kUnsupported,
                        std::string("tar writer: compression ") + compression_name(opt.compression) + " is not offered",
                        sink->name());
  }
  if (r != ARCHIVE_OK) return w->la_error("cannot add the compression filter");
  if (filter && opt.level > 0) {
    std::string lv = std::to_string(opt.level);
    if (archive_write_set_filter_option(w->a_, filter, "compression-level", lv.c_str()) != ARCHIVE_OK)
      return w->la_error("bad compression level " + lv);
  }
  // Whole 512-byte records; the last block is not padded to 10 KiB when compressed.
  if (filter) archive_write_set_bytes_in_last_block(w->a_, 1);
  if (archive_write_open(w->a_, w.get(), nullptr, &TarWriter::write_cb, nullptr) != ARCHIVE_OK)
    return w->la_error("cannot start the tar stream");
  w->e_ = archive_entry_new();
  return w;
}

TarWriter::~TarWriter() {
  if (e_) archive_entry_free(e_);
  if (a_) {
    // An unfinished writer: drop what it holds without writing a trailer.
    // Not archive_write_close(): after a failed or partial write the gzip/zstd
    // filter still points at the caller's (gone) buffer and would read it
    // (ASan: heap-use-after-free). free() then skips close on the FATAL handle
    // and leaks the filter's state (tests/lsan.supp).
    if (!finished_) archive_write_fail(a_);
    archive_write_free(a_);
  }
}

Status TarWriter::check_payload_complete() {
  if (remaining_ == 0) return Status::Ok();
  failed_ = true;
  return make_error(Code::kInvalidArgument,
                    "entry payload is " + std::to_string(remaining_) + " bytes shorter than its header says",
                    sink_->name() + ": " + escape_text(current_, kQuoteBytes));
}

Status TarWriter::add(const TarEntryHeader& h) {
  if (finished_ || failed_) return make_error(Code::kInvalidArgument, "tar writer is finished or failed", sink_->name());
  LS_RETURN_IF_ERROR(check_payload_complete());
  current_ = h.path;
  if (h.path.empty()) return make_error(Code::kInvalidArgument, "entry with an empty path", sink_->name());
  if (h.size < 0) return make_error(Code::kInvalidArgument, "negative entry size", sink_->name() + ": " + escape_text(h.path, kQuoteBytes));
  // libarchive takes C strings: an embedded NUL would silently cut the name short.
  auto has_nul = [](const std::string& s) { return s.find('\0') != std::string::npos; };
  auto at = [&] { return sink_->name() + ": " + escape_text(h.path, kQuoteBytes); };
  if (has_nul(h.path)) return make_error(Code::kInvalidArgument, "entry path holds a NUL byte", at());
  if ((h.type == EntryType::kSymlink || h.type == EntryType::kHardlink) && has_nul(h.link))
    return make_error(Code::kInvalidArgument, "link target holds a NUL byte", at());
  if (h.type == EntryType::kHardlink && h.link.empty())
    return make_error(Code::kInvalidArgument, "hard link with an empty target", at());
  if (has_nul(h.uname) || has_nul(h.gname))
    return make_error(Code::kInvalidArgument, "owner or group name holds a NUL byte", at());
  archive_entry_clear(e_);
  archive_entry_copy_pathname(e_, h.path.c_str());
  unsigned type = AE_IFREG;
  switch (h.type) {
    case EntryType::kFile: type = AE_IFREG; break;
    case EntryType::kHardlink: type = AE_IFREG; break;
    case EntryType::kDir: type = AE_IFDIR; break;
    case EntryType::kSymlink: type = AE_IFLNK; break;
    case EntryType::kCharDev: type = AE_IFCHR; break;
    case EntryType::kBlockDev: type = AE_IFBLK; break;
    case EntryType::kFifo: type = AE_IFIFO; break;
    default:
      return make_error(Code::kUnsupported, std::string("tar writer: cannot write a ") + entry_type_name(h.type),
                        sink_->name() + ": " + escape_text(h.path, kQuoteBytes));
  }
  archive_entry_set_filetype(e_, type);
  archive_entry_set_perm(e_, static_cast<mode_t>(h.mode & 07777));
  archive_entry_set_uid(e_, h.uid);
  archive_entry_set_gid(e_, h.gid);
  if (!h.uname.empty()) archive_entry_copy_uname(e_, h.uname.c_str());
  if (!h.gname.empty()) archive_entry_copy_gname(e_, h.gname.c_str());
  archive_entry_set_mtime(e_, h.mtime, 0);
  for (const auto& [name, value] : h.xattrs) archive_entry_xattr_add_entry(e_, name.c_str(), value.data(), value.size());
  if (h.type == EntryType::kSymlink) archive_entry_copy_symlink(e_, h.link.c_str());
  if (h.type == EntryType::kHardlink) archive_entry_copy_hardlink(e_, h.link.c_str());
  if (h.type == EntryType::kCharDev || h.type == EntryType::kBlockDev) {
    archive_entry_set_rdevmajor(e_, h.devmajor);
    archive_entry_set_rdevminor(e_, h.devminor);
  }
  uint64_t size = h.type == EntryType::kFile ? static_cast<uint64_t>(h.size) : 0;
  archive_entry_set_size(e_, static_cast<la_int64_t>(size));
  int r = archive_write_header(a_, e_);
  if (r == ARCHIVE_WARN && !sink_failed_) r = ARCHIVE_OK;  // e.g. a name libarchive could not transcode: written as bytes
  if (r != ARCHIVE_OK) return la_error("cannot write the entry header");
  remaining_ = size;
  ++entries_;
  return Status::Ok();
}

Status TarWriter::write(const void* data, size_t n) {
  if (finished_ || failed_) return make_error(Code::kInvalidArgument, "tar writer is finished or failed", sink_->name());
  if (n > remaining_) {
    failed_ = true;
    return make_error(Code::kInvalidArgument,
                      "entry payload is longer than its header says (" + std::to_string(n - remaining_) + " bytes too many)",
                      sink_->name() + ": " + escape_text(current_, kQuoteBytes));
  }
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    la_ssize_t w = archive_write_data(a_, p, n);
    if (w <= 0) return la_error("cannot write entry data");
    p += w;
    n -= static_cast<size_t>(w);
    remaining_ -= static_cast<uint64_t>(w);
  }
  return Status::Ok();
}

Status TarWriter::finish() {
  if (finished_ || failed_) return make_error(Code::kInvalidArgument, "tar writer is finished or failed", sink_->name());
  LS_RETURN_IF_ERROR(check_payload_complete());
  current_.clear();
  if (archive_write_close(a_) != ARCHIVE_OK) return la_error("cannot end the tar stream");
  finished_ = true;
  return Status::Ok();
}

}  // namespace layerscope
