#include "cpython_timer.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace bl::bench {

namespace {

// Reads requests from stdin, one line each, and answers one line each:
//   load KEY SIZE \n STARTS... \n <SIZE bytes>  ->  CODE_POINTS NUMBER
//   time KEY                                    ->  CPU_SECONDS WALL_SECONDS (per decoding)
constexpr const char* kScript = R"py(
import sys, time, timeit
requests, out = sys.stdin.buffer, sys.stdout
timers = {}
out.write(sys.version.split()[0] + "\n"); out.flush()
for line in requests:
    command, key, *rest = line.decode().split()
    if command == "load":
        starts = [int(x) for x in requests.readline().split()]
        data = requests.read(int(rest[0]))
        chunks = [data[a:b] for a, b in zip(starts, starts[1:])]
        if len(chunks) == 1:
            timer = timeit.Timer("d.decode('utf-8')", globals={"d": chunks[0]})
        else:
            timer = timeit.Timer("for c in cs: c.decode('utf-8')", globals={"cs": chunks})
        number = max(1, timer.autorange()[0] // 4)
        timers[key] = (timer, number)
        out.write("%d %d\n" % (sum(len(c.decode('utf-8')) for c in chunks), number))
    elif command == "time":
        timer, number = timers[key]
        cpu = time.thread_time()
        wall = timer.timeit(number)
        cpu = time.thread_time() - cpu
        out.write("%r %r\n" % (cpu / number, wall / number))
    out.flush()
)py";

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("CPythonTimer: ") + what);
}

}  // namespace

CPythonTimer::CPythonTimer() {
  // A python3 that died makes writes to it fail with EPIPE (reported) rather than kill us.
  ::signal(SIGPIPE, SIG_IGN);
  int to_child[2], from_child[2];
  check(::pipe(to_child) == 0 && ::pipe(from_child) == 0, "pipe() failed");
  pid_ = ::fork();
  check(pid_ >= 0, "fork() failed");
  if (pid_ == 0) {
    ::dup2(to_child[0], STDIN_FILENO);
    ::dup2(from_child[1], STDOUT_FILENO);
    for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) ::close(fd);
    ::unsetenv("PYTHONUNBUFFERED");
    ::execlp("python3", "python3", "-c", kScript, static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  to_python_ = ::fdopen(to_child[1], "w");
  from_python_ = ::fdopen(from_child[0], "r");
  check(to_python_ != nullptr && from_python_ != nullptr, "fdopen() failed");
  version_ = request("");
}

CPythonTimer::~CPythonTimer() {
  if (to_python_ != nullptr) std::fclose(to_python_);  // python's loop ends at end of input
  if (from_python_ != nullptr) std::fclose(from_python_);
  if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
}

// Sends `line` (nothing when empty) and returns python's one-line answer.
std::string CPythonTimer::request(const std::string& line) {
  if (!line.empty()) {
    check(std::fwrite(line.data(), 1, line.size(), to_python_) == line.size(), "write failed");
    check(std::fflush(to_python_) == 0, "flush failed");
  }
  std::string answer;
  for (int c; (c = std::fgetc(from_python_)) != EOF && c != '\n';) answer += static_cast<char>(c);
  check(!answer.empty(), "python3 did not answer (is python3 on PATH?)");
  return answer;
}

std::size_t CPythonTimer::load(const std::string& key, const std::string& text,
                               const std::vector<std::size_t>& starts) {
  std::ostringstream header;
  header << "load " << key << " " << text.size() << "\n";
  for (std::size_t start : starts) header << start << " ";
  header << "\n";
  const std::string head = header.str();
  check(std::fwrite(head.data(), 1, head.size(), to_python_) == head.size(), "write failed");
  std::istringstream answer(request(text));
  std::size_t code_points = 0, number = 0;
  answer >> code_points >> number;
  return code_points;
}

Seconds CPythonTimer::time(const std::string& key) {
  std::istringstream answer(request("time " + key + "\n"));
  Seconds s;
  answer >> s.cpu >> s.wall;
  check(!answer.fail(), "unexpected answer to time");
  return s;
}

}  // namespace bl::bench
