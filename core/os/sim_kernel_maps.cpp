// SimKernel: memory maps, copies inside the kernel (sendfile, copy_file_range), power loss
// and inspection.
#include <algorithm>
#include <cstring>
#include <functional>
#include <set>

#include "os/sim_kernel_parts.hpp"

namespace bl::os {

namespace {

constexpr std::size_t round_to_pages(std::size_t bytes) {
  return (bytes + PAGESIZE - 1) / PAGESIZE * PAGESIZE;
}
bool page_aligned(const void* addr) {
  return reinterpret_cast<std::uintptr_t>(addr) % PAGESIZE == 0;
}
constexpr std::size_t kMaxTransfer = 0x7ffff000;  // Linux caps one read/write/sendfile here
// x86-64 gives a process 128 TiB of addresses (a parameter, so that 32-bit builds compare too).
bool exceeds_address_space(std::uint64_t bytes) { return bytes > (std::uint64_t{1} << 47); }

// A page of a private mapping as a fresh fault gives it: the file's bytes at `at` (zeros
// past its end), or zeros for anonymous memory.
void fill_private_page(std::byte* memory, const sim::Inode* file, std::int64_t at) {
  std::memset(memory, 0, PAGESIZE);
  if (!file) return;
  auto n = std::clamp<std::int64_t>(static_cast<std::int64_t>(file->data.size()) - at, 0, PAGESIZE);
  if (n) std::memcpy(memory, file->data.data() + at, static_cast<std::size_t>(n));
}

}  // namespace

// --- memory maps --------------------------------------------------------------------------

// Stores through shared writable maps reach the page cache (and make pages dirty) the way the
// MMU's dirty bits do: here, by comparing the map with the cache page by page at each call.
void SimKernel::pull_mapped_stores() {
  // A map's stores are the bytes where it differs from the cache as the last call left it
  // (push_cache_to_mappings made them equal). All maps are compared before any store is
  // applied: a map that stored nothing to a byte must not undo another map's store there.
  struct Store {
    sim::Inode* node;
    std::int64_t at;
    std::span<const std::byte> bytes;
  };
  std::vector<Store> stores;
  for (auto& [addr, map] : mappings_) {
    if (!map->shared_file() || !(map->prot & PROT::WRITE)) continue;
    sim::Inode& node = *map->inode;
    auto size = static_cast<std::int64_t>(node.data.size());
    auto end = std::min<std::int64_t>(map->offset + static_cast<std::int64_t>(map->length), size);
    for (std::int64_t page = map->offset; page < end; page += PAGESIZE) {
      if (!map->pages[static_cast<std::size_t>((page - map->offset) / PAGESIZE)]) continue;
      auto n = std::min<std::int64_t>(PAGESIZE, end - page);
      const std::byte* mapped = map->memory + (page - map->offset);
      const std::byte* cached = node.data.data() + page;
      if (std::memcmp(mapped, cached, static_cast<std::size_t>(n)) == 0) continue;
      for (std::int64_t i = 0; i < n;) {  // each run of changed bytes
        if (mapped[i] == cached[i]) {
          ++i;
          continue;
        }
        std::int64_t j = i;
        while (j < n && mapped[j] != cached[j]) ++j;
        stores.push_back({&node, page + i, {mapped + i, static_cast<std::size_t>(j - i)}});
        i = j;
      }
    }
  }
  for (const Store& s : stores) (void)fs_.write_at(*s.node, s.at, s.bytes, clock_now());
}

void SimKernel::push_cache_to_mappings() {
  for (auto& [addr, map] : mappings_) {
    if (!map->shared_file()) continue;
    const auto& data = map->inode->data;
    auto available = std::clamp<std::int64_t>(static_cast<std::int64_t>(data.size()) - map->offset,
                                              0, static_cast<std::int64_t>(map->capacity));
    auto n = static_cast<std::size_t>(available);
    if (n) std::memcpy(map->memory, data.data() + map->offset, n);
    std::memset(map->memory + n, 0, map->capacity - n);  // beyond the end of the file
  }
}

Result<std::byte*> SimKernel::mmap(std::size_t length, int prot, int flags, Fd fd,
                                   std::int64_t offset) {
  Call call(*this);
  // The map type: MAP_SHARED, MAP_PRIVATE, or both bits, MAP_SHARED_VALIDATE (shared).
  const int type = flags & (MAP::SHARED | MAP::PRIVATE);
  const bool shared = type != MAP::PRIVATE;
  if (length == 0 || offset % PAGESIZE != 0 || type == 0) return Errno::einval;
  std::shared_ptr<OpenFile> file;
  if (!(flags & MAP::ANONYMOUS)) {
    auto found = file_of(fd);
    if (!found.ok()) return found.error();
    file = found.value();
  }
  // No room in the address space comes first.
  auto capacity = round_to_pages(length);
  if (capacity == 0 || exceeds_address_space(capacity)) return Errno::enomem;
  // The mapped range of the file must lie within 0 .. 2^63 - 1, as Linux checks.
  if (offset < 0 || capacity > static_cast<std::uint64_t>(INT64_MAX - offset)) {
    return Errno::eoverflow;
  }
  sim::InodePtr node;
  if (file) {
    // Access first, then whether the file can be mapped at all; O_APPEND does not matter
    // (only the append-only inode attribute would).
    const auto& f = *file;
    if (shared && (prot & PROT::WRITE) && !f.writable()) return Errno::eacces;
    if (!f.readable()) return Errno::eacces;
    if (!f.inode->is_regular()) return Errno::enodev;
    node = f.inode;
  }
  std::size_t mapped = 0;
  for (const auto& [addr, map] : mappings_) mapped += map->capacity;
  if (static_cast<std::int64_t>(mapped + capacity) > options_.max_bytes) return Errno::enomem;
  auto map = std::make_unique<Mapping>(capacity);
  std::memset(map->memory, 0, capacity);
  map->length = length;
  map->inode = node;
  map->offset = offset;
  map->prot = prot;
  map->flags = flags;
  if (node && offset < static_cast<std::int64_t>(node->data.size())) {
    auto n = std::min<std::size_t>(capacity, node->data.size() - static_cast<std::size_t>(offset));
    std::memcpy(map->memory, node->data.data() + offset, n);
  }
  std::byte* addr = map->memory;
  mappings_.emplace(addr, std::move(map));
  return addr;
}

SimKernel::Mapping* SimKernel::mapping_at(std::byte* addr) {
  auto it = mappings_.upper_bound(addr);
  if (it == mappings_.begin()) return nullptr;
  Mapping* map = std::prev(it)->second.get();
  return addr < map->memory + map->capacity ? map : nullptr;
}

Result<void> SimKernel::msync(std::byte* addr, std::size_t length, int flags) {
  Call call(*this);
  if (!page_aligned(addr) || (flags & ~(MS::ASYNC | MS::SYNC | MS::INVALIDATE)) ||
      ((flags & MS::ASYNC) && (flags & MS::SYNC))) {
    return Errno::einval;
  }
  if (length == 0) return {};  // Linux checks nothing more for an empty range
  // The whole range, rounded up to pages, must be mapped.
  Mapping* map = mapping_at(addr);
  if (!map) return Errno::enomem;
  auto first = static_cast<std::size_t>(addr - map->memory) / PAGESIZE;
  auto last = first + round_to_pages(length) / PAGESIZE;
  if (last > map->pages.size()) return Errno::enomem;
  for (auto page = first; page < last; ++page) {
    if (!map->pages[page]) return Errno::enomem;
  }
  // MS_ASYNC only schedules writeback (a no-op on Linux since 2.6.19); MS_SYNC writes the
  // range's dirty pages to storage and waits, as fdatasync does for that range.
  if ((flags & MS::SYNC) && map->shared_file()) {
    auto begin = map->offset + static_cast<std::int64_t>(first) * PAGESIZE;
    auto end = map->offset + static_cast<std::int64_t>(last) * PAGESIZE;
    auto dirty = std::count_if(
        map->inode->dirty_pages.begin(), map->inode->dirty_pages.end(),
        [&](const auto& p) { return p.first * PAGESIZE >= begin && p.first * PAGESIZE < end; });
    fs_.sync_range(*map->inode, begin, end, true);
    charge_storage(static_cast<std::size_t>(dirty) * PAGESIZE);
  }
  return {};
}

Result<void> SimKernel::munmap(std::byte* addr, std::size_t length) {
  Call call(*this);
  if (!page_aligned(addr) || length == 0) return Errno::einval;
  // Unmapping what is not mapped succeeds, as on Linux; a map can lose a few pages.
  std::byte* end = addr + round_to_pages(length);
  for (auto it = mappings_.begin(); it != mappings_.end();) {
    Mapping& map = *it->second;
    for (std::size_t page = 0; page < map.pages.size(); ++page) {
      std::byte* at = map.memory + page * PAGESIZE;
      if (at >= addr && at < end) map.pages[page] = false;
    }
    bool gone = std::none_of(map.pages.begin(), map.pages.end(), [](bool p) { return p; });
    it = gone ? mappings_.erase(it) : std::next(it);
  }
  return {};
}

Result<std::byte*> SimKernel::mremap(std::byte* addr, std::size_t old_length,
                                     std::size_t new_length, int flags) {
  Call call(*this);
  if (!page_aligned(addr) || new_length == 0 || (flags & ~MREMAP::MAYMOVE)) return Errno::einval;
  auto it = mappings_.find(addr);
  if (it == mappings_.end() || old_length > it->second->capacity) return Errno::efault;
  Mapping* map = it->second.get();
  const std::size_t kept = round_to_pages(std::min(old_length, new_length)) / PAGESIZE;
  if (round_to_pages(new_length) > map->capacity) {
    if (!(flags & MREMAP::MAYMOVE)) return Errno::enomem;
    auto moved = std::make_unique<Mapping>(round_to_pages(new_length));
    std::memset(moved->memory, 0, moved->capacity);
    std::memcpy(moved->memory, map->memory, map->capacity);
    moved->inode = map->inode;
    moved->offset = map->offset;
    moved->prot = map->prot;
    moved->flags = map->flags;
    mappings_.erase(it);
    map = moved.get();
    mappings_.emplace(map->memory, std::move(moved));
  }
  map->length = new_length;
  // A shrink unmaps the pages past the new end; growing maps pages afresh. Shared file pages
  // are the page cache (the Call guard refills them on the way out) and shared anonymous
  // memory keeps its bytes, but a private page starts again from the file (zeros past its
  // end) or from zeros: what the process stored there before the shrink is gone.
  const std::size_t wanted = round_to_pages(new_length) / PAGESIZE;
  for (std::size_t page = kept; page < map->pages.size(); ++page) {
    map->pages[page] = page < wanted;
    if (page < wanted && !(map->flags & MAP::SHARED)) {
      fill_private_page(map->memory + page * PAGESIZE, map->inode.get(),
                        map->offset + static_cast<std::int64_t>(page) * PAGESIZE);
    }
  }
  return map->memory;
}

// --- copies inside the kernel -------------------------------------------------------------

Result<std::size_t> SimKernel::sendfile(Fd out_fd, Fd in_fd, std::int64_t* offset,
                                        std::size_t count) {
  Call call(*this);
  auto in = file_of(in_fd);
  if (!in.ok()) return in.error();
  auto out = file_of(out_fd);
  if (!out.ok()) return out.error();
  auto& source = *in.value();
  auto& target = *out.value();
  if (!source.readable() || !target.writable()) return Errno::ebadf;
  // A pipe cannot be the input (splice wants a seekable one) even for 0 bytes; another file
  // that is not regular (a directory) fails only once something is to be read.
  if (source.inode->type() == S::IFIFO || (target.flags & O::APPEND)) return Errno::einval;
  std::int64_t& position = offset ? *offset : source.offset;
  count = std::min(count, kMaxTransfer);
  std::int64_t end;
  if (position < 0 || __builtin_add_overflow(position, static_cast<std::int64_t>(count), &end)) {
    return Errno::einval;
  }
  if (end > kMaxFileSize) {  // Linux: EOVERFLOW at the largest size, a shorter copy before it
    if (position >= kMaxFileSize) return Errno::eoverflow;
    count = static_cast<std::size_t>(kMaxFileSize - position);
  }
  if (count == 0) return std::size_t{0};
  if (!source.inode->is_regular()) return Errno::einval;
  std::vector<std::byte> chunk(std::min(count, source.inode->data.size()));
  const std::int64_t read_from = position;
  std::int64_t read_position = read_from;
  auto got = read_at(source, chunk, &read_position);
  if (!got.ok() || got.value() == 0) return got;
  std::int64_t write_position = target.offset;
  auto sent = write_at(target, std::span(chunk).first(got.value()), &write_position);
  if (sent.ok()) {
    // Linux stores the output's position first and the input's last, so a file sent to
    // itself through one descriptor ends where the read ended, not twice as far.
    target.offset = write_position;
    position = read_from + static_cast<std::int64_t>(sent.value());
  }
  return sent;
}

Result<std::size_t> SimKernel::copy_file_range(Fd in_fd, std::int64_t* in_offset, Fd out_fd,
                                               std::int64_t* out_offset, std::size_t length) {
  Call call(*this);
  auto in = file_of(in_fd);
  if (!in.ok()) return in.error();
  auto out = file_of(out_fd);
  if (!out.ok()) return out.error();
  auto& source = *in.value();
  auto& target = *out.value();
  // Linux checks the file types before the access modes.
  if (source.inode->is_dir() || target.inode->is_dir()) return Errno::eisdir;
  if (!source.inode->is_regular() || !target.inode->is_regular()) return Errno::einval;
  if (!source.readable() || !target.writable() || (target.flags & O::APPEND)) return Errno::ebadf;
  std::int64_t& from = in_offset ? *in_offset : source.offset;
  std::int64_t& to = out_offset ? *out_offset : target.offset;
  if (from < 0 || to < 0) return Errno::einval;
  auto size = static_cast<std::int64_t>(source.inode->data.size());
  auto n = static_cast<std::int64_t>(std::min(length, kMaxTransfer));
  n = std::clamp<std::int64_t>(size - from, 0, n);  // nothing beyond the source's end
  if (n == 0) return std::size_t{0};
  if (to >= kMaxFileSize) return Errno::efbig;
  n = std::min(n, kMaxFileSize - to);
  bool same_file = source.inode == target.inode;
  if (same_file && from < to + n && to < from + n) return Errno::einval;
  std::vector<std::byte> chunk(source.inode->data.begin() + from,
                               source.inode->data.begin() + from + n);
  if (auto r = fs_.write_at(*target.inode, to, chunk, clock_now()); !r.ok()) return r.error();
  from += n;
  to += n;
  charge_copy(static_cast<std::size_t>(n));
  return static_cast<std::size_t>(n);
}

// --- power loss and inspection ------------------------------------------------------------

std::vector<FileState> SimKernel::files() {
  std::vector<FileState> result;
  std::function<void(const sim::InodePtr&, const std::string&, bool)> walk =
      [&](const sim::InodePtr& dir, const std::string& prefix, bool dir_durable) {
        for (const auto& [name, ino] : dir->entries) {
          auto node = fs_.get(ino);
          if (!node) continue;
          auto durable_entry = dir->durable.entries.find(name);
          bool entry_durable = dir_durable && durable_entry != dir->durable.entries.end() &&
                               durable_entry->second == ino;
          std::string path = prefix + "/" + name;
          if (node->is_dir()) {
            walk(node, path, entry_durable);
          } else if (node->is_regular()) {
            FileState state{path, node->mode, node->data, node->durable.data, {}, entry_durable};
            for (const auto& [page, since] : node->dirty_pages) state.dirty_pages.push_back(page);
            result.push_back(std::move(state));
          }
        }
      };
  walk(fs_.root(), "", true);
  return result;
}

CrashReport SimKernel::crash() {
  std::map<std::string, std::vector<std::byte>> before;
  for (auto& file : files()) before.emplace(file.path, std::move(file.cache));
  fs_.crash();
  // The process died with the machine: no descriptors, no mappings (their memory stays valid
  // for whoever still holds a pointer, but no longer reaches any file).
  fds_.clear();
  for (auto& [addr, map] : mappings_) detached_mappings_.push_back(std::move(map));
  mappings_.clear();
  CrashReport report;
  std::set<std::string> after_paths;
  for (auto& file : files()) {
    after_paths.insert(file.path);
    auto it = before.find(file.path);
    if (it == before.end()) {
      report.resurrected.push_back(file.path);
    } else if (it->second != file.cache) {
      report.reverted.push_back(file.path);
    }
  }
  for (const auto& [path, data] : before) {
    if (!after_paths.count(path)) report.lost.push_back(path);
  }
  stdout_pipe_.reset();
  auto home = fs_.lookup(kHome, fs_.root());
  cwd_ = home.ok() && home.value().node ? home.value().node : fs_.root();
  open_std_streams();  // the next boot's process

  return report;
}

}  // namespace bl::os
