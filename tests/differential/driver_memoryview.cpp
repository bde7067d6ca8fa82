// Steps of the lib layer: memoryview (FORMAT.md, "#### memoryview"): memoryview(obj) of a
// handle or a value, subscripts, len and attributes of memoryview handles, and the methods
// call_view (driver_ops.cpp) hands over: tolist, hex, cast, toreadonly, tobytes(order).
#include <limits>

#include "buffer/float_repr.hpp"
#include "driver.hpp"

namespace bl::diff {

namespace {

using ViewPtr = std::shared_ptr<buffer::MemoryView>;

json item_value(const buffer::Item& item) {
  if (const auto* i = std::get_if<std::int64_t>(&item)) return *i;
  if (const auto* u = std::get_if<std::uint64_t>(&item)) return json{{"int", std::to_string(*u)}};
  if (const auto* d = std::get_if<double>(&item)) return buffer::float_repr(*d);
  if (const auto* b = std::get_if<bool>(&item)) return *b;
  return bytes_value(std::get<buffer::Bytes>(item));
}

json tree_value(const buffer::ItemTree& tree) {
  if (const auto* item = std::get_if<buffer::Item>(&tree.value)) return item_value(*item);
  json out = json::array();
  for (const auto& t : std::get<std::vector<buffer::ItemTree>>(tree.value))
    out.push_back(tree_value(t));
  return out;
}

// A script value as a Python object offered to a memoryview.
buffer::Value script_value(const json& v) {
  if (v.is_null()) return buffer::OtherValue{"NoneType", false, std::nullopt};
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (is_str_value(v)) return to_str(v).to_utf8();
  if (v.is_array()) return buffer::OtherValue{"list", !v.empty(), v.size()};
  if (v.contains("int")) {
    const std::string digits = v["int"].get<std::string>();
    if (digits[0] != '-' && digits.size() <= 20) {
      try {
        std::size_t used = 0;
        unsigned long long u = std::stoull(digits, &used);
        if (used == digits.size()) return static_cast<std::uint64_t>(u);
      } catch (const std::out_of_range&) {
      }
    }
    return buffer::BigInt{std::strtod(digits.c_str(), nullptr)};
  }
  Arg arg(v);
  if (arg.is_bytes()) return buffer::Bytes(arg.bytes());
  auto array = std::make_shared<buffer::ByteArray>(arg.bytes());
  return buffer::BufferValue{py_type_name(v), std::make_shared<buffer::MemoryView>(*array),
                             !array->span().empty()};
}

std::optional<std::int64_t> slice_bound(const json& v) {
  if (v.is_null()) return std::nullopt;
  if (v.is_object()) {
    return v["int"].get<std::string>()[0] == '-' ? std::numeric_limits<std::int64_t>::min()
                                                 : std::numeric_limits<std::int64_t>::max();
  }
  return index_arg(v);
}

buffer::KeyPart key_part(const json& k) {
  if (k.is_boolean() || k.is_number_integer()) return index_arg(k);
  if (k.is_object() && k.contains("int"))
    throw IndexError("cannot fit 'int' into an index-sized integer");
  if (k.is_object() && k.contains("slice")) {
    const json& s = k["slice"];
    return buffer::Slice{slice_bound(s[0]), slice_bound(s[1]), slice_bound(s[2])};
  }
  return buffer::OtherKey{};
}

buffer::Key view_key(const json& k) {
  if (k.is_object() && k.contains("tuple")) {
    std::vector<buffer::KeyPart> parts;
    for (const json& p : k["tuple"]) parts.push_back(key_part(p));
    return buffer::Key::tuple_of(std::move(parts));
  }
  return buffer::Key::of(key_part(k));
}

json view_attribute(ScriptState& st, const ViewPtr& v, const std::string& attr) {
  if (attr == "obj") {
    (void)v->obj();
    throw DriverError("driver: memoryview.obj is not modelled in steps");
  }
  if (attr == "nbytes") return v->nbytes();
  if (attr == "readonly") return v->readonly();
  if (attr == "itemsize") return v->itemsize();
  if (attr == "format") return v->format();
  if (attr == "ndim") return v->ndim();
  if (attr == "shape") return v->shape();
  if (attr == "strides") return v->strides();
  if (attr == "suboffsets") return v->suboffsets();
  if (attr == "c_contiguous") return v->c_contiguous();
  if (attr == "f_contiguous") return v->f_contiguous();
  if (attr == "contiguous") return v->contiguous();
  (void)st;
  no_attribute("memoryview", attr);
}

// memoryview(x): x a handle ({"h": H}: a memoryview; an mmap handle would export its Storage
// here once the mmap driver offers one) or a bytes-like value.
ViewPtr make_view(const json& of, ScriptState& st) {
  if (of.is_object() && of.contains("h")) {
    const Object& object = st.get(of["h"].get<std::string>());
    if (const auto* view = std::get_if<ViewPtr>(&object)) return std::make_shared<buffer::MemoryView>(**view);
    throw TypeError("memoryview: a bytes-like object is required, not '" +
                    std::string(std::get_if<std::shared_ptr<io::IOBase>>(&object)
                                    ? (*std::get_if<std::shared_ptr<io::IOBase>>(&object))->type_name()
                                    : std::get<std::shared_ptr<LibObject>>(object)->type_name()) +
                    "'");
  }
  buffer::Value value = script_value(of);
  if (const auto* b = std::get_if<buffer::Bytes>(&value)) return std::make_shared<buffer::MemoryView>(*b);
  if (auto* b = std::get_if<buffer::BufferValue>(&value)) return b->view;
  throw TypeError("memoryview: a bytes-like object is required, not '" + buffer::type_name(value) +
                  "'");
}

}  // namespace

json call_memoryview(ScriptState& st, const std::shared_ptr<buffer::MemoryView>& view,
                     std::string_view m, const std::vector<Arg>& args,
                     std::optional<Object>& returned) {
  auto result_view = [&](buffer::MemoryView v) {
    auto p = std::make_shared<buffer::MemoryView>(std::move(v));
    returned = p;
    return json{{"obj", st.repr_of(p)}};
  };
  if (m == "tolist") return tree_value(view->tolist());
  if (m == "toreadonly") return result_view(view->toreadonly());
  if (m == "tobytes") {
    if (args.empty() || args[0].is_none()) return bytes_value(view->tobytes());
    if (!args[0].is_str())
      throw TypeError("tobytes() argument 'order' must be str or None, not '" +
                      args[0].type_name() + "'");
    return bytes_value(view->tobytes(args[0].str().to_utf8()));
  }
  if (m == "hex") {
    int per_sep = args.size() > 1 ? static_cast<int>(index_arg(args[1].value())) : 1;
    std::optional<buffer::Value> sep;
    if (!args.empty()) sep = script_value(args[0].value());
    return view->hex(sep, per_sep);
  }
  if (m == "cast") {
    if (args.empty() || !args[0].is_str())
      throw DriverError("driver: cast needs a str format");
    std::optional<buffer::Shape> shape;
    if (args.size() > 1) {
      shape.emplace();
      const json& s = args[1].value();
      if (s.is_array()) {
        for (const json& d : s) shape->dims.push_back(script_value(d));
      } else {
        shape->sequence = false;
      }
    }
    return result_view(view->cast(args[0].str().to_utf8(), shape));
  }
  throw DriverError("driver: unsupported memoryview method " + std::string(m));
}

std::optional<json> run_memoryview_op(const json& step, ScriptState& st, json&) {
  const std::string op = step.value("op", "");
  if (op == "memoryview") {
    ViewPtr view = make_view(resolve_refs(step.at("of"), st), st);
    st.put(step.at("h").get<std::string>(), view);
    return json(st.repr_of(view));
  }
  if (op != "getitem" && op != "setitem" && op != "len" && op != "get") return std::nullopt;
  const Object& object = st.get(step.at("h").get<std::string>());
  const auto* view = std::get_if<ViewPtr>(&object);
  if (!view) return std::nullopt;
  if (op == "len") return json((*view)->len());
  if (op == "get") return view_attribute(st, *view, step.at("attr").get<std::string>());
  buffer::Key key = view_key(resolve_refs(step.at("key"), st));
  if (op == "setitem") {
    (*view)->setitem(key, script_value(resolve_refs(step.at("value"), st)));
    return json(nullptr);
  }
  buffer::Subscripted r = (*view)->getitem(key);
  if (const auto* item = std::get_if<buffer::Item>(&r)) return item_value(*item);
  if (auto* sub = std::get_if<buffer::MemoryView>(&r)) {
    return json{{"obj", st.repr_of(std::make_shared<buffer::MemoryView>(std::move(*sub)))}};
  }
  return json{{"obj", st.repr_of(object)}};
}

}  // namespace bl::diff
