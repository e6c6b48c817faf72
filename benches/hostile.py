#!/usr/bin/env python3
"""Peak memory of a hostile batch: bombs, damaged files and odd names.

    python3 benches/hostile.py [BIN ...]

Builds target/hostile (cached): two valid 16384x16384 16-bit RGBA PNGs
(2 GiB decoded each, a few MB on disk), a valid 2^28-pixel 1-bit PNG, a
header announcing 2^28 RGB pixels with no data, a valid 1x65535 image, a
cut JPEG, an empty file, a text file named .png and a name with a newline,
plus two ordinary stills. Then, for each binary (default:
target/release/scenepal), runs `-f json` over the folder at -j 1, at -j 8,
and with --max-memory 300M, and prints exit code, records and peak RSS
(/usr/bin/time). Every input must get one record.

Then the films (target/hostile_films, made with ffmpeg, cached): a
bit-flipped H.264 film, one whose header declares 2^32 s (136 years), a
two-frame 8K film, files named `concat:a.mp4|b.mp4`, `file:x.mp4` and
`http:x.mp4` (each a copy of a blue film, beside a red `a.mp4`, `b.mp4` and
`x.mp4` that a URL would read instead), and a still. Each is run with
`--every 1s -k 3` at -j 1, -j 4 and -j 4 --max-memory 300M; the table gives
exit code, records, error records, blue records (the protocol-named films
must give their own blue) and the peak RSS of the whole process tree
(scenepal and its ffmpeg children, summed, sampled every 20 ms).
"""
import os
import shutil
import struct
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = os.path.join(ROOT, "target", "hostile")


def png(width, height, depth, color, rows):
    """A PNG whose every row is `rows` (filter byte included), streamed."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    z = zlib.compressobj(9)
    parts = []
    for _ in range(height):
        parts.append(z.compress(rows))
    parts.append(z.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b""))


def build():
    if os.path.isdir(DIR):
        return
    tmp = DIR + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    side = 16384
    rgba16 = png(side, side, 16, 6, b"\x00" + bytes(side * 8))
    for name in ("bomb_rgba16_a.png", "bomb_rgba16_b.png"):
        open(os.path.join(tmp, name), "wb").write(rgba16)
    open(os.path.join(tmp, "bomb_1bit.png"), "wb").write(
        png(side, side, 1, 0, b"\x00" + b"\xf0" * (side // 8)))
    header = png(1, 1, 8, 2, b"\x00" + bytes(3))
    # The 1x1 image's IHDR rewritten to announce 16384x16384.
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    open(os.path.join(tmp, "bomb_header.png"), "wb").write(
        header[:16] + ihdr + crc + header[33:])
    open(os.path.join(tmp, "tall_1x65535.png"), "wb").write(
        png(1, 65535, 8, 2, b"\x00\x1e\x3c\x5a"))
    still = os.path.join(ROOT, "fixtures", "china_320.jpg")
    data = open(still, "rb").read()
    open(os.path.join(tmp, "cut.jpg"), "wb").write(data[: len(data) // 2])
    open(os.path.join(tmp, "empty.png"), "wb").close()
    open(os.path.join(tmp, "text.png"), "w").write("not an image\n")
    shutil.copy(still, os.path.join(tmp, "new\nline.jpg"))
    shutil.copy(os.path.join(ROOT, "fixtures", "nuthatch_960.jpg"), tmp)
    os.rename(tmp, DIR)


FILMS = os.path.join(ROOT, "target", "hostile_films")


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def build_films():
    if os.path.isdir(FILMS):
        return
    tmp = FILMS + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    j = lambda name: os.path.join(tmp, name)
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=4", "-c:v", "libx264",
           "-pix_fmt", "yuv420p", j("base.mp4"))
    data = bytearray(open(j("base.mp4"), "rb").read())
    # Bit flips through the second half of the coded frames.
    for i in range(len(data) // 2, len(data) - 2000, 997):
        data[i] ^= 0x55
    open(j("damaged.mp4"), "wb").write(data)
    data = bytearray(open(j("base.mp4"), "rb").read())
    at = data.find(b"mvhd")
    data[at + 16:at + 24] = struct.pack(">II", 1, 0xFFFFFFFF)
    open(j("huge_declared.mp4"), "wb").write(data)
    os.remove(j("base.mp4"))
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=7680x4320:r=10:d=0.2", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", j("8k.mp4"))
    for name, colour in (("a.mp4", "red"), ("b.mp4", "red"), ("x.mp4", "red"),
                         ("concat:a.mp4|b.mp4", "blue"), ("file:x.mp4", "blue"),
                         ("http:x.mp4", "blue")):
        ffmpeg("-f", "lavfi", "-i", f"color=c={colour}:s=64x36:r=10:d=1", "-c:v", "libx264",
               "-pix_fmt", "yuv444p", "-qp", "0", j(name))
    shutil.copy(os.path.join(ROOT, "fixtures", "china_320.jpg"), tmp)
    os.rename(tmp, FILMS)


def tree_rss_mb(root):
    """The summed RSS (MB) of `root` and its descendants, now."""
    parents = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                stat = open(f"/proc/{pid}/stat").read()
                parents[int(pid)] = int(stat.rsplit(")", 1)[1].split()[1])
            except OSError:
                pass
    tree, grew = {root}, True
    while grew:
        more = {p for p, parent in parents.items() if parent in tree} - tree
        grew = bool(more)
        tree |= more
    total = 0
    for pid in tree:
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def run_films(binary, args):
    import time
    cmd = [binary, "-f", "json", "--every", "1s", "-k", "3", *args, FILMS]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak, chunks = 0.0, []
    import threading
    reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()))
    reader.start()
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        time.sleep(0.02)
    reader.join()
    records = chunks[0].decode(errors="replace").splitlines()
    errors = sum('"error"' in r for r in records)
    blue = sum('"hex":"#0000fe"' in r or '"hex":"#0000ff"' in r for r in records)
    return proc.returncode, len(records), errors, blue, peak


def run(binary, args):
    cmd = ["/usr/bin/time", "-f", "peak-rss-kb %M", binary, "-f", "json", *args, DIR]
    out = subprocess.run(cmd, capture_output=True)
    rss = [l for l in out.stderr.decode(errors="replace").splitlines()
           if l.startswith("peak-rss-kb ")]
    records = out.stdout.decode(errors="replace").splitlines()
    errors = sum('"error"' in r for r in records)
    return out.returncode, len(records), errors, int(rss[-1].split()[1]) // 1024 if rss else -1


def main():
    build()
    inputs = len(os.listdir(DIR))
    binaries = sys.argv[1:] or [os.path.join(ROOT, "target", "release", "scenepal")]
    print(f"{inputs} inputs in {DIR}")
    print(f"{'binary':<40} {'options':<18} {'exit':>4} {'records':>7} {'errors':>6} {'peak MB':>8}")
    for binary in binaries:
        for args in (["-j", "1"], ["-j", "8"], ["-j", "8", "--max-memory", "300M"]):
            code, n, errors, mb = run(binary, args)
            print(f"{binary[-40:]:<40} {' '.join(args):<18} {code:>4} {n:>7} {errors:>6} {mb:>8}")
    build_films()
    print(f"\nfilms: {len(os.listdir(FILMS))} inputs in {FILMS}")
    print(f"{'binary':<40} {'options':<18} {'exit':>4} {'records':>7} {'errors':>6} {'blue':>4} {'tree MB':>8}")
    for binary in binaries:
        for args in (["-j", "1"], ["-j", "4"], ["-j", "4", "--max-memory", "300M"]):
            code, n, errors, blue, mb = run_films(binary, args)
            print(f"{binary[-40:]:<40} {' '.join(args):<18} {code:>4} {n:>7} {errors:>6} {blue:>4} {mb:>8.0f}")


if __name__ == "__main__":
    main()
