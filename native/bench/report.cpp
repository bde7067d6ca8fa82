#include "report.hpp"

#include <cstdio>

namespace bl::bench {

namespace {

constexpr long kKiB = 1024, kMiB = 1024 * kKiB;

PerCall per_call_of(const benchmark::BenchmarkReporter::Run& run) {
  const double unit = benchmark::GetTimeUnitMultiplier(run.time_unit);
  return {run.GetAdjustedCPUTime() / unit, run.GetAdjustedRealTime() / unit};
}

std::string size_name(long n) {
  if (n >= kMiB && n % kMiB == 0) return std::to_string(n / kMiB) + " MiB";
  if (n >= kKiB && n % kKiB == 0) return std::to_string(n / kKiB) + " KiB";
  return std::to_string(n) + " B";
}

std::string fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

// One line "<label>  <ratio>  (wall clock: <ratio>)" of a/b, where `cost` ratios compare
// times (a's time over b's) and the others throughputs (b's time over a's).
class RatioPrinter {
 public:
  RatioPrinter(const Collector& results, std::ostream& out) : results_(results), out_(out) {}

  std::optional<double> line(const std::string& label, const std::string& a, const std::string& b,
                             bool cost) {
    auto x = results_.per_call(a), y = results_.per_call(b);
    char text[160];
    if (!x || !y) {
      std::snprintf(text, sizeof text, "  %-64s   n/a (filtered out)\n", label.c_str());
      out_ << text;
      return std::nullopt;
    }
    const double cpu = cost ? x->cpu / y->cpu : y->cpu / x->cpu;
    const double real = cost ? x->real / y->real : y->real / x->real;
    const std::string unit = cost ? "x" : "";
    std::snprintf(text, sizeof text, "  %-64s %7s%-2s (wall clock %s%s)\n", label.c_str(),
                  fixed(cpu, 2).c_str(), unit.c_str(), fixed(real, 2).c_str(), unit.c_str());
    out_ << text;
    return cpu;
  }

 private:
  const Collector& results_;
  std::ostream& out_;
};

void print_large_reads(RatioPrinter& ratio, std::ostream& out) {
  out << "\nLarge reads: throughput ratios (about 1.00 = buffering costs nothing measurable)\n";
  ratio.line("BufferedReader.read(1 MiB) / kernel.read(1 MiB), reused buffer",
             "read/BufferedReader/1048576", "read/kernel/1048576", false);
  ratio.line("BufferedReader.read(1 MiB) / FileIO.read(1 MiB)", "read/BufferedReader/1048576",
             "read/FileIO/1048576", false);
  ratio.line("BufferedReader.read(64 KiB) / kernel.read(64 KiB), reused buffer",
             "read/BufferedReader/65536", "read/kernel/65536", false);
  ratio.line("BufferedReader.readinto(bytearray 64 KiB) / kernel.read into it",
             "readinto/BufferedReader/65536", "readinto/kernel/65536", false);
  ratio.line("FileIO.readinto(bytearray 64 KiB) / kernel.read into it", "readinto/FileIO/65536",
             "readinto/kernel/65536", false);
}

// The 16-byte ratio (target >= 20x), the 100-byte one, and what a buffered record's time is
// made of: its share of one 4 KiB flush write() and the BufferedWriter's own work.
void print_writes(const Collector& results, RatioPrinter& ratio, const std::string& family,
                  const std::string& title, std::ostream& out) {
  constexpr double kTarget = 20;
  out << "\n" << title << "\n";
  for (long record : {16L, 100L}) {
    const std::string n = std::to_string(record), at = "/" + n;
    std::optional<double> x =
        ratio.line("FileIO.write(" + n + " B) / BufferedWriter.write(" + n + " B)",
                   family + "/FileIO" + at, family + "/BufferedWriter" + at, true);
    if (x && record == 16)
      out << "      target >= 20x: " << (*x >= kTarget ? "met" : "NOT MET") << "\n";
    ratio.line("kernel.write(" + n + " B) / BufferedWriter.write(" + n + " B)",
               family + "/kernel" + at, family + "/BufferedWriter" + at, true);
  }
  auto flush = results.per_call(family + "/kernel/4096");
  if (!flush) return;
  out << "  a BufferedWriter record's CPU time = its share of one 4 KiB flush write() ("
      << fixed(flush->cpu * 1e9, 0) << " ns) + the rest:\n";
  char text[160];
  for (long record : {16L, 100L}) {
    auto buffered = results.per_call(family + "/BufferedWriter/" + std::to_string(record));
    if (!buffered) continue;
    const double share = flush->cpu * static_cast<double>(record) / 4096.0;
    std::snprintf(text, sizeof text, "    %3ld B: %6s ns = %6s ns + %6s ns\n", record,
                  fixed(buffered->cpu * 1e9, 1).c_str(), fixed(share * 1e9, 1).c_str(),
                  fixed((buffered->cpu - share) * 1e9, 1).c_str());
    out << text;
  }
}

void print_small_reads(const Collector& results, std::ostream& out) {
  out << "\nReads: CPU time per call (ns) and what one BufferedReader.read(n) saves\n";
  char text[160];
  std::snprintf(text, sizeof text, "  %8s %16s %12s %13s %17s %10s\n", "n", "BufferedReader",
                "FileIO", "kernel.read", "kernel/Buffered", "Buffered");
  out << text;
  for (long n : {1L, 16L, 256L, 4 * kKiB, 64 * kKiB, kMiB}) {
    const std::string arg = std::to_string(n);
    auto b = results.per_call("read/BufferedReader/" + arg);
    auto f = results.per_call("read/FileIO/" + arg);
    auto k = results.per_call("read/kernel/" + arg);
    auto ns = [](const std::optional<PerCall>& t) { return t ? fixed(t->cpu * 1e9, 1) : "n/a"; };
    std::string speedup = b && k ? fixed(k->cpu / b->cpu, 2) + "x" : "n/a";
    std::string rate = b ? fixed(static_cast<double>(n) / b->cpu / 1e9, 2) + " GB/s" : "n/a";
    std::snprintf(text, sizeof text, "  %8s %16s %12s %13s %17s %10s\n", size_name(n).c_str(),
                  ns(b).c_str(), ns(f).c_str(), ns(k).c_str(), speedup.c_str(), rate.c_str());
    out << text;
  }
}

}  // namespace

void Collector::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    if (run.error_occurred) continue;
    if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
      per_call_[run.run_name.str()] = per_call_of(run);
      repetitions_ = static_cast<int>(run.repetitions);
    } else if (run.run_type == Run::RT_Iteration && run.repetitions <= 1) {
      per_call_[run.run_name.str()] = per_call_of(run);
    }
  }
  ConsoleReporter::ReportRuns(runs);
}

std::optional<PerCall> Collector::per_call(const std::string& name) const {
  auto it = per_call_.find(name);
  if (it == per_call_.end()) return std::nullopt;
  return it->second;
}

void print_ratios(const Collector& results, const std::string& about, std::ostream& out) {
  out << "\n== bufferlab io report ==\n"
      << about << "\n"
      << (results.repetitions() > 1
              ? "medians of " + std::to_string(results.repetitions()) + " repetitions"
              : std::string("one repetition (no medians)"))
      << "; ratios of CPU time (user + system) from this one run\n";
  RatioPrinter ratio(results, out);
  print_large_reads(ratio, out);
  print_writes(results, ratio, "write",
               "Small writes appended to a growing file: cost per record, unbuffered / buffered",
               out);
  print_writes(results, ratio, "overwrite",
               "Small writes rewriting a cached 8 MiB file in place: unbuffered / buffered", out);
  print_small_reads(results, out);
}

}  // namespace bl::bench
