"""The image check of logo uploads (arena/images.py) on real files and on files that only look
like images: each way of breaking one is refused, with the reason."""

from __future__ import annotations

import struct
import zlib

import pytest
from image_support import IMAGES, PNG_MAGIC, chunk, ihdr, png

from arena.images import MAX_SIDE, BrokenImage, ImageInfo, NotAnImage, probe


def test_real_pngs_and_jpegs_are_read_with_their_size() -> None:
    assert probe((IMAGES / "python.jpg").read_bytes()) == ImageInfo("image/jpeg", 16, 16)
    assert probe((IMAGES / "interlaced.png").read_bytes()) == ImageInfo("image/png", 91, 69)
    assert probe(png(40, 20)) == ImageInfo("image/png", 40, 20)


def test_svg_and_other_types_are_not_images() -> None:
    for data in (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?><svg/>',
        b"GIF89a\x01\x00\x01\x00",
        b"RIFF\x00\x00\x00\x00WEBPVP8 ",
        b"<html><script>alert(1)</script>",
        b"\x89PNG",  # a prefix of the signature is no PNG
        b"",
    ):
        with pytest.raises(NotAnImage, match="only PNG and JPEG"):
            probe(data)


def _idat_bomb(width: int, height: int) -> bytes:
    # Claims a small image, inflates to far more than its scanlines.
    huge = zlib.compress(b"\x00" * (64 << 20), 9)
    return PNG_MAGIC + ihdr(width, height) + chunk(b"IDAT", huge) + chunk(b"IEND", b"")


BROKEN_PNGS = {
    "magic then garbage": PNG_MAGIC + b"garbage" * 50,
    "bytes after IEND": png(8, 8) + b"<script>alert(1)</script>",
    "a zip appended": png(8, 8) + b"PK\x03\x04" + b"\x00" * 30,
    "bad checksum": png(8, 8)[:-5] + b"\x00" + png(8, 8)[-4:],
    "no IEND": png(8, 8)[: -len(chunk(b"IEND", b""))],
    "no IDAT": PNG_MAGIC + ihdr(8, 8) + chunk(b"IEND", b""),
    "IHDR not first": PNG_MAGIC + chunk(b"tEXt", b"a\x00b") + png(8, 8)[8:],
    "header larger than the data": PNG_MAGIC
    + ihdr(200, 200)
    + chunk(b"IDAT", zlib.compress(b"\x00" * 100))
    + chunk(b"IEND", b""),
    "inflate bomb": _idat_bomb(16, 16),
    "not zlib": PNG_MAGIC + ihdr(8, 8) + chunk(b"IDAT", b"not zlib") + chunk(b"IEND", b""),
    "too wide": PNG_MAGIC + ihdr(MAX_SIDE + 1, 1) + chunk(b"IEND", b""),
    "zero height": PNG_MAGIC + ihdr(8, 0) + chunk(b"IEND", b""),
    "bad bit depth": PNG_MAGIC + ihdr(8, 8, depth=3) + chunk(b"IEND", b""),
    "palette without PLTE": PNG_MAGIC
    + ihdr(8, 8, depth=8, colour=3)
    + chunk(b"IDAT", zlib.compress(b"\x00" * 72))
    + chunk(b"IEND", b""),
    "truncated": png(8, 8)[:40],
    "bytes after the image data's zlib stream": PNG_MAGIC
    + ihdr(8, 8, depth=8, colour=0)
    + chunk(b"IDAT", zlib.compress(b"\x00" * 72) + b"<script>alert(1)</script>")
    + chunk(b"IEND", b""),
}


@pytest.mark.parametrize("name", sorted(BROKEN_PNGS))
def test_broken_pngs_are_refused(name: str) -> None:
    with pytest.raises(BrokenImage, match="PNG"):
        probe(BROKEN_PNGS[name])


def test_broken_jpegs_are_refused() -> None:
    good = (IMAGES / "python.jpg").read_bytes()
    sof = good.index(b"\xff\xc0")
    wide = good[: sof + 5] + struct.pack(">HH", 16, MAX_SIDE + 1) + good[sof + 9 :]
    broken = {
        "no end marker": good[:-2],
        "bytes after the end": good + b"<script>alert(1)</script>",
        "an archive after the end": good + b"PK\x03\x04" + b"\x00" * 30,
        "magic then garbage": b"\xff\xd8\xff" + b"garbage" * 40,
        "cut in a segment": good[:30],
        "too wide": wide,
        "scan before frame": b"\xff\xd8\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\xff\xd9",
    }
    for name, data in broken.items():
        with pytest.raises(BrokenImage, match="JPEG"):
            probe(data)
        assert name
