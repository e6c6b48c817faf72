#!/usr/bin/env python3
"""`--fast` against exact mode and against decoding alone, side by side.

    python3 benches/fast.py [--count 200] [--runs 3] [--sample 24]

Speed: the batch of COUNT 1920x1080 JPEG stills of benches/throughput.py
(made once into target/bench-stills) is read by the decode-only baseline
(every pixel decoded, nothing else), by `scenepal -q` and by
`scenepal -q --fast`, alternately, RUNS times each; prints images per
second (median) and each ratio to decode-only.

Quality: for every corpus photo and SAMPLE of the batch's stills, the -k 10
palettes of exact mode and of --fast (both --no-color-manage, so the file's
values are the pixels) are scored on the full-resolution pixels:
  mse ratio  = mse of the fast palette / mse of the exact palette (sRGB,
               as benches/reference/mse.py);
  frac err   = largest difference between a fast colour's reported fraction
               and its share of the full image (pixels to their nearest
               colour in Oklab, as scenepal assigns);
  vs exact   = largest difference between a fast colour's fraction and that
               of the nearest exact colour (for information: the palettes
               differ a little, so do their shares).
Runs in the benches' venv (numpy and Pillow) on the corpus of
benches/corpus.sh.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchenv  # noqa: E402

benchenv.use_venv()

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import throughput  # noqa: E402  (build, make_stills, timed)

SCENEPAL = throughput.SCENEPAL
M1 = np.array([[0.4122214708, 0.5363325363, 0.0514459929],
               [0.2119034982, 0.6806995451, 0.1073969566],
               [0.0883024619, 0.2817188376, 0.6299787005]])
M2 = np.array([[0.2104542553, 0.7936177850, -0.0040720468],
               [1.9779984951, -2.4285922050, 0.4505937099],
               [0.0259040371, 0.7827717662, -0.8086757660]])
_c = np.arange(256) / 255.0
LINEAR = np.where(_c <= 0.04045, _c / 12.92, ((_c + 0.055) / 1.055) ** 2.4)


def oklab(rgb):
    return np.cbrt(LINEAR[rgb] @ M1.T) @ M2.T


def palette(path, fast):
    cmd = [SCENEPAL, "-f", "json", "--no-color-manage", path] + (["--fast"] if fast else [])
    record = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    colors = np.array([c["rgb"] for c in record["colors"]], dtype=np.int64)
    return colors, np.array([c["fraction"] for c in record["colors"]]), record.get("scale", 1.0)


def score(pixels, colors):
    """(mse in sRGB, share of each colour with pixels assigned in Oklab)."""
    lab_colors = oklab(colors)
    best = np.full(len(pixels), np.inf)
    counts = np.zeros(len(colors))
    for start in range(0, len(pixels), 1 << 20):
        chunk = pixels[start:start + (1 << 20)]
        d_rgb = ((chunk[:, None, :] - colors[None, :, :]) ** 2).sum(axis=2)
        best[start:start + len(chunk)] = d_rgb.min(axis=1)
        d_lab = ((oklab(chunk)[:, None, :] - lab_colors[None, :, :]) ** 2).sum(axis=2)
        counts += np.bincount(d_lab.argmin(axis=1), minlength=len(colors))
    return best.mean(), counts / len(pixels)


def quality(paths):
    print(f"{'image':24} {'MP':>5} {'scale':>6} {'mse ratio':>9} {'frac err':>8} {'vs exact':>8}")
    ratios, errors = [], []
    for path in paths:
        pixels = np.asarray(Image.open(path).convert("RGB")).reshape(-1, 3).astype(np.int64)
        exact, _, _ = palette(path, False)
        fast, fast_fractions, scale = palette(path, True)
        mse_exact, _ = score(pixels, exact)
        mse_fast, true_shares = score(pixels, fast)
        exact_fractions = score(pixels, exact)[1]
        frac_err = np.abs(true_shares - fast_fractions).max()
        nearest = np.array([((exact - c) ** 2).sum(axis=1).argmin() for c in fast])
        vs_exact = np.abs(fast_fractions - exact_fractions[nearest]).max()
        ratio = mse_fast / mse_exact if mse_exact else 1.0
        if scale < 1.0:
            ratios.append(ratio)
            errors.append(frac_err)
        print(f"{os.path.basename(path):24} {len(pixels) / 1e6:5.2f} {scale:6.3f} {ratio:9.4f} "
              f"{frac_err:8.4f} {vs_exact:8.4f}")
    print(f"{len(ratios)} reduced reads: mse ratio median {statistics.median(ratios):.3f}, "
          f"worst {max(ratios):.3f}, {sum(r > 1.02 for r in ratios)} above 1.02; "
          f"fraction error median {statistics.median(errors):.4f}, worst {max(errors):.4f}, "
          f"{sum(e > 0.01 for e in errors)} above 0.01")


def speed(args, decode_only, files):
    dec, exact, fast = [], [], []
    for _ in range(args.runs):
        dec.append(throughput.timed([decode_only, *files]))
        exact.append(throughput.timed([SCENEPAL, "-q", *files]))
        fast.append(throughput.timed([SCENEPAL, "-q", "--fast", *files]))
    n = len(files)
    d, e, f = (n / statistics.median(t) for t in (dec, exact, fast))
    print(f"{n} stills 1920x1080 JPEG, all cores, median of {args.runs} runs")
    print(f"{'decode only':18} {d:7.1f} images/s  1.000")
    print(f"{'scenepal':18} {e:7.1f} images/s  {e / d:.3f}")
    print(f"{'scenepal --fast':18} {f:7.1f} images/s  {f / d:.3f}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--sample", type=int, default=24)
    args = p.parse_args()
    decode_only = throughput.build()
    _, files = throughput.make_stills(args.count)
    speed(args, decode_only, files)
    quality(benchenv.photos() + files[::max(1, len(files) // args.sample)][:args.sample])


if __name__ == "__main__":
    main()
