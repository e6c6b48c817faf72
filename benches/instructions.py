#!/usr/bin/env python3
"""Instructions executed by the extraction, counted by valgrind (cachegrind):
a measure that does not depend on the machine's load, so changes of 1% show.

    python3 benches/instructions.py [--no-stages] [--no-okolors] [IMAGE...]

Images: those given, or every photograph of the corpus under 1 MP
(benches/corpus.sh fetches it) and its small stills (benches/okolors.py
makes them); valgrind runs about 50 times slower than the program. For each image it
prints, in millions of instructions, on one thread (RAYON_NUM_THREADS=1, so
no worker spins and the counts repeat to within a few thousand):
  - the stages of the extraction (benches/instructions.rs run up to each
    stage, consecutive counts subtracted): load (decode and counted pixels),
    bins, cluster (k-means on the bins), refine (fine bins and refinement,
    where the extraction refines), measure (the rest of the extraction:
    distinct colours, exact shares and mse, sort);
  - the whole process: `scenepal -q IMAGE` (default options), and Okolors
    (benches/okolors, its command-line program's defaults) with its ratio.
Needs valgrind (Debian: apt-get install valgrind).
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

import benchenv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENEPAL = os.path.join(ROOT, "target", "release", "scenepal")
OKOLORS_DIR = os.path.join(ROOT, "benches", "okolors")
OKOLORS = os.path.join(ROOT, "target", "okolors-bench", "release", "okolors-bench")
STAGES = ["load", "bins", "cluster", "refine", "extract"]


def bench_binary(name):
    out = subprocess.run(
        ["cargo", "bench", "--no-run", "--bench", name, "--message-format=json", "-q"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == name and msg.get("executable"):
            return msg["executable"]
    sys.exit(f"{name} bench binary not found")


def build_okolors():
    subprocess.run(["cargo", "build", "--release", "-q", "--target-dir", os.path.join(ROOT, "target", "okolors-bench")],
                   cwd=OKOLORS_DIR, check=True)


def count(cmd):
    """Instructions executed by `cmd` and the threads it starts."""
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    res = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                          "--cachegrind-out-file=/dev/null", *cmd],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{res.stderr}")
    m = re.search(r"I\s+refs:\s+([\d,]+)", res.stderr)
    return int(m.group(1).replace(",", ""))


def megapixels(image):
    out = subprocess.run([SCENEPAL, "-f", "json", image], check=True, capture_output=True, text=True).stdout
    record = json.loads(out)
    return record["width"] * record["height"] / 1e6


def default_images():
    photos = [p for p in benchenv.photos() if megapixels(p) < 1.0]
    small = sorted(glob.glob(os.path.join(benchenv.corpus_dir(), "small", "*.jpg")))
    return photos + small


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--no-stages", action="store_true", help="whole processes only")
    p.add_argument("--no-okolors", action="store_true", help="scenepal only")
    p.add_argument("images", nargs="*")
    a = p.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    images = a.images or default_images()
    stages = None if a.no_stages else bench_binary("instructions")
    if not a.no_okolors:
        build_okolors()
    head = f"{'image':34}"
    if stages:
        head += "".join(f"{s:>9}" for s in ["load", "bins", "cluster", "refine", "measure"])
        head += f"{'extract':>9}"
    head += f"{'scenepal':>10}"
    if not a.no_okolors:
        head += f"{'okolors':>9}{'ratio':>7}"
    print("millions of instructions, one thread")
    print(head)
    for image in images:
        row = f"{os.path.relpath(image, benchenv.corpus_dir()):34}"
        if stages:
            c = [count([stages, s, image]) for s in STAGES]
            parts = [c[0], c[1] - c[0], c[2] - c[1], c[3] - c[2], c[4] - c[3]]
            row += "".join(f"{v / 1e6:9.1f}" for v in parts) + f"{(c[4] - c[0]) / 1e6:9.1f}"
        s = count([SCENEPAL, "-q", image])
        row += f"{s / 1e6:10.1f}"
        if not a.no_okolors:
            o = count([OKOLORS, image])
            row += f"{o / 1e6:9.1f}{s / o:7.2f}"
        print(row, flush=True)


if __name__ == "__main__":
    main()
