#!/usr/bin/env python3
"""Quality on low-dimensional images: grayscale, sepia and two-ink prints.

    python3 benches/low_dimensional.py [--bin target/release/scenepal]

Makes, from two corpus photos (coffee.png, 0.24 MP, and colorful_cups.jpg,
4.1 MP), three versions each into target/low-dimensional: a grayscale
conversion (L), a sepia toning (the gray levels mapped onto a brown ramp),
and a two-ink print (paper minus two inks, cyan-blue and warm red, laid by
the picture's luminance and its red-green difference). For each it runs
scikit-learn's KMeans (the corpus reference: benches/reference/
sklearn_reference.py, random_state=42) and `scenepal --space rgb -k 10`,
scores both palettes with benches/reference/mse.py, and prints the ratio.
Runs in the benches' venv (numpy, Pillow, scikit-learn) on the corpus of
benches/corpus.sh.
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchenv  # noqa: E402

benchenv.use_venv()

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

ROOT = benchenv.ROOT


def versions(photo):
    rgb = np.asarray(photo.convert("RGB")).astype(np.float64)
    gray = np.asarray(photo.convert("L")).astype(np.float64) / 255.0
    yield "gray", Image.fromarray(np.rint(gray * 255).astype(np.uint8), "L")
    dark, light = np.array([46, 26, 10.0]), np.array([250, 236, 206.0])
    sepia = dark + (light - dark) * gray[..., None] ** 0.9
    yield "sepia", Image.fromarray(np.rint(sepia).astype(np.uint8), "RGB")
    paper = np.array([248, 244, 232.0])
    ink1, ink2 = np.array([200, 120, 40.0]), np.array([30, 170, 190.0])
    a = 1.0 - gray                                                     # dark areas: more ink 1
    b = np.clip((rgb[..., 0] - rgb[..., 1]) / 255.0 + 0.3, 0, 1)        # red areas: ink 2
    print_ = paper - a[..., None] * ink1 - b[..., None] * ink2 * 0.8
    yield "two-ink", Image.fromarray(np.clip(np.rint(print_), 0, 255).astype(np.uint8), "RGB")


def mse(image, palette):
    out = subprocess.run([sys.executable, benchenv.reference("mse.py"), image, *palette],
                         check=True, capture_output=True, text=True).stdout
    return float(out.split()[1]) if out.startswith("mse") else float(out.split()[0])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "scenepal"))
    args = p.parse_args()
    folder = os.path.join(ROOT, "target", "low-dimensional")
    os.makedirs(folder, exist_ok=True)
    print(f"{'image':28} {'MP':>5} {'sklearn mse':>11} {'scenepal mse':>12} {'ratio':>6}")
    for name in ("coffee.png", "colorful_cups.jpg"):
        photo = Image.open(benchenv.corpus(name))
        for kind, image in versions(photo):
            path = os.path.join(folder, f"{os.path.splitext(name)[0]}-{kind}.png")
            if not os.path.exists(path):
                image.save(path)
            ref = subprocess.run([sys.executable, benchenv.reference("sklearn_reference.py"), path],
                                 check=True, capture_output=True, text=True).stdout.split()
            ours = json.loads(subprocess.run([args.bin, "--space", "rgb", "--no-color-manage", "-f", "json", path],
                                             check=True, capture_output=True, text=True).stdout)
            theirs = mse(path, ref)
            mine = mse(path, [c["hex"] for c in ours["colors"]])
            mp = image.size[0] * image.size[1] / 1e6
            print(f"{os.path.basename(path):28} {mp:5.2f} {theirs:11.3f} {mine:12.3f} {mine / theirs:6.3f}")


if __name__ == "__main__":
    main()
