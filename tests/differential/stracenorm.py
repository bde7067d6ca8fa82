"""Parse an `strace -f -y -qq -s 0` log of cpython_driver.py and normalize it per FORMAT.md.

The driver marks each step with a stat of `/bl-step/<script index>/<step index>` (and the end of a
script with `/bl-step/<script index>/end`).  Calls between two markers belong to the step; only
calls on files inside the script's work directory WORKROOT/<script index> are kept.
"""

import os
import re

TRACED = ("openat,read,write,pread64,pwrite64,readv,writev,lseek,fstat,newfstatat,ioctl,close,"
          "ftruncate,fsync,fdatasync,dup,dup2,dup3,fcntl,unlink,unlinkat,rename,mkdir,rmdir,"
          "getdents64,chmod,fchmod,fchmodat,sendfile,copy_file_range,mmap,msync,munmap,mremap,"
          "madvise")

MARK_PREFIX = "/bl-step/"

# Flags after the access mode, in ascending bit value (strace's own order).
OPEN_FLAG_ORDER = ["O_CREAT", "O_EXCL", "O_NOCTTY", "O_TRUNC", "O_APPEND", "O_NONBLOCK",
                   "O_DSYNC", "O_ASYNC", "O_DIRECT", "O_LARGEFILE", "O_DIRECTORY", "O_NOFOLLOW",
                   "O_NOATIME", "O_CLOEXEC", "O_SYNC", "O_PATH", "O_TMPFILE"]
_ACCESS = ("O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE")
_FLAG_RANK = {n: i for i, n in enumerate(OPEN_FLAG_ORDER)}

_HEAD = re.compile(r"^(?:\[pid +\d+\] |\d+ +)?([a-z_0-9]+)\(")
_FDARG = re.compile(r"^(-?\d+|AT_FDCWD)(?:<(.*)>)?(?:\(deleted\))?$")
_ERR = re.compile(r"^-1 (E[A-Z0-9]+)")
# strace -y names an O_TMPFILE file "#<inode>" in its directory; both drivers say "#tmpfile".
_TMPFILE = re.compile(r"(^|/)#\d+$")
TMPFILE_NAME = "#tmpfile"
PAGE = 4096


def strace_command(trace_path):
    return ["strace", "-f", "-y", "-qq", "-s", "0", "--seccomp-bpf", "-e", "trace=" + TRACED,
            "-o", trace_path]


def canon_open_flags(text):
    """Access mode first, then the other flags in ascending bit value (both drivers' output)."""
    parts = text.split("|")
    acc = [p for p in parts if p in _ACCESS]
    rest = [p for p in parts if p not in _ACCESS]
    rest.sort(key=lambda p: (_FLAG_RANK.get(p, 99), p))
    return "|".join(acc + rest)


def canon_sys_line(line):
    """Canonical form used when comparing: open flag order, numeric unknown whence."""
    if line.startswith("openat "):
        toks = line.split(" ")
        if len(toks) >= 3:
            toks[2] = canon_open_flags(toks[2])
            return " ".join(toks)
    if line.startswith("lseek ") and "/*" in line:
        return re.sub(r"(0x[0-9a-f]+|\d+) /\* SEEK_\?\?\? \*/",
                      lambda m: str(int(m.group(1), 0)), line)
    return line


def _unescape(s):
    # strace quotes with C escapes; our paths are plain ASCII, but be safe.
    out = bytearray()
    i = 0
    b = s.encode("latin-1", "replace")
    while i < len(b):
        c = b[i]
        if c == 0x5C and i + 1 < len(b):  # backslash
            n = b[i + 1]
            if 0x30 <= n <= 0x37:
                j = i + 1
                while j < len(b) and j < i + 4 and 0x30 <= b[j] <= 0x37:
                    j += 1
                out.append(int(b[i + 1:j], 8) & 0xFF)
                i = j
                continue
            if n == ord("x"):
                out.append(int(b[i + 2:i + 4], 16))
                i += 4
                continue
            out.append({ord("n"): 10, ord("t"): 9, ord("r"): 13, ord("v"): 11,
                        ord("f"): 12}.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _offset_arg(a):
    """sendfile's and copy_file_range's offset argument: `[0] => [150000]` -> `@0`, NULL.
    strace prints the loff_t unsigned (`[18446744073709551615]`); it is signed: `@-1`."""
    if not a.startswith("["):
        return a
    v = int(a[1:a.index("]")])
    return f"@{v - (1 << 64) if v >= 1 << 63 else v}"


def split_call(line):
    """Return (name, [arg strings], result string) or None for lines that are not calls."""
    m = _HEAD.match(line)
    if not m:
        return None
    name = m.group(1)
    i = m.end()
    n = len(line)
    args = []
    depth = 0
    start = i
    while i < n:
        c = line[i]
        if c == '"':
            i += 1
            while i < n and line[i] != '"':
                i += 2 if line[i] == "\\" else 1
        elif c in "([{<":
            depth += 1
        elif c in ")]}>":
            if depth == 0:
                if c == ")":
                    break
            else:
                depth -= 1
        elif c == "," and depth == 0:
            args.append(line[start:i].strip())
            start = i + 1
        i += 1
    else:
        return None  # unfinished line
    last = line[start:i].strip()
    if last or args:
        args.append(last)
    rest = line[i + 1:].strip()
    if not rest.startswith("="):
        return None
    return name, args, rest[1:].strip()


def _string_arg(a):
    if a.startswith('"'):
        end = a.rfind('"')
        return _unescape(a[1:end])
    return None


class Normalizer:
    def __init__(self, workroot):
        self.workroot = os.path.realpath(workroot)
        # Memory maps of listed files: start address -> [length, name]. Kept across steps and
        # scripts (munmap outside the steps ends them) so that a reused address is not taken
        # for the file.
        self.maps = {}

    def rel(self, path, wdir):
        """Path relative to wdir if it lies inside it, else None."""
        if path is None:
            return None
        path = os.path.normpath(path)
        if path == wdir:
            return "."
        if path.startswith(wdir + "/"):
            return path[len(wdir) + 1:]
        return None

    def fd_name(self, arg, wdir):
        """Name of a descriptor argument, or None when it is not a work-dir file."""
        m = _FDARG.match(arg)
        if not m:
            return None
        num, path = m.group(1), m.group(2)
        if path is not None and path.startswith("pipe:["):
            # A pipe end is named by its descriptor: fd100 (only fixed descriptors >= 100).
            return None if num == "AT_FDCWD" or int(num) < 100 else "fd" + num
        if path is not None:
            name = self.rel(_unescape(path) if "\\" in path else path, wdir)
            return None if name is None else _TMPFILE.sub(r"\1" + TMPFILE_NAME, name)
        if num != "AT_FDCWD" and int(num) >= 100:
            return num
        return None

    def path_arg(self, dirarg, patharg, wdir):
        p = _string_arg(patharg)
        if p is None:
            return None
        if not p.startswith("/"):
            base = wdir
            if dirarg is not None:
                m = _FDARG.match(dirarg)
                if m and m.group(2):
                    base = _unescape(m.group(2))
            p = os.path.join(base, p)
        return self.rel(p, wdir)

    @staticmethod
    def result(res, new_fd=False):
        m = _ERR.match(res)
        if m:
            return "-" + m.group(1)
        tok = res.split(" ", 1)[0]
        tok = tok.split("<", 1)[0]
        if new_fd:
            return "ok"
        return tok

    def mapping(self, addr_arg):
        """(start, [length, name]) of the listed map holding the address, or None."""
        try:
            addr = int(addr_arg, 16)
        except ValueError:
            return None
        for start, m in self.maps.items():
            if start <= addr < start + max(-(-m[0] // PAGE) * PAGE, PAGE):
                return start, m
        return None

    def memory_call(self, name, args, res):
        """Line stem of msync/munmap/mremap/madvise on a listed map ("munmap a.bin +0 50"),
        keeping self.maps up to date; None when the address is in no listed map."""
        found = self.mapping(args[0]) if len(args) >= 2 else None
        if found is None:
            return None
        start, m = found
        off = int(args[0], 16) - start
        ok = not res.startswith("-1")
        if name == "munmap" and ok and off == 0 and int(args[1]) >= m[0]:
            del self.maps[start]
        if name == "mremap" and ok and len(args) >= 3:
            del self.maps[start]
            self.maps[int(res.split()[0], 16)] = [int(args[2]), m[1]]
        return f"{name} {m[1]} +{off} " + " ".join(args[1:4 if name == "mremap" else 3])

    def normalize(self, name, args, res, wdir):
        """Normalized line, or None if the call does not concern the work directory."""
        R = self.result
        ok = not res.startswith("-1")
        if name in ("msync", "munmap", "mremap", "madvise"):
            stem = self.memory_call(name, args, res)
            return None if stem is None else f"{stem} = {R(res, new_fd=name == 'mremap' and ok)}"
        if name == "openat" and len(args) >= 3:
            p = self.path_arg(args[0], args[1], wdir)
            if p is None:
                return None
            flags = canon_open_flags(args[2])
            mode = " " + args[3] if len(args) >= 4 else ""
            return f"openat {p} {flags}{mode} = {R(res, new_fd=ok)}"
        if name == "newfstatat" and len(args) >= 4:
            if args[1] == '""' and "AT_EMPTY_PATH" in args[3]:
                f = self.fd_name(args[0], wdir)
                return None if f is None else f"fstat {f} = {R(res)}"
            p = self.path_arg(args[0], args[1], wdir)
            call = "lstat" if "AT_SYMLINK_NOFOLLOW" in args[3] else "stat"
            return None if p is None else f"{call} {p} = {R(res)}"
        if name in ("unlink", "rmdir") and args:
            p = self.path_arg(None, args[0], wdir)
            return None if p is None else f"{name} {p} = {R(res)}"
        if name in ("mkdir", "chmod") and len(args) >= 2:
            p = self.path_arg(None, args[0], wdir)
            return None if p is None else f"{name} {p} {args[1]} = {R(res)}"
        if name == "fchmodat" and len(args) >= 3:
            p = self.path_arg(args[0], args[1], wdir)
            return None if p is None else f"fchmodat {p} {' '.join(args[2:])} = {R(res)}"
        if name == "unlinkat" and len(args) >= 3:
            p = self.path_arg(args[0], args[1], wdir)
            return None if p is None else f"unlinkat {p} {args[2]} = {R(res)}"
        if name == "rename" and len(args) >= 2:
            a = self.path_arg(None, args[0], wdir)
            b = self.path_arg(None, args[1], wdir)
            if a is None and b is None:
                return None
            return f"rename {a} {b} = {R(res)}"
        if name == "sendfile" and len(args) >= 4:
            out, src = self.fd_name(args[0], wdir), self.fd_name(args[1], wdir)
            if out is None and src is None:
                return None
            return f"sendfile {out} {src} {_offset_arg(args[2])} {args[3]} = {R(res)}"
        if name == "copy_file_range" and len(args) >= 5:
            src, out = self.fd_name(args[0], wdir), self.fd_name(args[2], wdir)
            if out is None and src is None:
                return None
            return (f"copy_file_range {src} {_offset_arg(args[1])} {out} {_offset_arg(args[3])} "
                    f"{args[4]} = {R(res)}")
        if name == "mmap" and len(args) >= 6:
            f = self.fd_name(args[4], wdir)
            if f is None:
                return None  # anonymous maps and maps of other files
            if ok:
                self.maps[int(res.split()[0], 16)] = [int(args[1]), f]
            return f"mmap {f} {args[1]} {args[2]} {args[3]} {int(args[5], 0)} = {R(res, new_fd=ok)}"
        if not args:
            return None
        f = self.fd_name(args[0], wdir)
        if f is None:
            return None
        if name in ("read", "write") and len(args) >= 3:
            return f"{name} {f} {args[2]} = {R(res)}"
        if name in ("pread64", "pwrite64") and len(args) >= 4:
            return f"{name} {f} {args[2]} @{args[3]} = {R(res)}"
        if name in ("readv", "writev", "getdents64") and len(args) >= 3:
            return f"{name} {f} {args[2]} = {R(res)}"
        if name == "lseek" and len(args) >= 3:
            wh = args[2]
            if "/*" in wh:
                wh = str(int(wh.split()[0], 0))
            return f"lseek {f} {args[1]} {wh} = {R(res)}"
        if name == "fstat":
            return f"fstat {f} = {R(res)}"
        if name == "ioctl" and len(args) >= 2:
            return f"ioctl {f} {args[1]} = {R(res)}"
        if name in ("close", "fsync", "fdatasync"):
            return f"{name} {f} = {R(res)}"
        if name in ("ftruncate", "fchmod") and len(args) >= 2:
            return f"{name} {f} {args[1]} = {R(res)}"
        if name == "dup":
            return f"dup {f} = {R(res, new_fd=ok)}"
        if name == "dup2" and len(args) >= 2:
            return f"dup2 {f} {args[1]} = {R(res)}"
        if name == "dup3" and len(args) >= 3:
            return f"dup3 {f} {args[1]} {args[2]} = {R(res)}"
        if name == "fcntl" and len(args) >= 2:
            extra = " " + " ".join(args[2:]) if len(args) > 2 else ""
            newfd = args[1].startswith("F_DUPFD") and ok
            return f"fcntl {f} {args[1]}{extra} = {R(res, new_fd=newfd)}"
        return None

    def parse(self, lines):
        """{(script_index, step_index): [normalized calls]} for every marked step."""
        out = {}
        cur = None
        wdir = None
        for line in lines:
            if MARK_PREFIX in line:
                k = line.find('"' + MARK_PREFIX)
                if k >= 0 and line[:k].rstrip().endswith(","):
                    mark = line[k + 1 + len(MARK_PREFIX):line.index('"', k + 1)]
                    s, _, i = mark.partition("/")
                    if i == "end" or not (s.isdigit() and i.isdigit()):
                        cur = None
                    else:
                        cur = (int(s), int(i))
                        out[cur] = []
                        wdir = os.path.join(self.workroot, s)
                    continue
            if cur is None:
                # A listed map may end or move between steps (cleanup, gc).
                call = split_call(line) if "munmap(" in line or "mremap(" in line else None
                if call is not None:
                    self.memory_call(*call)
                continue
            call = split_call(line)
            if call is None:
                continue
            norm = self.normalize(call[0], call[1], call[2], wdir)
            if norm is not None:
                out[cur].append(norm)
        return out


def parse_file(trace_path, workroot):
    with open(trace_path, "r", encoding="utf-8", errors="surrogateescape") as f:
        return Normalizer(workroot).parse(f)
