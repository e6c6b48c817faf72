#!/usr/bin/env python3
"""Whole-CLI speed of scenepal against decoding alone, measured side by side.

    python3 benches/throughput.py all    [--count 200] [--runs 3]
    python3 benches/throughput.py small|corpus|batch|low|fast [...]

Both build `target/release/scenepal` and the decode-only baseline
(benches/decode_only.rs, same release profile: it decodes each file to RGB8
with the image crate and nothing else, in parallel like scenepal).

all runs the five parts below in order, each printing its table:
small:  1. every corpus image under 1 MP: decode-only and scenepal (default
        options) ms, interleaved, median of RUNS, and their ratio.
corpus: 2. every corpus image of 1 MP or more: decode-only, scenepal and
        scenepal -a bucket ms, ratios, mse against scikit-learn (--space rgb),
        peak RSS ratio (/usr/bin/time).
batch:  3. COUNT 1920x1080 JPEG stills and COUNT 672x448 (0.3 MP) ones, made
        from the corpus (crops and rescales, Pillow; cached in
        target/bench-stills and target/bench-stills-web): `scenepal -q FILES`
        and `decode_only FILES` alternately, RUNS times each, images per
        second (median) and their ratio.
low:    4. benches/low_dimensional.py (grayscale, sepia, two-ink against
        scikit-learn).
fast:   5. benches/fast.py (--fast against exact mode and decode-only).
The corpus is the one benches/corpus.sh fetches (SCENEPAL_CORPUS may point
elsewhere); the script runs in the benches' venv (pinned Pillow, numpy,
scikit-learn: benches/requirements.txt).
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time

import benchenv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENEPAL = os.path.join(ROOT, "target", "release", "scenepal")


def build():
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    out = subprocess.run(
        ["cargo", "bench", "--no-run", "--bench", "decode_only", "--message-format=json", "-q"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "decode_only" and msg.get("executable"):
            return msg["executable"]
    sys.exit("decode_only bench binary not found")


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def peak_rss_kb(cmd):
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], check=True, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True).stderr
    return int(out.strip().splitlines()[-1])


def make_stills(count, size=(1920, 1080), folder="bench-stills"):
    from PIL import Image  # dev-only dependency
    folder = os.path.join(ROOT, "target", folder)
    os.makedirs(folder, exist_ok=True)
    names = benchenv.photos()
    w, h = size
    for i in range(count):
        path = os.path.join(folder, f"still_{i:04d}.jpg")
        if os.path.exists(path):
            continue
        src = Image.open(names[i % len(names)]).convert("RGB")
        zoom = 0.55 + 0.45 * ((i * 37) % 100) / 100
        cw, ch = int(src.width * zoom), int(src.width * zoom * h / w)
        if ch > src.height:
            ch = src.height
            cw = int(ch * w / h)
        x = ((i * 53) % 97) / 97 * (src.width - cw)
        y = ((i * 29) % 89) / 89 * (src.height - ch)
        crop = src.crop((int(x), int(y), int(x) + cw, int(y) + ch))
        crop.resize((w, h), Image.BICUBIC).save(path, quality=90)
    return folder, sorted(os.path.join(folder, f) for f in os.listdir(folder))[:count]


def batch(args, decode_only):
    print("## 3. Batches")
    for size, folder in (((1920, 1080), "bench-stills"), ((672, 448), "bench-stills-web")):
        _, files = make_stills(args.count, size, folder)
        dec, sp = [], []
        for _ in range(args.runs):
            dec.append(timed([decode_only, *files]))
            sp.append(timed([SCENEPAL, "-q", *files]))
        n = len(files)
        d, s = n / statistics.median(dec), n / statistics.median(sp)
        print(f"{n} stills {size[0]}x{size[1]} JPEG, all cores, median of {args.runs} runs: "
              f"decode only {d:.1f} images/s, scenepal {s:.1f} images/s, ratio {s / d:.3f}")


def small(args, decode_only):
    print("## 1. Small stills")
    print("| image | MP | decode-only ms | scenepal ms | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for image in benchenv.photos():
        name = os.path.basename(image)
        out = subprocess.run([SCENEPAL, "-f", "json", image], check=True, capture_output=True, text=True)
        record = json.loads(out.stdout)
        mp = record["width"] * record["height"] / 1e6
        if mp >= 1.0:
            continue
        dec, sp = [], []
        for _ in range(args.runs):
            dec.append(timed([decode_only, image]))
            sp.append(timed([SCENEPAL, image]))
        d, s = (statistics.median(v) * 1000 for v in (dec, sp))
        print(f"| {name} | {mp:.2f} | {d:.0f} | {s:.0f} | {s / d:.2f} |")


def corpus(args, decode_only):
    print("## 2. Images of 1 MP and more; the bucket algorithm")
    ref = {r["image"]: r for r in csv.DictReader(open(benchenv.reference("sklearn-k10.tsv")), delimiter="\t")}
    print("| image | MP | decode-only ms | scenepal ms | ratio | bucket ratio | bucket / k-means | mse / scikit-learn | peak RSS ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, r in ref.items():
        mp = int(r["pixels"]) / 1e6
        if mp < 1.0:
            continue
        image = benchenv.corpus(name)
        dec, sp, bu = [], [], []
        for _ in range(args.runs):
            dec.append(timed([decode_only, image]))
            sp.append(timed([SCENEPAL, image]))
            bu.append(timed([SCENEPAL, "-a", "bucket", image]))
        d, s, b = (statistics.median(v) * 1000 for v in (dec, sp, bu))
        # scikit-learn's reference scored the file's values unconverted.
        out = subprocess.run([SCENEPAL, "-f", "json", "--space", "rgb", "--no-color-manage", image], check=True, capture_output=True, text=True)
        mse = json.loads(out.stdout)["mse"] / float(r["sklearn_mse_rgb"])
        rss = peak_rss_kb([SCENEPAL, image]) / peak_rss_kb([decode_only, image])
        print(f"| {name} | {mp:.1f} | {d:.0f} | {s:.0f} | {s / d:.2f} | {b / d:.2f} | {b / s:.2f} | {mse:.3f} | {rss:.2f} |")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["all", "small", "corpus", "batch", "low", "fast"])
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()
    benchenv.use_venv()
    decode_only = build()
    here = os.path.dirname(os.path.abspath(__file__))
    for mode in ("small", "corpus", "batch", "low", "fast"):
        if a.mode not in ("all", mode):
            continue
        if mode == "low":
            print("## 4. Low-dimensional images against scikit-learn", flush=True)
            subprocess.run([sys.executable, os.path.join(here, "low_dimensional.py")], check=True)
        elif mode == "fast":
            print("## 5. --fast", flush=True)
            subprocess.run([sys.executable, os.path.join(here, "fast.py"),
                            "--count", str(a.count), "--runs", str(a.runs)], check=True)
        else:
            globals()[mode](a, decode_only)
        print(flush=True)


if __name__ == "__main__":
    main()
