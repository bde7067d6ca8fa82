// tempfile.SpooledTemporaryFile (spooled.hpp).
#include "lib/spooled.hpp"

#include "io/bytesio.hpp"

namespace bl::lib {

namespace {

// io.text_encoding(): a text spool without an encoding means the locale's.
std::optional<std::string> text_encoding(const std::optional<std::string>& encoding) {
  return encoding ? encoding : std::optional<std::string>("locale");
}

}  // namespace

SpooledTemporaryFile::SpooledTemporaryFile(Tempfile& tempfile, SpooledTemporaryFileOptions o)
    : tempfile_(tempfile), max_size_(o.max_size) {
  // A read-only or invalid mode still spools into a read/write memory file; the mode only
  // matters (and fails) at the rollover.
  if (o.mode.find('b') != std::string::npos) {
    file_ = std::make_shared<io::BytesIO>();
  } else {
    o.encoding = text_encoding(o.encoding);
    file_ = std::make_shared<io::TextIOWrapper>(
        std::make_shared<io::BytesIO>(),
        io::TextIOWrapperOptions{.encoding = o.encoding, .errors = o.errors, .newline = o.newline});
  }
  args_ = TemporaryFileOptions{.mode = o.mode, .buffering = o.buffering, .encoding = o.encoding,
                               .newline = o.newline, .suffix = o.suffix, .prefix = o.prefix,
                               .dir = o.dir, .errors = o.errors};
}

io::BinaryIOBase& SpooledTemporaryFile::binary() const {
  auto* b = dynamic_cast<io::BinaryIOBase*>(file_.get());
  if (!b) throw TypeError("SpooledTemporaryFile: a binary file is required, not a text file");
  return *b;
}

io::TextIOBase& SpooledTemporaryFile::text() const {
  auto* t = dynamic_cast<io::TextIOBase*>(file_.get());
  if (!t) throw TypeError("SpooledTemporaryFile: a text file is required, not a binary file");
  return *t;
}

void SpooledTemporaryFile::rollover() {
  if (rolled_) return;
  if (!args_) no_attribute("_TemporaryFileArgs");
  std::shared_ptr<io::IOBase> old = file_;
  file_ = tempfile_.TemporaryFile(*args_);
  args_.reset();
  const std::int64_t pos = old->tell();
  if (auto* text = dynamic_cast<io::TextIOWrapper*>(file_.get())) {
    auto memory = dynamic_cast<io::TextIOBase&>(*old).detach();
    text->buffer()->write(dynamic_cast<io::BytesIO&>(*memory).getvalue().span());
  } else {
    binary().write(dynamic_cast<io::BytesIO&>(*old).getvalue().span());
  }
  file_->seek(pos, 0);
  rolled_ = true;
}

void SpooledTemporaryFile::check() {
  if (!rolled_ && max_size_ != 0 && file_->tell() > max_size_) rollover();
}

io::IntOrNone SpooledTemporaryFile::write(io::ByteSpan data) {
  io::IntOrNone written = binary().write(data);
  check();
  return written;
}

std::int64_t SpooledTemporaryFile::write(const codecs::Str& s) {
  std::int64_t written = text().write(s);
  check();
  return written;
}

void SpooledTemporaryFile::writelines(const std::vector<io::Bytes>& lines) {
  binary().writelines(lines);
  check();
}

void SpooledTemporaryFile::writelines(const std::vector<codecs::Str>& lines) {
  text().writelines(lines);
  check();
}

std::int64_t SpooledTemporaryFile::truncate(std::optional<std::int64_t> size) {
  if (size && *size > max_size_) rollover();
  return file_->truncate(size);
}

std::int64_t SpooledTemporaryFile::fileno() {
  rollover();
  return file_->fileno();
}

std::int64_t SpooledTemporaryFile::seek(std::int64_t offset, int whence) {
  return file_->seek(offset, whence);
}

std::shared_ptr<io::BinaryIOBase> SpooledTemporaryFile::detach() {
  if (auto* t = dynamic_cast<io::TextIOBase*>(file_.get())) return t->detach();
  if (auto* b = dynamic_cast<io::BufferedIOBase*>(file_.get())) return b->detach();
  throw AttributeError("'" + std::string(file_->type_name()) + "' object has no attribute 'detach'");
}

SpooledTemporaryFile& SpooledTemporaryFile::enter() {
  if (file_->closed()) throw ValueError("Cannot enter context with closed file");
  return *this;
}

std::string SpooledTemporaryFile::mode() const {
  if (auto mode = file_->mode_attribute()) return *mode;
  if (!args_) no_attribute("_TemporaryFileArgs");
  return args_->mode;
}

io::TextIOBase& SpooledTemporaryFile::text_attributes(std::string_view attribute) const {
  auto* t = dynamic_cast<io::TextIOBase*>(file_.get());
  if (!t) {
    throw AttributeError("'" + std::string(file_->type_name()) + "' object has no attribute '" +
                         std::string(attribute) + "'");
  }
  return *t;
}

std::optional<std::string> SpooledTemporaryFile::encoding() const {
  return text_attributes("encoding").encoding();
}

std::optional<std::string> SpooledTemporaryFile::errors() const {
  return text_attributes("errors").errors();
}

io::Newlines SpooledTemporaryFile::newlines() const {
  return text_attributes("newlines").newlines();
}

void SpooledTemporaryFile::no_attribute(std::string_view attribute) const {
  throw AttributeError("'SpooledTemporaryFile' object has no attribute '" +
                       std::string(attribute) + "'");
}

}  // namespace bl::lib
