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


if __name__ == "__main__":
    main()
