// JSON snapshots of the simulated kernel's state, for the playground and the CLI: every file's
// cached and durable bytes side by side, and what a crash changed.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "os/sim_kernel.hpp"

namespace bl::trace {

// Bytes as a JSON string, one code point per byte (U+0000..U+00FF): lossless, and plain text
// stays readable.
nlohmann::json bytes_to_json(std::span<const std::byte> bytes);

// [{"path", "mode", "cache", "durable", "dirty_pages", "entry_durable"}, ...]
nlohmann::json to_json(const std::vector<os::FileState>& files);
// {"lost": [...], "reverted": [...], "resurrected": [...]}
nlohmann::json to_json(const os::CrashReport& report);

}  // namespace bl::trace
