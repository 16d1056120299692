"""PNG files built byte by byte (no image library), and ways to break them."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

IMAGES = Path(__file__).resolve().parent / "images"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def ihdr(width: int, height: int, depth: int = 8, colour: int = 2) -> bytes:
    return chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))


def png(width: int, height: int, *, pixels: bytes | None = None) -> bytes:
    """An RGB PNG; ``pixels``: the raw filtered scanlines, a gradient when not given."""
    if pixels is None:
        rows = [
            b"\x00" + bytes(v for x in range(width) for v in (x * 5 % 256, y * 7 % 256, 128))
            for y in range(height)
        ]
        pixels = b"".join(rows)
    return (
        PNG_MAGIC
        + ihdr(width, height)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )
