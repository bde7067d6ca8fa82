// One step of a script, as cpython_driver.py's run_step: constructors with CPython's argument
// conversion, method lookup (AttributeError for what the Python class lacks), method calls
// with Python's argument conversion, attribute gets, and the os.* helpers.
#include <set>

#include "driver.hpp"
#include "io/buffered.hpp"
#include "io/bytesio.hpp"
#include "io/fileio.hpp"
#include "short_raw.hpp"

namespace bl::diff {

namespace {

using IOPtr = std::shared_ptr<io::IOBase>;
using ViewPtr = std::shared_ptr<buffer::MemoryView>;

// The Python class of a stream, for method lookup and argument conversion.
enum class Kind { fileio, reader, writer, random, rwpair, bytesio, shortraw, other };

Kind kind_of(const io::IOBase& o) {
  if (dynamic_cast<const io::FileIO*>(&o)) return Kind::fileio;
  if (dynamic_cast<const io::BufferedReader*>(&o)) return Kind::reader;
  if (dynamic_cast<const io::BufferedWriter*>(&o)) return Kind::writer;
  if (dynamic_cast<const io::BufferedRandom*>(&o)) return Kind::random;
  if (dynamic_cast<const io::BufferedRWPair*>(&o)) return Kind::rwpair;
  if (dynamic_cast<const ShortRaw*>(&o)) return Kind::shortraw;
  if (dynamic_cast<const io::BytesIO*>(&o)) return Kind::bytesio;
  return Kind::other;
}

// The byte-level methods of a binary stream (every stream the driver makes so far).
io::BinaryIOBase& binary(const IOPtr& obj) { return dynamic_cast<io::BinaryIOBase&>(*obj); }

bool is_raw(Kind k) { return k == Kind::fileio || k == Kind::shortraw; }
bool is_buffered(Kind k) { return k == Kind::reader || k == Kind::writer || k == Kind::random; }
bool is_buffered_base(Kind k) { return is_buffered(k) || k == Kind::rwpair || k == Kind::bytesio; }

// Methods of IOBase that every stream class has.
const std::set<std::string_view> kCommonMethods = {
    "seek",     "tell",   "truncate", "flush",    "close",     "seekable",  "readable",
    "writable", "fileno", "isatty",   "readline", "readlines", "writelines"};
// Methods the driver models that only some classes have, and memoryview's.
const std::set<std::string_view> kOtherMethods = {"read",     "readall",   "readinto", "write",
                                                  "read1",    "readinto1", "detach",   "peek",
                                                  "getvalue", "getbuffer"};
const std::set<std::string_view> kViewMethods = {"tobytes", "release", "tolist", "hex", "cast"};

// Whether the Python class has the method (read, write and peek: the library decides).
bool has_method(Kind k, std::string_view m) {
  if (kCommonMethods.count(m) || m == "read" || m == "write" || m == "peek") return true;
  if (m == "readinto") return is_raw(k) || is_buffered_base(k);
  if (m == "readall") return is_raw(k);
  if (m == "read1" || m == "readinto1" || m == "detach") return is_buffered_base(k);
  if (m == "getvalue" || m == "getbuffer") return k == Kind::bytesio;
  return false;
}

json optional_int(std::optional<std::int64_t> n) { return n ? json(*n) : json(nullptr); }
json optional_bytes(const std::optional<buffer::Bytes>& b) {
  return b ? bytes_value(*b) : json(nullptr);
}

void expect_args(const std::vector<Arg>& args, std::size_t lo, std::size_t hi, std::string_view m) {
  if (args.size() < lo || args.size() > hi)
    throw DriverError("driver: unsupported argument count for " + std::string(m) + "()");
}

// --- method calls ------------------------------------------------------------------------

struct Call {
  ScriptState& st;
  IOPtr obj;
  Kind kind;
  std::string_view m;
  const std::vector<Arg>& args;
  const json& kw;
  std::optional<Object> returned;  // an object result, for "as"
};

// read(size) / read1(size): None is -1 where CPython accepts it, a TypeError where it parses
// a plain Py_ssize_t, and ignored where the method is BufferedIOBase's UnsupportedOperation.
std::int64_t size_arg(const Call& c, bool none_ok, std::int64_t dflt = -1) {
  expect_args(c.args, 0, 1, c.m);
  if (c.args.empty()) return dflt;
  if (none_ok) return optional_index_arg(c.args[0].value(), dflt);
  return index_arg(c.args[0].value());
}

json call_write(Call& c) {
  expect_args(c.args, 1, 1, c.m);
  const Arg& a = c.args[0];
  if (a.is_bytes_like()) return optional_int(binary(c.obj).write(a.bytes()));
  if (c.kind == Kind::reader) {  // BufferedIOBase.write(*args): no argument parsing
    binary(c.obj).write({});
    throw DriverError("driver: BufferedReader.write did not raise");
  }
  // BytesIO.write checks closed and exports before it asks for the buffer; write(b'') makes
  // the same checks and changes nothing.
  if (c.kind == Kind::bytesio) binary(c.obj).write({});
  std::string prefix = c.kind == Kind::shortraw ? "memoryview: " : "";
  throw TypeError(prefix + "a bytes-like object is required, not '" + a.type_name() + "'");
}

json call_readinto(Call& c) {
  expect_args(c.args, 1, 1, c.m);
  if (!c.args[0].is_writable_buffer())
    throw DriverError("driver: readinto of a " + c.args[0].type_name() + " is not supported");
  auto span = c.args[0].mutable_bytes();
  if (c.m == "readinto") {
    if (auto raw = std::dynamic_pointer_cast<io::RawIOBase>(c.obj))
      return optional_int(raw->readinto(span));
    return optional_int(std::dynamic_pointer_cast<io::BufferedIOBase>(c.obj)->readinto(span));
  }
  return optional_int(std::dynamic_pointer_cast<io::BufferedIOBase>(c.obj)->readinto1(span));
}

json call_lines(Call& c) {
  std::int64_t hint = size_arg(c, true);
  std::vector<buffer::Bytes> lines;
  lines = binary(c.obj).readlines(hint);
  json out = json::array();
  for (const auto& line : lines) out.push_back(bytes_value(line));
  return out;
}

json call_writelines(Call& c) {
  expect_args(c.args, 1, 1, c.m);
  const json& v = c.args[0].value();
  if (!v.is_array()) throw DriverError("driver: writelines of a non-list is not supported");
  std::vector<buffer::Bytes> lines;
  for (const auto& item : v) {
    Arg a(item);
    if (!a.is_bytes_like()) throw DriverError("driver: writelines of non-bytes is not supported");
    lines.emplace_back(a.bytes());
  }
  binary(c.obj).writelines(lines);
  return nullptr;
}

json call_bytesio([[maybe_unused]] Call& c) {
  expect_args(c.args, 0, 0, c.m);
  auto b = std::dynamic_pointer_cast<io::BytesIO>(c.obj);
  if (c.m == "getvalue") return bytes_value(b->getvalue());
  auto view = std::make_shared<buffer::MemoryView>(b->getbuffer());
  c.returned = view;
  return json{{"obj", c.st.repr_of(view)}};
}

json call_io(Call& c) {
  const std::string_view m = c.m;
  if (auto text = std::dynamic_pointer_cast<io::TextIOBase>(c.obj)) {
    TextCall t{c.st, text, m, c.args, c.kw, std::nullopt};
    json r = call_text(t);
    c.returned = std::move(t.returned);
    return r;
  }
  if (!c.kw.empty())
    throw DriverError("driver: keyword arguments to " + std::string(m) + " are not supported");
  if (kViewMethods.count(m)) no_attribute(c.obj->type_name(), m);
  if (!kCommonMethods.count(m) && !kOtherMethods.count(m))
    throw DriverError("driver: unsupported method " + std::string(m));
  if (!has_method(c.kind, m)) no_attribute(c.obj->type_name(), m);
  io::BinaryIOBase& o = binary(c.obj);
  if (m == "read") {
    std::int64_t n = c.kind == Kind::writer ? -1 : size_arg(c, c.kind != Kind::shortraw);
    return optional_bytes(o.read(n));
  }
  if (m == "read1") {
    std::int64_t n = c.kind == Kind::writer ? -1 : size_arg(c, c.kind == Kind::bytesio);
    return bytes_value(std::dynamic_pointer_cast<io::BufferedIOBase>(c.obj)->read1(n));
  }
  if (m == "peek") {
    if (!o.has_peek()) {
      o.peek(0);
      throw DriverError("driver: peek did not raise");
    }
    return bytes_value(o.peek(size_arg(c, false, 0)));
  }
  if (m == "readinto" || m == "readinto1") return call_readinto(c);
  if (m == "readline") return bytes_value(o.readline(size_arg(c, true)));
  if (m == "readlines") return call_lines(c);
  if (m == "write") return call_write(c);
  if (m == "writelines") return call_writelines(c);
  if (m == "seek") {
    expect_args(c.args, 1, 2, m);
    std::int64_t offset = index_arg(c.args[0].value());
    auto whence = c.args.size() > 1 ? index_arg(c.args[1].value()) : 0;
    return o.seek(offset, static_cast<int>(whence));
  }
  if (m == "truncate") {
    expect_args(c.args, 0, 1, m);
    std::optional<std::int64_t> size;
    if (!c.args.empty() && !c.args[0].is_none()) size = index_arg(c.args[0].value());
    return o.truncate(size);
  }
  if (m == "getvalue" || m == "getbuffer") return call_bytesio(c);
  expect_args(c.args, 0, 0, m);
  if (m == "tell") return o.tell();
  if (m == "flush") return o.flush(), nullptr;
  if (m == "close") return o.close(), nullptr;
  if (m == "readable") return o.readable();
  if (m == "writable") return o.writable();
  if (m == "seekable") return o.seekable();
  if (m == "isatty") return o.isatty();
  if (m == "fileno") return c.st.fd(o.fileno());
  if (m == "readall")
    return optional_bytes(std::dynamic_pointer_cast<io::RawIOBase>(c.obj)->readall());
  if (m == "detach") {
    auto raw = std::dynamic_pointer_cast<io::BufferedIOBase>(c.obj)->detach();
    c.returned = IOPtr(raw);
    return json{{"obj", c.st.repr_of(IOPtr(raw))}};
  }
  throw DriverError("driver: unsupported method " + std::string(m));
}

json call_view(Call& c, const ViewPtr& view) {
  if (c.m == "tobytes" || c.m == "tolist" || c.m == "hex" || c.m == "cast" ||
      c.m == "toreadonly") {
    expect_args(c.args, 0, 2, c.m);
    return call_memoryview(c.st, view, c.m, c.args, c.returned);
  }
  if (c.m == "release") {
    expect_args(c.args, 0, 0, c.m);
    view->release();
    return nullptr;
  }
  if (kCommonMethods.count(c.m) || kOtherMethods.count(c.m)) no_attribute("memoryview", c.m);
  throw DriverError("driver: unsupported memoryview method " + std::string(c.m));
}

json get_attribute(ScriptState& st, const Object& object, const std::string& attr) {
  static const std::set<std::string_view> binary = {"closed", "name", "mode", "raw", "closefd"};
  static const std::set<std::string_view> text = {
      "encoding", "errors", "newlines", "line_buffering", "buffer", "write_through", "_CHUNK_SIZE"};
  if (!binary.count(attr) && !text.count(attr))
    throw DriverError("driver: unsupported attribute " + attr);
  auto* io = std::get_if<IOPtr>(&object);
  if (!io) no_attribute("memoryview", attr);
  if (auto* t = dynamic_cast<io::TextIOBase*>(io->get())) return get_text_attribute(st, *t, attr);
  if (text.count(attr)) no_attribute((*io)->type_name(), attr);
  io::IOBase& o = **io;
  Kind kind = kind_of(o);
  if (attr == "closed") return o.closed();
  if (attr == "name") {
    io::Name name = o.name();
    if (const auto* fd = std::get_if<std::int64_t>(&name)) return st.fd(*fd);
    return std::get<std::string>(name);
  }
  if (attr == "mode") return o.mode();
  if (attr == "closefd") {
    if (kind != Kind::fileio) no_attribute(o.type_name(), attr);
    return static_cast<io::FileIO&>(o).closefd();
  }
  if (!is_buffered(kind)) no_attribute(o.type_name(), attr);
  const auto& raw = static_cast<io::Buffered&>(o).raw();
  if (!raw) return nullptr;
  return json{{"obj", st.repr_of(IOPtr(raw))}};
}

}  // namespace

json call_stream(ScriptState& st, const std::shared_ptr<io::IOBase>& obj, std::string_view m,
                 const std::vector<Arg>& args, const json& kw, std::optional<Object>& returned) {
  Call c{st, obj, kind_of(*obj), m, args, kw, std::nullopt};
  json r = call_io(c);
  returned = std::move(c.returned);
  return r;
}

json get_stream_attribute(ScriptState& st, const std::shared_ptr<io::IOBase>& obj,
                          const std::string& attr) {
  return get_attribute(st, Object(obj), attr);
}

namespace {

// --- steps -------------------------------------------------------------------------------

json run_call(const json& step, ScriptState& st, json& out) {
  Object object = st.get(step.at("h").get<std::string>());
  std::vector<Arg> args;
  for (const auto& v : resolve_refs(step.value("args", json::array()), st)) args.emplace_back(v);
  const json kw = resolve_refs(step.value("kw", json::object()), st);
  const std::string m = step.at("m").get<std::string>();
  const Arg* bufarg = nullptr;
  for (const auto& a : args) {
    if (a.is_writable_buffer()) {
      bufarg = &a;
      break;
    }
  }
  IOPtr io;
  if (auto* p = std::get_if<IOPtr>(&object)) io = *p;
  Call c{st, io, io ? kind_of(*io) : Kind::other, m, args, kw, std::nullopt};
  json r;
  try {
    if (auto* lib = std::get_if<std::shared_ptr<LibObject>>(&object)) {
      r = (*lib)->call(st, m, args, kw, c.returned);
    } else if (io) {
      r = call_io(c);
    } else {
      if (!kw.empty())
        throw DriverError("driver: keyword arguments to memoryview methods are not supported");
      r = call_view(c, std::get<ViewPtr>(object));
    }
  } catch (...) {
    if (bufarg) out["buf"] = to_hex(bufarg->bytes());
    throw;
  }
  if (bufarg) out["buf"] = to_hex(bufarg->bytes());
  if (step.contains("as")) {
    if (!c.returned) throw DriverError("driver: 'as' with a result that is not an object");
    st.put(step["as"].get<std::string>(), *c.returned);
  }
  return r;
}

// A generic step on a lib object (FORMAT.md: get, set, repr, next, enter, exit, getitem,
// setitem, len).
json run_lib_object_op(const std::string& op, const json& step, LibObject& obj, ScriptState& st) {
  if (op == "get") return obj.get(st, step.at("attr").get<std::string>());
  if (op == "repr") return obj.repr(st);
  if (op == "next") return obj.next(st);
  if (op == "enter") return obj.enter(st);
  if (op == "exit") return obj.exit(st);
  if (op == "getitem") return obj.getitem(st, resolve_refs(step.at("key"), st));
  if (op == "setitem") {
    obj.setitem(st, resolve_refs(step.at("key"), st), Arg(resolve_refs(step.at("value"), st)));
    return nullptr;
  }
  if (op == "len") return obj.len(st);
  if (op == "release") no_attribute(obj.type_name(), "release");
  throw DriverError("driver: op '" + op + "' on a " + obj.type_name() + " is not supported");
}

json run_op(const json& step, ScriptState& st, json& out) {
  const std::string op = step.value("op", "");
  if (op == "textio" || op == "stringio") {
    IOPtr obj = make_text_stream(step, st);
    st.put(step.at("h").get<std::string>(), obj);
    return st.repr_of(obj);
  }
  if (op == "open" || op == "fileio" || op == "bytesio" || op == "buffered" || op == "shortraw") {
    IOPtr obj = make_stream(step, st);
    st.put(step.at("h").get<std::string>(), obj);
    if (op == "shortraw") return nullptr;
    return st.repr_of(obj);
  }
  if (op == "call") return run_call(step, st, out);
  if (op == "os") {
    return run_os(step, st);
  }
  if (auto r = run_memoryview_op(step, st, out)) return *r;
  if (auto r = run_lib_op(step, st, out)) return *r;
  const Object& object = st.get(step.at("h").get<std::string>());
  if (const auto* lib = std::get_if<std::shared_ptr<LibObject>>(&object)) {
    return run_lib_object_op(op, step, **lib, st);
  }
  if (op == "get") return get_attribute(st, object, step.at("attr").get<std::string>());
  if (op == "set") {
    set_attribute(object, step.at("attr").get<std::string>(), resolve_refs(step.at("value"), st));
    return nullptr;
  }
  if (op == "repr") return st.repr_of(object);
  const auto* io = std::get_if<IOPtr>(&object);
  const auto* view = std::get_if<ViewPtr>(&object);
  if (op == "next") {
    if (view) throw TypeError("'memoryview' object is not an iterator");
    if (auto* text = dynamic_cast<io::TextIOBase*>(io->get())) return next_text(*text);
    return bytes_value(binary(*io).next());
  }
  if (op == "enter") {
    if (io) {
      (*io)->enter();
    } else if ((*view)->released()) {
      throw ValueError("operation forbidden on released memoryview object");
    }
    return json{{"obj", st.repr_of(object)}};
  }
  if (op == "exit") {
    if (io) (*io)->exit();
    if (view) (*view)->release();
    return nullptr;
  }
  if (op == "release") {
    if (io) no_attribute((*io)->type_name(), "release");
    (*view)->release();
    return nullptr;
  }
  throw ValueError("unknown op '" + op + "'");
}

}  // namespace

json run_step(const json& step, ScriptState& st) {
  json out = json::object();
  start_collecting_warnings();
  try {
    out["r"] = run_op(step, st, out);
  } catch (const Exception& e) {
    put_exception(out, st, e);
  } catch (const std::bad_alloc&) {
    put_exception(out, st, MemoryError(""));
  } catch (const std::exception& e) {
    put_exception(out, st, DriverError(std::string("driver: C++ exception: ") + e.what()));
  }
  auto warnings = take_warnings();
  if (!warnings.empty()) out["warn"] = warnings;
  return out;
}

}  // namespace bl::diff
