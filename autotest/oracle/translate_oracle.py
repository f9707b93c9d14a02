#!/usr/bin/env python3
"""Runs a matrix of translate invocations through `rasterkit translate` and
GDAL's `gdal_translate` (Debian's gdal-bin, test oracle only) and compares
the outputs: size, data type, band count, geotransform, CRS, nodata and
pixels. Pixels must be identical except where a case states a tolerance
(Lanczos, whose weights GDAL computes in single precision, and the
auto-range -scale, where GDAL's arithmetic order rounds 3 half-way values of
4000 the other way).

usage: translate_oracle.py RASTERKIT WORKDIR
Exit 0 when every case agrees, 1 otherwise (each difference printed).
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()


def make_inputs(d):
    drv = gdal.GetDriverByName("GTiff")
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32631)
    rng = np.random.default_rng(42)

    ds = drv.Create(f"{d}/byte.tif", 97, 61, 1, gdal.GDT_Byte, ["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32"])
    ds.SetGeoTransform([500000, 10, 0, 4600000, 0, -10])
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(rng.integers(0, 256, (61, 97)).astype("uint8"))
    ds = None

    ds = drv.Create(f"{d}/int16.tif", 80, 50, 1, gdal.GDT_Int16)
    ds.SetGeoTransform([2.0, 0.01, 0, 49.0, 0, -0.01])
    s4326 = osr.SpatialReference()
    s4326.ImportFromEPSG(4326)
    ds.SetProjection(s4326.ExportToWkt())
    a = (np.arange(80 * 50).reshape(50, 80) * 7 % 3000 - 1000).astype("int16")
    a[10:15, 20:30] = -9999
    ds.GetRasterBand(1).WriteArray(a)
    ds.GetRasterBand(1).SetNoDataValue(-9999)
    ds = None

    ds = drv.Create(f"{d}/int16_full.tif", 80, 50, 1, gdal.GDT_Int16)
    ds.SetGeoTransform([2.0, 0.01, 0, 49.0, 0, -0.01])
    ds.SetProjection(s4326.ExportToWkt())
    ds.GetRasterBand(1).WriteArray((np.arange(80 * 50).reshape(50, 80) * 7 % 3000 - 1000).astype("int16"))
    ds = None

    ds = drv.Create(f"{d}/rgb.tif", 64, 48, 3, gdal.GDT_Byte, ["INTERLEAVE=PIXEL"])
    ds.SetGeoTransform([0, 1, 0, 48, 0, -1])
    for b in range(3):
        ds.GetRasterBand(b + 1).WriteArray(((np.arange(64 * 48).reshape(48, 64) * (b + 3)) % 256).astype("uint8"))
    ds = None

    ds = drv.Create(f"{d}/float.tif", 50, 40, 1, gdal.GDT_Float32)
    ds.SetGeoTransform([100, 2, 0, 200, 0, -2])
    ds.GetRasterBand(1).WriteArray((rng.random((40, 50)) * 100 - 20).astype("float32"))
    ds.GetRasterBand(1).SetScale(0.5)
    ds.GetRasterBand(1).SetOffset(3)
    ds = None

    ds = drv.Create(f"{d}/palette.tif", 40, 30, 1, gdal.GDT_Byte)
    ct = gdal.ColorTable()
    for i in range(256):
        ct.SetColorEntry(i, (i, 255 - i, (i * 7) % 256, 255 if i % 2 else 128))
    ds.GetRasterBand(1).SetRasterColorTable(ct)
    ds.GetRasterBand(1).WriteArray((np.arange(40 * 30).reshape(30, 40) % 256).astype("uint8"))
    ds = None

    # A palette band followed by an alpha band; written by GDAL as
    # PHOTOMETRIC=PALETTE with an extra (alpha) sample.
    ds = drv.Create(f"{d}/palette_alpha.tif", 40, 30, 2, gdal.GDT_Byte)
    ds.GetRasterBand(1).SetRasterColorTable(ct)
    ds.GetRasterBand(1).WriteArray((np.arange(40 * 30).reshape(30, 40) % 256).astype("uint8"))
    ds.GetRasterBand(2).SetColorInterpretation(gdal.GCI_AlphaBand)
    ds.GetRasterBand(2).WriteArray((np.arange(40 * 30).reshape(30, 40) % 2 * 255).astype("uint8"))
    ds = None

    # A palette with nodata, and a float band whose nodata is NaN.
    ds = drv.Create(f"{d}/palette_nd.tif", 40, 30, 1, gdal.GDT_Byte)
    ds.GetRasterBand(1).SetRasterColorTable(ct)
    ds.GetRasterBand(1).WriteArray((np.arange(40 * 30).reshape(30, 40) % 7 * 30).astype("uint8"))
    ds.GetRasterBand(1).SetNoDataValue(60)
    ds = None
    ds = drv.Create(f"{d}/float_nan.tif", 30, 20, 1, gdal.GDT_Float32)
    a = (np.arange(30 * 20).reshape(20, 30) % 250).astype("float32")
    a[::3, ::4] = np.nan
    ds.GetRasterBand(1).WriteArray(a)
    ds.GetRasterBand(1).SetNoDataValue(float("nan"))
    ds = None

    # Multi-band UInt16, pixel- and band-interleaved (the first with nodata):
    # GDAL copies whole-pixel requests from the first only.
    for name, interleave, nodata in (("u16_pixel_nd.tif", "PIXEL", 7),
                                     ("u16_band.tif", "BAND", None)):
        ds = drv.Create(f"{d}/{name}", 41, 29, 2, gdal.GDT_UInt16, [f"INTERLEAVE={interleave}"])
        ds.SetGeoTransform([0, 1, 0, 29, 0, -1])
        for b in range(2):
            a = rng.integers(0, 60000, (29, 41)).astype("uint16")
            if nodata is not None:
                a[rng.random((29, 41)) < 0.1] = nodata
                ds.GetRasterBand(b + 1).SetNoDataValue(nodata)
            ds.GetRasterBand(b + 1).WriteArray(a)
        ds = None

    # Pixel-interleaved RGB with 2x and 4x internal overviews (75x51, 38x26).
    ds = drv.Create(f"{d}/ovr_rgb.tif", 150, 101, 3, gdal.GDT_Byte, ["INTERLEAVE=PIXEL"])
    for b in range(3):
        ds.GetRasterBand(b + 1).WriteArray(rng.integers(0, 256, (101, 150)).astype("uint8"))
    ds.BuildOverviews("AVERAGE", [2, 4])
    ds = None

    # No georeferencing at all; and GCPs instead of a geotransform.
    ds = drv.Create(f"{d}/nogeo.tif", 30, 20, 1, gdal.GDT_Int16)
    ds.GetRasterBand(1).WriteArray((np.arange(30 * 20).reshape(20, 30) - 300).astype("int16"))
    ds = None
    ds = drv.Create(f"{d}/gcps.tif", 30, 20, 1, gdal.GDT_Byte)
    ds.SetGCPs([gdal.GCP(500000 + 10 * x, 4600000 - 10 * y, 0, x, y)
                for x, y in ((0, 0), (30, 0), (0, 20), (30, 20))], srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray((np.arange(30 * 20).reshape(20, 30) % 256).astype("uint8"))
    ds = None


EXACT = 0.0
# (name, source, args, tolerance): tolerance on |rk - gdal| for pixels.
CASES = [
    ("copy", "byte.tif", [], EXACT),
    ("ot_int16", "byte.tif", ["-ot", "Int16"], EXACT),
    ("ot_float_to_byte", "float.tif", ["-ot", "Byte"], EXACT),
    ("srcwin", "byte.tif", ["-srcwin", "10", "5", "40", "30"], EXACT),
    ("srcwin_partial", "byte.tif", ["-srcwin", "80", "50", "40", "30"], EXACT),
    ("projwin", "byte.tif", ["-projwin", "500105", "4599880", "500555", "4599500"], EXACT),
    ("projwin_srs", "byte.tif", ["-projwin_srs", "EPSG:4326", "-projwin", "3.0013", "41.5398", "3.0060", "41.5370"], EXACT),
    ("outsize_pct", "byte.tif", ["-outsize", "50%", "50%"], EXACT),
    ("outsize_keep_ratio", "byte.tif", ["-outsize", "40", "0"], EXACT),
    ("tr", "byte.tif", ["-tr", "20", "20"], EXACT),
    ("upsample_nearest", "byte.tif", ["-outsize", "200%", "200%"], EXACT),
    ("average", "byte.tif", ["-outsize", "25%", "25%", "-r", "average"], EXACT),
    ("mode", "byte.tif", ["-srcwin", "0", "0", "96", "60", "-outsize", "50%", "50%", "-r", "mode"], EXACT),
    ("bilinear_down", "int16_full.tif", ["-outsize", "50%", "50%", "-r", "bilinear"], EXACT),
    ("cubic_down", "int16_full.tif", ["-outsize", "40", "25", "-r", "cubic"], EXACT),
    ("bilinear_up", "byte.tif", ["-outsize", "150%", "150%", "-r", "bilinear"], EXACT),
    ("cubicspline_up", "byte.tif", ["-outsize", "150%", "150%", "-r", "cubicspline"], EXACT),
    # GDAL computes Lanczos weights in single precision: off by 1 in a few pixels.
    ("lanczos_up", "byte.tif", ["-outsize", "150%", "150%", "-r", "lanczos"], 1.0),
    # 3 of 4000 pixels land within 0.001 of a half and round the other way
    # in GDAL (its arithmetic order differs); 1 is allowed.
    ("scale_auto", "int16.tif", ["-scale", "-ot", "Byte"], 1.0),
    ("scale_explicit", "int16.tif", ["-scale", "-1000", "2000", "0", "255", "-ot", "Byte"], EXACT),
    ("scale_exponent", "byte.tif", ["-scale", "0", "255", "0", "1000", "-exponent", "0.5", "-ot", "UInt16"], EXACT),
    ("scale_per_band", "rgb.tif", ["-scale_2", "0", "255", "255", "0"], EXACT),
    ("unscale", "float.tif", ["-unscale", "-ot", "Float32"], EXACT),
    ("bands", "rgb.tif", ["-b", "3", "-b", "1"], EXACT),
    ("band_mask", "int16.tif", ["-b", "1", "-b", "mask"], EXACT),
    ("expand_rgb", "palette.tif", ["-expand", "rgb"], EXACT),
    ("expand_rgba", "palette.tif", ["-expand", "rgba"], EXACT),
    ("expand_gray", "palette.tif", ["-expand", "gray"], EXACT),
    ("a_nodata", "byte.tif", ["-a_nodata", "7"], EXACT),
    ("a_srs_ullr", "byte.tif", ["-a_srs", "EPSG:3857", "-a_ullr", "0", "100", "97", "39"], EXACT),
    ("a_scale_offset", "byte.tif", ["-a_scale", "2", "-a_offset", "-1"], EXACT),
    # Corners a hair off the raster's edge (as transformed coordinates are):
    # on the edge for every kernel; GDAL rounds 1 pixel in ~5000 otherwise.
    ("projwin_hair_bilinear", "byte.tif",
     ["-projwin", "499999.99999999", "4600000.0000001", "500755", "4599493", "-r", "bilinear"], 1.0),
    ("projwin_hair_average", "byte.tif",
     ["-projwin", "499999.99999999", "4600000.0000001", "500755", "4599493", "-r", "average"], 1.0),
    ("projwin_hair_mode", "byte.tif",
     ["-projwin", "499999.99999999", "4600000.0000001", "500755", "4599493", "-r", "mode"], EXACT),
    # GDAL 3.6 transforms two corners, not the envelope of four.
    ("projwin_srs_two_corners", "byte.tif",
     ["-projwin_srs", "EPSG:3857", "-projwin", "334200", "5096800", "334800", "5096300"], EXACT),
    ("a_offset_alone", "byte.tif", ["-a_offset", "5"], EXACT),
    ("a_scale_alone", "byte.tif", ["-a_scale", "4"], EXACT),
    # Equal source minimum and maximum: GDAL widens the range by 0.1.
    ("scale_equal_range", "byte.tif", ["-scale", "26", "26", "-1", "1"], EXACT),
    ("co_deflate_tiled", "int16.tif", ["-co", "COMPRESS=DEFLATE", "-co", "TILED=YES"], EXACT),
    # -scale with a source range only maps onto [0, 255.999].
    ("scale_src_only", "int16_full.tif", ["-scale", "-1000", "2000", "-ot", "Float32"], 1e-3),
    ("scale_src_only_u16", "int16_full.tif", ["-scale", "-1000", "2000", "-ot", "UInt16"], EXACT),
    # Colour interpretations written as GDAL 3.6 writes them: copies of a
    # gray band read back Gray, Undefined...; three gray Byte bands stay gray.
    ("gray_twice", "int16.tif", ["-b", "1", "-b", "1"], EXACT),
    ("gray_three_bytes", "byte.tif", ["-b", "1", "-b", "1", "-b", "1"], EXACT),
    ("gray_four_bytes", "byte.tif", ["-b", "1", "-b", "1", "-b", "1", "-b", "1"], EXACT),
    ("rgb_reordered", "rgb.tif", ["-b", "3", "-b", "2", "-b", "1", "-b", "1"], EXACT),
    ("colorinterp", "byte.tif", ["-b", "1", "-b", "1", "-b", "1", "-colorinterp", "blue,green,red"], EXACT),
    ("colorinterp_n", "rgb.tif", ["-colorinterp_3", "alpha"], EXACT),
    ("palette_alpha", "palette_alpha.tif", [], EXACT),
    ("palette_two_bands", "palette.tif", ["-b", "1", "-b", "1"], EXACT),
    ("palette_scaled", "palette.tif", ["-scale", "0", "255", "255", "0"], EXACT),
    ("expand_nodata", "palette_nd.tif", ["-expand", "rgba"], EXACT),
    ("expand_gray_a_nodata", "palette_nd.tif", ["-expand", "gray", "-a_nodata", "5"], EXACT),
    ("nan_nodata_to_byte", "float_nan.tif", ["-ot", "Byte"], EXACT),
    ("a_nodata_nan_integer", "byte.tif", ["-ot", "Int16", "-a_nodata", "nan"], EXACT),
    ("a_nodata_nan_int32", "byte.tif", ["-ot", "Int32", "-a_nodata", "nan"], EXACT),
    ("a_nodata_nan_int64", "byte.tif", ["-ot", "Int64", "-a_nodata", "nan"], EXACT),
    ("expand_scaled", "palette.tif", ["-expand", "rgb", "-scale_1", "0", "255", "255", "0"], EXACT),
    ("mask_outside_zero", "int16.tif", ["-b", "mask", "-srcwin", "70", "40", "20", "20", "-a_nodata", "7"], EXACT),

    ("palette_alpha_scaled", "palette_alpha.tif", ["-scale"], EXACT),
    ("a_scale_one", "byte.tif", ["-a_scale", "1"], EXACT),
    ("mask_band_a_scale", "int16.tif", ["-b", "1", "-b", "mask", "-a_scale", "2", "-a_nodata", "3"], EXACT),
    ("point_without_crs", "nogeo.tif", ["-mo", "AREA_OR_POINT=Point"], EXACT),
    # A shifted request as large as the output (21x17): GDAL's dataset read
    # goes band by band, so the kernel works in Byte (whole values, 0..255)
    # whatever -ot says.
    ("same_size_shifted_cubic", "rgb.tif",
     ["-ot", "Float32", "-srcwin", "10.48", "5.9", "20.98", "16.67", "-r", "cubic"], EXACT),
    ("same_size_shifted_lanczos", "rgb.tif",
     ["-ot", "UInt16", "-srcwin", "10.48", "5.9", "20.98", "16.67", "-r", "lanczos"], 1.0),
    ("gcps", "gcps.tif", [], EXACT),
    ("nogcp", "gcps.tif", ["-nogcp"], EXACT),
]


WORST = {}


# Invocations both tools must refuse (a non-zero exit, no output).
ERROR_CASES = [
    ("scale_n_past_bands", "rgb.tif", ["-b", "2", "-scale_2", "0", "100", "0", "10"]),
    ("exponent_n_past_bands", "rgb.tif", ["-b", "1", "-scale", "-exponent_3", "2"]),
    ("a_ullr_with_tr", "byte.tif", ["-tr", "20", "20", "-a_ullr", "0", "100", "97", "39"]),
]


def compare_errors(rasterkit, work):
    failures = 0
    for name, src, args in ERROR_CASES:
        outs = [f"{work}/{name}.rk.tif", f"{work}/{name}.gdal.tif"]
        r = subprocess.run([rasterkit, "translate", "-q", *args, f"{work}/{src}", outs[0]],
                           capture_output=True, text=True)
        g = subprocess.run(["gdal_translate", "-q", *args, f"{work}/{src}", outs[1]],
                           capture_output=True, text=True)
        if g.returncode == 0:
            print(f"SKIP {name}: gdal_translate accepted it")
        elif r.returncode == 0 or os.path.exists(outs[0]):
            print(f"FAIL {name}: rasterkit accepted {' '.join(args)}")
            failures += 1
        else:
            print(f"ok   {name}: both refuse ({r.stderr.strip()})")
    return failures


def compare(rk_path, gd_path, tol, interp=True):
    a, b = gdal.Open(rk_path), gdal.Open(gd_path)
    problems = []
    if (a.RasterXSize, a.RasterYSize, a.RasterCount) != (b.RasterXSize, b.RasterYSize, b.RasterCount):
        return [f"shape {a.RasterXSize}x{a.RasterYSize}x{a.RasterCount} vs gdal "
                f"{b.RasterXSize}x{b.RasterYSize}x{b.RasterCount}"]
    ga, gb = a.GetGeoTransform(can_return_null=True), b.GetGeoTransform(can_return_null=True)
    if (ga is None) != (gb is None) or (ga and not np.allclose(ga, gb, rtol=0, atol=1e-9 * max(1, max(abs(x) for x in gb)))):
        problems.append(f"geotransform {ga} vs gdal {gb}")
    if a.GetMetadataItem("AREA_OR_POINT") != b.GetMetadataItem("AREA_OR_POINT"):
        problems.append(f"AREA_OR_POINT {a.GetMetadataItem('AREA_OR_POINT')} vs gdal "
                        f"{b.GetMetadataItem('AREA_OR_POINT')}")
    if len(a.GetGCPs()) != len(b.GetGCPs()):
        problems.append(f"{len(a.GetGCPs())} GCPs vs gdal {len(b.GetGCPs())}")
    sa, sb = a.GetSpatialRef(), b.GetSpatialRef()
    if (sa is None) != (sb is None) or (sa and not sa.IsSame(sb)):
        problems.append("CRS differs")
    for i in range(1, a.RasterCount + 1):
        ba, bb = a.GetRasterBand(i), b.GetRasterBand(i)
        if ba.DataType != bb.DataType:
            problems.append(f"band {i} type {gdal.GetDataTypeName(ba.DataType)} vs {gdal.GetDataTypeName(bb.DataType)}")
            continue
        if ba.GetNoDataValue() != bb.GetNoDataValue():
            problems.append(f"band {i} nodata {ba.GetNoDataValue()} vs {bb.GetNoDataValue()}")
        so_a, so_b = (ba.GetScale(), ba.GetOffset()), (bb.GetScale(), bb.GetOffset())
        if os.path.exists(gd_path + ".aux.xml"):
            # GDAL's side-car states scale 1 / offset 0 for every band it
            # describes; no scale is the same thing.
            so_a, so_b = ((x if x is not None else d for x, d in zip(so, (1.0, 0.0)))
                          for so in (so_a, so_b))
            so_a, so_b = tuple(so_a), tuple(so_b)
        if so_a != so_b:
            problems.append(f"band {i} scale/offset {ba.GetScale()},{ba.GetOffset()} vs {bb.GetScale()},{bb.GetOffset()}")
        ta, tb = ba.GetColorTable(), bb.GetColorTable()
        if (ta is None) != (tb is None) or (ta and [ta.GetColorEntry(k) for k in range(ta.GetCount())]
                                            != [tb.GetColorEntry(k) for k in range(tb.GetCount())]):
            problems.append(f"band {i} colour table {'present' if ta else 'absent'} or entries differ")
        if interp and ba.GetColorInterpretation() != bb.GetColorInterpretation():
            problems.append(f"band {i} color interpretation {ba.GetColorInterpretation()} vs {bb.GetColorInterpretation()}")
        xa = ba.ReadAsArray().astype("float64")
        xb = bb.ReadAsArray().astype("float64")
        diff = np.abs(xa - xb)
        worst = float(np.nanmax(diff)) if diff.size else 0.0
        WORST[rk_path] = max(WORST.get(rk_path, 0.0), worst)
        if worst > tol:
            y, x = np.unravel_index(np.nanargmax(diff), diff.shape)
            problems.append(f"band {i} pixels differ by up to {worst} (> {tol}) e.g. at ({x},{y}): "
                            f"{xa[y, x]} vs gdal {xb[y, x]}; {int((diff > tol).sum())} pixels")
    return problems


KERNELS = ["nearest", "bilinear", "cubic", "cubicspline", "lanczos", "average", "mode"]


def aligned_cases(rng):
    """Windows whose whole-pixel request is as many pixels as the output,
    drawn at random, with the nearest-neighbour sampling each implies
    (first column and row, source pixels per output pixel): from a
    pixel-interleaved source with the bands in order, gdal_translate samples
    them so whatever the kernel; otherwise it resamples. Half of the draws
    are off by more than half a pixel (resampled everywhere), and some reach
    past the raster's last column and row."""
    cases = []
    for i in range(48):
        src = ["rgb.tif", "u16_pixel_nd.tif", "u16_band.tif"][i % 3]
        w, h = (64, 48) if src == "rgb.tif" else (41, 29)
        n, m = int(rng.integers(1, 12)), int(rng.integers(1, 12))
        near = i % 2 == 0
        fx, fy = [(rng.uniform(0.05, 0.45) if near else rng.uniform(0.55, 0.95))
                  * rng.choice([-1, 1]) for _ in range(2)]
        fx, fy = max(fx, 0.1 - n), max(fy, 0.1 - m)
        if i % 8 == 5:
            # Past the last column and row: clipped, then widened to whole
            # output pixels.
            x, y = w - n, h - m
            fx, fy = abs(fx), abs(fy)
        else:
            x, y = int(rng.integers(0, w - n - 1)), int(rng.integers(0, h - m - 1))
            if i % 4 == 3:
                # Shifted off whole pixels: resampled by every kernel but
                # nearest (GDAL's dataset read takes a shift for a kernel's).
                x, y = x + round(rng.uniform(0.05, 0.95), 4), y + round(rng.uniform(0.05, 0.95), 4)
        bands = [[], ["-b", "1", "-b", "2"], ["-b", "2", "-b", "1"], ["-b", "1"],
                 ["-scale", "0", "65535", "0", "255"]][int(rng.integers(0, 5))]
        kernel = KERNELS[i % len(KERNELS)]
        sx, sy = float(f"{n + fx:.4f}"), float(f"{m + fy:.4f}")
        args = ["-srcwin", f"{x:g}", f"{y:g}", f"{sx:.4f}", f"{sy:.4f}",
                "-outsize", str(n), str(m), "-r", kernel, *bands]
        cases.append((f"aligned_{i:02d}", src, args, 1.0 if kernel == "lanczos" else EXACT,
                      (x, y, sx / n, sy / m)))
    # Reduced reads of a source with overviews: GDAL's dataset read moves
    # the request onto the overview it takes; where it is aligned there
    # (75x51 of 150x101: a 101-row request is 51 overview rows), GDAL
    # writes the overview's pixels whatever the kernel.
    for i in range(12):
        n, m = [(75, 51), (75, 50), (74, 51), (76, 52), (38, 26), (37, 25)][i % 6]
        bands = [[], ["-b", "1", "-b", "2"], ["-b", "2", "-b", "1"]][int(rng.integers(0, 3))]
        args = ["-outsize", str(n), str(m), "-r", KERNELS[int(rng.integers(1, len(KERNELS)))],
                *bands]
        cases.append((f"aligned_ovr_{i:02d}", "ovr_rgb.tif", args, 1.0 if "lanczos" in args else EXACT,
                      (0, 0, 150 / n, 101 / m, n)))
    # The 1x1 output of a 1.7-pixel window clipped at the corner (seed 53
    # #2566): GDAL writes the corner pixel.
    cases.append(("aligned_corner", "u16_pixel_nd.tif",
                  ["-projwin", "40", "1", "41", "0", "-tr", "1.7", "1.7", "-r", "cubicspline"],
                  EXACT, (40, 28, 1.7, 1.7)))
    return cases


def gdal_sampled_nearest(gd_path, src_path, sampling):
    """Whether GDAL's output is the nearest-neighbour sampling of its
    window, output band k from source band k (or from its overview
    `ov_width` pixels wide, the window moved there; False without one)."""
    x, y, rx, ry, ov_width = (*sampling, None)[:5]
    g, s = gdal.Open(gd_path), gdal.Open(src_path)
    if g.RasterCount > s.RasterCount:
        return False
    bands = [s.GetRasterBand(b) for b in range(1, g.RasterCount + 1)]
    if ov_width is not None:
        widths = [bands[0].GetOverview(k).XSize for k in range(bands[0].GetOverviewCount())]
        if ov_width not in widths:
            return False
        bands = [b.GetOverview(widths.index(ov_width)) for b in bands]
        fx, fy = s.RasterXSize / bands[0].XSize, s.RasterYSize / bands[0].YSize
        x, y, rx, ry = x / fx, y / fy, rx / fx, ry / fy
    cols = np.minimum(np.floor(x + (np.arange(g.RasterXSize) + 0.5) * rx), bands[0].XSize - 1)
    rows = np.minimum(np.floor(y + (np.arange(g.RasterYSize) + 0.5) * ry), bands[0].YSize - 1)
    for b in range(1, g.RasterCount + 1):
        ref = bands[b - 1].ReadAsArray()[np.ix_(rows.astype(int), cols.astype(int))]
        if not np.array_equal(g.GetRasterBand(b).ReadAsArray(), ref):
            return False
    return True


def compare_aligned(rasterkit, work):
    cases = aligned_cases(np.random.default_rng(2566))
    # Colour interpretations are left out: "-b 2 -b 1" of a two-band gray
    # source differs deliberately (translate-gray-kept-in-file, doc/cli.md).
    failures = run_cases(rasterkit, work, [c[:4] for c in cases], interp=False)
    sampled = 0
    for name, src, args, _, sampling in cases:
        gd_out = f"{work}/{name}.gdal.tif"
        if os.path.exists(gd_out) and gdal_sampled_nearest(gd_out, f"{work}/{src}", sampling):
            sampled += 1
    # The sweep is only worth its name with both of GDAL's paths in it.
    print(f"aligned sweep: GDAL sampled {sampled} of {len(cases)} windows with nearest neighbour")
    if not 5 <= sampled <= len(cases) - 10:
        print("FAIL aligned sweep: the draws no longer exercise both sampling and resampling")
        failures += 1
    return failures


def run_cases(rasterkit, work, cases, interp=True):
    failures = 0
    for name, src, args, tol in cases:
        rk_out, gd_out = f"{work}/{name}.rk.tif", f"{work}/{name}.gdal.tif"
        r = subprocess.run([rasterkit, "translate", "-q", *args, f"{work}/{src}", rk_out],
                           capture_output=True, text=True)
        g = subprocess.run(["gdal_translate", "-q", *args, f"{work}/{src}", gd_out],
                           capture_output=True, text=True)
        if g.returncode != 0:
            print(f"SKIP {name}: gdal_translate failed: {g.stderr.strip()}")
            continue
        if r.returncode != 0:
            print(f"FAIL {name}: rasterkit exited {r.returncode}: {r.stderr.strip()}")
            failures += 1
            continue
        problems = compare(rk_out, gd_out, tol, interp)
        if problems:
            failures += 1
            print(f"FAIL {name} ({' '.join(args)}):")
            for p in problems:
                print(f"    {p}")
        else:
            print(f"ok   {name} (largest pixel difference {WORST.get(rk_out, 0.0):g})")
    return failures


def main():
    rasterkit, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    make_inputs(work)
    failures = run_cases(rasterkit, work, CASES)
    print(f"{len(CASES) - failures} of {len(CASES)} cases agree with gdal_translate")
    failures += compare_aligned(rasterkit, work)
    failures += compare_errors(rasterkit, work)
    failures += compare_info(rasterkit, work)
    return 1 if failures else 0


def close(a, b, tol=1e-6):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= tol * max(1.0, abs(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b))
    return a == b


def compare_info(rasterkit, work):
    """`rasterkit info -json` with statistics, histogram, min/max and
    checksum against `gdalinfo -json` with the same flags."""
    flags = ["-json", "-stats", "-hist", "-mm", "-checksum"]
    env = dict(os.environ, GDAL_PAM_ENABLED="NO")
    failures = 0
    for src in ["byte.tif", "int16.tif", "rgb.tif", "float.tif", "palette.tif"]:
        path = f"{work}/{src}"
        r = subprocess.run([rasterkit, "info", *flags, path], capture_output=True, text=True)
        g = subprocess.run(["gdalinfo", *flags, path], capture_output=True, text=True, env=env)
        if r.returncode != 0:
            print(f"FAIL info {src}: rasterkit exited {r.returncode}: {r.stderr.strip()}")
            failures += 1
            continue
        rj, gj = json.loads(r.stdout), json.loads(g.stdout)
        problems = []
        for key in ["size", "geoTransform", "cornerCoordinates"]:
            if not close(rj.get(key), gj.get(key)):
                problems.append(f"{key}: {rj.get(key)} vs gdal {gj.get(key)}")
        if "wgs84Extent" in gj and not close(rj.get("wgs84Extent", {}).get("coordinates"),
                                              gj["wgs84Extent"]["coordinates"], 1e-7):
            problems.append(f"wgs84Extent: {rj.get('wgs84Extent')} vs gdal {gj['wgs84Extent']}")
        if "coordinateSystem" in gj and rj.get("coordinateSystem", {}).get(
                "dataAxisToSRSAxisMapping") != gj["coordinateSystem"]["dataAxisToSRSAxisMapping"]:
            problems.append("dataAxisToSRSAxisMapping differs")
        for rb, gb in zip(rj["bands"], gj["bands"]):
            for key in ["block", "type", "colorInterpretation", "checksum", "noDataValue",
                        "minimum", "maximum", "mean", "stdDev", "computedMin", "computedMax"]:
                if not close(rb.get(key), gb.get(key), 1e-3):
                    problems.append(f"band {gb['band']} {key}: {rb.get(key)} vs gdal {gb.get(key)}")
            rh, gh = rb.get("histogram", {}), gb.get("histogram", {})
            for key in ["count", "min", "max", "buckets"]:
                if not close(rh.get(key), gh.get(key), 1e-9):
                    problems.append(f"band {gb['band']} histogram {key} differs")
            rmd = rb.get("metadata", {}).get("", {})
            gmd = gb.get("metadata", {}).get("", {})
            for key, value in gmd.items():
                if key.startswith("STATISTICS_") and not close(float(rmd.get(key, "nan")), float(value), 1e-9):
                    problems.append(f"band {gb['band']} {key}: {rmd.get(key)} vs gdal {value}")
        if problems:
            failures += 1
            print(f"FAIL info {src}:")
            for p in problems:
                print(f"    {p}")
        else:
            print(f"ok   info {src}")
    return failures


if __name__ == "__main__":
    sys.exit(main())
