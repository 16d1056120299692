"""What an uploaded image really is: a PNG or a baseline/progressive JPEG, checked from its bytes
(pure; no image library). Logos are served to every browser, so a file is taken only when its
whole structure is what its first bytes claim: a PNG's chunks (CRCs, IHDR first, IEND last,
nothing after) and its pixel data inflated to the exact size its header implies; a JPEG's
segments up to its frame header, its scan and its end marker. Anything else (SVG above all: it
can carry script) is refused."""

from __future__ import annotations

import struct
import zlib

import msgspec

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
# The file name extension of each type a logo may have.
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}
MAX_SIDE = 2048  # pixels: a logo, not a photo; bounds the PNG inflate below too


class ImageInfo(msgspec.Struct, frozen=True):
    mime: str  # image/png or image/jpeg
    width: int
    height: int


class NotAnImage(ValueError):
    """Not a PNG or JPEG at all (an unsupported type: a 415)."""


class BrokenImage(ValueError):
    """Claims to be a PNG or JPEG but is not a whole, valid one (a 400); says what is wrong."""


def probe(data: bytes) -> ImageInfo:
    """The image's type and size, or NotAnImage / BrokenImage."""
    if data.startswith(PNG_MAGIC):
        return _png(data)
    if data.startswith(JPEG_MAGIC):
        return _jpeg(data)
    raise NotAnImage("only PNG and JPEG images are accepted (not SVG, GIF, WebP or others)")


def _side(kind: str, width: int, height: int) -> None:
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise BrokenImage(f"{kind}: {width}x{height} pixels; each side is 1 to {MAX_SIDE}")


# PNG colour type -> (samples per pixel, allowed bit depths)
_PNG_TYPES = {
    0: (1, (1, 2, 4, 8, 16)),
    2: (3, (8, 16)),
    3: (1, (1, 2, 4, 8)),
    4: (2, (8, 16)),
    6: (4, (8, 16)),
}


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, at = [], len(PNG_MAGIC)
    while at < len(data):
        if at + 12 > len(data):
            raise BrokenImage("PNG: a truncated chunk")
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        end = at + 12 + length
        if end > len(data):
            raise BrokenImage("PNG: a chunk runs past the end of the file")
        body = data[at + 8 : end - 4]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            raise BrokenImage(f"PNG: bad checksum in a {kind!r} chunk")
        chunks.append((kind, body))
        at = end
        if kind == b"IEND":
            break
    if at != len(data):
        raise BrokenImage("PNG: bytes after the IEND chunk")
    return chunks


def _png(data: bytes) -> ImageInfo:
    chunks = _png_chunks(data)
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        raise BrokenImage("PNG: the first chunk is not a 13-byte IHDR")
    if chunks[-1][0] != b"IEND":
        raise BrokenImage("PNG: no IEND chunk at the end")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1]
    )
    _side("PNG", width, height)
    kind = _PNG_TYPES.get(colour)
    if kind is None or depth not in kind[1] or compression or filtering or interlace > 1:
        raise BrokenImage("PNG: an invalid IHDR (colour type, bit depth or method)")
    if colour == 3 and not any(k == b"PLTE" for k, _ in chunks):
        raise BrokenImage("PNG: a palette image without a PLTE chunk")
    kinds = [k for k, _ in chunks]
    if b"IDAT" not in kinds:
        raise BrokenImage("PNG: no image data (IDAT)")
    first = kinds.index(b"IDAT")
    last = len(kinds) - 1 - kinds[::-1].index(b"IDAT")
    if any(k != b"IDAT" for k in kinds[first : last + 1]):
        raise BrokenImage("PNG: the IDAT chunks are not consecutive")
    _inflate_exactly(
        b"".join(b for k, b in chunks if k == b"IDAT"),
        _png_raw_size(width, height, depth, kind[0], interlace),
    )
    return ImageInfo("image/png", width, height)


def _png_raw_size(width: int, height: int, depth: int, samples: int, interlace: int) -> int:
    """Bytes of the filtered scanlines (a filter byte per row), Adam7 passes when interlaced."""

    def rows(w: int, h: int) -> int:
        return 0 if w == 0 or h == 0 else h * (1 + (w * depth * samples + 7) // 8)

    if not interlace:
        return rows(width, height)
    passes = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2))
    total = sum(
        rows((width - x + dx - 1) // dx, (height - y + dy - 1) // dy) for x, y, dx, dy in passes
    )
    return total + rows(width, height // 2)  # the 7th pass: every odd row, whole


def _inflate_exactly(stream: bytes, size: int) -> None:
    inflater = zlib.decompressobj()
    try:
        # At most one byte more than expected is inflated: a bomb stops there.
        out = inflater.decompress(stream, size + 1)
    except zlib.error as exc:
        raise BrokenImage(f"PNG: the image data is not valid zlib ({exc})") from None
    if len(out) != size or not inflater.eof or inflater.unconsumed_tail or inflater.unused_data:
        raise BrokenImage("PNG: the image data does not match the size in its header")


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> ImageInfo:
    at, size = 2, None
    while True:
        if at + 4 > len(data) or data[at] != 0xFF:
            raise BrokenImage("JPEG: a truncated or malformed segment")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if length < 2 or at + 2 + length > len(data):
            raise BrokenImage("JPEG: a segment runs past the end of the file")
        body = data[at + 4 : at + 2 + length]
        at += 2 + length
        if marker in _SOF:
            if len(body) < 6 or body[5] not in (1, 3, 4) or len(body) != 6 + 3 * body[5]:
                raise BrokenImage("JPEG: an invalid frame header")
            height, width = struct.unpack(">HH", body[1:5])
            _side("JPEG", width, height)
            size = (width, height)
        elif marker == 0xDA:  # start of scan: entropy-coded data follows
            if size is None:
                raise BrokenImage("JPEG: a scan before any frame header")
            break
        elif marker in (0xD8, 0xD9) or 0xD0 <= marker <= 0xD7:
            raise BrokenImage("JPEG: a marker out of place")
    # The scans (progressive files have several) end at the end-of-image marker, the last bytes.
    if not data.endswith(b"\xff\xd9") or data.find(b"\xff\xd9", at) != len(data) - 2:
        raise BrokenImage("JPEG: no end-of-image marker at the end, or bytes after it")
    return ImageInfo("image/jpeg", size[0], size[1])
