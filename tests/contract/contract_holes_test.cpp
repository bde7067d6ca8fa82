// Kernel contract: holes — lseek's SEEK_DATA and SEEK_HOLE and st_blocks on sparse files, as
// ext4 with 4096-byte blocks answers them here.
//
// What was measured (PosixKernel, /tmp on ext4, delalloc): a block is data once anything was
// written into it, zeros too, and it is data at once — delayed allocation reports a block
// reserved by write(2) as data, and counts it in st_blocks, before any fsync; fsync changes
// neither answer. Growing a file by ftruncate, or by writing past its end, leaves holes;
// shrinking frees the blocks wholly past the new end but keeps a partial last one. Copies made
// by copy_file_range and sendfile are dense: ext4 has no copy offload, so the holes they read
// are written as zeros. A hole at the end of the file is reported from the last data block's
// end, not from the size; SEEK_HOLE in data that runs to the end answers the size.
//
// Not asserted, because SimKernel does not model it: once more than four extents reach
// storage, ext4 adds a block for its extent tree to st_blocks (20 one-block extents took 168
// units after fsync, 160 before); and a store through a shared map that leaves a hole's bytes
// zero still allocates the block on Linux (SimKernel notices stores only by what they change).
#include <algorithm>
#include <cstdlib>
#include <memory>

#include "contract/kernel_fixture.hpp"

using namespace bl::contract;
using bl::os::as_bytes;

namespace {

// Where the data of `fd` lies, found as a program would: SEEK_DATA, then SEEK_HOLE from
// there, until the end; e.g. "data[0,4096) data[8192,8198)". Moves the file position.
std::string data_map(Kernel& k, Fd fd) {
  const std::int64_t size = must(k.fstat(fd)).st_size;
  std::string text;
  for (std::int64_t position = 0; position < size;) {
    auto data = k.lseek(fd, position, SEEK::DATA);
    if (!data.ok()) {
      REQUIRE(data.error() == Errno::enxio);  // no more data up to the end
      break;
    }
    const std::int64_t hole = must(k.lseek(fd, data.value(), SEEK::HOLE));
    text += (text.empty() ? "" : " ") + std::string("data[") + std::to_string(data.value()) + "," +
            std::to_string(hole) + ")";
    position = hole;
  }
  return text;
}

std::int64_t blocks(Kernel& k, Fd fd) { return must(k.fstat(fd)).st_blocks; }

Fd fresh(Kernel& k, const std::string& path) {
  return must(k.open(path, O::RDWR | O::CREAT | O::TRUNC, 0644));
}

}  // namespace

TEST_CASE_TEMPLATE("holes: writing past the end leaves a hole before the written block", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  // Python: f.seek(8193); f.write(b'hello'); f.seek(0, os.SEEK_DATA) -> 8192.
  const Fd fd = fresh(k, f.path("f"));
  CHECK(must(k.lseek(fd, 8193, SEEK::SET)) == 8193);
  CHECK(must(k.write(fd, as_bytes("hello"))) == 5);
  // Data at once, before any writeback: ext4's delayed allocation reports reserved blocks.
  CHECK(must(k.lseek(fd, 0, SEEK::DATA)) == 8192);  // the start of the block, not 8193
  CHECK(tell(k, fd) == 8192);
  CHECK(must(k.lseek(fd, 0, SEEK::HOLE)) == 0);
  CHECK(must(k.lseek(fd, 4096, SEEK::HOLE)) == 4096);  // inside a hole: the offset itself
  CHECK(must(k.lseek(fd, 8192, SEEK::HOLE)) == 8198);  // data to the end: the size
  CHECK(must(k.lseek(fd, 8195, SEEK::DATA)) == 8195);  // inside data: the offset itself
  CHECK(blocks(k, fd) == 8);                           // one block, in 512-byte units
  CHECK(data_map(k, fd) == "data[8192,8198)");
  must(k.fsync(fd));
  CHECK(data_map(k, fd) == "data[8192,8198)");
  CHECK(blocks(k, fd) == 8);
  CHECK(pread_text(k, fd, 10, 8190) == std::string("\0\0\0hello", 8));
  must(k.close(fd));

  // pwrite past the end, and an O_APPEND write after ftruncate, allocate only their block.
  const Fd appended = fresh(k, f.path("appended"));
  must(k.ftruncate(appended, 5000));
  const Fd appender = must(k.open(f.path("appended"), O::WRONLY | O::APPEND));
  CHECK(must(k.write(appender, as_bytes("x"))) == 1);
  must(k.close(appender));
  CHECK(data_map(k, appended) == "data[4096,5001)");
  CHECK(blocks(k, appended) == 8);
  CHECK(must(k.pwrite(appended, as_bytes("y"), 16383)) == 1);  // the last byte of block 3
  // The block that held the end is data to its end now: the zeros past 5001 are its bytes.
  CHECK(data_map(k, appended) == "data[4096,8192) data[12288,16384)");
  CHECK(blocks(k, appended) == 16);
  must(k.close(appended));
}

TEST_CASE_TEMPLATE("holes: ftruncate grows a file with a hole", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const Fd fd = fresh(k, f.path("f"));
  must(k.ftruncate(fd, 10000));
  CHECK(blocks(k, fd) == 0);
  CHECK(k.lseek(fd, 0, SEEK::DATA).error() == Errno::enxio);  // all hole up to the end
  CHECK(k.lseek(fd, 9999, SEEK::DATA).error() == Errno::enxio);
  CHECK(must(k.lseek(fd, 0, SEEK::HOLE)) == 0);
  CHECK(must(k.lseek(fd, 9999, SEEK::HOLE)) == 9999);
  CHECK(k.lseek(fd, 10000, SEEK::HOLE).error() == Errno::enxio);  // at the end
  CHECK(k.lseek(fd, -1, SEEK::HOLE).error() == Errno::enxio);
  CHECK(k.lseek(fd, -1, SEEK::DATA).error() == Errno::enxio);
  CHECK(tell(k, fd) == 9999);  // a failed seek leaves the position
  must(k.fsync(fd));
  CHECK(blocks(k, fd) == 0);
  CHECK(k.lseek(fd, 0, SEEK::DATA).error() == Errno::enxio);
  must(k.close(fd));

  // After data: the partial last block stays data, the rest is a hole to the end.
  const Fd grown = fresh(k, f.path("grown"));
  CHECK(must(k.write(grown, as_bytes(std::string(5000, 'x')))) == 5000);
  must(k.ftruncate(grown, 20000));
  CHECK(blocks(k, grown) == 16);
  CHECK(data_map(k, grown) == "data[0,8192)");
  CHECK(must(k.lseek(grown, 4999, SEEK::HOLE)) == 8192);  // not 5000, where the bytes end
  CHECK(must(k.lseek(grown, 5000, SEEK::HOLE)) == 8192);
  CHECK(must(k.lseek(grown, 5000, SEEK::DATA)) == 5000);  // zeros of an allocated block
  CHECK(must(k.lseek(grown, 8192, SEEK::HOLE)) == 8192);
  CHECK(k.lseek(grown, 8192, SEEK::DATA).error() == Errno::enxio);
  CHECK(k.lseek(grown, 19999, SEEK::DATA).error() == Errno::enxio);
  CHECK(k.lseek(grown, 20000, SEEK::DATA).error() == Errno::enxio);
  CHECK(k.lseek(grown, 20000, SEEK::HOLE).error() == Errno::enxio);
  must(k.fdatasync(grown));
  CHECK(data_map(k, grown) == "data[0,8192)");
  CHECK(blocks(k, grown) == 16);
  must(k.close(grown));
}

TEST_CASE_TEMPLATE("holes: ftruncate shrinks into a block and keeps it", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const Fd fd = fresh(k, f.path("f"));
  CHECK(must(k.write(fd, as_bytes(std::string(10000, 'x')))) == 10000);
  CHECK(blocks(k, fd) == 24);
  must(k.ftruncate(fd, 6000));
  CHECK(blocks(k, fd) == 16);  // the third block went; the second, now partial, stays
  CHECK(data_map(k, fd) == "data[0,6000)");
  must(k.ftruncate(fd, 20000));  // and grows back with a hole after that block
  CHECK(blocks(k, fd) == 16);
  CHECK(data_map(k, fd) == "data[0,8192)");
  CHECK(pread_text(k, fd, 2, 5999) == std::string("x\0", 2));
  must(k.fsync(fd));
  CHECK(data_map(k, fd) == "data[0,8192)");
  must(k.ftruncate(fd, 4096));
  CHECK(blocks(k, fd) == 8);
  CHECK(data_map(k, fd) == "data[0,4096)");
  must(k.ftruncate(fd, 4095));
  CHECK(blocks(k, fd) == 8);
  CHECK(data_map(k, fd) == "data[0,4095)");
  must(k.ftruncate(fd, 0));
  CHECK(blocks(k, fd) == 0);
  CHECK(k.lseek(fd, 0, SEEK::DATA).error() == Errno::enxio);
  must(k.close(fd));

  // O_TRUNC frees every block too; a later write allocates only its own.
  write_file(k, f.path("t"), std::string(9000, 'x'));
  const Fd truncated = must(k.open(f.path("t"), O::RDWR | O::TRUNC));
  CHECK(blocks(k, truncated) == 0);
  CHECK(must(k.pwrite(truncated, as_bytes("a"), 5000)) == 1);
  CHECK(data_map(k, truncated) == "data[4096,5001)");
  CHECK(blocks(k, truncated) == 8);
  must(k.close(truncated));
}

TEST_CASE_TEMPLATE("holes: written zeros are data", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const Fd fd = fresh(k, f.path("f"));
  CHECK(must(k.write(fd, as_bytes(std::string(8192, '\0')))) == 8192);
  CHECK(blocks(k, fd) == 16);
  CHECK(must(k.lseek(fd, 0, SEEK::DATA)) == 0);
  CHECK(must(k.lseek(fd, 0, SEEK::HOLE)) == 8192);
  must(k.fsync(fd));
  CHECK(data_map(k, fd) == "data[0,8192)");
  CHECK(blocks(k, fd) == 16);
  // Ten bytes astride two blocks of a hole allocate both.
  must(k.ftruncate(fd, 30000));
  CHECK(must(k.pwrite(fd, as_bytes(std::string(10, '\0')), 12285)) == 10);
  CHECK(data_map(k, fd) == "data[0,16384)");
  CHECK(blocks(k, fd) == 32);
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("holes: empty files, offsets past the end, a partial last block", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const Fd empty = fresh(k, f.path("empty"));
  CHECK(blocks(k, empty) == 0);
  for (const int whence : {SEEK::DATA, SEEK::HOLE}) {
    CAPTURE(whence);
    CHECK(k.lseek(empty, 0, whence).error() == Errno::enxio);
    CHECK(k.lseek(empty, 1, whence).error() == Errno::enxio);
    CHECK(k.lseek(empty, -1, whence).error() == Errno::enxio);
  }
  must(k.close(empty));

  const Fd fd = fresh(k, f.path("f"));
  CHECK(must(k.write(fd, as_bytes(std::string(5000, 'x')))) == 5000);
  CHECK(blocks(k, fd) == 16);
  CHECK(must(k.lseek(fd, 0, SEEK::HOLE)) == 5000);  // the size, not the block's end (8192)
  CHECK(must(k.lseek(fd, 4999, SEEK::HOLE)) == 5000);
  CHECK(must(k.lseek(fd, 4999, SEEK::DATA)) == 4999);
  CHECK(k.lseek(fd, 5000, SEEK::DATA).error() == Errno::enxio);
  CHECK(k.lseek(fd, 5001, SEEK::DATA).error() == Errno::enxio);
  CHECK(k.lseek(fd, 8192, SEEK::HOLE).error() == Errno::enxio);
  CHECK(k.lseek(fd, -5, SEEK::HOLE).error() == Errno::enxio);
  CHECK(k.lseek(fd, std::int64_t{1} << 62, SEEK::DATA).error() == Errno::enxio);
  CHECK(k.lseek(fd, INT64_MAX, SEEK::HOLE).error() == Errno::enxio);
  CHECK(k.lseek(fd, INT64_MIN, SEEK::DATA).error() == Errno::enxio);
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("holes: several data runs between holes", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const Fd fd = fresh(k, f.path("f"));
  must(k.ftruncate(fd, 200000));
  CHECK(must(k.pwrite(fd, as_bytes("z"), 100000)) == 1);
  CHECK(must(k.pwrite(fd, as_bytes("z"), 4095)) == 1);
  CHECK(must(k.pwrite(fd, as_bytes("z"), 30 * 4096)) == 1);
  const char* const expected = "data[0,4096) data[98304,102400) data[122880,126976)";
  CHECK(data_map(k, fd) == expected);
  CHECK(blocks(k, fd) == 24);
  CHECK(must(k.lseek(fd, 4096, SEEK::DATA)) == 98304);
  CHECK(must(k.lseek(fd, 98304, SEEK::HOLE)) == 102400);
  CHECK(must(k.lseek(fd, 100000, SEEK::HOLE)) == 102400);
  CHECK(must(k.lseek(fd, 102400, SEEK::DATA)) == 122880);
  CHECK(must(k.lseek(fd, 125000, SEEK::DATA)) == 125000);
  CHECK(must(k.lseek(fd, 125000, SEEK::HOLE)) == 126976);
  CHECK(k.lseek(fd, 126976, SEEK::DATA).error() == Errno::enxio);
  must(k.fsync(fd));  // three extents fit in the inode: no extent block is added
  CHECK(data_map(k, fd) == expected);
  CHECK(blocks(k, fd) == 24);
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("holes: copy_file_range and sendfile write the holes they copy", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const Fd source = fresh(k, f.path("sparse"));
  must(k.ftruncate(source, 20000));
  CHECK(must(k.pwrite(source, as_bytes("abc"), 12288)) == 3);

  const Fd copied = fresh(k, f.path("copied"));
  std::int64_t from = 0, to = 0;
  CHECK(must(k.copy_file_range(source, &from, copied, &to, 20000)) == 20000);
  CHECK(data_map(k, copied) == "data[0,20000)");
  CHECK(blocks(k, copied) == 40);
  must(k.close(copied));

  const Fd sent = fresh(k, f.path("sent"));
  std::int64_t offset = 0;
  CHECK(must(k.sendfile(sent, source, &offset, 20000)) == 20000);
  CHECK(data_map(k, sent) == "data[0,20000)");
  CHECK(blocks(k, sent) == 40);
  must(k.close(sent));

  // A copy of nothing but hole, past the target's end: one block of zeros, after a hole.
  const Fd zeros = fresh(k, f.path("zeros"));
  from = 0;
  to = 8192;
  CHECK(must(k.copy_file_range(source, &from, zeros, &to, 4096)) == 4096);
  CHECK(data_map(k, zeros) == "data[8192,12288)");
  CHECK(blocks(k, zeros) == 8);
  must(k.close(zeros));
  must(k.close(source));
}

TEST_CASE_TEMPLATE("holes: a store through a shared map allocates its block", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const Fd fd = fresh(k, f.path("f"));
  must(k.ftruncate(fd, 3 * 4096));
  std::byte* map = must(k.mmap(3 * 4096, PROT::READ | PROT::WRITE, MAP::SHARED, fd, 0));
  CHECK(map[0] == std::byte{0});  // reading a hole allocates nothing
  CHECK(blocks(k, fd) == 0);
  CHECK(k.lseek(fd, 0, SEEK::DATA).error() == Errno::enxio);
  map[4096 + 5] = std::byte{'w'};
  CHECK(data_map(k, fd) == "data[4096,8192)");
  CHECK(blocks(k, fd) == 8);
  must(k.munmap(map, 3 * 4096));
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("holes: O_DIRECT writes into a hole allocate their blocks", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  struct Free {
    void operator()(std::byte* p) const { std::free(p); }
  };
  const std::unique_ptr<std::byte, Free> memory(
      static_cast<std::byte*>(std::aligned_alloc(4096, 4096)));
  REQUIRE(memory != nullptr);
  const std::span<std::byte> aligned(memory.get(), 4096);
  std::fill(aligned.begin(), aligned.end(), std::byte{'a'});
  const Fd fd = must(k.open(f.path("f"), O::RDWR | O::CREAT | O::DIRECT, 0644));
  must(k.ftruncate(fd, 5 * 4096));
  CHECK(must(k.pwrite(fd, aligned, 8192)) == 4096);
  CHECK(data_map(k, fd) == "data[8192,12288)");
  CHECK(blocks(k, fd) == 8);
  must(k.close(fd));
}

// SimKernel alone: what a crash leaves. Storage holds the blocks that a sync wrote; blocks
// written since are gone with the cache, holes where the durable size still reaches them.
namespace {

void sync_directory(Kernel& k, std::string_view path) {
  const Fd dir = must(k.open(path, O::RDONLY | O::DIRECTORY));
  must(k.fsync(dir));
  must(k.close(dir));
}

}  // namespace

TEST_CASE("holes: after crash(), the blocks storage held") {
  bl::os::SimKernel k;
  const Fd fd = must(k.open("/tmp/f", O::RDWR | O::CREAT, 0644));
  must(k.ftruncate(fd, 20000));
  CHECK(must(k.pwrite(fd, as_bytes("a"), 5000)) == 1);
  must(k.fsync(fd));
  sync_directory(k, "/tmp");
  CHECK(must(k.pwrite(fd, as_bytes("b"), 12288)) == 1);
  must(k.ftruncate(fd, 30000));
  must(k.fdatasync(fd));                             // the size, and the block at 12288
  CHECK(must(k.pwrite(fd, as_bytes("c"), 0)) == 1);  // in the cache only
  CHECK(data_map(k, fd) == "data[0,8192) data[12288,16384)");
  (void)k.crash();

  const Fd after = must(k.open("/tmp/f", O::RDONLY));
  CHECK(must(k.fstat(after)).st_size == 30000);
  CHECK(data_map(k, after) == "data[4096,8192) data[12288,16384)");
  CHECK(blocks(k, after) == 16);
  CHECK(pread_text(k, after, 1, 0) == std::string(1, '\0'));
  must(k.close(after));
}

TEST_CASE("holes: after crash(), a durable size past unsynced blocks reaches holes") {
  bl::os::SimKernel k;
  const Fd fd = must(k.open("/tmp/f", O::RDWR | O::CREAT, 0644));
  CHECK(must(k.write(fd, as_bytes(std::string(6000, 'x')))) == 6000);
  must(k.fsync(fd));
  sync_directory(k, "/tmp");
  CHECK(must(k.pwrite(fd, as_bytes("y"), 16384)) == 1);
  CHECK(must(k.pwrite(fd, as_bytes("z"), 9000)) == 1);
  // msync(MS_SYNC) of the last page makes it and the size durable, not the block at 9000.
  std::byte* map = must(k.mmap(4096, PROT::READ, MAP::SHARED, fd, 16384));
  must(k.msync(map, 4096, MS::SYNC));
  must(k.munmap(map, 4096));
  CHECK(data_map(k, fd) == "data[0,12288) data[16384,16385)");
  (void)k.crash();

  const Fd after = must(k.open("/tmp/f", O::RDONLY));
  CHECK(must(k.fstat(after)).st_size == 16385);
  CHECK(data_map(k, after) == "data[0,8192) data[16384,16385)");
  CHECK(blocks(k, after) == 24);
  must(k.close(after));
}
