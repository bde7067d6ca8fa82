// bl_bench_copy: copying a page-cached file with shutil.copyfile, on the real kernel.
//
//   copy/sendfile/<size>   shutil::copyfile(k, src, dst): 3.11's Linux path, the sendfile(2)
//                          fast path (the default)
//   copy/fallback/<size>   shutil::copyfile(..., {.use_sendfile = false}): copyfileobj, 64 KiB
//                          read()/write() through the two buffered files
//   copy/kernel/<size>     open, a read(64 KiB)/write() loop into one reused buffer, close, all
//                          PosixKernel calls: the least a read/write copy can cost
//
// size: 64 KiB, 1 MiB, 64 MiB. The source is the read.bin of a BenchFiles (written, fsynced and
// read once, so page-cached); the destination is its write.bin, which every copy truncates and
// rewrites, as copyfile does to an existing file.
//
// `--report` runs no Google Benchmark table. Size by size, it checks that every way of copying
// below produces the source's bytes, then for 9 rounds times each one in turn (about 50 ms of
// copies per timing) and prints medians and ratios. Besides the three above:
//
//   CPython sendfile/fallback  python3's shutil.copyfile with shutil._USE_CP_SENDFILE True or
//                              False: one `python3 -c` per timing, timed with timeit inside the
//                              process, so interpreter start-up is not counted
//   cp, cp --reflink=never     coreutils cp: one fork+exec per copy, so its time includes
//                              starting the process; that is what a copy with cp costs a caller
//
// Time is process CPU time (user + system; cp's from wait4) with wall clock beside it, as in
// bl_bench_io. docs/benchmarks.md quotes the report.
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_files.hpp"
#include "bench_main.hpp"
#include "lib/shutil.hpp"
#include "os/posix_kernel.hpp"
#include "report.hpp"

namespace {

using namespace bl;
using bench::PerCall;

constexpr std::int64_t kKiB = 1024, kMiB = 1024 * kKiB;
const std::vector<std::int64_t> kSizes = {64 * kKiB, kMiB, 64 * kMiB};

os::PosixKernel g_kernel;

// The files of one size. Only one BenchFiles lives at a time, because its SIGINT/SIGTERM
// clean-up knows only the latest one. Cases run size by size, so each size's file is written
// once (with --benchmark_enable_random_interleaving, once per switch of size).
std::unique_ptr<bench::BenchFiles> g_files;

const bench::BenchFiles& files_of(std::int64_t size) {
  if (!g_files || g_files->read_size() != size) {
    g_files.reset();
    g_files = std::make_unique<bench::BenchFiles>(g_kernel, size);
  }
  return *g_files;
}

// --- the copies ----------------------------------------------------------------------------

// copyfileobj's read/write loop without the io objects and without copyfile's stat() calls:
// what copyfile's Python-shaped layers add shows as the difference from the fallback.
void copy_with_kernel(const std::string& src, const std::string& dst, std::span<std::byte> buf) {
  const os::Fd in = g_kernel.open(src, os::O::RDONLY | os::O::CLOEXEC).value_or_raise(src);
  const os::Fd out =
      g_kernel.open(dst, os::O::WRONLY | os::O::CREAT | os::O::TRUNC | os::O::CLOEXEC, 0666)
          .value_or_raise(dst);
  for (std::size_t got; (got = g_kernel.read(in, buf).value_or_raise(src)) > 0;)
    for (std::size_t done = 0; done < got;)
      done += g_kernel.write(out, buf.subspan(done, got - done)).value_or_raise(dst);
  g_kernel.close(out).value_or_raise(dst);
  g_kernel.close(in).value_or_raise(src);
}

// The in-process ways of copying, by the name the cases and the report give them.
using CopyOnce = std::function<void(const std::string& src, const std::string& dst)>;

std::vector<std::pair<std::string, CopyOnce>> in_process_copies() {
  auto buffer = std::make_shared<std::vector<std::byte>>(lib::shutil::COPY_BUFSIZE);
  return {
      {"sendfile",
       [](const std::string& s, const std::string& d) { lib::shutil::copyfile(g_kernel, s, d); }},
      {"fallback",
       [](const std::string& s, const std::string& d) {
         lib::shutil::copyfile(g_kernel, s, d, {.use_sendfile = false});
       }},
      {"kernel", [buffer](const std::string& s, const std::string& d) {
         copy_with_kernel(s, d, *buffer);
       }},
  };
}

// --- Google Benchmark cases ------------------------------------------------------------------

void run_copy(benchmark::State& state, const CopyOnce& copy, std::int64_t size) {
  const bench::BenchFiles& files = files_of(size);
  state.SetLabel(files.filesystem());
  for (auto _ : state) copy(files.read_path(), files.write_path());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * size);
}

void register_cases(const std::vector<std::pair<std::string, CopyOnce>>& copies) {
  for (std::int64_t size : kSizes)
    for (const auto& [name, copy] : copies)
      benchmark::RegisterBenchmark(("copy/" + name + "/" + std::to_string(size)).c_str(),
                                   run_copy, copy, size);
}

// --- other processes -------------------------------------------------------------------------

struct Finished {
  std::string output;  // its stdout
  double cpu = 0;      // its user + system time, from wait4
};

// Runs argv (found on PATH) to completion, PYTHONUNBUFFERED unset in its environment; throws
// unless it exits 0.
Finished run(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::unsetenv("PYTHONUNBUFFERED");
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(out[1]);
  Finished done;
  char chunk[4096];
  for (ssize_t n; (n = ::read(out[0], chunk, sizeof chunk)) > 0;) done.output.append(chunk, n);
  ::close(out[0]);
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(argv[0] + " failed (exit status " + std::to_string(status) + ")");
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  done.cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  return done;
}

// argv: src dst number use_sendfile. Copies once untimed (the first open, and the imports
// shutil makes lazily), then `number` times under timeit (which turns the GC off, as for any
// timeit); prints CPU and wall seconds per copy.
constexpr const char* kPythonScript = R"py(
import shutil, sys, time, timeit
src, dst, number = sys.argv[1], sys.argv[2], int(sys.argv[3])
shutil._USE_CP_SENDFILE = sys.argv[4] == "1"
timer = timeit.Timer(lambda: shutil.copyfile(src, dst))
timer.timeit(1)
cpu = time.process_time()
wall = timer.timeit(number)
print(repr((time.process_time() - cpu) / number), repr(wall / number))
)py";

// --- --report --------------------------------------------------------------------------------

constexpr int kRounds = 9;
constexpr double kBatchSeconds = 0.05;

double process_cpu_now() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// One way of copying in the report: `number` copies of src to dst, the time per copy.
using TimeCopies = std::function<PerCall(const std::string& src, const std::string& dst, int)>;

struct Way {
  std::string name;
  TimeCopies time;
};

TimeCopies in_process(CopyOnce copy) {
  return [copy](const std::string& src, const std::string& dst, int number) {
    const double cpu = process_cpu_now();
    const auto wall = std::chrono::steady_clock::now();
    for (int i = 0; i < number; ++i) copy(src, dst);
    return PerCall{(process_cpu_now() - cpu) / number, seconds_since(wall) / number};
  };
}

TimeCopies cpython(bool use_sendfile) {
  return [use_sendfile](const std::string& src, const std::string& dst, int number) {
    std::istringstream answer(run({"python3", "-c", kPythonScript, src, dst,
                                   std::to_string(number), use_sendfile ? "1" : "0"})
                                  .output);
    PerCall t;
    answer >> t.cpu >> t.real;
    if (answer.fail()) throw std::runtime_error("python3 gave no timing");
    return t;
  };
}

// Wall clock from before fork to after wait4, so process creation, exec and exit count.
TimeCopies cp(std::vector<std::string> options) {
  return [options](const std::string& src, const std::string& dst, int number) {
    std::vector<std::string> argv = {"cp"};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {src, dst});
    double cpu = 0;
    const auto wall = std::chrono::steady_clock::now();
    for (int i = 0; i < number; ++i) cpu += run(argv).cpu;
    return PerCall{cpu / number, seconds_since(wall) / number};
  };
}

bool same_content(const std::string& a, const std::string& b) {
  if (std::filesystem::file_size(a) != std::filesystem::file_size(b)) return false;
  std::ifstream x(a, std::ios::binary), y(b, std::ios::binary);
  std::vector<char> p(static_cast<std::size_t>(kMiB)), q(p.size());
  while (x.read(p.data(), static_cast<std::streamsize>(p.size())).gcount() > 0) {
    y.read(q.data(), x.gcount());
    if (y.gcount() != x.gcount() || !std::equal(p.begin(), p.begin() + x.gcount(), q.begin()))
      return false;
  }
  return true;
}

std::string size_name(std::int64_t n) {
  return n >= kMiB ? std::to_string(n / kMiB) + " MiB" : std::to_string(n / kKiB) + " KiB";
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Median per-copy times, by way and size.
using Results = std::map<std::string, std::map<std::int64_t, PerCall>>;

void measure_size(const std::vector<Way>& ways, std::int64_t size, Results& results) {
  const bench::BenchFiles& files = files_of(size);
  const std::string &src = files.read_path(), &dst = files.write_path();
  std::vector<int> numbers;
  for (const Way& way : ways) {
    // No destination, one copy, then its bytes: a way that copied nothing fails here.
    std::filesystem::remove(dst);
    way.time(src, dst, 1);
    if (!same_content(src, dst)) throw std::logic_error(way.name + " copied different bytes");
    // Timed over an existing destination, as in the rounds: on ext4 that can cost 10x more.
    const double once = std::max(way.time(src, dst, 2).real, 1e-7);
    numbers.push_back(std::max(1, static_cast<int>(kBatchSeconds / once)));
  }
  std::vector<std::vector<double>> cpu(ways.size()), wall(ways.size());
  for (int round = 0; round < kRounds; ++round) {
    std::fprintf(stderr, "\r%s: round %d of %d   ", size_name(size).c_str(),
                 round + 1, kRounds);
    for (std::size_t i = 0; i < ways.size(); ++i) {
      const PerCall t = ways[i].time(src, dst, numbers[i]);
      cpu[i].push_back(t.cpu);
      wall[i].push_back(t.real);
    }
  }
  std::fprintf(stderr, "\n");
  for (std::size_t i = 0; i < ways.size(); ++i)
    results[ways[i].name][size] = {median(cpu[i]), median(wall[i])};
}

std::string fixed(double value, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

// Microseconds, with a decimal while that is still a significant digit.
std::string micros(double seconds) {
  return fixed(seconds * 1e6, seconds < 1e-3 ? 1 : 0);
}

// `order`: the ways, top to bottom.
void print_report(const Results& results, const std::vector<std::string>& order,
                  const std::string& about) {
  std::printf("\n== file copying: bufferlab shutil.copyfile vs CPython and coreutils cp ==\n%s\n",
              about.c_str());
  std::printf(
      "medians of %d rounds; per copy: CPU us (wall us); CPU is user + system time of the\n"
      "copying process. cp: one fork+exec per copy, process start included in both\n\n",
      kRounds);
  if (about.find("ext2/ext3") != std::string::npos)
    std::printf(
        "ext4: closing a file truncated to 0 starts its writeback (auto_da_alloc), and the next\n"
        "copy's O_TRUNC waits for it: wall times include the disk; TMPDIR=/dev/shm avoids it\n\n");
  std::printf("%-30s", "per copy");
  for (std::int64_t size : kSizes) std::printf(" %22s", size_name(size).c_str());
  std::printf("\n");
  for (const std::string& way : order) {
    std::printf("%-30s", way.c_str());
    for (std::int64_t size : kSizes) {
      const PerCall& t = results.at(way).at(size);
      std::printf(" %22s", (micros(t.cpu) + " (" + micros(t.real) + ")").c_str());
    }
    std::printf("\n");
  }
  // "x over y": y's time / x's time, how many times faster x copies.
  auto over = [&](const std::string& label, const std::string& x, const std::string& y) {
    std::printf("%-42s", label.c_str());
    for (std::int64_t size : kSizes) {
      const PerCall &a = results.at(x).at(size), &b = results.at(y).at(size);
      std::printf(" %16s",
                  (fixed(b.cpu / a.cpu, 2) + "x (" + fixed(b.real / a.real, 2) + "x)").c_str());
    }
    std::printf("\n");
  };
  std::printf("\n%-42s", "speed-up, CPU (wall)");
  for (std::int64_t size : kSizes) std::printf(" %16s", size_name(size).c_str());
  std::printf("\n");
  over("bufferlab over CPython, sendfile", "bufferlab sendfile", "CPython sendfile");
  over("bufferlab over CPython, fallback", "bufferlab fallback", "CPython fallback");
  over("sendfile over fallback, bufferlab", "bufferlab sendfile", "bufferlab fallback");
  over("sendfile over fallback, CPython", "CPython sendfile", "CPython fallback");
  over("kernel r/w loop over bufferlab fallback", "bufferlab kernel r/w loop",
       "bufferlab fallback");
  over("bufferlab sendfile over cp", "bufferlab sendfile", "cp");
  over("CPython sendfile over cp", "CPython sendfile", "cp");
  over("cp --reflink=never over cp", "cp --reflink=never", "cp");
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

void report(const std::vector<std::pair<std::string, CopyOnce>>& copies) {
  const std::map<std::string, std::string> names = {{"sendfile", "bufferlab sendfile"},
                                                    {"fallback", "bufferlab fallback"},
                                                    {"kernel", "bufferlab kernel r/w loop"}};
  std::vector<Way> ways;
  for (const auto& [name, copy] : copies) ways.push_back({names.at(name), in_process(copy)});
  ways.push_back({"CPython sendfile", cpython(true)});
  ways.push_back({"CPython fallback", cpython(false)});
  ways.push_back({"cp", cp({})});
  ways.push_back({"cp --reflink=never", cp({"--reflink=never"})});

  Results results;
  for (std::int64_t size : kSizes) measure_size(ways, size, results);
  const std::string about =
      "CPython " +
      first_line(run({"python3", "-c", "import sys; print(sys.version.split()[0])"}).output) +
      ", " + first_line(run({"cp", "--version"}).output) + "\nfiles: page-cached, under " +
      std::filesystem::temp_directory_path().string() + " (filesystem " + g_files->filesystem() +
      ", st_blksize " + std::to_string(g_files->st_blksize()) +
      "); every copy truncates and rewrites the destination";
  g_files.reset();
  std::vector<std::string> order;
  for (const Way& way : ways) order.push_back(way.name);
  print_report(results, order, about);
}

}  // namespace

int main(int argc, char** argv) {
  return bl::bench::bench_main("bl_bench_copy", argc, argv, [](bool want_report) {
    const auto copies = in_process_copies();
    if (want_report) {
      report(copies);
    } else {
      register_cases(copies);
      benchmark::RunSpecifiedBenchmarks();
      g_files.reset();
    }
  });
}
