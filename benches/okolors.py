#!/usr/bin/env python3
"""scenepal against Okolors, whole process against whole process, side by side.

    python3 benches/okolors.py [--runs 21] [--scenepal PATH]

Okolors is its library (the okolors crate from crates.io) called with its
command-line program's defaults, built from benches/okolors (its own
Cargo.toml and lock, outside scenepal's). scenepal runs with its defaults.

Images: every photograph of the corpus (benches/corpus.sh fetches it into
target/corpus), and small stills made from them with ImageMagick's
`convert`: each resized to 728x394 and to 640x360 (JPEG quality 90, kept in
the corpus folder's small/). Per image the two programs run alternately, RUNS times
each, after one warm-up run each; the table gives the median wall-clock
times and their ratio (scenepal / Okolors), and the spread of the ratio
(the ratio's quartiles over the pairs of runs), which says how noisy the
machine was.
"""
import argparse
import os
import statistics
import subprocess
import time

import benchenv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENEPAL = os.path.join(ROOT, "target", "release", "scenepal")
OKOLORS = os.path.join(ROOT, "target", "okolors-bench", "release", "okolors-bench")
SMALL_SIZES = ((728, 394), (640, 360))


def build():
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "-q", "--target-dir", os.path.join(ROOT, "target", "okolors-bench")],
                   cwd=os.path.join(ROOT, "benches", "okolors"), check=True)


def make_small():
    """The corpus photographs resized to each small size (made once)."""
    folder = os.path.join(benchenv.corpus_dir(), "small")
    os.makedirs(folder, exist_ok=True)
    out = []
    for image in benchenv.photos():
        stem = os.path.splitext(os.path.basename(image))[0]
        for w, h in SMALL_SIZES:
            path = os.path.join(folder, f"{stem}_{w}x{h}.jpg")
            if not os.path.exists(path):
                subprocess.run(["convert", image, "-resize", f"{w}x{h}!", "-quality", "90", path],
                               check=True, stderr=subprocess.DEVNULL)
            out.append(path)
    return out


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def compare(scenepal, image, runs):
    timed([scenepal, image])
    timed([OKOLORS, image])
    sp, ok = [], []
    for i in range(runs):
        # Alternate which goes first, so neither always follows the other.
        pair = [(sp, scenepal), (ok, OKOLORS)]
        for times, prog in pair if i % 2 == 0 else pair[::-1]:
            times.append(timed([prog, image]))
    ratios = sorted(s / o for s, o in zip(sp, ok))
    q = statistics.quantiles(ratios, n=4)
    return statistics.median(sp) * 1000, statistics.median(ok) * 1000, q[0], q[2]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=21)
    p.add_argument("--scenepal", default=SCENEPAL, help="another build of scenepal (say, an earlier one)")
    a = p.parse_args()
    build()
    images = benchenv.photos() + make_small()
    print(f"Whole-process wall-clock time, median of {a.runs} alternating runs, all cores")
    print("| image | scenepal ms | Okolors ms | ratio | ratio quartiles |")
    print("| --- | --- | --- | --- | --- |")
    worst = 0.0
    for image in images:
        s, o, q1, q3 = compare(a.scenepal, image, a.runs)
        worst = max(worst, s / o)
        name = os.path.relpath(image, benchenv.corpus_dir())
        print(f"| {name} | {s:.1f} | {o:.1f} | {s / o:.2f} | {q1:.2f}-{q3:.2f} |", flush=True)
    print(f"largest ratio: {worst:.2f}")


if __name__ == "__main__":
    main()
