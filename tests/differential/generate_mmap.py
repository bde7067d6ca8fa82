"""Random differential scripts for mmap (FORMAT.md "#### mmap").

One file, opened with a random mode and mapped with random (sometimes invalid) arguments, then
a random walk over the map's methods, items and exports, interleaved with reads and writes of
the same file through the io object, and sometimes an anonymous map beside it. The walk avoids
what would kill CPython with SIGBUS (touching a map past the end of its file: no truncation
while mapped, resize(0) only last, anonymous maps never grow past their first pages) and what
Linux leaves unspecified (file writes under a private map)."""

import random

PAGE = 4096
SIZES = (1, 10, 100, 4095, 4096, 4097, 5000, 8192, 10000, 12295)


def content(rnd, n):
    """Lines of text with some binary bytes: readline and find have something to find."""
    out = bytearray()
    while len(out) < n:
        if rnd.random() < 0.2:
            out += bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 8)))
        else:
            out += rnd.choice((b"alpha", b"beta", b"mmap", b"x" * 7, b"")) + b"\n"
    return bytes(out[:n])


def blob(rnd, n):
    return {"b": bytes(rnd.randrange(97, 123) for _ in range(n)).hex()}


class Walk:
    """The steps on one map handle, with a rough model of its length and position (only to
    aim arguments near the interesting edges; both drivers compute the real outcome)."""

    def __init__(self, rnd, h, length, resizable, grow_limit):
        self.rnd, self.h, self.length = rnd, h, length
        self.resizable, self.grow_limit = resizable, grow_limit
        self.pos = 0
        self.view = None

    def index(self):
        n = max(self.length, 1)
        return self.rnd.choice((0, n - 1, -1, -n, n, self.rnd.randrange(-n, n), n + 5, -n - 1))

    def bound(self):
        n = self.length
        return self.rnd.choice((None, 0, n, -1, -n - 3, n + 7, self.rnd.randrange(-n - 2, n + 3)))

    def call(self, m, *args):
        return {"op": "call", "h": self.h, "m": m, "args": list(args)}

    def step(self):
        rnd, n = self.rnd, self.length
        kind = rnd.choice(("read", "read", "read_byte", "readline", "write", "write", "write_byte",
                           "seek", "seek", "tell", "find", "rfind", "getitem", "getitem",
                           "slice", "setitem", "setslice", "setslice", "len", "size", "flush",
                           "move", "resize", "repr", "closed", "view", "close"))
        if kind == "read":
            return self.call("read", *rnd.choice(((), (None,), (-1,), (rnd.randrange(0, 40),))))
        if kind in ("read_byte", "readline", "tell", "size"):
            return self.call(kind)
        if kind == "write":
            k = rnd.choice((0, 1, 5, 17, max(n - self.pos, 0), max(n - self.pos, 0) + 1))
            return self.call("write", blob(rnd, k))
        if kind == "write_byte":
            return self.call("write_byte", rnd.choice((65, 0, 255, 256, -1)))
        if kind == "seek":
            whence = rnd.choice((0, 0, 1, 2, 3))
            pos = rnd.choice((0, n, n + 1, -1, rnd.randrange(0, n + 1), -rnd.randrange(0, n + 1)))
            return self.call("seek", pos, whence) if whence or rnd.random() < 0.5 else self.call("seek", pos)
        if kind in ("find", "rfind"):
            sub = rnd.choice(({"b": ""}, {"b": b"a".hex()}, {"b": b"\n".hex()}, {"b": b"mmap".hex()},
                              {"b": b"beta\nx".hex()}, blob(rnd, 2)))
            args = [sub]
            if rnd.random() < 0.6:
                args.append(self.bound() if rnd.random() < 0.9 else 0)
                if args[-1] is None:
                    args[-1] = 0
                if rnd.random() < 0.5:
                    end = self.bound()
                    args.append(n if end is None else end)
            return self.call(kind, *args)
        if kind == "getitem":
            return {"op": "getitem", "h": self.h, "key": self.index()}
        if kind == "slice":
            return {"op": "getitem", "h": self.h, "key": {"slice": self.slice()}}
        if kind == "setitem":
            value = rnd.choice((0, 66, 255, 256, -1, {"b": "41"}))
            return {"op": "setitem", "h": self.h, "key": self.index(), "value": value}
        if kind == "setslice":
            sl = self.slice()
            count = len(range(*slice(*sl).indices(n))) if sl[2] != 0 else 1
            if rnd.random() < 0.15:
                count += rnd.choice((1, -1)) if count else 1
            return {"op": "setitem", "h": self.h, "key": {"slice": sl}, "value": blob(rnd, count)}
        if kind == "len":
            return {"op": "len", "h": self.h}
        if kind == "flush":
            args = rnd.choice(((), (0, n), (PAGE, max(n - PAGE, 0)), (0, 0), (1,), (n, 0), (-1, 0),
                               (rnd.randrange(0, 3) * PAGE, rnd.randrange(0, n + 2))))
            if self.h == "a" and args and args[0] >= n:
                # msync of nothing at the end of an anonymous map: "sys" would name whatever
                # file map happens to follow it in memory (addresses differ between processes).
                args = (0, 0)
            return self.call("flush", *args)
        if kind == "move":
            return self.call("move", rnd.randrange(-1, n + 1), rnd.randrange(0, n + 1),
                             rnd.choice((0, 1, 5, n // 2, n)))
        if kind == "resize":
            return self.resize()
        if kind == "repr":
            return {"op": "repr", "h": self.h}
        if kind == "closed":
            return {"op": "get", "h": self.h, "attr": "closed"}
        if kind == "view":
            return self.toggle_view()
        return rnd.choice((self.call("close"), {"op": "exit", "h": self.h}, {"op": "enter", "h": self.h}))

    def slice(self):
        rnd, n = self.rnd, self.length
        step = rnd.choice((None, None, 1, 2, 3, -1, -2, -7, 0))
        pick = lambda: rnd.choice((None, 0, n, -1, rnd.randrange(-n - 2, n + 3)))
        return [pick(), pick(), step]

    def resize(self):
        rnd = self.rnd
        new = rnd.choice((1, 10, 100, 4095, 4096, 4097, 8192, 9000, self.length + 1, -1))
        if new > self.grow_limit:
            new = self.grow_limit
        if self.resizable and new >= 0:
            self.length = new
        return self.call("resize", new)

    def toggle_view(self):
        if self.view:
            v, self.view = self.view, None
            return {"op": "release", "h": v}
        self.view = self.h + "v"
        return {"op": "mmapview", "h": self.view, "mmap": self.h}


def mmap_kw(rnd, size, readonly):
    """Arguments for mmap(): mostly a valid map of the file, sometimes one of CPython's errors."""
    if rnd.random() < 0.2:
        return invalid_mmap_kw(rnd, size)
    r = rnd.random()
    if readonly:
        kw = rnd.choice(({"access": "ACCESS_READ"}, {"access": "ACCESS_COPY"}, {"prot": "PROT_READ"},
                         {"flags": "MAP_PRIVATE"}))
    elif r < 0.45:
        kw = {}
    elif r < 0.85:
        kw = {"access": rnd.choice(("ACCESS_DEFAULT", "ACCESS_READ", "ACCESS_WRITE", "ACCESS_COPY"))}
    else:
        kw = {"prot": rnd.choice(("PROT_READ", "PROT_WRITE", "PROT_READ|PROT_WRITE")),
              "flags": rnd.choice(("MAP_SHARED", "MAP_PRIVATE"))}
    if rnd.random() < 0.25 and size > PAGE:
        kw["offset"] = rnd.choice([k * PAGE for k in range(1, (size - 1) // PAGE + 1)])
    rest = size - kw.get("offset", 0)
    length = 0 if rnd.random() < 0.6 or rest <= 0 else rnd.randrange(1, rest + 1)
    return [length], kw


def invalid_mmap_kw(rnd, size):
    kw = {}
    r = rnd.random()
    if r < 0.3:
        kw["access"] = rnd.choice((7, -1, "ACCESS_READ"))
        kw["flags"] = "MAP_PRIVATE"
    elif r < 0.5:
        kw["offset"] = rnd.choice((PAGE, 1, -1, size, size + PAGE))
    length = rnd.choice((0, size, size + 1, -1, rnd.randrange(1, size + 2)))
    return [length], kw


def mapped_length(size, args, kw):
    length, offset = args[0], kw.get("offset", 0)
    return max(size - offset, 0) if length == 0 else max(length, 0)


def is_private(kw):
    return kw.get("access") == "ACCESS_COPY" or kw.get("flags") == "MAP_PRIVATE"


def file_step(rnd, writable):
    choices = [{"op": "call", "h": "f", "m": "read", "args": [rnd.choice((1, 10, 100, 5000, -1))]},
               {"op": "call", "h": "f", "m": "seek", "args": [rnd.choice((0, 5, 4096, 5000))]},
               {"op": "call", "h": "f", "m": "tell", "args": []}]
    if writable:
        choices += [{"op": "call", "h": "f", "m": "write", "args": [blob(rnd, rnd.choice((1, 3, 20)))]},
                    {"op": "call", "h": "f", "m": "flush", "args": []}]
    return rnd.choice(choices)


def generate(seed):
    """The script of `seed` (name "lib-mmap-<seed>")."""
    rnd = random.Random(seed)
    size = rnd.choice((0,) + SIZES + SIZES)
    steps = []
    mode = rnd.choice(("r+b", "r+b", "r+b", "r+b", "rb", "rb", "a+b", "r+b0", "rb0", "wb"))
    kw = {"buffering": 0} if mode.endswith("0") else {}
    mode = mode.rstrip("0")
    steps.append({"op": "open", "h": "f", "args": ["m.bin", mode], "kw": kw})
    size_now = 0 if mode == "wb" else size  # "wb" truncates
    args, mkw = mmap_kw(rnd, size_now, mode == "rb")
    steps.append({"op": "mmap", "h": "m", "file": "f", "args": args, "kw": mkw})
    resizable = mkw.get("access") in (None, "ACCESS_DEFAULT", "ACCESS_WRITE") and \
        mkw.get("prot") in (None, "PROT_READ|PROT_WRITE", "PROT_WRITE")
    walks = [Walk(rnd, "m", mapped_length(size_now, args, mkw), resizable, 20000)]
    if rnd.random() < 0.25:
        alen = rnd.choice((1, 100, 4096, 5000))
        steps.append({"op": "mmap", "h": "a", "fd": -1, "args": [alen],
                      "kw": rnd.choice(({}, {"access": "ACCESS_COPY"}, {"flags": "MAP_PRIVATE"}))})
        # Shared anonymous memory ends with the pages it started with (SIGBUS past them).
        walks.append(Walk(rnd, "a", alen, True, (alen + PAGE - 1) // PAGE * PAGE))
    file_writable = mode != "rb" and not is_private(mkw)
    for _ in range(rnd.randrange(3, 30)):
        if rnd.random() < 0.15:
            steps.append(file_step(rnd, file_writable))
            continue
        steps.append(rnd.choice(walks).step())
    if rnd.random() < 0.1 and walks[0].resizable and not walks[0].view:
        steps.append({"op": "call", "h": "m", "m": "resize", "args": [0]})  # truncates, then EINVAL
    for w in walks:
        if w.view:
            steps.append({"op": "release", "h": w.view})
    steps.append({"op": "call", "h": "m", "m": "close", "args": []})
    steps.append({"op": "call", "h": "f", "m": "seek", "args": [0]})
    steps.append({"op": "call", "h": "f", "m": "read", "args": []})
    return {"name": f"lib-mmap-{seed}", "files": {"m.bin": content(rnd, size).hex()}, "steps": steps}
