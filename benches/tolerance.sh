#!/usr/bin/env bash
# The --check tolerance, measured: for each still, the earth mover's distance
# (and the largest colour-by-colour ΔE) between its palette and the palette
# of each re-encode and each edit, one TSV row a case. The default tolerance
# (src/cli/check.rs, docs/guide.md) was chosen on this table over the
# corpus (benches/corpus.sh) and the four golden-file fixtures.
#
#     benches/tolerance.sh target/debug/scenepal target/corpus/*.{jpg,png} > tolerance.tsv
#
# Needs ImageMagick's convert and identify (apt-get install imagemagick).
set -euo pipefail
bin="$(realpath "$1")"
shift
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# case name -> convert options (and the extension they are written as)
cases=(
    "jpeg_q95|-quality 95|jpg" "jpeg_q90|-quality 90|jpg" "jpeg_q80|-quality 80|jpg"
    "jpeg_q70|-quality 70|jpg" "jpeg_q50|-quality 50|jpg" "webp_q80|-quality 80|webp"
    "png_8bit_palette|-colors 256|png" "resize_50|-resize 50%|png"
    "bright_5|-modulate 105,100,100|png" "bright_10|-modulate 110,100,100|png"
    "sat_20|-modulate 100,120,100|png" "hue_5deg|-modulate 100,100,97.2|png"
    "hue_10deg|-modulate 100,100,94.4|png" "gamma_1.1|-gamma 1.1|png"
    "grey|-colorspace Gray -colorspace sRGB|png"
    "crop_10|-gravity center -crop 90%x90%+0+0 +repage|png"
    "red_box_2|0.02|png" "red_box_5|0.05|png"
)
printf 'image\tcase\temd\tmax_delta_e\n'
for src in "$@"; do
    name=$(basename "${src%.*}")
    d="$work/$name"
    mkdir -p "$d"
    convert "$src" "$d/orig.png"
    "$bin" -q -f json "$d/orig.png" > "$d/golden.json"
    w=$(identify -format %w "$d/orig.png")
    h=$(identify -format %h "$d/orig.png")
    for c in "${cases[@]}"; do
        IFS='|' read -r case opts ext <<< "$c"
        out="$d/$case.$ext"
        case $case in
            # A red square covering 2% or 5% of the still, in a corner.
            red_box_*)
                side=$(awk -v a="$opts" -v w="$w" -v h="$h" 'BEGIN { printf "%d", sqrt(a * w * h) }')
                convert "$d/orig.png" -fill '#e02020' -draw "rectangle 0,0 $side,$side" "$out" ;;
            *) # shellcheck disable=SC2086
                convert "$d/orig.png" $opts "$out" ;;
        esac
        report=$("$bin" -q -f json --check "$d/golden.json" --tolerance 1000 "$out")
        emd=$(sed -n 's/.*"emd":\([0-9.e-]*\).*/\1/p' <<< "$report")
        max=$(sed -n 's/.*"max_delta_e":\([0-9.e-]*\).*/\1/p' <<< "$report")
        printf '%s\t%s\t%s\t%s\n' "$name" "$case" "$emd" "$max"
    done
done
