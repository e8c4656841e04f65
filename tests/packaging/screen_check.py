#!/usr/bin/env python3
"""Reads the screen of an Xvfb started with -fbdir (the XWD file Xvfb_screen0), writes it as a
PNG, and says whether a window has been drawn on the black root (Xvfb -br): the share of
non-black pixels and the number of distinct colours must reach the given minimums.
Usage: screen_check.py XWD_FILE PNG_FILE MIN_COVERED_PERCENT MIN_COLOURS
Exits 0 when both minimums are met, 1 when not (yet), 2 when the file cannot be read.
Standard library only, so it runs wherever the package test runs."""
import struct
import sys
import zlib


def read_xwd(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 100:
        raise ValueError("too short for an XWD header")
    fields = struct.unpack(">25I", data[:100])
    header_size, version = fields[0], fields[1]
    width, height, byte_order = fields[4], fields[5], fields[7]
    bits_per_pixel, bytes_per_line, ncolors = fields[11], fields[12], fields[19]
    red_mask, green_mask, blue_mask = fields[14], fields[15], fields[16]
    if version != 7 or bits_per_pixel != 32:
        raise ValueError(f"XWD version {version}, {bits_per_pixel} bits per pixel: expected 7 and 32 "
                         "(start Xvfb with a 24-bit screen)")
    # The colour map (12 bytes an entry) sits between the header and the pixels.
    start = header_size + 12 * ncolors
    if len(data) < start + bytes_per_line * height:
        raise ValueError("the pixel data is truncated")
    order = "<" if byte_order == 0 else ">"
    shifts = [(mask & -mask).bit_length() - 1 for mask in (red_mask, green_mask, blue_mask)]
    rows = []
    for y in range(height):
        offset = start + y * bytes_per_line
        values = struct.unpack_from(f"{order}{width}I", data, offset)
        rows.append([tuple((value >> shift) & 0xFF for shift in shifts) for value in values])
    return width, height, rows


def write_png(path, width, height, rows):
    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in rows)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    xwd, png, min_covered, min_colours = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    try:
        width, height, rows = read_xwd(xwd)
    except (OSError, ValueError) as error:
        print(f"cannot read {xwd}: {error}")
        return 2
    covered = sum(1 for row in rows for pixel in row if pixel != (0, 0, 0))
    colours = len({pixel for row in rows for pixel in row})
    percent = 100.0 * covered / (width * height)
    write_png(png, width, height, rows)
    print(f"{width}x{height} screen: {percent:.1f} % drawn, {colours} colours")
    return 0 if percent >= min_covered and colours >= min_colours else 1


if __name__ == "__main__":
    sys.exit(main())
