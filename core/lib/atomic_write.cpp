// The durable replace recipe (atomic_write.hpp) over lib::os and io::open.
#include "lib/atomic_write.hpp"

#include <array>

#include "io/open.hpp"
#include "lib/os.hpp"
#include "lib/os_path.hpp"

namespace bl::lib {

namespace {

// Eight characters of [a-z0-9] from the kernel's getrandom (SimKernel's is seeded, so runs
// repeat).
std::string random_token(os::Kernel& k) {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::array<std::byte, 8> raw{};
  (void)k.getrandom(raw).value_or_raise();
  std::string token;
  for (std::byte b : raw) token += kAlphabet[std::to_integer<unsigned>(b) % kAlphabet.size()];
  return token;
}

// A new temporary file beside `path`: its name and descriptor (O_EXCL: never someone else's).
std::pair<std::string, os::Fd> create_temp(os::Kernel& k, std::string_view path,
                                           std::uint32_t mode) {
  constexpr int kAttempts = 100;
  for (int attempt = 1;; ++attempt) {
    std::string name = atomic_temp_name(path, random_token(k));
    try {
      return {name, os::open(k, name, os::O::WRONLY | os::O::CREAT | os::O::EXCL, mode)};
    } catch (const FileExistsError&) {
      if (attempt == kAttempts) throw;
    }
  }
}

// Makes the rename itself durable: fsync of the directory that holds the new name.
void fsync_directory(os::Kernel& k, std::string_view path) {
  std::string dir = os::path::dirname(path);
  os::Fd fd = os::open(k, dir.empty() ? "." : dir, os::O::RDONLY | os::O::DIRECTORY);
  try {
    os::fsync(k, fd);
  } catch (...) {
    (void)k.close(fd);
    throw;
  }
  os::close(k, fd);
}

}  // namespace

std::string atomic_temp_name(std::string_view path, std::string_view token) {
  auto [head, tail] = os::path::split(path);
  return os::path::join(head, "." + tail + "." + std::string(token) + ".tmp");
}

void atomic_write(os::Kernel& kernel, std::string_view path, buffer::ByteSpan data,
                  AtomicWriteOptions options) {
  atomic_write(kernel, path, [data](io::BinaryIOBase& f) { f.write(data); }, options);
}

void atomic_write(os::Kernel& k, std::string_view path,
                  const std::function<void(io::BinaryIOBase&)>& writer,
                  AtomicWriteOptions options) {
  os::check_path(path);
  auto [tmp, fd] = create_temp(k, path, options.mode);
  std::shared_ptr<io::IOBase> file;
  try {
    file = io::open(k, std::int64_t{fd}, {.mode = "wb", .buffering = options.buffering});
    auto& f = dynamic_cast<io::BinaryIOBase&>(*file);
    writer(f);
    f.flush();
    os::fsync(k, fd);
    f.close();
    os::replace(k, tmp, path);
  } catch (...) {
    // Undo: close whatever is still open, remove the temporary file; the target is untouched.
    try {
      if (file) file->close();
      else os::close(k, fd);
    } catch (const Exception&) {
    }
    (void)k.unlink(tmp);
    throw;
  }
  if (options.fsync_directory) fsync_directory(k, path);
}

}  // namespace bl::lib
