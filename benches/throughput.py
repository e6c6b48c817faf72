#!/usr/bin/env python3
"""Whole-CLI speed of scenepal against decoding alone, measured side by side.

    python3 benches/throughput.py batch  [--shared ../shared] [--count 200] [--runs 3]
    python3 benches/throughput.py corpus [--shared ../shared] [--runs 5]

Both build `target/release/scenepal` and the decode-only baseline
(benches/decode_only.rs, same release profile: it decodes each file to RGB8
with the image crate and nothing else, in parallel like scenepal).

batch:  makes COUNT 1920x1080 JPEG stills from ../shared/corpus (crops and
        rescales, Pillow; cached in target/bench-stills), then times
        `scenepal -q DIR` and `decode_only DIR/*` alternately, RUNS times each,
        and prints images per second (median) and their ratio.
corpus: for every corpus image of 1 MP or more, times decode-only, scenepal
        (default options) and scenepal -a bucket, interleaved, median of RUNS,
        and prints the table of the Performance section: ms, ratios, mse
        against scikit-learn (--space rgb), peak RSS ratio (/usr/bin/time -v).
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time

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


def make_stills(shared, count):
    from PIL import Image  # dev-only dependency
    folder = os.path.join(ROOT, "target", "bench-stills")
    os.makedirs(folder, exist_ok=True)
    corpus = os.path.join(shared, "corpus")
    names = sorted(f for f in os.listdir(corpus) if f.endswith((".jpg", ".png")))
    w, h = 1920, 1080
    for i in range(count):
        path = os.path.join(folder, f"still_{i:04d}.jpg")
        if os.path.exists(path):
            continue
        src = Image.open(os.path.join(corpus, names[i % len(names)])).convert("RGB")
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
    folder, files = make_stills(args.shared, args.count)
    dec, sp = [], []
    for _ in range(args.runs):
        dec.append(timed([decode_only, *files]))
        sp.append(timed([SCENEPAL, "-q", *files]))
    n = len(files)
    d, s = n / statistics.median(dec), n / statistics.median(sp)
    print(f"{n} stills 1920x1080 JPEG, 2 threads, median of {args.runs} runs")
    print(f"decode only: {d:7.1f} images/s")
    print(f"scenepal:    {s:7.1f} images/s")
    print(f"ratio:       {s / d:7.3f} (target >= 0.8)")


def corpus(args, decode_only):
    ref = {r["image"]: r for r in csv.DictReader(open(os.path.join(args.shared, "reference", "sklearn-k10.tsv")), delimiter="\t")}
    print("| image | MP | decode-only ms | scenepal ms | ratio | bucket ratio | mse / scikit-learn | peak RSS ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, r in ref.items():
        mp = int(r["pixels"]) / 1e6
        if mp < 1.0:
            continue
        image = os.path.join(args.shared, "corpus", name)
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
        print(f"| {name} | {mp:.1f} | {d:.0f} | {s:.0f} | {s / d:.2f} | {b / d:.2f} | {mse:.3f} | {rss:.2f} |")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["batch", "corpus"])
    p.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()
    decode_only = build()
    batch(a, decode_only) if a.mode == "batch" else corpus(a, decode_only)


if __name__ == "__main__":
    main()
