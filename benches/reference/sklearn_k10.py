#!/usr/bin/env python3
"""The scikit-learn reference of the corpus: for every photograph, its pixel
count, unique colours, the palette of sklearn_reference.py (KMeans(n_clusters=K,
random_state=42) on Pillow's 8-bit sRGB pixels) and that palette's mse by
mse.py, as the TSV that benches/quality.py and benches/throughput.py read.

    python3 benches/reference/sklearn_k10.py [K=10] > benches/reference/sklearn-k10.tsv

Runs in the benches' venv (benches/requirements.txt: scikit-learn 1.9.1,
numpy 2.4, Pillow 13), on the corpus benches/corpus.sh fetches.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchenv  # noqa: E402

benchenv.use_venv()

import numpy as np  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402

sys.path.insert(0, benchenv.REFERENCE)
import mse  # noqa: E402


def main():
    k = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    print("image\tk\tpixels\tunique_colours\tsklearn_mse_rgb\tsklearn_mse_oklab100\tsklearn_palette")
    for path in benchenv.photos():
        px = mse.pixels(path)
        palette = KMeans(n_clusters=k, random_state=42).fit(px).cluster_centers_
        palette = np.clip(np.rint(palette), 0, 255).astype(np.int64)
        packed = (px[:, 0].astype(np.uint32) << 16) | (px[:, 1].astype(np.uint32) << 8) | px[:, 2]
        u, counts = np.unique(packed, return_counts=True)
        rgb = np.stack([(u >> 16) & 255, (u >> 8) & 255, u & 255], axis=1)
        w = counts.astype(np.float64)
        rgb_mse = mse.mse(rgb.astype(np.float64), w, palette.astype(np.float64))
        oklab_mse = mse.mse(mse.srgb8_to_oklab100(rgb), w, mse.srgb8_to_oklab100(palette))
        hexes = " ".join(f"#{r:02x}{g:02x}{b:02x}" for r, g, b in palette)
        print(f"{os.path.basename(path)}\t{k}\t{len(px)}\t{len(u)}\t{rgb_mse:.3f}\t{oklab_mse:.4f}\t{hexes}", flush=True)


if __name__ == "__main__":
    main()
