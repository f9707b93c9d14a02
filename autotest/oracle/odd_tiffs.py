#!/usr/bin/python3
"""Odd kinds of GeoTIFF, written here with libtiff itself (through ctypes)
or with GDAL, read by `rasterkit info -json -checksum` and by GDAL 3.6.2's
gdalinfo (the oracle), compared band by band: type, colour interpretation,
checksum, mask flags, colour table and IMAGE_STRUCTURE metadata.

Kinds: CMYK (contig, separate, InkSet absent/CMYK/other; presented as RGBA
through libtiff's RGBA interface, SOURCE_COLOR_SPACE=CMYK), YCbCr with 1x1
subsampling and no JPEG (converted to RGB), bilevel images without a palette
(GDAL's invented 2-entry table), MINISWHITE 1/2/8/16-bit and multi-band
(inverted grey palettes, MINISWHITE=YES), 16-bit half floats (NBITS=16), and
GDAL_NODATA texts (MSVC's "1.#INF", "-1.#IND", a decimal comma, text that is
not a number) on Float32, Float64 and Int16 bands.

User-defined Polar Stereographic (variants A and B, both poles, GDAL's
variant choice) and Laborde Oblique Mercator GeoKeys, written by GDAL from
its own SRS: the CRS must be GDAL's (same WKT but for EPSG IDs on the metre,
which PROJJSON adds back, and IsSame) with the same data axis mapping.

Also `translate -co SPARSE_OK=TRUE` of mostly empty sources against
gdal_translate: same checksums, and for uncompressed outputs the same file
size (blocks of only nodata, or 0, are left out; without SPARSE_OK every
block is written, as GDAL does), including a source with no data at all.

usage: odd_tiffs.py RASTERKIT WORKDIR
"""
import ctypes
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
lt = ctypes.CDLL("libtiff.so.6")
lt.TIFFOpen.restype = ctypes.c_void_p
lt.TIFFOpen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
lt.TIFFSetField.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
lt.TIFFWriteScanline.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint16]
lt.TIFFClose.argtypes = [ctypes.c_void_p]
def sf(t, tag, *vals):
    args = [ctypes.c_uint32(v) for v in vals]
    lt.TIFFSetField(t, tag, *args)
def write(path, arr, bps, photometric, compression=1, spp=1, extra=None, planar=1):
    h, w = arr.shape[:2]
    t = lt.TIFFOpen(path.encode(), b"w")
    sf(t, 256, w); sf(t, 257, h); sf(t, 258, bps); sf(t, 277, spp); sf(t, 262, photometric)
    sf(t, 259, compression); sf(t, 284, planar); sf(t, 278, 8)
    if extra: extra(t)
    data = np.ascontiguousarray(arr)
    if bps == 1:
        packed = np.packbits(data.astype(np.uint8), axis=1)
        for r in range(h): lt.TIFFWriteScanline(t, packed[r].ctypes.data, r, 0)
    elif planar == 2:
        for s in range(spp):
            for r in range(h): 
                row = np.ascontiguousarray(data[r,:,s]); lt.TIFFWriteScanline(t, row.ctypes.data, r, s)
    else:
        for r in range(h): 
            row = np.ascontiguousarray(data[r]); lt.TIFFWriteScanline(t, row.ctypes.data, r, 0)
    lt.TIFFClose(t)


def make_files():
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)
    def ycc(t): sf(t, 530, 1, 1)
    write("ycc11_lzw.tif", rgb, 8, 6, compression=5, spp=3, extra=ycc)
    write("ycc11_sep.tif", rgb, 8, 6, compression=1, spp=3, extra=ycc, planar=2)
    cmyk = rng.integers(0, 256, (37, 53, 4), dtype=np.uint8)
    write("cmyk.tif", cmyk, 8, 5, compression=5, spp=4)
    write("cmyk_sep.tif", cmyk, 8, 5, compression=1, spp=4, planar=2)
    write("cmyk_ink2.tif", cmyk, 8, 5, compression=1, spp=4, extra=lambda t: sf(t, 332, 2))
    bits = rng.integers(0, 2, (37, 53), dtype=np.uint8)
    write("bw_black.tif", bits, 1, 1)
    write("bw_white.tif", bits, 1, 0)
    write("bw_white_rgb.tif", rng.integers(0,2,(37,53,3),dtype=np.uint8), 8, 0, spp=3)
    g = rng.integers(0, 256, (37, 53), dtype=np.uint8)
    write("white8.tif", g, 8, 0)
    g16 = rng.integers(0, 65536, (37, 53), dtype=np.uint16)
    write("white16.tif", g16, 16, 0)
    g2 = rng.integers(0, 4, (37, 53), dtype=np.uint8)
    def pack2(path, arr):
        h, w = arr.shape
        t = lt.TIFFOpen(path.encode(), b"w")
        sf(t, 256, w); sf(t, 257, h); sf(t, 258, 2); sf(t, 277, 1); sf(t, 262, 0); sf(t, 259, 1); sf(t, 278, 8)
        for r in range(h):
            row = np.zeros((w*2+7)//8, np.uint8)
            for x in range(w):
                b = x*2; row[b//8] |= arr[r,x] << (6 - b%8)
            lt.TIFFWriteScanline(t, row.ctypes.data, r, 0)
        lt.TIFFClose(t)
    pack2("white2.tif", g2)
    gdal.Translate("cmyk_gdal.tif", gdal.Open("cmyk.tif"), options="-co PHOTOMETRIC=CMYK -co INTERLEAVE=BAND")
    for endian in ("LITTLE", "BIG"):
        ds = gdal.GetDriverByName("GTiff").Create("half_%s.tif" % endian, 23, 9, 2, gdal.GDT_Float32,
                                                  ["NBITS=16", "ENDIANNESS=" + endian])
        vals = rng.normal(0, 1000, (2, 9, 23)).astype(np.float32)
        vals[0, 0, :4] = [np.inf, -np.inf, 6e-8, -0.0]
        for b in range(2):
            ds.GetRasterBand(b + 1).WriteArray(vals[b])
        ds = None


NODATA_TEXTS = ["1.#INF", "-1.#inf", "1.#QNAN0", "-1.#IND", "1.#IND", "1.#SNAN", "1,5", "abc",
                " 5", "1e39", "+1.#INF", "-1.#INF", "nan", "-inf", "0x10", "-0"]


def make_nodata_files():
    names = []
    for ty in ("Float32", "Float64", "Int16"):
        for i, text in enumerate(NODATA_TEXTS):
            name = "nodata_%s_%d.tif" % (ty, i)
            ds = gdal.GetDriverByName("GTiff").Create(name, 4, 4, 1, getattr(gdal, "GDT_" + ty))
            ds.GetRasterBand(1).SetNoDataValue(123456789012)
            ds = None
            data = bytearray(open(name, "rb").read())
            at = data.find(b"123456789012")
            data[at:at + 12] = text.encode().ljust(12, b" ")
            with open(name, "wb") as f:
                f.write(data)
            names.append(name)
    return names


CRS_CASES = {
    "psA_north_k0994": "+proj=stere +lat_0=90 +lat_ts=90 +lon_0=-45 +k=0.994 +x_0=2000000 "
                       "+y_0=2000000 +datum=WGS84 +units=m",
    "psA_north_k1": "+proj=stere +lat_0=90 +lat_ts=90 +lon_0=-45 +k=1 +datum=WGS84 +units=m",
    "psB_lat70": "+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +datum=WGS84 +units=m",
    "psA_south": "+proj=stere +lat_0=-90 +lat_ts=-90 +lon_0=0 +k=0.994 +x_0=2000000 "
                 "+y_0=2000000 +datum=WGS84 +units=m",
    "psB_south_lat71": "+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=70 +x_0=6000000 +y_0=6000000 "
                       "+datum=WGS84 +units=m",
    "laborde": "+proj=labrd +lat_0=-18.9 +lon_0=46.437229 +azi=18.9 +k=0.9995 +x_0=400000 "
               "+y_0=800000 +datum=WGS84 +units=m",
}


def check_crs(rasterkit):
    """Returns the number of disagreements."""
    import re
    from osgeo import osr
    failures = 0
    for name, proj in CRS_CASES.items():
        srs = osr.SpatialReference()
        srs.ImportFromProj4(proj)
        ds = gdal.GetDriverByName("GTiff").Create(name + ".crs", 4, 4, 1)
        ds.SetProjection(srs.ExportToWkt())
        ds.SetGeoTransform([0, 1000, 0, 0, 0, -1000])
        ds = None
        g = info(["gdalinfo", "-json", name + ".crs"]).get("coordinateSystem", {})
        r = info([rasterkit, "info", "-json", name + ".crs"]).get("coordinateSystem", {})
        strip = lambda w: re.sub(r',\s*ID\["EPSG",9001\]', "", w or "")
        a, b = osr.SpatialReference(), osr.SpatialReference()
        same = (a.ImportFromWkt(g.get("wkt", "")) == 0 and r.get("wkt") and
                b.ImportFromWkt(r["wkt"]) == 0 and a.IsSame(b))
        if not same or strip(g.get("wkt")) != strip(r.get("wkt")) or \
                g.get("dataAxisToSRSAxisMapping") != r.get("dataAxisToSRSAxisMapping"):
            failures += 1
            print("DIFFERENT CRS", name)
            print("  gdal     ", json.dumps(g)[:3000])
            print("  rasterkit", json.dumps(r)[:3000])
    return failures


def check_sparse(rasterkit):
    """Returns the number of disagreements."""
    ds = gdal.GetDriverByName("GTiff").Create("sparse_byte.src", 3000, 2500, 1, gdal.GDT_Byte,
                                              ["SPARSE_OK=TRUE", "TILED=YES"])
    ds.GetRasterBand(1).WriteArray(np.full((100, 100), 7, np.uint8), 1000, 1000)
    ds = None
    for name, corner in (("sparse_nodata.src", True), ("sparse_empty.src", False)):
        ds = gdal.GetDriverByName("GTiff").Create(name, 3000, 2000, 2, gdal.GDT_Float32,
                                                  ["SPARSE_OK=TRUE", "TILED=YES"])
        for b in (1, 2):
            ds.GetRasterBand(b).SetNoDataValue(-9999)
            ds.GetRasterBand(b).Fill(-9999)
        if corner:  # in the last, partial, tile
            ds.GetRasterBand(1).WriteArray(np.full((10, 10), 3, np.float32), 2985, 1985)
        ds = None
    failures = 0
    for src in ("sparse_byte.src", "sparse_nodata.src", "sparse_empty.src"):
        for opts in ([], ["-co", "SPARSE_OK=TRUE"], ["-co", "SPARSE_OK=TRUE", "-co", "TILED=YES"],
                     ["-co", "SPARSE_OK=TRUE", "-co", "TILED=YES", "-co", "INTERLEAVE=BAND"],
                     ["-co", "SPARSE_OK=TRUE", "-co", "COMPRESS=DEFLATE"]):
            subprocess.run([rasterkit, "translate", "-q"] + opts + [src, "rk.tif"], check=True)
            subprocess.run(["gdal_translate", "-q"] + opts + [src, "gdal.tif"], check=True)
            sums = [info(["gdalinfo", "-json", "-checksum", f]) for f in ("rk.tif", "gdal.tif")]
            sums = [[b.get("checksum") for b in d.get("bands", [])] if "error" not in d else d
                    for d in sums]
            sizes = [os.path.getsize(f) for f in ("rk.tif", "gdal.tif")]
            same_size = sizes[0] == sizes[1] or "COMPRESS=DEFLATE" in opts
            if sums[0] != sums[1] or not same_size:
                failures += 1
                print("DIFFERENT translate %s %s: checksums %s / %s, sizes %d / %d"
                      % (" ".join(opts), src, sums[0], sums[1], sizes[0], sizes[1]))
    return failures


def info(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return {"error": p.stderr.strip()}
    return json.loads(p.stdout)


def summary(d):
    if "error" in d:
        return d
    out = {"md": d.get("metadata", {}).get("IMAGE_STRUCTURE"), "bands": []}
    for b in d["bands"]:
        band = {k: b.get(k) for k in ("type", "colorInterpretation", "checksum", "mask",
                                      "colorTable")}
        band["nodata"] = str(b.get("noDataValue"))
        band["md"] = b.get("metadata", {}).get("IMAGE_STRUCTURE")
        out["bands"].append(band)
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rasterkit, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.chdir(work)
    make_files()
    make_nodata_files()
    failures = 0
    files = sorted(f for f in os.listdir(".") if f.endswith(".tif"))
    for f in files:
        g = summary(info(["gdalinfo", "-json", "-checksum", f]))
        r = summary(info([rasterkit, "info", "-json", "-checksum", f]))
        if g != r:
            failures += 1
            print("DIFFERENT", f)
            print("  gdal      ", json.dumps(g)[:1500])
            print("  rasterkit ", json.dumps(r)[:1500])
    print("%d files, %d agree with GDAL, %d differ" % (len(files), len(files) - failures, failures))
    sparse_failures = check_sparse(rasterkit)
    print("sparse translations: %d differ" % sparse_failures)
    crs_failures = check_crs(rasterkit)
    print("CRSs from GeoKeys: %d of %d differ" % (crs_failures, len(CRS_CASES)))
    sys.exit(1 if failures or sparse_failures or crs_failures else 0)


if __name__ == "__main__":
    main()
