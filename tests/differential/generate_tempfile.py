"""Random differential scripts for tempfile (FORMAT.md "#### tempfile").

Every file lands in the script's work directory (dir "." or a directory made by mkdtemp or
TemporaryDirectory, reached through {"result_of": i}); prefixes end in "tmp" so the harness
can number the random names. SpooledTemporaryFile gets the most attention: max_size 0, small
and exact boundaries, binary and text modes (encodings, newlines), and every operation that
can roll it over. TemporaryDirectory.cleanup() is left to the end-of-script cleanup, outside
the compared steps: its syscalls are shutil.rmtree's fd-based walk, which bufferlab does not
reproduce (the removal itself is unit-tested).
"""

import random

TEXT_CHARS = "ab\né\r€xyz\n"
ENCODINGS = [None, None, "utf-8", "latin-1", "utf-16", "ascii"]
NEWLINES = [None, None, "", "\n", "\r\n", "\r"]
PREFIXES = [None, "tmp", "xtmp", "a_tmp"]
SUFFIXES = [None, "", ".bin", "_d"]


def rand_bytes(rng, n):
    return {"b": bytes(rng.randrange(97, 123) if rng.random() < 0.8 else 10
                       for _ in range(n)).hex()}


def rand_text(rng, n):
    return "".join(rng.choice(TEXT_CHARS) for _ in range(n))


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.steps = []
        self.objects = []  # (handle, kind, is_text)
        self.dirs = []  # steps whose result is a directory name usable as dir
        self.count = 0

    def add(self, step):
        self.steps.append(step)
        return len(self.steps) - 1

    def handle(self, base):
        self.count += 1
        return f"{base}{self.count}"

    def dir_arg(self):
        r = self.rng.random()
        if self.dirs and r < 0.3:
            return {"result_of": self.rng.choice(self.dirs)}
        if r < 0.04:
            return "missing"
        return "."

    def name_kw(self, kw):
        rng = self.rng
        if rng.random() < 0.4:
            kw["prefix"] = rng.choice(PREFIXES)
        if rng.random() < 0.4:
            kw["suffix"] = rng.choice(SUFFIXES)
        kw["dir"] = self.dir_arg()
        return kw

    def file_kw(self, text):
        rng = self.rng
        kw = {}
        if text:
            kw["mode"] = rng.choice(["w+", "w+", "r+", "w+t"])
            if rng.random() < 0.6:
                kw["encoding"] = rng.choice(ENCODINGS)
            if rng.random() < 0.5:
                kw["newline"] = rng.choice(NEWLINES)
            if rng.random() < 0.1:
                kw["errors"] = rng.choice(["strict", "replace"])
        else:
            kw["mode"] = rng.choice(["w+b", "w+b", "wb+", "r+b", "x+b"])
            if rng.random() < 0.15:
                kw["buffering"] = rng.choice([0, 16, 4096])
        return kw

    # --- creations ---------------------------------------------------------------------

    def spooled(self):
        rng = self.rng
        text = rng.random() < 0.4
        kw = self.file_kw(text)
        if rng.random() < 0.05:
            kw["mode"] = rng.choice(["rb", "r", "wb"])
            text = "b" not in kw["mode"]
        kw = self.name_kw(kw)
        if rng.random() < 0.1:
            kw["dir"] = None  # rolls over into gettempdir(): nothing of it is listed
        max_size = rng.choice([0, 1, 5, 10, 16, rng.randrange(1, 40)])
        h = self.handle("s")
        self.add({"op": "tempfile", "fn": "SpooledTemporaryFile", "h": h, "args": [max_size],
                  "kw": kw})
        self.objects.append((h, "spooled", text))

    def temporary(self):
        text = self.rng.random() < 0.3
        h = self.handle("t")
        self.add({"op": "tempfile", "fn": "TemporaryFile", "h": h,
                  "kw": self.name_kw(self.file_kw(text))})
        self.objects.append((h, "temporary", text))

    def named(self):
        text = self.rng.random() < 0.4
        kw = self.name_kw(self.file_kw(text))
        if self.rng.random() < 0.5:
            kw["delete"] = self.rng.random() < 0.5
        h = self.handle("n")
        self.add({"op": "tempfile", "fn": "NamedTemporaryFile", "h": h, "kw": kw})
        self.objects.append((h, "named", text))

    def mkstemp(self):
        kw = self.name_kw({})
        if self.rng.random() < 0.2:
            kw["text"] = True
        step = {"op": "tempfile", "fn": "mkstemp", "kw": kw}
        if self.rng.random() < 0.6:
            step["h"] = self.handle("m")
            step["mode"] = self.rng.choice(["rb+", "wb", "r+"])
            self.objects.append((step["h"], "stream", step["mode"] == "r+"))
        self.add(step)

    def mkdtemp(self):
        self.dirs.append(self.add({"op": "tempfile", "fn": "mkdtemp",
                                   "kw": self.name_kw({})}))

    def directory(self):
        h = self.handle("d")
        kw = self.name_kw({})
        if self.rng.random() < 0.2:
            kw["ignore_cleanup_errors"] = True
        self.add({"op": "tempfile", "fn": "TemporaryDirectory", "h": h, "kw": kw})
        self.dirs.append(self.add({"op": "enter", "h": h}))
        self.objects.append((h, "directory", False))

    # --- operations ----------------------------------------------------------------------

    def data(self, text, n=None):
        n = self.rng.choice([0, 1, 2, 3, 5, 6, 9, 10, 11, 12, 17]) if n is None else n
        return rand_text(self.rng, n) if text else rand_bytes(self.rng, n)

    def operate(self, h, kind, text):
        rng = self.rng
        if kind == "directory":
            op = rng.choice(["repr", "name", "enter"])
            if op == "name":
                self.add({"op": "get", "h": h, "attr": "name"})
            else:
                self.add({"op": op, "h": h})
            return
        r = rng.random()
        call = lambda m, *args: self.add({"op": "call", "h": h, "m": m, "args": list(args)})
        if r < 0.25:
            call("write", self.data(text))
        elif r < 0.32:
            call("writelines", [self.data(text, rng.randrange(0, 7))
                                for _ in range(rng.randrange(0, 4))])
        elif r < 0.42:
            if rng.random() < 0.7 or text:
                call("seek", rng.choice([0, 0, 3, 10, 11, 12, 20]) if not text else 0)
            else:
                call("seek", rng.randrange(-3, 1), 2)
        elif r < 0.5:
            call("read", *([] if rng.random() < 0.5 else [rng.randrange(0, 12)]))
        elif r < 0.54:
            call("readline")
        elif r < 0.57:
            self.add({"op": "next", "h": h})
        elif r < 0.62:
            call("tell")
        elif r < 0.68:
            if rng.random() < 0.3:
                call("truncate")
            else:
                call("truncate", rng.choice([0, 1, 5, 10, 11, 16, 30]))
        elif r < 0.71 and not text:
            if kind == "spooled" and rng.random() < 0.4:
                call("read1", rng.randrange(-1, 8))
            else:
                call("readinto", {"bytearray": rng.randrange(0, 12)})
        elif r < 0.74:
            call("fileno")
        elif r < 0.77 and kind == "spooled":
            call("rollover")
        elif r < 0.8:
            call("flush")
        elif r < 0.9:
            attrs = ["closed", "mode", "name"]
            if kind == "spooled":
                attrs += ["_rolled", "_rolled", "encoding", "newlines", "errors"]
            if kind == "named":
                attrs += ["delete", "file", "newlines", "encoding"]
            if kind in ("temporary", "stream") and text:
                attrs += ["encoding", "newlines"]
            self.add({"op": "get", "h": h, "attr": rng.choice(attrs)})
        elif r < 0.93:
            self.add({"op": "enter", "h": h})
        elif r < 0.95:
            self.add({"op": "repr", "h": h})
        elif r < 0.97:
            self.add({"op": "exit", "h": h})
        else:
            call("close")


def generate(seed):
    """The script of `seed` (name "lib-tempfile-<seed>"), or None."""
    g = Gen(seed)
    rng = g.rng
    makers = [g.spooled] * 6 + [g.temporary, g.named, g.named, g.mkstemp, g.mkdtemp,
                                g.directory]
    if rng.random() < 0.1:
        g.add({"op": "tempfile", "fn": rng.choice(["gettempdir", "gettempprefix"])})
    for _ in range(rng.randrange(1, 4)):
        rng.choice(makers)()
    for _ in range(rng.randrange(5, 30)):
        if rng.random() < 0.08:
            rng.choice(makers)()
        if not g.objects:
            continue
        g.operate(*rng.choice(g.objects))
    return {"name": f"lib-tempfile-{seed}", "steps": g.steps}
