// The lib layer's steps: LibObject's defaults (what Python raises for an object without the
// operation) and the dispatch of lib ops to their files.
#include "driver.hpp"

namespace bl::diff {

void no_attribute(std::string_view type, std::string_view attribute) {
  throw AttributeError("'" + std::string(type) + "' object has no attribute '" +
                       std::string(attribute) + "'");
}

json LibObject::get(ScriptState&, const std::string& attr) { no_attribute(type_name(), attr); }

json LibObject::getitem(ScriptState&, const json&) {
  throw TypeError("'" + type_name() + "' object is not subscriptable");
}

void LibObject::setitem(ScriptState&, const json&, const Arg&) {
  throw TypeError("'" + type_name() + "' object does not support item assignment");
}

json LibObject::len(ScriptState&) {
  throw TypeError("object of type '" + type_name() + "' has no len()");
}

json LibObject::next(ScriptState&) {
  throw TypeError("'" + type_name() + "' object is not an iterator");
}

json LibObject::enter(ScriptState&) {
  throw TypeError("'" + type_name() + "' object does not support the context manager protocol");
}

json LibObject::exit(ScriptState& st) { return enter(st); }

std::optional<json> run_lib_op(const json& step, ScriptState& st, json& out) {
  if (auto r = run_mmap_op(step, st, out)) return r;
  if (auto r = run_tempfile_op(step, st, out)) return r;
  return run_oslib_op(step, st, out);
}

}  // namespace bl::diff
