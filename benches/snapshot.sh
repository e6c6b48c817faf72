#!/usr/bin/env bash
# Behaviour snapshot: runs a fixed set of scenepal commands (every format,
# layout, picture, merge, check and error path) and records what each printed,
# its exit code and every file it wrote, into OUT_DIR. Two snapshots made by
# two builds are compared with `diff -r`, so a refactoring can show that
# nothing a user sees changed:
#
#   benches/snapshot.sh target/release/scenepal /tmp/before
#   ... change, rebuild ...
#   benches/snapshot.sh target/release/scenepal /tmp/after && diff -r /tmp/before /tmp/after
#
# Run from the repository root. The batch summary's timing is masked.
set -uo pipefail
bin=$(realpath "$1")
out=$2
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
run() {
    n=$((n + 1))
    local case="$out/$(printf '%03d' $n)"
    mkdir -p "$case"
    printf "%s\n" "$*" | sed -e "s|$bin|scenepal|g" -e "s|$work|WORK|g" >"$case/command"
    rm -rf "$work/out"
    mkdir -p "$work/out"
    (eval "$@") >"$case/stdout" 2>"$case/stderr" </dev/null
    echo $? >"$case/status"
    sed -i -E -e 's/, [0-9]+\.[0-9]+ s$/, T s/' -e "s|$work|WORK|g" "$case/stderr" "$case/stdout"
    cp -r "$work/out" "$case/files"
}
f=fixtures
s=$bin
for img in $f/china_320.jpg $f/flower_320.jpg $f/chelsea_225.png $f/nuthatch_960.jpg \
    $f/five_stripes.png $f/two_colors.png $f/transparent.png $f/cmyk.jpg $f/gray16.png \
    $f/grayscale.png $f/indexed.png $f/formats/*; do
    run "$s -f json $img"
done
for fmt in hex rgb json csv gpl css; do
    run "$s -k 4 -f $fmt $f/china_320.jpg"
    run "$s -k 4 -f $fmt --merge $f/china_320.jpg $f/flower_320.jpg"
done
for fmt in hex rgb json csv; do
    run "$s -q -k 3 -f $fmt $f/china_320.jpg $f/missing.png $f/flower_320.jpg"
done
run "$s -k 3 $f/china_320.jpg $f"
for space in oklab lab rgb; do
    for alg in kmeans bucket; do
        run "$s -f json --space $space -a $alg -k 7 $f/nuthatch_960.jpg"
    done
done
for sort in hue lightness frequency none; do
    run "$s -f json -s $sort -k 6 --seed 7 $f/flower_320.jpg"
done
run "$s -f json -k 1 $f/chelsea_225.png"
run "$s -f json -k 256 $f/chelsea_225.png"
run "$s -f json --alpha-threshold 0 $f/transparent.png"
run "$s -f json --alpha-threshold 255 $f/transparent.png"
run "$s -f json --merge --merge-weight image $f/china_320.jpg $f/chelsea_225.png $f/five_stripes.png"
run "$s -f json --merge --merge-weight pixel $f/china_320.jpg $f/chelsea_225.png $f/five_stripes.png"
run "$s --swatch $work/out/card.png $f/china_320.jpg"
run "$s --swatch $work/out/strip.png --swatch-style strip $f/china_320.jpg"
run "$s --swatch $work/out/prop.png --swatch-style strip --proportional -k 12 --swatch-width 400 $f/flower_320.jpg"
run "$s -k 24 --swatch $work/out/card24.png --proportional $f/nuthatch_960.jpg"
run "$s --plot $work/out/plot.png $f/flower_320.jpg"
run "$s --plot $work/out/plot.svg $f/flower_320.jpg"
run "$s --swatch - $f/five_stripes.png"
run "$s --plot - $f/five_stripes.png"
run "$s --merge --swatch $work/out/merged.png --swatch-style strip --plot $work/out/merged-plot.png $f/china_320.jpg $f/flower_320.jpg"
run "$s -q --swatch-dir $work/out/cards $f/china_320.jpg $f/missing.png $f/chelsea_225.png"
run "$s -q --barcode $work/out/barcode.png $f/china_320.jpg $f/missing.png $f/chelsea_225.png $f/flower_320.jpg"
run "$s -q --merge --barcode $work/out/barcode.png $f/china_320.jpg $f/chelsea_225.png"
run "$s -f json $f/china_320.jpg $f/flower_320.jpg > $work/golden.jsonl; $s --check $work/golden.jsonl $f/china_320.jpg $f/flower_320.jpg"
run "$s -f json $f/china_320.jpg $f/flower_320.jpg > $work/golden.jsonl; $s --check $work/golden.jsonl -k 9 $f/china_320.jpg $f/flower_320.jpg"
run "$s $f/china_320.jpg > $work/golden.hex; $s --check $work/golden.hex $f/flower_320.jpg"
run "$s $f/china_320.jpg > $work/golden.hex; $s --check $work/golden.hex --tolerance 100 --fraction-tolerance 1 $f/flower_320.jpg"
run "$s --check $f/README.md $f/china_320.jpg"
run "$s -k 3 - < $f/china_320.jpg"
run "printf '%s\n' $f/china_320.jpg $f/flower_320.jpg | $s -k 3 --files-from -"
run "printf '%s\0' $f/china_320.jpg $f/flower_320.jpg | $s -k 3 --files-from - -0"
run "$s --max-pixels 100 $f/china_320.jpg"
run "$s --max-bytes 100 $f/china_320.jpg"
run "$s $f/missing.png"
run "$s $f/README.md"
run "$s $f"
run "$s"
run "$s -k 0 $f/china_320.jpg"
run "$s -k 300 $f/china_320.jpg"
run "$s -f gpl $f/china_320.jpg $f/flower_320.jpg"
run "$s --swatch x.png $f/china_320.jpg $f/flower_320.jpg"
run "$s --merge --swatch x.png $f/china_320.jpg $f/flower_320.jpg"
run "$s --swatch - --plot - $f/china_320.jpg"
run "$s --swatch /nonexistent/dir/x.png $f/china_320.jpg"
run "head -c 3000 $f/china_320.jpg > $work/cut.jpg; $s $work/cut.jpg"
run "$s --color always -k 3 $f/china_320.jpg"
run "NO_COLOR=1 $s --color auto -k 3 $f/china_320.jpg"
run "$s --help"
run "$s -h"
run "$s --version"
run "$s --man"
for sh in bash zsh fish; do run "$s --completions $sh"; done
run "$s -j 1 -f json $f/nuthatch_960.jpg > $work/a; $s -j 2 -f json $f/nuthatch_960.jpg > $work/b; cmp $work/a $work/b && echo same"
# The documents' pictures, when the corpus has been fetched (benches/corpus.sh).
corpus=${SCENEPAL_CORPUS:-target/corpus}
if [ -d $corpus ]; then
    run "$s --swatch $work/out/colorful_cups-card.png --swatch-width 800 --plot $work/out/colorful_cups-plot.png $corpus/colorful_cups.jpg"
    run "$s --swatch $work/out/coffee-strip.png --swatch-style strip --proportional -k 12 $corpus/coffee.png"
fi
echo "$n cases in $out"
