#!/usr/bin/env python3
"""Randomized differential test of bl::buffer's memoryview against CPython's.

    buffer_diff.py --driver PATH [--seeds START:COUNT] [--show N] [--keep DIR]

Every seed makes one case (random.Random(seed)): a source object (bytes, bytearray or an
array.array of random content, sometimes holding NaN/inf bit patterns), memoryviews of it
(memoryview(), casts to random formats and shapes, valid and invalid, slices with steps), and
a random sequence of operations on them: every attribute, len, getitem and setitem with good
and bad keys and values, tolist, tobytes(order), hex(sep, bytes_per_sep), cast, ==,
hash, toreadonly, release and use after it, the context manager, buffers exported from a view
(pickle.PickleBuffer) and resizing the bytearray while exported. CPython runs the cases in
this process (with PYTHONHASHSEED=0, which the script sets by re-executing itself, so hashes
compare); bl_buffer_driver (buffer_driver.cpp) runs them on bufferlab; every result (value or
exception type and message) is compared. Floats travel as their repr.

Prints the first --show diverging cases, counts per op, and one summary line

    buffer-differential: N cases, K ops, D divergent

and exits with status 1 if anything diverged.
"""

import array
import collections
import json
import os
import pickle
import random
import struct
import sys
import time

import caserun

FORMATS = list("cbBhHiIlLqQnNfd?P")
BAD_FORMATS = ["e", "<i", "BB", "", "x", "=B", "@", "2B", "@@B"]
TYPECODES = list("bBhHiIlLqQfd")
ATTRS = ["obj", "nbytes", "readonly", "itemsize", "format", "ndim", "shape", "strides",
         "suboffsets", "c_contiguous", "f_contiguous", "contiguous"]
SPECIAL = [struct.pack("d", float("nan")), struct.pack("d", float("inf")),
           struct.pack("d", -0.0), struct.pack("f", float("nan")), struct.pack("f", float("-inf")),
           struct.pack("d", 1e16), struct.pack("d", 1e-5), struct.pack("f", 0.1),
           struct.pack("d", 2.0 ** 63), struct.pack("d", 5e-324), b"\xff" * 8, b"\x00" * 8,
           b"\x02", b"\x01", b"\x80"]


# ------------------------------------------------------------------------------ generation

def rand_content(rng, n):
    out = bytearray()
    while len(out) < n:
        if rng.random() < 0.25:
            out += rng.choice(SPECIAL)
        else:
            out += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9)))
    return bytes(out[:n])


def rand_int(rng):
    r = rng.random()
    if r < 0.5:
        return rng.randrange(-3, 260)
    if r < 0.7:
        return rng.choice([127, 128, -128, -129, 255, 256, 32767, 32768, -32769, 65535, 65536,
                           2**31 - 1, 2**31, -2**31 - 1, 2**32 - 1, 2**32, 2**63 - 1, 2**63,
                           -2**63, -2**63 - 1, 2**64 - 1, 2**64, 2**70, -2**70, 10**400])
    return rng.randrange(-2**64, 2**64)


def rand_value(rng, names):
    r = rng.random()
    if r < 0.45:
        return rand_int(rng)
    if r < 0.6:
        return {"f": repr(rng.choice([0.5, -1.25, 1e300, -1e300, 3.4e38, 3.5e38, 1e-50,
                                      float("nan"), float("inf"), -0.0, 65504.0,
                                      rng.uniform(-1e6, 1e6)]))}
    if r < 0.68:
        return rng.choice([True, False])
    if r < 0.8:
        return {"b": rand_content(rng, rng.choice([1, 1, 1, 0, 2])).hex()}
    if r < 0.85:
        return {"str": rng.choice(["", "a", "xy", "\u00e9"])}
    if r < 0.9:
        return rng.choice([None, {"list": []}, {"list": [1]}])
    if r < 0.95:
        return {"bytearray": rand_content(rng, rng.randrange(3)).hex()}
    return {"view": rng.choice(names)}


def rand_index(rng, n):
    return rng.randrange(-n - 2, n + 3) if rng.random() < 0.9 else rng.choice([True, False])


def rand_slice(rng, n):
    def bound():
        if rng.random() < 0.3:
            return None
        if rng.random() < 0.05:
            return rng.choice([2**63 - 1, -2**63, 2**70, -2**70])
        return rng.randrange(-n - 3, n + 4)
    step = None if rng.random() < 0.4 else rng.choice([1, 1, 2, 3, -1, -1, -2, -3, 0, 5, 2**62])
    return {"slice": [bound(), bound(), step]}


def rand_key(rng, ndim, n):
    r = rng.random()
    if r < 0.45:
        return rand_index(rng, n)
    if r < 0.6:
        return rand_slice(rng, n)
    if r < 0.8:
        k = max(0, ndim + rng.choice([0, 0, 0, -1, 1]))
        return {"tuple": [rand_index(rng, n) for _ in range(k)]}
    if r < 0.85:
        return {"tuple": [rand_slice(rng, n) for _ in range(rng.randrange(1, 3))]}
    return rng.choice([{"ellipsis": True}, {"tuple": []}, {"float": 1.5},
                       {"tuple": [0, {"float": 0.5}]}, {"tuple": [{"ellipsis": True}]}])


def rand_shape(rng, count):
    r = rng.random()
    if r < 0.7 and count > 0:
        dims = []
        left = count
        for _ in range(rng.randrange(1, 4)):
            divisors = [d for d in range(1, left + 1) if left % d == 0]
            d = rng.choice(divisors)
            dims.append(d)
            left //= d
        if left > 1:
            dims.append(left)
        rng.shuffle(dims)
        return dims
    if r < 0.8:
        return []
    return rng.choice([[0], [-1, count], [count + 1], [{"f": "1.0"}], [2**70], [1] * 65,
                       {"notseq": count}, [2**40, 2**40], [True] * 2, [count, 1, 0]])


INT_RANGES = {"b": (-128, 127), "B": (0, 255), "h": (-2**15, 2**15 - 1), "H": (0, 2**16 - 1),
              "i": (-2**31, 2**31 - 1), "I": (0, 2**32 - 1), "l": (-2**63, 2**63 - 1),
              "L": (0, 2**64 - 1), "q": (-2**63, 2**63 - 1), "Q": (0, 2**64 - 1),
              "n": (-2**63, 2**63 - 1), "N": (0, 2**64 - 1), "P": (-2**63, 2**64 - 1)}


def good_value(rng, fmt):
    """A value that item assignment of format `fmt` accepts (mostly)."""
    fmt = fmt.lstrip("@")
    if fmt in INT_RANGES:
        lo, hi = INT_RANGES[fmt]
        return rng.choice([lo, hi, 0, 1, rng.randint(lo, hi), rng.randint(lo, hi), True])
    if fmt in "fd":
        return {"f": repr(rng.choice([0.1, -2.5, 1e38, 1e-40, float("nan"), float("inf"), -0.0,
                                      rng.uniform(-1e9, 1e9), 3.4028235677973366e38]))}
    if fmt == "c":
        return {"b": bytes([rng.randrange(256)]).hex()}
    return rng.choice([0, 1, 2, "", "x", None, 0.0])


def live(py, name):
    """The view bound to `name` in the running case, if it is alive."""
    v = py.names.get(name)
    try:
        v.ndim
        return v
    except (ValueError, AttributeError):
        return None


def pick_view(rng, py, names, writable=False):
    alive = [n for n in names if live(py, n) is not None]
    if writable and rng.random() < 0.8:
        alive = [n for n in alive if not live(py, n).readonly] or alive
    if alive and rng.random() < 0.85:
        return rng.choice(alive)
    return rng.choice(names)


def rand_key_for(rng, v):
    if v is None:
        return rand_key(rng, 1, 4)
    n = len(v) if v.ndim else 1
    if v.ndim > 1 and rng.random() < 0.6:
        return {"tuple": [rng.randrange(-d - 1, d + 1) for d in v.shape]}
    if v.ndim == 0 and rng.random() < 0.6:
        return rng.choice([{"tuple": []}, {"ellipsis": True}])
    if rng.random() < 0.5:
        return rng.randrange(-n - 1, n + 1) if n else rng.randrange(-2, 3)
    return rand_key(rng, v.ndim, n)


def rand_op(rng, py, names):
    r = rng.random()
    name = pick_view(rng, py, names, writable=0.2 <= r < 0.47)
    v = live(py, name)
    fmt = v.format if v is not None else "B"
    new = f"v{len(names)}"
    if r < 0.06:
        return ["attr", name, rng.choice(ATTRS)]
    if r < 0.09:
        return ["len", name]
    if r < 0.2:
        return ["getitem", name, rand_key_for(rng, v)]
    if r < 0.34:
        value = good_value(rng, fmt) if rng.random() < 0.7 else rand_value(rng, names)
        return ["setitem", name, rand_key_for(rng, v), value]
    if r < 0.39:
        names.append(new)
        return ["subview", new, name, rand_slice(rng, len(v) if v is not None and v.ndim else 4)]
    if r < 0.44:
        n = len(v) if v is not None and v.ndim else 4
        sl = rand_slice(rng, n)
        size = len(range(*slice(*sl["slice"]).indices(n))) if sl["slice"][2] != 0 else 0
        rv = rng.random()
        if v is not None and rv < 0.6 and v.ndim == 1:
            src = bytes(rng.randrange(256) for _ in range(size * v.itemsize))
            value = {"view": name} if rv < 0.1 else {"b": src.hex()}
            if fmt.lstrip("@") != "B" and "b" in value:
                return ["setitem", name, sl, value]  # different structures (a 'B' rvalue)
        else:
            value = rng.choice([{"b": rand_content(rng, rng.randrange(6)).hex()},
                                {"view": rng.choice(names)},
                                {"bytearray": rand_content(rng, rng.randrange(6)).hex()}])
        return ["setitem", name, sl, value]
    if r < 0.47:
        return ["delitem", name, rand_key_for(rng, v)]
    if r < 0.53:
        return ["tolist", name]
    if r < 0.57:
        return ["tobytes", name, rng.choice([None, None, "C", "F", "A", "X", 1])]
    if r < 0.62:
        args = []
        if rng.random() < 0.8:
            args.append(rng.choice([":", " ", "-", {"b": "2d"}, "", "ab", "\u00e9", {"b": "ff"},
                                    1, None, {"bytearray": "3a"}]))
            if rng.random() < 0.7:
                args.append(rng.choice([1, 2, 3, -1, -2, -3, 0, 100, -100, 2**31, {"f": "1.0"}]))
        return ["hex", name] + args
    if r < 0.7:
        byte_source = v is None or fmt.lstrip("@") in "Bbc"
        if rng.random() < 0.85:
            target = rng.choice(FORMATS) if byte_source else rng.choice("Bbc")
        else:
            target = rng.choice(BAD_FORMATS)
        shape = None
        if rng.random() < 0.5:
            size = struct.calcsize(target) if target in FORMATS else 1
            count = (v.nbytes // size) if v is not None else 4
            shape = rand_shape(rng, count)
        names.append(new)
        return ["cast", new, name, target, shape]
    if r < 0.76:
        other = rng.choice(names + ["src", {"b": rand_content(rng, rng.randrange(5)).hex()},
                                    {"list": [1]}, name])
        if v is not None and rng.random() < 0.3:
            other = {"b": v.tobytes().hex()} if v.c_contiguous else other
        return ["eq", name, other, rng.choice(["==", "==", "!=", "<"])]
    if r < 0.8:
        return ["hash", name]
    if r < 0.83:
        names.append(new)
        return ["toreadonly", new, name]
    if r < 0.86:
        return ["release", name]
    if r < 0.88:
        return [rng.choice(["enter", "exit"]), name]
    if r < 0.9:
        return ["export", name]
    if r < 0.91:
        return ["unexport", name]
    if r < 0.93:
        names.append(new)
        return ["view", new, rng.choice(names[:-1] + ["src"])]
    if r < 0.97:
        return ["resize", rng.choice(["append", "extend", "extend0", "clear", "delslice",
                                      "setsame", "setgrow", "del0"])]
    if r < 0.99:
        return ["repr", name]
    return ["content"]


def make_case(seed):
    """A random case; generated while running it in CPython, so that most ops address live
    views with fitting keys and values."""
    rng = random.Random(seed)
    kind = rng.choice(["bytes", "bytearray", "bytearray", "array"])
    src = {"kind": kind}
    if kind == "array":
        tc = rng.choice(TYPECODES)
        src["typecode"] = tc
        src["hex"] = rand_content(rng, array.array(tc).itemsize * rng.randrange(0, 9)).hex()
    else:
        n = rng.choice([8, 16, 24, 32]) if rng.random() < 0.6 else rng.randrange(41)
        src["hex"] = rand_content(rng, n).hex()
    nbytes = len(src["hex"]) // 2
    names = ["v0"]
    ops = [["view", "v0", "src"]]
    if rng.random() < 0.6:
        ops.append(["cast", "v1", "v0", rng.choice(FORMATS), None])
        names.append("v1")
    if rng.random() < 0.4:
        fmt = rng.choice(FORMATS)
        ops.append(["cast", f"v{len(names)}", "v0", fmt,
                    rand_shape(rng, nbytes // struct.calcsize(fmt))])
        names.append(f"v{len(names)}")
    py = PyCase(src)
    for op in ops:
        py.run(big_ints(op))
    for _ in range(rng.randrange(3, 25)):
        op = big_ints(rand_op(rng, py, names))
        py.run(op)
        ops.append(op)
    ops.append(["content"])
    py.close()
    return {"src": src, "ops": [big_ints(op) for op in ops]}


def big_ints(v):
    """v with every int outside int64 written {"int": "<decimal>"} (JSON readers stop at 64 bits)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int) and not -2**63 <= v < 2**63:
        return {"int": str(v)}
    if isinstance(v, list):
        return [big_ints(x) for x in v]
    if isinstance(v, dict):
        return {k: big_ints(x) for k, x in v.items()}
    return v


# ------------------------------------------------------------------------- CPython's side

def encode(v):
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v if -2**63 <= v < 2**63 else {"int": str(v)}
    if isinstance(v, float):
        return {"f": repr(v)}
    if isinstance(v, str):
        return v
    if isinstance(v, (bytes, bytearray)):
        return {"b": bytes(v).hex()}
    if isinstance(v, (list, tuple)):
        return [encode(x) for x in v]
    if isinstance(v, memoryview):
        return "<memory>"
    return {"obj": type(v).__name__}


class PyCase:
    """A case running in CPython, one op at a time (also used while generating it)."""

    def __init__(self, src_spec):
        data = bytes.fromhex(src_spec["hex"])
        if src_spec["kind"] == "bytes":
            self.src = data
        elif src_spec["kind"] == "bytearray":
            self.src = bytearray(data)
        else:
            self.src = array.array(src_spec["typecode"], data)
        self.names = {"src": self.src}
        self.exports = collections.defaultdict(list)

    def get(self, name):
        if name not in self.names:
            raise NameError(f"name '{name}' is not defined")
        return self.names[name]

    def conv(self, v):
        if isinstance(v, dict):
            if "int" in v:
                return int(v["int"])
            if "f" in v:
                return float(v["f"])
            if "b" in v:
                return bytes.fromhex(v["b"])
            if "str" in v:
                return v["str"]
            if "list" in v:
                return list(v["list"])
            if "bytearray" in v:
                return bytearray.fromhex(v["bytearray"])
            if "view" in v:
                return self.get(v["view"])
            if "slice" in v:
                return slice(*[self.conv(x) for x in v["slice"]])
            if "tuple" in v:
                return tuple(self.conv(x) for x in v["tuple"])
            if "ellipsis" in v:
                return Ellipsis
            if "float" in v:
                return v["float"]
            if "notseq" in v:
                return v["notseq"]
        if isinstance(v, list):
            return [self.conv(x) for x in v]
        return v

    def run(self, op):
        try:
            return {"r": self.step(op)}
        except Exception as e:  # noqa: BLE001 - every exception is a result
            return {"exc": type(e).__name__, "msg": str(e)}

    def close(self):
        for lst in self.exports.values():
            for pb in lst:
                pb.release()

    def step(self, op):
        kind = op[0]
        names, src, conv, get = self.names, self.src, self.conv, self.get
        if kind == "view":
            names[op[1]] = memoryview(get(op[2]))
            return None
        if kind == "cast":
            v = get(op[2])
            r = v.cast(op[3]) if op[4] is None else v.cast(op[3], conv(op[4]))
            names[op[1]] = r
            return [r.format, r.shape]
        if kind == "subview":
            names[op[1]] = r = get(op[2])[conv(op[3])]
            return [r.shape, r.strides]
        if kind == "toreadonly":
            names[op[1]] = get(op[2]).toreadonly()
            return None
        v = get(op[1]) if kind not in ("resize", "content") else None
        if kind == "attr":
            r = getattr(v, op[2])
            return "<src>" if op[2] == "obj" and r is src else encode(r)
        if kind == "len":
            return len(v)
        if kind == "getitem":
            return encode(v[conv(op[2])])
        if kind == "setitem":
            v[conv(op[2])] = conv(op[3])
            return None
        if kind == "delitem":
            del v[conv(op[2])]
            return None
        if kind == "tolist":
            return encode(v.tolist())
        if kind == "tobytes":
            return encode(v.tobytes(op[2]))
        if kind == "hex":
            return v.hex(*[conv(a) for a in op[2:]])
        if kind == "eq":
            other = get(op[2]) if isinstance(op[2], str) else conv(op[2])
            if op[3] == "==":
                return v == other
            if op[3] == "!=":
                return v != other
            return v < other
        if kind == "hash":
            return hash(v)
        if kind == "release":
            v.release()
            return None
        if kind == "enter":
            return encode(v.__enter__())
        if kind == "exit":
            return encode(v.__exit__(None, None, None))
        if kind == "export":
            self.exports[op[1]].append(pickle.PickleBuffer(v))
            return None
        if kind == "unexport":
            if self.exports[op[1]]:
                self.exports[op[1]].pop().release()
            return None
        if kind == "resize":
            if isinstance(src, bytearray):
                resize(src, op[1])
            return None
        if kind == "repr":
            r = repr(v)
            return r[:r.index(" at 0x")] + ">"
        if kind == "content":
            return bytes(src).hex()
        raise ValueError(kind)


def resize(src, what):
    if what == "append":
        src.append(0x41)
    elif what == "extend":
        src.extend(b"xy")
    elif what == "extend0":
        src.extend(b"")
    elif what == "clear":
        src.clear()
    elif what == "delslice":
        del src[:1]
    elif what == "setsame":
        src[0:2] = b"ST"[:len(src[0:2])]
    elif what == "setgrow":
        src[0:1] = b"GRO"
    else:
        del src[5:5]


def run_cpython(case):
    py = PyCase(case["src"])
    results = [py.run(op) for op in case["ops"]]
    py.close()
    return results


# ---------------------------------------------------------------------------------- main

def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv,
                  dict(os.environ, PYTHONHASHSEED="0"))
    args = caserun.arguments(__doc__)

    started = time.time()
    start, count = args.seeds
    cases = [make_case(seed) for seed in range(start, start + count)]
    # Through JSON, as the driver's results come: tuples become lists.
    expected = [json.loads(json.dumps(run_cpython(c))) for c in cases]
    python_seconds = time.time() - started

    got, driver_seconds = caserun.run_driver(args.driver, cases, args.keep, "buffer-diff-")

    divergent = 0
    ops = 0
    per_op = collections.Counter()
    raised = collections.Counter()
    for seed, case, want, have in zip(range(start, start + count), cases, expected, got):
        ops += len(case["ops"])
        for op, w in zip(case["ops"], want):
            per_op[op[0]] += 1
            raised[op[0]] += "exc" in w
        if want == have:
            continue
        divergent += 1
        if divergent <= args.show:
            for i, (w, h) in enumerate(zip(want, have)):
                if w != h:
                    print(f"seed {seed}: src={json.dumps(case['src'])}, op {i}: "
                          f"{json.dumps(case['ops'][i])}")
                    print(f"  ops so far: {json.dumps(case['ops'][:i])}")
                    print(f"  cpython:   {json.dumps(w)}")
                    print(f"  bufferlab: {json.dumps(h)}")
                    break

    print("ops (raised): " + ", ".join(f"{k}={v} ({raised[k]})" for k, v in sorted(per_op.items())))
    print(f"timing: cpython {python_seconds:.1f} s, bufferlab {driver_seconds:.1f} s")
    print(f"buffer-differential: {len(cases)} cases, {ops} ops, {divergent} divergent")
    return 1 if divergent else 0


if __name__ == "__main__":
    sys.exit(main())
