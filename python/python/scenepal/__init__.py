"""scenepal: the k colours that best represent an image, exact and fast.

    >>> import scenepal
    >>> p = scenepal.palette("photo.jpg", k=5)
    >>> [c.hex for c in p]

Everything is implemented in Rust (``scenepal._scenepal``); this file only
re-exports it. See the README for the tour and the API.
"""

from scenepal._scenepal import (
    ArgumentError,
    Color,
    DecodeError,
    Error,
    Histogram,
    LimitError,
    Palette,
    cloud,
    film,
    palette,
    palettes,
)

__all__ = [
    "ArgumentError",
    "Color",
    "DecodeError",
    "Error",
    "Histogram",
    "LimitError",
    "Palette",
    "cloud",
    "film",
    "palette",
    "palettes",
]
