// The utf-16 and utf-32 codecs, with and without a BOM.
//
// 'utf-16' and 'utf-32' read a BOM when there is one and otherwise take the native order
// (little-endian on every platform bufferlab runs on); they write a BOM and native order.
// Their incremental decoders insist on a BOM instead: a stream that has two bytes (four for
// utf-32) without one is a UnicodeError. Error messages name the order actually used
// ('utf-16-le'), except for encoding errors of 'utf-16' itself.

#include "codecs/codec_impl.hpp"
#include "codecs/error_handlers.hpp"

namespace bl::codecs {
namespace {

constexpr std::string_view kSurrogatesNotAllowed = "surrogates not allowed";

const std::uint8_t* bytes_of(ByteSpan data) {
  return reinterpret_cast<const std::uint8_t*>(data.data());
}

char32_t read16(const std::uint8_t* p, bool le) {
  return le ? p[0] | (p[1] << 8) : (p[0] << 8) | p[1];
}

char32_t read32(const std::uint8_t* p, bool le) {
  std::uint32_t b0 = p[0], b1 = p[1], b2 = p[2], b3 = p[3];
  return le ? b0 | (b1 << 8) | (b2 << 16) | (b3 << 24) : (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
}

// Output of the encoders: code units of 2 or 4 bytes in one byte order.
class UnitWriter {
 public:
  UnitWriter(int unit_size, bool le, std::size_t units) : unit_size_(unit_size), le_(le) {
    out_.reserve(units * unit_size);
  }
  void unit(std::uint32_t u) {
    for (int k = 0; k < unit_size_; ++k) {
      int shift = 8 * (le_ ? k : unit_size_ - 1 - k);
      out_.push_back(static_cast<std::byte>((u >> shift) & 0xFF));
    }
  }
  void utf16(char32_t c) {
    if (c < 0x10000) return unit(c);
    unit(0xD800 + ((c - 0x10000) >> 10));
    unit(0xDC00 + ((c - 0x10000) & 0x3FF));
  }
  void bytes(std::string_view s) {
    for (char c : s) out_.push_back(static_cast<std::byte>(c));
  }
  Bytes finish() { return Bytes(std::move(out_)); }

 private:
  int unit_size_;
  bool le_;
  buffer::ByteVector out_;
};

std::string_view encoding_name(int unit_size, int byte_order) {
  if (unit_size == 2) return byte_order < 0 ? "utf-16-le" : byte_order > 0 ? "utf-16-be" : "utf-16";
  return byte_order < 0 ? "utf-32-le" : byte_order > 0 ? "utf-32-be" : "utf-32";
}

// Encodes text as utf-16 (unit_size 2) or utf-32 (4). Each lone surrogate is one error,
// whose replacement must be whole code units: bytes of the unit size, or ASCII characters.
Bytes encode_units(const Str& text, std::string_view errors, int byte_order, int unit_size) {
  bool le = byte_order <= 0;
  UnitWriter out(unit_size, le, text.size() + 1);
  if (byte_order == 0) out.unit(0xFEFF);
  if (text.is_narrow()) {
    for (char c : text.narrow()) out.unit(static_cast<unsigned char>(c));
    return out.finish();
  }
  std::string_view encoding = encoding_name(unit_size, byte_order);
  std::u32string_view w = text.wide();
  std::size_t pos = 0;
  while (pos < w.size()) {
    char32_t c = w[pos];
    if (!is_surrogate(c)) {
      unit_size == 2 ? out.utf16(c) : out.unit(c);
      ++pos;
      continue;
    }
    EncodeReplacement r =
        handle_encode_error(errors, encoding, text, pos, pos + 1, kSurrogatesNotAllowed);
    if (r.is_text) {
      for (char a : r.data) out.unit(static_cast<unsigned char>(a));
    } else if (r.data.size() % unit_size != 0) {
      raise_encode_error(encoding, text, r.resume - 1, r.resume, kSurrogatesNotAllowed);
    } else {
      out.bytes(r.data);
    }
    pos = r.resume;
  }
  return out.finish();
}

// Reads a BOM of `unit_size` bytes when byte_order is 0; returns the bytes it takes.
std::size_t read_bom(ByteSpan data, int& byte_order, int unit_size) {
  if (byte_order != 0 || data.size() < static_cast<std::size_t>(unit_size)) return 0;
  const std::uint8_t* p = bytes_of(data);
  char32_t bom = unit_size == 2 ? read16(p, true) : read32(p, true);
  char32_t swapped = unit_size == 2 ? 0xFFFE : 0xFFFE0000;
  if (bom == 0xFEFF) {
    byte_order = -1;
    return unit_size;
  }
  if (bom == swapped) {
    byte_order = 1;
    return unit_size;
  }
  return 0;
}

struct DecodeFault {
  std::size_t start = 0, end = 0;
  std::string_view reason;  // empty: no fault
};

// codecs.utf_16_ex_decode as CPython's decoder does it: a lone low surrogate is an "illegal
// encoding"; a high surrogate followed by anything but a low one is an "illegal UTF-16
// surrogate" of two bytes, after which decoding goes on with the unit that followed.
class Utf16Reader {
 public:
  Utf16Reader(const std::uint8_t* p, std::size_t n, bool le) : p_(p), n_(n), le_(le) {}
  // Decodes from q on until a fault or until fewer than two bytes are left. Unless `final`,
  // a high surrogate at the very end is left for the next call (`stopped`).
  DecodeFault read(std::size_t& q, TextBuilder& out, bool& stopped, bool final) const {
    while (n_ - q >= 2) {
      char32_t u = read16(p_ + q, le_);
      q += 2;
      if (!is_surrogate(u)) {
        out.push(u);
        continue;
      }
      if (u >= 0xDC00) return {q - 2, q, "illegal encoding"};
      if (n_ - q < 2) {
        q -= 2;
        if (!final) {
          stopped = true;
          return {};
        }
        return {q, n_, "unexpected end of data"};
      }
      char32_t low = read16(p_ + q, le_);
      q += 2;
      if (low < 0xDC00 || low > 0xDFFF) return {q - 4, q - 2, "illegal UTF-16 surrogate"};
      out.push(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
    }
    return {};
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
  bool le_;
};

class Utf32Reader {
 public:
  Utf32Reader(const std::uint8_t* p, std::size_t n, bool le) : p_(p), n_(n), le_(le) {}
  DecodeFault read(std::size_t& q, TextBuilder& out, bool& /*stopped*/, bool /*final*/) const {
    for (; n_ - q >= 4; q += 4) {
      char32_t c = read32(p_ + q, le_);
      if (is_surrogate(c)) {
        return {q, q + 4, "code point in surrogate code point range(0xd800, 0xe000)"};
      }
      if (c >= 0x110000) return {q, q + 4, "code point not in range(0x110000)"};
      out.push(c);
    }
    return {};
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
  bool le_;
};

template <class Reader, int kUnit>
DecodeResult decode_units(ByteSpan data, std::string_view errors, int& byte_order, bool final) {
  std::size_t n = data.size();
  std::size_t q = read_bom(data, byte_order, kUnit);
  if (q == n) return {Str(), n};
  bool le = byte_order <= 0;
  std::string_view encoding =
      kUnit == 2 ? (le ? "utf-16-le" : "utf-16-be") : (le ? "utf-32-le" : "utf-32-be");
  Reader reader(bytes_of(data), n, le);
  TextBuilder out((n - q) / kUnit + 1);
  while (true) {
    bool stopped = false;
    DecodeFault f = reader.read(q, out, stopped, final);
    if (stopped) break;
    if (f.reason.empty()) {
      if (q == n || !final) break;
      f = {q, n, "truncated data"};
    }
    DecodeReplacement r = handle_decode_error(errors, encoding, data, f.start, f.end, f.reason);
    out.append(r.text);
    q = r.resume;
  }
  return {out.finish(), q};
}

// encodings.utf_16.IncrementalDecoder and utf_32's: the byte order comes from the BOM, which
// must be there. getstate()'s flags: 2 while the order is unknown, then 0 for native
// (little-endian) order and 1 for the other.
template <DecodeResult (*kDecode)(ByteSpan, std::string_view, int&, bool), int kUnit>
class BomDecoder : public BufferedDecoder {
 public:
  using BufferedDecoder::BufferedDecoder;
  void reset() override {
    BufferedDecoder::reset();
    order_ = 0;
  }
  DecoderState getstate() const override {
    return {buffer(), order_ == 0 ? 2 : order_ == 1 ? 1 : 0};
  }
  void setstate(const DecoderState& state) override {
    BufferedDecoder::setstate(state);
    order_ = state.flags == 0 ? -1 : state.flags == 1 ? 1 : 0;
  }

 protected:
  DecodeResult buffer_decode(ByteSpan data, bool final) override {
    int order = order_;
    DecodeResult r = kDecode(data, errors(), order, final);
    if (order_ == 0) {
      if (order != 0) {
        order_ = order;
      } else if (r.consumed >= kUnit) {
        throw UnicodeError(kUnit == 2 ? "UTF-16 stream does not start with BOM"
                                      : "UTF-32 stream does not start with BOM");
      }
    }
    return r;
  }

 private:
  int order_ = 0;  // -1 little-endian, 1 big-endian, 0 not known yet
};

// encodings.utf_16_le.IncrementalDecoder and the other fixed orders.
template <DecodeResult (*kDecode)(ByteSpan, std::string_view, int&, bool), int kOrder>
class FixedOrderDecoder : public BufferedDecoder {
 public:
  using BufferedDecoder::BufferedDecoder;

 protected:
  DecodeResult buffer_decode(ByteSpan data, bool final) override {
    int order = kOrder;
    return kDecode(data, errors(), order, final);
  }
};

// encodings.utf_16.IncrementalEncoder and utf_32's: a BOM with the first successful call.
// getstate() is 2 until then, 0 after.
template <Bytes (*kEncode)(const Str&, std::string_view, int)>
class BomEncoder : public IncrementalEncoder {
 public:
  explicit BomEncoder(std::string errors) : errors_(std::move(errors)) {}
  Bytes encode(const Str& input, bool /*final*/) override {
    Bytes out = kEncode(input, errors_, started_ ? -1 : 0);
    started_ = true;
    return out;
  }
  void reset() override { started_ = false; }
  std::int64_t getstate() const override { return started_ ? 0 : 2; }
  void setstate(std::int64_t state) override { started_ = state == 0; }

 private:
  std::string errors_;
  bool started_ = false;
};

template <DecodeResult (*kDecode)(ByteSpan, std::string_view, int&, bool), int kOrder>
Str decode_all(ByteSpan data, std::string_view errors) {
  int order = kOrder;
  return kDecode(data, errors, order, true).text;
}

template <Bytes (*kEncode)(const Str&, std::string_view, int), int kOrder>
Bytes encode_all(const Str& text, std::string_view errors) {
  return kEncode(text, errors, kOrder);
}

template <Bytes (*kEncode)(const Str&, std::string_view, int),
          DecodeResult (*kDecode)(ByteSpan, std::string_view, int&, bool), int kUnit>
constexpr CodecInfo bom_codec(std::string_view name) {
  return {
      .name = name,
      .encode = encode_all<kEncode, 0>,
      .decode = decode_all<kDecode, 0>,
      .incremental_encoder = [](std::string errors) -> std::unique_ptr<IncrementalEncoder> {
        return std::make_unique<BomEncoder<kEncode>>(std::move(errors));
      },
      .incremental_decoder = [](std::string errors) -> std::unique_ptr<IncrementalDecoder> {
        return std::make_unique<BomDecoder<kDecode, kUnit>>(std::move(errors));
      },
  };
}

template <Bytes (*kEncode)(const Str&, std::string_view, int),
          DecodeResult (*kDecode)(ByteSpan, std::string_view, int&, bool), int kOrder>
constexpr CodecInfo fixed_order_codec(std::string_view name) {
  return {
      .name = name,
      .encode = encode_all<kEncode, kOrder>,
      .decode = decode_all<kDecode, kOrder>,
      .incremental_encoder = [](std::string errors) -> std::unique_ptr<IncrementalEncoder> {
        return std::make_unique<StatelessEncoder>(encode_all<kEncode, kOrder>, std::move(errors));
      },
      .incremental_decoder = [](std::string errors) -> std::unique_ptr<IncrementalDecoder> {
        return std::make_unique<FixedOrderDecoder<kDecode, kOrder>>(std::move(errors));
      },
  };
}

}  // namespace

DecodeResult utf16_decode(ByteSpan data, std::string_view errors, int& byte_order, bool final) {
  return decode_units<Utf16Reader, 2>(data, errors, byte_order, final);
}

DecodeResult utf32_decode(ByteSpan data, std::string_view errors, int& byte_order, bool final) {
  return decode_units<Utf32Reader, 4>(data, errors, byte_order, final);
}

Bytes utf16_encode(const Str& text, std::string_view errors, int byte_order) {
  return encode_units(text, errors, byte_order, 2);
}

Bytes utf32_encode(const Str& text, std::string_view errors, int byte_order) {
  return encode_units(text, errors, byte_order, 4);
}

const CodecInfo kUtf16Codec = bom_codec<utf16_encode, utf16_decode, 2>("utf-16");
const CodecInfo kUtf16LeCodec = fixed_order_codec<utf16_encode, utf16_decode, -1>("utf-16-le");
const CodecInfo kUtf16BeCodec = fixed_order_codec<utf16_encode, utf16_decode, 1>("utf-16-be");
const CodecInfo kUtf32Codec = bom_codec<utf32_encode, utf32_decode, 4>("utf-32");
const CodecInfo kUtf32LeCodec = fixed_order_codec<utf32_encode, utf32_decode, -1>("utf-32-le");
const CodecInfo kUtf32BeCodec = fixed_order_codec<utf32_encode, utf32_decode, 1>("utf-32-be");

}  // namespace bl::codecs
