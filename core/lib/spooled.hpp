// tempfile.SpooledTemporaryFile (CPython 3.11.7): data kept in memory (io.BytesIO, or an
// io.TextIOWrapper over one) until it "rolls over" into a real TemporaryFile.
//
// The 3.11 rule, exactly: after every write() and writelines() (once, at its end) the file
// rolls over when max_size is not 0 and the *position* (tell(), a cookie in text mode) is
// greater than max_size; truncate(size) rolls over first when size > max_size (even with
// max_size 0); fileno() always rolls over. Rolling over creates the TemporaryFile, copies the
// in-memory bytes (encoded bytes, through `buffer`, in text mode) and seeks to the old
// position. Like CPython it installs the new file before copying, so a failure halfway (a
// closed spool, a read-only mode) leaves the new file in place and rolled() false.
//
// As 3.11's class it is an io.IOBase. Methods that Python forwards unchanged (read, read1,
// readinto, readline, readlines, seek, tell, ...) go to file(), the in-memory or real file;
// binary() and text() give it with its byte or str methods.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/textio.hpp"
#include "lib/tempfile.hpp"

namespace bl::lib {

struct SpooledTemporaryFileOptions {
  std::int64_t max_size = 0;  // 0: never roll over by size
  std::string mode = "w+b";
  std::int64_t buffering = -1;
  std::optional<std::string> encoding, newline, suffix, prefix, dir, errors;
};

class SpooledTemporaryFile final : public io::IOBase {
 public:
  SpooledTemporaryFile(Tempfile& tempfile, SpooledTemporaryFileOptions options = {});

  std::string_view type_name() const override { return "tempfile.SpooledTemporaryFile"; }

  // Python's _file: BytesIO / TextIOWrapper(BytesIO) until rollover, TemporaryFile's after.
  const std::shared_ptr<io::IOBase>& file() const { return file_; }
  // file() with its byte or str methods (TypeError when the spool is of the other kind).
  io::BinaryIOBase& binary() const;
  io::TextIOBase& text() const;
  bool rolled() const { return rolled_; }  // Python's _rolled
  void rollover();

  // write/writelines of the file's kind, then the rollover check.
  io::IntOrNone write(io::ByteSpan data);
  std::int64_t write(const codecs::Str& text);
  void writelines(const std::vector<io::Bytes>& lines);
  void writelines(const std::vector<codecs::Str>& lines);
  std::int64_t truncate(std::optional<std::int64_t> size = std::nullopt) override;
  std::int64_t fileno() override;

  // Forwarded to file().
  bool closed() const override { return file_->closed(); }
  void close() override { file_->close(); }
  void flush() override { file_->flush(); }
  bool readable() override { return file_->readable(); }
  bool writable() override { return file_->writable(); }
  bool seekable() override { return file_->seekable(); }
  bool isatty() override { return file_->isatty(); }
  std::int64_t seek(std::int64_t offset, int whence = 0) override;
  std::int64_t tell() override { return file_->tell(); }
  // detach() of file(): BytesIO's UnsupportedOperation, or a TextIOWrapper's buffer.
  std::shared_ptr<io::BinaryIOBase> detach();

  // __enter__: ValueError "Cannot enter context with closed file" (hides IOBase::enter).
  SpooledTemporaryFile& enter();

  // file()'s mode, else the mode given ('w+b' before and 'rb+' after a binary rollover).
  std::string mode() const override;
  std::optional<std::string> mode_attribute() const override { return mode(); }
  // file()'s name, or nullopt (Python's None) while it has none: before the rollover.
  std::optional<io::Name> name_attribute() const override { return file_->name_attribute(); }
  // file()'s text attributes; AttributeError on a binary spool.
  std::optional<std::string> encoding() const;
  std::optional<std::string> errors() const;
  io::Newlines newlines() const;

 private:
  // Python's _check(): roll over when the position passed max_size.
  void check();
  io::TextIOBase& text_attributes(std::string_view attribute) const;
  [[noreturn]] void no_attribute(std::string_view attribute) const;

  Tempfile& tempfile_;
  std::shared_ptr<io::IOBase> file_;
  std::int64_t max_size_;
  bool rolled_ = false;
  // The TemporaryFile arguments; dropped once used, as Python deletes _TemporaryFileArgs.
  std::optional<TemporaryFileOptions> args_;
};

}  // namespace bl::lib
