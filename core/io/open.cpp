#include "io/open.hpp"

#include "io/buffered.hpp"
#include "io/textio.hpp"

namespace bl::io {

namespace {

struct ParsedMode {
  bool creating = false, reading = false, writing = false, appending = false;
  bool updating = false, text = false, binary = false;
  std::string raw_mode;  // the FileIO mode: one of x/r/w/a, then '+'
};

ParsedMode parse_mode(std::string_view mode) {
  ParsedMode m;
  for (std::size_t i = 0; i < mode.size(); ++i) {
    char c = mode[i];
    if (std::string_view("rwxa+tb").find(c) == std::string_view::npos ||
        mode.substr(0, i).find(c) != std::string_view::npos)
      throw ValueError("invalid mode: " + python_str_repr(mode));
    m.creating |= c == 'x';
    m.reading |= c == 'r';
    m.writing |= c == 'w';
    m.appending |= c == 'a';
    m.updating |= c == '+';
    m.text |= c == 't';
    m.binary |= c == 'b';
  }
  if (m.creating) m.raw_mode += 'x';
  if (m.reading) m.raw_mode += 'r';
  if (m.writing) m.raw_mode += 'w';
  if (m.appending) m.raw_mode += 'a';
  if (m.updating) m.raw_mode += '+';
  if (m.text && m.binary) throw ValueError("can't have text and binary mode at once");
  if (m.creating + m.reading + m.writing + m.appending > 1)
    throw ValueError("must have exactly one of create/read/write/append mode");
  return m;
}

void check_binary_arguments(const OpenOptions& options) {
  if (options.encoding) throw ValueError("binary mode doesn't take an encoding argument");
  if (options.errors) throw ValueError("binary mode doesn't take an errors argument");
  if (options.newline) throw ValueError("binary mode doesn't take a newline argument");
  if (options.buffering == 1)
    warn("RuntimeWarning",
         "line buffering (buffering=1) isn't supported in binary mode, the default buffer size "
         "will be used");
}

// The raw file alone (buffering 0) or the Buffered* class for the mode over it.
std::shared_ptr<BinaryIOBase> buffered(const std::shared_ptr<FileIO>& raw, const ParsedMode& m,
                                       std::int64_t buffering) {
  if (buffering < 0 || buffering == 1) buffering = raw->blksize();
  if (buffering == 0) {
    if (!m.binary) throw ValueError("can't have unbuffered text I/O");
    return raw;
  }
  if (m.updating) return std::make_shared<BufferedRandom>(raw, buffering);
  if (m.creating || m.writing || m.appending)
    return std::make_shared<BufferedWriter>(raw, buffering);
  return std::make_shared<BufferedReader>(raw, buffering);
}

// Calls close() on a stream whose construction went wrong, keeping the first error.
void close_quietly(IOBase& stream) {
  try {
    stream.close();
  } catch (...) {
  }
}

}  // namespace

std::shared_ptr<IOBase> open(os::Kernel& kernel, Name file, OpenOptions options) {
  ParsedMode m = parse_mode(options.mode);
  if (m.binary) check_binary_arguments(options);
  auto raw = std::make_shared<FileIO>(
      kernel, std::move(file),
      FileIOOptions{.mode = m.raw_mode, .closefd = options.closefd, .opener = options.opener});
  std::int64_t buffering = options.buffering;
  // isatty() is asked only when the caller left the choice to open(); a terminal (or
  // buffering=1) means line buffering for text, with the block size as buffer.
  if (buffering < 0 && raw->isatty()) buffering = 1;
  const bool line_buffering = buffering == 1;
  std::shared_ptr<BinaryIOBase> buffer;
  try {
    buffer = buffered(raw, m, buffering);
  } catch (...) {
    close_quietly(*raw);
    throw;
  }
  if (m.binary) return buffer;
  try {
    auto text = std::make_shared<TextIOWrapper>(
        buffer, TextIOWrapperOptions{.encoding = options.encoding,
                                     .errors = options.errors,
                                     .newline = options.newline,
                                     .line_buffering = line_buffering});
    text->set_mode(options.mode);
    return text;
  } catch (...) {
    close_quietly(*buffer);
    throw;
  }
}

}  // namespace bl::io
