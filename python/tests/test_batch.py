"""palettes(), Histogram and cloud(): batches in input order for any jobs,
the histogram monoid of `scenepal --merge`, and the pixel cloud."""

import itertools
import sys

import numpy as np
import pytest

import scenepal
from conftest import run_cli

STILLS = ["fixtures/china_320.jpg", "fixtures/chelsea_225.png", "fixtures/flower_320.jpg",
          "fixtures/transparent.png", "fixtures/grayscale.png"]


def test_palettes_are_in_input_order_for_any_jobs_and_failures_are_values():
    images = STILLS + [b"not an image", "fixtures/missing.png", 3.5] + STILLS[:2]
    expected = run_cli("-k", "4", "-f", "json", *STILLS).splitlines()
    for jobs in (1, 3, None):
        results = list(scenepal.palettes(iter(images), jobs=jobs, k=4))
        assert len(results) == len(images)
        assert [r.to_json() for r in results[:5]] == expected
        assert [r.to_json() for r in results[-2:]] == expected[:2]
        decode, missing, wrong = results[5:8]
        assert isinstance(decode, scenepal.DecodeError) and "not a recognised image" in str(decode)
        assert isinstance(missing, FileNotFoundError)
        assert isinstance(wrong, scenepal.ArgumentError)
    with pytest.raises(TypeError):
        scenepal.palettes(STILLS, colours=3)


def test_histograms_add_in_any_order_and_split_to_the_merge_palette():
    parts = [scenepal.Histogram.of(s) for s in STILLS]
    whole = sum(parts)
    assert whole.images == 5
    for order in itertools.permutations(range(5), 5):
        h = [parts[i] for i in order]
        assert h[0] + h[1] + h[2] + h[3] + h[4] == whole
        assert (h[0] + h[1]) + (h[2] + (h[3] + h[4])) == whole
    assert sum(parts, scenepal.Histogram()) == whole
    assert whole.to_json() == run_cli("--merge", "-f", "histogram", *STILLS)
    assert whole.palette(6).to_json() == run_cli("--merge", "-k", "6", "-f", "json", *STILLS)
    assert scenepal.Histogram.from_json(whole.to_json()) == whole
    image = sum(scenepal.Histogram.of(s, merge_weight="image", space="lab") for s in STILLS)
    assert image.palette(4, sort="frequency").to_json() == run_cli(
        "--merge", "--merge-weight", "image", "--space", "lab", "-k", "4", "-s", "frequency",
        "-f", "json", *STILLS)


def test_histograms_of_different_options_do_not_add():
    a = scenepal.Histogram.of(STILLS[0])
    b = scenepal.Histogram.of(STILLS[1], space="rgb")
    with pytest.raises(scenepal.Error, match="different options"):
        a + b
    with pytest.raises(scenepal.Error, match="not a scenepal histogram"):
        scenepal.Histogram.from_json('{"colors": []}')
    with pytest.raises(scenepal.Error, match="nothing to merge"):
        scenepal.Histogram().palette()


def test_cloud_without_plotly_is_an_array_of_pixels_and_palette_indices(monkeypatch):
    monkeypatch.setitem(sys.modules, "plotly", None)
    monkeypatch.setitem(sys.modules, "plotly.graph_objects", None)
    cloud = scenepal.cloud("fixtures/china_320.jpg", n=500, k=5)
    assert cloud.shape == (500, 4) and cloud.dtype == np.uint8
    assert np.array_equal(cloud, scenepal.cloud("fixtures/china_320.jpg", n=500, k=5))
    assert not np.array_equal(cloud, scenepal.cloud("fixtures/china_320.jpg", n=500, k=5, seed=1))
    assert set(cloud[:, 3]) == set(range(5))
    # Each pixel's index is its nearest palette colour (in sRGB nearly always
    # as in Oklab): most pixels agree.
    p = scenepal.palette("fixtures/china_320.jpg", k=5)
    centres = np.array([c.rgb for c in p], float)
    d = ((cloud[:, None, :3].astype(float) - centres[None]) ** 2).sum(-1)
    assert (d.argmin(1) == cloud[:, 3]).mean() > 0.9


def test_cloud_with_plotly_is_a_figure_of_pixels_and_palette():
    pytest.importorskip("plotly")
    figure = scenepal.cloud("fixtures/china_320.jpg", n=300, k=5)
    pixels, palette = figure.data
    assert len(pixels.x) == 300
    assert list(palette.marker.color) == [c.hex for c in scenepal.palette("fixtures/china_320.jpg", k=5)]
