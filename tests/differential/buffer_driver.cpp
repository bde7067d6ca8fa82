// bl_buffer_driver CASES.jsonl RESULTS.jsonl
//
// Runs memoryview cases (written by buffer_diff.py) on bl::buffer and writes one result line
// per case, in the form buffer_diff.py computes them with CPython:
//
//   case:   {"src": {"kind": "bytes"|"bytearray"|"array", "hex": HEX, "typecode": C},
//            "ops": [OP, ...]}
//   result: {"results": [RESULT, ...]}   one per OP
//
// OPs (V, W: view names; "src" the source object):
//   ["view", W, V|"src"]            W = memoryview(V)
//   ["cast", W, V, FORMAT, SHAPE]   W = V.cast(FORMAT[, SHAPE]) -> [format, shape]
//   ["subview", W, V, KEY]          W = V[KEY] -> [shape, strides]
//   ["toreadonly", W, V]            W = V.toreadonly()
//   ["attr", V, NAME], ["len", V], ["getitem", V, KEY], ["setitem", V, KEY, VALUE],
//   ["delitem", V, KEY], ["tolist", V], ["tobytes", V, ORDER], ["hex", V, ARGS...],
//   ["eq", V, OTHER, "=="|"!="|"<"], ["hash", V], ["release", V], ["enter", V], ["exit", V],
//   ["export", V] (pickle.PickleBuffer(V)), ["unexport", V], ["repr", V],
//   ["resize", HOW] (a size-changing or size-keeping bytearray operation on src),
//   ["content"] (the source's bytes as hex).
// KEY: int, {"slice": [a, b, c]}, {"tuple": [...]}, {"ellipsis": true}, {"float": x}.
// VALUE: int, {"int": "<decimal>"}, {"f": "<float repr>"}, bool, null, {"b": HEX},
// {"str": S}, {"list": [...]}, {"bytearray": HEX}, {"view": V}.
// A RESULT is {"r": VALUE} (floats as {"f": repr}, bytes as {"b": hex}, views "<memory>") or
// {"exc": TYPE, "msg": MESSAGE}.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "case_main.hpp"
#include "buffer/float_repr.hpp"
#include "buffer/memoryview.hpp"
#include "os/errors.hpp"

namespace {

using json = nlohmann::ordered_json;
namespace buffer = bl::buffer;
using buffer::MemoryView;
using ViewPtr = std::shared_ptr<MemoryView>;

using bl::Exception;
BL_PY_EXCEPTION(NameError, Exception)

std::string to_hex(buffer::ByteSpan data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::byte b : data) {
    auto v = std::to_integer<unsigned>(b);
    out += kHex[v >> 4];
    out += kHex[v & 0xF];
  }
  return out;
}

buffer::Bytes from_hex(const std::string& hex) {
  buffer::ByteVector out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::byte>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return buffer::Bytes(std::move(out));
}

json item_json(const buffer::Item& item) {
  if (const auto* i = std::get_if<std::int64_t>(&item)) return *i;
  if (const auto* u = std::get_if<std::uint64_t>(&item)) return json{{"int", std::to_string(*u)}};
  if (const auto* d = std::get_if<double>(&item)) return json{{"f", buffer::float_repr(*d)}};
  if (const auto* b = std::get_if<bool>(&item)) return *b;
  return json{{"b", to_hex(std::get<buffer::Bytes>(item).span())}};
}

json tree_json(const buffer::ItemTree& tree) {
  if (const auto* item = std::get_if<buffer::Item>(&tree.value)) return item_json(*item);
  json out = json::array();
  for (const auto& t : std::get<std::vector<buffer::ItemTree>>(tree.value)) out.push_back(tree_json(t));
  return out;
}

json ints_json(const std::vector<std::int64_t>& v) { return json(v); }

// An int argument beyond int64, as a Python int: uint64 below 2**64, else its float value.
buffer::Value big_int(const std::string& decimal) {
  if (decimal[0] != '-') {
    errno = 0;
    char* end = nullptr;
    unsigned long long u = std::strtoull(decimal.c_str(), &end, 10);
    if (errno == 0 && *end == '\0') return static_cast<std::uint64_t>(u);
  }
  return buffer::BigInt{std::strtod(decimal.c_str(), nullptr)};
}

class CaseRunner {
 public:
  explicit CaseRunner(const json& src) {
    buffer::Bytes data = from_hex(src.at("hex").get<std::string>());
    std::string kind = src.at("kind").get<std::string>();
    if (kind == "bytes") {
      bytes_ = data;
    } else if (kind == "bytearray") {
      array_ = std::make_shared<buffer::ByteArray>(data.span());
    } else {
      typed_ = std::make_shared<buffer::Array>(src.at("typecode").get<std::string>()[0], data.span());
    }
  }

  json run(const json& op) {
    try {
      return json{{"r", step(op)}};
    } catch (const bl::Exception& e) {
      return json{{"exc", std::string(e.type_name())}, {"msg", e.what()}};
    } catch (const std::exception& e) {
      return json{{"exc", "DriverError"}, {"msg", e.what()}};
    }
  }

  ~CaseRunner() { exports_.clear(); }

 private:
  MemoryView source_view() const {
    if (array_) return MemoryView(*array_);
    if (typed_) return MemoryView(*typed_);
    return MemoryView(bytes_);
  }

  std::string source_type() const {
    if (array_) return "bytearray";
    if (typed_) return "array.array";
    return "bytes";
  }

  const ViewPtr& get(const std::string& name) const {
    auto it = views_.find(name);
    if (it == views_.end()) throw NameError("name '" + name + "' is not defined");
    return it->second;
  }

  // A view name or "src" as an operand: a view of it.
  ViewPtr operand(const std::string& name) const {
    if (name == "src") return std::make_shared<MemoryView>(source_view());
    return get(name);
  }

  buffer::Value value(const json& v) const {
    if (v.is_null()) return buffer::OtherValue{"NoneType", false, std::nullopt};
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_float()) return v.get<double>();
    if (v.contains("int")) return big_int(v["int"].get<std::string>());
    if (v.contains("f")) return std::strtod(v["f"].get<std::string>().c_str(), nullptr);
    if (v.contains("b")) return from_hex(v["b"].get<std::string>());
    if (v.contains("str")) return v["str"].get<std::string>();
    if (v.contains("list")) return buffer::OtherValue{"list", !v["list"].empty(), v["list"].size()};
    if (v.contains("bytearray")) {
      buffer::ByteArray ba(from_hex(v["bytearray"].get<std::string>()).span());
      return buffer::BufferValue{"bytearray", std::make_shared<MemoryView>(ba), ba.size() > 0};
    }
    if (v.contains("view")) {
      const ViewPtr& view = get(v["view"].get<std::string>());
      bool truthy = true;
      try {
        truthy = view->len() != 0;
      } catch (const bl::ValueError&) {
      }
      return buffer::BufferValue{"memoryview", view, truthy};
    }
    throw std::runtime_error("bad value " + v.dump());
  }

  static std::int64_t index(const json& v) {
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number_integer()) return v.get<std::int64_t>();
    throw bl::IndexError("cannot fit 'int' into an index-sized integer");
  }

  // A slice bound: big ints clamp, as _PyEval_SliceIndex does.
  static std::optional<std::int64_t> bound(const json& v) {
    if (v.is_null()) return std::nullopt;
    if (v.is_object()) {
      return v["int"].get<std::string>()[0] == '-' ? std::numeric_limits<std::int64_t>::min()
                                                   : std::numeric_limits<std::int64_t>::max();
    }
    return index(v);
  }

  static buffer::KeyPart key_part(const json& k, bool in_tuple) {
    if (k.is_boolean() || k.is_number_integer() || (k.is_object() && k.contains("int")))
      return index(k);
    if (k.contains("slice")) {
      const json& s = k["slice"];
      return buffer::Slice{bound(s[0]), bound(s[1]), bound(s[2])};
    }
    if (k.contains("ellipsis")) return buffer::Ellipsis{};
    (void)in_tuple;
    return buffer::OtherKey{};
  }

  static buffer::Key key(const json& k) {
    if (k.is_object() && k.contains("tuple")) {
      std::vector<buffer::KeyPart> parts;
      for (const json& p : k["tuple"]) {
        parts.push_back(p.is_object() && p.contains("tuple") ? buffer::KeyPart(buffer::OtherKey{})
                                                             : key_part(p, true));
      }
      return buffer::Key::tuple_of(std::move(parts));
    }
    return buffer::Key::of(key_part(k, false));
  }

  json view_json(const buffer::Subscripted& s) const {
    if (const auto* item = std::get_if<buffer::Item>(&s)) return item_json(*item);
    return "<memory>";
  }

  std::optional<buffer::Shape> shape(const json& s) const {
    if (s.is_null()) return std::nullopt;
    buffer::Shape out;
    if (s.is_object()) {
      out.sequence = false;
      return out;
    }
    for (const json& d : s) out.dims.push_back(value(d));
    return out;
  }

  json attribute(const MemoryView& v, const std::string& name) const {
    if (name == "obj") return (void)v.obj(), json("<src>");
    if (name == "nbytes") return v.nbytes();
    if (name == "readonly") return v.readonly();
    if (name == "itemsize") return v.itemsize();
    if (name == "format") return v.format();
    if (name == "ndim") return v.ndim();
    if (name == "shape") return ints_json(v.shape());
    if (name == "strides") return ints_json(v.strides());
    if (name == "suboffsets") return ints_json(v.suboffsets());
    if (name == "c_contiguous") return v.c_contiguous();
    if (name == "f_contiguous") return v.f_contiguous();
    if (name == "contiguous") return v.contiguous();
    throw std::runtime_error("unknown attribute " + name);
  }

  json hex(const MemoryView& v, const json& op) const {
    std::optional<buffer::Value> sep;
    int per_sep = 1;
    if (op.size() > 3) {
      const json& n = op[3];
      if (n.is_object() && n.contains("f"))
        throw bl::TypeError("'float' object cannot be interpreted as an integer");
      if (!n.is_number_integer() || n.get<std::int64_t>() > INT32_MAX ||
          n.get<std::int64_t>() < INT32_MIN)
        throw bl::OverflowError("Python int too large to convert to C int");
      per_sep = static_cast<int>(n.get<std::int64_t>());
    }
    if (op.size() > 2) sep = value(op[2]);
    return v.hex(sep, per_sep);
  }

  json compare(const ViewPtr& v, const json& op) const {
    const json& other = op[2];
    const std::string how = op[3].get<std::string>();
    ViewPtr w;
    std::string other_type = "list";
    if (other.is_string()) {
      w = operand(other.get<std::string>());
      other_type = other == "src" ? source_type() : "memoryview";
    } else if (other.contains("b")) {
      w = std::make_shared<MemoryView>(from_hex(other["b"].get<std::string>()));
      other_type = "bytes";
    }
    // bytearray compares with any simple (C-contiguous) buffer, so Python's reflected
    // bytearray.__gt__ orders a view and a bytearray source by their bytes.
    if (how == "<" && other == "src" && array_) {
      try {
        buffer::ByteSpan mine = v->span(), theirs = array_->span();
        return std::lexicographical_compare(mine.begin(), mine.end(), theirs.begin(), theirs.end());
      } catch (const bl::Exception&) {
      }
    }
    if (how == "<")
      throw bl::TypeError("'<' not supported between instances of 'memoryview' and '" +
                          other_type + "'");
    bool equal = w && v->equals(*w);
    return how == "==" ? equal : !equal;
  }

  void resize(const std::string& how) {
    if (!array_) return;
    buffer::ByteArray& ba = *array_;
    auto text = [](std::string_view s) {
      return buffer::ByteSpan(reinterpret_cast<const std::byte*>(s.data()), s.size());
    };
    if (how == "append") ba.append(std::byte{0x41});
    else if (how == "extend") ba.extend(text("xy"));
    else if (how == "extend0") ba.extend({});
    else if (how == "clear") ba.clear();
    else if (how == "delslice") ba.erase(0, 1);
    else if (how == "setsame") ba.assign_slice(0, 2, text("ST").first(std::min<std::size_t>(2, ba.size())));
    else if (how == "setgrow") ba.assign_slice(0, 1, text("GRO"));
    else ba.erase(5, 5);
  }

  json step(const json& op) {
    const std::string kind = op[0].get<std::string>();
    if (kind == "view") {
      auto view = std::make_shared<MemoryView>(*operand(op[2].get<std::string>()));
      views_[op[1].get<std::string>()] = view;
      return nullptr;
    }
    if (kind == "cast") {
      auto view = std::make_shared<MemoryView>(
          get(op[2].get<std::string>())->cast(op[3].get<std::string>(), shape(op[4])));
      views_[op[1].get<std::string>()] = view;
      return json::array({view->format(), ints_json(view->shape())});
    }
    if (kind == "subview") {
      buffer::Subscripted s = get(op[2].get<std::string>())->getitem(key(op[3]));
      auto view = std::make_shared<MemoryView>(std::move(std::get<MemoryView>(s)));
      views_[op[1].get<std::string>()] = view;
      return json::array({ints_json(view->shape()), ints_json(view->strides())});
    }
    if (kind == "toreadonly") {
      auto view = std::make_shared<MemoryView>(get(op[2].get<std::string>())->toreadonly());
      views_[op[1].get<std::string>()] = view;
      return nullptr;
    }
    if (kind == "content") return to_hex(source_view().tobytes().span());
    if (kind == "resize") return resize(op[1].get<std::string>()), nullptr;
    const std::string name = op[1].get<std::string>();
    const ViewPtr& v = get(name);
    if (kind == "attr") return attribute(*v, op[2].get<std::string>());
    if (kind == "len") return v->len();
    if (kind == "getitem") return view_json(v->getitem(key(op[2])));
    if (kind == "setitem") {
      buffer::Key k = key(op[2]);
      return v->setitem(k, value(op[3])), nullptr;
    }
    if (kind == "delitem") return v->delitem(key(op[2])), nullptr;
    if (kind == "tolist") return tree_json(v->tolist());
    if (kind == "tobytes") {
      const json& order = op[2];
      if (order.is_number())
        throw bl::TypeError("tobytes() argument 'order' must be str or None, not int");
      return json{{"b", to_hex(v->tobytes(order.is_null() ? "C" : order.get<std::string>()).span())}};
    }
    if (kind == "hex") return hex(*v, op);
    if (kind == "eq") return compare(v, op);
    if (kind == "hash") return v->hash();
    if (kind == "release") return v->release(), nullptr;
    if (kind == "enter") return v->enter(), json("<memory>");
    if (kind == "exit") return v->exit(), nullptr;
    if (kind == "export") return exports_[name].push_back(v->export_buffer()), nullptr;
    if (kind == "unexport") {
      if (!exports_[name].empty()) exports_[name].pop_back();
      return nullptr;
    }
    if (kind == "repr") return v->released() ? "<released memory>" : "<memory>";
    throw std::runtime_error("unknown op " + kind);
  }

  buffer::Bytes bytes_;
  std::shared_ptr<buffer::ByteArray> array_;
  std::shared_ptr<buffer::Array> typed_;
  std::map<std::string, ViewPtr> views_;
  std::map<std::string, std::vector<buffer::ViewExport>> exports_;
};

}  // namespace

int main(int argc, char** argv) {
  return bl::diff::run_case_file(argc, argv, "bl_buffer_driver", [](const json& c) {
    json results = json::array();
    CaseRunner runner(c.at("src"));
    for (const json& op : c.at("ops")) results.push_back(runner.run(op));
    return results;
  });
}
