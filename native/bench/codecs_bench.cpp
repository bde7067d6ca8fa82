// bl_bench_codecs: UTF-8 decoding, bufferlab against CPython's bytes.decode('utf-8').
//
//   decode/<text>/<size>    bl::codecs::decode(bytes, "utf-8"): bytes in, a new Str out, as
//                           bytes.decode does (the headline number)
//   kernels/<text>/<size>   utf8::copy_ascii, then validate and decode_narrow or decode_wide
//                           from the first non-ASCII byte on, into reused buffers: the
//                           kernels without the codec and without allocating the Str
//
// text: ascii, mostly-ascii, cjk (text_samples.hpp), 4 MiB each. size: "whole" decodes the
// 4 MiB in one call; "8KiB" decodes it in chunks of at most 8 KiB cut at character boundaries,
// one call each (what TextIOWrapper decodes per read of its 8 KiB chunk).
//
// `--report` runs no Google Benchmark table: it starts python3 (cpython_timer.hpp), then for 9
// rounds times, case by case, bufferlab and then CPython on the same bytes (A B A B), and prints
// the medians as GB/s of input and the ratio bufferlab / CPython. docs/benchmarks.md quotes it.
#include <benchmark/benchmark.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_main.hpp"
#include "buffer/bytes.hpp"
#include "codecs/codec.hpp"
#include "codecs/utf8_kernels.hpp"
#include "codecs/utf8_kernels_impl.hpp"
#include "cpython_timer.hpp"
#include "os/errors.hpp"
#include "text_samples.hpp"

namespace {

using namespace bl;

constexpr std::size_t kTextBytes = 4 << 20;
constexpr std::size_t kChunk = 8 << 10;

// One text decoded one way: whole, or chunk by chunk.
struct Case {
  const bench::TextSample* sample;
  std::string size;                 // "whole" or "8KiB"
  std::vector<std::size_t> starts;  // chunk starts, then the text's size

  std::string key() const { return sample->name + "/" + size; }
  std::size_t bytes() const { return sample->utf8.size(); }
  buffer::ByteSpan chunk(std::size_t k) const {
    return {reinterpret_cast<const std::byte*>(sample->utf8.data()) + starts[k],
            starts[k + 1] - starts[k]};
  }
  std::size_t chunks() const { return starts.size() - 1; }
};

// Decodes every chunk with the codec; returns the code points, which must not be optimized out.
std::size_t decode_with_codec(const Case& c) {
  std::size_t code_points = 0;
  for (std::size_t k = 0; k < c.chunks(); ++k) {
    codecs::Str text = codecs::decode(c.chunk(k), "utf-8");
    code_points += text.size();
    benchmark::DoNotOptimize(text);
  }
  return code_points;
}

// The kernels' share of the same work, into buffers that outlive the calls, as a decoder that
// reads ASCII once would call them: copy_ascii, then (at the first non-ASCII byte) validate and
// decode_narrow or decode_wide for the rest.
class KernelDecoder {
 public:
  explicit KernelDecoder(std::size_t capacity) : narrow_(capacity), wide_(capacity) {}

  std::size_t decode(const Case& c) {
    std::size_t code_points = 0;
    for (std::size_t k = 0; k < c.chunks(); ++k) {
      const buffer::ByteSpan chunk = c.chunk(k);
      code_points += decode(reinterpret_cast<const std::uint8_t*>(chunk.data()), chunk.size());
      benchmark::ClobberMemory();
    }
    return code_points;
  }

 private:
  std::size_t decode(const std::uint8_t* p, std::size_t n) {
    namespace utf8 = codecs::utf8;
    const std::size_t ascii = utf8::copy_ascii(p, n, narrow_.data());
    if (ascii == n) return n;
    const utf8::Validation v = utf8::validate(p + ascii, n - ascii);
    if (v.valid != n - ascii) throw std::logic_error("kernels: text is not valid UTF-8");
    if (v.narrow) {
      utf8::decode_narrow(p + ascii, n - ascii, narrow_.data() + ascii);
    } else {
      std::copy(narrow_.begin(), narrow_.begin() + static_cast<std::ptrdiff_t>(ascii),
                wide_.begin());
      utf8::decode_wide(p + ascii, n - ascii, wide_.data() + ascii);
    }
    return ascii + v.code_points;
  }

  std::vector<char> narrow_;
  std::vector<char32_t> wide_;
};

// --- Google Benchmark cases ------------------------------------------------------------------

void run_codec(benchmark::State& state, const Case* c) {
  for (auto _ : state) benchmark::DoNotOptimize(decode_with_codec(*c));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c->bytes()));
}

void run_kernels(benchmark::State& state, const Case* c) {
  KernelDecoder decoder(c->bytes());
  for (auto _ : state) benchmark::DoNotOptimize(decoder.decode(*c));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c->bytes()));
}

std::vector<Case> cases_of(const std::vector<bench::TextSample>& samples) {
  std::vector<Case> cases;
  for (const bench::TextSample& s : samples) {
    cases.push_back({&s, "whole", {0, s.utf8.size()}});
    cases.push_back({&s, "8KiB", bench::chunk_starts(s.utf8, kChunk)});
  }
  return cases;
}

void register_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    benchmark::RegisterBenchmark(("decode/" + c.key()).c_str(), run_codec, &c);
    benchmark::RegisterBenchmark(("kernels/" + c.key()).c_str(), run_kernels, &c);
  }
}

// --- --report ----------------------------------------------------------------------------------

constexpr int kRounds = 9;
constexpr double kBatchSeconds = 0.05;

double thread_cpu_now() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Runs `work` `number` times; the time per run.
bench::Seconds time_runs(const std::function<std::size_t()>& work, int number) {
  const double cpu = thread_cpu_now();
  const auto wall = std::chrono::steady_clock::now();
  for (int i = 0; i < number; ++i) benchmark::DoNotOptimize(work());
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - wall;
  return {(thread_cpu_now() - cpu) / number, elapsed.count() / number};
}

// How many runs make one timing of about kBatchSeconds.
int runs_per_timing(const std::function<std::size_t()>& work) {
  const double once = std::max(time_runs(work, 3).wall, 1e-7);
  return std::max(1, static_cast<int>(kBatchSeconds / once));
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// The timings of one case: bufferlab's codec, its kernels, CPython.
struct Timings {
  std::vector<double> codec_cpu, codec_wall, kernels_cpu, kernels_wall, python_cpu, python_wall;
};

std::string fixed(double value, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

void print_report(const std::vector<Case>& cases, const std::vector<Timings>& timings,
                  const std::string& python_version) {
  std::printf("\n== bufferlab utf-8 decoding vs CPython %s bytes.decode('utf-8') ==\n",
              python_version.c_str());
  std::printf("kernels: %s; texts:", codecs::utf8::active_kernels().name);
  for (std::size_t i = 0; i < cases.size(); i += 2)
    std::printf(" %s %.2f MiB (%.1f%% non-ASCII code points)%s", cases[i].sample->name.c_str(),
                static_cast<double>(cases[i].bytes()) / (1 << 20),
                100 * cases[i].sample->non_ascii_share, i + 2 < cases.size() ? "," : "\n");
  std::printf(
      "medians of %d rounds, each timing bufferlab then CPython on the same bytes;\n"
      "GB/s of UTF-8 input per thread CPU second (wall clock in parentheses)\n\n",
      kRounds);
  std::printf("%-13s %-13s %17s %17s %17s %19s\n", "text", "decoded", "bufferlab decode",
              "kernels only", "CPython decode", "bufferlab/CPython");
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const Timings& t = timings[i];
    const double gb = static_cast<double>(c.bytes()) / 1e9;
    auto rate = [&](const std::vector<double>& cpu, const std::vector<double>& wall) {
      return fixed(gb / median(cpu), 2) + " (" + fixed(gb / median(wall), 2) + ")";
    };
    const double ratio = median(t.python_cpu) / median(t.codec_cpu);
    const double wall_ratio = median(t.python_wall) / median(t.codec_wall);
    const std::string how = c.size == "whole" ? "whole 4 MiB" : "8 KiB chunks";
    std::printf(
        "%-13s %-13s %17s %17s %17s %8sx (%sx) %s\n", c.sample->name.c_str(), how.c_str(),
        rate(t.codec_cpu, t.codec_wall).c_str(), rate(t.kernels_cpu, t.kernels_wall).c_str(),
        rate(t.python_cpu, t.python_wall).c_str(), fixed(ratio, 2).c_str(),
        fixed(wall_ratio, 2).c_str(), ratio >= 2 ? "target >= 2x met" : "target >= 2x NOT MET");
  }
}

void report(const std::vector<Case>& cases) {
  bench::CPythonTimer python;
  std::vector<std::function<std::size_t()>> codec, kernels;
  std::vector<int> codec_runs, kernel_runs;
  KernelDecoder decoder(kTextBytes);
  for (const Case& c : cases) {
    const std::size_t expected = python.load(c.key(), c.sample->utf8, c.starts);
    codec.push_back([&c] { return decode_with_codec(c); });
    kernels.push_back([&c, &decoder] { return decoder.decode(c); });
    if (codec.back()() != expected || kernels.back()() != expected)
      throw std::logic_error(c.key() + ": bufferlab and CPython decode different code points");
    codec_runs.push_back(runs_per_timing(codec.back()));
    kernel_runs.push_back(runs_per_timing(kernels.back()));
  }
  std::vector<Timings> timings(cases.size());
  for (int round = 0; round < kRounds; ++round) {
    std::fprintf(stderr, "\rround %d of %d", round + 1, kRounds);
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const bench::Seconds ours = time_runs(codec[i], codec_runs[i]);
      const bench::Seconds bare = time_runs(kernels[i], kernel_runs[i]);
      const bench::Seconds theirs = python.time(cases[i].key());
      Timings& t = timings[i];
      t.codec_cpu.push_back(ours.cpu);
      t.codec_wall.push_back(ours.wall);
      t.kernels_cpu.push_back(bare.cpu);
      t.kernels_wall.push_back(bare.wall);
      t.python_cpu.push_back(theirs.cpu);
      t.python_wall.push_back(theirs.wall);
    }
  }
  std::fprintf(stderr, "\n");
  print_report(cases, timings, python.version());
}

}  // namespace

int main(int argc, char** argv) {
  return bl::bench::bench_main("bl_bench_codecs", argc, argv, [](bool want_report) {
    const std::vector<bench::TextSample> samples = bench::text_samples(kTextBytes);
    const std::vector<Case> cases = cases_of(samples);
    if (want_report) {
      report(cases);
    } else {
      benchmark::AddCustomContext("utf8_kernels", codecs::utf8::active_kernels().name);
      register_cases(cases);
      benchmark::RunSpecifiedBenchmarks();
    }
  });
}
