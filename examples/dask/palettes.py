#!/usr/bin/env python3
"""scenepal on Dask distributed: per-image palettes and one exact palette of
a whole archive, from a cluster that already runs.

    python palettes.py --scheduler-file FILE [--scenepal PATH] [--shard-size N]
                       [--check] STILL... | --files-from LIST

Map: the stills are cut into shards of N paths; each shard is one task on a
worker that runs `scenepal -f json --files-from -` (a JSON Lines record per
still, errors included) and one that runs `scenepal --merge -f histogram
--files-from -` (the shard's exact merged colour histogram, a JSON document).
Reduce: histograms are merged in pairs, as a tree of tasks, each running
`scenepal --from-histograms -f histogram A B`; the last one becomes the
palette with `scenepal --from-histograms -f json`.

Every task starts the scenepal program on its worker (it must be on each
worker's PATH, or given with --scenepal), and passes text: paths in,
records and histograms out. With --check, the palette is compared with one
`scenepal --merge -f json` over every still on this machine, byte for byte.
Prints the palette record, then timings on stderr.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

from distributed import Client


def scenepal(binary, args, stdin=b""):
    """Runs scenepal; returns (exit code, stdout bytes, stderr text)."""
    out = subprocess.run([binary, *args], input=stdin, capture_output=True)
    return out.returncode, out.stdout, out.stderr.decode(errors="replace")


def shard_records(binary, paths):
    """Map task: one JSON Lines record per still of the shard."""
    code, out, err = scenepal(binary, ["-q", "-f", "json", "--files-from", "-", "-0"],
                              b"\0".join(p.encode() for p in paths))
    if code not in (0, 1):  # 1: some still failed, and has its error record
        raise RuntimeError(f"scenepal failed on a shard: {err}")
    return out


def shard_histogram(binary, paths, options):
    """Map task: the shard's merged histogram."""
    code, out, err = scenepal(
        binary, ["-q", "--merge", "-f", "histogram", *options, "--files-from", "-", "-0"],
        b"\0".join(p.encode() for p in paths))
    if code not in (0, 1):
        raise RuntimeError(f"scenepal failed on a shard: {err}")
    return out


def merge_pair(binary, *histograms):
    """Reduce task: two (or one) histograms into one, with the options they record."""
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, doc in enumerate(histograms):
            path = os.path.join(tmp, f"{i}.json")
            with open(path, "wb") as f:
                f.write(doc)
            files.append(path)
        code, out, err = scenepal(binary, ["--from-histograms", "-f", "histogram", *files])
    if code != 0:
        raise RuntimeError(f"scenepal could not merge histograms: {err}")
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scheduler-file", required=True)
    p.add_argument("--scenepal", default="scenepal")
    p.add_argument("--shard-size", type=int, default=100)
    p.add_argument("--files-from")
    p.add_argument("--check", action="store_true")
    p.add_argument("--no-records", action="store_true",
                   help="only the merged palette (no per-still records)")
    p.add_argument("--merge-weight", default="pixel", choices=["pixel", "image"])
    p.add_argument("stills", nargs="*")
    args = p.parse_args()
    stills = list(args.stills)
    if args.files_from:
        with open(args.files_from) as f:
            stills += [line.rstrip("\n") for line in f if line.strip()]
    binary = os.path.abspath(args.scenepal) if os.sep in args.scenepal else args.scenepal
    options = ["--merge-weight", args.merge_weight]
    shards = [stills[i:i + args.shard_size] for i in range(0, len(stills), args.shard_size)]

    client = Client(scheduler_file=args.scheduler_file)
    start = time.perf_counter()
    records = [] if args.no_records else client.map(
        shard_records, [binary] * len(shards), shards, pure=False)
    level = client.map(shard_histogram, [binary] * len(shards), shards,
                       [options] * len(shards), pure=False)
    histogram_bytes = [len(h) for h in client.gather(level)]
    mapped = time.perf_counter()
    while len(level) > 1:
        level = [client.submit(merge_pair, binary, *level[i:i + 2], pure=False)
                 for i in range(0, len(level), 2)]
    final = client.gather(level[0])
    reduced = time.perf_counter()
    lines = b"".join(client.gather(records)).splitlines()
    if records and len(lines) != len(stills):
        sys.exit(f"{len(lines)} records for {len(stills)} stills")
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        f.write(final)
        f.flush()
        code, palette, err = scenepal(binary, ["--from-histograms", "-f", "json", f.name])
    if code != 0:
        sys.exit(f"scenepal: {err}")
    sys.stdout.buffer.write(palette)
    done = time.perf_counter()
    print(f"{len(stills)} stills, {len(shards)} shards; records and histograms "
          f"{mapped - start:.2f} s, tree reduce {reduced - mapped:.2f} s, "
          f"total {done - start:.2f} s; histogram bytes per shard: "
          f"min {min(histogram_bytes)}, max {max(histogram_bytes)}", file=sys.stderr)
    client.close()
    if args.check:
        t = time.perf_counter()
        code, single, err = scenepal(
            binary, ["-q", "--merge", "-f", "json", *options, "--files-from", "-", "-0"],
            b"\0".join(s.encode() for s in stills))
        print(f"single process: {time.perf_counter() - t:.2f} s", file=sys.stderr)
        # With -f json, a --merge run prints the failed stills' error records
        # before its palette: the palette is the last line.
        single = single.splitlines(keepends=True)[-1]
        if single != palette:
            sys.exit("the cluster's palette differs from the single --merge:\n"
                     + single.decode() + palette.decode())
        print("identical to one scenepal --merge over every still", file=sys.stderr)


if __name__ == "__main__":
    main()
