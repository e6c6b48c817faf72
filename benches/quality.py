#!/usr/bin/env python3
"""Corpus quality check: scenepal's mse against the scikit-learn reference.

    python3 benches/quality.py [--bin target/release/scenepal] [--rescore] [-- EXTRA SCENEPAL ARGS]

For every image in benches/reference/sklearn-k10.tsv (made by
benches/reference/sklearn_k10.py) it runs
`scenepal --space rgb -k 10 -f json IMAGE` (plus any extra arguments) and the
default oklab run, and prints scenepal's mse, scikit-learn's, and their ratio.
With --rescore, scenepal's rgb palette is also scored by the reference
benches/reference/mse.py (Pillow's JPEG decoder, which differs from
scenepal's by a few tenths of a percent); --rescore runs in the benches' venv
(numpy and Pillow). The images are the corpus of benches/corpus.sh
(SCENEPAL_CORPUS may point elsewhere).
Exits 1 if the mean ratio is above 1.00 or any ratio above 1.02 (the targets).
"""
import argparse
import csv
import json
import os
import subprocess
import sys

import benchenv


def run(binary, image, args):
    out = subprocess.run([binary, "-f", "json", *args, image], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default="target/release/scenepal")
    p.add_argument("--rescore", action="store_true")
    p.add_argument("extra", nargs="*")
    a = p.parse_args()
    ref = benchenv.reference("sklearn-k10.tsv")
    rows = list(csv.DictReader(open(ref), delimiter="\t"))
    head = f"{'image':24} {'MP':>5} {'sklearn':>9} {'rgb':>9} {'ratio':>6} {'oklab':>9}"
    if a.rescore:
        benchenv.use_venv()
    print(head + (f" {'rgb(mse.py)':>11} {'ratio':>6}" if a.rescore else ""))
    ratios = []
    for r in rows:
        image = benchenv.corpus(r["image"])
        # The reference scored the file's values as they are (no colour
        # management), so scenepal reads them so too.
        rgb = run(a.bin, image, ["--space", "rgb", "-k", "10", "--no-color-manage", *a.extra])
        ok = run(a.bin, image, ["-k", "10", "--no-color-manage", *a.extra])
        sk = float(r["sklearn_mse_rgb"])
        ratio = float(rgb["mse"]) / sk
        ratios.append(ratio)
        mp = int(r["pixels"]) / 1e6
        line = f"{r['image']:24} {mp:5.2f} {sk:9.3f} {rgb['mse']:9.3f} {ratio:6.3f} {ok['mse']:9.3f}"
        if a.rescore:
            script = benchenv.reference("mse.py")
            hexes = [c["hex"] for c in rgb["colors"]]
            out = subprocess.run([sys.executable, script, image, *hexes], check=True, capture_output=True, text=True)
            ref_mse = float(out.stdout.split()[1])
            line += f" {ref_mse:11.3f} {ref_mse / sk:6.3f}"
        print(line)
    mean = sum(ratios) / len(ratios)
    print(f"mean ratio {mean:.4f}, max ratio {max(ratios):.4f}")
    sys.exit(0 if mean <= 1.00 and max(ratios) <= 1.02 else 1)


if __name__ == "__main__":
    main()
