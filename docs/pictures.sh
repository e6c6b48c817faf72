#!/usr/bin/env bash
# Remakes the pictures of the README and the guide (docs/*.png) from the
# benchmark corpus, which benches/corpus.sh fetches into target/corpus/ (or
# the folder SCENEPAL_CORPUS names) if it is not there yet. The gallery's
# screenshot needs a headless Chromium (chromium-headless-shell or chromium).
#
#   docs/pictures.sh [SCENEPAL]      (default: target/release/scenepal)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
s=$(realpath "${1:-target/release/scenepal}")
corpus=${SCENEPAL_CORPUS:-target/corpus}
SCENEPAL_CORPUS=$corpus benches/corpus.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$s" -q --swatch docs/colorful_cups-card.png --swatch-width 800 \
     --plot docs/colorful_cups-plot.png "$corpus/colorful_cups.jpg" > /dev/null
"$s" -q --swatch docs/coffee-strip.png --swatch-style strip --proportional -k 12 \
     "$corpus/coffee.png" > /dev/null
"$s" -q --every 100ms --barcode docs/film-barcode.png --barcode-style stacked \
     --barcode-height 160 "$corpus/video/bigbuckbunny.mp4" > /dev/null
"$s" -q --merge --every 100ms --swatch docs/film-palette.png --swatch-style strip \
     "$corpus/video/bigbuckbunny.mp4" > /dev/null

# The gallery of five stills, photographed in a headless browser.
mkdir "$work/docs-stills"
cp "$corpus"/{astronaut.png,china.jpg,coffee.png,flower.jpg,rocket.jpg} "$work/docs-stills/"
(cd "$work" && "$s" -q --html gallery.html docs-stills > /dev/null)
browser=$(command -v chromium-headless-shell || command -v chromium)
"$browser" --no-sandbox --hide-scrollbars --window-size=1000,1560 \
    --screenshot="$work/gallery.png" "file://$work/gallery.html" 2> /dev/null
mv "$work/gallery.png" docs/gallery.png
echo "pictures: docs/*.png remade from $corpus" >&2
