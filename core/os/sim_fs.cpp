#include "os/sim_fs.hpp"

#include <algorithm>
#include <cstring>
#include <set>

namespace bl::os::sim {

namespace {

constexpr std::int64_t page_of(std::int64_t offset) { return offset / PAGESIZE; }

// How many blocks hold `size` bytes (sizes are those of vectors in memory).
std::size_t blocks_for(std::int64_t size) {
  return static_cast<std::size_t>((size + kBlockSize - 1) / kBlockSize);
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

}  // namespace

std::size_t Pipe::put(std::span<const std::byte> data) {
  std::size_t done = 0;
  // Linux first merges the part of the write beyond whole pages into the last slot's tail,
  // when it fits there; the rest goes page by page into fresh slots.
  std::size_t tail_part = data.size() % PAGESIZE;
  if (tail_part && !slots.empty() && slots.back().bytes.size() + tail_part <= PAGESIZE) {
    auto& bytes = slots.back().bytes;
    bytes.insert(bytes.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(tail_part));
    done = tail_part;
  }
  while (done < data.size() && !full()) {
    auto n = std::min<std::size_t>(PAGESIZE, data.size() - done);
    auto first = data.begin() + static_cast<std::ptrdiff_t>(done);
    slots.push_back({std::vector<std::byte>(first, first + static_cast<std::ptrdiff_t>(n)), 0});
    done += n;
  }
  return done;
}

std::size_t Pipe::take(std::span<std::byte> buffer) {
  std::size_t done = 0;
  while (done < buffer.size() && !slots.empty()) {
    auto& slot = slots.front();
    auto n = std::min(buffer.size() - done, slot.bytes.size() - slot.head);
    std::memcpy(buffer.data() + done, slot.bytes.data() + slot.head, n);
    slot.head += n;
    done += n;
    if (slot.head == slot.bytes.size()) slots.pop_front();
  }
  return done;
}

std::optional<std::int64_t> Inode::next_data(std::int64_t offset) const {
  for (auto block = static_cast<std::size_t>(offset / kBlockSize); block < blocks.size(); ++block) {
    if (blocks[block]) return std::max(offset, static_cast<std::int64_t>(block) * kBlockSize);
  }
  return std::nullopt;
}

std::int64_t Inode::next_hole(std::int64_t offset) const {
  for (auto block = static_cast<std::size_t>(offset / kBlockSize); block < blocks.size(); ++block) {
    if (!blocks[block]) return std::max(offset, static_cast<std::int64_t>(block) * kBlockSize);
  }
  return static_cast<std::int64_t>(data.size());
}

std::int64_t Inode::allocated_blocks() const {
  return static_cast<std::int64_t>(std::count(blocks.begin(), blocks.end(), true));
}

Filesystem::Filesystem(FsLimits limits) : limits_(limits) {
  auto root = make_inode(S::IFDIR | 0755, 0);
  root_ = root.value();
  root_->parent = root_->ino;
  sync_all(*root_);
}

InodePtr Filesystem::get(std::uint64_t ino) const {
  auto it = inodes_.find(ino);
  return it == inodes_.end() ? nullptr : it->second;
}

Result<Lookup> Filesystem::lookup(std::string_view path, const InodePtr& cwd) const {
  auto found = lookup_no_slash_check(path, cwd);
  if (!found.ok()) return found;
  const Lookup& result = found.value();
  if (result.trailing_slash && result.node && !result.node->is_dir()) return Errno::enotdir;
  return found;
}

Result<Lookup> Filesystem::lookup_no_slash_check(std::string_view path, const InodePtr& cwd) const {
  if (path.empty()) return Errno::enoent;
  if (path.find('\0') != std::string_view::npos) return Errno::einval;  // C would cut it short
  if (path.size() >= kPathMax) return Errno::enametoolong;
  auto parts = split_path(path);
  InodePtr dir = path.front() == '/' ? root_ : cwd;
  Lookup result;
  result.trailing_slash = path.back() == '/';
  if (parts.empty()) {  // "/" or "///"
    result.parent = dir;
    result.name.assign(1, '.');  // not = ".": g++ 12 warns falsely (PR 105651)
    result.node = dir;
    return result;
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (part.size() > kNameMax) return Errno::enametoolong;
    if (!dir || !dir->is_dir()) return dir ? Errno::enotdir : Errno::enoent;
    InodePtr next;
    if (part == ".") {
      next = dir;
    } else if (part == "..") {
      next = get(dir->parent);
    } else if (auto it = dir->entries.find(part); it != dir->entries.end()) {
      next = get(it->second);
    }
    if (i + 1 == parts.size()) {
      result.parent = dir;
      result.name = std::string(part);
      result.node = next;
    } else if (!next) {
      return Errno::enoent;
    } else {
      dir = next;
    }
  }
  return result;
}

Result<InodePtr> Filesystem::make_inode(std::uint32_t mode, std::int64_t now_ns) {
  if (static_cast<std::int64_t>(inodes_.size()) >= limits_.max_inodes) return Errno::enospc;
  auto node = std::make_shared<Inode>();
  node->usage = usage_;
  node->ino = next_ino_++;
  node->mode = mode;
  node->atime_ns = node->mtime_ns = node->ctime_ns = now_ns;
  // The inode itself is allocated on storage together with the entry that names it; its
  // contents reach storage only through a sync.
  node->durable.mode = mode;
  node->durable.mtime_ns = now_ns;
  inodes_.emplace(node->ino, node);
  return node;
}

Result<InodePtr> Filesystem::make_unnamed_inode(std::uint32_t mode, std::int64_t now_ns) {
  auto made = make_inode(mode, now_ns);
  if (made.ok()) forget_if_unnamed(*made.value());
  return made;
}

InodePtr Filesystem::make_anonymous_inode(std::uint32_t mode, std::int64_t now_ns) {
  auto node = std::make_shared<Inode>();
  node->ino = next_ino_++;
  node->mode = node->durable.mode = mode;
  node->atime_ns = node->mtime_ns = node->ctime_ns = now_ns;
  return node;
}

void Filesystem::link(const InodePtr& dir, std::string_view name, const InodePtr& node,
                      std::int64_t now_ns) {
  auto [it, inserted] = dir->entries.try_emplace(std::string(name), node->ino);
  if (!inserted) {  // replaces what the name named (rename over an existing target)
    InodePtr replaced = get(it->second);
    it->second = node->ino;
    if (replaced) {
      --replaced->links;
      forget_if_unnamed(*replaced);
    }
  }
  ++node->links;
  if (node->is_dir()) node->parent = dir->ino;
  dir->mtime_ns = dir->ctime_ns = now_ns;
  if (dir->entries_dirtied_ns < 0) dir->entries_dirtied_ns = now_ns;
  node->ctime_ns = now_ns;
}

void Filesystem::unlink(const InodePtr& dir, std::string_view name, std::int64_t now_ns) {
  auto it = dir->entries.find(name);
  if (it == dir->entries.end()) return;
  InodePtr node = get(it->second);
  dir->entries.erase(it);
  dir->mtime_ns = dir->ctime_ns = now_ns;
  if (dir->entries_dirtied_ns < 0) dir->entries_dirtied_ns = now_ns;
  if (node) {
    --node->links;
    forget_if_unnamed(*node);
  }
}

std::uint64_t Filesystem::nlink(const Inode& node) const {
  if (!node.is_dir()) return node.links;
  auto subdirs = std::count_if(node.entries.begin(), node.entries.end(), [&](const auto& e) {
    auto child = get(e.second);
    return child && child->is_dir();
  });
  return 2 + static_cast<std::uint64_t>(subdirs);
}

// An inode that neither the cache nor storage names is gone from the file system; descriptors
// and maps that hold it keep it alive until they are closed, as on Linux.
void Filesystem::forget_if_unnamed(const Inode& node) {
  if (node.links == 0 && node.durable_links == 0 && node.ino != kRootIno) inodes_.erase(node.ino);
}

void Filesystem::commit_entries(Inode& dir) {
  for (const auto& [name, ino] : dir.durable.entries) {
    if (auto node = get(ino)) --node->durable_links;
  }
  auto previous = std::move(dir.durable.entries);
  dir.durable.entries = dir.entries;
  for (const auto& [name, ino] : dir.durable.entries) {
    if (auto node = get(ino)) ++node->durable_links;
  }
  dir.entries_dirtied_ns = -1;
  for (const auto& [name, ino] : previous) {
    if (auto node = get(ino)) forget_if_unnamed(*node);
  }
}

Result<std::string> Filesystem::path_of(const InodePtr& dir) const {
  std::vector<std::string> names;
  InodePtr node = dir;
  while (node != root_) {
    InodePtr parent = get(node->parent);
    if (!parent) return Errno::enoent;
    auto it = std::find_if(parent->entries.begin(), parent->entries.end(),
                           [&](const auto& e) { return e.second == node->ino; });
    if (it == parent->entries.end()) return Errno::enoent;
    names.push_back(it->first);
    node = parent;
  }
  std::string path;
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    path += '/';
    path += *it;
  }
  return path.empty() ? "/" : path;
}

Result<void> Filesystem::resize(Inode& node, std::int64_t size, std::int64_t now_ns) {
  auto old_size = static_cast<std::int64_t>(node.data.size());
  if (size == old_size) return {};
  if (size > old_size && *usage_ + (size - old_size) > limits_.max_bytes) return Errno::enospc;
  *usage_ += size - old_size;
  node.data.resize(static_cast<std::size_t>(size));
  // Growing adds holes; shrinking frees the blocks wholly past the end, not a partial last one.
  node.blocks.resize(blocks_for(size));
  if (size > old_size) {
    mark_dirty(node, old_size, size, now_ns);
  } else {
    std::erase_if(node.dirty_pages, [&](const auto& p) { return p.first * PAGESIZE >= size; });
    if (size % PAGESIZE) mark_dirty(node, size, size + 1, now_ns);
  }
  node.metadata_dirty = true;
  node.mtime_ns = node.ctime_ns = now_ns;
  return {};
}

Result<void> Filesystem::write_at(Inode& node, std::int64_t offset, std::span<const std::byte> data,
                                  std::int64_t now_ns) {
  auto end = offset + static_cast<std::int64_t>(data.size());
  if (end > static_cast<std::int64_t>(node.data.size())) {
    if (auto r = resize(node, end, now_ns); !r.ok()) return r;
  }
  if (!data.empty()) {
    std::memcpy(node.data.data() + offset, data.data(), data.size());
    std::fill(node.blocks.begin() + static_cast<std::ptrdiff_t>(offset / kBlockSize),
              node.blocks.begin() + static_cast<std::ptrdiff_t>(blocks_for(end)), true);
  }
  mark_dirty(node, offset, end, now_ns);
  node.mtime_ns = node.ctime_ns = now_ns;
  return {};
}

void Filesystem::mark_dirty(Inode& node, std::int64_t begin, std::int64_t end,
                            std::int64_t now_ns) {
  for (std::int64_t page = page_of(begin); page * PAGESIZE < end; ++page) {
    node.dirty_pages.try_emplace(page, now_ns);
  }
}

void Filesystem::sync_range(Inode& node, std::int64_t begin, std::int64_t end, bool with_size) {
  auto& durable = node.durable.data;
  if (with_size) durable.resize(node.data.size());
  auto stop = std::min<std::int64_t>(end, static_cast<std::int64_t>(durable.size()));
  if (begin < stop)
    std::memcpy(durable.data() + begin, node.data.data() + begin,
                static_cast<std::size_t>(stop - begin));
  // Storage holds the blocks the synced range allocated, and holes where the size it takes on
  // reaches pages not synced (delayed allocation had not given them blocks yet).
  auto& blocks = node.durable.blocks;
  blocks.resize(blocks_for(static_cast<std::int64_t>(durable.size())));
  auto last_block = std::min({end / kBlockSize + (end % kBlockSize != 0),
                              static_cast<std::int64_t>(blocks.size()),
                              static_cast<std::int64_t>(node.blocks.size())});
  for (auto block = begin / kBlockSize; block < last_block; ++block) {
    blocks[static_cast<std::size_t>(block)] = node.blocks[static_cast<std::size_t>(block)];
  }
  auto first = page_of(begin);
  auto last = page_of(end + PAGESIZE - 1);
  std::erase_if(node.dirty_pages,
                [&](const auto& p) { return p.first >= first && p.first < last; });
}

void Filesystem::sync_data(Inode& node) {
  auto end = std::max(node.data.size(), node.durable.data.size());
  sync_range(node, 0, static_cast<std::int64_t>(end), true);
  node.dirty_pages.clear();
}

void Filesystem::sync_all(Inode& node) {
  sync_data(node);
  node.durable.mode = node.mode;
  node.durable.mtime_ns = node.mtime_ns;
  node.metadata_dirty = false;
  if (node.is_dir()) commit_entries(node);
}

void Filesystem::writeback(std::int64_t now_ns, std::int64_t expire_ns) {
  auto deadline = now_ns - expire_ns;
  std::vector<InodePtr> directories;
  for (auto& [ino, node] : inodes_) {
    std::vector<std::int64_t> expired;
    for (const auto& [page, since] : node->dirty_pages) {
      if (since <= deadline) expired.push_back(page);
    }
    for (auto page : expired) sync_range(*node, page * PAGESIZE, (page + 1) * PAGESIZE, true);
    if (node->is_dir() && node->entries_dirtied_ns >= 0 && node->entries_dirtied_ns <= deadline) {
      directories.push_back(node);
    }
  }
  // Committing entries can forget inodes, so not while walking the table.
  for (const auto& dir : directories) commit_entries(*dir);
}

void Filesystem::crash() {
  for (auto& [ino, node] : inodes_) {
    *usage_ += static_cast<std::int64_t>(node->durable.data.size()) -
               static_cast<std::int64_t>(node->data.size());
    node->data = node->durable.data;
    node->blocks = node->durable.blocks;
    node->dirty_pages.clear();
    node->mode = node->durable.mode;
    node->mtime_ns = node->ctime_ns = node->durable.mtime_ns;
    node->metadata_dirty = false;
    node->entries = node->durable.entries;
    node->entries_dirtied_ns = -1;
    // Storage still names every inode left here, so an rmdir (or rename over a directory)
    // that never reached storage is undone: the directory is live again.
    node->removed = node->size_cleared = false;
  }
  // What a reboot finds: everything reachable from the root through durable entries.
  std::set<std::uint64_t> reachable{root_->ino};
  std::vector<InodePtr> pending{root_};
  while (!pending.empty()) {
    InodePtr dir = pending.back();
    pending.pop_back();
    for (const auto& [name, ino] : dir->entries) {
      InodePtr child = get(ino);
      if (!child || !reachable.insert(ino).second) continue;
      if (child->is_dir()) {
        child->parent = dir->ino;
        pending.push_back(child);
      }
    }
  }
  std::erase_if(inodes_, [&](const auto& item) { return !reachable.count(item.first); });
  // Entries whose inode did not survive are dropped too; link counts start afresh.
  for (auto& [ino, node] : inodes_) node->links = node->durable_links = 0;
  for (auto& [ino, node] : inodes_) {
    std::erase_if(node->entries, [&](const auto& e) { return !reachable.count(e.second); });
    node->durable.entries = node->entries;
    for (const auto& [name, child] : node->entries) {
      auto& target = *get(child);
      ++target.links;
      ++target.durable_links;
    }
  }
}

}  // namespace bl::os::sim
