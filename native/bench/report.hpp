// `bl_bench_io --report`: the console output of the run, then the ratios docs/benchmarks.md
// quotes, each computed from two cases of that same run (medians when repeated).
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace bl::bench {

// Seconds per call (per benchmark iteration) of one case.
struct PerCall {
  double cpu = 0;   // user + system time of the process: what the work itself costs
  double real = 0;  // wall clock: also whatever else the machine was doing
};

// A console reporter that keeps each case's median per-call time (or its only one when the
// run has no repetitions), by name: "read/BufferedReader/1048576".
class Collector : public benchmark::ConsoleReporter {
 public:
  explicit Collector(bool color) : ConsoleReporter(color ? OO_ColorTabular : OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override;
  std::optional<PerCall> per_call(const std::string& name) const;
  int repetitions() const { return repetitions_; }

 private:
  std::map<std::string, PerCall> per_call_;
  int repetitions_ = 1;
};

// Prints the ratios; `about` describes the file and filesystem the run used.
void print_ratios(const Collector& results, const std::string& about, std::ostream& out);

}  // namespace bl::bench
