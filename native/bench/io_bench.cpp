// bl_bench_io: what Python's buffering costs and saves, measured on the real kernel.
//
// Every case works on a page-cached temporary file (bench_files.hpp), so the numbers are the
// cost of the calls and copies, not of a disk. Three families, each against the unbuffered
// ways of doing the same work:
//
//   read/<variant>/<n>       read(n) in a loop over the 64 MiB file (seek(0) before the end)
//   write/<variant>/<n>      write() of n-byte records appended to a file that grows (as a
//                            log does), truncated to 0 every 64 MiB
//   overwrite/<variant>/<n>  the same records rewriting an 8 MiB file in place: no page-cache
//                            pages to allocate (both families add kernel/4096: one flush)
//   readinto/<variant>/<n>   readinto() a reused 64 KiB bytearray
//
// variants: BufferedReader/BufferedWriter as open() builds them (buffer = st_blksize, 4096
// here), FileIO (open(..., buffering=0)), kernel (one PosixKernel call per n, reused buffer).
// `--report` adds the ratios of docs/benchmarks.md after the usual output.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bench_files.hpp"
#include "buffer/bytes.hpp"
#include "io/buffered.hpp"
#include "io/fileio.hpp"
#include "io/open.hpp"
#include "os/posix_kernel.hpp"
#include "report.hpp"

namespace {

using namespace bl;

constexpr std::int64_t kMiB = std::int64_t{1} << 20;
constexpr std::int64_t kReadFileSize = 64 * kMiB;

os::PosixKernel g_kernel;
const bench::BenchFiles* g_files = nullptr;  // set by main() before any case runs

// The position a read loop keeps so that every call reads exactly n bytes: rewinds (through
// `rewind`) before a read that would cross the end of the file.
template <class Rewind>
void before_read(std::int64_t& position, std::int64_t n, std::int64_t end, Rewind&& rewind) {
  if (position + n > end) {
    rewind();
    position = 0;
  }
}

template <class Stream>
std::shared_ptr<Stream> open_as(const std::string& path, const char* mode) {
  auto stream = std::dynamic_pointer_cast<Stream>(io::open(g_kernel, path, {.mode = mode}));
  if (!stream) throw std::logic_error(std::string("open() did not stack the expected class"));
  return stream;
}

void finish(benchmark::State& state, std::int64_t n) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * n);
}

// --- read(n) -------------------------------------------------------------------------------

void read_buffered(benchmark::State& state, std::int64_t n) {
  auto reader = open_as<io::BufferedReader>(g_files->read_path(), "rb");
  state.SetLabel("buffer " + std::to_string(reader->buffer_size()));
  std::int64_t position = 0;
  for (auto _ : state) {
    before_read(position, n, g_files->read_size(), [&] { reader->seek(0); });
    std::optional<buffer::Bytes> data = reader->read(n);
    if (!data || static_cast<std::int64_t>(data->size()) != n) state.SkipWithError("short read");
    benchmark::DoNotOptimize(data);
    position += n;
  }
  finish(state, n);
}

void read_fileio(benchmark::State& state, std::int64_t n) {
  io::FileIO file(g_kernel, g_files->read_path(), {.mode = "rb"});
  std::int64_t position = 0;
  for (auto _ : state) {
    before_read(position, n, g_files->read_size(), [&] { file.seek(0); });
    std::optional<buffer::Bytes> data = file.read(n);
    if (!data || static_cast<std::int64_t>(data->size()) != n) state.SkipWithError("short read");
    benchmark::DoNotOptimize(data);
    position += n;
  }
  finish(state, n);
}

void read_kernel_into(benchmark::State& state, std::span<std::byte> buffer) {
  const auto n = static_cast<std::int64_t>(buffer.size());
  os::Fd fd = g_kernel.open(g_files->read_path(), os::O::RDONLY | os::O::CLOEXEC)
                  .value_or_raise(g_files->read_path());
  std::int64_t position = 0;
  for (auto _ : state) {
    before_read(position, n, g_files->read_size(),
                [&] { (void)g_kernel.lseek(fd, 0, os::SEEK::SET); });
    os::Result<std::size_t> got = g_kernel.read(fd, buffer);
    if (!got.ok() || static_cast<std::int64_t>(got.value()) != n) state.SkipWithError("short read");
    benchmark::DoNotOptimize(buffer.data());
    benchmark::ClobberMemory();
    position += n;
  }
  (void)g_kernel.close(fd);
  finish(state, n);
}

void read_kernel(benchmark::State& state, std::int64_t n) {
  std::vector<std::byte> buffer(static_cast<std::size_t>(n));
  read_kernel_into(state, buffer);
}

// --- readinto(bytearray) -------------------------------------------------------------------

template <class Stream>
void readinto_stream(benchmark::State& state, Stream& stream, std::int64_t n) {
  buffer::ByteArray array(static_cast<std::size_t>(n));
  std::int64_t position = 0;
  for (auto _ : state) {
    before_read(position, n, g_files->read_size(), [&] { stream.seek(0); });
    std::optional<std::int64_t> got = stream.readinto(array.span());
    if (got != n) state.SkipWithError("short readinto");
    benchmark::ClobberMemory();
    position += n;
  }
  finish(state, n);
}

void readinto_buffered(benchmark::State& state, std::int64_t n) {
  auto reader = open_as<io::BufferedReader>(g_files->read_path(), "rb");
  state.SetLabel("buffer " + std::to_string(reader->buffer_size()));
  readinto_stream(state, *reader, n);
}

void readinto_fileio(benchmark::State& state, std::int64_t n) {
  io::FileIO file(g_kernel, g_files->read_path(), {.mode = "rb"});
  readinto_stream(state, file, n);
}

void readinto_kernel(benchmark::State& state, std::int64_t n) {
  buffer::ByteArray array(static_cast<std::size_t>(n));
  read_kernel_into(state, array.span());
}

// --- write(record) -------------------------------------------------------------------------

// How a write case keeps its file bounded.
enum class Bound {
  truncate,   // "write": the file grows, as a log does; back to 0 bytes every 64 MiB
  overwrite,  // "overwrite": an 8 MiB file written before timing, rewritten in place: the
              // kernel finds every page in the page cache and allocates none
};
constexpr std::int64_t kAppendBound = 64 * kMiB;
constexpr std::int64_t kOverwriteBound = 8 * kMiB;

std::vector<std::byte> record_of(std::int64_t n) {
  std::vector<std::byte> record(static_cast<std::size_t>(n), std::byte{'r'});
  record.back() = std::byte{'\n'};
  return record;
}

// Gives the file its kOverwriteBound bytes through `write`, then rewinds through `rewind`.
// In 4 KiB writes, as a BufferedWriter would have written it: written in 1 MiB writes, the
// file's page cache (large folios on ext4, Linux 6.18) makes every later small write() about
// 4x dearer, which would measure the kernel's page-cache layout instead of buffering.
template <class Write, class Rewind>
void prefill(Write&& write, Rewind&& rewind) {
  const std::vector<std::byte> chunk(4096);
  for (std::int64_t done = 0; done < kOverwriteBound;) {
    const auto wrote = static_cast<std::int64_t>(write(chunk));
    if (wrote <= 0) throw std::runtime_error("prefill: write() made no progress");
    done += wrote;
  }
  rewind();
}

// Writes n-byte records through `stream` (a BufferedWriter or a FileIO).
template <class Stream>
void write_records(benchmark::State& state, Stream& stream, std::int64_t n, Bound bound) {
  const std::vector<std::byte> record = record_of(n);
  if (bound == Bound::overwrite)
    prefill([&](std::span<const std::byte> chunk) { return stream.write(chunk).value_or(0); },
            [&] {
              stream.flush();
              stream.seek(0);
            });
  const std::int64_t end = bound == Bound::truncate ? kAppendBound : kOverwriteBound;
  std::int64_t position = 0;
  for (auto _ : state) {
    if (position + n > end) {
      stream.seek(0);
      if (bound == Bound::truncate) stream.truncate();
      position = 0;
    }
    std::optional<std::int64_t> wrote = stream.write(record);
    if (wrote != n) state.SkipWithError("short write");
    position += n;
  }
  stream.close();
  finish(state, n);
}

void write_buffered(benchmark::State& state, std::int64_t n, Bound bound) {
  auto writer = open_as<io::BufferedWriter>(g_files->write_path(), "wb");
  state.SetLabel("buffer " + std::to_string(writer->buffer_size()));
  write_records(state, *writer, n, bound);
}

void write_fileio(benchmark::State& state, std::int64_t n, Bound bound) {
  io::FileIO file(g_kernel, g_files->write_path(), {.mode = "wb"});
  write_records(state, file, n, bound);
}

void write_kernel(benchmark::State& state, std::int64_t n, Bound bound) {
  const std::vector<std::byte> record = record_of(n);
  const std::string& path = g_files->write_path();
  os::Fd fd = g_kernel.open(path, os::O::WRONLY | os::O::CREAT | os::O::TRUNC | os::O::CLOEXEC)
                  .value_or_raise(path);
  if (bound == Bound::overwrite)
    prefill(
        [&](std::span<const std::byte> chunk) {
          return g_kernel.write(fd, chunk).value_or_raise(path);
        },
        [&] { (void)g_kernel.lseek(fd, 0, os::SEEK::SET); });
  const std::int64_t end = bound == Bound::truncate ? kAppendBound : kOverwriteBound;
  std::int64_t position = 0;
  for (auto _ : state) {
    if (position + n > end) {
      (void)g_kernel.lseek(fd, 0, os::SEEK::SET);
      if (bound == Bound::truncate) (void)g_kernel.ftruncate(fd, 0);
      position = 0;
    }
    os::Result<std::size_t> wrote = g_kernel.write(fd, record);
    if (!wrote.ok() || static_cast<std::int64_t>(wrote.value()) != n)
      state.SkipWithError("short write");
    position += n;
  }
  (void)g_kernel.close(fd);
  finish(state, n);
}

// --- registration and main -----------------------------------------------------------------

template <class Case, class... Args>
void add(const std::string& family, const char* variant, Case run, std::int64_t n, Args... args) {
  const std::string name = family + "/" + variant + "/" + std::to_string(n);
  benchmark::RegisterBenchmark(name.c_str(), run, n, args...);
}

void register_cases() {
  for (std::int64_t n : {std::int64_t{1}, std::int64_t{16}, std::int64_t{256}, std::int64_t{4096},
                         64 * std::int64_t{1024}, kMiB}) {
    add("read", "BufferedReader", read_buffered, n);
    add("read", "FileIO", read_fileio, n);
    add("read", "kernel", read_kernel, n);
  }
  for (auto [family, bound] :
       {std::pair{"write", Bound::truncate}, std::pair{"overwrite", Bound::overwrite}}) {
    for (std::int64_t n : {std::int64_t{16}, std::int64_t{100}}) {
      add(family, "BufferedWriter", write_buffered, n, bound);
      add(family, "FileIO", write_fileio, n, bound);
      add(family, "kernel", write_kernel, n, bound);
    }
    // What one BufferedWriter flush costs: a whole buffer's worth in one write().
    add(family, "kernel", write_kernel, 4096, bound);
  }
  add("readinto", "BufferedReader", readinto_buffered, 64 * 1024);
  add("readinto", "FileIO", readinto_fileio, 64 * 1024);
  add("readinto", "kernel", readinto_kernel, 64 * 1024);
}

bool has_flag(const std::vector<std::string>& args, const std::string& flag) {
  for (const std::string& arg : args)
    if (arg.rfind(flag + "=", 0) == 0 || arg == flag) return true;
  return false;
}

// Our defaults first, so that the same flags given on the command line win.
std::vector<std::string> arguments(int argc, char** argv, bool& report) {
  std::vector<std::string> given;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--report") == 0)
      report = true;
    else
      given.emplace_back(argv[i]);
  }
  // --report: many short repetitions, interleaved at random with the other cases', so that a
  // change in the machine's load during the run touches both sides of every ratio.
  std::vector<std::string> args = {argv[0]};
  if (report) {
    args.insert(args.end(), {"--benchmark_min_time=0.03", "--benchmark_repetitions=9",
                             "--benchmark_enable_random_interleaving=true",
                             "--benchmark_display_aggregates_only=true"});
  } else {
    args.emplace_back("--benchmark_min_time=0.1");
  }
  args.insert(args.end(), given.begin(), given.end());
  if (report && has_flag(given, "--benchmark_format"))
    std::cerr << "bl_bench_io: --report prints the console table; use --benchmark_out=FILE "
                 "--benchmark_out_format=json for JSON\n";
  return args;
}

// The console's colors as benchmark's own reporter chooses them: --benchmark_color, else
// colors on a terminal.
bool color(const std::vector<std::string>& args) {
  std::string value = "auto";
  for (const std::string& arg : args)
    if (arg.rfind("--benchmark_color=", 0) == 0) value = arg.substr(arg.find('=') + 1);
  if (value == "auto") return ::isatty(STDOUT_FILENO) == 1;
  return value == "true" || value == "yes" || value == "1";
}

std::string describe(const bench::BenchFiles& files) {
  return "file: " + files.read_path() + " (" + std::to_string(files.read_size() / kMiB) +
         " MiB, page-cached), filesystem " + files.filesystem() + ", st_blksize " +
         std::to_string(files.st_blksize());
}

}  // namespace

int main(int argc, char** argv) {
  bool report = false;
  std::vector<std::string> args = arguments(argc, argv, report);
  std::vector<char*> pointers;
  for (std::string& arg : args) pointers.push_back(arg.data());
  int count = static_cast<int>(pointers.size());
  benchmark::Initialize(&count, pointers.data());
  if (benchmark::ReportUnrecognizedArguments(count, pointers.data())) return 1;
  try {
    register_cases();
    bench::BenchFiles files(g_kernel, kReadFileSize);
    g_files = &files;
    benchmark::AddCustomContext("bench_file", describe(files));
    if (!report) {
      benchmark::RunSpecifiedBenchmarks();
    } else {
      bench::Collector collector(color(args));
      benchmark::RunSpecifiedBenchmarks(&collector);
      bench::print_ratios(collector, describe(files), std::cout);
    }
    g_files = nullptr;
  } catch (const bl::Exception& error) {
    std::cerr << "bl_bench_io: " << error.type_name() << ": " << error.what() << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "bl_bench_io: " << error.what() << "\n";
    return 1;
  }
  benchmark::Shutdown();
  return 0;
}
