"""Pictures without what the camera or editor wrote about them (place, device, author).

A photo's EXIF block can hold where it was taken (GPS), when, with which device and by
whom; XMP and IPTC blocks hold authors and captions. The picture itself is kept byte for
byte: only those blocks are cut out, without decoding or compressing the image again.
A file that does not parse is returned as it was (it shows the same either way).
"""

from __future__ import annotations

import struct

_JPEG_SOI = b"\xff\xd8"
# JPEG segments that only describe the picture: APP1 (EXIF, XMP), APP3-APP13 (IPTC,
# Photoshop, camera makers' notes), APP15 and comments. APP0 (JFIF), APP2 (ICC colour
# profile) and APP14 (Adobe colour transform) change how it looks and stay.
_JPEG_DROP = {0xE1, *range(0xE3, 0xEE), 0xEF, 0xFE}
_JPEG_NO_LENGTH = {0x01, *range(0xD0, 0xD9)}
_JPEG_SOS = 0xDA
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG text chunks (author, comment, software, creation time), EXIF and the edit time.
_PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}


def without_metadata(data: bytes) -> bytes:
    """`data` (a JPEG or PNG file) without its descriptive metadata; other files as given."""
    if data.startswith(_JPEG_SOI):
        return _jpeg(data)
    if data.startswith(_PNG_SIGNATURE):
        return _png(data)
    return data


def _jpeg(data: bytes) -> bytes:
    out = [_JPEG_SOI]
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return data
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        if marker in _JPEG_NO_LENGTH:
            out.append(data[at : at + 2])
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        end = at + 2 + length
        if length < 2 or end > len(data):
            return data
        if marker == _JPEG_SOS:
            # The image data follows; nothing after it is metadata a viewer reads.
            out.append(data[at:])
            return b"".join(out)
        if marker not in _JPEG_DROP:
            out.append(data[at:end])
        at = end
    return data


def _png(data: bytes) -> bytes:
    out = [_PNG_SIGNATURE]
    at = len(_PNG_SIGNATURE)
    while at + 12 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        end = at + 12 + length
        if end > len(data):
            return data
        if kind not in _PNG_DROP:
            out.append(data[at:end])
        at = end
        if kind == b"IEND":
            return b"".join(out)
    return data
