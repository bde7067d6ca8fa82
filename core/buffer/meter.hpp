// The allocation meter: how many bytes of buffer memory a piece of code allocates.
//
// PEP 3118's lesson is that `content[1024:]` copies ten megabytes while
// `memoryview(content)[1024:]` copies nothing; the meter is how the sandbox shows it. Every
// allocation and release of a ByteVector (the storage of Bytes, ByteArray, BytesIO, mmap-less
// Storage and codecs' Str) goes through UninitializedAllocator, which reports it here. Object
// headers, shapes and strides are not buffer memory and are not counted.
//
// The counters are thread-local: a run (a test, a snippet in the playground) measures only its
// own thread. `MeterScope` measures the difference a block of code makes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bl::buffer {

// What the meter has seen since the last reset().
struct MeterReading {
  std::int64_t current_bytes = 0;    // allocated and not yet released
  std::int64_t peak_bytes = 0;       // the highest current_bytes since the reset
  std::uint64_t allocations = 0;     // number of allocations
  std::uint64_t allocated_bytes = 0; // their total size
  std::uint64_t releases = 0;        // number of releases
};

class Meter {
 public:
  // This thread's meter.
  static Meter& current() {
    static thread_local Meter meter;
    return meter;
  }

  void on_allocate(std::size_t bytes) {
    r_.current_bytes += static_cast<std::int64_t>(bytes);
    if (r_.current_bytes > r_.peak_bytes) r_.peak_bytes = r_.current_bytes;
    ++r_.allocations;
    r_.allocated_bytes += bytes;
  }
  void on_release(std::size_t bytes) {
    r_.current_bytes -= static_cast<std::int64_t>(bytes);
    ++r_.releases;
  }

  // Starts a new run: counts go to zero, the peak to what is allocated now. Memory allocated
  // before the reset and released after it makes current_bytes negative, as it should: the
  // run gave that memory back.
  void reset() { r_ = MeterReading{0, 0, 0, 0, 0}; }
  const MeterReading& reading() const { return r_; }

 private:
  friend class MeterScope;
  MeterReading r_;
};

// Measures a block: allocated_bytes() and allocations() since construction, peak_bytes() the
// highest growth above the starting level. Scopes nest.
class MeterScope {
 public:
  MeterScope() : meter_(Meter::current()), start_(meter_.r_) {
    meter_.r_.peak_bytes = meter_.r_.current_bytes;
  }
  ~MeterScope() {
    if (start_.peak_bytes > meter_.r_.peak_bytes) meter_.r_.peak_bytes = start_.peak_bytes;
  }
  MeterScope(const MeterScope&) = delete;
  MeterScope& operator=(const MeterScope&) = delete;

  std::uint64_t allocations() const { return meter_.r_.allocations - start_.allocations; }
  std::uint64_t allocated_bytes() const {
    return meter_.r_.allocated_bytes - start_.allocated_bytes;
  }
  std::uint64_t releases() const { return meter_.r_.releases - start_.releases; }
  // Bytes still held that were allocated in the scope (negative: the scope freed older memory).
  std::int64_t retained_bytes() const { return meter_.r_.current_bytes - start_.current_bytes; }
  std::int64_t peak_bytes() const { return meter_.r_.peak_bytes - start_.current_bytes; }

 private:
  Meter& meter_;
  MeterReading start_;
};

}  // namespace bl::buffer
