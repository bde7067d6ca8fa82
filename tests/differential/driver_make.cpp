// The constructor steps (open, fileio, bytesio, shortraw, buffered) with CPython's argument
// binding and conversion, and the os.* steps, all on the script's traced kernel.
#include <algorithm>

#include "driver.hpp"
#include "io/buffered.hpp"
#include "io/bytesio.hpp"
#include "io/fileio.hpp"
#include "io/open.hpp"
#include "os/flags.hpp"
#include "short_raw.hpp"

namespace bl::diff {

namespace {

using IOPtr = std::shared_ptr<io::IOBase>;

// --- constructors ------------------------------------------------------------------------

// Binds positional `args` and keywords `kw` to parameter names as a Python signature would.
std::map<std::string, json> bind(const json& args, const json& kw,
                                 const std::vector<std::string>& names, std::string_view fn) {
  std::map<std::string, json> bound;
  if (args.size() > names.size())
    throw TypeError(std::string(fn) + "() takes at most " + std::to_string(names.size()) +
                    " arguments (" + std::to_string(args.size()) + " given)");
  for (std::size_t i = 0; i < args.size(); ++i) bound[names[i]] = args[i];
  for (const auto& [key, value] : kw.items()) {
    if (std::find(names.begin(), names.end(), key) == names.end())
      throw TypeError("'" + key + "' is an invalid keyword argument for " + std::string(fn) + "()");
    if (bound.count(key)) throw DriverError("driver: argument given twice: " + key);
    bound[key] = value;
  }
  return bound;
}

std::string str_arg(const std::map<std::string, json>& a, const std::string& key,
                    std::string_view fn, std::string dflt) {
  auto it = a.find(key);
  if (it == a.end()) return dflt;
  if (!it->second.is_string())
    throw TypeError(std::string(fn) + "() argument '" + key + "' must be str, not " +
                    py_type_name(it->second));
  return it->second.get<std::string>();
}

std::optional<std::string> optional_str_arg(const std::map<std::string, json>& a,
                                            const std::string& key, std::string_view fn) {
  auto it = a.find(key);
  if (it == a.end() || it->second.is_null()) return std::nullopt;
  if (!it->second.is_string())
    throw TypeError(std::string(fn) + "() argument '" + key + "' must be str or None, not " +
                    py_type_name(it->second));
  return it->second.get<std::string>();
}

bool bool_arg(const std::map<std::string, json>& a, const std::string& key, bool dflt) {
  auto it = a.find(key);
  return it == a.end() ? dflt : index_arg(it->second) != 0;
}

void check_opener(const std::map<std::string, json>& a) {
  auto it = a.find("opener");
  if (it != a.end() && !it->second.is_null())
    throw DriverError("driver: opener other than None is not supported");
}

io::Name file_arg(const std::map<std::string, json>& a, std::string_view fn) {
  auto it = a.find("file");
  if (it == a.end())
    throw TypeError(std::string(fn) + "() missing required argument 'file' (pos 1)");
  const json& v = it->second;
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_boolean()) return index_arg(v);
  throw TypeError("expected str, bytes or os.PathLike object, not " + py_type_name(v));
}

IOPtr make_open(ScriptState& st, const json& step) {
  auto a = bind(step.value("args", json::array()), step.value("kw", json::object()),
                {"file", "mode", "buffering", "encoding", "errors", "newline", "closefd", "opener"},
                "open");
  io::OpenOptions options;
  options.mode = str_arg(a, "mode", "open", "r");
  if (a.count("buffering")) options.buffering = index_arg(a["buffering"]);
  options.encoding = optional_str_arg(a, "encoding", "open");
  options.errors = optional_str_arg(a, "errors", "open");
  options.newline = optional_str_arg(a, "newline", "open");
  options.closefd = bool_arg(a, "closefd", true);
  check_opener(a);
  io::Name file = file_arg(a, "open");
  return io::open(st.kernel, std::move(file), std::move(options));
}

std::shared_ptr<io::FileIO> make_fileio(ScriptState& st, const json& args, const json& kw) {
  auto a = bind(args, kw, {"file", "mode", "closefd", "opener"}, "FileIO");
  io::FileIOOptions options;
  options.mode = str_arg(a, "mode", "FileIO", "r");
  options.closefd = bool_arg(a, "closefd", true);
  check_opener(a);
  io::Name file = file_arg(a, "FileIO");
  return std::make_shared<io::FileIO>(st.kernel, std::move(file), std::move(options));
}

IOPtr make_bytesio([[maybe_unused]] ScriptState& st, const json& step) {
  json args = step.value("args", json::array());
  if (args.size() > 1) throw DriverError("driver: BytesIO() takes at most one argument");
  std::vector<std::byte> initial;
  if (!args.empty() && !args[0].is_null()) {
    Arg a(args[0]);
    if (!a.is_bytes_like())
      throw TypeError("a bytes-like object is required, not '" + a.type_name() + "'");
    initial.assign(a.bytes().begin(), a.bytes().end());
  }
  return std::make_shared<io::BytesIO>(buffer::ByteSpan(initial));
}

std::shared_ptr<io::RawIOBase> raw_handle(ScriptState& st, const std::string& h) {
  const Object& o = st.get(h);
  auto* io = std::get_if<IOPtr>(&o);
  auto raw = io ? std::dynamic_pointer_cast<io::RawIOBase>(*io) : nullptr;
  if (!raw) throw DriverError("driver: handle " + h + " is not a raw stream");
  return raw;
}

IOPtr make_buffered(ScriptState& st, const json& step) {
  std::string cls = step.at("cls").get<std::string>();
  std::vector<std::shared_ptr<io::RawIOBase>> raws;
  for (const auto& h : step.at("raw")) raws.push_back(raw_handle(st, h.get<std::string>()));
  json args = step.value("args", json::array());
  json kw = step.value("kw", json::object());
  if (cls == "BufferedRWPair") {
    // BufferedRWPair(reader, writer, buffer_size=DEFAULT_BUFFER_SIZE, /)
    if (!kw.empty()) throw TypeError("BufferedRWPair() takes no keyword arguments");
    std::size_t given = raws.size() + args.size();
    if (given < 2 || given > 3)
      throw TypeError(std::string("BufferedRWPair expected at ") +
                      (given < 2 ? "least 2" : "most 3") + " arguments, got " +
                      std::to_string(given));
    if (raws.size() != 2) throw DriverError("driver: BufferedRWPair needs two raw handles");
    std::int64_t size = args.empty() ? io::DEFAULT_BUFFER_SIZE : index_arg(args[0]);
    return std::make_shared<io::BufferedRWPair>(raws[0], raws[1], size);
  }
  if (cls != "BufferedReader" && cls != "BufferedWriter" && cls != "BufferedRandom")
    throw AttributeError("module 'io' has no attribute '" + cls + "'");
  if (raws.size() != 1) throw DriverError("driver: " + cls + " takes one raw stream");
  json all = json::array({nullptr});
  for (const auto& v : args) all.push_back(v);
  auto a = bind(all, kw, {"raw", "buffer_size"}, cls);
  std::int64_t size =
      a.count("buffer_size") ? index_arg(a["buffer_size"]) : io::DEFAULT_BUFFER_SIZE;
  if (cls == "BufferedReader") return std::make_shared<io::BufferedReader>(raws[0], size);
  if (cls == "BufferedWriter") return std::make_shared<io::BufferedWriter>(raws[0], size);
  return std::make_shared<io::BufferedRandom>(raws[0], size);
}

}  // namespace

std::shared_ptr<io::IOBase> make_stream(const json& step, ScriptState& st) {
  const std::string op = step.value("op", "");
  if (op == "open") return make_open(st, step);
  if (op == "fileio")
    return make_fileio(st, step.value("args", json::array()), step.value("kw", json::object()));
  if (op == "bytesio") return make_bytesio(st, step);
  if (op == "buffered") return make_buffered(st, step);
  // shortraw: ShortRaw(io.FileIO(path, mode), read_cap, write_cap)
  auto f = make_fileio(st, step.at("args"), json::object());
  return std::make_shared<ShortRaw>(f, step.value("read_cap", 0), step.value("write_cap", 0));
}

namespace {

// --- os.* --------------------------------------------------------------------------------

int open_flag(const std::string& name) {
  static const std::map<std::string, int> flags = {
      {"O_RDONLY", os::O::RDONLY}, {"O_WRONLY", os::O::WRONLY},     {"O_RDWR", os::O::RDWR},
      {"O_CREAT", os::O::CREAT},   {"O_EXCL", os::O::EXCL},         {"O_TRUNC", os::O::TRUNC},
      {"O_APPEND", os::O::APPEND}, {"O_NONBLOCK", os::O::NONBLOCK}, {"O_SYNC", os::O::SYNC},
      {"O_DSYNC", os::O::DSYNC},   {"O_CLOEXEC", os::O::CLOEXEC},   {"O_DIRECT", os::O::DIRECT}};
  auto it = flags.find(name);
  if (it == flags.end()) throw AttributeError("module 'os' has no attribute '" + name + "'");
  return it->second;
}

// os.open(path, flags, mode): non-inheritable (O_CLOEXEC) as PEP 446 makes it.
os::Fd os_open(ScriptState& st, const std::string& path, int flags) {
  return st.kernel.open(path, flags | os::O::CLOEXEC, 0666).value_or_raise(path);
}

}  // namespace

json run_os(const json& step, ScriptState& st) {
  std::string fn = step.at("fn").get<std::string>();
  std::string path = step.value("path", "");
  if (fn == "pwrite" || fn == "ftruncate") {
    os::Fd fd = os_open(st, path, os::O::WRONLY);
    os::Result<void> done;
    if (fn == "pwrite") {
      auto data = from_hex(step.at("data").get<std::string>());
      auto n = st.kernel.pwrite(fd, data, step.at("offset").get<std::int64_t>());
      if (!n.ok()) done = n.error();
    } else {
      done = st.kernel.ftruncate(fd, step.at("size").get<std::int64_t>());
    }
    auto closed = st.kernel.close(fd);
    done.value_or_raise();
    closed.value_or_raise();
  } else if (fn == "unlink") {
    st.kernel.unlink(path).value_or_raise(path);
  } else if (fn == "open") {
    int flags = 0;
    for (const auto& name : step.at("flags")) flags |= open_flag(name.get<std::string>());
    os::Fd t = os_open(st, path, flags);
    int target = step.at("fd").get<int>();
    auto duped = st.kernel.dup2(t, target);
    auto closed = st.kernel.close(t);
    (void)std::move(duped).value_or_raise();
    closed.value_or_raise();
    st.fixed_fds.push_back(target);
  } else if (fn == "pipe") {
    // r, w = os.pipe2(flags); os.dup2 both to the fixed numbers; close the originals.
    auto [r, w] = st.kernel.pipe(step.value("nonblock", false) ? os::O::NONBLOCK : 0)
                      .value_or_raise();
    int fixed_r = step.at("r").get<int>(), fixed_w = step.at("w").get<int>();
    auto duped_r = st.kernel.dup2(r, fixed_r);
    std::optional<os::Result<os::Fd>> duped_w;
    if (duped_r.ok()) duped_w = st.kernel.dup2(w, fixed_w);
    auto closed_r = st.kernel.close(r);
    auto closed_w = st.kernel.close(w);
    (void)std::move(duped_r).value_or_raise();
    if (duped_w) (void)std::move(*duped_w).value_or_raise();
    closed_r.value_or_raise();
    closed_w.value_or_raise();
    st.fixed_fds.push_back(fixed_r);
    st.fixed_fds.push_back(fixed_w);
  } else if (fn == "fill") {
    // os.write of 65536 bytes (0x00..0xff repeated) until BlockingIOError; the total.
    static const std::vector<std::byte> chunk = [] {
      std::vector<std::byte> c(65536);
      for (std::size_t k = 0; k < c.size(); ++k) c[k] = static_cast<std::byte>(k & 0xff);
      return c;
    }();
    int fd = step.at("fd").get<int>();
    std::int64_t total = 0;
    for (;;) {
      auto n = st.kernel.write(fd, chunk);
      if (!n.ok() && n.error() == os::Errno::eagain) return total;
      total += static_cast<std::int64_t>(std::move(n).value_or_raise());
    }
  } else if (fn == "drain") {
    std::vector<std::byte> data(step.at("n").get<std::size_t>());
    std::size_t n = st.kernel.read(step.at("fd").get<int>(), data).value_or_raise();
    return json{{"b", to_hex(buffer::ByteSpan(data.data(), n))}};
  } else if (fn == "close") {
    st.kernel.close(step.at("fd").get<int>()).value_or_raise();
  } else {
    throw ValueError("unknown os function '" + fn + "'");
  }
  return nullptr;
}

}  // namespace bl::diff
