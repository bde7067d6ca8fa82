// The main() of the randomized differential drivers (bl_codecs_driver, bl_buffer_driver):
// CASES.jsonl in, one {"results": [...]} line per case out, in order (caserun.py's side).
#pragma once

#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

namespace bl::diff {

// Calls `run_case(case)` for each case line of argv[1]; its array of op results goes to argv[2].
template <class RunCase>
int run_case_file(int argc, char** argv, const char* usage, RunCase&& run_case) {
  if (argc != 3) {
    std::cerr << "usage: " << usage << " CASES.jsonl RESULTS.jsonl\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  std::ofstream out(argv[2]);
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json results = run_case(nlohmann::json::parse(line));
    out << nlohmann::json{{"results", results}}.dump(-1, ' ', false,
                                                    nlohmann::json::error_handler_t::replace)
        << '\n';
  }
  return out ? 0 : 1;
}

}  // namespace bl::diff
