#!/usr/bin/env python3
"""Writes a small MNIST fixture: the first TRAIN training and TEST test images (and labels) of
the real MNIST in SOURCE (raw IDX or .gz), as raw IDX files in TARGET, for nnj-train --data.
Usage: make_fixture.py SOURCE TARGET TRAIN TEST"""
import gzip
import os
import struct
import sys


def read(directory, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            with open(path, "rb") as f:
                data = f.read()
            return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    sys.exit(f"make_fixture: {name} not found in {directory}")


def subset(data, count):
    magic = struct.unpack(">I", data[:4])[0]
    dims = magic & 0xFF
    shape = list(struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims]))
    if shape[0] < count:
        sys.exit(f"make_fixture: only {shape[0]} items, {count} wanted")
    item = 1
    for d in shape[1:]:
        item *= d
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * dims, count, *shape[1:])
    start = 4 + 4 * dims
    return header + data[start:start + count * item]


def main():
    source, target, train, test = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(target, exist_ok=True)
    for prefix, count in (("train", train), ("t10k", test)):
        for kind in ("images-idx3-ubyte", "labels-idx1-ubyte"):
            name = f"{prefix}-{kind}"
            with open(os.path.join(target, name), "wb") as f:
                f.write(subset(read(source, name), count))


if __name__ == "__main__":
    main()
