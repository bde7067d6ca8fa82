// A python3 process that times CPython's own bytes.decode('utf-8') on texts bl_bench_codecs
// sends it, so that both sides decode the same bytes in the same run. It runs
// `python3 -c <script>` (PYTHONUNBUFFERED unset) once and answers over pipes; the timing is
// timeit's, inside the process, so interpreter start-up is not counted.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <string>
#include <vector>

namespace bl::bench {

struct Seconds {
  double cpu = 0;   // the decoding thread's CPU time
  double wall = 0;  // timeit's perf_counter
};

class CPythonTimer {
 public:
  CPythonTimer();
  ~CPythonTimer();
  CPythonTimer(const CPythonTimer&) = delete;
  CPythonTimer& operator=(const CPythonTimer&) = delete;

  const std::string& version() const { return version_; }

  // Hands python the text, cut into chunks at `starts` (text.size() last), under `key`.
  // Python decodes it once and picks how many decodings one timing makes (timeit's
  // autorange, divided by four); returns the code points it decoded.
  std::size_t load(const std::string& key, const std::string& text,
                   const std::vector<std::size_t>& starts);
  // One timing of decoding every chunk of `key`'s text: time per decoding of the whole text.
  Seconds time(const std::string& key);

 private:
  std::string request(const std::string& line);

  pid_t pid_ = -1;
  std::FILE* to_python_ = nullptr;
  std::FILE* from_python_ = nullptr;
  std::string version_;
};

}  // namespace bl::bench
