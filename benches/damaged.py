#!/usr/bin/env python3
"""Damaged files: does scenepal refuse every one that Pillow refuses?

    python3 benches/damaged.py [BIN]

From fixtures/chelsea_225.png, writes the same picture as PNG, interlaced
PNG, JPEG, progressive JPEG, GIF, BMP, RLE8 BMP, TIFF (raw, LZW, deflate),
WebP (lossy, lossless) and QOI into target/damaged, then makes mutants of
each: cut at 10 points of its length, and one byte flipped at 10 points past
the header. Each mutant is given to Pillow (`Image.open(...).load()`, with
its default of refusing truncated images) and to scenepal (BIN, default
target/release/scenepal; exit 0 = accepted). Prints per format how many
mutants each refuses and the ones Pillow refuses but scenepal accepts.
Needs Pillow.
"""
import io
import os
import shutil
import struct
import subprocess
import sys

from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = os.path.join(ROOT, "target", "damaged")


def rle8_bmp(image):
    """The picture as an 8-bit RLE-compressed BMP (Pillow writes none)."""
    p = image.convert("P", palette=Image.ADAPTIVE, colors=256)
    w, h = p.size
    px = p.tobytes()
    data = bytearray()
    for y in range(h - 1, -1, -1):
        row = px[y * w:(y + 1) * w]
        x = 0
        while x < w:
            run = 1
            while x + run < w and run < 255 and row[x + run] == row[x]:
                run += 1
            data += bytes([run, row[x]])
            x += run
        data += b"\x00\x00"
    data += b"\x00\x01"
    pal = p.getpalette()[: 256 * 3]
    pal += [0] * (256 * 3 - len(pal))
    table = b"".join(bytes([pal[i * 3 + 2], pal[i * 3 + 1], pal[i * 3], 0]) for i in range(256))
    offset = 14 + 40 + len(table)
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 8, 1, len(data), 2835, 2835, 256, 0)
    head = b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset)
    return head + info + table + bytes(data)


def sources():
    image = Image.open(os.path.join(ROOT, "fixtures", "chelsea_225.png")).convert("RGB")
    out = {}

    def save(name, fmt, **kw):
        b = io.BytesIO()
        image.save(b, fmt, **kw)
        out[name] = b.getvalue()

    save("png", "PNG")
    save("png-interlaced", "PNG", interlace=1)
    save("jpeg", "JPEG", quality=90)
    save("jpeg-progressive", "JPEG", quality=90, progressive=True)
    b = io.BytesIO()
    image.convert("P", palette=Image.ADAPTIVE).save(b, "GIF")
    out["gif"] = b.getvalue()
    save("bmp", "BMP")
    out["bmp-rle8"] = rle8_bmp(image)
    save("tiff-raw", "TIFF")
    save("tiff-lzw", "TIFF", compression="tiff_lzw")
    save("tiff-deflate", "TIFF", compression="tiff_adobe_deflate")
    save("webp-lossy", "WEBP", quality=80)
    save("webp-lossless", "WEBP", lossless=True)
    try:
        save("qoi", "QOI")
    except (KeyError, OSError, ValueError):
        pass
    return out


def mutants(data):
    n = len(data)
    for i in range(1, 11):
        cut = n * i // 11
        yield f"cut{i:02}", data[:cut]
    start = min(n // 8, 600)
    for i in range(10):
        at = start + (n - start - 1) * i // 10
        flipped = bytearray(data)
        flipped[at] ^= 0x55
        yield f"flip{i:02}", bytes(flipped)


def pillow_refuses(path):
    try:
        with Image.open(path) as im:
            im.load()
        return False
    except Exception:  # noqa: BLE001 - any refusal counts
        return True


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "scenepal")
    shutil.rmtree(DIR, ignore_errors=True)
    os.makedirs(DIR)
    print(f"{'format':<18} {'mutants':>7} {'Pillow refuses':>14} {'scenepal refuses':>16} {'both':>5}  Pillow-only")
    gaps = 0
    for fmt, data in sources().items():
        rows = []
        for tag, bytes_ in mutants(data):
            path = os.path.join(DIR, f"{fmt}.{tag}")
            open(path, "wb").write(bytes_)
            ours = subprocess.run([binary, "-q", path], capture_output=True).returncode != 0
            rows.append((tag, pillow_refuses(path), ours))
        pil = sum(r[1] for r in rows)
        ours = sum(r[2] for r in rows)
        both = sum(r[1] and r[2] for r in rows)
        only = [r[0] for r in rows if r[1] and not r[2]]
        gaps += len(only)
        print(f"{fmt:<18} {len(rows):>7} {pil:>14} {ours:>16} {both:>5}  {' '.join(only)}")
    print(f"mutants Pillow refuses and scenepal accepts: {gaps}")


if __name__ == "__main__":
    main()
