// Steps of the lib layer: os, os.path and shutil (FORMAT.md "#### os, os.path and shutil"):
// the oscall, path and shutil ops over lib::os, lib::os::path and lib::shutil, on the
// script's traced kernel.
#include <algorithm>

#include "driver.hpp"
#include "lib/os.hpp"
#include "lib/os_path.hpp"
#include "lib/shutil.hpp"

namespace bl::diff {

namespace {

namespace pyos = lib::os;
namespace path = lib::os::path;
namespace shutil = lib::shutil;

// A descriptor an oscall step bound with "as" (cpython_ops_oslib.py keeps the int itself).
class FdObject final : public LibObject {
 public:
  explicit FdObject(os::Fd fd) : fd(fd) {}
  std::string type_name() const override { return "int"; }
  std::string repr(ScriptState&) override { return std::to_string(fd); }
  json call(ScriptState&, std::string_view m, const std::vector<Arg>&, const json&,
            std::optional<Object>&) override {
    no_attribute(type_name(), m);
  }
  os::Fd fd;
};

// --- arguments -----------------------------------------------------------------------------

struct Args {
  ScriptState& st;
  json list;

  std::size_t size() const { return list.size(); }
  const json& at(std::size_t i) const {
    if (i >= list.size()) throw DriverError("driver: missing argument " + std::to_string(i));
    return list[i];
  }
  bool given(std::size_t i) const { return i < list.size(); }

  std::string str(std::size_t i) const {
    const json& v = at(i);
    if (!is_str_value(v)) throw DriverError("driver: argument " + std::to_string(i) + " not a str");
    return to_str(v).to_utf8();
  }
  std::int64_t integer(std::size_t i) const { return index_arg(at(i)); }
  std::optional<std::int64_t> optional_integer(std::size_t i) const {
    if (!given(i) || at(i).is_null()) return std::nullopt;
    return integer(i);
  }
  // {"fd": H} is the descriptor bound to H; an int is itself.
  os::Fd fd(std::size_t i) const {
    const json& v = at(i);
    if (v.is_object() && v.contains("fd")) {
      const Object& o = st.get(v["fd"].get<std::string>());
      auto* lib = std::get_if<std::shared_ptr<LibObject>>(&o);
      auto* fd = lib ? dynamic_cast<FdObject*>(lib->get()) : nullptr;
      if (!fd) throw DriverError("driver: handle is not a descriptor");
      return fd->fd;
    }
    return static_cast<os::Fd>(index_arg(v));
  }
  buffer::Bytes bytes(std::size_t i) const {
    Arg a(at(i));
    if (!a.is_bytes_like()) throw DriverError("driver: argument " + std::to_string(i) + " not bytes");
    return buffer::Bytes(a.bytes());
  }
};

// A descriptor made by the step: recorded for cleanup, bound to "as" when given.
json new_fd(ScriptState& st, os::Fd fd, const json& as) {
  st.fixed_fds.push_back(fd);
  if (as.is_string()) st.put(as.get<std::string>(), std::make_shared<FdObject>(fd));
  return st.fd(fd);
}

// A stat_result as FORMAT.md encodes it: [st_mode, st_size, st_nlink] for a regular file,
// [st_mode, null, null] otherwise (directory sizes and link counts are the file system's).
json stat_value(const pyos::stat_result& s) {
  if (!s.is_regular()) return json::array({s.st_mode, nullptr, nullptr});
  return json::array({s.st_mode, s.st_size, s.st_nlink});
}

json bytes_of(const buffer::Bytes& b) { return bytes_value(b); }

// --- oscall ----------------------------------------------------------------------------------

json oscall(const json& step, ScriptState& st) {
  const std::string fn = step.at("fn").get<std::string>();
  Args a{st, step.value("args", json::array())};
  os::Kernel& k = st.kernel;
  const json as = step.value("as", json());
  if (fn == "open") {
    std::uint32_t mode = a.given(2) ? static_cast<std::uint32_t>(a.integer(2)) : 0777;
    return new_fd(st, pyos::open(k, a.str(0), static_cast<int>(a.integer(1)), mode), as);
  }
  if (fn == "pipe") {
    auto [r, w] = pyos::pipe(k);
    json names = as.is_array() ? as : json::array({nullptr, nullptr});
    return json::array({new_fd(st, r, names[0]), new_fd(st, w, names[1])});
  }
  if (fn == "read") return bytes_of(pyos::read(k, a.fd(0), a.integer(1)));
  if (fn == "pread") return bytes_of(pyos::pread(k, a.fd(0), a.integer(1), a.integer(2)));
  // Arguments are looked up left to right, as Python evaluates them (the first unbound
  // handle is the NameError), so each is taken into a variable before the call.
  if (fn == "write" || fn == "pwrite") {
    const os::Fd fd = a.fd(0);
    const buffer::Bytes data = a.bytes(1);
    if (fn == "write") return pyos::write(k, fd, data.span());
    return pyos::pwrite(k, fd, data.span(), a.integer(2));
  }
  if (fn == "lseek") return pyos::lseek(k, a.fd(0), a.integer(1), static_cast<int>(a.integer(2)));
  if (fn == "close") return pyos::close(k, a.fd(0)), json();
  if (fn == "fsync") return pyos::fsync(k, a.fd(0)), json();
  if (fn == "fdatasync") return pyos::fdatasync(k, a.fd(0)), json();
  if (fn == "ftruncate") return pyos::ftruncate(k, a.fd(0), a.integer(1)), json();
  if (fn == "fstat") return stat_value(pyos::fstat(k, a.fd(0)));
  if (fn == "sendfile" || fn == "copy_file_range") {
    const os::Fd first = a.fd(0), second = a.fd(1);
    if (fn == "sendfile") return pyos::sendfile(k, first, second, a.optional_integer(2), a.integer(3));
    return pyos::copy_file_range(k, first, second, a.integer(2), a.optional_integer(3),
                                 a.optional_integer(4));
  }
  if (fn == "stat") return stat_value(pyos::stat(k, a.str(0)));
  if (fn == "rename") return pyos::rename(k, a.str(0), a.str(1)), json();
  if (fn == "replace") return pyos::replace(k, a.str(0), a.str(1)), json();
  if (fn == "remove") return pyos::remove(k, a.str(0)), json();
  if (fn == "unlink") return pyos::unlink(k, a.str(0)), json();
  if (fn == "chmod") return pyos::chmod(k, a.str(0), static_cast<std::uint32_t>(a.integer(1))), json();
  if (fn == "mkdir") {
    std::uint32_t mode = a.given(1) ? static_cast<std::uint32_t>(a.integer(1)) : 0777;
    return pyos::mkdir(k, a.str(0), mode), json();
  }
  if (fn == "rmdir") return pyos::rmdir(k, a.str(0)), json();
  if (fn == "listdir") {
    auto names = a.given(0) ? pyos::listdir(k, a.str(0)) : pyos::listdir(k);
    std::sort(names.begin(), names.end());
    return names;
  }
  if (fn == "getcwd") return pyos::getcwd(k);
  if (fn == "constant") {
    const std::string name = a.str(0);
    if (auto value = pyos::constant(name)) return *value;
    throw AttributeError("module 'os' has no attribute '" + name + "'");
  }
  throw AttributeError("module 'os' has no attribute '" + fn + "'");
}

// --- path ------------------------------------------------------------------------------------

json path_call(const json& step, ScriptState& st) {
  const std::string fn = step.at("fn").get<std::string>();
  Args a{st, step.value("args", json::array())};
  os::Kernel& k = st.kernel;
  if (fn == "join") {
    std::vector<std::string> parts;
    for (std::size_t i = 1; i < a.size(); ++i) parts.push_back(a.str(i));
    std::vector<std::string_view> views(parts.begin(), parts.end());
    return path::join(a.str(0), std::span<const std::string_view>(views));
  }
  if (fn == "split") {
    auto [head, tail] = path::split(a.str(0));
    return json::array({head, tail});
  }
  if (fn == "dirname") return path::dirname(a.str(0));
  if (fn == "basename") return path::basename(a.str(0));
  if (fn == "isabs") return path::isabs(a.str(0));
  if (fn == "normpath") return path::normpath(a.str(0));
  if (fn == "abspath") return path::abspath(k, a.str(0));
  if (fn == "exists") return path::exists(k, a.str(0));
  if (fn == "isfile") return path::isfile(k, a.str(0));
  if (fn == "isdir") return path::isdir(k, a.str(0));
  if (fn == "getsize") return path::getsize(k, a.str(0));
  if (fn == "samefile") return path::samefile(k, a.str(0), a.str(1));
  throw AttributeError("module 'posixpath' has no attribute '" + fn + "'");
}

// --- shutil ----------------------------------------------------------------------------------

std::shared_ptr<io::IOBase> stream_arg(ScriptState& st, const json& v) {
  if (!v.is_object() || !v.contains("h")) throw DriverError("driver: expected {\"h\": name}");
  const Object& o = st.get(v["h"].get<std::string>());
  auto* io = std::get_if<std::shared_ptr<io::IOBase>>(&o);
  if (!io) throw DriverError("driver: copyfileobj of a non-stream handle");
  return *io;
}

json shutil_call(const json& step, ScriptState& st) {
  const std::string fn = step.at("fn").get<std::string>();
  Args a{st, step.value("args", json::array())};
  const shutil::CopyOptions options{.use_sendfile = step.value("sendfile", true)};
  if (fn == "copyfileobj") {
    auto src = stream_arg(st, a.at(0));
    auto dst = stream_arg(st, a.at(1));
    std::int64_t length = a.given(2) ? a.integer(2) : 0;
    auto* bsrc = dynamic_cast<io::BinaryIOBase*>(src.get());
    auto* bdst = dynamic_cast<io::BinaryIOBase*>(dst.get());
    auto* tsrc = dynamic_cast<io::TextIOBase*>(src.get());
    auto* tdst = dynamic_cast<io::TextIOBase*>(dst.get());
    if (bsrc && bdst) shutil::copyfileobj(*bsrc, *bdst, length);
    else if (tsrc && tdst) shutil::copyfileobj(*tsrc, *tdst, length);
    else throw DriverError("driver: copyfileobj between binary and text streams");
    return nullptr;
  }
  if (fn == "copyfile") return shutil::copyfile(st.kernel, a.str(0), a.str(1), options);
  if (fn == "copy") return shutil::copy(st.kernel, a.str(0), a.str(1), options);
  if (fn == "copymode") return shutil::copymode(st.kernel, a.str(0), a.str(1)), json();
  throw AttributeError("module 'shutil' has no attribute '" + fn + "'");
}

}  // namespace

std::optional<json> run_oslib_op(const json& step, ScriptState& st, json&) {
  const std::string op = step.value("op", "");
  if (op == "oscall") return oscall(step, st);
  if (op == "path") return path_call(step, st);
  if (op == "shutil") return shutil_call(step, st);
  return std::nullopt;
}

}  // namespace bl::diff
