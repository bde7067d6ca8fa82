#!/usr/bin/env python3
"""Randomized differential test of bl::codecs against CPython's codecs.

    codecs_diff.py --driver PATH [--seeds START:COUNT] [--show N] [--keep DIR]

Every seed makes one case (random.Random(seed)): a codec, an error handler and a list of
operations -- bytes.decode / str.encode of random input, an incremental decoder or encoder fed
random chunks with getstate/setstate round trips, resets and state transfers to a new
decoder between them, or lookups of randomly spelled codec names.  CPython runs the cases in
this process; bl_codecs_driver (codecs_driver.cpp) runs them on bufferlab; every result
(text, bytes, state, or exception type, message, start, end and object) is compared.

Prints the first --show diverging cases, a per codec x handler count, and one summary line

    codecs-differential: N cases, K ops, D divergent

and exits with status 1 if anything diverged.

Known, deliberate difference: bufferlab has no Unicode character names, so errors=
'namereplace' on a character that has one raises NotImplementedError there.  A case whose
CPython output holds a \\N{...} escape is run with 'backslashreplace' instead (counted as
"namereplace substituted").
"""

import codecs
import collections
import json
import random
import struct
import sys
import time

import caserun

CODECS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
          "utf-32-be", "latin-1", "ascii", "cp1252"]
# Other spellings of each codec, used now and then instead of the canonical one.
SPELLINGS = {
    "utf-8": ["utf8", "UTF-8", "u8", "utf", "utf_8", "cp65001", " Utf-8 "],
    "utf-8-sig": ["utf_8_sig", "UTF-8-SIG", "utf-8 sig"],
    "utf-16": ["utf16", "u16", "UTF_16"],
    "utf-16-le": ["utf_16le", "UTF-16LE", "unicodelittleunmarked"],
    "utf-16-be": ["utf_16be", "UTF-16BE", "unicodebigunmarked"],
    "utf-32": ["utf32", "u32"],
    "utf-32-le": ["utf_32le", "UTF-32LE"],
    "utf-32-be": ["utf_32be", "UTF-32BE"],
    "latin-1": ["latin1", "iso-8859-1", "l1", "ISO8859-1", "cp819", "latin"],
    "ascii": ["us-ascii", "646", "ANSI_X3.4-1968", "us"],
    "cp1252": ["windows-1252", "1252", "WINDOWS_1252"],
}
HANDLERS = ["strict", "ignore", "replace", "backslashreplace", "surrogateescape",
            "surrogatepass", "xmlcharrefreplace", "namereplace"]

CP1252_SPECIALS = bytes(b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                        ).decode("cp1252")

BYTE_PIECES = [
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff",
    b"\xed\xa0\x80", b"\xed\xb0\x80", b"\xed\xbf\xbf", b"\xed\xa0", b"\xed", b"\xed\x9f\xbf",
    b"\xf0\x90\x80\x80", b"\xf4\x8f\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf5\x80", b"\xe0\x80\x80",
    b"\xe0\xa0\x80", b"\xc0\x80", b"\xc1\xbf", b"\xc2\x80", b"\xc2", b"\xe2\x82", b"\xe2\x82\xac",
    b"\xf0\x90\x80", b"\xf0\x90", b"\xf0", b"\xf0\x80\x80\x80", b"\x80", b"\xbf", b"\xfe", b"\xff",
    b"a", b"\x00", b"\n", b"\x00\xd8", b"\x00\xdc", b"\xd8\x00", b"\xdc\x00",
    b"\x3d\xd8\x00\xde", b"\xd8\x3d\xde\x00", b"\x81", b"\x8d", b"\x90", b"\x9d", b"\x80\x9f",
    b"\xe9", b"\x00\x00\x11\x00", b"\x00\x11\x00\x00", b"\x00\xd8\x00\x00", b"\x00\x00\xd8\x00",
    b"\x80\xdc\x00\x00", b"\xff\xff\xff\xff", b"\x41\x00\x00\x00", b"\x00\x00\x00\x41",
]


# --------------------------------------------------------------------------------- inputs

def rand_char(rng, cls):
    if cls == "ascii":
        return chr(rng.randrange(0x20, 0x7F))
    if cls == "control":
        return rng.choice("\x00\x01\t\n\r\x1b\x7f")
    if cls == "latin1":
        return chr(rng.randrange(0x80, 0x100))
    if cls == "cp1252":
        return rng.choice(CP1252_SPECIALS)
    if cls == "bmp":
        while True:
            c = rng.choice([rng.randrange(0x100, 0x800), rng.randrange(0x800, 0x10000)])
            if not 0xD800 <= c <= 0xDFFF:
                return chr(c)
    if cls == "special":
        return rng.choice("\ufeff\ufffe\ufffd\uffff\u20ac\u0100\u07ff\u0800")
    if cls == "astral":
        return chr(rng.choice([rng.randrange(0x10000, 0x110000), 0x1F600, 0x10000, 0x10FFFF]))
    if cls == "escape":
        return chr(rng.randrange(0xDC80, 0xDD00))
    return chr(rng.randrange(0xD800, 0xE000))  # any surrogate


CLASSES = ["ascii"] * 8 + ["control", "latin1", "latin1", "cp1252", "bmp", "bmp", "special",
                           "astral", "astral", "escape", "escape", "surrogate", "surrogate"]


def rand_text(rng, max_len=24, classes=None):
    classes = classes or rng.choice([CLASSES, CLASSES, ["ascii", "latin1"],
                                     ["ascii", "escape"], ["ascii", "surrogate", "escape"],
                                     ["ascii", "bmp", "astral"], ["ascii", "cp1252", "latin1"]])
    out = []
    n = rng.randrange(max_len + 1)
    while len(out) < n:
        cls = rng.choice(classes)
        out.extend(rand_char(rng, cls) for _ in range(rng.choice([1, 1, 1, 2, 3])))
    return "".join(out[:n])


def long_text(rng):
    """Mostly ASCII, long enough for the vectorized kernels, with rare other characters."""
    n = rng.randrange(32, 700)
    chars = []
    for _ in range(n):
        if rng.random() < 0.97:
            chars.append(chr(rng.randrange(0x20, 0x7F)))
        else:
            chars.append(rand_char(rng, rng.choice(CLASSES[8:])))
    return "".join(chars)


def mutate(rng, data, count):
    data = bytearray(data)
    for _ in range(count):
        action = rng.randrange(5)
        pos = rng.randrange(len(data) + 1)
        if action == 0 and data:
            del data[min(pos, len(data) - 1)]
        elif action == 1:
            data[pos:pos] = bytes([rng.randrange(256)])
        elif action == 2 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif action == 3:
            data[pos:pos] = rng.choice(BYTE_PIECES)
        elif data:
            del data[pos:]
    return bytes(data)


NATIVE = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "utf-16": "utf-16-le", "utf-16-le": "utf-16-le",
          "utf-16-be": "utf-16-be", "utf-32": "utf-32-le", "utf-32-le": "utf-32-le",
          "utf-32-be": "utf-32-be", "latin-1": "latin-1", "ascii": "latin-1", "cp1252": "cp1252"}
BOMS = {"utf-8-sig": codecs.BOM_UTF8, "utf-16": codecs.BOM_UTF16_LE, "utf-32": codecs.BOM_UTF32_LE}
OTHER_BOMS = {"utf-16": codecs.BOM_UTF16_BE, "utf-32": codecs.BOM_UTF32_BE}


def native_bytes(rng, codec):
    """Text in the codec's own form (a BOM first, mostly, where it has one), a little damaged."""
    text = long_text(rng) if rng.random() < 0.1 else rand_text(rng, 40)
    enc = NATIVE[codec]
    if codec in OTHER_BOMS and rng.random() < 0.4:
        enc = enc[:-2] + "be"
        bom = OTHER_BOMS[codec]
    else:
        bom = BOMS.get(codec, b"")
    data = text.encode(enc, "surrogatepass" if enc.startswith("utf") else "ignore")
    if bom and rng.random() < 0.8:
        data = bom + data
    if enc.startswith("utf-16") or enc.startswith("utf-32"):
        return unit_mutate(rng, data, 2 if "16" in enc else 4)
    return mutate(rng, data, rng.choice([0, 0, 0, 1, 1, 2, 3]))


def unit_mutate(rng, data, size):
    """Damage that keeps the code units aligned, mostly: lone surrogates, bad words, a cut."""
    units = [data[i:i + size] for i in range(0, len(data), size)]
    order = "little" if rng.random() < 0.5 else "big"
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        pos = rng.randrange(len(units) + 1)
        if size == 2:
            value = rng.choice([rng.randrange(0xD800, 0xDC00), rng.randrange(0xDC00, 0xE000),
                                0xFEFF, 0xFFFE, 0x41])
        else:
            value = rng.choice([rng.randrange(0xD800, 0xE000), rng.randrange(0x110000, 2**32),
                                0x110000, 0xFEFF, 0xFFFE0000, 0x41])
        units.insert(pos, value.to_bytes(size, order))
    data = b"".join(units)
    if rng.random() < 0.3:
        data = data[:rng.randrange(len(data) + 1)]
    return data


def rand_bytes(rng, codec=None):
    if codec and rng.random() < 0.6:
        return native_bytes(rng, codec)
    mode = rng.randrange(9)
    if mode == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(24)))
    if mode in (1, 2):
        enc = rng.choice(["utf-8", "utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be",
                          "latin-1", "cp1252"])
        text = rand_text(rng)
        data = text.encode(enc, "surrogatepass" if enc.startswith("utf") else "ignore")
        if enc.startswith("utf") and rng.random() < 0.4:
            data = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE,
                    "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE,
                    "utf-32-be": codecs.BOM_UTF32_BE}[enc] + data
        return mutate(rng, data, rng.choice([0, 0, 1, 2, 3]))
    if mode == 3:
        return b"".join(rng.choice(BYTE_PIECES) for _ in range(rng.randrange(1, 8)))
    if mode == 4:
        data = b"".join(rng.choice(BYTE_PIECES) for _ in range(rng.randrange(1, 6)))
        return mutate(rng, data, rng.randrange(3))
    if mode == 5:  # utf-32 words, some out of range or surrogates
        words = []
        for _ in range(rng.randrange(8)):
            words.append(rng.choice([rng.randrange(0x80), rng.randrange(0x110000),
                                     rng.randrange(0xD800, 0xE000), rng.randrange(2**32),
                                     0xFEFF, 0xFFFE0000, 0x110000]))
        order = rng.choice(["<", ">"])
        return mutate(rng, b"".join(struct.pack(order + "I", w) for w in words), rng.randrange(2))
    if mode == 6:  # long input for the vectorized kernels
        data = long_text(rng).encode("utf-8", "surrogatepass")
        return mutate(rng, data, rng.choice([0, 0, 1, 2, 4]))
    if mode == 7:  # utf-16 units, some lone surrogates
        units = [rng.choice([rng.randrange(0x80), rng.randrange(0x10000), rng.randrange(0xD800,
                 0xDC00), rng.randrange(0xDC00, 0xE000), 0xFEFF, 0xFFFE])
                 for _ in range(rng.randrange(10))]
        order = rng.choice(["<", ">"])
        return mutate(rng, b"".join(struct.pack(order + "H", u) for u in units), rng.randrange(2))
    return long_text(rng).encode(rng.choice(["latin-1", "cp1252"]), "ignore")


def chunks_of(rng, n):
    """Cut positions splitting range(n) into chunks, empty chunks included."""
    style = rng.randrange(4)
    if style == 0 and 0 < n <= 64:
        cuts = list(range(n + 1))  # one byte at a time
    elif style == 1:
        cuts = [0, n]
    else:
        cuts = sorted([0, n] + [rng.randrange(n + 1) for _ in range(rng.randrange(6))])
    return list(zip(cuts, cuts[1:])) or [(0, 0)]


# ---------------------------------------------------------------------------------- cases

def spelling(rng, codec):
    return rng.choice(SPELLINGS[codec]) if rng.random() < 0.15 else codec


def decoder_ops(rng, data):
    ops = [["newdec"]]
    if rng.random() < 0.05:
        ops.append(["setstate", rand_bytes(rng)[:4].hex(), rng.choice([0, 1, 2, 3, -1])])
    pieces = chunks_of(rng, len(data))
    final_style = rng.random()
    for i, (a, b) in enumerate(pieces):
        last = i == len(pieces) - 1
        ops.append(["dec", data[a:b].hex(), last and final_style < 0.75])
        r = rng.random()
        if r < 0.25:
            ops.append(["getstate"])
        elif r < 0.37:
            ops.append(["transfer"])
        elif r < 0.39:
            ops.append(["reset"])
        elif r < 0.41:
            ops.append(["setstate", data[a:b][-3:].hex(), rng.choice([0, 1, 2])])
    if final_style >= 0.75:
        ops.append(["getstate"])
        if final_style < 0.9:
            ops.append(["dec", "", True])
    ops.append(["getstate"])
    return ops


def encoder_ops(rng, text):
    ops = [["newenc"]]
    if rng.random() < 0.05:
        ops.append(["esetstate", rng.choice([0, 1, 2, 5, -1])])
    n = len(text)
    for a, b in chunks_of(rng, n):
        ops.append(["enc", [ord(c) for c in text[a:b]], rng.random() < 0.3])
        r = rng.random()
        if r < 0.25:
            ops.append(["egetstate"])
        elif r < 0.35:
            ops.append(["etransfer"])
        elif r < 0.38:
            ops.append(["ereset"])
        elif r < 0.40:
            ops.append(["esetstate", rng.choice([0, 1, 2])])
    ops.append(["egetstate"])
    return ops


def rand_name(rng):
    """A codec name spelled as a user might, or might not: case, punctuation, aliases."""
    base = rng.choice(sum(SPELLINGS.values(), []) + CODECS + [
        "rot13", "rot_13", "rot-13", "hex", "hex_codec", "base64", "base_64", "base64_codec",
        "bz2", "bz2_codec", "zlib", "zip", "zlib_codec", "quopri", "quoted-printable",
        "quopri_codec", "uu", "uu_codec", "utf8_ucs2", "iso_646.irv:1991", "ansi_x3.4-1986",
        "iso-ir-6", "csASCII", "IBM367", "iso_8859_1_1987", "iso-ir-100", "csisolatin1",
        "bogus", "utf-9", "utf-7x", "cp1252x", "utf_8_sig", "8859", "iso8859", "aliases",
        "__init__", "codecs", "utf.8", "latin.1", "ascii.", "", "_", "."])
    r = rng.random()
    if r < 0.03:  # messages quote at most 400 bytes of a name, cut UTF-8 shown as U+FFFD
        return base + rng.choice(["_", "-", "\u00e9", "\u20ac", "x"]) * rng.randrange(150, 450)
    if r < 0.05:
        return base + "\x00" + rng.choice(["", "8", "abc"])
    chars = list(base)
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        action = rng.randrange(5)
        pos = rng.randrange(len(chars) + 1)
        if action == 0:
            chars.insert(pos, rng.choice(" -_.,:/\t*é\u20ac"))
        elif action == 1 and chars:
            chars[min(pos, len(chars) - 1)] = rng.choice(" -_.")
        elif action == 2:
            chars = [c.upper() if rng.random() < 0.5 else c for c in chars]
        elif action == 3 and chars:
            del chars[min(pos, len(chars) - 1)]
        else:
            chars = [" "] * rng.randrange(3) + chars + [" "] * rng.randrange(3)
    return "".join(chars)


KNOWN_NAMES = {codecs.lookup(c).name for c in CODECS} | {
    "rot-13", "hex", "base64", "bz2", "zlib", "quopri", "uu"}


def bufferlab_knows(name):
    """False for the codecs CPython has and bufferlab does not (cp437, utf-7, ...)."""
    try:
        return codecs.lookup(name).name in KNOWN_NAMES
    except (LookupError, ValueError):
        return True


def make_case(seed):
    rng = random.Random(seed)
    kind = rng.choices(["decode", "encode", "idecode", "iencode", "lookup"],
                       weights=[25, 20, 30, 18, 7])[0]
    codec = CODECS[seed % len(CODECS)] if rng.random() < 0.5 else rng.choice(CODECS)
    errors = HANDLERS[(seed // len(CODECS)) % len(HANDLERS)]
    if rng.random() < 0.03:
        errors = rng.choice(["bogus", "", "Strict", "IGNORE"])
    case = {"codec": spelling(rng, codec), "errors": errors, "kind": kind, "canonical": codec}
    if kind == "decode":
        case["ops"] = [["decode", rand_bytes(rng, codec).hex()]
                       for _ in range(rng.randrange(1, 4))]
    elif kind == "encode":
        case["ops"] = [["encode", [ord(c) for c in
                                   (long_text(rng) if rng.random() < 0.1 else rand_text(rng))]]
                       for _ in range(rng.randrange(1, 4))]
    elif kind == "idecode":
        case["ops"] = decoder_ops(rng, rand_bytes(rng, codec))
    elif kind == "iencode":
        case["ops"] = encoder_ops(rng, rand_text(rng, 30))
    else:
        case["ops"] = []
        for _ in range(rng.randrange(1, 5)):
            name = rand_name(rng)
            while not bufferlab_knows(name):
                name = rand_name(rng)
            case["ops"].append([rng.choice(["lookup", "lookup", "textdecode", "textencode"]),
                                name])
    return case


# ------------------------------------------------------------------------- CPython's side

def text_value(s):
    return [ord(c) for c in s]


def exception_value(e):
    out = {"exc": type(e).__name__, "msg": str(e)}
    if isinstance(e, UnicodeDecodeError):
        out.update(start=e.start, end=e.end, object=bytes(e.object).hex())
    elif isinstance(e, UnicodeEncodeError):
        out.update(start=e.start, end=e.end, object=text_value(e.object))
    return out


def run_cpython(case):
    codec, errors = case["codec"], case["errors"]
    state = {"dec": None, "enc": None}

    def step(op):
        kind = op[0]
        if kind == "decode":
            return text_value(bytes.fromhex(op[1]).decode(codec, errors))
        if kind == "encode":
            return "".join(map(chr, op[1])).encode(codec, errors).hex()
        if kind == "newdec":
            state["dec"] = codecs.getincrementaldecoder(codec)(errors)
            return None
        if kind == "dec":
            return text_value(state["dec"].decode(bytes.fromhex(op[1]), op[2]))
        if kind == "getstate":
            b, flags = state["dec"].getstate()
            return [b.hex(), flags]
        if kind == "setstate":
            state["dec"].setstate((bytes.fromhex(op[1]), op[2]))
            return None
        if kind == "transfer":
            b, flags = state["dec"].getstate()
            state["dec"] = codecs.getincrementaldecoder(codec)(errors)
            state["dec"].setstate((b, flags))
            return [b.hex(), flags]
        if kind == "reset":
            state["dec"].reset()
            return None
        if kind == "newenc":
            state["enc"] = codecs.getincrementalencoder(codec)(errors)
            return None
        if kind == "enc":
            return state["enc"].encode("".join(map(chr, op[1])), op[2]).hex()
        if kind == "egetstate":
            return state["enc"].getstate()
        if kind == "esetstate":
            state["enc"].setstate(op[1])
            return None
        if kind == "etransfer":
            s = state["enc"].getstate()
            state["enc"] = codecs.getincrementalencoder(codec)(errors)
            state["enc"].setstate(s)
            return s
        if kind == "ereset":
            state["enc"].reset()
            return None
        if kind == "lookup":
            info = codecs.lookup(op[1])
            return [info.name, info._is_text_encoding]
        if kind == "textdecode":
            return text_value(b"ab".decode(op[1]))
        if kind == "textencode":
            return "ab".encode(op[1]).hex()
        raise ValueError(kind)

    results = []
    for op in case["ops"]:
        try:
            results.append({"r": step(op)})
        except (LookupError, ValueError, TypeError) as e:
            results.append(exception_value(e))
    return results


def uses_character_names(results):
    for r in results:
        value = r.get("r")
        if isinstance(value, str) and "5c4e7b" in value.lower():  # b"\\N{"
            return True
    return False


def expected_for(case):
    results = run_cpython(case)
    if case["errors"] == "namereplace" and uses_character_names(results):
        case["errors"] = "backslashreplace"
        case["substituted"] = True
        results = run_cpython(case)
    return results


# ---------------------------------------------------------------------------------- main

def main():
    args = caserun.arguments(__doc__)

    started = time.time()
    start, count = args.seeds
    cases = [make_case(seed) for seed in range(start, start + count)]
    expected = [expected_for(c) for c in cases]
    python_seconds = time.time() - started

    got, driver_seconds = caserun.run_driver(args.driver, cases, args.keep, "codecs-diff-")

    divergent = 0
    ops = 0
    pairs = collections.Counter()
    kinds = collections.Counter()
    substituted = 0
    for seed, case, want, have in zip(range(start, start + count), cases, expected, got):
        ops += len(case["ops"])
        pairs[(case["canonical"], case["errors"])] += 1
        kinds[case["kind"]] += 1
        substituted += bool(case.get("substituted"))
        if want == have:
            continue
        divergent += 1
        if divergent <= args.show:
            for i, (w, h) in enumerate(zip(want, have)):
                if w != h:
                    print(f"seed {seed}: {case['kind']} codec={case['codec']!r} "
                          f"errors={case['errors']!r}, op {i}: {json.dumps(case['ops'][i])}")
                    print(f"  ops so far: {json.dumps(case['ops'][:i])}")
                    print(f"  cpython:   {json.dumps(w)}")
                    print(f"  bufferlab: {json.dumps(h)}")
                    break

    print("cases per codec x handler: " + ", ".join(
        f"{c}/{h}={pairs[(c, h)]}" for c in CODECS for h in HANDLERS))
    missing = [f"{c}/{h}" for c in CODECS for h in HANDLERS if not pairs[(c, h)]]
    if missing:
        print("pairs never exercised: " + ", ".join(missing))
    print("cases per kind: " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())) +
          f"; namereplace substituted: {substituted}")
    print(f"timing: cpython {python_seconds:.1f} s, bufferlab {driver_seconds:.1f} s")
    print(f"codecs-differential: {len(cases)} cases, {ops} ops, {divergent} divergent")
    return 1 if divergent or missing else 0


if __name__ == "__main__":
    sys.exit(main())
