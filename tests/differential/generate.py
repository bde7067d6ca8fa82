#!/usr/bin/env python3
"""Seeded random generator of differential scripts (FORMAT.md).

    generate.py START COUNT [OUT.jsonl]      (binary I/O, one script per seed; stdout without OUT)
    generate.py --pipes START COUNT [OUT]    (non-blocking pipe scripts pipe-<seed>)
    generate.py --text START COUNT [OUT]     (text layer scripts text-<seed>, generate_text.py)

generate(seed) is deterministic: the same seed gives the same script on every machine.
"""

import json
import random
import sys

BUFFERINGS = [-1, 0, 1, 2, 3, 5, 7, 16, 100, 1000, 4095, 4096, 4097, 8192, None]
BUFFER_SIZES = [1, 2, 3, 5, 7, 16, 100, 1000, 4095, 4096, 4097, 8192, None]
CAPS = [1, 2, 3, 7, 0]
BIG = 1000000

OPEN_MODES = {  # mode string -> (readable, writable, kind of file needed)
    "rb": (1, 0, "old"), "br": (1, 0, "old"),
    "wb": (0, 1, "any"), "bw": (0, 1, "any"),
    "ab": (0, 1, "any"), "ba": (0, 1, "any"),
    "xb": (0, 1, "new"), "bx": (0, 1, "new"),
    "r+b": (1, 1, "old"), "rb+": (1, 1, "old"), "+rb": (1, 1, "old"), "b+r": (1, 1, "old"),
    "w+b": (1, 1, "any"), "wb+": (1, 1, "any"), "+wb": (1, 1, "any"),
    "a+b": (1, 1, "any"), "ab+": (1, 1, "any"), "b+a": (1, 1, "any"),
    "x+b": (1, 1, "new"), "xb+": (1, 1, "new"),
}
FILEIO_MODES = {
    "r": (1, 0, "old"), "rb": (1, 0, "old"), "w": (0, 1, "any"), "wb": (0, 1, "any"),
    "a": (0, 1, "any"), "ab": (0, 1, "any"), "x": (0, 1, "new"), "r+": (1, 1, "old"),
    "rb+": (1, 1, "old"), "+r": (1, 1, "old"), "w+": (1, 1, "any"), "a+": (1, 1, "any"),
    "x+": (1, 1, "new"), "br+": (1, 1, "old"),
}
BAD_OPEN_MODES = ["rbU", "rU", "U", "z", "rbb", "rw", "b", "+", "", "rtb", "bt", "r+b+",
                  "wa", "rx", "br ", "rB", "r++"]
BAD_FILEIO_MODES = ["rt", "rw", "rr", "", "r++", "ab+x", "b", "+", "U", "rbt"]


class Handle:
    def __init__(self, name, kind, B=4096, readable=True, writable=False, seekable=True,
                 path=None, raws=()):
        self.name = name
        self.kind = kind          # fileio shortraw buffered rwpair bytesio mv
        self.B = B
        self.readable = readable
        self.writable = writable
        self.seekable = seekable
        self.path = path
        self.raws = list(raws)
        self.closed = False
        self.detached = False
        self.owner = None         # the buffered object wrapping this raw, if any
        self.dead = False         # its construction fails: never used again


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.seed = seed
        self.steps = []
        self.files = {}
        self.handles = []
        self.counter = 0
        self.size = 0             # size of a.bin when created
        self.fixed_fd = None

    # ------------------------------------------------------------------ data
    def data(self, n, newline_rate=None):
        rng = self.rng
        if n <= 0:
            return b""
        b = bytearray(rng.randbytes(n))
        if newline_rate is None:
            newline_rate = rng.choice([0, 0.002, 0.02, 0.1, 0.3])
        k = int(n * newline_rate)
        if newline_rate and k == 0 and rng.random() < n * newline_rate * 4:
            k = 1
        for _ in range(k):
            b[rng.randrange(n)] = 10
        return bytes(b)

    def pick_size(self, B):
        rng = self.rng
        r = rng.random()
        if r < 0.08:
            return 0
        if r < 0.13:
            return 1
        if r < 0.33:
            return rng.randint(2, 64)
        if r < 0.53:
            base = rng.choice([4096, B if B and B > 1 else 4096, 8192])
            return max(0, base + rng.choice([-1, 0, 1, -2, 2]))
        if r < 0.75:
            base = B if B and B > 16 else 4096
            return min(40000, base * rng.randint(2, 5) + rng.randint(-3, 3))
        if r < 0.95:
            return rng.randint(65, 20000)
        return rng.randint(20000, 100000)

    # ------------------------------------------------------------------ helpers
    def new_name(self, prefix="f"):
        self.counter += 1
        return f"{prefix}{self.counter}"

    def add(self, h):
        self.handles.append(h)
        return h

    def step(self, **kw):
        self.steps.append(kw)
        return kw

    def pick(self, seq):
        return self.rng.choice(seq)

    def buffering_B(self, buffering):
        if buffering is None or buffering < 0 or buffering == 1:
            return 4096
        return buffering

    # ------------------------------------------------------------------ setup
    def make_files(self):
        rng = self.rng
        self.B0 = self.pick([4096, 4096, 8192] + [b for b in BUFFER_SIZES if b])
        self.size = min(self.pick_size(self.B0), self.size_cap)
        rate = None
        if self.plan in ("fileio", "fd") and self.size > 2000:
            rate = self.pick([0.002, 0.02, 0.1])  # unbuffered readline reads byte by byte
        self.files["a.bin"] = self.data(self.size, rate).hex()
        if rng.random() < 0.25:
            self.files["b.bin"] = self.data(rng.choice([0, 1, 10, 100, 5000])).hex()
        if rng.random() < 0.05:
            self.files["sub/"] = ""

    def path_for(self, need):
        rng = self.rng
        if need == "old":
            return "a.bin" if rng.random() < 0.9 or "b.bin" not in self.files else "b.bin"
        if need == "new":
            return self.pick(["new.bin", "out.bin"]) if rng.random() < 0.93 else "a.bin"
        return "a.bin" if rng.random() < 0.6 else self.pick(["out.bin", "new.bin"])

    def setup_open(self):
        rng = self.rng
        mode = self.pick(list(OPEN_MODES))
        r, w, need = OPEN_MODES[mode]
        path = self.path_for(need)
        buffering = self.pick(BUFFERINGS)
        kw = {}
        if buffering is not None:
            kw["buffering"] = buffering
        if rng.random() < 0.05:
            kw["closefd"] = True
        name = self.new_name()
        self.step(op="open", h=name, args=[path, mode], kw=kw)
        if buffering == 0:
            kind, B = "fileio", 4096
        elif "+" in mode:
            kind, B = "buffered", self.buffering_B(buffering)
        else:
            kind, B = "buffered", self.buffering_B(buffering)
        return self.add(Handle(name, kind, B, bool(r), bool(w), True, path))

    def setup_fileio(self, path=None, mode=None):
        rng = self.rng
        if mode is None:
            mode = self.pick(list(FILEIO_MODES))
        r, w, need = FILEIO_MODES[mode]
        if path is None:
            path = self.path_for(need)
        name = self.new_name("r")
        kw = {}
        if rng.random() < 0.1:
            kw["closefd"] = True
        self.step(op="fileio", h=name, args=[path, mode], kw=kw)
        return self.add(Handle(name, "fileio", 4096, bool(r), bool(w), True, path))

    def setup_shortraw(self, mode):
        r, w, need = FILEIO_MODES[mode]
        path = self.path_for(need)
        name = self.new_name("s")
        rc, wc = self.caps
        self.step(op="shortraw", h=name, args=[path, mode], read_cap=rc, write_cap=wc)
        return self.add(Handle(name, "shortraw", 4096, bool(r), bool(w), True, path))

    def buffer_size(self, allow_bad):
        bs = self.pick(BUFFER_SIZES)
        if allow_bad and self.rng.random() < 0.03:
            bs = self.pick([0, -1, -4096])
        return bs, (8192 if bs is None else max(bs, 1))

    def setup_buffered(self, short=False, allow_bad=True):
        rng = self.rng
        cls = self.pick(["BufferedReader", "BufferedReader", "BufferedWriter", "BufferedWriter",
                         "BufferedRandom", "BufferedRandom", "BufferedRWPair"])
        mk = (lambda m: self.setup_shortraw(m)) if short else (lambda m: self.setup_fileio(mode=m))
        wrong = allow_bad and rng.random() < 0.05
        if cls == "BufferedReader":
            raws = [mk(self.pick(["r", "r", "r+", "w"] if wrong else ["r", "r", "r+", "rb"]))]
        elif cls == "BufferedWriter":
            raws = [mk(self.pick(["w", "a", "r+", "w+"] if not wrong else ["r"]))]
        elif cls == "BufferedRandom":
            raws = [mk(self.pick(["r+", "w+", "a+", "r+"] if not wrong else ["r", "w"]))]
        else:
            raws = [mk(self.pick(["r", "r+"] if not wrong else ["w"])),
                    mk(self.pick(["w", "a", "w"]))]
        bs, B = self.buffer_size(allow_bad)
        name = self.new_name("b")
        if cls == "BufferedRWPair":  # its arguments are positional-only
            self.step(op="buffered", h=name, cls=cls, raw=[h.name for h in raws],
                      args=[] if bs is None else [bs])
        else:
            self.step(op="buffered", h=name, cls=cls, raw=[h.name for h in raws],
                      kw={} if bs is None else {"buffer_size": bs})
        kind = "rwpair" if cls == "BufferedRWPair" else "buffered"
        readable = cls in ("BufferedReader", "BufferedRandom", "BufferedRWPair")
        writable = cls in ("BufferedWriter", "BufferedRandom", "BufferedRWPair")
        h = self.add(Handle(name, kind, B, readable, writable, kind != "rwpair",
                            raws[0].path, raws))
        for r in raws:
            r.owner = h
        if wrong or (bs is not None and bs <= 0):
            h.dead = True
            return self.setup_buffered(short, allow_bad=False)
        return h

    def setup_bytesio(self):
        rng = self.rng
        name = self.new_name("m")
        if rng.random() < 0.7:
            init = self.data(self.pick_size(64))
            args = [{"b": init.hex()}]
        elif rng.random() < 0.5:
            args = []
        else:
            args = [{"bytearray_hex": self.data(rng.randint(0, 50)).hex()}]
        self.step(op="bytesio", h=name, args=args)
        return self.add(Handle(name, "bytesio", 64, True, True, True, None))

    def setup_fd(self):
        rng = self.rng
        fd = 100 + rng.randint(0, 3)
        self.fixed_fd = fd
        mode = self.pick(["rb", "r+b", "wb", "ab", "r", "r+"])
        flags = {"rb": ["O_RDONLY"], "r": ["O_RDONLY"], "r+b": ["O_RDWR"], "r+": ["O_RDWR"],
                 "wb": ["O_WRONLY", "O_CREAT", "O_TRUNC"], "ab": ["O_WRONLY", "O_APPEND"]}[mode]
        if rng.random() < 0.1:
            flags = self.pick([["O_RDWR"], ["O_WRONLY"], ["O_RDONLY"]])
        self.step(op="os", fn="open", path="a.bin", flags=flags, fd=fd)
        closefd = rng.random() < 0.6
        readable = "r" in mode or "+" in mode
        writable = mode != "rb" and mode != "r"
        if mode in ("r", "r+") or rng.random() < 0.3:
            name = self.new_name("r")
            fmode = mode.replace("b", "") if mode in ("r", "r+") else mode
            self.step(op="fileio", h=name, args=[fd, fmode], kw={"closefd": closefd})
            return self.add(Handle(name, "fileio", 4096, readable, writable, True, "a.bin"))
        name = self.new_name()
        buffering = self.pick(BUFFERINGS)
        kw = {"closefd": closefd}
        if buffering is not None:
            kw["buffering"] = buffering
        self.step(op="open", h=name, args=[fd, mode], kw=kw)
        kind = "fileio" if buffering == 0 else "buffered"
        return self.add(Handle(name, kind, self.buffering_B(buffering), readable, writable,
                               True, "a.bin"))

    def invalid_setup(self):
        rng = self.rng
        choice = rng.randrange(22)
        name = self.new_name("x")
        if choice == 0:
            self.step(op="open", h=name, args=["a.bin", self.pick(BAD_OPEN_MODES)])
        elif choice == 1:
            self.step(op="open", h=name, args=["a.bin", self.pick(["rt", "r", "w", "wt", "r+"])],
                      kw={"buffering": 0})
        elif choice == 2:
            k = self.pick(["encoding", "errors", "newline"])
            v = {"encoding": "utf-8", "errors": "strict", "newline": ""}[k]
            self.step(op="open", h=name, args=["a.bin", self.pick(["rb", "wb", "r+b"])],
                      kw={k: v})
        elif choice == 3:
            self.step(op="open", h=name, args=[self.pick([-1, -5]), "rb"])
        elif choice == 4:
            self.step(op="open", h=name, args=["a.bin", "rb"], kw={"closefd": False})
        elif choice == 5:
            self.step(op="open", h=name, args=["missing.bin", self.pick(["rb", "r+b", "rb+"])])
        elif choice == 6:
            self.step(op="open", h=name, args=["a.bin", self.pick(["xb", "x+b", "bx"])])
        elif choice == 7:
            self.step(op="fileio", h=name, args=["a.bin", self.pick(BAD_FILEIO_MODES)])
        elif choice == 8:
            self.step(op="fileio", h=name, args=["a.bin", "r"], kw={"closefd": False})
        elif choice == 9:
            self.step(op="fileio", h=name, args=[self.pick([-1, -2]), "r"])
        elif choice == 10:
            self.step(op="fileio", h=name, args=["missing.bin", self.pick(["r", "r+"])])
        elif choice == 11:
            self.step(op="open", h=name, args=["a.bin", 5])
        elif choice == 12:
            self.step(op="open", h=name, args=["a.bin", "rb"], kw={"buffering": "1"})
        elif choice == 13:
            self.step(op="open", h=name, args=[None, "rb"])
        elif choice == 14:
            self.step(op="open", h=name, args=["a\x00b", "rb"])
        elif choice == 15:
            self.step(op="open", h=name, args=[".", self.pick(["rb", "wb", "r+b"])])
        elif choice == 16:
            self.step(op="fileio", h=name, args=["a.bin", "x"])
        elif choice == 17:
            self.step(op="open", h=name, args=["a.bin", "rb"], kw={"encoding": 5})
        elif choice == 18:
            self.step(op="open", h=name, args=["nodir/x.bin", self.pick(["wb", "rb"])])
        elif choice == 19:
            # Buffered over a raw of the wrong kind, or a closed raw, or a bad size.
            raw = self.setup_fileio(mode=self.pick(["r", "w"]))
            sub = rng.randrange(3)
            if sub == 0:
                self.step(op="call", h=raw.name, m="close", args=[])
                raw.closed = True
            cls = self.pick(["BufferedReader", "BufferedWriter", "BufferedRandom"])
            kw = {"buffer_size": self.pick([0, -1])} if sub == 1 else {}
            self.step(op="buffered", h=name, cls=cls, raw=[raw.name], kw=kw)
        elif choice == 20:
            self.step(op="bytesio", h=name, args=[self.pick(["abc", 5])])
        else:
            self.step(op="open", h=name, args=["a.bin", "wb"], kw={"opener": None,
                                                                   "buffering": -7})
            self.handles.append(Handle(name, "buffered", 4096, False, True, True, "a.bin"))

    def plan_setup(self):
        """Choose the main object kind first: it bounds file and write sizes (a ShortRaw
        with a 1-byte cap costs one system call per byte)."""
        rng = self.rng
        self.invalid = rng.random() < 0.08
        r = rng.random()
        self.plan = ("open" if r < 0.36 else "fileio" if r < 0.50 else "buffered" if r < 0.70
                     else "short" if r < 0.84 else "bytesio" if r < 0.95 else "fd")
        self.caps = (self.pick(CAPS), self.pick(CAPS))
        self.size_cap = 10 ** 9
        self.write_cap = 10 ** 9
        if self.plan == "short":
            self.size_cap = 300 * (self.caps[0] or 100)
            self.write_cap = 200 * (self.caps[1] or 150)

    def setup(self):
        rng = self.rng
        if self.invalid:
            self.invalid_setup()
            if rng.random() < 0.5:
                self.invalid_setup()
        {"open": self.setup_open, "fileio": self.setup_fileio,
         "buffered": self.setup_buffered, "short": lambda: self.setup_buffered(short=True),
         "bytesio": self.setup_bytesio, "fd": self.setup_fd}[self.plan]()
        if rng.random() < 0.15:
            self.pick([self.setup_open, self.setup_fileio, self.setup_buffered,
                       self.setup_bytesio])()

    # ------------------------------------------------------------------ ops
    def nval(self, B):
        return self.pick([-2, -1, None, 0, 1, 2, 3, 5, 10, max(B - 1, 0), B, B + 1, 2 * B, BIG])

    def bufval(self, B):
        n = self.pick([0, 1, 2, 5, 10, max(B - 1, 0), B, B + 1, 2 * B, 3 * B + 7])
        n = min(n, 20000)
        return {"memoryview": n} if self.rng.random() < 0.15 else {"bytearray": n}

    def wdata(self, B):
        rng = self.rng
        r = rng.random()
        if r < 0.65:
            n = self.pick([0, 1, 2, 3, 5, 10, 100])
        elif r < 0.95:
            n = self.pick([max(B - 1, 0), B, B + 1])
        else:
            n = self.pick([2 * B, 3 * B, 20000])
        n = min(n, 30000, self.write_cap)
        d = self.data(n).hex()
        r = rng.random()
        if r < 0.1:
            return {"bytearray_hex": d}
        if r < 0.12:
            return "text"
        return {"b": d}

    def seek_args(self, h):
        rng = self.rng
        B, size = h.B, self.size
        r = rng.random()
        if r < 0.45:
            off = self.pick([0, 0, 1, 5, max(B - 1, 0), B, B + 1, size, max(size - 1, 0),
                             size + 10, rng.randint(0, max(size, 1))])
            if rng.random() < 0.03:
                off = -1
            return [off] if rng.random() < 0.3 else [off, 0]
        if r < 0.75:
            return [self.pick([0, -1, -5, 1, 5, B, -B, -(B + 1), -size, 10]), 1]
        if r < 0.95:
            return [self.pick([0, 0, -1, -10, 5, -size, -(size + 1)]), 2]
        if r < 0.985:
            return [self.pick([0, 10, size, size + 1]), self.pick([3, 4])]
        return [0, self.pick([5, 6, -1])]

    def live(self):
        return [h for h in self.handles if h.kind != "mv" and not h.detached]

    def random_op(self):
        rng = self.rng
        hs = [h for h in self.handles if h.kind != "mv" and not h.dead]
        if not hs:
            return
        # Prefer the outermost objects (not owned by a live wrapper) and those not closed.
        weights = []
        for h in hs:
            w = 1.0
            if h.owner is not None and not h.owner.detached:
                w = 0.15
            if h.closed:
                w *= 0.2
            if h.detached:
                w *= 0.1
            weights.append(w)
        h = rng.choices(hs, weights)[0]
        mvs = [m for m in self.handles if m.kind == "mv" and not m.closed]
        if mvs and rng.random() < 0.15:
            m = self.pick(mvs)
            if rng.random() < 0.7:
                self.step(op="release", h=m.name)
                m.closed = True
            else:
                self.step(op="call", h=m.name, m="tobytes", args=[])
            return
        r = rng.random()
        if r < 0.03:
            self.op_os(h)
            return
        if h.kind == "bytesio" and r < 0.15:
            if rng.random() < 0.5 and not h.closed:
                m = self.add(Handle(self.new_name("v"), "mv"))
                self.call(h, "getbuffer", **{"as": m.name})
            else:
                self.call(h, "getvalue")
            return
        unsupported = rng.random() < 0.1
        cats = []
        if h.readable or unsupported:
            cats += ["read"] * 5
        if h.writable or unsupported:
            cats += ["write"] * 4
        if h.seekable or unsupported:
            cats += ["pos"] * 3
        cats += ["meta"] * 2
        if rng.random() < 0.5:
            cats.append("life")
        cat = self.pick(cats)
        getattr(self, "op_" + cat)(h)

    def call(self, h, m, args=(), **extra):
        return self.step(op="call", h=h.name, m=m, args=list(args), **extra)

    def op_read(self, h):
        rng = self.rng
        B = h.B
        m = self.pick(["read", "read", "read", "read1", "read1", "peek", "readinto", "readinto",
                       "readinto1", "readline", "readline", "readlines", "next"])
        if m == "read":
            n = self.nval(B)
            self.call(h, m, [] if rng.random() < 0.1 else [n])
        elif m == "read1":
            self.call(h, m, [] if rng.random() < 0.15 else [self.nval(B)])
        elif m == "peek":
            self.call(h, m, [] if rng.random() < 0.3 else [self.pick([0, 1, 5, B, BIG, -1])])
        elif m in ("readinto", "readinto1"):
            self.call(h, m, [self.bufval(B)])
        elif m == "readline":
            a = [] if rng.random() < 0.3 else [self.pick([-1, None, 0, 1, 5, 10, B, B + 1, BIG])]
            if h.kind in ("fileio", "shortraw") and self.size > 1000 and rng.random() < 0.7:
                a = [self.pick([0, 1, 5, 10, 100])]
            self.call(h, m, a)
        elif m == "readlines":
            a = [] if rng.random() < 0.4 else [self.pick([-1, 0, None, 3, 100, B])]
            if h.kind in ("fileio", "shortraw") and self.size > 1000:
                a = [self.pick([1, 3, 100])]
            self.call(h, m, a)
        elif m == "next":
            self.step(op="next", h=h.name)
        else:
            self.call(h, m, [])

    def op_write(self, h):
        rng = self.rng
        m = self.pick(["write"] * 7 + ["writelines", "flush", "flush", "truncate"])
        if m == "write":
            self.call(h, m, [self.wdata(h.B)])
        elif m == "writelines":
            parts = [{"b": self.data(self.pick([0, 1, 3, 10, h.B, 100])).hex()}
                     for _ in range(rng.randint(0, 4))]
            self.call(h, m, [parts])
        elif m == "flush":
            self.call(h, m)
        else:
            if rng.random() < 0.5:
                self.call(h, m, [] if rng.random() < 0.5 else [None])
            else:
                size = self.pick([0, 1, self.size // 2, self.size, self.size + 100, h.B])
                if rng.random() < 0.02:
                    size = -1
                self.call(h, m, [size])

    def op_pos(self, h):
        if self.rng.random() < 0.6:
            self.call(h, "seek", self.seek_args(h))
        else:
            self.call(h, "tell")

    def op_meta(self, h):
        rng = self.rng
        r = rng.random()
        if r < 0.35:
            self.step(op="get", h=h.name,
                      attr=self.pick(["closed", "name", "mode", "raw", "closefd", "closed"]))
        elif r < 0.45:
            self.step(op="repr", h=h.name)
        elif r < 0.55:
            self.call(h, "fileno")
        elif r < 0.85:
            self.call(h, self.pick(["isatty", "readable", "writable", "seekable"]))
        elif h.kind == "bytesio":
            if rng.random() < 0.5:
                self.call(h, "getvalue")
            elif not h.closed:
                m = self.add(Handle(self.new_name("v"), "mv"))
                self.call(h, "getbuffer", **{"as": m.name})
            else:
                self.call(h, "getbuffer")
        else:
            self.call(h, self.pick(["getvalue", "readall", "readall", "flush"]))

    def op_life(self, h):
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            raw = Handle(self.new_name("d"), "fileio")
            st = self.call(h, "detach", **{"as": raw.name})
            if h.kind == "buffered" and not h.detached and not h.closed and h.raws:
                inner = h.raws[0]
                raw.kind, raw.readable, raw.writable = inner.kind, inner.readable, inner.writable
                raw.path = inner.path
                h.detached = True
                self.add(raw)
            elif h.kind == "buffered" and not h.raws and not h.detached and not h.closed:
                raw.readable, raw.writable, raw.path = h.readable, h.writable, h.path
                h.detached = True
                self.add(raw)
            else:
                del st["as"]
        elif r < 0.6:
            self.step(op="enter", h=h.name)
        elif r < 0.7 and self.rng.random() < 0.5:
            self.step(op="exit", h=h.name)
            h.closed = True
        elif r < 0.8 and self.rng.random() < 0.4:
            self.call(h, "close")
            h.closed = True
            if rng.random() < 0.3:
                self.call(h, "close")
        else:
            self.step(op="get", h=h.name, attr="closed")

    def op_os(self, h):
        rng = self.rng
        path = h.path or "a.bin"
        r = rng.random()
        if r < 0.55:
            off = self.pick([0, 1, self.size // 2, self.size, self.size + 5, 4096])
            self.step(op="os", fn="pwrite", path=path, offset=off,
                      data=self.data(self.pick([1, 3, 10, 100])).hex())
        elif r < 0.95:
            self.step(op="os", fn="ftruncate", path=path,
                      size=self.pick([0, 1, self.size // 2, self.size + 100]))
        else:
            self.step(op="os", fn="unlink", path=path)

    # ------------------------------------------------------------------ finish
    def finish(self):
        rng = self.rng
        mvs = [h for h in self.handles if h.kind == "mv"]
        if rng.random() < 0.85:
            for m in mvs:
                if not m.closed:
                    self.step(op="release", h=m.name)
                    m.closed = True
        top = [h for h in self.handles if h.kind != "mv" and not h.dead
               and (h.owner is None or h.owner.detached or h.owner.dead)]
        inner = [h for h in self.handles if h.kind != "mv" and not h.dead and h not in top]
        for h in top + inner:
            self.call(h, "close")
        for m in mvs:
            if not m.closed:
                self.step(op="release", h=m.name)

    def trim_for_small_buffers(self):
        """A 2-byte buffer over a 100 KB file costs 50,000 system calls per readlines():
        keep files at a few hundred buffers."""
        small = [h.B for h in self.handles if h.kind in ("buffered", "rwpair") and h.B < 64]
        if small:
            cap = 300 * min(small)
            if self.size > cap:
                self.size = cap
                self.files["a.bin"] = self.files["a.bin"][:2 * cap]

    def script(self):
        self.plan_setup()
        self.make_files()
        self.setup()
        self.trim_for_small_buffers()
        for _ in range(self.rng.randint(1, 40)):
            self.random_op()
        self.finish()
        return {"name": f"rand-{self.seed}", "files": self.files, "steps": self.steps}


def generate(seed):
    return Gen(seed).script()


# ------------------------------------------------------------------ non-blocking pipes

PIPE_R, PIPE_W = 100, 101
PIPE_BUFFERINGS = [1, 2, 16, 100, 4096, None]
PIPE_WRITE_SIZES = [0, 1, 5, 100, 4095, 4096, 4097, 8192, 16384, 61440, 65535, 65536, 65537,
                    70000, 100000]
PIPE_READ_SIZES = [-1, 0, 1, 7, 100, 4096, 5000, 65536, 70000, None]


class PipeGen:
    """A non-blocking pipe on fixed descriptors 100 (read) and 101 (write), a writer stream
    over 101 and a reader stream over 100 (closefd=False), and a random mix of writes,
    flushes, reads, drains and fills; maybe the write end is closed (reads then see EOF)."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.seed = seed
        self.steps = []
        self.nbytes = 0

    def step(self, **kw):
        self.steps.append(kw)

    def data(self, n):
        self.nbytes += 1
        return {"b": bytes((k * 7 + self.nbytes * 31) & 0xFF for k in range(n)).hex()}

    def stream(self, h, fd, mode, cls):
        """FileIO, open(buffering=B) or Buffered<cls>(FileIO, size); True when buffered."""
        rng = self.rng
        kind = rng.choice(["fileio", "open", "buffered"])
        if kind == "fileio":
            self.step(op="fileio", h=h, args=[fd, mode], kw={"closefd": False})
            return False
        if kind == "open":
            b = rng.choice(PIPE_BUFFERINGS)
            kw = {"closefd": False}
            if b is not None:
                kw["buffering"] = b
            self.step(op="open", h=h, args=[fd, mode], kw=kw)
            return True
        self.step(op="fileio", h=h + "raw", args=[fd, mode], kw={"closefd": False})
        size = rng.choice(PIPE_BUFFERINGS)
        self.step(op="buffered", h=h, cls=cls, raw=[h + "raw"],
                  args=[] if size is None else [size])
        return True

    def read_op(self, buffered):
        rng = self.rng
        choices = ["read", "read", "readinto", "readline", "drain"]
        choices += ["read1", "peek"] if buffered else ["readall"]
        m = rng.choice(choices)
        n = rng.choice(PIPE_READ_SIZES)
        if m == "drain":
            self.step(op="os", fn="drain", fd=PIPE_R, n=rng.choice([1, 100, 4096, 65536, 70000]))
        elif m in ("read", "read1"):
            self.step(op="call", h="r", m=m, args=[] if n is None else [n])
        elif m == "readinto":
            self.step(op="call", h="r", m=m,
                      args=[{"bytearray": rng.choice([0, 1, 100, 4096, 5000, 70000])}])
        elif m == "readline":
            self.step(op="call", h="r", m=m, args=[] if rng.random() < 0.5 else [n])
        elif m == "peek":
            self.step(op="call", h="r", m=m, args=[] if n is None else [n])
        else:
            self.step(op="call", h="r", m=m)

    def script(self):
        rng = self.rng
        self.step(op="os", fn="pipe", r=PIPE_R, w=PIPE_W, nonblock=True)
        w_buffered = self.stream("w", PIPE_W, "wb", "BufferedWriter")
        r_buffered = self.stream("r", PIPE_R, "rb", "BufferedReader")
        closed = False
        for _ in range(rng.randint(3, 30)):
            x = rng.random()
            if x < 0.35:
                self.step(op="call", h="w", m="write",
                          args=[self.data(rng.choice(PIPE_WRITE_SIZES))])
            elif x < 0.45:
                self.step(op="call", h="w", m="flush")
            elif x < 0.50:
                self.step(op="os", fn="fill", fd=PIPE_W)
            elif x < 0.53 and not closed:
                self.step(op="call", h="w", m="close")
                self.step(op="os", fn="close", fd=PIPE_W)
                closed = True
            else:
                self.read_op(r_buffered)
        if w_buffered and rng.random() < 0.5:
            self.step(op="get", h="w", attr="closed")
        return {"name": f"pipe-{self.seed}", "files": {}, "steps": self.steps}


def generate_pipe(seed):
    return PipeGen(seed).script()


def main(argv):
    gen = generate
    if argv and argv[0] == "--pipes":
        gen = generate_pipe
        argv = argv[1:]
    elif argv and argv[0] == "--text":
        import generate_text  # it builds on this module
        gen = generate_text.generate_text
        argv = argv[1:]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    start, count = int(argv[0]), int(argv[1])
    out = open(argv[2], "w", encoding="utf-8") if len(argv) > 2 else sys.stdout
    for s in range(start, start + count):
        out.write(json.dumps(gen(s), separators=(",", ":")) + "\n")
    if out is not sys.stdout:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
