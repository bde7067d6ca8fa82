#!/usr/bin/env python3
"""A stand-in for bl_diff_driver, to test the harness itself: it runs the CPython driver and
optionally injects a bug.

    fake_driver.py --kernel posix|sim [--workroot DIR] SCRIPTS RESULTS

BL_FAKE_BUG selects the bug (default: none):
    readinto-short   a readinto/readinto1 whose buffer is larger than 1000 bytes reports
                     one byte less in its first `read` system call
    seek-msg         "whence value N unsupported" becomes "invalid whence"
    append-files     in scripts that open a file with mode 'ab', the end files get b'!' appended
    crash            stop after half the result lines (a crashed driver)
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    kernel, workroot, rest = None, None, []
    it = iter(argv)
    for a in it:
        if a == "--kernel":
            kernel = next(it)
        elif a == "--workroot":
            workroot = next(it)
        else:
            rest.append(a)
    scripts, results = rest
    tmp = tempfile.mkdtemp(prefix="bl-fake-")
    try:
        raw = os.path.join(tmp, "raw.jsonl")
        subprocess.run([sys.executable, os.path.join(HERE, "cpython_driver.py"), scripts, raw,
                        workroot or os.path.join(tmp, "work")], check=True)
        bug = os.environ.get("BL_FAKE_BUG", "")
        with open(scripts, encoding="utf-8") as f:
            by_name = {s["name"]: s for s in map(json.loads, filter(str.strip, f))}
        lines = open(raw, encoding="utf-8").read().splitlines()
        if bug == "crash":
            lines = lines[:len(lines) // 2]
        out = []
        for line in lines:
            r = json.loads(line)
            s = by_name.get(r["script"])
            if bug == "readinto-short" and "i" in r:
                st = s["steps"][r["i"]]
                a = (st.get("args") or [None])[0]
                if st.get("m", "").startswith("readinto") and isinstance(a, dict) \
                        and max(a.get("bytearray", 0), a.get("memoryview", 0)) > 1000:
                    for k, x in enumerate(r.get("sys", [])):
                        m = re.match(r"read (\S+) (\d+) = (\d+)$", x)
                        if m:
                            r["sys"][k] = f"read {m.group(1)} {int(m.group(2)) - 1} = {m.group(3)}"
                            break
            if bug == "seek-msg" and "exc" in r:
                r["exc"][1] = re.sub(r"whence value -?\d+ unsupported", "invalid whence",
                                     r["exc"][1])
            if bug == "append-files" and r.get("end"):
                if any(st.get("op") == "open" and "ab" in str(st.get("args"))
                       for st in s["steps"]):
                    r["files"] = {k: v + "21" for k, v in r["files"].items()}
            out.append(json.dumps(r, separators=(",", ":")))
        with open(results, "w", encoding="utf-8") as f:
            f.write("".join(x + "\n" for x in out))
        return 3 if bug == "crash" else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
