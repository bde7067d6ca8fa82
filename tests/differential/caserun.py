"""What codecs_diff.py, buffer_diff.py and tokenize_diff.py share: their command line, and the
round trip through a driver that reads one JSON case per line and writes one
{"results": [...]} line per case."""

import argparse
import json
import os
import subprocess
import tempfile
import time


def parse_range(text):
    """"START:COUNT" -> (start, count)."""
    start, count = text.split(":")
    return int(start), int(count)


def arguments(doc):
    """The command line every such script takes: --driver, --seeds START:COUNT (default
    0:20000), --show (divergences printed, 10), --keep DIR (keep the case and result files).
    `doc` is the script's docstring; its first paragraph is the help text."""
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    p.add_argument("--driver", required=True)
    p.add_argument("--seeds", default="0:20000", type=parse_range)
    p.add_argument("--show", type=int, default=10)
    p.add_argument("--keep", help="directory for the case and result files")
    return p.parse_args()


def run_driver(driver, cases, keep=None, prefix="diff-"):
    """(results per case, seconds the driver took). The case and result files go to `keep`
    (kept) or to a temporary directory (removed). Raises RuntimeError when the driver writes
    a different number of results."""
    workdir = keep or tempfile.mkdtemp(prefix=prefix)
    os.makedirs(workdir, exist_ok=True)
    cases_path = os.path.join(workdir, "cases.jsonl")
    results_path = os.path.join(workdir, "results.jsonl")
    with open(cases_path, "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=True) + "\n")
    started = time.time()
    subprocess.run([driver, cases_path, results_path], check=True)
    seconds = time.time() - started
    with open(results_path, encoding="utf-8") as f:
        got = [json.loads(line)["results"] for line in f]
    if not keep:
        for path in (cases_path, results_path):
            os.remove(path)
        os.rmdir(workdir)
    if len(got) != len(cases):
        raise RuntimeError(f"driver wrote {len(got)} results for {len(cases)} cases")
    return got, seconds
