#!/usr/bin/env python3
"""scenepal's Python package against the palette libraries Python users
reach for, side by side in one run on the bench corpus (benches/corpus.sh).

    python3 benches/python_peers.py [--repeat 5] [--images china.jpg,coffee.png]

Each peer is installed from PyPI (pinned in benches/python_peers.txt) into
this bench's own venv, target/peers-venv, with scenepal built from ./python
(release profile; or the wheel SCENEPAL_WHEEL names), and called as its
README shows, with 10 colours:

  recipe             scikit-learn KMeans(10, random_state=42) on all pixels
  Pylette            pylette.extract_colors(path, palette_size=10)
  colorthief         ColorThief(path).get_palette(color_count=10)
  fast-colorthief    fast_colorthief.get_palette(path, color_count=10)
  modern-colorthief  modern_colorthief.get_palette(path, color_count=10)
  scenepal           scenepal.palette(path, k=10), with space="rgb" and
                     with fast=True (a reduced read)
  decode only        Pillow reading the pixels: the recipe's own first
                     step, so the recipe's time over it is the most any
                     library that decodes could gain

Time: in-process, from the path to the palette (decoding included), warm
(one run first), the median of --repeat runs. Error: one evaluator for all,
the mean over every pixel of the squared sRGB distance to the nearest
palette colour (benches/reference/mse.py's measure), on the pixels as Pillow
reads them. scenepal reads them so too (color_manage=False): a palette of
colour-managed pixels would be scored against values it does not describe.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "peers-venv")
REQUIREMENTS = os.path.join(ROOT, "benches", "python_peers.txt")
sys.path.insert(0, os.path.join(ROOT, "benches"))
import benchenv  # noqa: E402


def use_venv():
    """Runs this script again in target/peers-venv, made (or remade when
    python_peers.txt changed) with the peers and scenepal."""
    def install_scenepal(python):
        wheel = os.environ.get("SCENEPAL_WHEEL") or os.path.join(ROOT, "python")
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--force-reinstall", "--no-deps", wheel], check=True)

    benchenv.use_venv(VENV, REQUIREMENTS, "target/peers-venv", after=install_scenepal)


def peers():
    """(name, function from a path to a list of (r, g, b))."""
    import numpy as np
    from PIL import Image

    def recipe(path):
        from sklearn.cluster import KMeans
        pixels = np.asarray(Image.open(path).convert("RGB")).reshape(-1, 3).astype(np.float64)
        km = KMeans(n_clusters=10, random_state=42).fit(pixels)
        return [tuple(int(v) for v in np.clip(np.rint(c), 0, 255)) for c in km.cluster_centers_]

    def pylette(path):
        import pylette
        return [tuple(int(v) for v in c.rgb) for c in pylette.extract_colors(path, palette_size=10).colors]

    def colorthief(path):
        from colorthief import ColorThief
        return ColorThief(path).get_palette(color_count=10)

    def fast_colorthief(path):
        import fast_colorthief
        return fast_colorthief.get_palette(path, color_count=10)

    def modern_colorthief(path):
        import modern_colorthief
        return modern_colorthief.get_palette(path, color_count=10)

    def scenepal_oklab(path):
        import scenepal
        return [c.rgb for c in scenepal.palette(path, k=10, color_manage=False)]

    def scenepal_rgb(path):
        import scenepal
        return [c.rgb for c in scenepal.palette(path, k=10, space="rgb", color_manage=False)]

    def scenepal_fast(path):
        import scenepal
        return [c.rgb for c in scenepal.palette(path, k=10, fast=True, color_manage=False)]

    def decode_only(path):
        # The floor any of them stands on: Pillow reading the pixels (what
        # the recipe's own time starts with). No palette, so no error.
        Image.open(path).convert("RGB")

    return [("recipe (scikit-learn)", recipe), ("Pylette", pylette), ("colorthief", colorthief),
            ("fast-colorthief", fast_colorthief), ("modern-colorthief", modern_colorthief),
            ("scenepal", scenepal_oklab), ("scenepal space=rgb", scenepal_rgb),
            ("scenepal fast=True", scenepal_fast), ("decode only (Pillow)", decode_only)]


def error(pixels, palette):
    """Mean over pixels of the squared sRGB distance to the nearest colour."""
    import numpy as np
    centres = np.asarray(palette, np.float64)
    total = 0.0
    for start in range(0, len(pixels), 1 << 20):
        chunk = pixels[start:start + (1 << 20)].astype(np.float64)
        d = ((chunk[:, None, :] - centres[None]) ** 2).sum(-1)
        total += d.min(1).sum()
    return total / len(pixels)


def main():
    use_venv()
    import numpy as np
    from PIL import Image

    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--images", help="comma-separated corpus names (default: every photograph)")
    a = p.parse_args()
    images = benchenv.photos()
    if a.images:
        images = [benchenv.corpus(n) for n in a.images.split(",")]
    contenders = peers()
    times = {name: [] for name, _ in contenders}
    errors = {name: [] for name, _ in contenders}
    print(f"{'image':22} {'MP':>5} " + " ".join(f"{n[:14]:>14}" for n, _ in contenders), file=sys.stderr)
    for path in images:
        pixels = np.asarray(Image.open(path).convert("RGB")).reshape(-1, 3)
        cells = []
        for name, extract in contenders:
            palette = extract(path)  # warm
            runs = []
            for _ in range(a.repeat):
                start = time.perf_counter()
                extract(path)
                runs.append(time.perf_counter() - start)
            t = statistics.median(runs)
            e = error(pixels, palette) if palette is not None else float("nan")
            times[name].append(t)
            errors[name].append(e)
            cells.append(f"{t * 1000:8.1f}ms {e:5.0f}")
        print(f"{os.path.basename(path):22} {len(pixels) / 1e6:5.2f} " + " ".join(f"{c:>14}" for c in cells),
              file=sys.stderr, flush=True)
    geo = lambda v: float(np.exp(np.mean(np.log(v))))  # noqa: E731
    recipe = "recipe (scikit-learn)"
    print(f"\n{len(images)} photographs ({', '.join(os.path.basename(i) for i in images)}), "
          f"median of {a.repeat} warm runs each\n")
    print("| library | time per image (geometric mean) | × scenepal's time | error (mean) | error vs the recipe |")
    print("|---|---:|---:|---:|---:|")
    base = times["scenepal"]
    for name, _ in contenders:
        t, e = times[name], errors[name]
        ratio = geo([x / y for x, y in zip(t, base)])
        vs = geo([x / y for x, y in zip(e, errors[recipe])])
        if np.isnan(e).any():
            print(f"| {name} | {geo(t) * 1000:.1f} ms | {ratio:.2f}× | — | — |")
        else:
            print(f"| {name} | {geo(t) * 1000:.1f} ms | {ratio:.2f}× | {np.mean(e):.1f} | {vs:.3f} |")
    speedups = [x / y for x, y in zip(times[recipe], base)]
    ceiling = [x / y for x, y in zip(times[recipe], times["decode only (Pillow)"])]
    print(f"\nThe recipe's time ÷ scenepal's, per image: {min(speedups):.0f}-{max(speedups):.0f}× "
          f"(geometric mean {geo(speedups):.1f}×); ÷ Pillow's decoding alone, the most any "
          f"library that decodes could reach: {min(ceiling):.0f}-{max(ceiling):.0f}× "
          f"(geometric mean {geo(ceiling):.1f}×).")


if __name__ == "__main__":
    main()
