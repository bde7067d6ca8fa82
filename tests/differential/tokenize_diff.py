#!/usr/bin/env python3
"""Differential test of bl::script's tokenizer against CPython 3.11.

    tokenize_diff.py --driver PATH [--seeds START:COUNT] [--show N] [--keep DIR]

The cases are a corpus of hand-written snippets (every token kind, every tokenizer error)
and one random source per seed (random.Random(seed)), built from pieces: indentation with
spaces and tabs, names (some non-ASCII), operators, numbers, strings with every prefix and
quote, comments, backslash continuations, brackets spanning lines, and random corruption
(dropped quotes or brackets, stray characters, mixed tabs, bad digits).

The expected result comes from CPython: compile(src, 'snippet.py', 'exec'). If that raises
a SyntaxError the tokenizer owns (OWNED_MESSAGES), the expected result is the error (type,
msg, lineno, offset, text, end_lineno, end_offset). Otherwise (it compiles, or fails in the
parser) it is tokenize.generate_tokens' list (type name, string, start, end), normalized
where the pure-Python tokenize module differs from the C tokenizer compile() uses -- the C
tokenizer is what the interpreter must match:

- `<>` is one token in the C tokenizer (the parser then rejects it); tokenize splits it.
- printable ASCII characters that are no token (`$ ? ! \\``) are single-character OP
  tokens in the C tokenizer (the parser rejects them: "invalid syntax"); tokenize yields
  ERRORTOKEN for them, and an ERRORTOKEN for the blank before them.
- a last line without a newline whose text starts with '#' (a comment after a backslash
  continuation, or the rest of a string) gets no NEWLINE from tokenize; the C tokenizer
  adds the newline and emits the NEWLINE.
- a parser error stops CPython before later lines; the parser still scans the rest of the
  source for tokenizer errors, but only those raised with a message at once (strings,
  brackets, numbers, characters). Indentation errors and backslash errors after a parser
  error stay hidden -- except that a backslash error inside a bracket opened on a line
  before the parser error is reported as "'(' was never closed" (accepted when bufferlab
  raises the backslash error on a later line). So when compile() fails in the parser,
  bufferlab may raise one of those hidden errors (checked by message only), or, after
  "unexpected indent" and its kin, any error at or after the parser error's line.

bl_tokenize_driver (tokenize_driver.cpp) tokenizes in trivia mode. Prints the first --show
divergences and one summary line

    tokenize-differential: N cases, M ops, D divergent

(ops = tokens compared) and exits with status 1 if anything diverged.
"""

import io
import json
import random
import sys
import time
import tokenize
import warnings

import caserun

OWNED_MESSAGES = (
    "unterminated string literal", "unterminated triple-quoted string literal",
    "was never closed", "unmatched '", "closing parenthesis",
    "unexpected character after line continuation character", "unexpected EOF while parsing",
    "invalid character", "invalid non-printable character", "invalid decimal literal",
    "invalid hexadecimal literal", "invalid octal literal", "invalid binary literal",
    "invalid imaginary literal", "invalid digit", "leading zeros in decimal integer literals",
    "inconsistent use of tabs and spaces in indentation",
    "unindent does not match any outer indentation level", "too many levels of indentation",
    "too many nested parentheses", "source code string cannot contain null bytes",
    "(unicode error) 'utf-8' codec can't decode",
)
# Errors a parser error can hide (see the docstring).
HIDDEN_BY_PARSER = ("inconsistent use of tabs", "unindent does not match",
                    "too many levels of indentation", "unexpected character after line",
                    "unexpected EOF while parsing", "was never closed")

CORPUS = [
    "", "x", "x\n", "\n", "\n\n", "   ", "x\n   ", "# c", "x # c", "x\n# c", "x = 1\n",
    "if x:\n    y\n", "if x:\n    y", "if x:\n  y\n# c", "if x:\n  y\n  # c\n", "if x:\n  y\n\n",
    "if x:\n  y\n  ", "if x:\n\tif y:\n\t\tz\nw\n", "if x:\n    a\n\n  \n\tb",
    "def f(a, *b, c=1, **d) -> int:\n    return a @ b\n",
    "a += 1; b -= 2; c *= 3; d /= 4; e //= 5; f %= 6; g **= 7; h >>= 8; i <<= 9\n",
    "j &= 1; k |= 2; l ^= 3; m @= 4; (n := 5); o = p != q <= r >= s == t < u > v\n",
    "x = ~a | b & c ^ d >> e << f\n", "x[1:2, ...] = {a: b for a in c}\n", "f(**kw)\n",
    "x = (1,\n     2)\n", "x = [\n  1,\n  # c\n  2,\n]\n", "x = {\n\n}\n", "x = 1 + \\\n  2\n",
    "x = 1 \\\n+ 2", "  \\\ny", "if x:\n  a\n  \\\n  b\n",
    "0 00 0_0 1 123 1_000 0x1F 0X_ff 0o17 0O_7 0b1 0B_10 1. .5 1.5 1e5 1E-5 1.5e+3 1j 1.5J 1e5j\n",
    "09.5 09j 0e0 0.0 00.5 1_0.0_1e1_0j 0xdead_beef\n", "1if x else 2\n", "x = 1or 2\n",
    "[0x1for x in y]\n", "1 <> 2\n", "a $ b\n", "a ? b\n", "a!b\n",
    "s = 'a' \"b\" '''c''' \"\"\"d\"\"\"\n", "s = r'\\d' R'x' u'x' U'x' b'x' B'x' f'x' F'x'\n",
    "s = br'x' Br'x' bR'x' BR'x' rb'x' rB'x' Rb'x' RB'x' fr'x' Fr'x' fR'x' FR'x' rf'x' rF'x' Rf'x' RF'x'\n",
    "s = '''a\nb\nc'''\n", "s = 'a\\\nb'\n", "s = '\\''; t = \"\\\"\"\n", "s = ''''''\n",
    "s = ''; t = \"\"\n", "s = f'{x!r:>{w}}'\n", "s = '''x'' '''\n", "ub = 1; ur = 2; bu = 3\n",
    "é = 1\nnaïve = 2\n名前 = 3\n_x = 4\nΩ = 5\n", "x = 'é€𝄞' # é\n",
    "\ufeffx = 1\n", "x\r\ny\r\n", "(\r\n1)\r\n", "x\n\x0c  y\n", "if 1:\n\x0c  x\n",
    # errors
    "'abc", "x = 1\ny = 'abc\nz=2", '"""abc\n\ndef', "x = '''\nab", "(", "x = (1,\n2", ")",
    "x = (1]", "x = (1,\n2]", "x = 1 \\ y", "x = 1\ny = 2 \\ y", "x = 1 \\", "x = \\\n", "\\",
    "€", "a\u00a0b", "a\u200bb", "x = \x01", "1a", "0x", "0xg", "012", "0b2", "0o8", "1_",
    "1__2", "1e", "1e+", "1.e", "0b", "0o", "007", "0_7", "09", "0b1_", "0b12", "0o19", "0xfg",
    "0x_", "0_", "0e", "1_e", "1e_1", "1.0_", "1j_", "0x__1", "1._1", "1_.5", "0o_", "0b1_2",
    "if x:\n\tpass\n        pass\n", "if x:\n        pass\n\tpass\n", "if x:\n    a\n  b\n",
    "if x:\n  \tpass\n\t  pass\n", "if x:\n\t a\n\t\tb\n", "if x:\n    a\n  bécd = 5\n",
    "x = 1 + \\", "a\\\n\\", "x = (1 +\n \\", "é = 1 \\ y", "a \\\n b \\\n c \\ d",
    "x = '''a\nb''' \\ y", "x = (\\\n1 \\ 2)", "x = [1,\n(2,\n", "(\n)\n)", "def f(\n  a,\n  b]",
    "x = '€", "€ = '", "x€", "é = 012", "éé = 0b2", "é = (\n", "x = \\\n(", "é = (1,\n2",
    "x = 'a\\\nb", "x = '\\", "x=rb'''", "x = ''' \n\n\n", "[" * 201, "(" * 200,
    "(" * 199 + ")" * 199,
    "if 1:\n" + "".join(" " * i + "if 1:\n" for i in range(1, 101)) + " " * 101 + "pass\n",
    "x = 1\x00", "x = {1:\n(2]", "x'\n", "f(**\n",
]
# Byte sources (invalid UTF-8 in names; valid in comments).
BYTE_CORPUS = [b"\xff", b"x\n\xc3", b"ab\xffc = 2", b"\xc3\xa9\xff = 2", b"x = \xc3\xa9\xff"]

NAMES = ["x", "y", "foo", "_bar", "if", "else", "for", "in", "not", "and", "or", "is", "lambda",
         "None", "True", "é", "naïve", "Ω", "名", "x1", "__init__", "rb", "f", "u", "br", "b"]
OPS = ["+", "-", "*", "/", "//", "%", "**", "@", "<<", ">>", "&", "|", "^", "~", ":=", "<",
       ">", "<=", ">=", "==", "!=", "->", ",", ":", ".", ";", "=", "+=", "-=", "*=", "/=",
       "//=", "%=", "@=", "&=", "|=", "^=", ">>=", "<<=", "**=", "...", "!"]
PREFIXES = ["", "", "", "r", "R", "u", "U", "b", "B", "br", "Rb", "rB", "f", "F", "fr", "Rf"]
STRING_BODIES = ["", "a", "abc def", "\\n", "\\'", '\\"', "\\\\", "é€", "{x}", "#",
                 "\\\n", "a\\\nb"]
STRANGE = ["$", "?", "`", "€", "\u00a0", "\x01", "\\", "'", '"', "(", ")", "]", "}", "\t", "0",
           "_", "é", "#", "\u200b", "\x0b", "\x7f"]


def rand_number(rng):
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))
    kind = rng.randrange(9)
    if kind == 0:
        return "0x" + "".join(rng.choice("0123456789abcdefABCDEF_") for _ in range(rng.randrange(1, 5)))
    if kind == 1:
        return "0o" + "".join(rng.choice("01234567_89") for _ in range(rng.randrange(1, 4)))
    if kind == 2:
        return "0b" + "".join(rng.choice("01_2") for _ in range(rng.randrange(1, 5)))
    if kind == 3:
        return digits(rng.randrange(1, 3)) + "." + digits(rng.randrange(0, 3))
    if kind == 4:
        return digits(rng.randrange(1, 3)) + rng.choice(["e", "E", "e+", "e-"]) + digits(rng.randrange(0, 3))
    if kind == 5:
        return digits(rng.randrange(1, 3)) + rng.choice(["j", "J"])
    if kind == 6:
        return rng.choice(["0", "00", "0_0", "09", "012", "1_000", "1__0", "1_", ".5", "5.",
                           "0e1", "1e1j", "0x", "1_000.5_5"])
    return digits(rng.randrange(1, 4)) + ("_" + digits(1) if rng.random() < 0.2 else "")


def rand_string(rng):
    prefix = rng.choice(PREFIXES)
    quote = rng.choice(["'", '"', "'''", '"""'])
    body = "".join(rng.choice(STRING_BODIES) for _ in range(rng.randrange(3)))
    if len(quote) == 3 and rng.random() < 0.3:
        body += "\n" + rng.choice(STRING_BODIES)
    if len(quote) == 1:
        body = body.replace(quote, "")
    if body.endswith("\\") and not body.endswith("\\\\"):
        body += "x"
    return prefix + quote + body + quote


def rand_atom(rng):
    r = rng.random()
    if r < 0.35:
        return rng.choice(NAMES)
    if r < 0.55:
        return rand_number(rng)
    if r < 0.7:
        return rand_string(rng)
    return rng.choice(OPS)


def rand_line(rng, depth_state):
    parts = []
    for _ in range(rng.randrange(1, 8)):
        r = rng.random()
        if r < 0.08:
            parts.append(rng.choice("([{"))
            depth_state.append(parts[-1])
        elif r < 0.16 and depth_state:
            parts.append({"(": ")", "[": "]", "{": "}"}[depth_state.pop()])
        else:
            parts.append(rand_atom(rng))
    sep = rng.choice([" ", " ", " ", "", "  "])
    line = sep.join(parts) if sep else " ".join(parts)
    r = rng.random()
    if r < 0.1:
        line += "  # " + rng.choice(["c", "é", "x = 'y'", ""])
    elif r < 0.16:
        line += " \\"
    return line


def rand_source(rng):
    lines = []
    depth = []
    indent_unit = rng.choice(["    ", "  ", "\t", " \t", "\t "])
    level = 0
    for _ in range(rng.randrange(1, 9)):
        r = rng.random()
        if r < 0.08:
            lines.append(rng.choice(["", "   ", "\t"]))
            continue
        if r < 0.14:
            lines.append(indent_unit * rng.randrange(3) + "# comment")
            continue
        move = rng.random()
        if not lines:
            pass
        elif move < 0.25:
            level += 1
        elif move < 0.45 and level:
            level -= rng.randrange(1, level + 1)
        lines.append(indent_unit * level + rand_line(rng, depth))
    if depth and rng.random() < 0.8:
        lines.append(" ".join({"(": ")", "[": "]", "{": "}"}[d] for d in reversed(depth)))
    src = "\n".join(lines)
    if rng.random() < 0.8:
        src += "\n"
    if rng.random() < 0.35:
        src = corrupt(rng, src)
    return src


def corrupt(rng, src):
    for _ in range(rng.randrange(1, 3)):
        pos = rng.randrange(len(src) + 1)
        action = rng.randrange(4)
        if action == 0 and src:
            src = src[:pos] + src[pos + 1:]
        elif action == 1:
            src = src[:pos] + rng.choice(STRANGE) + src[pos:]
        elif action == 2:
            nl = src.rfind("\n", 0, pos) + 1
            src = src[:nl] + rng.choice(["\t", " ", "  \t", "\t  "]) + src[nl:]
        else:
            quote = [i for i, ch in enumerate(src) if ch in "'\"([{)]}"]
            if quote:
                i = rng.choice(quote)
                src = src[:i] + src[i + 1:]
    return src


def owned(msg):
    return any(m in msg for m in OWNED_MESSAGES)


def python_tokens(src):
    """tokenize's list, normalized to the C tokenizer (see the docstring); None if tokenize
    fails."""
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    out = []
    for t in toks:
        name = tokenize.tok_name[t.type]
        if name == "ERRORTOKEN":
            if t.string.isspace():
                continue
            if len(t.string) == 1 and 0x20 < ord(t.string) < 0x7F and t.string not in "'\"":
                name = "OP"
            else:
                return None
        item = [name, t.string, list(t.start), list(t.end)]
        if (item[:2] == ["OP", ">"] and out and out[-1][:2] == ["OP", "<"]
                and out[-1][3] == item[2]):
            out[-1] = ["OP", "<>", out[-1][2], item[3]]
            continue
        out.append(item)
    # A last line without a newline whose text starts with '#' (a comment after a
    # backslash, or the end of a string) gets no NEWLINE from tokenize; the C tokenizer
    # adds the newline and so the NEWLINE.
    last = src.rsplit("\n", 1)[-1]
    if last and not src.endswith(("\n", "\r")) and last.strip().startswith("#"):
        i = len(out)
        while i and out[i - 1][0] in ("DEDENT", "ENDMARKER"):
            i -= 1
        if i and out[i - 1][0] not in ("NL", "NEWLINE"):
            line, col = out[i - 1][3]
            out.insert(i, ["NEWLINE", "", [line, col], [line, col + 1]])
    return out


INDENT_ERRORS = ("unexpected indent", "unexpected unindent", "expected an indented block")


def expected_for(data):
    """(kind, value, parser error): kind "error" (value: the error's fields), "tokens" (value:
    tokenize's list) or "unknown" (tokenize failed too); the parser error as (msg, lineno)
    or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, "snippet.py", "exec")
        parser_error = None
    except SyntaxError as e:
        if owned(e.msg):
            return "error", {"exc": type(e).__name__, "msg": e.msg, "lineno": e.lineno,
                             "offset": e.offset, "text": e.text, "end_lineno": e.end_lineno,
                             "end_offset": e.end_offset}, None
        parser_error = (e.msg, e.lineno or 0)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "surrogateescape")
    if text.startswith("\ufeff"):
        text = text[1:]
    toks = python_tokens(text)
    return ("unknown" if toks is None else "tokens"), toks, parser_error


def matches(kind, want, parser_error, have):
    if kind == "error":
        if have == [want]:
            return True
        # After a parser error, a backslash error inside a bracket opened on an earlier
        # line is reported by the parser as that bracket never being closed.
        return ("was never closed" in want["msg"] and len(have) == 1
                and isinstance(have[0], dict) and "line continuation" in have[0]["msg"]
                and have[0]["lineno"] > want["lineno"])
    raised = len(have) == 1 and isinstance(have[0], dict)
    if parser_error and raised:
        # CPython stopped at a parser error. It then scans the rest for tokenizer errors
        # but does not report the indentation and backslash ones; after "unexpected
        # indent" (and its kin) it scans nothing more.
        if any(m in have[0]["msg"] for m in HIDDEN_BY_PARSER):
            return True
        if (any(parser_error[0].startswith(m) for m in INDENT_ERRORS)
                and (have[0]["lineno"] or 0) >= parser_error[1]):
            return True
        return False
    if kind == "unknown":
        return parser_error is not None  # tokenize failed where the C tokenizer need not
    return want == have


def main():
    args = caserun.arguments(__doc__)

    started = time.time()
    start, count = args.seeds
    sources = [s.encode("utf-8") for s in CORPUS] + BYTE_CORPUS
    labels = [f"corpus {i}" for i in range(len(sources))]
    for seed in range(start, start + count):
        sources.append(rand_source(random.Random(seed)).encode("utf-8"))
        labels.append(f"seed {seed}")
    expected = [expected_for(s) for s in sources]
    python_seconds = time.time() - started

    cases = [{"source": s.hex()} for s in sources]
    got, driver_seconds = caserun.run_driver(args.driver, cases, args.keep, "tokenize-diff-")

    divergent = ops = 0
    kinds = {}
    for label, src, (kind, want, parser_error), have in zip(labels, sources, expected, got):
        kinds[kind] = kinds.get(kind, 0) + 1
        ops += len(want) if kind == "tokens" else 1
        if matches(kind, want, parser_error, have):
            continue
        divergent += 1
        if divergent <= args.show:
            print(f"{label}: source {src!r}")
            if kind == "tokens" and len(have) and not isinstance(have[0], dict):
                for i, (w, h) in enumerate(zip(want, have)):
                    if w != h:
                        print(f"  token {i}: cpython {json.dumps(w, ensure_ascii=False)}")
                        print(f"            bufferlab {json.dumps(h, ensure_ascii=False)}")
                        break
                else:
                    print(f"  cpython {len(want)} tokens, bufferlab {len(have)}")
            else:
                print(f"  cpython:   {kind} {parser_error} {json.dumps(want, ensure_ascii=False)[:400]}")
                print(f"  bufferlab: {json.dumps(have, ensure_ascii=False)[:400]}")

    print("cases per expectation: " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())))
    print(f"timing: cpython {python_seconds:.1f} s, bufferlab {driver_seconds:.1f} s")
    print(f"tokenize-differential: {len(sources)} cases, {ops} ops, {divergent} divergent")
    return 1 if divergent else 0


if __name__ == "__main__":
    sys.exit(main())
