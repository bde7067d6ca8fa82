// io.StringIO: an in-memory text stream, as CPython 3.11's Modules/_io/stringio.c.
//
// The text is stored after newline translation (the default newline is '\n': none), so tell()
// counts stored characters; seek() past the end and a write there pads with '\0'.
#pragma once

#include <optional>
#include <string>

#include "io/textio.hpp"

namespace bl::io {

class StringIO final : public TextIOBase {
 public:
  // StringIO(initial_value='', newline='\n'): the initial value goes through the newline
  // translation and the position stays 0. newline nullopt is None.
  explicit StringIO(const Str& initial_value = Str(),
                    std::optional<std::string> newline = std::string("\n"));

  std::string_view type_name() const override { return "_io.StringIO"; }

  bool closed() const override { return closed_; }
  void close() override;
  // IOBase.flush, which never fails here: StringIO.close does not mark IOBase's own flag.
  void flush() override {}
  bool readable() override;
  bool writable() override;
  bool seekable() override;

  Str read(std::int64_t n = -1) override;
  Str readline(std::int64_t limit = -1) override;
  std::int64_t write(const Str& text) override;
  Str next() override;

  std::int64_t seek(std::int64_t offset, int whence = 0) override;
  std::int64_t tell() override;
  std::int64_t truncate(std::optional<std::int64_t> size = std::nullopt) override;

  Str getvalue() const;
  Newlines newlines() const override;
  bool line_buffering() const;

 private:
  void check_open() const;  // "I/O operation on closed file" (no period, as StringIO says it)
  void write_str(const Str& text);

  Str text_;
  std::size_t pos_ = 0;
  bool closed_ = false;
  NewlineMode newline_;
  std::unique_ptr<IncrementalNewlineDecoder> decoder_;  // newline None: records and translates
};

}  // namespace bl::io
