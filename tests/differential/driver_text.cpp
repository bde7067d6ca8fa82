// The text layer's steps: TextIOWrapper and StringIO construction with CPython's argument
// checks, their methods (Python's argument conversion, cookies for tell/seek), their attributes
// (get, and set of _CHUNK_SIZE), and Python's str and big ints in FORMAT.md's JSON forms.
#include <algorithm>
#include <charconv>
#include <set>

#include "driver.hpp"
#include "io/stringio.hpp"
#include "io/textio.hpp"

namespace bl::diff {

namespace {

using IOPtr = std::shared_ptr<io::IOBase>;
using TextPtr = std::shared_ptr<io::TextIOBase>;

bool is_surrogate(char32_t c) { return c >= 0xD800 && c <= 0xDFFF; }

// keyword -> value, rejecting names the Python signature does not have.
std::map<std::string, json> bind_keywords(const json& kw, const std::set<std::string>& names,
                                          std::string_view fn) {
  std::map<std::string, json> bound;
  for (const auto& [key, value] : kw.items()) {
    if (!names.count(key))
      throw TypeError(std::string(fn) + "() got an unexpected keyword argument '" + key + "'");
    bound[key] = value;
  }
  return bound;
}

// Argument Clinic's `str(accept={str, NoneType})`.
std::optional<std::string> optional_str(const std::map<std::string, json>& a,
                                        const std::string& key, std::string_view fn) {
  auto it = a.find(key);
  if (it == a.end() || it->second.is_null()) return std::nullopt;
  if (!is_str_value(it->second))
    throw TypeError(std::string(fn) + "() argument '" + key + "' must be str or None, not " +
                    py_type_name(it->second));
  return to_str(it->second).to_utf8();
}

// Argument Clinic's `bool(accept={int})`.
bool int_bool(const std::map<std::string, json>& a, const std::string& key) {
  auto it = a.find(key);
  return it != a.end() && index_arg(it->second) != 0;
}

// --- construction ------------------------------------------------------------------------

IOPtr make_textio(const json& step, ScriptState& st) {
  static const std::vector<std::string> names = {"buffer",  "encoding",       "errors",
                                                 "newline", "line_buffering", "write_through"};
  json args = json::array({nullptr});
  for (const auto& v : step.value("args", json::array())) args.push_back(v);
  if (args.size() > names.size())
    throw TypeError("TextIOWrapper() takes at most 6 arguments (" + std::to_string(args.size()) +
                    " given)");
  std::map<std::string, json> a;
  for (std::size_t i = 1; i < args.size(); ++i) a[names[i]] = args[i];
  const json kw = step.value("kw", json::object());
  for (const auto& [key, value] : kw.items()) {
    if (std::find(names.begin() + 1, names.end(), key) == names.end())
      throw TypeError("'" + key + "' is an invalid keyword argument for TextIOWrapper()");
    a[key] = value;
  }
  const std::string h = step.at("buffer").get<std::string>();
  const Object& object = st.get(h);
  auto* io = std::get_if<IOPtr>(&object);
  auto buffer = io ? std::dynamic_pointer_cast<io::BinaryIOBase>(*io) : nullptr;
  if (!buffer) throw DriverError("driver: handle " + h + " is not a binary stream");
  io::TextIOWrapperOptions options;
  options.encoding = optional_str(a, "encoding", "TextIOWrapper");
  options.errors = optional_str(a, "errors", "TextIOWrapper");
  options.newline = optional_str(a, "newline", "TextIOWrapper");
  options.line_buffering = int_bool(a, "line_buffering");
  options.write_through = int_bool(a, "write_through");
  return std::make_shared<io::TextIOWrapper>(buffer, std::move(options));
}

// StringIO(initial_value='', newline='\n'): the newline's type, then its value (the
// constructor), then the initial value's type, as stringio.c checks them.
IOPtr make_stringio(const json& step) {
  json args = step.value("args", json::array());
  if (args.size() > 2)
    throw TypeError("StringIO() takes at most 2 arguments (" + std::to_string(args.size()) +
                    " given)");
  std::map<std::string, json> a;
  if (!args.empty()) a["initial_value"] = args[0];
  if (args.size() > 1) a["newline"] = args[1];
  const json kw = step.value("kw", json::object());
  for (const auto& [key, value] : kw.items()) {
    if (key != "initial_value" && key != "newline")
      throw TypeError("'" + key + "' is an invalid keyword argument for StringIO()");
    a[key] = value;
  }
  std::optional<std::string> newline = std::string("\n");
  if (a.count("newline")) {
    const json& v = a["newline"];
    if (v.is_null()) {
      newline.reset();
    } else if (is_str_value(v)) {
      newline = to_str(v).to_utf8();
    } else {
      throw TypeError("newline must be str or None, not " + py_type_name(v));
    }
  }
  const json initial = a.count("initial_value") ? a["initial_value"] : json("");
  if (!initial.is_null() && !is_str_value(initial)) {
    io::StringIO check(codecs::Str(), newline);
    throw TypeError("initial_value must be str or None, not " + py_type_name(initial));
  }
  return std::make_shared<io::StringIO>(initial.is_null() ? codecs::Str() : to_str(initial),
                                        newline);
}

// --- values ------------------------------------------------------------------------------

json newlines_value(const io::Newlines& newlines) {
  if (newlines.empty()) return nullptr;
  if (newlines.size() == 1) return newlines[0];
  return newlines;  // a tuple
}

json optional_str_value(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}

json lines_value(const std::vector<codecs::Str>& lines) {
  json out = json::array();
  for (const auto& line : lines) out.push_back(str_value(line));
  return out;
}

json cookie_value(const io::TextCookie& cookie) { return int_value(cookie.to_decimal()); }


void expect_args(const std::vector<Arg>& args, std::size_t lo, std::size_t hi, std::string_view m) {
  if (args.size() < lo || args.size() > hi)
    throw DriverError("driver: unsupported argument count for " + std::string(m) + "()");
}

// --- methods -----------------------------------------------------------------------------

// What TextIOWrapper and StringIO do not have, of the methods the scripts call.
const std::set<std::string_view> kNotText = {"read1",   "readinto", "readinto1",
                                             "readall", "peek",     "getbuffer"};

std::vector<codecs::Str> str_list(const Arg& a) {
  const json& v = a.value();
  if (!v.is_array()) throw DriverError("driver: writelines of a non-list is not supported");
  std::vector<codecs::Str> lines;
  for (const auto& item : v) {
    if (!is_str_value(item)) throw DriverError("driver: writelines of non-str is not supported");
    lines.push_back(to_str(item));
  }
  return lines;
}

io::Reconfigure reconfigure_arg(const json& kw) {
  auto a = bind_keywords(kw, {"encoding", "errors", "newline", "line_buffering", "write_through"},
                         "reconfigure");
  io::Reconfigure r;
  r.encoding = optional_str(a, "encoding", "reconfigure");
  r.errors = optional_str(a, "errors", "reconfigure");
  if (a.count("newline")) r.newline = optional_str(a, "newline", "reconfigure");
  for (auto [key, field] : {std::pair{"line_buffering", &r.line_buffering},
                            std::pair{"write_through", &r.write_through}}) {
    auto it = a.find(key);
    if (it != a.end() && !it->second.is_null()) *field = index_arg(it->second) != 0;
  }
  return r;
}

json call_wrapper_only(TextCall& c, io::TextIOWrapper& w) {
  const std::string_view m = c.m;
  if (m == "reconfigure") {
    // reconfigure(*, encoding, errors, newline, line_buffering, write_through)
    const std::size_t given = c.args.size() + c.kw.size();
    if (given > 5)
      throw TypeError("reconfigure() takes at most 5 arguments (" + std::to_string(given) +
                      " given)");
    if (!c.args.empty()) throw TypeError("reconfigure() takes no positional arguments");
    w.reconfigure(reconfigure_arg(c.kw));
    return nullptr;
  }
  if (m == "tell") {
    expect_args(c.args, 0, 0, m);
    return cookie_value(w.tell_cookie());
  }
  if (m == "seek") {
    expect_args(c.args, 1, 2, m);
    auto whence = c.args.size() > 1 ? index_arg(c.args[1].value()) : 0;
    const json& v = c.args[0].value();
    if (v.is_object() && v.contains("int")) {  // a cookie beyond int64
      io::TextCookie cookie = io::TextCookie::from_decimal(v["int"].get<std::string>());
      return cookie_value(w.seek_cookie(cookie, static_cast<int>(whence)));
    }
    return cookie_value(w.seek_cookie(index_arg(v), static_cast<int>(whence)));
  }
  if (m == "detach") {
    expect_args(c.args, 0, 0, m);
    IOPtr buffer = w.detach();
    c.returned = buffer;
    return json{{"obj", c.st.repr_of(buffer)}};
  }
  throw DriverError("driver: unsupported method " + std::string(m));
}

json call_stringio_only(TextCall& c, io::StringIO& s) {
  const std::string_view m = c.m;
  if (m == "reconfigure") no_attribute(s.type_name(), m);
  if (m == "tell") {
    expect_args(c.args, 0, 0, m);
    return s.tell();
  }
  if (m == "seek") {
    expect_args(c.args, 1, 2, m);
    std::int64_t pos = index_arg(c.args[0].value());
    auto whence = c.args.size() > 1 ? index_arg(c.args[1].value()) : 0;
    return s.seek(pos, static_cast<int>(whence));
  }
  if (m == "detach") {
    expect_args(c.args, 0, 0, m);
    s.detach();
    throw DriverError("driver: StringIO.detach did not raise");
  }
  throw DriverError("driver: unsupported method " + std::string(m));
}

// write(s): a str, checked before anything else.
json call_write(TextCall& c, bool wrapper) {
  expect_args(c.args, 1, 1, c.m);
  const Arg& a = c.args[0];
  if (!a.is_str()) {
    if (wrapper) throw TypeError("write() argument must be str, not " + a.type_name());
    throw TypeError("string argument expected, got '" + a.type_name() + "'");
  }
  return c.obj->write(a.str());
}

json call_lines(TextCall& c, bool wrapper) {
  const std::string_view m = c.m;
  expect_args(c.args, 0, 1, m);
  const json none = nullptr;
  const json& v = c.args.empty() ? none : c.args[0].value();
  if (m == "read") return str_value(c.obj->read(optional_index_arg(v, -1)));
  if (m == "readline") {
    // TextIOWrapper.readline(size=-1) takes a plain Py_ssize_t; StringIO's accepts None.
    if (c.args.empty()) return str_value(c.obj->readline());
    return str_value(c.obj->readline(wrapper ? index_arg(v) : optional_index_arg(v, -1)));
  }
  return lines_value(c.obj->readlines(optional_index_arg(v, -1)));
}

json call_common(TextCall& c, bool wrapper) {
  const std::string_view m = c.m;
  io::TextIOBase& o = *c.obj;
  if (m == "read" || m == "readline" || m == "readlines") return call_lines(c, wrapper);
  if (m == "write") return call_write(c, wrapper);
  if (m == "writelines") {
    expect_args(c.args, 1, 1, m);
    o.writelines(str_list(c.args[0]));
    return nullptr;
  }
  if (m == "truncate") {
    expect_args(c.args, 0, 1, m);
    std::optional<std::int64_t> size;
    if (!c.args.empty() && !c.args[0].is_none()) size = index_arg(c.args[0].value());
    return o.truncate(size);
  }
  expect_args(c.args, 0, 0, m);
  if (m == "flush") return o.flush(), nullptr;
  if (m == "close") return o.close(), nullptr;
  if (m == "readable") return o.readable();
  if (m == "writable") return o.writable();
  if (m == "seekable") return o.seekable();
  if (m == "isatty") return o.isatty();
  if (m == "fileno") return c.st.fd(o.fileno());
  if (m == "getvalue") {
    auto* s = dynamic_cast<io::StringIO*>(&o);
    if (!s) no_attribute(o.type_name(), m);
    return str_value(s->getvalue());
  }
  throw DriverError("driver: unsupported method " + std::string(m));
}

const std::set<std::string_view> kCommon = {
    "read",  "readline", "readlines", "write",    "writelines", "truncate", "flush",
    "close", "readable", "writable",  "seekable", "isatty",     "fileno",   "getvalue"};

// --- attributes --------------------------------------------------------------------------

json wrapper_attribute(ScriptState& st, io::TextIOWrapper& w, const std::string& attr) {
  if (attr == "line_buffering") return w.line_buffering();
  if (attr == "write_through") return w.write_through();
  if (attr == "_CHUNK_SIZE") return w.chunk_size();
  if (attr == "buffer") {
    const auto& buffer = w.buffer();
    if (!buffer) return nullptr;
    return json{{"obj", st.repr_of(IOPtr(buffer))}};
  }
  if (attr == "name") {
    io::Name name = w.name();
    if (const auto* fd = std::get_if<std::int64_t>(&name)) return st.fd(*fd);
    return std::get<std::string>(name);
  }
  if (attr == "mode") return w.mode();
  no_attribute(w.type_name(), attr);
}

}  // namespace

// --- str and int values --------------------------------------------------------------------

json str_value(const codecs::Str& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!is_surrogate(s[i])) continue;
    json points = json::array();
    for (std::size_t k = 0; k < s.size(); ++k) points.push_back(static_cast<std::uint32_t>(s[k]));
    return json{{"s", points}};
  }
  return s.to_utf8();
}

bool is_str_value(const json& v) { return v.is_string() || (v.is_object() && v.contains("s")); }

codecs::Str to_str(const json& v) {
  if (v.is_string()) return codecs::Str::from_utf8(v.get_ref<const std::string&>());
  if (!is_str_value(v)) throw DriverError("driver: not a str value: " + v.dump());
  std::u32string points;
  for (const auto& c : v["s"]) points.push_back(static_cast<char32_t>(c.get<std::uint32_t>()));
  return codecs::Str::from_code_points(points);
}

json int_value(const std::string& decimal) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(decimal.data(), decimal.data() + decimal.size(), n);
  if (ec == std::errc() && end == decimal.data() + decimal.size()) return n;
  return json{{"int", decimal}};
}

json resolve_refs(const json& v, const ScriptState& st) {
  if (v.is_array()) {
    json out = json::array();
    for (const auto& x : v) out.push_back(resolve_refs(x, st));
    return out;
  }
  if (!v.is_object() || !v.contains("result_of")) return v;
  const std::int64_t i = v["result_of"].get<std::int64_t>();
  if (i < 0 || i >= static_cast<std::int64_t>(st.results.size()) ||
      !st.results[static_cast<std::size_t>(i)].contains("r"))
    throw NameError("step " + std::to_string(i) + " has no result");
  return resolve_refs(st.results[static_cast<std::size_t>(i)]["r"], st);
}

// --- steps ---------------------------------------------------------------------------------

std::shared_ptr<io::IOBase> make_text_stream(const json& step, ScriptState& st) {
  if (step.value("op", "") == "textio") return make_textio(step, st);
  return make_stringio(step);
}

json call_text(TextCall& c) {
  const std::string_view m = c.m;
  if (kNotText.count(m)) no_attribute(c.obj->type_name(), m);
  if (m != "reconfigure" && !c.kw.empty())
    throw DriverError("driver: keyword arguments to " + std::string(m) + " are not supported");
  auto* wrapper = dynamic_cast<io::TextIOWrapper*>(c.obj.get());
  if (kCommon.count(m)) return call_common(c, wrapper != nullptr);
  if (wrapper) return call_wrapper_only(c, *wrapper);
  if (auto* s = dynamic_cast<io::StringIO*>(c.obj.get())) return call_stringio_only(c, *s);
  throw DriverError("driver: unsupported text class " + std::string(c.obj->type_name()));
}

json next_text(io::TextIOBase& o) { return str_value(o.next()); }

json get_text_attribute(ScriptState& st, io::TextIOBase& o, const std::string& attr) {
  if (attr == "closed") return o.closed();
  if (attr == "encoding") return optional_str_value(o.encoding());
  if (attr == "errors") return optional_str_value(o.errors());
  if (attr == "newlines") return newlines_value(o.newlines());
  if (auto* w = dynamic_cast<io::TextIOWrapper*>(&o)) return wrapper_attribute(st, *w, attr);
  auto* s = dynamic_cast<io::StringIO*>(&o);
  if (s && attr == "line_buffering") return s->line_buffering();
  no_attribute(o.type_name(), attr);
}

void set_attribute(const Object& object, const std::string& attr, const json& value) {
  auto* io = std::get_if<IOPtr>(&object);
  auto* w = io ? dynamic_cast<io::TextIOWrapper*>(io->get()) : nullptr;
  if (!w || attr != "_CHUNK_SIZE")
    throw DriverError("driver: setting " + attr + " is modeled for TextIOWrapper._CHUNK_SIZE only");
  w->set_chunk_size(index_arg(value));
}

}  // namespace bl::diff
