// Kernel contract, randomized: PosixKernel and SimKernel driven through one random sequence of
// calls must answer alike, call after call.
//
// The hand-written contract cases pin down what their authors thought of; this one looks for
// what nobody thought of. Each seed runs a fixed number of calls over a handful of names that
// collide often ("d" is a directory at one moment and a file the next) and over a table of
// descriptor slots: a slot holds the same open file in both kernels, by two descriptor numbers
// that may differ (this process has other files open). After every call both kernels must give
// the same errno or the same value — the count, the bytes read, the stat fields SimKernel
// models — and at the end of each seed the two trees must hold the same files. A divergence
// names the seed, the call's index and the call, so that it can be replayed; the seed stops
// there, since the two kernels no longer hold the same state.
//
// Holes are in: lseek takes SEEK_DATA and SEEK_HOLE too, and st_blocks is compared, so
// files grown by ftruncate or by writes past their end must keep the same holes in both. A
// regular file's st_blocks may be one block (8 units) more on ext4 than in SimKernel: once
// more than four extents of a file reach storage, ext4 moves them to a block of their own and
// keeps it until the file has no extents left. Whether that happens depends on where ext4 put
// the blocks on disk — other files, and other processes, allocate from the same pool — so no
// model predicts it, and SimKernel does not try.
//
// Left out on purpose, as documented limits of SimKernel's model:
//  - lseek SEEK_END, SEEK_DATA and SEEK_HOLE on a directory: ext4 seeks from its hash
//    index's end (2**63 - 1), SimKernel from the 4096 bytes it reports as a directory's size.
//  - st_ino, st_dev and the times, which no two file systems share.
//  - blocking pipes: reading an empty one would hang the real kernel (SimKernel answers
//    EDEADLK), so every pipe is made O_NONBLOCK and no call ever clears that flag.
// Like the whole contract suite, it expects what Linux 6.4 or later does on ext4 (earlier
// kernels answer O_CREAT | O_DIRECTORY differently), and runs natively only.
#ifdef BL_HAVE_POSIX_KERNEL

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <set>

#include "contract/kernel_fixture.hpp"

using namespace bl::contract;

namespace {

constexpr std::uint64_t kSeeds[] = {1,  2,    3,    4,      5,      6,      7,          8,
                                    42, 1234, 4321, 0xbeef, 0xcafe, 0x5eed, 0x5eed5eed, 20260101};
constexpr int kOperationsPerSeed = 3000;
constexpr std::size_t kSlots = 10;

// Few names, so that calls collide. Trailing slashes, "." and ".." exercise path resolution;
// no name climbs above the working directory, which is always the fixture root or below it.
constexpr std::string_view kNames[] = {
    "a",   "a", "a", "b",   "b",   "b",   "d",  "d",    "d",  "d/e", "d/e", "d/e", "d/f",
    "d/f", "x", "x", "x/y", "x/y", "x/y", "d/", "d/e/", "x/", ".",   "d/.", "d/.."};
// Modes that keep the owner's rwx: the tests run as root here, where permissions are not
// checked, and SimKernel models no permission checks either.
constexpr std::uint32_t kFileModes[] = {0666, 0644, 0600, 0640, 0777, 0700};
constexpr std::uint32_t kDirModes[] = {0777, 0755, 0700, 0750};

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {  // splitmix64: the same sequence with every standard library
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  std::int64_t between(std::int64_t low, std::int64_t high) {
    return low + static_cast<std::int64_t>(below(static_cast<std::size_t>(high - low + 1)));
  }
  bool one_in(std::size_t n) { return below(n) == 0; }
  template <class T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }

 private:
  std::uint64_t state_;
};

// One kernel under test, and how it spells ROOT, the directory each seed works in.
struct Side {
  Kernel& k;
  std::string root;      // as given to the kernel
  std::string cwd_root;  // as its getcwd() spells it
  int index;             // 0: posix, 1: sim
};

// One open file in both kernels.
struct Slot {
  bool open = false;
  Fd fd[2] = {kBadFd, kBadFd};
  bool pipe = false;  // a pipe end: non-blocking, never made blocking
  bool dir = false;
  bool readable = false;  // by its access mode
  bool writable = false;
};

// A name, absolute below each root or relative to the working directory.
struct Path {
  std::string_view name;
  bool relative = false;
  std::string on(const Side& side) const {
    return relative ? std::string(name) : side.root + "/" + std::string(name);
  }
  std::string text() const {
    return relative ? "\"" + std::string(name) + "\"" : "ROOT/" + std::string(name);
  }
};

// What one call gave: the text both kernels must agree on, and the descriptors it made
// (their numbers are not compared).
struct Outcome {
  std::string text;
  std::vector<Fd> fds;
  // A regular file's st_blocks, compared apart from the text (see the top of this file).
  std::optional<std::int64_t> file_blocks;
};

// ext4 may count one block more: its extent tree's.
bool blocks_agree(std::optional<std::int64_t> posix, std::optional<std::int64_t> sim) {
  if (!posix || !sim) return posix == sim;
  return *posix == *sim || *posix == *sim + 8;
}

std::string shown(const Outcome& out) {
  return out.text + (out.file_blocks ? " blocks=" + std::to_string(*out.file_blocks) : "");
}

template <class T>
std::string failed(const bl::os::Result<T>& result) {
  return std::string(bl::os::errno_name(result.error()));
}

std::string outcome(const bl::os::Result<void>& result) {
  return result.ok() ? "ok" : failed(result);
}

template <class T>
std::string outcome(const bl::os::Result<T>& result) {
  return result.ok() ? "ok " + std::to_string(result.value()) : failed(result);
}

std::string octal(std::uint64_t value) {
  char text[32];
  std::snprintf(text, sizeof text, "0%llo", static_cast<unsigned long long>(value));
  return text;
}

// The fields SimKernel models (not st_ino, st_dev or the times), but a regular file's
// st_blocks, which goes to Outcome::file_blocks.
std::string stat_text(const bl::os::Stat& st) {
  std::string text = "type=" + octal(st.type()) + " perm=" + octal(st.st_mode & 07777) +
                     " size=" + std::to_string(st.st_size) +
                     " nlink=" + std::to_string(st.st_nlink) +
                     " blksize=" + std::to_string(st.st_blksize);
  if (!st.is_regular()) text += " blocks=" + std::to_string(st.st_blocks);
  return text;
}

std::optional<std::int64_t> file_blocks(const bl::os::Stat& st) {
  return st.is_regular() ? std::optional(st.st_blocks) : std::nullopt;
}

Outcome stat_outcome(const bl::os::Result<bl::os::Stat>& result) {
  if (!result.ok()) return {failed(result)};
  return {"ok " + stat_text(result.value()), {}, file_blocks(result.value())};
}

// A count and a fingerprint of the bytes, short enough for a failure message.
std::string bytes_text(std::span<const std::byte> bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a
  for (auto b : bytes) hash = (hash ^ static_cast<std::uint8_t>(b)) * 0x100000001b3ULL;
  char text[64];
  std::snprintf(text, sizeof text, "%zu bytes fnv=%016llx", bytes.size(),
                static_cast<unsigned long long>(hash));
  return text;
}

std::string flags_text(int flags) {
  static constexpr std::pair<int, const char*> kNamed[] = {
      {O::CREAT, "CREAT"},         {O::EXCL, "EXCL"},         {O::TRUNC, "TRUNC"},
      {O::APPEND, "APPEND"},       {O::NONBLOCK, "NONBLOCK"}, {O::DIRECTORY, "DIRECTORY"},
      {O::LARGEFILE, "LARGEFILE"}, {O::CLOEXEC, "CLOEXEC"}};
  static constexpr const char* kAccess[] = {"RDONLY", "WRONLY", "RDWR", "ACCMODE(3)"};
  std::string text = kAccess[flags & O::ACCMODE];
  int rest = flags & ~O::ACCMODE;
  for (const auto& [flag, name] : kNamed) {
    if (rest & flag) text += std::string("|") + name;
    rest &= ~flag;
  }
  if (rest) text += "|" + octal(static_cast<std::uint64_t>(rest));
  return text;
}

std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

std::string listing_text(const std::vector<std::string>& names) {
  std::string text = "[";
  for (const auto& name : names) text += (text.size() > 1 ? "," : "") + name;
  return text + "]";
}

class Differential {
 public:
  Differential(std::uint64_t seed, PosixFixture& posix, SimFixture& sim);
  ~Differential();
  Differential(const Differential&) = delete;
  Differential& operator=(const Differential&) = delete;

  // Runs random calls until `count` were compared or the kernels diverged.
  void run(int count);
  // Closes every slot (compared too), then compares the two trees.
  void finish();

 private:
  template <class Call>
  std::array<Outcome, 2> compare(Call call);
  Path pick_path();
  std::optional<std::size_t> free_slot() const;
  // Mostly an open slot, half the time one that is `preferred` when there is one; sometimes
  // an empty one (EBADF).
  std::size_t pick_slot(bool Slot::*preferred = nullptr);
  std::string slot_text(std::size_t i) const;
  Fd fd_of(std::size_t slot, const Side& side) const { return slots_[slot].fd[side.index]; }
  std::vector<std::byte> random_bytes(std::size_t size);
  std::int64_t random_offset();

  void op_open();
  void op_close();
  void op_read();
  void op_write();
  void op_pread();
  void op_pwrite();
  void op_lseek();
  void op_ftruncate();
  void op_fstat();
  void op_stat();
  void op_rename();
  void op_unlink();
  void op_mkdir();
  void op_rmdir();
  void op_listdir();
  void op_dup();
  void op_dup2();
  void op_sync();
  void op_pipe();
  void op_getfl();
  void op_setfl();
  void op_getcwd();
  void op_chdir();
  void compare_tree(const std::string& relative);

  std::uint64_t seed_;
  Rng rng_;
  std::array<Side, 2> sides_;
  std::string saved_cwd_[2];
  std::array<Slot, kSlots> slots_;
  int index_ = 0;  // of the call being made
  std::string description_;
  bool diverged_ = false;
};

Differential::Differential(std::uint64_t seed, PosixFixture& posix, SimFixture& sim)
    : seed_(seed),
      rng_(seed),
      sides_{Side{posix.kernel, posix.path("w"), {}, 0}, Side{sim.kernel, sim.path("w"), {}, 1}} {
  // ROOT is a fresh directory in each fixture: the fixtures' own roots differ in mode
  // (mkdtemp makes 0700). Relative names resolve in it, or wherever chdir takes them below it.
  for (auto& side : sides_) {
    must(side.k.mkdir(side.root, 0755));
    saved_cwd_[side.index] = must(side.k.getcwd());
    must(side.k.chdir(side.root));
    side.cwd_root = must(side.k.getcwd());
  }
}

// The working directory is the process's: it is put back however the seed ended, and so are
// real descriptors a failed seed left open.
Differential::~Differential() {
  for (auto& side : sides_) (void)side.k.chdir(saved_cwd_[side.index]);
  for (const auto& slot : slots_) {
    if (slot.open) (void)sides_[0].k.close(slot.fd[0]);
  }
}

// Makes the call in both kernels and checks that they agree.
template <class Call>
std::array<Outcome, 2> Differential::compare(Call call) {
  std::array<Outcome, 2> out = {call(sides_[0]), call(sides_[1])};
  const bool same =
      out[0].text == out[1].text && blocks_agree(out[0].file_blocks, out[1].file_blocks);
  CHECK_MESSAGE(same, "seed " << seed_ << ", call #" << index_ << ": " << description_
                              << "\n  posix: " << shown(out[0]) << "\n  sim:   " << shown(out[1]));
  if (!same) diverged_ = true;
  return out;
}

Path Differential::pick_path() { return {rng_.pick(kNames), rng_.one_in(4)}; }

std::optional<std::size_t> Differential::free_slot() const {
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (!slots_[i].open) return i;
  }
  return std::nullopt;
}

std::size_t Differential::pick_slot(bool Slot::*preferred) {
  std::vector<std::size_t> open, chosen;
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (slots_[i].open) open.push_back(i);
    if (slots_[i].open && preferred && slots_[i].*preferred) chosen.push_back(i);
  }
  if (open.empty() || rng_.one_in(15)) return rng_.below(kSlots);
  if (!chosen.empty() && rng_.one_in(2)) return chosen[rng_.below(chosen.size())];
  return open[rng_.below(open.size())];
}

std::string Differential::slot_text(std::size_t i) const {
  const Slot& slot = slots_[i];
  std::string text = "slot " + std::to_string(i);
  if (!slot.open) return text + " (closed)";
  return text + " (" +
         (slot.pipe  ? "pipe"
          : slot.dir ? "dir"
                     : "file") +
         ", fds " + std::to_string(slot.fd[0]) + "/" + std::to_string(slot.fd[1]) + ")";
}

std::vector<std::byte> Differential::random_bytes(std::size_t size) {
  std::vector<std::byte> bytes(size);
  for (auto& b : bytes) b = static_cast<std::byte>(rng_.next() >> 56);
  return bytes;
}

// Mostly within a few pages of the start; sometimes negative.
std::int64_t Differential::random_offset() {
  if (rng_.one_in(25)) return -rng_.between(1, 5000);
  return rng_.between(0, 20000);
}

void Differential::run(int count) {
  // Weighted choice of the next call.
  using Op = void (Differential::*)();
  static constexpr std::pair<Op, int> kOps[] = {
      {&Differential::op_open, 14},   {&Differential::op_close, 7},
      {&Differential::op_read, 10},   {&Differential::op_write, 10},
      {&Differential::op_pread, 5},   {&Differential::op_pwrite, 5},
      {&Differential::op_lseek, 6},   {&Differential::op_ftruncate, 4},
      {&Differential::op_fstat, 5},   {&Differential::op_stat, 6},
      {&Differential::op_rename, 7},  {&Differential::op_unlink, 5},
      {&Differential::op_mkdir, 7},   {&Differential::op_rmdir, 4},
      {&Differential::op_listdir, 3}, {&Differential::op_dup, 3},
      {&Differential::op_dup2, 2},    {&Differential::op_sync, 1},
      {&Differential::op_pipe, 1},    {&Differential::op_getfl, 2},
      {&Differential::op_setfl, 2},   {&Differential::op_getcwd, 2},
      {&Differential::op_chdir, 3}};
  int total = 0;
  for (const auto& op : kOps) total += op.second;
  for (index_ = 0; index_ < count && !diverged_; ++index_) {
    auto roll = static_cast<int>(rng_.below(static_cast<std::size_t>(total)));
    for (const auto& [op, weight] : kOps) {
      if (roll < weight) {
        (this->*op)();
        break;
      }
      roll -= weight;
    }
  }
}

void Differential::op_open() {
  const auto slot = free_slot();
  if (!slot) return op_close();
  const Path path = pick_path();
  int flags = rng_.one_in(30) ? O::ACCMODE : rng_.pick({O::RDONLY, O::WRONLY, O::RDWR, O::RDWR});
  if (rng_.one_in(2)) flags |= O::CREAT;
  if (rng_.one_in(6)) flags |= O::EXCL;
  if (rng_.one_in(6)) flags |= O::TRUNC;
  if (rng_.one_in(5)) flags |= O::APPEND;
  if (rng_.one_in(10)) flags |= O::DIRECTORY;
  if (rng_.one_in(8)) flags |= O::NONBLOCK;
  const std::uint32_t mode = rng_.pick(kFileModes);
  description_ = "open(" + path.text() + ", " + flags_text(flags) + ", " + octal(mode) +
                 ") into slot " + std::to_string(*slot);
  const auto out = compare([&](Side& side) -> Outcome {
    auto fd = side.k.open(path.on(side), flags, mode);
    if (!fd.ok()) return {failed(fd)};
    return {"ok", {fd.value()}};
  });
  if (diverged_ || out[0].fds.empty()) return;
  const int access = flags & O::ACCMODE;
  slots_[*slot] = {.open = true,
                   .fd = {out[0].fds[0], out[1].fds[0]},
                   .dir = must(sides_[0].k.fstat(out[0].fds[0])).is_directory(),
                   .readable = access == O::RDONLY || access == O::RDWR,
                   .writable = access == O::WRONLY || access == O::RDWR};
}

void Differential::op_close() {
  const auto slot = pick_slot();
  description_ = "close(" + slot_text(slot) + ")";
  const auto out =
      compare([&](Side& side) -> Outcome { return {outcome(side.k.close(fd_of(slot, side)))}; });
  if (!diverged_ && out[0].text == "ok") slots_[slot] = {};
}

void Differential::op_read() {
  const auto slot = pick_slot(&Slot::readable);
  const auto size = rng_.one_in(20) ? 0 : rng_.below(10001);
  description_ = "read(" + slot_text(slot) + ", " + std::to_string(size) + ")";
  compare([&](Side& side) -> Outcome {
    std::vector<std::byte> buffer(size);
    auto n = side.k.read(fd_of(slot, side), buffer);
    if (!n.ok()) return {failed(n)};
    return {"ok " + bytes_text(std::span(buffer).first(n.value()))};
  });
}

void Differential::op_write() {
  const auto slot = pick_slot(&Slot::writable);
  // Now and then more than a pipe holds (65536 bytes), to fill one.
  const bool flood = slots_[slot].pipe && rng_.one_in(3);
  const auto data = random_bytes(rng_.one_in(20) ? 0 : rng_.below(flood ? 70001 : 10001));
  description_ = "write(" + slot_text(slot) + ", " + bytes_text(data) + ")";
  compare([&](Side& side) -> Outcome { return {outcome(side.k.write(fd_of(slot, side), data))}; });
}

void Differential::op_pread() {
  const auto slot = pick_slot(&Slot::readable);
  const auto size = rng_.below(10001);
  const auto offset = random_offset();
  description_ = "pread(" + slot_text(slot) + ", " + std::to_string(size) + ", " +
                 std::to_string(offset) + ")";
  compare([&](Side& side) -> Outcome {
    std::vector<std::byte> buffer(size);
    auto n = side.k.pread(fd_of(slot, side), buffer, offset);
    if (!n.ok()) return {failed(n)};
    return {"ok " + bytes_text(std::span(buffer).first(n.value()))};
  });
}

void Differential::op_pwrite() {
  const auto slot = pick_slot(&Slot::writable);
  const auto data = random_bytes(rng_.below(10001));
  const auto offset = random_offset();
  description_ =
      "pwrite(" + slot_text(slot) + ", " + bytes_text(data) + ", " + std::to_string(offset) + ")";
  compare([&](Side& side) -> Outcome {
    return {outcome(side.k.pwrite(fd_of(slot, side), data, offset))};
  });
}

void Differential::op_lseek() {
  const auto slot = pick_slot();
  // No SEEK_END, SEEK_DATA or SEEK_HOLE on directories (see the top of this file).
  const bool dir = slots_[slot].open && slots_[slot].dir;
  int whence = static_cast<int>(rng_.below(5));
  if (whence != SEEK::SET && whence != SEEK::CUR && dir) whence = SEEK::CUR;
  const std::int64_t offset =
      whence == SEEK::CUR || whence == SEEK::END ? rng_.between(-5000, 20000) : random_offset();
  static constexpr const char* kWhence[] = {"SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA",
                                            "SEEK_HOLE"};
  description_ =
      "lseek(" + slot_text(slot) + ", " + std::to_string(offset) + ", " + kWhence[whence] + ")";
  compare([&](Side& side) -> Outcome {
    return {outcome(side.k.lseek(fd_of(slot, side), offset, whence))};
  });
}

void Differential::op_ftruncate() {
  const auto slot = pick_slot(&Slot::writable);
  const auto length = random_offset();
  description_ = "ftruncate(" + slot_text(slot) + ", " + std::to_string(length) + ")";
  compare([&](Side& side) -> Outcome {
    return {outcome(side.k.ftruncate(fd_of(slot, side), length))};
  });
}

void Differential::op_fstat() {
  const auto slot = pick_slot();
  description_ = "fstat(" + slot_text(slot) + ")";
  compare([&](Side& side) -> Outcome { return stat_outcome(side.k.fstat(fd_of(slot, side))); });
}

void Differential::op_stat() {
  const Path path = pick_path();
  description_ = "stat(" + path.text() + ")";
  compare([&](Side& side) -> Outcome { return stat_outcome(side.k.stat(path.on(side))); });
}

void Differential::op_rename() {
  const Path from = pick_path(), to = pick_path();
  description_ = "rename(" + from.text() + ", " + to.text() + ")";
  compare(
      [&](Side& side) -> Outcome { return {outcome(side.k.rename(from.on(side), to.on(side)))}; });
}

void Differential::op_unlink() {
  const Path path = pick_path();
  description_ = "unlink(" + path.text() + ")";
  compare([&](Side& side) -> Outcome { return {outcome(side.k.unlink(path.on(side)))}; });
}

void Differential::op_mkdir() {
  const Path path = pick_path();
  const std::uint32_t mode = rng_.pick(kDirModes);
  description_ = "mkdir(" + path.text() + ", " + octal(mode) + ")";
  compare([&](Side& side) -> Outcome { return {outcome(side.k.mkdir(path.on(side), mode))}; });
}

void Differential::op_rmdir() {
  const Path path = pick_path();
  description_ = "rmdir(" + path.text() + ")";
  compare([&](Side& side) -> Outcome { return {outcome(side.k.rmdir(path.on(side)))}; });
}

void Differential::op_listdir() {
  const Path path = pick_path();
  description_ = "listdir(" + path.text() + ")";
  compare([&](Side& side) -> Outcome {
    auto names = side.k.listdir(path.on(side));
    if (!names.ok()) return {failed(names)};
    return {"ok " + listing_text(sorted(names.value()))};
  });
}

void Differential::op_dup() {
  const auto target = free_slot();
  if (!target) return op_close();
  const auto slot = pick_slot();
  const bool cloexec = rng_.one_in(3);
  description_ = "dup(" + slot_text(slot) + (cloexec ? ", cloexec" : "") + ") into slot " +
                 std::to_string(*target);
  const auto out = compare([&](Side& side) -> Outcome {
    auto fd = side.k.dup(fd_of(slot, side), cloexec);
    if (!fd.ok()) return {failed(fd)};
    return {"ok", {fd.value()}};
  });
  if (diverged_ || out[0].fds.empty()) return;
  slots_[*target] = slots_[slot];
  slots_[*target].fd[0] = out[0].fds[0];
  slots_[*target].fd[1] = out[1].fds[0];
}

void Differential::op_dup2() {
  const auto from = pick_slot(), to = pick_slot();
  if (!slots_[from].open || !slots_[to].open) return;  // between two open slots only
  description_ = "dup2(" + slot_text(from) + ", " + slot_text(to) + ")";
  compare([&](Side& side) -> Outcome {
    auto fd = side.k.dup2(fd_of(from, side), fd_of(to, side));
    if (!fd.ok()) return {failed(fd)};
    return {fd.value() == fd_of(to, side) ? "ok new_fd" : "ok another fd"};
  });
  if (diverged_) return;
  const Fd fds[2] = {slots_[to].fd[0], slots_[to].fd[1]};
  slots_[to] = slots_[from];
  std::copy(std::begin(fds), std::end(fds), slots_[to].fd);
}

void Differential::op_sync() {
  const auto slot = pick_slot();
  const bool data_only = rng_.one_in(2);
  description_ = std::string(data_only ? "fdatasync(" : "fsync(") + slot_text(slot) + ")";
  compare([&](Side& side) -> Outcome {
    const Fd fd = fd_of(slot, side);
    return {outcome(data_only ? side.k.fdatasync(fd) : side.k.fsync(fd))};
  });
}

void Differential::op_pipe() {
  const auto reader = free_slot();
  if (!reader) return op_close();
  slots_[*reader].open = true;  // reserved while the second is found
  const auto writer = free_slot();
  slots_[*reader].open = false;
  if (!writer) return op_close();
  const int flags = O::NONBLOCK | (rng_.one_in(2) ? O::CLOEXEC : 0);
  description_ = "pipe(" + flags_text(flags) + ") into slots " + std::to_string(*reader) + " and " +
                 std::to_string(*writer);
  const auto out = compare([&](Side& side) -> Outcome {
    auto ends = side.k.pipe(flags);
    if (!ends.ok()) return {failed(ends)};
    return {"ok", {ends.value().first, ends.value().second}};
  });
  if (diverged_ || out[0].fds.empty()) return;
  slots_[*reader] = {
      .open = true, .fd = {out[0].fds[0], out[1].fds[0]}, .pipe = true, .readable = true};
  slots_[*writer] = {
      .open = true, .fd = {out[0].fds[1], out[1].fds[1]}, .pipe = true, .writable = true};
}

void Differential::op_getfl() {
  const auto slot = pick_slot();
  description_ = "fcntl(" + slot_text(slot) + ", F_GETFL)";
  compare([&](Side& side) -> Outcome {
    auto flags = side.k.fcntl_getfl(fd_of(slot, side));
    if (!flags.ok()) return {failed(flags)};
    return {"ok " + flags_text(flags.value())};
  });
}

void Differential::op_setfl() {
  const auto slot = pick_slot();
  int flags = rng_.pick({O::RDONLY, O::WRONLY, O::RDWR});  // ignored by F_SETFL
  if (rng_.one_in(2)) flags |= O::APPEND;
  if (rng_.one_in(2) || slots_[slot].pipe) flags |= O::NONBLOCK;  // pipes stay non-blocking
  description_ = "fcntl(" + slot_text(slot) + ", F_SETFL, " + flags_text(flags) + ")";
  compare([&](Side& side) -> Outcome {
    return {outcome(side.k.fcntl_setfl(fd_of(slot, side), flags))};
  });
}

void Differential::op_getcwd() {
  description_ = "getcwd()";
  compare([&](Side& side) -> Outcome {
    auto cwd = side.k.getcwd();
    if (!cwd.ok()) return {failed(cwd)};
    const std::string& path = cwd.value();
    const std::string& root = side.cwd_root;
    if (path == root) return {"ok ROOT"};
    if (path.starts_with(root + "/")) return {"ok ROOT" + path.substr(root.size())};
    return {"ok outside the root: " + path};
  });
}

void Differential::op_chdir() {
  std::optional<Path> path;  // none: the root itself
  switch (rng_.below(3)) {
    case 0:
      break;
    case 1:
      path = Path{"d", false};
      break;
    default:
      path = pick_path();
  }
  description_ = "chdir(" + (path ? path->text() : std::string("ROOT")) + ")";
  compare([&](Side& side) -> Outcome {
    return {outcome(side.k.chdir(path ? path->on(side) : side.root))};
  });
}

void Differential::finish() {
  for (std::size_t i = 0; i < kSlots && !diverged_; ++i) {
    if (!slots_[i].open) continue;
    description_ = "final close(" + slot_text(i) + ")";
    compare([&](Side& side) -> Outcome { return {outcome(side.k.close(fd_of(i, side)))}; });
    slots_[i] = {};
  }
  if (!diverged_) compare_tree("");
}

// Both trees below ROOT`relative`: the same names, and each the same kind of file with the
// same contents.
void Differential::compare_tree(const std::string& relative) {
  std::vector<std::string> names[2];
  for (auto& side : sides_) names[side.index] = sorted(must(side.k.listdir(side.root + relative)));
  description_ = "final tree: listdir(ROOT" + relative + ")";
  compare([&](Side& side) -> Outcome { return {listing_text(names[side.index])}; });
  std::vector<std::string> common;
  std::set_intersection(names[0].begin(), names[0].end(), names[1].begin(), names[1].end(),
                        std::back_inserter(common));
  for (const auto& name : common) {
    const std::string path = relative + "/" + name;
    description_ = "final tree: ROOT" + path;
    bool directory = false;
    compare([&](Side& side) -> Outcome {
      const auto st = must(side.k.stat(side.root + path));
      directory = st.is_directory();
      if (!st.is_regular()) return {stat_text(st)};
      const std::string contents = read_file(side.k, side.root + path);
      return {stat_text(st) + " " + bytes_text(bl::os::as_bytes(contents)), {}, file_blocks(st)};
    });
    if (directory) compare_tree(path);
  }
}

}  // namespace

TEST_CASE("random calls: PosixKernel and SimKernel answer alike") {
  for (const auto seed : kSeeds) {
    PosixFixture posix;
    SimFixture sim;
    Differential differential(seed, posix, sim);
    differential.run(kOperationsPerSeed);
    differential.finish();
  }
}

#endif  // BL_HAVE_POSIX_KERNEL
