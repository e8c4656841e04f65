#!/usr/bin/env python3
"""Regenerates the raster icons in this folder from packaging/linux/io.github.nnjourney.svg (run
by hand after the SVG changes; the outputs are committed because no SVG rasteriser is part of the
build): PNGs rendered by headless Chromium, the Windows .ico and the macOS .icns packed from them
(both formats hold PNG images as they are). Usage: packaging/icons/make-icons.py [CHROMIUM]"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SVG = os.path.join(HERE, "..", "linux", "io.github.nnjourney.svg")
NAME = "io.github.nnjourney"


def render(chromium, size, work):
    page = os.path.join(work, f"icon{size}.html")
    with open(page, "w") as f:
        f.write(f'<html><body style="margin:0;background:transparent">'
                f'<img src="file://{os.path.abspath(SVG)}" width="{size}" height="{size}" style="display:block">'
                f"</body></html>")
    out = os.path.join(work, f"{size}.png")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--default-background-color=00000000", f"--window-size={size},{size}",
                    f"--screenshot={out}", f"file://{page}"], check=True, capture_output=True)
    with open(out, "rb") as f:
        return f.read()


def ico(images):
    # ICONDIR, one ICONDIRENTRY per image (0 means 256), then the PNG data.
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, data = b"", b""
    for size, png in images:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    return header + entries + data


def icns(images):
    types = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}
    body = b"".join(types[s] + struct.pack(">I", 8 + len(p)) + p for s, p in images if s in types)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main():
    chromium = sys.argv[1] if len(sys.argv) > 1 else shutil.which("chromium") or "chromium"
    with tempfile.TemporaryDirectory() as work:
        pngs = {size: render(chromium, size, work) for size in (16, 32, 48, 64, 128, 256, 512)}
    for size in (64, 256):
        with open(os.path.join(HERE, f"{NAME}-{size}.png"), "wb") as f:
            f.write(pngs[size])
    with open(os.path.join(HERE, f"{NAME}.ico"), "wb") as f:
        f.write(ico([(s, pngs[s]) for s in (16, 32, 48, 256)]))
    with open(os.path.join(HERE, f"{NAME}.icns"), "wb") as f:
        f.write(icns([(s, pngs[s]) for s in (16, 32, 64, 128, 256, 512)]))


if __name__ == "__main__":
    main()
