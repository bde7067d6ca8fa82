#include "trace/snapshot.hpp"

#include "trace/flag_names.hpp"

namespace bl::trace {

nlohmann::json to_json(const std::vector<os::FileState>& files) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& file : files) {
    list.push_back({{"path", file.path},
                    {"mode", mode_octal(file.st_mode & 07777)},
                    {"cache", bytes_to_json(file.cache)},
                    {"durable", bytes_to_json(file.durable)},
                    {"dirty_pages", file.dirty_pages},
                    {"entry_durable", file.entry_durable}});
  }
  return list;
}

nlohmann::json to_json(const os::CrashReport& report) {
  return {
      {"lost", report.lost}, {"reverted", report.reverted}, {"resurrected", report.resurrected}};
}

}  // namespace bl::trace
