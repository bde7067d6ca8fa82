// Steps of the lib layer: oslib (FORMAT.md).
#include "driver.hpp"

namespace bl::diff {

std::optional<json> run_oslib_op(const json&, ScriptState&, json&) { return std::nullopt; }

}  // namespace bl::diff
