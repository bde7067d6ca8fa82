// Steps of the lib layer: mmap (FORMAT.md "#### mmap"): the mmap and mmapview ops, and the
// mmap object's methods, attributes, items, len and context manager, with CPython 3.11's
// argument conversion (Modules/mmapmodule.c's PyArg_Parse formats).
#include <algorithm>
#include <climits>
#include <set>

#include "driver.hpp"
#include "lib/mmap.hpp"

namespace bl::diff {

namespace {

// FORMAT.md: a str argument naming mmap constants, alone or joined by '|', is their value.
json with_constants(const json& v) {
  static const std::map<std::string, int, std::less<>> names = {
      {"ACCESS_DEFAULT", lib::ACCESS_DEFAULT}, {"ACCESS_READ", lib::ACCESS_READ},
      {"ACCESS_WRITE", lib::ACCESS_WRITE},     {"ACCESS_COPY", lib::ACCESS_COPY},
      {"MAP_SHARED", os::MAP::SHARED},         {"MAP_PRIVATE", os::MAP::PRIVATE},
      {"MAP_ANONYMOUS", os::MAP::ANONYMOUS},   {"PROT_READ", os::PROT::READ},
      {"PROT_WRITE", os::PROT::WRITE},         {"PROT_EXEC", os::PROT::EXEC},
      {"PAGESIZE", static_cast<int>(os::PAGESIZE)},
      {"ALLOCATIONGRANULARITY", static_cast<int>(lib::ALLOCATIONGRANULARITY)}};
  if (!v.is_string()) return v;
  std::string_view text = v.get_ref<const std::string&>();
  int value = 0;
  for (std::size_t at = 0; at <= text.size();) {
    std::size_t bar = std::min(text.find('|', at), text.size());
    auto it = names.find(text.substr(at, bar - at));
    if (it == names.end()) return v;
    value |= it->second;
    at = bar + 1;
  }
  return value;
}

// PyArg's "i": an index that fits a C int.
int int_arg(const json& v) {
  std::int64_t n = index_arg(v);
  if (n > INT_MAX) throw OverflowError("signed integer is greater than maximum");
  if (n < INT_MIN) throw OverflowError("signed integer is less than minimum");
  return static_cast<int>(n);
}

std::string plural(std::size_t n) { return n == 1 ? " argument" : " arguments"; }

// METH_VARARGS argument counts, with PyArg_ParseTuple's messages.
void expect_count(const std::vector<Arg>& args, std::size_t lo, std::size_t hi,
                  std::string_view m) {
  const std::string name(m);
  if (lo == hi && args.size() != lo) {
    throw TypeError(name + "() takes exactly " + std::to_string(lo) + plural(lo) + " (" +
                    std::to_string(args.size()) + " given)");
  }
  if (args.size() < lo) {
    throw TypeError(name + "() takes at least " + std::to_string(lo) + plural(lo) + " (" +
                    std::to_string(args.size()) + " given)");
  }
  if (args.size() > hi) {
    throw TypeError(name + "() takes at most " + std::to_string(hi) + plural(hi) + " (" +
                    std::to_string(args.size()) + " given)");
  }
}

// PyArg's "y*": any bytes-like object.
buffer::ByteSpan bytes_arg(const Arg& a) {
  if (!a.is_bytes_like()) {
    throw TypeError("a bytes-like object is required, not '" + a.type_name() + "'");
  }
  return a.bytes();
}

std::optional<std::int64_t> optional_int(const std::vector<Arg>& args, std::size_t i) {
  if (i >= args.size()) return std::nullopt;
  return index_arg(args[i].value());
}

// A subscript: an int (or bool), a slice, or anything else (nullopt).
using Key = std::variant<std::int64_t, lib::Slice>;
std::optional<Key> key_of(const json& key) {
  if (key.is_number_integer() || key.is_boolean()) return index_arg(key);
  if (!key.is_object() || !key.contains("slice")) return std::nullopt;
  lib::Slice s;
  std::optional<std::int64_t>* parts[] = {&s.start, &s.stop, &s.step};
  for (std::size_t i = 0; i < 3; ++i) {
    const json& part = key["slice"].at(i);
    if (!part.is_null()) *parts[i] = index_arg(part);
  }
  return s;
}

class MmapObject final : public LibObject {
 public:
  explicit MmapObject(std::unique_ptr<lib::Mmap> m) : m_(std::move(m)) {}

  lib::Mmap& mmap() { return *m_; }
  std::string type_name() const override { return "mmap.mmap"; }
  std::string repr(ScriptState&) override { return m_->repr(); }

  json call(ScriptState& st, std::string_view m, const std::vector<Arg>& args, const json& kw,
            std::optional<Object>&) override {
    static const std::set<std::string_view> methods = {
        "close", "read",  "read_byte", "readline", "write", "write_byte", "seek", "tell",
        "find",  "rfind", "size",      "resize",   "move",  "flush",      "madvise"};
    if (!methods.count(m)) no_attribute(type_name(), m);
    if (!kw.empty()) throw TypeError(std::string(m) + "() takes no keyword arguments");
    if (m == "close") {
      expect_count(args, 0, 0, m);
      m_->close();
      return nullptr;
    }
    m_->check_valid();  // before the arguments, as every other method
    return call_open(st, m, args);
  }

  json get(ScriptState& st, const std::string& attr) override {
    if (attr == "closed") return m_->closed();
    return LibObject::get(st, attr);
  }

  json getitem(ScriptState&, const json& key) override {
    auto k = key_of(key);
    if (!k) {
      m_->check_valid();
      throw TypeError("mmap indices must be integers");
    }
    if (const auto* i = std::get_if<std::int64_t>(&*k)) return m_->getitem(*i);
    return bytes_value(m_->getitem(std::get<lib::Slice>(*k)));
  }

  void setitem(ScriptState&, const json& key, const Arg& value) override {
    auto k = key_of(key);
    if (!k) {
      m_->check_valid();
      m_->check_writable();
      throw TypeError("mmap indices must be integer");
    }
    if (const auto* i = std::get_if<std::int64_t>(&*k)) {
      m_->index_for_store(*i);
      const json& v = value.value();
      if (!v.is_number_integer() && !v.is_boolean()) {
        throw TypeError("mmap item value must be an int");
      }
      m_->setitem(*i, index_arg(v));
      return;
    }
    const auto& slice = std::get<lib::Slice>(*k);
    m_->slice_for_store(slice);
    m_->setitem(slice, bytes_arg(value));
  }

  json len(ScriptState&) override { return m_->len(); }

  json enter(ScriptState& st) override {
    m_->enter();
    return json{{"obj", st.rename_names(m_->repr())}};
  }

  json exit(ScriptState&) override {
    m_->exit();
    return nullptr;
  }

  void cleanup() override {
    try {
      m_->close();
    } catch (const Exception&) {
    }
  }

 private:
  json call_open(ScriptState&, std::string_view m, const std::vector<Arg>& args) {
    if (m == "read") {
      expect_count(args, 0, 1, m);
      if (args.empty() || args[0].is_none()) return bytes_value(m_->read());
      return bytes_value(m_->read(optional_index_arg(args[0].value(), -1)));
    }
    if (m == "write") {
      expect_count(args, 1, 1, m);
      return m_->write(bytes_arg(args[0]));
    }
    if (m == "write_byte") {
      expect_count(args, 1, 1, m);
      m_->write_byte(index_arg(args[0].value()));
      return nullptr;
    }
    if (m == "seek") {
      expect_count(args, 1, 2, m);
      std::int64_t pos = index_arg(args[0].value());
      m_->seek(pos, args.size() > 1 ? int_arg(args[1].value()) : 0);
      return nullptr;
    }
    if (m == "find" || m == "rfind") {
      expect_count(args, 1, 3, m);
      auto sub = bytes_arg(args[0]);
      auto start = optional_int(args, 1), end = optional_int(args, 2);
      return m == "find" ? m_->find(sub, start, end) : m_->rfind(sub, start, end);
    }
    if (m == "move") {
      expect_count(args, 3, 3, m);
      m_->move(index_arg(args[0].value()), index_arg(args[1].value()),
               index_arg(args[2].value()));
      return nullptr;
    }
    if (m == "flush") {
      expect_count(args, 0, 2, m);
      m_->flush(optional_int(args, 0).value_or(0), optional_int(args, 1));
      return nullptr;
    }
    if (m == "resize") {
      expect_count(args, 1, 1, m);
      m_->resize(index_arg(args[0].value()));
      return nullptr;
    }
    expect_count(args, 0, 0, m);
    if (m == "read_byte") return m_->read_byte();
    if (m == "readline") return bytes_value(m_->readline());
    if (m == "tell") return m_->tell();
    if (m == "size") return m_->size();
    throw DriverError("driver: mmap." + std::string(m) + " is not modeled");
  }

  std::unique_ptr<lib::Mmap> m_;
};

// The descriptor of an mmap step: "fd" as given, or fileno() of the handle "file".
int fileno_of(const json& step, ScriptState& st) {
  if (!step.contains("file")) return int_arg(step.at("fd"));
  const Object& object = st.get(step["file"].get<std::string>());
  const auto* io = std::get_if<std::shared_ptr<io::IOBase>>(&object);
  if (!io) throw DriverError("driver: mmap of a handle that is not an io object");
  return static_cast<int>((*io)->fileno());
}

// mmap.mmap(fileno, length, flags=MAP_SHARED, prot=PROT_WRITE|PROT_READ,
//           access=ACCESS_DEFAULT, offset=0): PyArg "in|iiiL" with keywords.
json make_mmap(const json& step, ScriptState& st) {
  static const char* const keywords[] = {"fileno", "length", "flags", "prot", "access", "offset"};
  int fileno = fileno_of(step, st);
  std::vector<std::optional<json>> given(6);
  given[0] = fileno;
  const json args = resolve_refs(step.value("args", json::array()), st);
  const json kw = resolve_refs(step.value("kw", json::object()), st);
  if (args.size() > 5) {
    throw TypeError("function takes at most 6 arguments (" + std::to_string(args.size() + 1) +
                    " given)");
  }
  for (std::size_t i = 0; i < args.size(); ++i) given[i + 1] = with_constants(args[i]);
  for (const auto& [name, value] : kw.items()) {
    auto it = std::find(std::begin(keywords), std::end(keywords), name);
    if (it == std::end(keywords)) {
      throw TypeError("'" + name + "' is an invalid keyword argument for this function");
    }
    given[static_cast<std::size_t>(it - std::begin(keywords))] = with_constants(value);
  }
  if (!given[1]) throw TypeError("function missing required argument 'length' (pos 2)");
  std::int64_t length = index_arg(*given[1]);
  lib::MmapOptions o;
  if (given[2]) o.flags = int_arg(*given[2]);
  if (given[3]) o.prot = int_arg(*given[3]);
  if (given[4]) o.access = int_arg(*given[4]);
  if (given[5]) o.offset = index_arg(*given[5]);
  auto object = std::make_shared<MmapObject>(
      std::make_unique<lib::Mmap>(st.kernel, fileno, length, o));
  st.put(step.at("h").get<std::string>(), object);
  return object->repr(st);
}

// memoryview(M) of an mmap handle.
json make_view(const json& step, ScriptState& st) {
  const Object& object = st.get(step.at("mmap").get<std::string>());
  const auto* lib = std::get_if<std::shared_ptr<LibObject>>(&object);
  auto* m = lib ? dynamic_cast<MmapObject*>(lib->get()) : nullptr;
  if (!m) throw DriverError("driver: mmapview of a handle that is not an mmap");
  auto view = std::make_shared<buffer::MemoryView>(m->mmap().memoryview());
  st.put(step.at("h").get<std::string>(), view);
  return st.repr_of(view);
}

}  // namespace

std::optional<json> run_mmap_op(const json& step, ScriptState& st, json&) {
  const std::string op = step.value("op", "");
  if (op == "mmap") return make_mmap(step, st);
  if (op == "mmapview") return make_view(step, st);
  return std::nullopt;
}

}  // namespace bl::diff
