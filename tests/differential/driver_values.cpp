// Values as cpython_driver.py encodes them: conv() of arguments, encode() of results, reprs
// with addresses removed and small descriptors renamed, exceptions and warnings.
#include <cctype>

#include "driver.hpp"

namespace bl::diff {

// --- script state ----------------------------------------------------------------------------

const Object& ScriptState::get(const std::string& h) const {
  auto it = handles.find(h);
  if (it == handles.end()) throw NameError("name '" + h + "' is not defined");
  return it->second;
}

void ScriptState::put(const std::string& h, Object object) {
  handles[h] = std::move(object);
  std::erase(order, h);
  order.push_back(h);
}

json ScriptState::fd(std::int64_t n) {
  if (n >= 100) return n;
  auto it = fds_.find(n);
  if (it == fds_.end()) it = fds_.emplace(n, "fd" + std::to_string(fds_.size())).first;
  return it->second;
}

// re.sub(r"\bname=(\d+)", ...) with fd() for numbers below 100.
std::string ScriptState::rename_names(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t k = text.find("name=", i);
    if (k == std::string_view::npos) break;
    bool boundary =
        k == 0 || !(std::isalnum(static_cast<unsigned char>(text[k - 1])) || text[k - 1] == '_');
    std::size_t d = k + 5, e = d;
    while (e < text.size() && std::isdigit(static_cast<unsigned char>(text[e]))) ++e;
    out.append(text.substr(i, d - i));
    if (boundary && e > d && e - d < 18) {
      std::int64_t n = std::stoll(std::string(text.substr(d, e - d)));
      json name = fd(n);
      out += name.is_string() ? name.get<std::string>() : std::string(text.substr(d, e - d));
    } else {
      out.append(text.substr(d, e - d));
    }
    i = e;
  }
  out.append(text.substr(i));
  return out;
}

std::string ScriptState::repr_of(const Object& object) {
  std::string text;
  if (const auto* io = std::get_if<std::shared_ptr<io::IOBase>>(&object)) {
    text = (*io)->repr();
  } else if (const auto* lib = std::get_if<std::shared_ptr<LibObject>>(&object)) {
    text = (*lib)->repr(*this);
  } else {
    text = std::get<std::shared_ptr<buffer::MemoryView>>(object)->released() ? "<released memory>"
                                                                             : "<memory>";
  }
  return rename_names(strip_addr(text));
}

// --- plain values ----------------------------------------------------------------------------

std::string to_hex(buffer::ByteSpan data) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (std::byte b : data) {
    auto v = std::to_integer<unsigned>(b);
    out += digits[v >> 4];
    out += digits[v & 15];
  }
  return out;
}

std::vector<std::byte> from_hex(std::string_view hex) {
  auto nibble = [&](char c) -> unsigned {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    throw DriverError("driver: bad hex string");
  };
  if (hex.size() % 2) throw DriverError("driver: odd-length hex string");
  std::vector<std::byte> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] =
        std::byte(static_cast<unsigned char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1])));
  return out;
}

// re.sub(r" at 0x[0-9a-fA-F]+", "", text)
std::string strip_addr(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  for (;;) {
    std::size_t k = text.find(" at 0x", i);
    if (k == std::string_view::npos) break;
    std::size_t e = k + 6;
    while (e < text.size() && std::isxdigit(static_cast<unsigned char>(text[e]))) ++e;
    if (e == k + 6) {
      out.append(text.substr(i, e - i));
    } else {
      out.append(text.substr(i, k - i));
    }
    i = e;
  }
  out.append(text.substr(i));
  return out;
}

std::string py_type_name(const json& v) {
  if (v.is_null()) return "NoneType";
  if (v.is_boolean()) return "bool";
  if (v.is_number_integer()) return "int";
  if (v.is_number_float()) return "float";
  if (v.is_string()) return "str";
  if (v.is_array()) return "list";
  if (v.is_object()) {
    if (v.contains("b")) return "bytes";
    if (v.contains("s")) return "str";
    if (v.contains("int")) return "int";
    if (v.contains("bytearray") || v.contains("bytearray_hex")) return "bytearray";
    if (v.contains("memoryview")) return "memoryview";
  }
  return "dict";
}

json bytes_value(const buffer::Bytes& b) { return json{{"b", to_hex(b.span())}}; }

Arg::Arg(const json& v) : value_(v) {
  if (!v.is_object() || v.contains("s") || v.contains("int")) return;
  if (v.contains("b")) {
    bytes_ = buffer::Bytes(from_hex(v["b"].get<std::string>()));
  } else if (v.contains("bytearray")) {
    array_ = std::make_shared<buffer::ByteArray>(v["bytearray"].get<std::size_t>());
  } else if (v.contains("bytearray_hex")) {
    auto data = from_hex(v["bytearray_hex"].get<std::string>());
    array_ = std::make_shared<buffer::ByteArray>(buffer::ByteSpan(data));
  } else if (v.contains("memoryview")) {
    array_ = std::make_shared<buffer::ByteArray>(v["memoryview"].get<std::size_t>());
    view_ = std::make_shared<buffer::MemoryView>(*array_);
  } else {
    throw DriverError("driver: bad value " + v.dump());
  }
}

bool Arg::is_str() const { return is_str_value(value_); }

codecs::Str Arg::str() const { return to_str(value_); }

buffer::ByteSpan Arg::bytes() const {
  if (bytes_) return bytes_->span();
  if (view_) return view_->span();
  if (array_) return std::as_const(*array_).span();
  throw DriverError("driver: not a bytes-like argument");
}

buffer::MutableByteSpan Arg::mutable_bytes() const {
  if (view_) return view_->mutable_span();
  if (array_) return array_->span();
  throw DriverError("driver: not a writable buffer argument");
}

std::int64_t index_arg(const json& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_object() && v.contains("int"))
    throw OverflowError("Python int too large to convert to C ssize_t");
  throw TypeError("'" + py_type_name(v) + "' object cannot be interpreted as an integer");
}

std::int64_t optional_index_arg(const json& v, std::int64_t none_value) {
  if (v.is_null()) return none_value;
  if (v.is_boolean() || v.is_number_integer() || py_type_name(v) == "int") return index_arg(v);
  throw TypeError("argument should be integer or None, not '" + py_type_name(v) + "'");
}

// --- exceptions and warnings -----------------------------------------------------------------

void put_exception(json& out, ScriptState& st, const Exception& e) {
  out.erase("r");
  out["exc"] = json::array({std::string(e.type_name()), st.rename_names(strip_addr(e.what()))});
  // io.UnsupportedOperation is an OSError subclass in Python (errno None).
  if (e.type_name() == "UnsupportedOperation") out["errno"] = nullptr;
  if (const auto* os_error = dynamic_cast<const OSError*>(&e)) {
    auto n = os_error->errno_value();
    out["errno"] = n == os::Errno::none ? json(nullptr) : json(static_cast<int>(n));
    if (const auto* blocking = dynamic_cast<const BlockingIOError*>(&e)) {
      if (auto written = blocking->characters_written()) out["characters_written"] = *written;
    }
  }
}

namespace {

std::vector<std::string>& warnings() {
  static std::vector<std::string> collected;
  return collected;
}

void collect_warning(std::string_view category, std::string_view message) {
  warnings().emplace_back(category);
  warnings().push_back(strip_addr(message));
}

}  // namespace

void start_collecting_warnings() {
  set_warning_handler(&collect_warning);
  warnings().clear();
}

std::vector<std::string> take_warnings() { return std::exchange(warnings(), {}); }

}  // namespace bl::diff
