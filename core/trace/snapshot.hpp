// JSON snapshots of the simulated kernel's state, for the playground and the CLI: every file's
// cached and durable bytes side by side, and what a crash changed.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "os/sim_kernel.hpp"
#include "trace/events.hpp"

namespace bl::trace {

// [{"path", "mode", "cache", "durable", "dirty_pages", "entry_durable"}, ...]
nlohmann::json to_json(const std::vector<os::FileState>& files);
// {"lost": [...], "reverted": [...], "resurrected": [...]}
nlohmann::json to_json(const os::CrashReport& report);

}  // namespace bl::trace
