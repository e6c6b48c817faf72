"""scenepal.film: the frames the CLI samples, with the CLI's records."""

import pytest

import scenepal
from conftest import run_cli

FILM = "fixtures/bigbuckbunny_160.mp4"


@pytest.mark.parametrize("jobs", [1, 3])
def test_film_gives_the_cli_records_in_time_order(jobs):
    frames = list(scenepal.film(FILM, every="0.4s", start=0.5, end="00:00:02.5", k=4, jobs=jobs))
    expected = run_cli("-k", "4", "-f", "json", "--every", "0.4s", "--start", "0.5", "--end",
                       "00:00:02.5", FILM).splitlines()
    assert [p.to_json() for _, p in frames] == expected
    assert [t for t, _ in frames] == [0.5, 0.9, 1.3, 1.7, 2.1]
    assert frames[0][1].to_dict()["path"] == FILM + "@00:00:00.500"


def test_film_by_shots_and_defaults_match_the_cli():
    shots = [p.to_json() for _, p in scenepal.film(FILM, every="shot", k=3)]
    assert shots == run_cli("-k", "3", "-f", "json", "--every", "shot", FILM).splitlines()
    every_second = list(scenepal.film(FILM))
    assert len(every_second) == len(run_cli("-f", "json", FILM).splitlines())


def test_film_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        scenepal.film(tmp_path / "missing.mp4")
    not_a_film = tmp_path / "notes.mp4"
    not_a_film.write_text("not a film")
    with pytest.raises(scenepal.DecodeError, match="notes.mp4: ffprobe cannot read this video"):
        scenepal.film(not_a_film)
    with pytest.raises(scenepal.ArgumentError, match="every"):
        scenepal.film(FILM, every="often")
    with pytest.raises(scenepal.ArgumentError, match="is not after the start"):
        scenepal.film(FILM, start=2, end=1)
    with pytest.raises(scenepal.ArgumentError, match="past the video's end"):
        scenepal.film(FILM, start=5)
    with pytest.raises(scenepal.ArgumentError, match="k must be"):
        scenepal.film(FILM, k="many")


def test_keyframes_with_fast_and_every_key_match_the_cli():
    fast = [p.to_json() for _, p in scenepal.film(FILM, fast=True, k=3)]
    assert fast == run_cli("-k", "3", "-f", "json", "--fast", FILM).splitlines()
    assert all(p.to_dict()["exact"] is False for _, p in scenepal.film(FILM, fast=True, k=3))
    keys = [p.to_json() for _, p in scenepal.film(FILM, every="key", k=3)]
    assert keys == run_cli("-k", "3", "-f", "json", "--every", "key", FILM).splitlines()
