#include "trace/snapshot.hpp"

#include "trace/flag_names.hpp"

namespace bl::trace {

nlohmann::json bytes_to_json(std::span<const std::byte> bytes) {
  std::string utf8;
  utf8.reserve(bytes.size());
  for (std::byte b : bytes) {
    auto value = static_cast<unsigned char>(b);
    if (value < 0x80) {
      utf8 += static_cast<char>(value);
    } else {  // U+0080..U+00FF in two UTF-8 bytes
      utf8 += static_cast<char>(0xc0 | (value >> 6));
      utf8 += static_cast<char>(0x80 | (value & 0x3f));
    }
  }
  return utf8;
}

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
  return {{"lost", report.lost}, {"reverted", report.reverted}, {"resurrected", report.resurrected}};
}

}  // namespace bl::trace
