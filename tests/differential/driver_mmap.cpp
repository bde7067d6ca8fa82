// Steps of the lib layer: mmap (FORMAT.md).
#include "driver.hpp"

namespace bl::diff {

std::optional<json> run_mmap_op(const json&, ScriptState&, json&) { return std::nullopt; }

}  // namespace bl::diff
