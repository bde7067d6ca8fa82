// Steps of the lib layer: memoryview (FORMAT.md).
#include "driver.hpp"

namespace bl::diff {

std::optional<json> run_memoryview_op(const json&, ScriptState&, json&) { return std::nullopt; }

}  // namespace bl::diff
