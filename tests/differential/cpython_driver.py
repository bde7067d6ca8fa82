#!/usr/bin/env python3
"""Run differential scripts (FORMAT.md) in real CPython and write their results.

    cpython_driver.py [--no-strace] [--keep-trace FILE] SCRIPTS.jsonl RESULTS.jsonl WORKROOT

By default the driver re-runs itself under strace (PYTHONUNBUFFERED removed from the
environment), then attaches the normalized system calls of every step as "sys".
With --no-strace the results have no "sys" key.  One process runs all scripts; script n
works in WORKROOT/<n>, which is created empty and removed afterwards.
"""

import gc
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cpython_ops_memoryview  # noqa: E402
import cpython_ops_mmap  # noqa: E402
import cpython_ops_oslib  # noqa: E402
import cpython_ops_tempfile  # noqa: E402
import stracenorm  # noqa: E402

_ADDR = re.compile(r" at 0x[0-9a-fA-F]+")
_NAME_FD = re.compile(r"\bname=(\d+)")


def strip_addr(s):
    return _ADDR.sub("", s)


class ShortRaw(io.RawIOBase):
    """A raw stream over FileIO f that moves at most R bytes per readinto and W per write."""

    def __init__(self, f, read_cap, write_cap):
        self._f = f
        self._r = read_cap
        self._w = write_cap

    def readinto(self, b):
        with memoryview(b) as m:
            if self._r:
                with m[:self._r] as s:
                    return self._f.readinto(s)
            return self._f.readinto(m)

    def write(self, b):
        with memoryview(b) as m:
            if self._w:
                with m[:self._w] as s:
                    return self._f.write(s)
            return self._f.write(m)

    def seek(self, pos, whence=0):
        return self._f.seek(pos, whence)

    def tell(self):
        return self._f.tell()

    def truncate(self, size=None):
        return self._f.truncate(size)

    def readable(self):
        return self._f.readable()

    def writable(self):
        return self._f.writable()

    def seekable(self):
        return self._f.seekable()

    def fileno(self):
        return self._f.fileno()

    def isatty(self):
        return self._f.isatty()

    def close(self):
        self._f.close()
        io.RawIOBase.close(self)

    @property
    def name(self):
        return self._f.name

    @property
    def mode(self):
        return self._f.mode

    def __repr__(self):
        return "<ShortRaw>"


class ScriptState:
    def __init__(self):
        self.handles = {}
        self.order = []
        self.fds = {}
        self.fixed_fds = []
        self.results = []  # the result dict of every step so far, for {"result_of": i}

    def get(self, h):
        try:
            return self.handles[h]
        except KeyError:
            raise NameError(f"name '{h}' is not defined") from None

    def put(self, h, obj):
        self.handles[h] = obj
        if h in self.order:
            self.order.remove(h)
        self.order.append(h)

    def fd(self, n):
        if n >= 100:
            return n
        if n not in self.fds:
            self.fds[n] = f"fd{len(self.fds)}"
        return self.fds[n]

    def rename_names(self, text):
        def sub(m):
            n = int(m.group(1))
            return m.group(0) if n >= 100 else "name=" + self.fd(n)
        return _NAME_FD.sub(sub, text)

    def repr_of(self, obj):
        return self.rename_names(strip_addr(repr(obj)))


INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def has_surrogate(s):
    return any(0xD800 <= ord(c) <= 0xDFFF for c in s)


def conv(v, st=None):
    """A script value (FORMAT.md) as the Python object it stands for."""
    if isinstance(v, dict):
        if "b" in v:
            return bytes.fromhex(v["b"])
        if "s" in v:
            return "".join(map(chr, v["s"]))
        if "int" in v:
            return int(v["int"])
        if "result_of" in v:
            return conv(result_of(v["result_of"], st), st)
        if "bytearray" in v:
            return bytearray(v["bytearray"])
        if "bytearray_hex" in v:
            return bytearray.fromhex(v["bytearray_hex"])
        if "memoryview" in v:
            return memoryview(bytearray(v["memoryview"]))
        if "slice" in v:
            return slice(*conv(v["slice"], st))
        if "tuple" in v:
            return tuple(conv(v["tuple"], st))
        raise ValueError(f"bad value {v!r}")
    if isinstance(v, list):
        return [conv(x, st) for x in v]
    return v


def result_of(i, st):
    """The encoded "r" of an earlier step of the script; NameError when it has none."""
    if st is None or not 0 <= i < len(st.results) or "r" not in st.results[i]:
        raise NameError(f"step {i} has no result")
    return st.results[i]["r"]


def encode(v, st):
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v if INT64_MIN <= v <= INT64_MAX else {"int": str(v)}
    if isinstance(v, str):
        return {"s": [ord(c) for c in v]} if has_surrogate(v) else v
    if isinstance(v, (bytes, bytearray)):
        return {"b": bytes(v).hex()}
    if isinstance(v, (list, tuple)):
        return [encode(x, st) for x in v]
    if isinstance(v, float):
        return repr(v)
    return {"obj": st.repr_of(v)}


def buf_hex(b):
    if isinstance(b, bytearray):
        return b.hex()
    if isinstance(b, memoryview):
        try:
            return b.tobytes().hex()
        except ValueError:
            return None
    return None


# What an os "fill" step writes per os.write: 65536 bytes, 0x00..0xff repeated.
FILL_CHUNK = bytes(range(256)) * 256


def os_step(step):
    fn = step["fn"]
    path = step.get("path")
    if fn == "pwrite":
        fd = os.open(path, os.O_WRONLY)
        try:
            os.pwrite(fd, bytes.fromhex(step["data"]), step["offset"])
        finally:
            os.close(fd)
    elif fn == "ftruncate":
        fd = os.open(path, os.O_WRONLY)
        try:
            os.ftruncate(fd, step["size"])
        finally:
            os.close(fd)
    elif fn == "unlink":
        os.unlink(path)
    elif fn == "open":
        flags = 0
        for name in step["flags"]:
            flags |= getattr(os, name)
        t = os.open(path, flags, 0o666)
        try:
            os.dup2(t, step["fd"])
        finally:
            os.close(t)
        return ("fixed", [step["fd"]], None)
    elif fn == "pipe":
        r, w = os.pipe2(os.O_NONBLOCK if step.get("nonblock") else 0)
        try:
            os.dup2(r, step["r"])
            os.dup2(w, step["w"])
        finally:
            os.close(r)
            os.close(w)
        return ("fixed", [step["r"], step["w"]], None)
    elif fn == "fill":
        total = 0
        while True:
            try:
                total += os.write(step["fd"], FILL_CHUNK)
            except BlockingIOError:
                return ("value", [], total)
    elif fn == "drain":
        return ("value", [], os.read(step["fd"], step["n"]))
    elif fn == "close":
        os.close(step["fd"])
    else:
        raise ValueError(f"unknown os function {fn!r}")
    return None


def run_step(step, st):
    """Execute one step; return the result dict (without script/i/sys)."""
    out = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            run_op(step, st, out)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:  # noqa: BLE001 - every exception is a result
            out.pop("r", None)
            exc = [type(e).__name__, st.rename_names(strip_addr(str(e)))]
            out["exc"] = exc
            if isinstance(e, OSError):
                out["errno"] = e.errno
                if hasattr(e, "characters_written"):
                    try:
                        out["characters_written"] = e.characters_written
                    except AttributeError:
                        pass
            del e
    if caught:
        w = []
        for c in caught:
            w += [c.category.__name__, strip_addr(str(c.message))]
        out["warn"] = w
    return out


def make_object(step, st):
    """The object of a creating step (open, fileio, bytesio, stringio, shortraw, buffered,
    textio)."""
    op = step["op"]
    args = conv(step.get("args", []), st)
    kw = conv_kw(step.get("kw", {}), st)
    if op == "open":
        return open(*args, **kw)
    if op == "fileio":
        return io.FileIO(*args, **kw)
    if op == "bytesio":
        return io.BytesIO(*args)
    if op == "stringio":
        return io.StringIO(*args, **kw)
    if op == "shortraw":
        path, mode = args
        return ShortRaw(io.FileIO(path, mode), step.get("read_cap", 0), step.get("write_cap", 0))
    if op == "buffered":
        raws = [st.get(h) for h in step["raw"]]
        return getattr(io, step["cls"])(*raws, *args, **kw)
    # textio: io.TextIOWrapper(buffer handle, *args, **kw)
    return io.TextIOWrapper(st.get(step["buffer"]), *args, **kw)


CREATING_OPS = ("open", "fileio", "bytesio", "stringio", "shortraw", "buffered", "textio")


def run_op(step, st, out):
    """Execute one step, filling out["r"] (and out["buf"] for a call)."""
    op = step.get("op")
    if op in CREATING_OPS:
        obj = make_object(step, st)
        st.put(step["h"], obj)
        out["r"] = None if op == "shortraw" else st.repr_of(obj)
    elif op == "call":
        run_call(step, st, out)
    elif op == "get":
        res = getattr(st.get(step["h"]), step["attr"])
        if step["attr"] == "name" and type(res) is int:
            out["r"] = st.fd(res)
        else:
            out["r"] = encode(res, st)
    elif op == "set":
        setattr(st.get(step["h"]), step["attr"], conv(step["value"], st))
        out["r"] = None
    elif op == "repr":
        out["r"] = st.repr_of(st.get(step["h"]))
    elif op == "next":
        out["r"] = encode(next(st.get(step["h"])), st)
    elif op == "enter":
        out["r"] = encode(st.get(step["h"]).__enter__(), st)
    elif op == "exit":
        out["r"] = encode(st.get(step["h"]).__exit__(None, None, None), st)
    elif op == "release":
        st.get(step["h"]).release()
        out["r"] = None
    elif op == "os":
        res = os_step(step)
        out["r"] = None
        if res is not None:
            st.fixed_fds += res[1]
            out["r"] = encode(res[2], st)
    elif op == "getitem":
        out["r"] = encode(st.get(step["h"])[conv(step["key"], st)], st)
    elif op == "setitem":
        st.get(step["h"])[conv(step["key"], st)] = conv(step["value"], st)
        out["r"] = None
    elif op == "len":
        out["r"] = len(st.get(step["h"]))
    elif op in LIB_OPS:
        LIB_OPS[op](step, st, out)
    else:
        raise ValueError(f"unknown op {op!r}")


# The lib layer's ops, one module per area: ops(driver) returns a dict from op name to
# fn(step, st, out), which sets out["r"] (FORMAT.md); `driver` is this module, for conv and
# encode.
LIB_OPS = {}
for _module in (cpython_ops_memoryview, cpython_ops_mmap, cpython_ops_tempfile, cpython_ops_oslib):
    LIB_OPS.update(_module.ops(sys.modules[__name__]))


def run_call(step, st, out):
    obj = st.get(step["h"])
    args = conv(step.get("args", []), st)
    kw = conv_kw(step.get("kw", {}), st)
    bufarg = next((a for a in args if isinstance(a, (bytearray, memoryview))), None)
    m = step["m"]
    try:
        res = getattr(obj, m)(*args, **kw)
    finally:
        if bufarg is not None:
            h = buf_hex(bufarg)
            if h is not None:
                out["buf"] = h
    if "as" in step:
        st.put(step["as"], res)
    if m == "fileno" and type(res) is int:
        out["r"] = st.fd(res)
    else:
        out["r"] = encode(res, st)


def conv_kw(kw, st=None):
    return {k: conv(v, st) for k, v in kw.items()}


# Files larger than this are compared by size, CRC-32 and first bytes rather than by content, so
# that a run with many multi-MiB files keeps its results small (FORMAT.md, `files`).
BIG_FILE = 1 << 18


def file_value(data):
    if len(data) <= BIG_FILE:
        return data.hex()
    return f"{len(data)} bytes, crc32 {zlib.crc32(data):08x}, starts {data[:32].hex()}"


def file_content(value):
    """A `files` value: hex, or {"repeat": hex, "size": n}, the pattern repeated to n bytes."""
    if isinstance(value, str):
        return bytes.fromhex(value)
    pattern, size = bytes.fromhex(value["repeat"]), value["size"]
    return (pattern * (size // len(pattern) + 1))[:size] if size else b""


def collect_files(wdir):
    files = {}
    for root, dirs, names in os.walk(wdir):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(root, n)
            if os.path.isfile(p) and not os.path.islink(p):
                fd = os.open(p, os.O_RDONLY)
                try:
                    chunks = []
                    while True:
                        b = os.read(fd, 1 << 20)
                        if not b:
                            break
                        chunks.append(b)
                finally:
                    os.close(fd)
                files[os.path.relpath(p, wdir)] = file_value(b"".join(chunks))
    return dict(sorted(files.items()))


def cleanup(st, wdir, workroot):
    # Memoryviews first (they pin BytesIO buffers), then everything else.
    for h in st.order:
        o = st.handles.get(h)
        if isinstance(o, memoryview):
            try:
                o.release()
            except BaseException:  # noqa: BLE001
                pass
    for h in st.order:
        o = st.handles.get(h)
        # close() of streams and mmaps; TemporaryDirectory has cleanup() instead.
        end = getattr(o, "close", None) or getattr(o, "cleanup", None)
        if end is not None:
            try:
                end()
            except BaseException:  # noqa: BLE001
                pass
    st.handles.clear()
    st.order.clear()
    gc.collect()
    for fd in st.fixed_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    os.chdir(workroot)
    shutil.rmtree(wdir, ignore_errors=True)


def run_script(si, script, workroot, emit, tag=False):
    wdir = os.path.join(workroot, str(si))
    if os.path.exists(wdir):
        shutil.rmtree(wdir)
    os.mkdir(wdir)
    os.chdir(wdir)
    for path, hexdata in script.get("files", {}).items():
        if path.endswith("/"):
            os.makedirs(path, exist_ok=True)
            continue
        d = os.path.dirname(path)
        if d:
            os.makedirs(d, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            data = file_content(hexdata)
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)
    st = ScriptState()
    name = script.get("name", str(si))
    results = []
    for i, step in enumerate(script.get("steps", [])):
        os.path.exists(f"/bl-step/{si}/{i}")
        res = run_step(step, st)
        st.results.append(res)
        results.append(dict({"script": name, "i": i}, **res))
        if tag:
            results[-1]["_si"] = si
    os.path.exists(f"/bl-step/{si}/end")
    try:
        files = collect_files(wdir)
    except OSError as e:
        files = {"<error>": str(e)}
    results.append({"script": name, "end": True, "files": files})
    if tag:
        results[-1]["_si"] = si
    cleanup(st, wdir, workroot)
    emit(results, wdir)


def run_child(scripts_path, results_path, workroot, tag=False):
    warnings.simplefilter("ignore")
    sys.unraisablehook = lambda unraisable: None
    gc.disable()
    workroot = os.path.realpath(workroot)
    os.makedirs(workroot, exist_ok=True)
    with open(scripts_path, "r", encoding="utf-8") as f:
        scripts = [json.loads(line) for line in f if line.strip()]
    # The scripts stay in memory for the whole run: keep them out of the per-script collection,
    # which would otherwise scan them all each time (quadratic in the number of scripts).
    gc.freeze()
    with open(results_path, "w", encoding="utf-8") as out:
        def emit(results, wdir):
            # FORMAT.md: the work directory's absolute path is written "<wdir>".
            out.write("".join(json.dumps(r, separators=(",", ":")).replace(wdir, "<wdir>") + "\n"
                              for r in results))
        for si, script in enumerate(scripts):
            run_script(si, script, workroot, emit, tag)
    os.chdir("/")


def child_env():
    """The environment of the traced CPython: buffered stdio, and text files that default to
    the C.UTF-8 locale's encoding ('UTF-8', UTF-8 mode off) as bufferlab's open() assumes."""
    env = dict(os.environ)
    env.pop("PYTHONUNBUFFERED", None)
    env.pop("PYTHONUTF8", None)
    env.pop("PYTHONWARNDEFAULTENCODING", None)
    env["LC_ALL"] = "C.UTF-8"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_traced(scripts_path, results_path, workroot, keep_trace=None):
    workroot = os.path.realpath(workroot)
    os.makedirs(workroot, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="bl-cpy-")
    try:
        trace = keep_trace or os.path.join(tmp, "trace")
        raw = os.path.join(tmp, "raw.jsonl")
        cmd = stracenorm.strace_command(trace) + [
            sys.executable, os.path.abspath(__file__), "--child", scripts_path, raw, workroot]
        p = subprocess.run(cmd, env=child_env())
        if p.returncode != 0:
            raise SystemExit(f"cpython_driver: child failed with status {p.returncode}")
        sysmap = stracenorm.parse_file(trace, workroot)
        with open(raw, "r", encoding="utf-8") as f, \
                open(results_path, "w", encoding="utf-8") as out:
            for line in f:
                r = json.loads(line)
                si = r.pop("_si")
                if "i" in r:
                    r["sys"] = sysmap.get((si, r["i"]), [])
                out.write(json.dumps(r, separators=(",", ":")) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    if argv and argv[0] == "--child":
        run_child(*argv[1:4], tag=True)
        return 0
    trace = None
    strace = True
    rest = []
    it = iter(argv)
    for a in it:
        if a == "--no-strace":
            strace = False
        elif a == "--keep-trace":
            trace = os.path.abspath(next(it))
        else:
            rest.append(a)
    if len(rest) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    scripts, results, workroot = rest
    if strace:
        run_traced(os.path.abspath(scripts), os.path.abspath(results), workroot, trace)
    else:
        for var in ("PYTHONUNBUFFERED", "PYTHONUTF8"):
            if var in os.environ:
                print(f"cpython_driver: warning: {var} is set", file=sys.stderr)
        run_child(os.path.abspath(scripts), os.path.abspath(results), workroot)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
