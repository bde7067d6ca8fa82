// TextIOBase's defaults, IncrementalNewlineDecoder and the tell() cookie. TextIOWrapper itself
// is in textiowrapper.cpp.
#include <array>
#include <charconv>

#include "io/textio.hpp"

namespace bl::io {

std::string repr(const Newlines& newlines) {
  if (newlines.empty()) return "None";
  auto quoted = [](const std::string& s) { return Str::from_utf8(s).repr(); };
  if (newlines.size() == 1) return quoted(newlines[0]);
  std::string out = "(";
  for (std::size_t i = 0; i < newlines.size(); ++i) out += (i ? ", " : "") + quoted(newlines[i]);
  return out + ")";
}

// --- NewlineMode -------------------------------------------------------------------------

NewlineMode::NewlineMode(std::optional<std::string> nl)
    : newline(std::move(nl)), universal(!newline || newline->empty()), translate(!newline) {
  if (!universal && *newline != "\n") writenl = *newline;
}

std::optional<std::size_t> NewlineMode::line_end(const Str& text, std::size_t start,
                                                 std::size_t end, std::size_t& consumed) const {
  consumed = end - start;
  if (translate) {  // already translated: only '\n'
    std::size_t lf = text.find(U'\n', start, end);
    if (lf != Str::npos) return lf + 1;
  } else if (universal) {  // any of '\r', '\r\n', '\n', untranslated
    std::size_t lf = text.find(U'\n', start, end);
    std::size_t cr = text.find(U'\r', start, lf == Str::npos ? end : lf);
    if (cr != Str::npos) return cr + 1 < end && text[cr + 1] == U'\n' ? cr + 2 : cr + 1;
    if (lf != Str::npos) return lf + 1;
  } else if (newline->size() == 1) {
    std::size_t hit = text.find(static_cast<unsigned char>((*newline)[0]), start, end);
    if (hit != Str::npos) return hit + 1;
  } else {  // '\r\n'
    for (std::size_t cr = text.find(U'\r', start, end); cr != Str::npos;
         cr = text.find(U'\r', cr + 1, end)) {
      if (cr + 1 == end) {  // may begin a '\r\n' that the next chunk completes
        consumed = cr - start;
        break;
      }
      if (text[cr + 1] == U'\n') return cr + 2;
    }
  }
  return std::nullopt;
}

// --- TextIOBase --------------------------------------------------------------------------

Str TextIOBase::read(std::int64_t) { throw UnsupportedOperation("read"); }
Str TextIOBase::readline(std::int64_t) { throw UnsupportedOperation("readline"); }
std::int64_t TextIOBase::write(const Str&) { throw UnsupportedOperation("write"); }
std::shared_ptr<BinaryIOBase> TextIOBase::detach() { throw UnsupportedOperation("detach"); }

Str TextIOBase::next() {
  Str line = readline();
  if (line.empty()) throw StopIteration("");
  return line;
}

std::vector<Str> TextIOBase::readlines(std::int64_t hint) { return read_lines(*this, hint); }

void TextIOBase::writelines(const std::vector<Str>& lines) {
  check_closed();
  for (const Str& line : lines) write(line);
}

// --- IncrementalNewlineDecoder -----------------------------------------------------------

namespace {

constexpr unsigned kSeenCR = 1, kSeenLF = 2, kSeenCRLF = 4;

// The line endings in `text`, as bits.
unsigned line_endings_in(const Str& text) {
  unsigned seen = 0;
  for (std::size_t i = text.find(U'\r'); i != Str::npos; i = text.find(U'\r', i + 1)) {
    bool crlf = i + 1 < text.size() && text[i + 1] == U'\n';
    seen |= crlf ? kSeenCRLF : kSeenCR;
  }
  // A '\n' not preceded by '\r'.
  for (std::size_t i = text.find(U'\n'); i != Str::npos; i = text.find(U'\n', i + 1)) {
    if (i == 0 || text[i - 1] != U'\r') {
      seen |= kSeenLF;
      break;
    }
  }
  return seen;
}

// '\r\n' and '\r' -> '\n'.
Str translate_newlines(Str text) {
  if (!text.contains(U'\r')) return text;
  Str out;
  std::size_t start = 0;
  for (std::size_t i = text.find(U'\r'); i != Str::npos; i = text.find(U'\r', start)) {
    out.append(text.slice(start, i));
    out.append(U'\n');
    start = i + 1;
    if (start < text.size() && text[start] == U'\n') ++start;
  }
  out.append(text.slice(start));
  return out;
}

}  // namespace

IncrementalNewlineDecoder::IncrementalNewlineDecoder(
    std::unique_ptr<codecs::IncrementalDecoder> decoder, bool translate)
    : decoder_(std::move(decoder)), translate_(translate) {}

Str IncrementalNewlineDecoder::decode(ByteSpan input, bool final) {
  if (!decoder_) throw TypeError("decoder should return a string result, not 'bytes'");
  return translate(decoder_->decode(input, final), final);
}

Str IncrementalNewlineDecoder::decode_text(Str input, bool final) {
  return translate(std::move(input), final);
}

Str IncrementalNewlineDecoder::translate(Str output, bool final) {
  if (pending_cr_ && (final || !output.empty())) {
    output = Str::from_latin1("\r") + output;
    pending_cr_ = false;
  }
  // Hold back a final '\r' so that a '\r\n' split across two chunks is seen whole.
  if (!final && !output.empty() && output[output.size() - 1] == U'\r') {
    output.resize(output.size() - 1);
    pending_cr_ = true;
  }
  if (output.empty()) return output;
  if (!output.contains(U'\r')) {  // the common case: one memchr, nothing to translate
    if (!(seen_ & kSeenLF) && output.contains(U'\n')) seen_ |= kSeenLF;
    return output;
  }
  seen_ |= line_endings_in(output);
  return translate_ ? translate_newlines(std::move(output)) : output;
}

void IncrementalNewlineDecoder::reset() {
  seen_ = 0;
  pending_cr_ = false;
  if (decoder_) decoder_->reset();
}

codecs::DecoderState IncrementalNewlineDecoder::getstate() const {
  codecs::DecoderState state = decoder_ ? decoder_->getstate() : codecs::DecoderState{};
  state.flags = (state.flags << 1) | (pending_cr_ ? 1 : 0);
  return state;
}

void IncrementalNewlineDecoder::setstate(const codecs::DecoderState& state) {
  pending_cr_ = (state.flags & 1) != 0;
  if (decoder_) decoder_->setstate({state.buffer, state.flags >> 1});
}

Newlines IncrementalNewlineDecoder::newlines() const {
  Newlines out;
  if (seen_ & kSeenCR) out.push_back("\r");
  if (seen_ & kSeenLF) out.push_back("\n");
  if (seen_ & kSeenCRLF) out.push_back("\r\n");
  return out;
}

// --- TextCookie --------------------------------------------------------------------------

namespace {

// The cookie as a little-endian number in 32-bit limbs: 64 + 3 * 32 + 8 = 168 bits.
using Limbs = std::array<std::uint32_t, 6>;

Limbs to_limbs(const TextCookie& c) {
  auto position = static_cast<std::uint64_t>(c.position);
  return {static_cast<std::uint32_t>(position),
          static_cast<std::uint32_t>(position >> 32),
          c.dec_flags,
          c.bytes_to_feed,
          c.chars_to_skip,
          c.need_eof ? 1u : 0u};
}

}  // namespace

std::string TextCookie::to_decimal() const {
  Limbs limbs = to_limbs(*this);
  std::string digits;
  auto is_zero = [&] {
    for (auto limb : limbs) {
      if (limb) return false;
    }
    return true;
  };
  do {  // divide by 10^9, collecting the remainders
    std::uint64_t remainder = 0;
    for (std::size_t i = limbs.size(); i-- > 0;) {
      std::uint64_t value = (remainder << 32) | limbs[i];
      limbs[i] = static_cast<std::uint32_t>(value / 1000000000);
      remainder = value % 1000000000;
    }
    std::string chunk = std::to_string(remainder);
    if (!is_zero()) chunk.insert(0, 9 - chunk.size(), '0');
    digits.insert(0, chunk);
  } while (!is_zero());
  return digits;
}

TextCookie TextCookie::from_decimal(std::string_view text) {
  if (!text.empty() && text[0] == '-') {
    throw ValueError("negative seek position " + std::string(text));
  }
  // 21 little-endian bytes, as CPython unpacks the int.
  std::array<std::uint32_t, 6> limbs{};  // the top limb holds bits 160..191
  for (char ch : text) {
    if (ch < '0' || ch > '9') throw ValueError("invalid cookie " + std::string(text));
    std::uint64_t carry = static_cast<std::uint64_t>(ch - '0');
    for (auto& limb : limbs) {
      std::uint64_t value = std::uint64_t{limb} * 10 + carry;
      limb = static_cast<std::uint32_t>(value);
      carry = value >> 32;
    }
    if (carry || limbs[5] > 0xFF) throw OverflowError("int too big to convert");
  }
  TextCookie c;
  c.position = static_cast<std::int64_t>((std::uint64_t{limbs[1]} << 32) | limbs[0]);
  c.dec_flags = limbs[2];
  c.bytes_to_feed = limbs[3];
  c.chars_to_skip = limbs[4];
  c.need_eof = (limbs[5] & 0xFF) != 0;
  return c;
}

}  // namespace bl::io
