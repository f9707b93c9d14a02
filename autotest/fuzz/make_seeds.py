#!/usr/bin/env python3
"""Writes crafted TIFFs for the fuzzers' seed corpus: tiny files whose tags
claim what is not there — enormous strip and tile counts, dimensions of
billions of pixels, huge palettes, GeoKey directories and ASCII tags with
absurd counts, directory chains that loop, masks and overviews of the wrong
size. Each exercises a path where a size read from the file meets an
allocation. Plain Python (no GDAL): usage make_seeds.py OUT_DIR
"""
import os
import struct
import sys

SHORT, LONG, ASCII, DOUBLE, LONG8 = 3, 4, 2, 12, 16


def ifd(entries, next_ifd=0, at=8, payload=b""):
    """A classic little-endian TIFF with one directory at `at`; entries are
    (tag, type, count, value-or-offset); `payload` is appended after it."""
    entries = sorted(entries)
    out = bytearray(b"II*\x00" + struct.pack("<I", at))
    out += b"\x00" * (at - len(out))
    out += struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        count = min(count, 0xFFFFFFFF)  # a LONG count: as much as a tag can claim
        if typ == SHORT and count == 1:
            out += struct.pack("<HHIHH", tag, typ, count, value & 0xFFFF, 0)
        else:
            out += struct.pack("<HHII", tag, typ, count, value)
    out += struct.pack("<I", next_ifd)
    return bytes(out) + payload


def image(width, height, *, rows=None, tile=None, bps=8, spp=1, fmt=1, comp=1, photo=1,
          count=None, extra=(), planar=1):
    e = [(256, LONG, 1, width), (257, LONG, 1, height), (258, SHORT, 1, bps),
         (259, SHORT, 1, comp), (262, SHORT, 1, photo), (277, SHORT, 1, spp),
         (284, SHORT, 1, planar), (339, SHORT, 1, fmt)]
    if tile:
        n = count if count is not None else (
            ((width + tile[0] - 1) // tile[0]) * ((height + tile[1] - 1) // tile[1]))
        e += [(322, LONG, 1, tile[0]), (323, LONG, 1, tile[1]), (324, LONG, n, 200),
              (325, LONG, n, 200)]
    else:
        r = rows or height
        n = count if count is not None else (height + r - 1) // r
        e += [(273, LONG, n, 200), (278, LONG, 1, r), (279, LONG, n, 200)]
    return e + list(extra)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {
        "strips_2e9.tif": ifd(image(100000, 2000000000, rows=1)),
        "row_2e9.tif": ifd(image(2100000000, 1)),
        "tiles_4e6.tif": ifd(image(4000000, 4000000, tile=(16, 16))),
        "tile_1gb.tif": ifd(image(32768, 32768, tile=(32768, 32768), comp=8)),
        "float64_huge.tif": ifd(image(1000000, 1000000, rows=1, bps=64, fmt=3)),
        "complex_huge.tif": ifd(image(70000, 70000, rows=16, bps=64, fmt=5)),
        "planar_huge.tif": ifd(image(50000, 50000, rows=1, spp=200, planar=2)),
        "spp_65535.tif": ifd(image(16, 16, spp=65535)),
        "palette_16bit.tif": ifd(image(16, 16, bps=16, photo=3, extra=[(320, SHORT, 3 * 65536, 400)])),
        "geokeys_huge.tif": ifd(image(16, 16, extra=[(34735, SHORT, 4000000, 400),
                                                      (34736, DOUBLE, 1000000000, 400),
                                                      (34737, ASCII, 2000000000, 400)])),
        "metadata_huge.tif": ifd(image(16, 16, extra=[(42112, ASCII, 1500000000, 400),
                                                       (42113, ASCII, 10, 400)])),
        "xmp_huge.tif": ifd(image(16, 16, extra=[(700, 1, 2000000000, 400)])),
        "rpc_huge.tif": ifd(image(16, 16, extra=[(50844, DOUBLE, 1000000, 400)])),
        "tiepoints_huge.tif": ifd(image(16, 16, extra=[(33922, DOUBLE, 600000000, 400),
                                                        (33550, DOUBLE, 3, 400)])),
        "loop.tif": ifd(image(16, 16), next_ifd=8),
        "subifd_huge.tif": ifd(image(16, 16, extra=[(330, LONG, 100000000, 400)])),
        "mask_wrong.tif": ifd(image(16, 16, extra=[(254, LONG, 4, 0)]), next_ifd=8),
        "bps_odd.tif": ifd(image(100000, 100000, rows=100000, bps=13)),
        "ycbcr.tif": ifd(image(65535, 65535, rows=65535, spp=3, photo=6,
                               extra=[(530, SHORT, 2, 0x00040004)])),
        "zero_dims.tif": ifd(image(0, 0, rows=1)),
    }
    for name, data in seeds.items():
        data += b"\x00" * max(0, 512 - len(data))
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(seeds)} crafted seeds in {out}")


if __name__ == "__main__":
    main()
