// The allocation meter (buffer/meter.hpp): PEP 3118's lesson in numbers, and readinto's
// promise that a reused buffer costs nothing per call.
//   content = bytes(10_240_000)
//   content[1024:]              -> a new 10,238,976-byte bytes object
//   memoryview(content)[1024:]  -> a view: no buffer memory
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "buffer/memoryview.hpp"
#include "buffer/meter.hpp"
#include "io/buffered.hpp"
#include "io/fileio.hpp"
#include "os/sim_kernel.hpp"
#include "sim_helpers.hpp"

using bl::buffer::ByteArray;
using bl::buffer::Bytes;
using bl::buffer::ByteVector;
using bl::buffer::MemoryView;
using bl::buffer::Meter;
using bl::buffer::MeterScope;

TEST_CASE("meter: slicing bytes copies, slicing a memoryview does not") {
  const Bytes content{ByteVector(10'240'000, std::byte{0})};
  {
    MeterScope scope;
    Bytes copy = content.slice(1024, 10'240'000);
    CHECK(scope.allocated_bytes() >= 10'238'976);
    CHECK(scope.allocations() == 1);
    CHECK(copy.size() == 10'238'976);
  }
  {
    MeterScope scope;
    MemoryView view = MemoryView(content).slice(1024, 10'240'000);
    CHECK(scope.allocated_bytes() == 0);
    CHECK(scope.allocations() == 0);
    CHECK(view.nbytes() == 10'238'976);
    CHECK(view.span().data() == content.span().data() + 1024);
  }
}

TEST_CASE("meter: casts, strided slices and toreadonly allocate no buffer memory") {
  ByteArray ba(4096);
  MeterScope scope;
  MemoryView m(ba);
  MemoryView q = m.cast("Q", bl::buffer::Shape{{std::int64_t{8}, std::int64_t{64}}});
  MemoryView rows = q.slice(1, 7).toreadonly();
  MemoryView whole = m.slice(0, 4096).cast("B");
  CHECK(rows.shape() == std::vector<std::int64_t>{6, 64});
  CHECK(whole.nbytes() == 4096);
  CHECK(scope.allocated_bytes() == 0);
  // tobytes() is the copy: exactly nbytes.
  Bytes copy = rows.tobytes();
  CHECK(scope.allocated_bytes() == 6 * 64 * 8);
}

TEST_CASE("meter: current, peak and release counts; scopes nest") {
  MeterScope outer;
  {
    MeterScope inner;
    { ByteVector a(1000); }
    ByteVector b(300);
    CHECK(inner.allocations() == 2);
    CHECK(inner.releases() == 1);
    CHECK(inner.peak_bytes() == 1000);
    CHECK(inner.retained_bytes() == 300);
  }
  CHECK(outer.peak_bytes() == 1000);
  CHECK(outer.retained_bytes() == 0);
  CHECK(outer.allocated_bytes() == 1300);
}

TEST_CASE("meter: reset starts a run") {
  ByteVector kept(64);
  Meter::current().reset();
  CHECK(Meter::current().reading().allocations == 0);
  { ByteVector a(10); }
  CHECK(Meter::current().reading().allocations == 1);
  CHECK(Meter::current().reading().peak_bytes == 10);
  CHECK(Meter::current().reading().current_bytes == 0);
}

namespace {

// A 64 KiB file in a SimKernel.
struct SimFile {
  bl::os::SimKernel k;
  std::string path = std::string(bl::os::SimKernel::kHome) + "/data.bin";
  SimFile() { bl::test::put(k, path, std::string(65536, 'x')); }
  std::shared_ptr<bl::io::FileIO> open() {
    return std::make_shared<bl::io::FileIO>(k, path, bl::io::FileIOOptions{.mode = "rb"});
  }
};

}  // namespace

TEST_CASE("meter: FileIO.readinto into a reused bytearray allocates nothing") {
  SimFile file;
  auto f = file.open();
  ByteArray buf(4096);
  MeterScope scope;
  for (int i = 0; i < 8; ++i) CHECK(f->readinto(buf.span()).value() == 4096);
  CHECK(scope.allocated_bytes() == 0);
  CHECK(scope.allocations() == 0);
}

TEST_CASE("meter: BufferedReader.readinto allocates nothing after its buffer exists") {
  SimFile file;
  bl::io::BufferedReader reader(file.open(), 8192);
  ByteArray buf(1000);
  MemoryView view(buf);
  CHECK(reader.readinto(view.mutable_span()).value() == 1000);  // the first read fills the buffer
  MeterScope scope;
  for (int i = 0; i < 40; ++i) CHECK(reader.readinto(view.mutable_span()).value() == 1000);
  CHECK(scope.allocations() == 0);
  CHECK(scope.allocated_bytes() == 0);
  // read(n) by contrast returns a new bytes object each call.
  auto data = reader.read(1000);
  CHECK(scope.allocated_bytes() >= 1000);
}
