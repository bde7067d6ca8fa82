#!/usr/bin/env python3
"""Seeded random text-layer scripts (FORMAT.md): TextIOWrapper over files, BytesIO and the
binary classes, text-mode open(), StringIO.

    generate.py --text START COUNT [OUT.jsonl]   (text-<seed> scripts)

generate_text(seed) is deterministic: the same seed gives the same script on every machine.
A script reads and writes `t.txt`, text in one encoding with every kind of line ending (a lone
'\\r' sometimes exactly at an 8192-byte chunk edge) and sometimes invalid bytes; it wraps it in
one or two text objects with random encodings, error handlers and newline settings and calls
10-40 methods on them: reads of every size, readline limits, iteration, writes with characters
the encoding cannot encode, tell() and seek() back to an earlier cookie (`{"result_of": i}`),
truncate, reconfigure, a small `_CHUNK_SIZE`, detach and close.
"""

import re
import string

import generate as g

ENCODINGS = ["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
             "utf-32-le", "utf-32-be", "latin-1", "ascii", "cp1252"]
# Other spellings CPython's codecs.lookup accepts; the `encoding` attribute keeps the spelling.
SPELLINGS = {
    "utf-8": ["UTF8", "U8", "utf_8", "UTF-8", "utf8"],
    "utf-8-sig": ["UTF_8_SIG", "utf_8_sig"],
    "utf-16": ["utf_16", "UTF16", "u16"],
    "utf-16-le": ["UTF-16LE", "utf_16_le"],
    "utf-16-be": ["UTF-16BE", "utf_16be"],
    "utf-32": ["utf_32", "U32"],
    "utf-32-le": ["UTF-32LE"],
    "utf-32-be": ["utf_32_be"],
    "latin-1": ["latin1", "iso8859-1", "L1", "ISO-8859-1"],
    "ascii": ["US-ASCII", "646"],
    "cp1252": ["windows-1252", "CP1252"],
}
BAD_ENCODINGS = ["bogus", "rot13", "hex", "utf-9"]
ERRORS = ["strict", "strict", "ignore", "replace", "backslashreplace", "surrogateescape",
          "surrogatepass", "xmlcharrefreplace"]
NEWLINES = [None, "", "\n", "\r", "\r\n"]
BAD_NEWLINES = ["x", "\n\r", " ", "\r\r"]

# The codec without a BOM, and the BOM a file in the encoding starts with.
BASE = {"utf-8-sig": ("utf-8", b"\xef\xbb\xbf"), "utf-16": ("utf-16-le", b"\xff\xfe"),
        "utf-32": ("utf-32-le", b"\xff\xfe\x00\x00")}
UNIT = {"utf-16": 2, "utf-16-le": 2, "utf-16-be": 2, "utf-32": 4, "utf-32-le": 4,
        "utf-32-be": 4}

ASCII_CHARS = string.ascii_letters + string.digits + " .,;:-_!?'\"()#/\\\t"
LATIN1_CHARS = "éèàçßñüÿ¼©×÷\xa0\xad\x85µ\x00"
CP1252_CHARS = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸéàçßñü©"
WIDE_CHARS = "Ωπжя中文字✓한\u2028\u2029\ufeff\ufffd" + "😀𝄞𐍈🎉"
SURROGATES = "\udc80\udcff\ud800\udfff\udce9"
ALPHABET = {"ascii": "", "latin-1": LATIN1_CHARS, "cp1252": CP1252_CHARS}
UNENCODABLE = {"ascii": LATIN1_CHARS[:-1] + WIDE_CHARS, "latin-1": CP1252_CHARS[:8] + WIDE_CHARS,
               "cp1252": "\x81\x8d\x90" + WIDE_CHARS}
BAD_BYTES = [b"\xff", b"\x80", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf0\x9f", b"\x81",
             b"\x9d", b"\x00\xd8", b"\xdc\x00", b"\xfe", b"\x00"]

HAS_SURROGATE = re.compile("[\ud800-\udfff]")
READ_SIZES = [0, 1, 1, 1, 2, 2, 3, 3, 5, 5, 10, 10, 50, 100, 100, 1000, 8191, 8192, 8193,
              9000, 20000, -1, None, -2]
CHUNK_SIZES = [1, 2, 3, 5, 16, 1, 2, 3, 100, 8192]
TEXT_BUFFERINGS = [-1, 1, 1, 2, 16, 100, 4096, 8192]

TEXT_MODES = {  # mode -> (readable, writable, kind of file needed)
    "r": (1, 0, "old"), "rt": (1, 0, "old"), "tr": (1, 0, "old"),
    "w": (0, 1, "any"), "wt": (0, 1, "any"), "a": (0, 1, "any"), "at": (0, 1, "any"),
    "x": (0, 1, "new"), "r+": (1, 1, "old"), "r+t": (1, 1, "old"), "rt+": (1, 1, "old"),
    "w+": (1, 1, "any"), "a+": (1, 1, "any"), "x+": (1, 1, "new"),
}
# Reading modes more often than the others: most of the text layer is on the read side.
MODE_CHOICES = ["r"] * 6 + ["r+"] * 4 + list(TEXT_MODES) + ["w+", "a+"]


def canonical(encoding):
    """The ENCODINGS name a spelling stands for, or None (unknown, or the default)."""
    for name, others in SPELLINGS.items():
        if encoding == name or encoding in others:
            return name
    return None


class TextGen(g.Gen):
    """Text scripts; binary handles (a detached buffer, the buffer under a TextIOWrapper)
    get the binary generator's operations."""

    # ------------------------------------------------------------------ text and bytes
    def text(self, n, enc, bad=False):
        """n random characters the encoding `enc` can encode (some it cannot when bad), with
        newlines of one style or all."""
        rng = self.rng
        extra = WIDE_CHARS + LATIN1_CHARS + CP1252_CHARS if enc not in ALPHABET else \
            ALPHABET[enc]
        nl = self.pick(["\n", "\r", "\r\n", None])
        nl_rate = self.pick([0, 0.01, 0.05, 0.2])
        extra_rate = self.pick([0, 0.05, 0.3, 0.9]) if extra else 0
        nls = [nl] if nl else ["\n", "\r", "\r\n"]
        population = list(ASCII_CHARS) + list(extra) + nls
        ascii_rate = max(0.0, 1 - nl_rate - extra_rate)
        weights = ([ascii_rate / len(ASCII_CHARS)] * len(ASCII_CHARS)
                   + [extra_rate / max(len(extra), 1)] * len(extra)
                   + [nl_rate / len(nls)] * len(nls))
        # Long texts repeat a random block of 1000 (cheap to make, as varied at any edge).
        out = rng.choices(population, weights, k=min(n, 1000))
        if n > 1000:
            out = (out * (n // 1000 + 1))[:n]
        if bad and n:
            pool = UNENCODABLE.get(enc, SURROGATES)
            for _ in range(rng.randint(1, 3)):
                out.insert(rng.randrange(len(out) + 1), self.pick(pool))
        return "".join(out)

    def encode_padded(self, text, enc, nbytes):
        """text cut (or padded with 'x') to exactly nbytes bytes in enc (no BOM)."""
        base = BASE.get(enc, (enc,))[0]
        if len(text.encode(base)) > nbytes:
            lo, hi = 0, len(text)  # the longest prefix that fits: text[:lo]
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if len(text[:mid].encode(base)) <= nbytes:
                    lo = mid
                else:
                    hi = mid - 1
            text = text[:lo]
        used = len(text.encode(base))
        return text + "x" * ((nbytes - used) // UNIT.get(enc, 1))

    def file_text(self, enc, nbytes):
        """About nbytes bytes of text in enc; half the time a '\\r' ends exactly at each
        8192-byte chunk edge below nbytes (then '\\n', another '\\r' or a letter)."""
        base, bom = BASE.get(enc, (enc, b""))
        unit = UNIT.get(enc, 1)
        edges = [e for e in range(8192, nbytes, 8192)] if self.rng.random() < 0.5 else []
        parts, used = [], len(bom)
        for edge in edges:
            want = edge - unit - used
            if want < 0:
                continue
            piece = self.encode_padded(self.text(want, enc), enc, want) + "\r"
            piece += self.pick(["\n", "\r", "y", "\n"])
            parts.append(piece)
            used += len(piece.encode(base))
        rest = max(0, nbytes - used)
        parts.append(self.encode_padded(self.text(rest // unit, enc), enc, rest))
        return "".join(parts)

    def file_bytes(self, enc, nbytes):
        rng = self.rng
        text = self.file_text(enc, nbytes)
        data = bytearray(text.encode(enc))
        if rng.random() < 0.15:
            for _ in range(rng.randint(1, 3)):
                at = rng.randint(0, len(data))
                data[at:at] = self.pick(BAD_BYTES)
        if rng.random() < 0.05 and data:
            del data[-1]  # a character cut short at the end
        return bytes(data)

    def file_size(self):
        r = self.rng.random()
        if r < 0.1:
            return self.pick([0, 1, 2, 3, 4])
        if r < 0.45:
            return self.rng.randint(5, 300)
        if r < 0.65:
            return self.rng.randint(300, 5000)
        if r < 0.9:
            return 8192 + self.rng.randint(-20, 20) + self.pick([0, 0, 8192])
        return self.rng.randint(20000, 50000)

    # ------------------------------------------------------------------ arguments
    def encoding_arg(self, valid=False):
        rng = self.rng
        if not valid and rng.random() < 0.03:
            return self.pick(BAD_ENCODINGS)
        enc = self.pick(ENCODINGS)
        if rng.random() < 0.2:
            return self.pick(SPELLINGS[enc])
        return enc

    def errors_arg(self, valid=False):
        return "bogus" if not valid and self.rng.random() < 0.03 else self.pick(ERRORS)

    def newline_arg(self, valid=False):
        if not valid and self.rng.random() < 0.03:
            return self.pick(BAD_NEWLINES)
        return self.pick(NEWLINES)

    def spelled(self, enc):
        return self.pick(SPELLINGS[enc]) if self.rng.random() < 0.2 else enc

    def text_kw(self):
        """encoding/errors/newline keywords of a text object that can be made (the bogus error
        handler is accepted until an error needs it): each given or not. The encoding is
        mostly the file's."""
        rng = self.rng
        kw = {}
        r = rng.random()
        if r < 0.65:
            kw["encoding"] = self.spelled(self.file_enc)
        elif r < 0.92:
            kw["encoding"] = self.encoding_arg(valid=True)
        if rng.random() < 0.5:
            kw["errors"] = self.errors_arg()
        if rng.random() < 0.5:
            kw["newline"] = self.newline_arg(valid=True)
        return kw

    def str_value(self, s):
        """A str as a script value: JSON string, or {"s": code points} with surrogates."""
        if HAS_SURROGATE.search(s):
            return {"s": [ord(c) for c in s]}
        return s

    # ------------------------------------------------------------------ setup
    def path_for(self, need):
        rng = self.rng
        if need == "old":
            return "t.txt" if rng.random() < 0.97 else "missing.txt"
        if need == "new":
            return "new.txt" if rng.random() < 0.93 else "t.txt"
        return "t.txt" if rng.random() < 0.6 else "out.txt"

    def text_handle(self, name, readable, writable, seekable, path, enc, inner):
        h = self.add(g.Handle(name, "text", 8192, readable, writable, seekable, path))
        h.enc = canonical(enc) if enc is not None else "utf-8"
        h.tells = []
        h.stale = h.unsafe = False  # see careful_tell()
        h.inner = inner  # (kind, B, path) of the buffer detach() returns
        return h

    def setup_text_open(self):
        rng = self.rng
        mode = self.pick(MODE_CHOICES)
        r, w, need = TEXT_MODES[mode]
        path = self.path_for(need)
        kw = self.text_kw()
        buffering = self.pick(TEXT_BUFFERINGS + [None] * 4)
        if buffering is not None:
            kw["buffering"] = buffering
        name = self.new_name("t")
        self.step(op="open", h=name, args=[path, mode], kw=kw)
        B = 4096 if buffering in (None, -1, 1) else buffering
        return self.text_handle(name, bool(r), bool(w), True, path, kw.get("encoding"),
                                ("buffered", B, path))

    def setup_text_fd(self):
        fd = 100 + self.rng.randint(0, 3)
        mode = self.pick(["r", "r+", "w", "a"])
        flags = {"r": ["O_RDONLY"], "r+": ["O_RDWR"], "w": ["O_WRONLY", "O_TRUNC"],
                 "a": ["O_WRONLY", "O_APPEND"]}[mode]
        self.step(op="os", fn="open", path="t.txt", flags=flags, fd=fd)
        name = self.new_name("t")
        kw = dict(self.text_kw(), closefd=self.rng.random() < 0.5)
        self.step(op="open", h=name, args=[fd, mode], kw=kw)
        return self.text_handle(name, "r" in mode or "+" in mode, mode != "r", True, "t.txt",
                                kw.get("encoding"), ("buffered", 4096, "t.txt"))

    def setup_text_bytesio(self):
        name = self.new_name("m")
        data = self.file_bytes(self.file_enc, min(self.file_size(), 20000))
        self.step(op="bytesio", h=name, args=[{"b": data.hex()}] if data else [])
        return self.add(g.Handle(name, "bytesio", 64, True, True, True, None))

    def setup_textio(self):
        """TextIOWrapper over a BytesIO, a Buffered* object (over a FileIO, or over a ShortRaw
        that moves a few bytes per call: every chunk boundary lands somewhere new), a FileIO,
        a ShortRaw or a binary open()."""
        rng = self.rng
        r = rng.random()
        if self.short:
            if r < 0.7:
                base = self.setup_buffered(short=True, allow_bad=False)
            else:
                base = self.setup_shortraw(self.pick(["r", "r+", "w"]))
        elif r < 0.3:
            base = self.setup_text_bytesio()
        elif r < 0.7:
            base = self.setup_buffered(short=False, allow_bad=False)
        elif r < 0.85:
            base = self.setup_fileio()
        else:
            base = self.setup_open()
        kw = self.text_kw()
        for key in ("line_buffering", "write_through"):
            if rng.random() < 0.15:
                kw[key] = self.pick([True, False])
        name = self.new_name("t")
        self.step(op="textio", h=name, buffer=base.name, kw=kw)
        h = self.text_handle(name, base.readable, base.writable, base.seekable, base.path,
                             kw.get("encoding"), None)
        h.base = base
        base.owner = h
        return h

    def setup_stringio(self):
        rng = self.rng
        name = self.new_name("s")
        args = []
        r = rng.random()
        if r < 0.6:
            args = [self.str_value(self.text(self.pick([0, 1, 5, 20, 100, 1000]), "utf-8",
                                             bad=rng.random() < 0.05))]
        elif r < 0.65:
            args = [None]
        kw = {}
        if rng.random() < 0.6:
            kw["newline"] = self.newline_arg(valid=True)
        self.step(op="stringio", h=name, args=args, kw=kw)
        h = self.add(g.Handle(name, "stringio", 8192, True, True, True, None))
        h.enc, h.tells = "utf-8", []
        return h

    def invalid_text_setup(self):
        rng = self.rng
        name = self.new_name("x")
        choice = rng.randrange(9)
        if choice == 0:
            self.step(op="open", h=name, args=["t.txt", self.pick(["r", "w", "r+", "rt"])],
                      kw={"buffering": 0})
        elif choice == 1:
            self.step(op="open", h=name, args=["t.txt", self.pick(["r", "a", "w"])],
                      kw={"encoding": self.pick(BAD_ENCODINGS)})
        elif choice == 2:
            self.step(op="open", h=name, args=["t.txt", "r"],
                      kw={self.pick(["encoding", "errors", "newline"]): 5})
        elif choice == 3:
            self.step(op="open", h=name, args=["t.txt", self.pick(["r", "w"])],
                      kw={"newline": self.pick(BAD_NEWLINES)})
        elif choice == 4:
            self.step(op="stringio", h=name, args=[self.pick([{"b": "78"}, 5])])
        elif choice == 5:
            self.step(op="stringio", h=name, args=[],
                      kw={"newline": self.pick(BAD_NEWLINES + [5])})
        elif choice == 6:
            base = self.setup_text_bytesio()
            kw = self.pick([{"newline": self.pick(BAD_NEWLINES)},
                            {"encoding": self.pick(BAD_ENCODINGS)},
                            {"encoding": 5}, {"errors": 5}, {"newline": 5},
                            {"line_buffering": "x"}])
            self.step(op="textio", h=name, buffer=base.name, kw=kw)
        elif choice == 7:
            base = self.setup_text_bytesio()
            self.step(op="call", h=base.name, m="close", args=[])
            base.closed = True
            self.step(op="textio", h=name, buffer=base.name, kw={"encoding": "utf-8"})
            self.text_handle(name, True, True, True, None, "utf-8", None).base = base
        else:
            self.step(op="open", h=name, args=["t.txt", self.pick(["rtb", "tb", "rtt"])])

    def setup(self):
        rng = self.rng
        if rng.random() < 0.08:
            self.invalid_text_setup()
        r = rng.random()
        if r < 0.45 and not self.short:
            self.setup_text_open()
        elif r < 0.72 or self.short:
            self.setup_textio()
        elif r < 0.9:
            self.setup_stringio()
        else:
            self.setup_text_fd()
        if rng.random() < 0.15:
            self.pick([self.setup_text_open, self.setup_textio, self.setup_stringio])()

    def make_files(self):
        rng = self.rng
        self.file_enc = self.pick(ENCODINGS)
        self.small_chunks = rng.random() < 0.2
        self.short = rng.random() < 0.08  # text over a ShortRaw: a system call per few bytes
        self.caps = (self.pick([1, 2, 3, 7]), self.pick([1, 2, 3, 7, 0]))
        size = self.file_size()
        if self.small_chunks or self.short:
            size = min(size, 3000)
        data = self.file_bytes(self.file_enc, size)
        self.size = len(data)
        self.files["t.txt"] = data.hex()

    # ------------------------------------------------------------------ operations
    def random_op(self):
        rng = self.rng
        hs = [h for h in self.handles if h.kind != "mv" and not h.dead]
        if not hs:
            return
        weights = []
        for h in hs:
            w = 1.0 if h.kind in ("text", "stringio") else 0.3
            if h.owner is not None and not h.owner.detached:
                w = 0.1
            if h.closed:
                w *= 0.2
            if h.detached:
                w *= 0.1
            weights.append(w)
        h = rng.choices(hs, weights)[0]
        if h.kind not in ("text", "stringio"):
            self.binary_op(h)
            return
        before = len(self.steps)
        self.text_op(h)
        self.track_snapshot(h, self.steps[before:])

    def text_op(self, h):
        rng = self.rng
        if rng.random() < 0.03 and h.kind == "text":
            self.op_os(h)
            return
        unsupported = rng.random() < 0.08
        cats = []
        if h.readable or unsupported:
            cats += ["tread"] * 5
        if h.writable or unsupported:
            cats += ["twrite"] * 4
        if h.seekable or unsupported:
            cats += ["tpos"] * 3
        cats += ["tmeta"] * 2
        if h.kind == "text":
            cats += ["tconfig"] * 2
        if rng.random() < 0.4:
            cats.append("tlife")
        getattr(self, "op_" + self.pick(cats))(h)

    def binary_op(self, h):
        if h.kind == "mv":
            return
        cats = (["read"] * 3 if h.readable else []) + (["write"] * 2 if h.writable else [])
        cats += ["pos", "meta"]
        getattr(self, "op_" + self.pick(cats))(h)

    def op_os(self, h):
        if h.path is None:
            h.path = "t.txt"
        g.Gen.op_os(self, h)

    def op_tread(self, h):
        rng = self.rng
        if rng.random() < (0.25 if h.kind == "stringio" else 0.1):
            self.call(h, "seek", [0])  # back over what was written or read
        m = self.pick(["read"] * 4 + ["readline"] * 3 + ["readlines", "next", "next"])
        if m == "read":
            self.call(h, m, [] if rng.random() < 0.05 else [self.pick(READ_SIZES)])
        elif m == "readline":
            limit = self.pick([-1, 0, 1, 2, 5, 100, 8192, None])
            self.call(h, m, [] if rng.random() < 0.4 else [limit])
        elif m == "readlines":
            self.call(h, m, [] if rng.random() < 0.4 else [self.pick([-1, 0, None, 1, 3, 100,
                                                                       10000])])
        else:
            self.step(op="next", h=h.name)
        if rng.random() < 0.3:
            self.tell(h)  # a cookie in the middle of a chunk (during iteration: an OSError)

    def write_text(self, h):
        rng = self.rng
        r = rng.random()
        if r < 0.75 or self.short:
            n = self.pick([0, 1, 2, 3, 5, 10, 50, 100])
        elif r < 0.95:
            n = self.pick([4094, 4097, 8190, 8191, 8192, 8193, 8194])
        else:
            n = self.pick([9000, 20000])
        return self.str_value(self.text(n, h.enc, bad=rng.random() < 0.1))

    def op_twrite(self, h):
        rng = self.rng
        m = self.pick(["write"] * 7 + ["writelines", "flush", "flush", "truncate"])
        if m == "write":
            arg = self.write_text(h) if rng.random() < 0.97 else {"b": "61"}
            self.call(h, m, [arg])
        elif m == "writelines":
            lines = [self.str_value(self.text(self.pick([0, 1, 3, 10, 100]), h.enc,
                                              bad=rng.random() < 0.05))
                     for _ in range(rng.randint(0, 4))]
            self.call(h, m, [lines])
        elif m == "flush":
            self.call(h, m)
        else:
            self.truncate(h)

    def truncate(self, h):
        rng = self.rng
        if rng.random() < 0.5:
            self.call(h, "truncate", [] if rng.random() < 0.5 else [None])
        else:
            self.call(h, "truncate", [self.pick([0, 1, 3, self.size // 2, self.size + 10])])

    def tell(self, h):
        if getattr(h, "unsafe", False):
            self.step(op="get", h=h.name, attr="closed")
            return
        self.call(h, "tell")
        h.tells.append(len(self.steps) - 1)
        return len(self.steps) - 1

    def round_trip(self, h):
        """tell, read on, seek back to the cookie, read the same again."""
        at = self.tell(h)
        if at is None:
            return
        n = self.pick([1, 2, 3, 7, 100, 5000])
        m = self.pick(["read", "read", "readline"])
        self.call(h, m, [n])
        self.call(h, "seek", [{"result_of": at}])
        self.call(h, m, [n])

    def track_snapshot(self, h, steps):
        """Keeps tell() away from a CPython 3.11 out-of-bounds read (python/cpython#141314):
        next() and readlines(hint) stop snapshot updates; flush(), truncate() or reconfigure()
        turn telling back on over the stale snapshot, and tell() (or seek(0, 1)) then decodes
        past the end of its empty input, giving a cookie that depends on memory contents.
        Only a seek to 0 or to the end surely replaces the snapshot (a seek to an earlier
        cookie fails when that tell() failed)."""
        if h.kind != "text":
            return
        for st in steps:
            m = st.get("m")
            args = st.get("args", [])
            if st["op"] == "next" or (m == "readlines" and args and args[0] not in (None, -1, 0)):
                h.stale = True
            elif m in ("flush", "truncate", "reconfigure") and h.stale:
                h.unsafe = True
            elif m == "seek" and args in ([0], [0, 0], [0, 2]):
                h.stale = h.unsafe = False

    def op_tpos(self, h):
        rng = self.rng
        r = rng.random()
        if r < 0.15 and h.kind == "text":
            self.round_trip(h)
        elif r < 0.35:
            self.tell(h)
        elif r < 0.65 and h.tells:
            self.call(h, "seek", [{"result_of": self.pick(h.tells)}])
            if rng.random() < 0.5:
                self.call(h, "read", [self.pick([1, 2, 5, 100, -1])])
        elif r < 0.9:
            args = self.pick([[0], [0, 0], [0, 1], [0, 2], [0, 2], [0],
                              [self.pick([1, 2, 3, 5, 100, 8192])]])
            if args == [0, 1] and getattr(h, "unsafe", False):
                args = [0, 2]
            self.call(h, "seek", args)
        elif r < 0.95:
            self.call(h, "seek", self.pick([[3, 1], [-1, 1], [2, 2], [-1, 2], [0, 3], [0, -1],
                                            [-1], [-5, 0]]))
        else:
            self.truncate(h)

    def op_tmeta(self, h):
        rng = self.rng
        r = rng.random()
        if r < 0.45:
            attrs = ["closed", "encoding", "errors", "newlines", "line_buffering", "name",
                     "mode", "write_through", "buffer", "_CHUNK_SIZE"]
            self.step(op="get", h=h.name, attr=self.pick(attrs))
        elif r < 0.55:
            self.step(op="repr", h=h.name)
        elif r < 0.65:
            self.call(h, self.pick(["fileno", "isatty"]))
        elif r < 0.85:
            self.call(h, self.pick(["readable", "writable", "seekable"]))
        elif h.kind == "stringio" or rng.random() < 0.1:
            self.call(h, "getvalue")
        else:
            self.call(h, "flush")

    def op_tconfig(self, h):
        rng = self.rng
        if rng.random() < 0.4:
            values = CHUNK_SIZES if rng.random() < 0.95 else [0, -1]
            self.step(op="set", h=h.name, attr="_CHUNK_SIZE", value=self.pick(values))
            return
        kw = {}
        for key in ("line_buffering", "write_through"):
            if rng.random() < 0.4:
                kw[key] = self.pick([True, False, None])
        if rng.random() < 0.3:
            kw["encoding"] = self.encoding_arg()
            h.enc = canonical(kw["encoding"]) or "utf-8"
        if rng.random() < 0.3:
            kw["errors"] = self.errors_arg()
        if rng.random() < 0.25:
            kw["newline"] = self.newline_arg()
        self.call(h, "reconfigure", [1] if rng.random() < 0.03 else [], kw=kw)

    def op_tlife(self, h):
        rng = self.rng
        r = rng.random()
        if r < 0.3:
            self.detach(h)
        elif r < 0.5:
            self.step(op="enter", h=h.name)
        elif r < 0.6:
            self.step(op="exit", h=h.name)
            h.closed = True
        elif r < 0.85:
            self.call(h, "close")
            h.closed = True
            if rng.random() < 0.3:
                self.call(h, "close")
        else:
            self.step(op="get", h=h.name, attr="closed")

    def detach(self, h):
        """detach() as a new handle: the buffer, used with binary operations afterwards."""
        name = self.new_name("d")
        st = self.call(h, "detach", **{"as": name})
        if h.kind != "text" or h.detached or h.closed:
            del st["as"]
            return
        h.detached = True
        if getattr(h, "base", None) is not None:
            base = h.base
            d = self.add(g.Handle(name, base.kind, base.B, base.readable, base.writable,
                                  base.seekable, base.path, base.raws))
        else:
            kind, B, path = h.inner
            d = self.add(g.Handle(name, kind, B, h.readable, h.writable, True, path))
        d.owner = None

    def script(self):
        self.plan = "open"
        self.size_cap = self.write_cap = 30000
        self.make_files()
        self.setup()
        for _ in range(self.rng.randint(1, 35)):
            self.random_op()
        self.finish()
        return {"name": f"text-{self.seed}", "files": self.files, "steps": self.steps}


def generate_text(seed):
    return TextGen(seed).script()
