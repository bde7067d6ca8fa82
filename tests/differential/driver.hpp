// bl_diff_driver: runs differential scripts (FORMAT.md) on bufferlab, as cpython_driver.py runs
// them on CPython, and writes results in the same encoding, byte for byte where it can.
//
// driver.cpp runs scripts (work directory, files, kernels, end record); driver_ops.cpp executes
// one step (method lookup and Python's argument conversion); driver_make.cpp holds the
// constructor and os.* steps; driver_text.cpp the text layer's constructors, methods,
// attributes and str values; driver_values.cpp encodes values, reprs and exceptions;
// driver_trace.cpp turns recorded system calls into FORMAT.md's "sys".
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "buffer/memoryview.hpp"
#include "codecs/str.hpp"
#include "io/iobase.hpp"
#include "io/textio.hpp"
#include "os/errors.hpp"
#include "os/kernel.hpp"
#include "trace/events.hpp"

namespace bl::diff {

using json = nlohmann::ordered_json;

class LibObject;
class ScriptState;
class Arg;

// A script's named object: an io stream, a memoryview, or an object of the lib layer (mmap,
// tempfile's wrappers, ...).
using Object = std::variant<std::shared_ptr<io::IOBase>, std::shared_ptr<buffer::MemoryView>,
                            std::shared_ptr<LibObject>>;

// Something the driver does not model (an op, method or argument shape): reported as an
// exception so the divergence is visible, never skipped.
BL_PY_EXCEPTION(DriverError, Exception)
BL_PY_EXCEPTION(NameError, Exception)

// The per-script state of cpython_driver.py's ScriptState.
class ScriptState {
 public:
  explicit ScriptState(os::Kernel& traced) : kernel(traced) {}

  os::Kernel& kernel;  // the traced kernel every object is created with

  const Object& get(const std::string& h) const;  // NameError as Python's
  void put(const std::string& h, Object object);

  // FORMAT.md's descriptor renaming: n >= 100 as is, else "fd0", "fd1", ... by first use.
  json fd(std::int64_t n);
  std::string rename_names(std::string_view text);
  std::string repr_of(const Object& object);

  std::map<std::string, Object> handles;
  std::vector<std::string> order;
  std::vector<int> fixed_fds;
  std::vector<json> results;  // every step's result so far, for {"result_of": i}

 private:
  std::map<std::int64_t, std::string> fds_;
};

// An object of the lib layer answers the steps on it itself: each kind lives in its own
// driver_*.cpp file. The defaults raise what Python raises for an object without the
// operation.
class LibObject {
 public:
  virtual ~LibObject() = default;
  virtual std::string type_name() const = 0;  // type(obj).__name__
  virtual std::string repr(ScriptState& st) = 0;
  // getattr(obj, m)(*args, **kw); an object result goes to `returned`, for "as".
  virtual json call(ScriptState& st, std::string_view m, const std::vector<Arg>& args,
                    const json& kw, std::optional<Object>& returned) = 0;
  virtual json get(ScriptState& st, const std::string& attr);
  virtual json getitem(ScriptState& st, const json& key);
  virtual void setitem(ScriptState& st, const json& key, const Arg& value);
  virtual json len(ScriptState& st);
  virtual json next(ScriptState& st);
  virtual json enter(ScriptState& st);
  virtual json exit(ScriptState& st);
  // The driver's end-of-script cleanup (close(), TemporaryDirectory.cleanup()); errors ignored.
  virtual void cleanup() {}
};

// AttributeError: 'type' object has no attribute 'attribute'
[[noreturn]] void no_attribute(std::string_view type, std::string_view attribute);

// --- values (driver_values.cpp) --------------------------------------------------------------

std::string to_hex(buffer::ByteSpan data);
std::vector<std::byte> from_hex(std::string_view hex);
std::string strip_addr(std::string_view text);
// type(v).__name__ of the Python value a script value stands for.
std::string py_type_name(const json& v);
json bytes_value(const buffer::Bytes& b);  // {"b": hex}

// One converted argument of a call: ints, None, str as JSON; bytes-like objects materialized.
class Arg {
 public:
  explicit Arg(const json& v);
  const json& value() const { return value_; }
  bool is_none() const { return value_.is_null(); }
  bool is_str() const;  // a JSON string or {"s": [...]}
  codecs::Str str() const;
  bool is_bytes() const { return bytes_.has_value(); }
  bool is_writable_buffer() const { return array_ != nullptr; }  // bytearray or memoryview
  bool is_bytes_like() const { return is_bytes() || is_writable_buffer(); }
  buffer::ByteSpan bytes() const;
  buffer::MutableByteSpan mutable_bytes() const;
  std::string type_name() const { return py_type_name(value_); }

 private:
  json value_;
  std::optional<buffer::Bytes> bytes_;
  std::shared_ptr<buffer::ByteArray> array_;
  std::shared_ptr<buffer::MemoryView> view_;
};

// operator.index(v): TypeError "'str' object cannot be interpreted as an integer"; a big int
// ({"int": ...}) is an OverflowError.
std::int64_t index_arg(const json& v);
// Python's optional size (`_Py_convert_optional_to_ssize_t`): None is `none_value`.
std::int64_t optional_index_arg(const json& v, std::int64_t none_value);

// The "exc"/"errno"/"characters_written" fields of a result for a caught exception.
void put_exception(json& out, ScriptState& st, const Exception& e);

// Warnings reported through bl::warn during the current step ([category, message, ...]).
void start_collecting_warnings();
std::vector<std::string> take_warnings();

// --- text values (driver_text.cpp) ---------------------------------------------------------

// A str as FORMAT.md encodes it: a JSON string, or {"s": [code points]} when it holds a
// surrogate (which UTF-8 JSON text cannot carry).
json str_value(const codecs::Str& s);
bool is_str_value(const json& v);
codecs::Str to_str(const json& v);
// A Python int from its decimal digits: a JSON int when it fits int64, else {"int": "..."}.
json int_value(const std::string& decimal);
// v with every {"result_of": i} replaced by step i's "r" (NameError when step i has none).
json resolve_refs(const json& v, const ScriptState& st);

// --- steps (driver_ops.cpp, driver_make.cpp, driver_text.cpp) --------------------------------

// Runs one step; the result fields without "script", "i" and "sys".
json run_step(const json& step, ScriptState& st);
// The object of an open, fileio, bytesio, shortraw or buffered step.
std::shared_ptr<io::IOBase> make_stream(const json& step, ScriptState& st);
// The object of a textio or stringio step.
std::shared_ptr<io::IOBase> make_text_stream(const json& step, ScriptState& st);

// A method call on a TextIOWrapper or StringIO.
struct TextCall {
  ScriptState& st;
  std::shared_ptr<io::TextIOBase> obj;
  std::string_view m;
  const std::vector<Arg>& args;
  const json& kw;
  std::optional<Object> returned;  // an object result (detach), for "as"
};
json call_text(TextCall& c);
json next_text(io::TextIOBase& o);
json get_text_attribute(ScriptState& st, io::TextIOBase& o, const std::string& attr);
// A set step: TextIOWrapper._CHUNK_SIZE only.
void set_attribute(const Object& object, const std::string& attr, const json& value);

// A method call and an attribute get on an io stream, as the call and get steps make them
// (for lib objects that forward to one: tempfile's wrappers).
json call_stream(ScriptState& st, const std::shared_ptr<io::IOBase>& obj, std::string_view m,
                 const std::vector<Arg>& args, const json& kw, std::optional<Object>& returned);
json get_stream_attribute(ScriptState& st, const std::shared_ptr<io::IOBase>& obj,
                          const std::string& attr);

// An os step: os.open/pwrite/ftruncate/close, os.unlink, os.open + os.dup2, os.pipe2 + os.dup2,
// fill/drain/close of a fixed descriptor; the step's "r".
json run_os(const json& step, ScriptState& st);

// --- the lib layer's ops (driver_lib.cpp dispatches to driver_mmap.cpp, driver_tempfile.cpp,
// driver_oslib.cpp) ------------------------------------------------------------------------

// A step whose op belongs to the lib layer: its "r", or nullopt when no lib op has that name.
std::optional<json> run_lib_op(const json& step, ScriptState& st, json& out);
std::optional<json> run_mmap_op(const json& step, ScriptState& st, json& out);
std::optional<json> run_tempfile_op(const json& step, ScriptState& st, json& out);
std::optional<json> run_oslib_op(const json& step, ScriptState& st, json& out);

// The memoryview steps of driver_memoryview.cpp: memoryview(obj) of a value or handle, and
// indexing, comparison and hashing of a memoryview handle.
std::optional<json> run_memoryview_op(const json& step, ScriptState& st, json& out);
// The methods of a memoryview handle beyond tobytes() and release(): tolist, hex, cast,
// toreadonly, tobytes(order); an object result goes to `returned`, for "as".
json call_memoryview(ScriptState& st, const std::shared_ptr<buffer::MemoryView>& view,
                     std::string_view m, const std::vector<Arg>& args,
                     std::optional<Object>& returned);

// --- system calls (driver_trace.cpp) ---------------------------------------------------------

// Turns recorded SyscallEvents into FORMAT.md's normalized lines, keeping the calls on files
// inside `wdir` (an absolute, normalized path) and tracking which descriptor names which file
// and which address range maps which file.
class SyscallNormalizer {
 public:
  explicit SyscallNormalizer(std::string wdir) : wdir_(std::move(wdir)) {}
  std::vector<std::string> normalize(const std::vector<trace::SyscallEvent>& events);

 private:
  struct Map {
    std::uint64_t length;
    std::string name;
  };

  std::optional<std::string> relative(std::string_view path) const;
  // `path` resolved against directory descriptor `dirfd` (or the cwd when dirfd < 0).
  std::optional<std::string> relative_at(int dirfd, std::string_view path) const;
  std::optional<std::string> fd_name(int fd) const;
  std::optional<std::string> line(const trace::SyscallEvent& e);
  std::optional<std::string> path_line(const trace::SyscallEvent& e);
  std::optional<std::string> memory_line(const trace::SyscallEvent& e);
  void listdir_lines(const trace::SyscallEvent& e, std::vector<std::string>& lines) const;

  std::string wdir_;
  // nullopt: a file outside the work dir; kPipe: a pipe end (named fdN when N >= 100).
  std::map<int, std::optional<std::string>> fds_;
  // The maps of listed files by start address (mmap, moved by mremap, ended by munmap).
  std::map<std::uint64_t, Map> maps_;
  static constexpr std::string_view kPipe = "\x01pipe";
};

// "O_RDWR|O_CREAT|O_CLOEXEC": access mode first, then flags in ascending bit value (strace's
// order, as stracenorm.canon_open_flags).
std::string canon_open_flags(std::string_view flags);

}  // namespace bl::diff
