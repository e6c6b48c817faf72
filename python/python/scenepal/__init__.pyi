"""Type stubs of scenepal (the module is implemented in Rust)."""

import os
from typing import Any, Iterable, Iterator, Literal, Optional, Sequence, Tuple, Union, overload

import numpy as np
import numpy.typing as npt

Image = Union[str, os.PathLike[str], bytes, bytearray, npt.NDArray[np.uint8], Any]
"""A path, encoded bytes, a NumPy uint8 array (H, W, 3) or (H, W, 4), or a PIL image."""

Algorithm = Literal["kmeans", "bucket"]
Space = Literal["oklab", "lab", "rgb"]
Sort = Literal["hue", "lightness", "frequency", "none"]

class Error(Exception):
    """Anything scenepal cannot do with an input, with the library's message."""

class DecodeError(Error):
    """The input is not an image scenepal can decode."""

class LimitError(Error):
    """The image is larger than the limit in force (max_pixels)."""

class ArgumentError(Error, ValueError):
    """An argument scenepal cannot use (a bad k, an unknown space)."""

class Color:
    """One palette colour."""

    @property
    def hex(self) -> str:
        """`#rrggbb`."""
    @property
    def rgb(self) -> Tuple[int, int, int]:
        """(r, g, b), 0-255."""
    @property
    def fraction(self) -> float:
        """Share of the counted pixels nearest to this colour."""
    @property
    def name(self) -> str:
        """The nearest CSS colour name (CIEDE2000)."""

class Palette(Sequence[Color]):
    """An image's palette: a sequence of Color, with its record."""

    @overload
    def __getitem__(self, index: int) -> Color: ...
    @overload
    def __getitem__(self, index: slice) -> list[Color]: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Color]: ...
    @property
    def colors(self) -> list[Color]: ...
    @property
    def mse(self) -> float:
        """Mean squared sRGB distance of the counted pixels to their nearest colour."""
    @property
    def k(self) -> int:
        """Colours asked for (or chosen, with k="auto")."""
    @property
    def width(self) -> Optional[int]: ...
    @property
    def height(self) -> Optional[int]: ...
    @property
    def pixels(self) -> int:
        """Counted pixels."""
    def to_dict(self) -> dict[str, Any]:
        """Exactly the CLI's JSON record."""
    def to_json(self) -> str:
        """The CLI's `-f json` record, one line."""
    @overload
    def swatch(
        self, path: None = None, style: Literal["card", "strip"] = "card", width: int = 1000
    ) -> bytes: ...
    @overload
    def swatch(
        self,
        path: Union[str, os.PathLike[str]],
        style: Literal["card", "strip"] = "card",
        width: int = 1000,
    ) -> None: ...
    def _repr_html_(self) -> str: ...

class Histogram:
    """Colour bins of one image or many; `+` adds them exactly (any order)."""

    def __init__(
        self,
        *,
        merge_weight: Literal["pixel", "image"] = "pixel",
        space: Space = "oklab",
        alpha_threshold: int = 128,
        exclude: Iterable[str] = (),
    ) -> None: ...
    @staticmethod
    def of(
        image: Image,
        *,
        merge_weight: Literal["pixel", "image"] = "pixel",
        space: Space = "oklab",
        alpha_threshold: int = 128,
        exclude: Iterable[str] = (),
        fast: bool = False,
        max_pixels: int = ...,
    ) -> Histogram: ...
    @staticmethod
    def from_json(text: str) -> Histogram:
        """Reads `to_json()` or `scenepal --merge -f histogram` output."""
    def to_json(self) -> str: ...
    def __add__(self, other: Union[Histogram, Literal[0]]) -> Histogram: ...
    def __radd__(self, other: Union[Histogram, Literal[0]]) -> Histogram: ...
    @property
    def images(self) -> int: ...
    @property
    def pixels(self) -> int: ...
    def palette(
        self,
        k: Union[int, Literal["auto"]] = 10,
        *,
        algorithm: Algorithm = "kmeans",
        sort: Sort = "hue",
        seed: int = 42,
        names: bool = False,
    ) -> Palette:
        """The palette of every image added (`scenepal --merge`'s)."""

def palette(
    image: Image,
    k: Union[int, Literal["auto"]] = 10,
    *,
    algorithm: Algorithm = "kmeans",
    space: Space = "oklab",
    sort: Sort = "hue",
    seed: int = 42,
    exclude: Iterable[str] = (),
    names: bool = False,
    fast: bool = False,
    alpha_threshold: int = 128,
    max_pixels: int = ...,
    color_manage: bool = True,
) -> Palette:
    """The palette of `image`: the k colours that best represent it."""

def palettes(
    images: Iterable[Image], *, jobs: Optional[int] = None, **options: Any
) -> Iterator[Union[Palette, Error, OSError]]:
    """Palettes of many images in input order, in parallel; a failed image yields its error."""

def cloud(
    image: Image, n: int = 2000, seed: int = 42, **options: Any
) -> Union[Any, npt.NDArray[np.uint8]]:
    """A plotly Figure of sampled pixels and the palette, or an (n, 4) uint8 array."""

def film(
    path: Union[str, os.PathLike[str]],
    every: Union[str, float, Literal["shot", "key"]] = "1s",
    start: Union[str, float, None] = None,
    end: Union[str, float, None] = None,
    *,
    jobs: Optional[int] = None,
    **options: Any,
) -> Iterator[Tuple[float, Palette]]:
    """(time in seconds, Palette) of a film's sampled frames, through ffmpeg as the CLI reads them."""
