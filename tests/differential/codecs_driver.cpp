// bl_codecs_driver CASES.jsonl RESULTS.jsonl
//
// Runs codec cases (written by codecs_diff.py) on bl::codecs and writes one result line per
// case, in the form codecs_diff.py computes them with CPython:
//
//   case:   {"codec": "utf-16", "errors": "replace", "ops": [OP, ...]}
//   result: {"results": [RESULT, ...]}   one per OP
//
// OPs: ["decode", HEX] and ["encode", TEXT] (bytes.decode / str.encode);
// ["newdec"], ["dec", HEX, FINAL], ["getstate"], ["setstate", HEX, FLAGS], ["transfer"]
// (getstate, a new decoder, setstate), ["reset"], and the same for the incremental encoder:
// ["newenc"], ["enc", TEXT, FINAL], ["egetstate"], ["esetstate", N], ["etransfer"],
// ["ereset"]; ["lookup", NAME], ["textdecode", NAME], ["textencode", NAME].
// TEXT is a list of code points, HEX bytes in hex. A RESULT is {"r": VALUE} or {"exc": TYPE,
// "msg": MESSAGE} with, for Unicode errors, "start", "end" and "object".
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "case_main.hpp"
#include "codecs/codec.hpp"

namespace {

using json = nlohmann::ordered_json;
namespace codecs = bl::codecs;
using bl::buffer::Bytes;
using bl::codecs::Str;

std::string to_hex(bl::buffer::ByteSpan data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::byte b : data) {
    auto v = std::to_integer<unsigned>(b);
    out += kHex[v >> 4];
    out += kHex[v & 0xF];
  }
  return out;
}

Bytes from_hex(const std::string& hex) {
  bl::buffer::ByteVector out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::byte>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return Bytes(std::move(out));
}

json text_value(const Str& s) {
  json out = json::array();
  for (std::size_t i = 0; i < s.size(); ++i) out.push_back(static_cast<std::uint32_t>(s[i]));
  return out;
}

Str text_arg(const json& v) {
  std::u32string cps;
  for (const json& c : v) cps += static_cast<char32_t>(c.get<std::uint32_t>());
  return Str::from_code_points(cps);
}

json state_value(const codecs::DecoderState& s) {
  return json::array({to_hex(s.buffer.span()), s.flags});
}

class CaseRunner {
 public:
  CaseRunner(std::string codec, std::string errors)
      : codec_(std::move(codec)), errors_(std::move(errors)) {}

  json run(const json& op) {
    try {
      return json{{"r", step(op)}};
    } catch (const codecs::UnicodeDecodeError& e) {
      return exception(e, to_hex(e.object().span()));
    } catch (const codecs::UnicodeEncodeError& e) {
      return exception(e, text_value(e.object()));
    } catch (const bl::Exception& e) {
      return json{{"exc", std::string(e.type_name())}, {"msg", e.what()}};
    } catch (const std::exception& e) {
      return json{{"exc", "C++ exception"}, {"msg", e.what()}};
    }
  }

 private:
  template <class E>
  static json exception(const E& e, json object) {
    return json{{"exc", std::string(e.type_name())},
                {"msg", e.what()},
                {"start", e.start()},
                {"end", e.end()},
                {"object", std::move(object)}};
  }

  json step(const json& op) {
    const std::string kind = op[0];
    if (kind == "decode") {
      return text_value(codecs::decode(from_hex(op[1]).span(), codec_, errors_));
    }
    if (kind == "encode") return to_hex(codecs::encode(text_arg(op[1]), codec_, errors_).span());
    if (kind == "newdec") {
      decoder_ = new_decoder();
      return nullptr;
    }
    if (kind == "dec") return text_value(decoder_->decode(from_hex(op[1]).span(), op[2]));
    if (kind == "getstate") return state_value(decoder_->getstate());
    if (kind == "setstate") {
      decoder_->setstate({from_hex(op[1]), op[2].get<std::int64_t>()});
      return nullptr;
    }
    if (kind == "transfer") {
      codecs::DecoderState state = decoder_->getstate();
      decoder_ = new_decoder();
      decoder_->setstate(state);
      return state_value(state);
    }
    if (kind == "reset") {
      decoder_->reset();
      return nullptr;
    }
    if (kind == "newenc") {
      encoder_ = new_encoder();
      return nullptr;
    }
    if (kind == "enc") return to_hex(encoder_->encode(text_arg(op[1]), op[2]).span());
    if (kind == "egetstate") return encoder_->getstate();
    if (kind == "esetstate") {
      encoder_->setstate(op[1].get<std::int64_t>());
      return nullptr;
    }
    if (kind == "etransfer") {
      std::int64_t state = encoder_->getstate();
      encoder_ = new_encoder();
      encoder_->setstate(state);
      return state;
    }
    if (kind == "ereset") {
      encoder_->reset();
      return nullptr;
    }
    if (kind == "lookup") {
      const codecs::CodecInfo& info = codecs::lookup(op[1].get<std::string>());
      return json::array({std::string(info.name), info.is_text_encoding});
    }
    if (kind == "textdecode") {
      return text_value(codecs::decode(Bytes::from("ab").span(), op[1].get<std::string>()));
    }
    if (kind == "textencode") {
      return to_hex(codecs::encode(Str::from_utf8("ab"), op[1].get<std::string>()).span());
    }
    throw std::runtime_error("unknown op " + kind);
  }

  std::unique_ptr<codecs::IncrementalDecoder> new_decoder() {
    return codecs::lookup(codec_).incremental_decoder(errors_);
  }
  std::unique_ptr<codecs::IncrementalEncoder> new_encoder() {
    return codecs::lookup(codec_).incremental_encoder(errors_);
  }

  std::string codec_, errors_;
  std::unique_ptr<codecs::IncrementalDecoder> decoder_;
  std::unique_ptr<codecs::IncrementalEncoder> encoder_;
};

}  // namespace

int main(int argc, char** argv) {
  return bl::diff::run_case_file(argc, argv, "bl_codecs_driver", [](const json& c) {
    CaseRunner runner(c.value("codec", "utf-8"), c.value("errors", "strict"));
    json results = json::array();
    for (const json& op : c["ops"]) results.push_back(runner.run(op));
    return results;
  });
}
