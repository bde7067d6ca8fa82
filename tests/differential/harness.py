#!/usr/bin/env python3
"""Differential runner: the same scripts in CPython (under strace) and in bufferlab.

    harness.py --driver PATH [--kernels posix,sim] [--seeds START:COUNT] [--cases DIR_OR_FILE ...]
               [--pipe-seeds START:COUNT] [--text-seeds START:COUNT] [--jobs N]
               [--minimize | --no-minimize] [--keep DIR] [--cpython-only] [--soak [N]]

Without --seeds, --pipe-seeds, --text-seeds and --cases it runs tests/differential/cases/*.jsonl,
seeds 0:500 and text seeds 0:500.
Prints the first divergence of every diverging script, minimized scripts (when asked for, or
when there are at most 20 divergences), then exactly one summary line:

    differential: N scripts, K steps, D divergent (posix: a, sim: b)

and exits with status 1 if any script diverges.  --cpython-only compares CPython with itself
(a determinism self-check that needs no --driver).
"""

import argparse
import concurrent.futures as cf
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402
import generate_lib  # noqa: E402
import generate_text  # noqa: E402
import stracenorm  # noqa: E402

CPYTHON_DRIVER = os.path.join(HERE, "cpython_driver.py")
DRIVER_TIMEOUT = 1800


# ---------------------------------------------------------------------------------- scripts

def load_cases(paths):
    scripts = []
    for p in paths:
        files = sorted(glob.glob(os.path.join(p, "*.jsonl"))) if os.path.isdir(p) else [p]
        for f in files:
            with open(f, "r", encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    line = line.strip()
                    if not line or line.startswith("//"):
                        continue
                    try:
                        scripts.append(json.loads(line))
                    except json.JSONDecodeError as e:
                        raise SystemExit(f"{f}:{n}: bad JSON: {e}")
    return scripts


def unique_names(scripts):
    seen = {}
    for s in scripts:
        name = s.get("name") or "script"
        if name in seen:
            seen[name] += 1
            name = f"{name}#{seen[name]}"
        else:
            seen[name] = 0
        s["name"] = name
    return scripts


def write_jsonl(path, items):
    with open(path, "w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, separators=(",", ":")) + "\n")


# tempfile's random names: "tmp" (scripts only use prefixes that end so) and 8 characters.
_TEMP_NAME = re.compile(r"tmp[a-z0-9_]{8}")


def number_temp_names(line, names):
    """line with each random temporary name replaced by tmp<N>, N counting the script's
    distinct names in order of first appearance (`names`: the script's name -> N so far)."""
    def sub(m):
        return "tmp<%d>" % names.setdefault(m.group(0), len(names))
    return _TEMP_NAME.sub(sub, line)


def read_results(path):
    """{script name: {"steps": {i: result}, "end": result or None}}"""
    out = {}
    if not os.path.exists(path):
        return out
    temp_names = {}
    with open(path, "r", encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
                line_names = temp_names.setdefault(r.get("script"), {})
                r = json.loads(number_temp_names(line, line_names))
            except json.JSONDecodeError:
                continue  # a truncated last line from a crashed driver
            e = out.setdefault(r.get("script"), {"steps": {}, "end": None})
            if r.get("end"):
                e["end"] = r
            elif "i" in r:
                e["steps"][r["i"]] = r
    return out


# ---------------------------------------------------------------------------------- running

class Side:
    """One implementation under test: CPython, or the C++ driver with one kernel."""

    def __init__(self, label, driver=None, kernel=None):
        self.label = label
        self.driver = driver
        self.kernel = kernel

    def command(self, scripts, results, workroot):
        if self.driver is None:
            return [sys.executable, CPYTHON_DRIVER, scripts, results, workroot]
        cmd = [self.driver, "--kernel", self.kernel]
        if self.kernel != "sim":
            cmd += ["--workroot", workroot]
        return cmd + [scripts, results]


def child_env():
    env = dict(os.environ)
    env.pop("PYTHONUNBUFFERED", None)
    env.pop("PYTHONUTF8", None)
    env["LC_ALL"] = "C.UTF-8"  # open() without encoding= gives 'UTF-8' (cpython_driver.py)
    return env


def run_one(side, scripts, results, workroot):
    os.makedirs(workroot, exist_ok=True)
    t0 = time.time()
    try:
        p = subprocess.run(side.command(scripts, results, workroot), env=child_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=DRIVER_TIMEOUT)
        status, err = p.returncode, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        status, err = "timeout", f"killed after {DRIVER_TIMEOUT} s"
    except OSError as e:
        status, err = "not run", str(e)
    return status, err, time.time() - t0


def run_sides(sides, scripts, tmp, jobs, tag="run"):
    """Run every side on `scripts` split into `jobs` chunks; {label: (results, problems)}."""
    nchunks = max(1, min(jobs, len(scripts)))
    chunks = [scripts[i::nchunks] for i in range(nchunks)] if scripts else [[]]
    paths = []
    for c, chunk in enumerate(chunks):
        p = os.path.join(tmp, f"{tag}-scripts-{c}.jsonl")
        write_jsonl(p, chunk)
        paths.append(p)
    tasks = []
    with cf.ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        for side in sides:
            for c, p in enumerate(paths):
                res = os.path.join(tmp, f"{tag}-{side.label}-{c}.results.jsonl")
                wr = os.path.join(tmp, f"{tag}-{side.label}-{c}.work")
                tasks.append((side, c, res, ex.submit(run_one, side, p, res, wr)))
    out = {}
    timing = {}
    for side, c, res, fut in tasks:
        status, err, secs = fut.result()
        results, problems = out.setdefault(side.label, ({}, []))
        results.update(read_results(res))
        timing[side.label] = max(timing.get(side.label, 0.0), secs)
        if status != 0:
            problems.append(f"{side.label} chunk {c}: exit status {status}: {err.strip()[-2000:]}")
        wr = os.path.join(tmp, f"{tag}-{side.label}-{c}.work")
        shutil.rmtree(wr, ignore_errors=True)
    return out, timing


# ---------------------------------------------------------------------------------- comparing

FIELDS = ("r", "exc", "errno", "characters_written", "warn", "buf", "sys")


def canon(field, value):
    if field == "sys" and isinstance(value, list):
        return [stracenorm.canon_sys_line(x) for x in value]
    return value


def step_diff(exp, got):
    """[(field, expected, got)] for the compared fields that differ."""
    diffs = []
    for f in FIELDS:
        a, b = canon(f, exp.get(f)), canon(f, got.get(f))
        if a != b:
            diffs.append((f, exp.get(f), got.get(f)))
    return diffs


def first_divergence(script, exp, got):
    """None, or a dict describing the first difference between two result sets of a script."""
    steps = script.get("steps", [])
    if exp is None:
        return {"i": None, "what": "no reference results", "diffs": []}
    for i in range(len(steps)):
        a = exp["steps"].get(i)
        b = got["steps"].get(i) if got else None
        if a is None:
            return {"i": i, "what": "no reference result", "diffs": []}
        if b is None:
            return {"i": i, "what": "no result", "diffs": [("result", a, None)]}
        d = step_diff(a, b)
        if d:
            return {"i": i, "what": "step", "diffs": d}
    ea = exp.get("end")
    eb = got.get("end") if got else None
    if eb is None:
        return {"i": "end", "what": "no end result", "diffs": [("end", ea, None)]}
    if (ea or {}).get("files") != eb.get("files"):
        return {"i": "end", "what": "files", "diffs": [("files", ea.get("files"),
                                                        eb.get("files"))]}
    return None


def signature(script, div):
    """What a minimized script must keep diverging on."""
    if div["i"] in (None, "end"):
        return (div["what"],)
    st = script["steps"][div["i"]]
    key = st.get("m") or st.get("attr") or st.get("fn") or st.get("cls") or ""
    return (st.get("op"), key, tuple(sorted(f for f, _, _ in div["diffs"])))


def short(v, limit=600):
    s = json.dumps(v, separators=(",", ":"))
    return s if len(s) <= limit else s[:limit] + f"... ({len(s)} chars)"


def format_sys_diff(a, b):
    import difflib
    a = [stracenorm.canon_sys_line(x) for x in (a or [])]
    b = [stracenorm.canon_sys_line(x) for x in (b or [])]
    lines = list(difflib.unified_diff(a, b, "expected (CPython)", "got", n=2, lineterm=""))
    if len(lines) > 60:
        lines = lines[:60] + [f"... ({len(lines) - 60} more diff lines)"]
    return "\n".join("      " + x for x in lines)


def format_divergence(label, script, div):
    out = [f"DIVERGENCE [{label}] {script['name']} at step {div['i']} ({div['what']})"]
    if isinstance(div["i"], int):
        out.append("    step: " + short(script["steps"][div["i"]]))
    for f, a, b in div["diffs"]:
        if f == "sys" and isinstance(a, list) and isinstance(b, list):
            out.append("    sys differs:")
            out.append(format_sys_diff(a, b))
        elif f == "files" and isinstance(a, dict) and isinstance(b, dict):
            for name in sorted(set(a) | set(b)):
                if a.get(name) != b.get(name):
                    out.append(f"    file {name}: expected {short(a.get(name), 200)}")
                    out.append(f"    {' ' * len(name)}       got {short(b.get(name), 200)}")
        else:
            out.append(f"    {f}: expected {short(a)}")
            out.append(f"    {' ' * len(f)}       got {short(b)}")
    return "\n".join(out)


# ---------------------------------------------------------------------------------- minimizing

def step_refs(value):
    """The step indices a step's values refer to with {"result_of": i}."""
    if isinstance(value, dict):
        if "result_of" in value:
            return {value["result_of"]}
        return set().union(*(step_refs(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(step_refs(v) for v in value))
    return set()


def renumber_refs(value, new_index):
    if isinstance(value, dict):
        if "result_of" in value:
            return dict(value, result_of=new_index[value["result_of"]])
        return {k: renumber_refs(v, new_index) for k, v in value.items()}
    if isinstance(value, list):
        return [renumber_refs(v, new_index) for v in value]
    return value


def drop_steps(script, start, stop):
    """The script without steps [start, stop) and the steps that use their results; the
    remaining {"result_of": i} references renumbered."""
    dropped = set(range(start, stop))
    new_index = {}
    steps = []
    for i, st in enumerate(script["steps"]):
        if i in dropped or step_refs(st) & dropped:
            dropped.add(i)
            continue
        new_index[i] = len(steps)
        steps.append(renumber_refs(st, new_index))
    return dict(script, steps=steps)


def shorter_values(v):
    """Shorter forms of a long bytes or str argument (halves, and a single unit)."""
    if isinstance(v, dict) and "b" in v and len(v["b"]) > 32:
        n = len(v["b"]) // 2
        return [{"b": v["b"][:2 * k]} for k in (n // 2, n - 1, 1)]
    if isinstance(v, dict) and "s" in v and len(v["s"]) > 16:
        n = len(v["s"])
        return [{"s": v["s"][:k]} for k in (n // 2, n - 1, 1)]
    if isinstance(v, str) and len(v) > 16:
        n = len(v)
        return [v[:k] for k in (n // 2, n - 1, 1)]
    return []


class Minimizer:
    def __init__(self, ref, side, tmp, max_runs=40):
        self.ref = ref
        self.side = side
        self.tmp = tmp
        self.max_runs = max_runs
        self.runs = 0
        self.counter = 0

    def batch(self, candidates, sig):
        """Index of the first candidate that still diverges with signature sig, or None."""
        if not candidates or self.runs >= self.max_runs:
            return None
        self.runs += 1
        named = []
        for c in candidates:
            self.counter += 1
            c = dict(c, name=f"{c['name'].split('~')[0]}~{self.counter}")
            named.append(c)
        out, _ = run_sides([self.ref, self.side], named, self.tmp, 2,
                           tag=f"min{self.runs}")
        exp = out[self.ref.label][0]
        got = out[self.side.label][0]
        for k, c in enumerate(named):
            div = first_divergence(c, exp.get(c["name"]), got.get(c["name"]))
            if div and div["what"] not in ("no reference results", "no reference result") \
                    and signature(c, div) == sig:
                return k
        return None

    def minimize(self, script, sig):
        best = dict(script)
        best["steps"] = list(script["steps"])
        best["files"] = dict(script.get("files", {}))
        # 1. delta debugging over steps (complements first, then single chunks)
        n = 2
        while len(best["steps"]) >= 2 and self.runs < self.max_runs:
            steps = best["steps"]
            n = min(n, len(steps))
            size = (len(steps) + n - 1) // n
            chunks = [(k, min(k + size, len(steps))) for k in range(0, len(steps), size)]
            cands = [drop_steps(best, a, b) for a, b in chunks]
            k = self.batch(cands, sig)
            if k is not None:
                best = cands[k]
                n = max(n - 1, 2)
                continue
            if n >= len(steps):
                break
            n = min(2 * n, len(steps))
        # 2. shrink files: drop, empty, halve
        changed = True
        while changed and self.runs < self.max_runs:
            changed = False
            cands = []
            for name, hx in best["files"].items():
                f = dict(best["files"])
                del f[name]
                cands.append(dict(best, files=f))
                if name.endswith("/"):
                    continue
                ln = len(hx) // 2
                for new in sorted({0, ln // 2, (3 * ln) // 4, ln - 1}):
                    if 0 <= new < ln:
                        f = dict(best["files"], **{name: hx[:2 * new]})
                        cands.append(dict(best, files=f))
            k = self.batch(cands, sig)
            if k is not None:
                best = cands[k]
                changed = True
        # 3. shrink bytes and str arguments
        changed = True
        while changed and self.runs < self.max_runs:
            changed = False
            cands = []
            for i, st in enumerate(best["steps"]):
                for j, a in enumerate(st.get("args", [])):
                    for new in shorter_values(a):
                        args = list(st["args"])
                        args[j] = new
                        steps = list(best["steps"])
                        steps[i] = dict(st, args=args)
                        cands.append(dict(best, steps=steps))
            k = self.batch(cands, sig)
            if k is not None:
                best = cands[k]
                changed = True
        best = dict(best, name="min-" + script["name"])
        return best


# ---------------------------------------------------------------------------------- main

def parse_seeds(text):
    start, _, count = text.partition(":")
    return int(start), int(count or 1)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--driver", help="path to bl_diff_driver")
    ap.add_argument("--kernels", default="posix,sim")
    ap.add_argument("--seeds", help="START:COUNT of generated scripts")
    ap.add_argument("--pipe-seeds", help="START:COUNT of generated pipe scripts")
    ap.add_argument("--text-seeds", help="START:COUNT of generated text scripts")
    ap.add_argument("--lib-seeds", help="START:COUNT of generated lib-layer scripts "
                                         "(memoryview, mmap, tempfile, shutil, os)")
    ap.add_argument("--cases", nargs="*", default=None, help="case files or directories")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--minimize", dest="minimize", action="store_true", default=None)
    ap.add_argument("--no-minimize", dest="minimize", action="store_false")
    ap.add_argument("--keep", help="keep scripts, results and traces in this directory")
    ap.add_argument("--cpython-only", action="store_true",
                    help="compare CPython with itself (determinism self-check)")
    ap.add_argument("--soak", nargs="?", type=int, const=20000,
                    help="N generated scripts (default 20000) and N/2 text scripts from a "
                         "random start seed (printed), unless --seeds is given")
    ap.add_argument("--max-report", type=int, default=50,
                    help="print at most this many divergences")
    args = ap.parse_args(argv)

    if not args.cpython_only and not args.driver:
        ap.error("--driver is required (or use --cpython-only)")
    if args.driver:
        args.driver = os.path.abspath(args.driver)

    scripts = []
    if (args.cases is None and args.seeds is None and args.soak is None
            and args.pipe_seeds is None and args.text_seeds is None
            and args.lib_seeds is None):
        args.cases = [os.path.join(HERE, "cases")]
        args.seeds = "0:500"
        args.text_seeds = "0:500"
    if args.cases:
        scripts += load_cases(args.cases)
    if args.soak is not None and not args.seeds:
        start = random.SystemRandom().randrange(10 ** 6, 10 ** 9)
        args.seeds = f"{start}:{args.soak}"
        if not args.text_seeds:
            args.text_seeds = f"{start}:{args.soak // 2}"
        print(f"soak: --seeds {args.seeds} --text-seeds {args.text_seeds}", flush=True)
    if args.seeds:
        start, count = parse_seeds(args.seeds)
        scripts += [generate.generate(s) for s in range(start, start + count)]
    if args.pipe_seeds:
        start, count = parse_seeds(args.pipe_seeds)
        scripts += [generate.generate_pipe(s) for s in range(start, start + count)]
    if args.text_seeds:
        start, count = parse_seeds(args.text_seeds)
        scripts += [generate_text.generate_text(s) for s in range(start, start + count)]
    if args.lib_seeds:
        start, count = parse_seeds(args.lib_seeds)
        scripts += [s for s in map(generate_lib.generate_lib, range(start, start + count)) if s]
    scripts = unique_names(scripts)

    if args.keep:
        tmp = os.path.abspath(args.keep)
        os.makedirs(tmp, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix="bl-diff-")
    try:
        ref = Side("cpython")
        if args.cpython_only:
            sides = [Side("cpython-again")]
        else:
            sides = [Side(k, args.driver, k) for k in args.kernels.split(",") if k]
        t0 = time.time()
        out, timing = run_sides([ref] + sides, scripts, tmp, args.jobs)
        elapsed = time.time() - t0
        exp, problems = out[ref.label]
        for p in problems:
            print("DRIVER PROBLEM: " + p)
        nsteps = sum(len(s.get("steps", [])) for s in scripts)
        per_side = {}
        diverging = {}
        for side in sides:
            got, sp = out[side.label]
            for p in sp:
                print("DRIVER PROBLEM: " + p)
            count = 0
            for s in scripts:
                div = first_divergence(s, exp.get(s["name"]), got.get(s["name"]))
                if div:
                    count += 1
                    diverging.setdefault(s["name"], []).append((side, s, div))
            per_side[side.label] = count
        reported = 0
        for name, items in diverging.items():
            for side, s, div in items:
                if reported < args.max_report:
                    print(format_divergence(side.label, s, div))
                reported += 1
        if reported > args.max_report:
            print(f"... {reported - args.max_report} more divergences not shown")
        minimize = args.minimize
        if minimize is None:
            minimize = 0 < len(diverging) <= 20
        if minimize and diverging:
            for name, items in list(diverging.items())[:20 if args.minimize is None else None]:
                side, s, div = items[0]
                if div["what"] in ("no reference results", "no reference result"):
                    continue
                m = Minimizer(ref, side, tmp)
                small = m.minimize(s, signature(s, div))
                print(f"MINIMIZED [{side.label}] {name} ({len(s['steps'])} -> "
                      f"{len(small['steps'])} steps, {m.runs} runs):")
                print(json.dumps(small, separators=(",", ":")))
        print("timing: " + ", ".join(f"{k} {v:.1f}s" for k, v in timing.items())
              + f" (wall {elapsed:.1f}s, jobs {args.jobs})")
        detail = ", ".join(f"{k}: {v}" for k, v in per_side.items())
        bad = bool(problems) or any(out[s.label][1] for s in sides)
        print(f"differential: {len(scripts)} scripts, {nsteps} steps, {len(diverging)} divergent"
              f" ({detail})")
        return 1 if diverging or bad else 0
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
