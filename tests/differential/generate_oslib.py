"""Random differential scripts for os, os.path and shutil (FORMAT.md "#### os, os.path and
shutil").

A directory of a few files (sizes around the 4 KiB buffers, the 64 KiB COPY_BUFSIZE and,
rarely, the 8 MiB sendfile block), a subdirectory, then a random mix of: shutil copies (with
and without the sendfile fast path, onto files, directories, missing parents and the source
itself), copyfileobj between open streams of random buffering and length (0, negative, short),
os calls on descriptors (valid, closed, 999) and on names (missing, directories, existing
targets), and os.path on random path strings. The final files are compared."""

import posixpath
import random

SIZES = (0, 1, 100, 4095, 4096, 4097, 65535, 65536, 65537, 100000, 150000)
FILES = ("f0", "f1", "f2", "d/g")
O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND = 0, 1, 2, 0o100, 0o200, 0o1000, 0o2000
OPEN_FLAGS = (O_RDONLY, O_WRONLY, O_RDWR, O_WRONLY | O_CREAT, O_RDWR | O_CREAT | O_EXCL,
              O_WRONLY | O_TRUNC, O_WRONLY | O_APPEND, O_RDWR | O_CREAT)
PARTS = ("a", "b", "f0", "d", "g", "", ".", "..", "x.txt")


def content(rnd, n):
    return bytes(rnd.randrange(256) for _ in range(min(n, 64))) * (n // 64) + \
        bytes(rnd.randrange(256) for _ in range(n % 64))


def blob(rnd, n):
    return {"b": bytes(rnd.randrange(97, 123) for _ in range(n)).hex()}


def random_path(rnd):
    """A path string for os.path: components with stray, doubled and leading slashes."""
    parts = [rnd.choice(PARTS) for _ in range(rnd.randrange(0, 5))]
    text = "".join(p + rnd.choice(("/", "/", "//", "")) for p in parts)
    if rnd.random() < 0.3:
        text = rnd.choice(("/", "//", "///")) + text
    return text


def relative_inside(p):
    """Whether p names something in the work directory (stat results are comparable)."""
    return not p.startswith("/") and not posixpath.normpath(p).startswith("..")


class Gen:
    def __init__(self, rnd, sizes):
        self.rnd = rnd
        self.sizes = sizes  # the files' sizes at the start
        self.fds = []  # names of descriptors bound with "as"
        self.streams = 0
        self.sink = False  # whether sendfile's output descriptor is open
        self.steps = []

    def name(self):
        rnd = self.rnd
        return rnd.choice(FILES + FILES + ("d", "d/", "nope", "nod/x", "nod/", "./f0", "d/../f1",
                                            "new", "new2", "d/new", ""))

    def fd(self):
        if self.fds and self.rnd.random() < 0.9:
            return {"fd": self.rnd.choice(self.fds)}
        return self.rnd.choice((999, -1))

    def add(self, step):
        self.steps.append(step)

    # --- shutil --------------------------------------------------------------------------
    def shutil(self):
        rnd = self.rnd
        fn = rnd.choice(("copyfile", "copyfile", "copy", "copymode", "copyfileobj", "copyfileobj"))
        if fn == "copyfileobj":
            return self.copyfileobj()
        step = {"op": "shutil", "fn": fn, "args": [self.name(), self.name()]}
        if fn != "copymode" and rnd.random() < 0.3:
            step["sendfile"] = False
        self.add(step)

    def stream(self, mode, path):
        rnd = self.rnd
        h = f"s{self.streams}"
        self.streams += 1
        kw = {"buffering": rnd.choice((-1, -1, 0, 16, 4096, 100000))}
        self.add({"op": "open", "h": h, "args": [path, mode], "kw": kw})
        return h

    def copyfileobj(self):
        rnd = self.rnd
        src_name = rnd.choice(FILES)
        src = self.stream(rnd.choice(("rb", "rb", "r+b")), src_name)
        if rnd.random() < 0.3:
            self.add({"op": "call", "h": src, "m": "read", "args": [rnd.choice((1, 10, 5000))]})
        dst_mode = rnd.choice(("wb", "ab", "xb", "r+b"))
        dst_name = rnd.choice(("out", "f2", "new"))
        if dst_mode == "ab" and dst_name == src_name:
            dst_name = "out"  # appending to the file being read never reaches its end
        dst = self.stream(dst_mode, dst_name)
        length = rnd.choice((None, 0, -1, -7, 1, 7, 4096, 65536, 100000))
        if length in (1, 7) and self.sizes.get(src_name, 0) > 5000:
            length *= 1000  # a byte at a time shows nothing more on 150 KB than on 5 KB
        args = [{"h": src}, {"h": dst}] + ([] if length is None else [length])
        self.add({"op": "shutil", "fn": "copyfileobj", "args": args})
        for h in rnd.sample((src, dst), 2):
            if rnd.random() < 0.8:
                self.add({"op": "call", "h": h, "m": "close", "args": []})

    # --- os on descriptors ---------------------------------------------------------------
    def osfd(self):
        rnd = self.rnd
        kind = rnd.choice(("open", "open", "read", "read", "write", "pread", "pwrite", "lseek",
                           "ftruncate", "fstat", "fsync", "fdatasync", "close", "sendfile",
                           "copy_file_range"))
        if kind == "open" or not self.fds:
            h = f"o{len(self.fds)}"
            args = [rnd.choice(FILES + ("new", "d", "nope")), rnd.choice(OPEN_FLAGS)]
            if rnd.random() < 0.5:
                args.append(rnd.choice((0o644, 0o600, 0o755)))
            self.add({"op": "oscall", "fn": "open", "args": args, "as": h})
            self.fds.append(h)
            return
        n = rnd.choice((0, 1, 10, 4096, 70000, -1))
        off = rnd.choice((0, 5, 4096, 200000, -1))
        if kind in ("read",):
            args = [self.fd(), n]
        elif kind == "pread":
            args = [self.fd(), n, off]
        elif kind == "write":
            args = [self.fd(), blob(rnd, rnd.choice((0, 1, 100, 5000)))]
        elif kind == "pwrite":
            args = [self.fd(), blob(rnd, rnd.choice((1, 100))), off]
        elif kind == "lseek":
            args = [self.fd(), rnd.choice((0, 10, -1, 100000)), rnd.choice((0, 1, 2, 0, 7))]
        elif kind == "ftruncate":
            args = [self.fd(), rnd.choice((0, 3, 5000, -1))]
        elif kind == "sendfile":
            args = self.sendfile_fds() + [rnd.choice((None, 0, 3, 100000)),
                                          rnd.choice((0, 10, 70000))]
        elif kind == "copy_file_range":
            args = [self.fd(), self.fd(), rnd.choice((0, 10, 70000, -1))]
            if rnd.random() < 0.5:
                args += [rnd.choice((None, 0, 7)), rnd.choice((None, 0, 9))]
        else:  # fstat, fsync, fdatasync, close
            args = [self.fd()]
        self.add({"op": "oscall", "fn": kind, "args": args})

    def sendfile_fds(self):
        """[out, in]: mostly out is a descriptor of a file nothing else opens ("sink"), for
        Linux sends a file to itself through a pipe in rounds whose size follows the page
        cache's folios, so where the read and written ranges overlap the outcome is the file
        system's (SimKernel copies at once: DIFFERENCES.md). Otherwise one side is 999 or -1
        (the errors, and which side Linux checks first)."""
        rnd = self.rnd
        if rnd.random() < 0.8:
            if not self.sink:
                self.add({"op": "oscall", "fn": "open", "args": ["sink", O_WRONLY | O_CREAT],
                          "as": "sink"})
                self.sink = True
            return [{"fd": "sink"}, self.fd()]
        bad = rnd.choice((999, -1))
        return [self.fd(), bad] if rnd.random() < 0.5 else [bad, self.fd()]

    # --- os on names ---------------------------------------------------------------------
    def osname(self):
        rnd = self.rnd
        kind = rnd.choice(("stat", "stat", "rename", "replace", "remove", "unlink", "mkdir",
                           "rmdir", "chmod"))
        if kind in ("rename", "replace"):
            args = [self.name(), self.name()]
        elif kind == "chmod":
            args = [self.name(), rnd.choice((0o644, 0o600, 0o755, 0o640))]
        elif kind == "mkdir":
            args = [rnd.choice(("e", "d", "d/e", "nod/e", "f0"))]
        elif kind == "rmdir":
            args = [rnd.choice(("e", "d", "d/e", "f0", "nope"))]
        else:
            args = [self.name()]
        self.add({"op": "oscall", "fn": kind, "args": args})

    # --- os.path -------------------------------------------------------------------------
    def path(self):
        rnd = self.rnd
        fn = rnd.choice(("join", "split", "dirname", "basename", "isabs", "normpath", "abspath",
                         "exists", "isfile", "isdir", "getsize", "samefile"))
        if fn == "join":
            args = [random_path(rnd) for _ in range(rnd.randrange(1, 5))]
        elif fn in ("split", "dirname", "basename", "isabs", "normpath"):
            args = [random_path(rnd)]
        else:
            p = random_path(rnd) if rnd.random() < 0.5 else self.name()
            if not relative_inside(p):
                p = posixpath.basename(p)
                p = p if relative_inside(p) else "f0"
            args = [p]
            if fn == "samefile":
                args.append(rnd.choice(FILES + ("./f0", "d/../f1", "d", "nope")))
        self.add({"op": "path", "fn": fn, "args": args})


def generate(seed):
    """The script of `seed` (name "lib-oslib-<seed>")."""
    rnd = random.Random(seed)
    files = {"d/": ""}
    sizes = {}
    for name in FILES:
        if rnd.random() < 0.85:
            size = rnd.choice(SIZES)
            if rnd.random() < 0.02:  # past the first sendfile block: a repeated pattern
                size = (8 << 20) + rnd.randrange(1, 5000)
                files[name] = {"repeat": content(rnd, 61).hex(), "size": size}
            else:
                files[name] = content(rnd, size).hex()
            sizes[name] = size
    g = Gen(rnd, sizes)
    weights = ((g.shutil, 4), (g.osfd, 4), (g.osname, 2), (g.path, 3))
    makers = [fn for fn, w in weights for _ in range(w)]
    for _ in range(rnd.randrange(5, 25)):
        rnd.choice(makers)()
    return {"name": f"lib-oslib-{seed}", "files": files, "steps": g.steps}
