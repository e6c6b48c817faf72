"""scenepal.palette: the CLI's records byte for byte, every input type
agreeing, the alpha threshold, the errors, the GIL, the notebook strip and
the swatch pictures."""

import io
import json
import threading
import time

import numpy as np
import pytest
from PIL import Image

import scenepal
from conftest import FIXTURES, run_cli

STILLS = ["fixtures/china_320.jpg", "fixtures/chelsea_225.png", "fixtures/flower_320.jpg",
          "fixtures/transparent.png", "fixtures/grayscale.png", "fixtures/five_stripes.png"]

# (Python keyword arguments, the same options on the command line)
RECIPES = [
    ({"k": 5}, ["-k", "5"]),
    ({}, []),
    ({"k": "auto"}, ["-k", "auto"]),
    ({"k": 4, "algorithm": "bucket"}, ["-k", "4", "-a", "bucket"]),
    ({"k": 6, "space": "lab", "sort": "frequency", "seed": 7},
     ["-k", "6", "--space", "lab", "-s", "frequency", "--seed", "7"]),
    ({"k": 3, "exclude": ("#000000:5", "white"), "names": True},
     ["-k", "3", "--exclude", "#000000:5", "--exclude", "white", "--names"]),
    ({"alpha_threshold": 1}, ["--alpha-threshold", "1"]),
    ({"k": 4, "color_manage": False}, ["-k", "4", "--no-color-manage"]),
]


@pytest.mark.parametrize("still", STILLS)
@pytest.mark.parametrize("kwargs,flags", RECIPES)
def test_to_json_is_the_cli_record_byte_for_byte(still, kwargs, flags):
    p = scenepal.palette(still, **kwargs)
    expected = run_cli(*flags, "-f", "json", still)
    assert p.to_json() == expected
    assert p.to_dict() == json.loads(expected)


def test_fast_and_auto_records_match_the_cli_on_a_large_still():
    still = "fixtures/nuthatch_960.jpg"
    p = scenepal.palette(still, k="auto", fast=True)
    assert p.to_json() == run_cli("-k", "auto", "--fast", "-f", "json", still)
    assert p.to_dict()["exact"] is False


def test_palette_is_a_sequence_of_colors():
    p = scenepal.palette("fixtures/five_stripes.png", k=5)
    record = p.to_dict()
    assert len(p) == 5 == p.k
    assert [c.hex for c in p] == [c["hex"] for c in record["colors"]]
    assert [list(c.rgb) for c in p] == [c["rgb"] for c in record["colors"]]
    assert [round(c.fraction, 6) for c in p] == [c["fraction"] for c in record["colors"]]
    assert p[-1] == p[4] and p[1:3] == [p[1], p[2]]
    assert (p.width, p.height) == (record["width"], record["height"])
    assert round(p.mse, 3) == record["mse"]
    with pytest.raises(IndexError):
        p[5]
    named = scenepal.palette("fixtures/five_stripes.png", k=5, names=True).to_dict()
    assert [c.name for c in p] == [c["name"] for c in named["colors"]]


def _colors(p):
    record = p.to_dict()
    return record["colors"], record["mse"], record["pixels"]


def test_path_bytes_numpy_and_pil_inputs_agree():
    # A PNG without a colour profile: the file's values are its pixels.
    path = FIXTURES / "chelsea_225.png"
    expected = _colors(scenepal.palette(str(path), k=6))
    rgb = np.asarray(Image.open(path).convert("RGB"))
    assert rgb.flags["C_CONTIGUOUS"]
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    flipped = np.ascontiguousarray(rgb[:, ::-1])[:, ::-1]  # negative strides
    inputs = {
        "pathlike": path,
        "bytes": path.read_bytes(),
        "bytearray": bytearray(path.read_bytes()),
        "numpy rgb": rgb,
        "numpy rgba": rgba,
        "numpy strided view of rgba": rgba[:, :, :3],
        "numpy negative strides": flipped,
        "pil": Image.open(path),
        "pil palette mode": Image.open(path).convert("P"),
    }
    assert not inputs["numpy strided view of rgba"].flags["C_CONTIGUOUS"]
    for name, image in inputs.items():
        got = scenepal.palette(image, k=6)
        if name == "pil palette mode":
            # Quantised to 256 colours by PIL: another image, still read.
            assert len(got) == 6
            continue
        assert _colors(got) == expected, name
    assert scenepal.palette(path.read_bytes(), k=6).to_dict()["path"] is None


def test_rgba_arrays_honour_the_alpha_threshold():
    image = np.zeros((10, 10, 4), np.uint8)
    image[:, :5] = (255, 0, 0, 40)  # faint red
    image[:, 5:] = (0, 0, 255, 255)  # opaque blue
    p = scenepal.palette(image, k=2)
    assert [(c.hex, c.fraction) for c in p] == [("#0000ff", 1.0)]
    assert p.pixels == 50
    both = scenepal.palette(image, k=2, alpha_threshold=40)
    assert sorted((c.hex, c.fraction) for c in both) == [("#0000ff", 0.5), ("#ff0000", 0.5)]
    # As the CLI counts the same pixels from a PNG.
    png = io.BytesIO()
    Image.fromarray(image, "RGBA").save(png, "PNG")
    assert _colors(scenepal.palette(png.getvalue(), k=2)) == _colors(p)
    with pytest.raises(scenepal.Error, match="no pixel is opaque enough to count"):
        scenepal.palette(image[:, :5], k=2)
    with pytest.raises(scenepal.Error, match="every pixel is of an excluded colour"):
        scenepal.palette(image, k=2, exclude=["blue"])


def test_errors_are_scenepal_exceptions_with_the_library_message(tmp_path):
    with pytest.raises(scenepal.DecodeError, match="not a recognised image") as e:
        scenepal.palette(b"not an image")
    assert isinstance(e.value, scenepal.Error)
    damaged = tmp_path / "cut.jpg"
    damaged.write_bytes((FIXTURES / "china_320.jpg").read_bytes()[:2000])
    with pytest.raises(scenepal.DecodeError, match="truncated"):
        scenepal.palette(damaged)
    with pytest.raises(scenepal.DecodeError, match="empty file"):
        scenepal.palette(b"")
    with pytest.raises(FileNotFoundError) as missing:
        scenepal.palette(tmp_path / "missing.png")
    assert missing.value.filename == str(tmp_path / "missing.png")
    with pytest.raises(scenepal.LimitError, match=r"320×213 = 68160 pixels, more than the limit of 1000"):
        scenepal.palette("fixtures/china_320.jpg", max_pixels=1000)
    with pytest.raises(scenepal.LimitError):
        scenepal.palette(np.zeros((40, 40, 3), np.uint8), max_pixels=1000)
    for k in (0, 257, -3):
        with pytest.raises(ValueError, match="the number of colours must be between 1 and 256") as bad:
            scenepal.palette("fixtures/china_320.jpg", k=k)
        assert isinstance(bad.value, scenepal.ArgumentError)
        assert isinstance(bad.value, scenepal.Error)
    bad_arguments = [
        ({"k": "many"}, "k must be a number of colours or \"auto\""),
        ({"space": "hsv"}, "space must be one of"),
        ({"sort": "random"}, "sort must be one of"),
        ({"algorithm": "dbscan"}, "algorithm must be one of"),
        ({"exclude": "#000000"}, "exclude must be a sequence of colours"),
        ({"exclude": ["nocolour"]}, "is not a colour"),
    ]
    for kwargs, message in bad_arguments:
        with pytest.raises(scenepal.ArgumentError, match=message):
            scenepal.palette("fixtures/china_320.jpg", **kwargs)
    with pytest.raises(scenepal.ArgumentError, match="shape"):
        scenepal.palette(np.zeros((4, 4), np.uint8))
    with pytest.raises(scenepal.ArgumentError, match="dtype uint8"):
        scenepal.palette(np.zeros((4, 4, 3), np.float32))
    with pytest.raises(scenepal.ArgumentError, match="an image is a path"):
        scenepal.palette(42)
    with pytest.raises(TypeError, match="colours"):
        scenepal.palette("fixtures/china_320.jpg", colours=3)


def test_the_gil_is_released_while_a_palette_is_made():
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 256, (1500, 2000, 3), dtype=np.uint8)
    took = []

    def work():
        start = time.perf_counter()
        scenepal.palette(noise, k=64)
        took.append(time.perf_counter() - start)

    worker = threading.Thread(target=work)
    ticks = []
    worker.start()
    while worker.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    worker.join()
    assert took[0] > 0.3, "the palette must take long enough to tell"
    gaps = np.diff(ticks)
    # This thread ran all along: no pause as long as the palette.
    assert len(ticks) > 50 and gaps.max() < took[0] / 3, (len(ticks), gaps.max(), took[0])


def test_repr_html_shows_every_hex_code():
    p = scenepal.palette("fixtures/flower_320.jpg", k=12)
    html = p._repr_html_()
    assert len(p) == 12
    for c in p:
        assert html.count(c.hex) >= 2  # the cell's colour and its label
    assert repr(p).startswith("Palette([")


@pytest.mark.parametrize("style", ["card", "strip"])
def test_swatch_is_the_cli_picture(tmp_path, style):
    still = "fixtures/china_320.jpg"
    cli_png = tmp_path / "cli.png"
    run_cli("-k", "5", "--swatch", cli_png, "--swatch-style", style, "--swatch-width", "600", still)
    p = scenepal.palette(still, k=5)
    ours = p.swatch(style=style, width=600)
    expected = np.asarray(Image.open(cli_png))
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(ours))), expected)
    p.swatch(tmp_path / "ours.png", style=style, width=600)
    assert np.array_equal(np.asarray(Image.open(tmp_path / "ours.png")), expected)
    with pytest.raises(scenepal.ArgumentError, match="style"):
        p.swatch(style="poster")
    with pytest.raises(scenepal.ArgumentError, match="width"):
        p.swatch(width=10)


def test_numpy_card_shows_the_array():
    image = np.zeros((50, 400, 3), np.uint8)
    image[:, 200:] = (200, 30, 30)
    card = Image.open(io.BytesIO(scenepal.palette(image, k=2).swatch(width=200)))
    assert card.width == 200
    assert card.getpixel((10, 10)) == (0, 0, 0) and card.getpixel((190, 10)) == (200, 30, 30)
