// The main() of bl_bench_codecs and bl_bench_copy: Google Benchmark's own flags, plus
// `--report`, which runs the bench's report instead of the benchmark table.
#pragma once

#include <benchmark/benchmark.h>

#include <cstring>
#include <exception>
#include <iostream>
#include <vector>

#include "os/errors.hpp"

namespace bl::bench {

// Calls `body(report)`; an exception from it is printed as "<name>: <Type>: <message>" and
// makes the exit status 1.
template <class Body>
int bench_main(const char* name, int argc, char** argv, Body&& body) {
  bool report = false;
  std::vector<char*> args = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--report") == 0)
      report = true;
    else
      args.push_back(argv[i]);
  }
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  try {
    body(report);
  } catch (const bl::Exception& error) {
    std::cerr << name << ": " << error.type_name() << ": " << error.what() << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << name << ": " << error.what() << "\n";
    return 1;
  }
  benchmark::Shutdown();
  return 0;
}

}  // namespace bl::bench
