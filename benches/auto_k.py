#!/usr/bin/env python3
"""Automatic k: the number chosen per image, and its cost against -k 10.

    python3 benches/auto_k.py [--bin target/release/scenepal] [--runs 7]

For every corpus photo (benches/corpus.sh), every second of the corpus's
video/bigbuckbunny.mp4 (extracted once into target/auto-k as PNG stills, so
both runs read the same files) and two made-up images (a flat two-colour
graphic with soft edges, and uniform noise), prints the k that `-k auto`
chooses and the median wall time of `scenepal -k auto` and `scenepal -k 10`
on it, measured side by side (alternating runs), and their ratio.
Runs in the benches' venv (Pillow); needs ffmpeg for the film's stills.
"""
import argparse
import glob
import json
import os
import random
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchenv  # noqa: E402

benchenv.use_venv()

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

ROOT = benchenv.ROOT


def made_up(folder):
    logo = Image.new("RGB", (640, 400), (20, 40, 160))
    ImageDraw.Draw(logo).ellipse((120, 60, 520, 340), fill=(250, 200, 30))
    logo = logo.filter(ImageFilter.GaussianBlur(1.2))
    logo_path = os.path.join(folder, "flat-two-colours.png")
    logo.save(logo_path)
    rng = random.Random(1)
    noise = Image.frombytes("RGB", (640, 400), bytes(rng.randrange(256) for _ in range(640 * 400 * 3)))
    noise_path = os.path.join(folder, "noise.png")
    noise.save(noise_path)
    return [logo_path, noise_path]


def timed(cmd):
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - start, out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "scenepal"))
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args()
    folder = os.path.join(ROOT, "target", "auto-k")
    os.makedirs(folder, exist_ok=True)
    images = benchenv.photos()
    film = benchenv.corpus("video", "bigbuckbunny.mp4")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", film, "-vf", "fps=1",
                    os.path.join(folder, "bigbuckbunny-%02d.png")], check=True)
    images += sorted(glob.glob(os.path.join(folder, "bigbuckbunny-*.png")))
    images += made_up(folder)
    print(f"{'image':26} {'MP':>5} {'k':>3} {'auto ms':>8} {'-k 10 ms':>8} {'ratio':>6}")
    ratios = []
    for path in images:
        auto, fixed = [], []
        for _ in range(args.runs):
            t, out = timed([args.bin, "-k", "auto", "-f", "json", path])
            auto.append(t)
            fixed.append(timed([args.bin, "-k", "10", "-f", "json", path])[0])
        record = json.loads(out)
        mp = record["width"] * record["height"] / 1e6
        a, f = statistics.median(auto) * 1e3, statistics.median(fixed) * 1e3
        ratios.append(a / f)
        print(f"{os.path.basename(path):26} {mp:5.2f} {record['k']:3} {a:8.1f} {f:8.1f} {a / f:6.2f}")
    print(f"median ratio {statistics.median(ratios):.2f}, max {max(ratios):.2f}")


if __name__ == "__main__":
    main()
