// The JavaScript surface of the wasm module `bufferlab` (Embind). For now: the version, and a
// first run of the simulated kernel that the placeholder page shows; the Sandbox that runs
// Python snippets arrives with the playground.
#include <emscripten/bind.h>

#include <string>

#include "os/sim_kernel.hpp"
#include "trace/snapshot.hpp"
#include "trace/tracing_kernel.hpp"

namespace {

// The CMake project version, e.g. "0.1.0".
std::string version() { return BL_VERSION; }

void write_file(bl::os::Kernel& k, std::string_view path, std::string_view text, bool sync) {
  using namespace bl::os;
  Fd fd =
      k.open(path, O::WRONLY | O::CREAT | O::TRUNC | O::CLOEXEC).value_or_raise(std::string(path));
  k.write(fd, as_bytes(text)).value_or_raise();
  if (sync) k.fsync(fd).value_or_raise();
  k.close(fd).value_or_raise();
}

// Two files written through SimKernel, one of them fsynced with its directory, then a power
// loss: JSON with the syscalls (as strace lines), the files before and after, and what the
// crash changed.
std::string crash_demo() {
  using namespace bl;
  os::SimKernel sim;
  trace::Recorder recorder;
  trace::TracingKernel k(sim, recorder);
  write_file(k, "draft.txt", "written, never synced\n", false);
  write_file(k, "saved.txt", "written and fsynced\n", true);
  os::Fd dir = k.open(".", os::O::RDONLY | os::O::DIRECTORY | os::O::CLOEXEC).value_or_raise(".");
  k.fsync(dir).value_or_raise();
  k.close(dir).value_or_raise();

  nlohmann::json result;
  for (const auto& call : recorder.syscalls()) result["trace"].push_back(trace::to_strace(call));
  result["before"] = trace::to_json(sim.files());
  result["crash"] = trace::to_json(sim.crash());
  result["after"] = trace::to_json(sim.files());
  return result.dump();
}

}  // namespace

EMSCRIPTEN_BINDINGS(bufferlab) {
  emscripten::function("version", &version);
  emscripten::function("crashDemo", &crash_demo);
}
