"""A tiny GIF writer with full control of the blocks, for decoder fixtures.

Pillow's own writer cannot produce a first frame with a local palette, a frame smaller than
the screen at an offset, indices outside the palette or an early end code; these files need
exactly that.
"""

import struct


def lzw_literals(indices, min_code_size, end=True):
    """LZW data that only ever emits literal codes, with a clear code often enough that the
    code width never grows past min_code_size + 1."""
    clear = 1 << min_code_size
    width = min_code_size + 1
    codes = [clear]
    run = 0
    for i in indices:
        if run == max(1, (1 << min_code_size) - 4):
            codes.append(clear)
            run = 0
        codes.append(i)
        run += 1
    if end:
        codes.append(clear + 1)
    out = bytearray()
    acc = 0
    nbits = 0
    for c in codes:
        acc |= c << nbits
        nbits += width
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits:
        out.append(acc & 0xFF)
    return bytes(out)


def sub_blocks(data, terminate=True):
    out = bytearray()
    for i in range(0, len(data), 255):
        chunk = data[i:i + 255]
        out.append(len(chunk))
        out += chunk
    if terminate:
        out.append(0)
    return bytes(out)


def palette_bytes(colors):
    """colors: list of (r, g, b); padded to the next power of two (at least 2)."""
    size = 2
    while size < len(colors):
        size *= 2
    flat = bytearray()
    for c in colors + [(0, 0, 0)] * (size - len(colors)):
        flat += bytes(c)
    return bytes(flat), size.bit_length() - 2


def header(width, height, global_palette=None, background=0):
    out = bytearray(b"GIF89a")
    flags = 0
    table = b""
    if global_palette is not None:
        table, bits = palette_bytes(global_palette)
        flags = 0x80 | 0x70 | bits
    out += struct.pack("<HHBBB", width, height, flags, background, 0)
    return bytes(out + table)


def graphic_control(transparency=None, disposal=0, delay=10):
    flags = (disposal << 2) | (1 if transparency is not None else 0)
    return b"\x21\xF9\x04" + struct.pack("<BHB", flags, delay, transparency or 0) + b"\x00"


def interlaced_order(height):
    return (list(range(0, height, 8)) + list(range(4, height, 8)) + list(range(2, height, 4)) +
            list(range(1, height, 2)))


def image(left, top, width, height, rows, local_palette=None, interlace=False, min_code_size=8,
          end=True, truncate_pixels=None):
    """rows: height lists of width palette indices."""
    flags = 0x40 if interlace else 0
    table = b""
    if local_palette is not None:
        table, bits = palette_bytes(local_palette)
        flags |= 0x80 | bits
    out = bytearray(b"\x2C" + struct.pack("<HHHHB", left, top, width, height, flags) + table)
    order = interlaced_order(height) if interlace else range(height)
    indices = [i for y in order for i in rows[y]]
    if truncate_pixels is not None:
        indices = indices[:truncate_pixels]
    out.append(min_code_size)
    out += sub_blocks(lzw_literals(indices, min_code_size, end))
    return bytes(out)


TRAILER = b"\x3B"
