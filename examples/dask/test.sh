#!/usr/bin/env bash
# The Dask example, tested: makes its own venv (pinned requirements, from
# PyPI), starts a scheduler and two workers on 127.0.0.1, runs palettes.py
# over a folder of stills with both weightings, and checks that the palette
# is byte-identical to one `scenepal --merge`. Stops everything it started,
# and gives up after 5 minutes.
#
#   examples/dask/test.sh [SCENEPAL]   (default: target/debug/scenepal)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scenepal=$(realpath "${1:-$root/target/debug/scenepal}")
venv="$root/target/dask-venv"
if [ ! -x "$venv/bin/dask" ] || ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# A small archive: the fixtures, each under several names, and one damaged file.
mkdir "$work/stills"
for i in 1 2 3 4 5; do
  for f in "$root"/fixtures/*.jpg "$root"/fixtures/*.png; do
    cp "$f" "$work/stills/${i}_$(basename "$f")"
  done
done
printf 'not an image' > "$work/stills/damaged.png"
ls "$work"/stills/* > "$work/list"
cd "$work"
"$venv/bin/dask" scheduler --host 127.0.0.1 --port 0 --no-dashboard \
  --scheduler-file "$work/scheduler.json" > "$work/scheduler.log" 2>&1 &
pids+=($!)
for w in 1 2; do
  "$venv/bin/dask" worker --scheduler-file "$work/scheduler.json" --host 127.0.0.1 \
    --nworkers 1 --nthreads 1 --no-dashboard --name "worker$w" > "$work/worker$w.log" 2>&1 &
  pids+=($!)
done
for weight in pixel image; do
  timeout 300 "$venv/bin/python" "$here/palettes.py" --scheduler-file "$work/scheduler.json" \
    --scenepal "$scenepal" --shard-size 7 --merge-weight "$weight" --check \
    --files-from "$work/list" > "$work/palette-$weight.json"
  grep -q '"images":' "$work/palette-$weight.json"
done
echo "dask example: 2 workers, both weightings identical to one scenepal --merge"
