// bl_diff_driver --kernel posix|sim [--workroot DIR] SCRIPTS.jsonl RESULTS.jsonl
//
// Runs differential scripts (FORMAT.md) on bufferlab and writes one result line per step and
// one end record per script, as cpython_driver.py does on CPython. Script n runs in an empty
// work directory: WORKROOT/<n> on the real file system (posix), or /home/learner/w in a fresh
// SimKernel (sim). Its files are created, and read back at the end, without tracing; every
// step runs on a TracingKernel whose calls on work-directory files become the step's "sys".
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "driver.hpp"
#include "os/posix_kernel.hpp"
#include "os/sim_kernel.hpp"
#include "trace/tracing_kernel.hpp"

namespace bl::diff {

namespace {

struct Options {
  std::string kernel;
  std::string workroot;
  std::string scripts, results;
};

[[noreturn]] void usage() {
  std::cerr << "usage: bl_diff_driver --kernel posix|sim [--workroot DIR] SCRIPTS.jsonl "
               "RESULTS.jsonl\n";
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  std::vector<std::string> rest;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--kernel" && i + 1 < argc) {
      o.kernel = argv[++i];
    } else if (a == "--workroot" && i + 1 < argc) {
      o.workroot = argv[++i];
    } else if (a.starts_with("--")) {
      usage();
    } else {
      rest.push_back(a);
    }
  }
  if (rest.size() != 2 || (o.kernel != "posix" && o.kernel != "sim")) usage();
  o.scripts = rest[0];
  o.results = rest[1];
  return o;
}

// --- untraced file system helpers, on whichever kernel ----------------------------------

void make_dirs(os::Kernel& k, const std::string& path) {
  std::string prefix;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    prefix = path.substr(0, j);
    if (!prefix.empty()) (void)k.mkdir(prefix);
    i = j + 1;
  }
}

void write_file(os::Kernel& k, const std::string& path, const std::vector<std::byte>& data) {
  os::Fd fd = k.open(path, os::O::WRONLY | os::O::CREAT | os::O::TRUNC | os::O::CLOEXEC, 0666)
                  .value_or_raise(path);
  std::span<const std::byte> rest(data);
  while (!rest.empty()) {
    auto n = k.write(fd, rest);
    if (!n.ok() || n.value() == 0) break;
    rest = rest.subspan(n.value());
  }
  (void)k.close(fd);
}

std::vector<std::byte> read_file(os::Kernel& k, const std::string& path) {
  os::Fd fd = k.open(path, os::O::RDONLY | os::O::CLOEXEC).value_or_raise(path);
  std::vector<std::byte> data;
  std::vector<std::byte> chunk(65536);
  for (;;) {
    auto n = k.read(fd, chunk);
    if (!n.ok()) {
      (void)k.close(fd);
      raise_os_error(n.error(), path);
    }
    if (n.value() == 0) break;
    data.insert(data.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n.value()));
  }
  (void)k.close(fd);
  return data;
}

// Files larger than this are compared by size, CRC-32 and first bytes rather than by content
// (FORMAT.md, `files`), as cpython_driver.py's file_value.
constexpr std::size_t kBigFile = 1 << 18;

// CRC-32 (ISO-HDLC, as zlib.crc32), a byte at a time through a table.
std::uint32_t crc32(buffer::ByteSpan data) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int bit = 0; bit < 8; ++bit) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t crc = 0xffffffffu;
  for (std::byte b : data) crc = (crc >> 8) ^ table[(crc ^ std::to_integer<std::uint32_t>(b)) & 0xffu];
  return ~crc;
}

std::string file_value(const std::vector<std::byte>& data) {
  if (data.size() <= kBigFile) return to_hex(data);
  char crc[9];
  std::snprintf(crc, sizeof crc, "%08x", crc32(data));
  return std::to_string(data.size()) + " bytes, crc32 " + crc + ", starts " +
         to_hex(buffer::ByteSpan(data.data(), 32));
}

// A `files` value: hex, or {"repeat": hex, "size": n}, the pattern repeated to n bytes.
std::vector<std::byte> file_content(const json& value) {
  if (value.is_string()) return from_hex(value.get<std::string>());
  const std::vector<std::byte> pattern = from_hex(value.at("repeat").get<std::string>());
  std::vector<std::byte> data(value.at("size").get<std::size_t>());
  if (pattern.empty() && !data.empty()) throw DriverError("driver: empty repeat pattern");
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = pattern[i % pattern.size()];
  return data;
}

// collect_files(): every regular file under dir, by relative path, content as file_value.
void collect_files(os::Kernel& k, const std::string& dir, const std::string& rel, json& files) {
  auto names = k.listdir(dir);
  if (!names.ok()) raise_os_error(names.error(), dir);
  std::vector<std::string> sorted = names.value();
  std::sort(sorted.begin(), sorted.end());
  for (const auto& name : sorted) {
    std::string path = dir + "/" + name;
    auto st = k.stat(path);
    if (!st.ok()) continue;
    std::string key = rel.empty() ? name : rel + "/" + name;
    if (st.value().is_directory()) {
      collect_files(k, path, key, files);
    } else if (st.value().is_regular()) {
      files[key] = file_value(read_file(k, path));
    }
  }
}

void remove_tree(os::Kernel& k, const std::string& dir) {
  auto names = k.listdir(dir);
  if (names.ok()) {
    for (const auto& name : names.value()) {
      std::string path = dir + "/" + name;
      auto st = k.stat(path);
      if (st.ok() && st.value().is_directory())
        remove_tree(k, path);
      else
        (void)k.unlink(path);
    }
  }
  (void)k.rmdir(dir);
}

json sorted_files(os::Kernel& k, const std::string& wdir) {
  json files = json::object();
  try {
    json found = json::object();
    collect_files(k, wdir, "", found);
    std::vector<std::string> keys;
    for (const auto& [key, value] : found.items()) keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    for (const auto& key : keys) files[key] = found[key];
  } catch (const Exception& e) {
    files = json{{"<error>", e.what()}};
  }
  return files;
}

// --- one script --------------------------------------------------------------------------

// Closes what the script left open, as cpython_driver.py's cleanup: memoryviews first.
void cleanup(ScriptState& st, os::Kernel& inner) {
  for (const auto& h : st.order) {
    if (auto* v = std::get_if<std::shared_ptr<buffer::MemoryView>>(&st.handles[h])) (*v)->release();
  }
  for (const auto& h : st.order) {
    try {
      if (auto* io = std::get_if<std::shared_ptr<io::IOBase>>(&st.handles[h])) (*io)->close();
      if (auto* lib = std::get_if<std::shared_ptr<LibObject>>(&st.handles[h])) (*lib)->cleanup();
    } catch (...) {
    }
  }
  st.handles.clear();
  st.order.clear();
  for (int fd : st.fixed_fds) (void)inner.close(fd);
}

class Runner {
 public:
  Runner(Options options, std::ostream& out) : options_(std::move(options)), out_(out) {
    if (options_.kernel == "posix") {
      if (options_.workroot.empty()) {
        char tmpl[] = "/tmp/bl-diff-XXXXXX";
        if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        options_.workroot = tmpl;
      }
      std::filesystem::create_directories(options_.workroot);
      options_.workroot = std::filesystem::canonical(options_.workroot).string();
    }
  }

  void run(std::size_t si, const json& script) {
    std::unique_ptr<os::Kernel> sim;
    os::PosixKernel posix;
    std::string wdir;
    if (options_.kernel == "sim") {
      sim = std::make_unique<os::SimKernel>();
      wdir = std::string(os::SimKernel::kHome) + "/w";
    } else {
      wdir = options_.workroot + "/" + std::to_string(si);
    }
    os::Kernel& inner = sim ? *sim : posix;
    remove_tree(inner, wdir);
    inner.mkdir(wdir).value_or_raise(wdir);
    inner.chdir(wdir).value_or_raise(wdir);
    const json files = script.value("files", json::object());
    for (const auto& [path, hex] : files.items()) {
      if (path.ends_with("/")) {
        make_dirs(inner, path);
        continue;
      }
      if (auto slash = path.rfind('/'); slash != std::string::npos)
        make_dirs(inner, path.substr(0, slash));
      write_file(inner, path, file_content(hex));
    }

    trace::Recorder recorder;
    trace::TracingKernel traced(inner, recorder);
    SyscallNormalizer normalizer(wdir);
    std::string name =
        script.contains("name") ? script["name"].get<std::string>() : std::to_string(si);
    std::string lines;
    {
      ScriptState st(traced);
      std::size_t i = 0;
      for (const auto& step : script.value("steps", json::array())) {
        recorder.clear();
        json record = {{"script", name}, {"i", i++}};
        json result = run_step(step, st);
        for (auto& [key, value] : result.items()) record[key] = value;
        st.results.push_back(std::move(result));
        record["sys"] = normalizer.normalize(recorder.syscalls());
        lines += without_wdir(dump(record), wdir);
      }
      recorder.clear();
      lines += dump(json{{"script", name}, {"end", true}, {"files", sorted_files(inner, wdir)}});
      cleanup(st, inner);
    }
    (void)inner.chdir(sim ? std::string(os::SimKernel::kHome) : options_.workroot);
    if (!sim) remove_tree(inner, wdir);
    out_ << lines;
    out_.flush();
  }

 private:
  static std::string dump(const json& j) {
    return j.dump(-1, ' ', true, json::error_handler_t::replace) + "\n";
  }
  // FORMAT.md: the absolute path of the work directory (os.path.abspath, tempfile.mkstemp) is
  // written "<wdir>".
  static std::string without_wdir(std::string line, const std::string& wdir) {
    for (auto at = line.find(wdir); at != std::string::npos; at = line.find(wdir, at)) {
      line.replace(at, wdir.size(), "<wdir>");
    }
    return line;
  }

  Options options_;
  std::ostream& out_;
};

int main_impl(int argc, char** argv) {
  Options options = parse_options(argc, argv);
  std::ifstream in(options.scripts);
  if (!in) {
    std::cerr << "bl_diff_driver: cannot read " << options.scripts << "\n";
    return 2;
  }
  std::vector<json> scripts;
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    scripts.push_back(json::parse(line));
  }
  in.close();
  std::ofstream out(options.results, std::ios::binary);
  if (!out) {
    std::cerr << "bl_diff_driver: cannot write " << options.results << "\n";
    return 2;
  }
  Runner runner(options, out);
  for (std::size_t si = 0; si < scripts.size(); ++si) runner.run(si, scripts[si]);
  return 0;
}

}  // namespace

}  // namespace bl::diff

int main(int argc, char** argv) {
  try {
    return bl::diff::main_impl(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "bl_diff_driver: " << e.what() << "\n";
    return 1;
  }
}
