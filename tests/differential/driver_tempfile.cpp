// Steps of the lib layer: tempfile (FORMAT.md "#### tempfile"): the tempfile op, and the
// objects it makes that are not plain io streams: _TemporaryFileWrapper,
// SpooledTemporaryFile and TemporaryDirectory. What those forward to their file goes through
// the driver's own io call and get machinery (call_stream, get_stream_attribute).
#include <algorithm>
#include <set>

#include "driver.hpp"
#include "io/open.hpp"
#include "lib/spooled.hpp"
#include "lib/tempfile.hpp"

namespace bl::diff {

namespace {

using IOPtr = std::shared_ptr<io::IOBase>;
using TempfilePtr = std::shared_ptr<lib::Tempfile>;

// The tempfile module of a script (its name sequence and cached tempdir), kept under a handle
// no script can name, so that it lives exactly as long as the script's objects.
constexpr const char* kModuleHandle = "\x01tempfile";

class ModuleObject final : public LibObject {
 public:
  explicit ModuleObject(os::Kernel& kernel) : tempfile(std::make_shared<lib::Tempfile>(kernel)) {}
  std::string type_name() const override { return "module"; }
  std::string repr(ScriptState&) override { return "<module 'tempfile'>"; }
  json call(ScriptState&, std::string_view m, const std::vector<Arg>&, const json&,
            std::optional<Object>&) override {
    no_attribute(type_name(), m);
  }
  TempfilePtr tempfile;
};

TempfilePtr module_of(ScriptState& st) {
  if (!st.handles.count(kModuleHandle))
    st.put(kModuleHandle, std::make_shared<ModuleObject>(st.kernel));
  auto& lib = std::get<std::shared_ptr<LibObject>>(st.handles.at(kModuleHandle));
  return static_cast<ModuleObject&>(*lib).tempfile;
}

// --- arguments -----------------------------------------------------------------------------

// Python's binding of positional and keyword arguments to a signature's parameter names (the
// keyword-only ones last, after `positional` of them).
std::map<std::string, json> bind_arguments(std::string_view fn, const std::vector<std::string>& names,
                                 std::size_t positional, const json& args, const json& kw) {
  if (args.size() > positional)
    throw DriverError("driver: too many positional arguments to " + std::string(fn));
  std::map<std::string, json> bound;
  for (std::size_t i = 0; i < args.size(); ++i) bound[names[i]] = args[i];
  for (const auto& [key, value] : kw.items()) {
    if (std::find(names.begin(), names.end(), key) == names.end() || bound.count(key))
      throw DriverError("driver: unsupported argument " + key + " of " + std::string(fn));
    bound[key] = value;
  }
  return bound;
}

std::optional<std::string> opt_str(const std::map<std::string, json>& a, const std::string& k) {
  auto it = a.find(k);
  if (it == a.end() || it->second.is_null()) return std::nullopt;
  if (!it->second.is_string()) throw DriverError("driver: " + k + " must be a str or None");
  return it->second.get<std::string>();
}

std::string str_or(const std::map<std::string, json>& a, const std::string& k,
                   const std::string& dflt) {
  return opt_str(a, k).value_or(dflt);
}

std::int64_t int_or(const std::map<std::string, json>& a, const std::string& k,
                    std::int64_t dflt) {
  auto it = a.find(k);
  return it == a.end() ? dflt : index_arg(it->second);
}

bool bool_or(const std::map<std::string, json>& a, const std::string& k, bool dflt) {
  auto it = a.find(k);
  if (it == a.end()) return dflt;
  if (!it->second.is_boolean()) throw DriverError("driver: " + k + " must be a bool");
  return it->second.get<bool>();
}

void no_kw(std::string_view m, const json& kw) {
  if (!kw.empty())
    throw DriverError("driver: keyword arguments to " + std::string(m) + " are not supported");
}

void expect_count(const std::vector<Arg>& args, std::size_t lo, std::size_t hi,
                  std::string_view m) {
  if (args.size() < lo || args.size() > hi)
    throw DriverError("driver: unsupported argument count for " + std::string(m) + "()");
}

// --- _TemporaryFileWrapper ---------------------------------------------------------------

class WrapperObject final : public LibObject {
 public:
  explicit WrapperObject(std::shared_ptr<lib::TemporaryFileWrapper> w) : w_(std::move(w)) {}
  std::string type_name() const override { return "_TemporaryFileWrapper"; }
  std::string repr(ScriptState&) override { return w_->repr(); }

  json call(ScriptState& st, std::string_view m, const std::vector<Arg>& args, const json& kw,
            std::optional<Object>& returned) override {
    if (m == "close") {
      no_kw(m, kw);
      expect_count(args, 0, 0, m);
      w_->close();
      return nullptr;
    }
    return call_stream(st, w_->file(), m, args, kw, returned);
  }

  // __getattr__ forwards to the file and keeps what is not an int (so `newlines` and `mode`
  // stay as first seen, `closed` does not).
  json get(ScriptState& st, const std::string& attr) override {
    if (attr == "name") return w_->name();
    if (attr == "delete") return w_->delete_();
    if (attr == "file") return json{{"obj", st.repr_of(w_->file())}};
    if (auto it = cache_.find(attr); it != cache_.end()) return it->second;
    json value = get_stream_attribute(st, w_->file(), attr);
    if (!value.is_number_integer() && !value.is_boolean()) cache_[attr] = value;
    return value;
  }

  json enter(ScriptState& st) override {
    w_->enter();
    return json{{"obj", repr(st)}};
  }
  json exit(ScriptState&) override {
    w_->exit();
    return nullptr;
  }
  void cleanup() override { w_->close(); }

 private:
  std::shared_ptr<lib::TemporaryFileWrapper> w_;
  std::map<std::string, json> cache_;
};

// --- SpooledTemporaryFile ----------------------------------------------------------------

class SpooledObject final : public LibObject {
 public:
  SpooledObject(TempfilePtr module, std::shared_ptr<lib::SpooledTemporaryFile> f)
      : module_(std::move(module)), f_(std::move(f)) {}
  std::string type_name() const override { return "SpooledTemporaryFile"; }
  std::string repr(ScriptState&) override { return "<tempfile.SpooledTemporaryFile object>"; }

  json call(ScriptState& st, std::string_view m, const std::vector<Arg>& args, const json& kw,
            std::optional<Object>& returned) override {
    // The methods the 3.11 class defines that only forward to _file.
    static const std::set<std::string_view> forwarded = {
        "flush", "isatty",   "readable",  "read",     "read1", "readinto", "readinto1",
        "readline", "readlines", "seekable", "seek", "tell",  "writable", "detach"};
    no_kw(m, kw);
    if (forwarded.count(m)) return call_stream(st, f_->file(), m, args, kw, returned);
    if (m == "write" || m == "writelines") return write(st, m, args, returned);
    if (m == "truncate") {
      expect_count(args, 0, 1, m);
      if (args.empty() || args[0].is_none()) return f_->truncate();
      return f_->truncate(index_arg(args[0].value()));
    }
    expect_count(args, 0, 0, m);
    if (m == "fileno") return st.fd(f_->fileno());
    if (m == "rollover") return f_->rollover(), nullptr;
    if (m == "close") return f_->close(), nullptr;
    no_attribute(type_name(), m);
  }

  json get(ScriptState& st, const std::string& attr) override {
    if (attr == "closed") return f_->closed();
    if (attr == "_rolled") return f_->rolled();
    if (attr == "mode") return f_->mode();
    if (attr == "_file") return json{{"obj", st.repr_of(f_->file())}};
    if (attr == "name") {
      auto name = f_->name_attribute();
      if (!name) return nullptr;
      if (auto* fd = std::get_if<std::int64_t>(&*name)) return st.fd(*fd);
      return std::get<std::string>(*name);
    }
    if (attr == "encoding" || attr == "errors" || attr == "newlines")
      return get_stream_attribute(st, f_->file(), attr);
    return LibObject::get(st, attr);
  }

  // IOBase.__next__: readline(), StopIteration when it is empty.
  json next(ScriptState& st) override {
    std::optional<Object> ignored;
    json line = call_stream(st, f_->file(), "readline", {}, json::object(), ignored);
    if ((line.is_string() && line.get<std::string>().empty()) ||
        (line.is_object() && line.contains("b") && line["b"].get<std::string>().empty()))
      throw StopIteration("");
    return line;
  }

  json enter(ScriptState& st) override {
    f_->enter();
    return json{{"obj", repr(st)}};
  }
  json exit(ScriptState&) override {
    f_->exit();
    return nullptr;
  }
  void cleanup() override { f_->close(); }

 private:
  // write/writelines of the spool's own kind go to the spool (and its rollover check);
  // anything else to the file, which raises Python's TypeError.
  json write(ScriptState& st, std::string_view m, const std::vector<Arg>& args,
             std::optional<Object>& returned) {
    expect_count(args, 1, 1, m);
    const bool text = dynamic_cast<io::TextIOBase*>(f_->file().get()) != nullptr;
    if (m == "write") {
      if (text && args[0].is_str()) return f_->write(args[0].str());
      if (!text && args[0].is_bytes_like()) {
        io::IntOrNone written = f_->write(args[0].bytes());
        return written ? json(*written) : json(nullptr);
      }
    } else if (args[0].value().is_array()) {
      std::vector<Arg> items;
      bool all_match = true;
      for (const auto& v : args[0].value()) {
        items.emplace_back(v);
        all_match &= text ? items.back().is_str() : items.back().is_bytes_like();
      }
      if (all_match) return writelines(items, text);
    }
    return call_stream(st, f_->file(), m, args, json::object(), returned);
  }

  json writelines(const std::vector<Arg>& items, bool text) {
    if (text) {
      std::vector<codecs::Str> lines;
      for (const auto& a : items) lines.push_back(a.str());
      f_->writelines(lines);
    } else {
      std::vector<buffer::Bytes> lines;
      for (const auto& a : items) lines.emplace_back(a.bytes());
      f_->writelines(lines);
    }
    return nullptr;
  }

  TempfilePtr module_;  // keeps the module alive for rollover()
  std::shared_ptr<lib::SpooledTemporaryFile> f_;
};

// --- TemporaryDirectory ------------------------------------------------------------------

class DirectoryObject final : public LibObject {
 public:
  explicit DirectoryObject(std::unique_ptr<lib::TemporaryDirectory> d) : d_(std::move(d)) {}
  std::string type_name() const override { return "TemporaryDirectory"; }
  std::string repr(ScriptState&) override { return d_->repr(); }

  json call(ScriptState&, std::string_view m, const std::vector<Arg>& args, const json& kw,
            std::optional<Object>&) override {
    if (m != "cleanup") no_attribute(type_name(), m);
    no_kw(m, kw);
    expect_count(args, 0, 0, m);
    d_->cleanup();
    return nullptr;
  }
  json get(ScriptState& st, const std::string& attr) override {
    if (attr == "name") return d_->name();
    return LibObject::get(st, attr);
  }
  json enter(ScriptState&) override { return d_->enter(); }
  json exit(ScriptState&) override {
    d_->exit();
    return nullptr;
  }
  void cleanup() override { d_->cleanup(); }

 private:
  std::unique_ptr<lib::TemporaryDirectory> d_;
};

// --- the tempfile op -----------------------------------------------------------------------

const std::vector<std::string> kFileParams = {"mode",   "buffering", "encoding", "newline",
                                              "suffix", "prefix",    "dir",      "errors"};

lib::TemporaryFileOptions file_options(const std::map<std::string, json>& a) {
  return {.mode = str_or(a, "mode", "w+b"), .buffering = int_or(a, "buffering", -1),
          .encoding = opt_str(a, "encoding"), .newline = opt_str(a, "newline"),
          .suffix = opt_str(a, "suffix"), .prefix = opt_str(a, "prefix"),
          .dir = opt_str(a, "dir"), .errors = opt_str(a, "errors")};
}

// mkstemp: [fd, path]; with "h", the descriptor becomes H = open(fd, mode), else it is closed
// at the end of the script.
json run_mkstemp(const json& step, ScriptState& st, const std::map<std::string, json>& a) {
  auto [fd, path] = module_of(st)->mkstemp({.suffix = opt_str(a, "suffix"),
                                            .prefix = opt_str(a, "prefix"),
                                            .dir = opt_str(a, "dir"),
                                            .text = bool_or(a, "text", false)});
  json r = json::array({st.fd(fd), path});
  if (!step.contains("h")) {
    st.fixed_fds.push_back(fd);
    return r;
  }
  IOPtr f;
  try {
    f = io::open(st.kernel, io::Name{std::int64_t{fd}}, {.mode = step.value("mode", "rb+")});
  } catch (...) {
    (void)st.kernel.close(fd);
    throw;
  }
  st.put(step["h"].get<std::string>(), f);
  return r;
}

json run_tempfile(const json& step, ScriptState& st) {
  const std::string fn = step.at("fn").get<std::string>();
  const json args = resolve_refs(step.value("args", json::array()), st);
  const json given = step.value("kw", json::object());
  json kw = json::object();  // resolve_refs does not look inside objects
  for (const auto& [key, value] : given.items()) kw[key] = resolve_refs(value, st);
  TempfilePtr module = module_of(st);
  if (fn == "gettempdir" || fn == "gettempprefix") {
    bind_arguments(fn, {}, 0, args, kw);
    return fn == "gettempdir" ? module->gettempdir() : lib::Tempfile::gettempprefix();
  }
  if (fn == "mkstemp")
    return run_mkstemp(step, st, bind_arguments(fn, {"suffix", "prefix", "dir", "text"}, 4, args, kw));
  if (fn == "mkdtemp") {
    auto a = bind_arguments(fn, {"suffix", "prefix", "dir"}, 3, args, kw);
    return module->mkdtemp(
        {.suffix = opt_str(a, "suffix"), .prefix = opt_str(a, "prefix"), .dir = opt_str(a, "dir")});
  }
  const std::string h = step.at("h").get<std::string>();
  Object made;
  if (fn == "TemporaryFile") {
    made = module->TemporaryFile(file_options(bind_arguments(fn, kFileParams, 7, args, kw)));
  } else if (fn == "NamedTemporaryFile") {
    auto names = kFileParams;
    names.insert(names.begin() + 7, "delete");
    auto a = bind_arguments(fn, names, 8, args, kw);
    lib::TemporaryFileOptions o = file_options(a);
    made = std::make_shared<WrapperObject>(module->NamedTemporaryFile(
        {.mode = o.mode, .buffering = o.buffering, .encoding = o.encoding, .newline = o.newline,
         .suffix = o.suffix, .prefix = o.prefix, .dir = o.dir,
         .delete_ = bool_or(a, "delete", true), .errors = o.errors}));
  } else if (fn == "SpooledTemporaryFile") {
    auto names = kFileParams;
    names.insert(names.begin(), "max_size");
    auto a = bind_arguments(fn, names, 8, args, kw);
    lib::TemporaryFileOptions o = file_options(a);
    made = std::make_shared<SpooledObject>(
        module, std::make_shared<lib::SpooledTemporaryFile>(
                    *module, lib::SpooledTemporaryFileOptions{
                                 .max_size = int_or(a, "max_size", 0), .mode = o.mode,
                                 .buffering = o.buffering, .encoding = o.encoding,
                                 .newline = o.newline, .suffix = o.suffix, .prefix = o.prefix,
                                 .dir = o.dir, .errors = o.errors}));
  } else if (fn == "TemporaryDirectory") {
    auto a = bind_arguments(fn, {"suffix", "prefix", "dir", "ignore_cleanup_errors"}, 4, args, kw);
    made = std::make_shared<DirectoryObject>(std::make_unique<lib::TemporaryDirectory>(
        *module, lib::TemporaryDirectoryOptions{
                     .suffix = opt_str(a, "suffix"), .prefix = opt_str(a, "prefix"),
                     .dir = opt_str(a, "dir"),
                     .ignore_cleanup_errors = bool_or(a, "ignore_cleanup_errors", false)}));
  } else {
    throw DriverError("driver: unsupported tempfile function " + fn);
  }
  st.put(h, made);
  return st.repr_of(made);
}

}  // namespace

std::optional<json> run_tempfile_op(const json& step, ScriptState& st, json&) {
  if (step.value("op", "") != "tempfile") return std::nullopt;
  return run_tempfile(step, st);
}

}  // namespace bl::diff
