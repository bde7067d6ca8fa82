// Steps of the lib layer: tempfile (FORMAT.md).
#include "driver.hpp"

namespace bl::diff {

std::optional<json> run_tempfile_op(const json&, ScriptState&, json&) { return std::nullopt; }

}  // namespace bl::diff
