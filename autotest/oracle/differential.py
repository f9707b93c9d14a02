#!/usr/bin/env python3
"""Differential test of `rasterkit translate` / `rasterkit info` against GDAL
3.6.2's gdal_translate / gdalinfo (Debian's gdal-bin and python3-gdal; the
test oracle only). Issue 16.

1. A set of GeoTIFFs is generated with GDAL's Python bindings,
   deterministically from the seed: Byte, UInt16, Int16, UInt32, Int32,
   Float32, Float64 and CInt16; 1-4 bands; with and without nodata (NaN for
   floats, values present in the data and absent); RGB, RGBA (alpha band),
   paletted, paletted + alpha; internal overviews (gdaladdo); odd sizes
   (1x1, 3x200, 256x1, 97x61, 150x101, 700x500, ...); tiled and striped,
   several compressions, pixel and band interleaving; UTM, geographic,
   geotransform-only and ungeoreferenced; smooth and noisy data; metadata,
   scale/offset, XMP, AREA_OR_POINT=Point. Int8 is not generated: GDAL 3.6
   has no Int8 (Byte + PIXELTYPE=SIGNEDBYTE), so the tools see different
   types by design.
2. Random but valid invocations are drawn from every flag of `rasterkit
   translate` that gdal_translate 3.6 shares (-of -ot -b -mask -expand
   -srcwin -projwin -projwin_srs -epo -eco -outsize -tr -r -scale[_N]
   -exponent[_N] -unscale -a_srs -a_ullr -a_nodata -a_scale -a_offset -mo
   -co -oo -stats -noxmp; -q always) and of `rasterkit info` (-json -stats
   -approx_stats -mm -hist -checksum -nomd -noct -nogcp -norat -nofl -mdd
   -proj4 -wkt_format -oo), plus rasterkit's own --threads (given to
   rasterkit only: results must not depend on it). -cutline and its
   companions are left out: gdal_translate 3.6 has none (the geometry
   oracle covers them). Invocation I is drawn from its own generator seeded
   with (seed, I), so any one of them can be replayed alone (--replay I).
3. Each runs through both tools on private copies of the same input, with
   GDAL_PAM_ENABLED=NO unless --pam. Outputs are read with GDAL and
   compared: size, band count, geotransform, CRS (IsSame), data types,
   nodata, colour interpretation, colour table, dataset and band metadata
   (default domain), scale/offset, layout (COMPRESSION, INTERLEAVE,
   PREDICTOR, block size), files left beside source and output, and the
   pixels. Pixels must be identical for nearest and mode; for the
   interpolating kernels (bilinear, cubic, cubicspline, lanczos, average)
   an integer output may differ by 1 and a floating-point one by FLOAT_TOL
   times the largest magnitude of GDAL's band (at least FLOAT_TOL); NaN
   must match NaN. Statistics (STATISTICS_* items, info's mean/stdDev)
   follow the pixels' tolerance, and means and standard deviations may
   differ by STATS_TOL (relative: the order of summation moves the last of
   the 14 printed digits). `info -json` is compared key by key
   ("description" dropped, "files" by base name); text reports line by
   line (difflib) after replacing the file name.
   Both tools failing is an agreement; only one failing is a difference.
   rasterkit killed by a signal, printing "terminate called" or hanging is
   always a failure and is reported first.
4. Every difference is classified: DELIBERATE (rasterkit differs on
   purpose, listed in doc/cli.md; for two of them GDAL runs a second time
   to show the difference is GDAL's own: without options that only say how
   the output is stored or the source decoded, and with -scale's sampled
   range given), KNOWN_OPEN (issue 16's open items, each
   with a predicate as narrow as the runs allowed: counted and reported as
   "known, open"), or a failure. The first examples of each kind of
   failure are reduced: flag groups (a flag with its values) are dropped one
   at a time while the invocation still has an unexplained difference of
   that kind, and the reduced command is printed for both tools with the
   generated input's path (outputs under WORKDIR/repro/), with the
   `--seed S --replay I` line that reruns the invocation as drawn.

usage: differential.py [--rasterkit PATH] [--workdir DIR] [--seed S]
                       [--count N | --minutes M] [--jobs J] [--report FILE]
                       [--replay I | --replay-args "TOOL FLAGS... SRC"]
The default suite (ctest, cli_translate_differential) runs --seed 1 with a
fixed --count; the long run is
  differential.py --seed 7 --minutes 15 --report long.json
If RASTERKIT's folder also holds librk_*.so (a private copy of a build),
LD_LIBRARY_PATH is set to it for rasterkit's runs.
Exit 0 when every invocation agrees or differs only deliberately or in
known, open ways; 1 otherwise.
"""
import argparse
import difflib
import hashlib
import json
import math
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()


# Flags only rasterkit has (GDAL's tools run without them): the results
# must not depend on them.
RK_ONLY = ("--threads",)


def _flat(inv, tool="rk"):
    """The invocation's arguments for rasterkit ("rk") or GDAL ("gd")."""
    return [t for grp in inv["groups"] for t in grp if tool == "rk" or grp[0] not in RK_ONLY]


class Inv:
    """An invocation as the predicates of DELIBERATE and KNOWN_OPEN see it:
    its flags and its source's properties (the catalog entry)."""

    def __init__(self, inv, f):
        self.inv, self.f, self.args = inv, f, _flat(inv)
        self.tool = inv["tool"]

    def __getitem__(self, k):
        return self.inv[k]

    def has(self, *flags):
        """Whether any of these flags is given (a prefix ending in '_'
        matches the numbered forms: '-scale_' is -scale_1, -scale_2...)."""
        return any(a == fl or (fl.endswith("_") and a.startswith(fl) and a[len(fl):].isdigit())
                   for a in self.args for fl in flags)

    def val(self, flag, n=1):
        """The values of the first `flag` (one string, or a list when n > 1)."""
        i = self.args.index(flag)
        return self.args[i + 1] if n == 1 else self.args[i + 1: i + 1 + n]

    def groups(self, flag):
        return [g for g in self.inv["groups"] if g[0] == flag]

    @property
    def kernel(self):
        return self.val("-r") if self.has("-r") else "nearest"

    @property
    def interpolating(self):
        return self.kernel in INTERPOLATING

    @property
    def out_type(self):
        if self.has("-ot"):
            return self.val("-ot")
        return "Byte" if self.has("-expand") else self.f["dtype"]

    @property
    def src_nodata(self):
        """The source's nodata (None, a number or "nan")."""
        return self.f["nodata"]

    @property
    def resampled(self):
        return self.has("-outsize", "-tr")

    @property
    def scaled(self):
        return self.has("-scale", "-scale_", "-exponent", "-exponent_", "-unscale")

    @property
    def window(self):
        """(flag, [4 numbers]) of -srcwin / -projwin, or None."""
        for fl in ("-srcwin", "-projwin"):
            if self.has(fl):
                return fl, [float(x) for x in self.val(fl, 4)]
        return None

    @property
    def other_projwin_srs(self):
        """-projwin_srs names a CRS other than the source's."""
        return self.has("-projwin_srs") and self.val("-projwin_srs") != f"EPSG:{self.f['epsg']}"

    @property
    def window_px(self):
        """The source window in pixels (x0, y0, xsize, ysize): -srcwin's, or
        -projwin's through the geotransform (from -projwin_srs, its two
        corners transformed, as GDAL 3.6 does)."""
        w = self.window
        if w is None:
            return None
        if w[0] == "-srcwin":
            return w[1]
        gt = self.f["gt"]
        if gt is None:
            return None
        ulx, uly, lrx, lry = w[1]
        if self.other_projwin_srs:
            if not self.f["epsg"]:
                return None
            (ulx, uly), (lrx, lry) = transform_points(
                [(ulx, uly), (lrx, lry)], int(self.val("-projwin_srs").split(":")[1]), self.f["epsg"])
        x0, y0 = (ulx - gt[0]) / gt[1], (uly - gt[3]) / gt[5]
        return [x0, y0, (lrx - ulx) / gt[1], (lry - uly) / gt[5]]

    @property
    def fractional(self):
        """The window is not on whole pixels. -projwin with nearest is
        rounded to whole pixels by both tools; with another kernel it is
        used as computed, so the least fraction counts."""
        w = self.window_px
        if w is None or (self.window[0] == "-projwin" and self.kernel == "nearest"):
            return False
        eps = 0.0 if self.window[0] == "-projwin" else 1e-6
        return any(abs(v - round(v)) > eps for v in w)

    @property
    def partly_outside(self):
        w = self.window_px
        if w is None:
            return False
        x0, y0, xs, ys = w
        return x0 < -1e-9 or y0 < -1e-9 or x0 + xs > self.f["w"] + 1e-9 or y0 + ys > self.f["h"] + 1e-9

    @property
    def kernel_applies(self):
        """A kernel other than nearest computes the pixels: the size changes
        or the window is fractional (a -projwin is, with such a kernel)."""
        if self.kernel == "nearest":
            return False
        return self.resampled or self.fractional or self.has("-projwin")

    @property
    def out_bands(self):
        """The source band of each output band ("mask..." for a mask)."""
        if self.has("-b"):
            return [g[1] for g in self.groups("-b")]
        if self.has("-expand"):
            return ["1"] * {"gray": 1, "rgb": 3, "rgba": 4}[self.val("-expand")]
        return [str(i) for i in range(1, self.f["nb"] + 1)]

    def scale_of(self, band):
        """The -scale values applying to output band `band` (a list of 0, 2
        or 4 strings), or None."""
        for g in self.inv["groups"]:
            if g[0] == f"-scale_{band}":
                return g[1:]
        return self.groups("-scale")[0][1:] if self.has("-scale") else None

    def exponent_of(self, band):
        for g in self.inv["groups"]:
            if g[0] == f"-exponent_{band}":
                return float(g[1])
        return float(self.val("-exponent")) if self.has("-exponent") else None

    def transform_step(self, band, src_range=None):
        """The largest change of output band `band`'s value for one unit of
        its source's value through -unscale / -scale / -exponent (None when
        the values go through unchanged). `src_range`: the range -scale
        without one takes (GDAL's; else the generator's bounds)."""
        src = self.out_bands[band - 1]
        if not src.isdigit():
            return None
        s, o = self.f.get("scales", [])[int(src) - 1] if self.f.get("scales") else (1.0, 0.0)
        unit = abs(s) if self.has("-unscale") and (s, o) != (1.0, 0.0) else 1.0
        sc = self.scale_of(band)
        if sc is None:
            return unit if unit != 1.0 else None
        v = [float(x) for x in sc]
        smin, smax = ((v[0], v[1]) if len(v) >= 2 else tuple(src_range) if src_range
                      else (self.f["vmin"], self.f["vmax"]))
        dspan = abs(v[3] - v[2]) if len(v) == 4 else 256.0
        if smax == smin and len(v) < 2 and src_range:
            smax += 0.1       # gdal_translate's guard against a zero range
        if smax == smin:
            return None
        e = self.exponent_of(band)
        if e is None:
            return dspan / abs(smax - smin) * unit
        x = min(1.0, unit / abs(smax - smin))
        return dspan * (x ** e if e < 1 else 1 - (1 - x) ** e)

    def diff_bands(self, d):
        """The output bands a difference is about (every band if unknown)."""
        return d.get("bands") or list(range(1, len(self.out_bands) + 1))


def _stac_deliberate(d):
    """proj:shape as [rows, columns] where GDAL 3.6.2 writes [columns, rows];
    a band's nodata, scale or offset given where GDAL 3.6.2 writes null."""
    pairs = d.get("pairs") or []
    if d["kind"] == "info/json/stac.proj:shape[]":
        got = {p: (x, y) for p, x, y in pairs}
        a0, b0 = got.get("stac.proj:shape[0]", (None, None))
        a1, b1 = got.get("stac.proj:shape[1]", (None, None))
        return len(got) == 2 and a0 == b1 and a1 == b0
    if re.fullmatch(r"info/json/stac\.raster:bands\[\]\.(nodata|scale|offset)", d["kind"]):
        return bool(pairs) and all(y is None and x is not None for _p, x, y in pairs)
    return False


# Deliberate differences: id -> (predicate(invocation, difference), reason).
# A difference (a dict with "kind", "same" and "msg") for which a predicate
# holds is counted as deliberate, not as a disagreement. See doc/cli.md.
DELIBERATE = {
    "info-json-stac": (
        lambda inv, d: inv.tool == "info" and _stac_deliberate(d),
        "info -json's \"stac\" block follows the STAC extensions (proj:shape is [rows, "
        "columns], band nodata/scale/offset are values); 3.6.2 writes [columns, rows] and "
        "nulls, fixed in later GDAL (doc/cli.md)"),
    "translate-gray-kept-in-file": (
        lambda inv, d: (inv.tool == "translate" and d["kind"] == "colorinterp"
                        and (set(d.get("interps", ())) == {"Gray", "Undefined"}
                             or tuple(d.get("interps", ())) == ("Palette", "Alpha")
                             or (tuple(d.get("interps", ())) == ("Undefined", "Alpha")
                                 and d.get("second_of_palette_pair")))),
        "a gray, undefined or palette band the TIFF tags cannot express keeps its colour "
        "interpretation in the file's GDAL_METADATA (role colorinterp, read by GDAL 3.6); "
        "gdal_translate puts it in a .aux.xml side-car, lost with GDAL_PAM_ENABLED=NO (doc/cli.md)"),
    "gdal-valid-percent-one-short": (
        lambda inv, d: _valid_percent_one_short(d),
        "STATISTICS_VALID_PERCENT one pixel lower in GDAL 3.6.2 than the valid pixels of the band "
        "it describes (same minimum, maximum, mean and deviation): GDAL miscounts on some block "
        "layouts; rasterkit counts every valid pixel (doc/cli.md)"),
    "gdal-statistics-inexact": (
        lambda inv, d: ((d["kind"] == "band-metadata/STATISTICS_*" and d.get("rk_exact") is True)
                        or d.get("rk_stats_exact") is True),
        "a band's STATISTICS_* differ although both outputs hold the same pixels and rasterkit's "
        "are what numpy computes from them: GDAL 3.6.2's own statistics are off (its UInt16 "
        "paths skip or miscount pixels on some block widths) (doc/cli.md)"),
    "translate-expand-complex": (
        lambda inv, d: (inv.tool == "translate" and inv.has("-expand")
                        and (inv.out_type or "").startswith("C")
                        and (_pixels(d) or d["kind"] == "band-metadata/STATISTICS_*")),
        "-expand into a complex -ot: gdal_translate 3.6.2 writes the palette indices instead "
        "of the colours (its complex path skips the colour table); rasterkit expands (doc/cli.md)"),
    "translate-uint64-keeps-nodata": (
        lambda inv, d: (inv.tool == "translate" and not inv.has("-a_nodata")
                        and (inv.out_type == "UInt64" or (
                            inv.out_type == "Int64" and inv.src_nodata not in (None, "nan")
                            and not -2 ** 63 <= float(inv.src_nodata) < 2 ** 63))
                        and (
                            (d["kind"] == "nodata" and d["values"][1] is None
                             and d["values"][0] is not None)
                            # and fills outside the raster with it
                            or (_pixels(d) and d.get("rk_nodata_gd_zero")))),
        "-ot UInt64 keeps the source's nodata value, and -ot Int64 one outside its range, "
        "clamped; gdal_translate 3.6.2 drops them (it keeps an Int64 one in range and "
        "-a_nodata) (doc/cli.md)"),
    "translate-int64-nodata-pixels": (
        lambda inv, d: (inv.tool == "translate" and inv.out_type in ("Int64", "UInt64")
                        and _pixels(d) and (
                            d.get("rk_nodata_gd_zero")
                            # beside kernel-32bit-double's differences
                            or (d.get("int64_fill_and_single") and inv.kernel_applies
                                and inv.kernel in INTERPOLATING
                                and inv.f["dtype"] in ("Int32", "UInt32", "Float64")))),
        "Int64/UInt64 outputs hold the nodata value where no source value is (beyond the "
        "raster) and where a nodata pixel passes through -scale, -unscale or a kernel, as "
        "every other type does; gdal_translate 3.6.2 writes 0 there (doc/cli.md)"),
    "nan-to-int64-zero": (
        lambda inv, d: (inv.tool == "translate" and inv.out_type in ("Int64", "UInt64")
                        and _pixels(d) and (inv.f["nans"] or inv.src_nodata == "nan")
                        and (d.get("gd_int64_edge_all") or d.get("int64_nan_and_fill"))
                        and (d.get("rk_zero_all") or d.get("int64_nan_and_fill")
                             or (inv.kernel in INTERPOLATING and inv.kernel_applies))),
        "NaN converted to Int64 or UInt64 is 0, as into every other integer type; GDAL 3.6.2 "
        "gives -9223372036854775808 (9223372036854775808 for UInt64), its conversion's "
        "overflow value (doc/cli.md)"),
    "translate-int64-nodata-clamped": (
        lambda inv, d: (inv.tool == "translate" and inv.out_type in ("Int64", "UInt64")
                        and inv.has("-a_nodata") and not _exact_in(inv.val("-a_nodata"),
                                                                   inv.out_type)
                        and (d["kind"] == "nodata"
                             or (_pixels(d) and d.get("rk_nodata_gd_zero")))),
        "-a_nodata on Int64/UInt64 rounds and clamps a value the type cannot hold, as for "
        "every other integer type; gdal_translate 3.6.2 refuses a fractional one, wraps a "
        "negative one into UInt64 and writes 1 for one too large (doc/cli.md)"),
    "resample-nan-left-out": (
        lambda inv, d: (_pixels(d) and inv.kernel in INTERPOLATING and inv.kernel_applies
                        and inv.f["nans"] and (
                            d.get("gd_nan_some")
                            # through -scale/-unscale GDAL's NaN is nodata,
                            # written as the output's nodata value
                            or (inv.scaled and d.get("gd_out_nodata_all"))
                            or (d.get("band_type") in INTEGER_TYPES + ("CInt16", "CInt32")
                                and d.get("gd_int_nan_all")))),
        "NaN pixels are left out of the interpolating kernels, as nodata pixels are; GDAL 3.6.2 "
        "multiplies them by a weight, zero for a NaN nodata value, and spreads each NaN to every "
        "output pixel whose kernel support reaches it (the pixels beside them then differ as the "
        "NaN pixels count or not) (doc/cli.md)"),
    "nan-to-int32-zero": (
        lambda inv, d: (_pixels(d) and inv.out_type in ("Int32", "CInt32")
                        and inv.f["dtype"] == "Float32" and d.get("gd_int_min_all")
                        and (d.get("rk_zero_all")
                             or (inv.kernel in INTERPOLATING and inv.kernel_applies))),
        "NaN converted to Int32 or CInt32 is 0, as GDAL converts NaN from Float64 and to every "
        "other integer type; GDAL 3.6.2 converts Float32 NaN to Int32 with a vector instruction "
        "that gives -2147483648 (where its kernels spread NaN, rasterkit has values: "
        "resample-nan-left-out) (doc/cli.md)"),
    "gdal-float-to-int-half-up": (
        lambda inv, d: _pixels(d) and d.get("gd_float_half_up"),
        "a value held in single precision (a Float32 band, GDAL's float scaling) converted to a "
        "32- or 64-bit integer type is rounded exactly; GDAL 3.6.2 adds 0.5 in single precision, "
        "which moves an odd integer between 2^23 and 2^24 one away from 0 (doc/cli.md)"),
    "kernel-32bit-double": (
        lambda inv, d: (_pixels(d) and inv.kernel_applies and (
            (inv.kernel in INTERPOLATING and _kernel_single_precision(inv, d))
            # mode's empty footprints: the nodata value, which GDAL 3.6.2
            # writes rounded to single precision
            or (inv.kernel == "mode" and inv.f["dtype"] in ("Int32", "UInt32", "Float64")
                and inv.src_nodata not in (None, "nan") and d.get("gd_rk_as_float_all")
                and d.get("rk_bad_values") == [float(inv.src_nodata)]))),
        "kernels on Int32, UInt32 and Float64 sources work in double precision, as GDAL 3.8 "
        "(Float64) and 3.10 (32-bit integers) and later do; GDAL 3.6.2 works in single "
        "precision, a few units of its 24-bit mantissa apart (doc/cli.md)"),
    "gdal-pixels-follow-storage": (
        lambda inv, d: _pixels(d) and d.get("gd_plain_agrees") is True,
        "GDAL 3.6.2's pixels change with options that only say how a file is stored or decoded "
        "(lossless -co COMPRESS, PREDICTOR, block sizes, -oo NUM_THREADS): its copy picks an "
        "overview per swath of output blocks, by the column ratio alone for a one-row swath, and "
        "-oo NUM_THREADS reads another way; rasterkit's pixels are GDAL's without those options "
        "(doc/cli.md)"),
    "gdal-minmax-uint16-tail": (
        lambda inv, d: ((_pixels(d) and d.get("gd_true_range_agrees") is True)
                        or (inv.tool == "info" and inv.f["dtype"] == "UInt16"
                            and d.get("rk_mm_exact") is True)),
        "info -mm reports a UInt16 band's exact minimum and maximum, and -scale without a "
        "source range maps the sampled pixels' ones; GDAL 3.6.2's GDALComputeRasterMinMax skips "
        "each UInt16 block's last pixels past a multiple of 16 (doc/cli.md)"),
    "nan-to-int16-zero": (
        lambda inv, d: (_pixels(d) and inv.out_type in ("Int16", "CInt16")
                        and inv.f["dtype"] == "Float32" and d.get("gd_int16_min_all")
                        and (d.get("rk_zero_all")
                             or (inv.kernel in INTERPOLATING and inv.kernel_applies))),
        "NaN converted to Int16 or CInt16 is 0, as GDAL converts it in short rows and into "
        "every other integer type; GDAL 3.6.2's vector conversion of Float32 rows to Int16 gives "
        "-32768 (doc/cli.md)"),
    "gdal-complex-average-wraps": (
        lambda inv, d: (_pixels(d) and inv.kernel == "average" and inv.kernel_applies
                        and inv.f["dtype"].startswith("C") and d.get("complex_wrap_only")),
        "-r average of a complex band one to three pixels wide: GDAL 3.6.2's warper, which "
        "averages complex bands, takes a window starting at column 0 as wrapping round the "
        "antimeridian and averages the columns outside the pixel's footprint; rasterkit "
        "averages the footprint (doc/cli.md)"),
    "resample-complex-separable": (
        lambda inv, d: (_pixels(d) and inv.kernel in INTERPOLATING - {"average"}
                        and inv.kernel_applies and inv.f["dtype"].startswith("C")),
        "complex bands resampled with bilinear, cubic, cubic spline or Lanczos: rasterkit "
        "applies the same separable kernels as to real bands, to both parts; GDAL 3.6.2 sends "
        "complex bands through its warper, whose kernels treat edges and supports differently "
        "(doc/cli.md)"),
    "translate-scale-with-unscale-refused": (
        lambda inv, d: (d["kind"] == "exit/rk-fails" and inv.has("-unscale")
                        and inv.has("-scale", "-scale_")
                        and "-scale and -unscale cannot be used together" in d["msg"]),
        "-scale (or -scale_N) with -unscale is an error, as in gdal_translate 3.9 and later; "
        "3.6.2 silently applies -unscale alone (doc/cli.md)"),
    "resample-complex-mode": (
        lambda inv, d: (d["kind"] == "exit/gdal-fails" and inv.kernel == "mode"
                        and inv.kernel_applies and inv.f["dtype"].startswith("C")
                        and "not supported for complex" in d["msg"]),
        "mode resampling of a complex band gives the most frequent (real, imaginary) pair; "
        "GDAL 3.6.2 sends complex bands through its warper, which refuses mode for complex "
        "values (doc/cli.md)"),
    "translate-mask-first-keeps-nodata": (
        lambda inv, d: (inv.tool == "translate" and inv.out_bands[0].startswith("mask")
                        and d["kind"] == "nodata" and d["values"][1] is None
                        and d["values"][0] is not None
                        and (inv.src_nodata is not None or inv.has("-a_nodata"))),
        "a mask written as band 1 before data bands with nodata: GeoTIFF holds one nodata value "
        "and rasterkit keeps the data bands'; gdal_translate takes band 1's (none) and puts the "
        "others' in a .aux.xml side-car, lost with GDAL_PAM_ENABLED=NO (doc/cli.md)"),
    "translate-stats-source-aux": (
        lambda inv, d: (inv.tool == "translate" and inv.has("-stats")
                        and d["kind"] == "side-effect/source-aux"),
        "translate -stats computes the output's statistics from the pixels it writes and "
        "never writes beside the source; gdal_translate, for a plain copy, computes them on "
        "the source and rewrites its .aux.xml (doc/cli.md)"),
}


def _read_exact(band):
    """A band's pixels as numpy holds them exactly: gdal_array reads CInt32
    as complex64, whose float parts lose the low bits of values past 2**24
    (two results 64 apart would compare 128 apart, or equal)."""
    if band.DataType != gdal.GDT_CInt32:
        return band.ReadAsArray()
    raw = np.frombuffer(band.ReadRaster(buf_type=gdal.GDT_CInt32), dtype=np.int32)
    parts = raw.astype(np.float64).reshape(band.YSize, band.XSize, 2)
    return parts[..., 0] + 1j * parts[..., 1]


def _stats_exact_on_same_pixels(ba, bb):
    """Whether both outputs hold the same pixels and rasterkit's STATISTICS_*
    items are those numpy computes from them (the valid pixels: not nodata,
    not NaN): then a difference is GDAL's arithmetic, not rasterkit's."""
    md = ba.GetMetadata() or {}
    try:
        xa, xb = _read_exact(ba), _read_exact(bb)
        if xa.shape != xb.shape or not np.array_equal(xa, xb, equal_nan=True):
            return False
        if np.iscomplexobj(xa):
            return False
        a = xa.astype("float64").ravel()
        nd = band_nodata(ba)
        ok = ~np.isnan(a)
        if nd is not None and not math.isnan(nd):
            ok &= a != nd
        v = a[ok]
        if v.size == 0:
            return False
        want = {"STATISTICS_MINIMUM": v.min(), "STATISTICS_MAXIMUM": v.max(),
                "STATISTICS_MEAN": v.mean(), "STATISTICS_STDDEV": v.std()}
        for k, w in want.items():
            got = float(md[k])
            if abs(got - w) > 1e-10 * max(1.0, abs(w)):
                return False
        pct = 100.0 * v.size / a.size
        got_pct = md.get("STATISTICS_VALID_PERCENT")
        return got_pct is not None and abs(float(got_pct) - pct) <= 0.006   # printed %.4g
    except (KeyError, ValueError, TypeError):
        return False


def _valid_percent_one_short(d):
    """Only STATISTICS_VALID_PERCENT differs, GDAL's lower by one pixel."""
    items = d.get("items") or {}
    if set(items) != {"STATISTICS_VALID_PERCENT"}:
        return False
    rk, gd = (float(v) for v in items["STATISTICS_VALID_PERCENT"])
    one = 100.0 / d["pixel_count"]
    return 0 < rk - gd <= one + 0.011   # both printed with 2 decimals


def _pixels(d):
    """A difference in the pixels (statistics computed from them are
    classified with the band's pixels: see classify)."""
    return d["kind"].startswith("pixels/")


def _small(d, rel, absolute=1.0):
    """A pixel difference of at most `absolute` + `rel` times the largest
    magnitude of GDAL's band."""
    return d.get("worst", math.inf) <= absolute + rel * d.get("mag", 0.0)


def _kernel_single_precision(inv, d):
    """kernel-32bit-double: a 32-bit integer source resampled, and the
    difference no more than GDAL 3.6's single-precision kernels make: a few
    units of the 24-bit mantissa, or, through -scale/-unscale (rounded to
    the source type first, as both tools do), one unit of the source
    carried through the scaling."""
    band = inv.diff_bands(d)[0]
    if inv.f["dtype"] == "Float64":
        # GDAL 3.6 rounds the result through single precision: 2^-24 of the
        # value, carried through the scaling (2^-20: the kernel's sums)
        step = inv.transform_step(band, d.get("scale_range"))
        if step is None:
            return False
        mag = max(abs(inv.f["vmin"]), abs(inv.f["vmax"]), *map(abs, d.get("scale_range", [0])))
        integer = d.get("band_type") in INTEGER_TYPES
        return _small(d, 1e-6, step * mag * 2 ** -20 + (1.0 if integer else 0.0))
    if inv.f["dtype"] not in ("Int32", "UInt32"):
        return False
    # a dozen single-precision roundings of sums up to 1.5 times the values
    # (Lanczos's lobes), renormalised over weight sums down to a half
    # beside nodata: 2^-18 (measured: 4,402 of 2.1e9 upsampling 64x48 to
    # 287x182)
    if _small(d, 2 ** -18):
        return True
    # through -scale/-unscale: the source value's own error (one unit of
    # rounding to the source type, or single precision's above 2^24)
    # carried through the scaling
    step = inv.transform_step(band, d.get("scale_range"))
    if step is None:
        return False
    mag = max(abs(inv.f["vmin"]), abs(inv.f["vmax"]), *map(abs, d.get("scale_range", [0])))
    return _small(d, 1e-6, step * max(1.0, mag * 2 ** -20) + 1.0)


INTEGER_TYPES = ("Byte", "UInt16", "Int16", "UInt32", "Int32", "UInt64", "Int64")


def _exact_in(text, type_name):
    """Whether the number `text` is an integer the 64-bit type holds."""
    try:
        v = float(text)
    except ValueError:
        return False
    lo, hi = RANGE[type_name]
    return math.isfinite(v) and v == int(v) and lo <= int(v) <= hi


# Known, open disagreements (issue 16, not fixed in rasterkit yet): (item,
# predicate(Inv, difference), reason). Reported as "known, open", not as
# failures. Each predicate is as narrow as the runs allowed. Fixed, and so
# checked like everything else: item 12 (-scale_N / -exponent_N past the
# output band count is an error) and item 10's equal source min/max
# (widened by 0.1), both in 4524267; item 8 (-projwin_srs by its two
# corners), in a787df2; item 1 (kernels weigh valid pixels as GDAL's; a
# nodata mask band is sampled with nearest, as GDAL samples it); items 4, 5
# and 7 (GDAL's VRT windows: -tr's exact ratio, partly covered edge pixels
# computed whole, average's edge weights, mode's footprints and single
# precision, GDAL's coordinate arithmetic); item 3 (paletted bands: average
# of colours, nearest for the interpolating kernels); item 10 (complex
# -scale and -unscale on both parts; -scale with -unscale refused, a
# deliberate difference); item 2 (a mask band other than nodata's, an
# alpha band's, weighs the kernels' pixels by its value and decides which
# pixels average and, except on Byte bands, mode count). What remains of
# item 5 is below. Item 1's last residual went with item 2: gdal_translate
# samples -b mask with nearest whatever -r says. Item 11: -unscale always
# goes through the scaling source (nodata pixels become the output's
# nodata, values pass through single precision); NaN into Int16 is a
# deliberate difference (nan-to-int16-zero). Item 6: 32-bit integer
# sources resampled in double precision, as GDAL 3.10 does, is deliberate
# (kernel-32bit-double). Item 9: the range is the sampled pixels'; where
# GDAL 3.6.2's differs, its UInt16 min/max skips pixels
# (gdal-minmax-uint16-tail), and -b mask of a reduced read samples the
# overview's nodata mask, as gdal_translate's VRT does. Item 5's last
# residual (-tr a whole multiple of the pixel size with nodata, a window
# 8e-9 pixel off whole pixels) went with the VRT's rounding of its source
# window to whole pixels within 1e-3. No item is open: the table is empty,
# and every difference not in DELIBERATE is a failure.
KNOWN_OPEN = []

# ----------------------------------------------------------------------------
# Constants
# ----------------------------------------------------------------------------

GDT = {"Byte": gdal.GDT_Byte, "UInt16": gdal.GDT_UInt16, "Int16": gdal.GDT_Int16,
       "UInt32": gdal.GDT_UInt32, "Int32": gdal.GDT_Int32, "Float32": gdal.GDT_Float32,
       "Float64": gdal.GDT_Float64, "CInt16": gdal.GDT_CInt16}
NP = {"Byte": np.uint8, "UInt16": np.uint16, "Int16": np.int16, "UInt32": np.uint32,
      "Int32": np.int32, "Float32": np.float32, "Float64": np.float64, "CInt16": np.int16}
RANGE = {"Byte": (0, 255), "UInt16": (0, 65535), "Int16": (-32768, 32767),
         "UInt32": (0, 4294967295), "Int32": (-2147483648, 2147483647),
         "UInt64": (0, 2 ** 64 - 1), "Int64": (-2 ** 63, 2 ** 63 - 1),
         "Float32": (-1e6, 1e6), "Float64": (-1e9, 1e9), "CInt16": (-32768, 32767),
         "CInt32": (-2147483648, 2147483647), "CFloat32": (-1e6, 1e6), "CFloat64": (-1e9, 1e9)}
# -ot choices (GDAL 3.6 has no Int8); the common ones more often
OT_CHOICES = (["Byte"] * 4 + ["UInt16"] * 3 + ["Int16"] * 3 + ["UInt32", "Int32"] * 2
              + ["Float32"] * 3 + ["Float64"] * 2 + ["UInt64", "Int64", "CInt16", "CInt32",
                                                     "CFloat32", "CFloat64"])
KERNELS = ["nearest", "bilinear", "cubic", "cubicspline", "lanczos", "average", "mode"]
INTERPOLATING = {"bilinear", "cubic", "cubicspline", "lanczos", "average"}
ODD_SIZES = [(97, 61), (150, 101), (64, 48), (33, 17), (120, 80), (41, 97), (200, 7), (256, 1)]
FLOAT_TOL = 1e-6
STATS_TOL = 1e-12       # relative, for means and standard deviations (summation order)

# Order in which kinds are reported (and which kind of an invocation is its first)
SEVERITY = ["crash", "hang", "exit", "output", "size", "bands", "datatype", "geotransform",
            "crs", "nodata", "pixels", "colorinterp", "colortable", "scale-offset", "metadata",
            "band-metadata", "layout", "side-effect", "info/exit", "info/json", "info/text",
            "harness"]


def severity(kind):
    for i, s in enumerate(SEVERITY):
        if kind == s or kind.startswith(s + "/"):
            return i
    return len(SEVERITY)


def fmt(x, digits=10):
    """A number as a command-line value: integers plainly, others with
    `digits` significant digits."""
    if isinstance(x, str):
        return x
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.{digits}g}"


# ----------------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------------

XMP = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
       '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
       ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
       '  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
       '   <dc:title>differential</dc:title>\n'
       '  </rdf:Description>\n'
       ' </rdf:RDF>\n'
       '</x:xmpmeta>\n'
       '<?xpacket end="w"?>\n')

# name, type, bands, properties. Sizes, georeferencing, layout, data kind
# and values are drawn from the seed.
SPECS = [
    ("gray", "Byte", 1, {}),
    ("gray_nd", "Byte", 1, {"nodata": "present"}),
    ("rgb", "Byte", 3, {"photometric": "RGB"}),
    ("rgba", "Byte", 4, {"photometric": "RGB", "alpha": True}),
    ("pal", "Byte", 1, {"palette": True}),
    ("pal_alpha", "Byte", 2, {"palette": True, "alpha": True}),
    ("pal_nd", "Byte", 1, {"palette": True, "nodata": "present"}),
    ("u16_nd", "UInt16", None, {"nodata": "present"}),
    ("u16_3b", "UInt16", 3, {}),
    ("i16_nd", "Int16", 1, {"nodata": "present"}),
    ("i16_md", "Int16", 2, {"metadata": True, "scale": True, "xmp": True}),
    ("u32", "UInt32", 1, {}),
    ("i32_nd", "Int32", None, {"nodata": "present"}),
    ("f32_nan", "Float32", 1, {"nodata": "nan"}),
    ("f32_nd_so", "Float32", 2, {"nodata": "present", "scale": True}),
    ("f64", "Float64", None, {}),
    ("f64_nan_nond", "Float64", 1, {"nodata": "absent", "nans": True}),
    ("cint16", "CInt16", 1, {}),
    ("ovr_gray", "Byte", 1, {"size": (700, 500), "overviews": [2, 4, 8], "geo": "utm"}),
    ("ovr_u16_nd", "UInt16", 1, {"size": (150, 101), "overviews": [2, 4], "nodata": "present"}),
    ("ovr_rgb", "Byte", 3, {"size": (150, 101), "overviews": [2, 4], "photometric": "RGB"}),
    ("one", None, 1, {"size": (1, 1)}),
    ("thin", None, 1, {"size": (3, 200)}),
    ("point", "Int16", 1, {"point": True, "geo": "utm"}),
    ("geo_byte", "Byte", 1, {"geo": "geo", "nodata": "present"}),
    ("geo_f32", "Float32", 1, {"geo": "geo"}),
]


def gen_values(rng, dtype, w, h, smooth, lo, hi):
    if smooth:
        y, x = np.mgrid[0:h, 0:w].astype("float64")
        fx, fy = rng.uniform(3, 40, 2)
        ph = rng.uniform(0, 6.3)
        base = 0.5 + 0.25 * np.sin(x / fx + ph) + 0.25 * np.cos(y / fy) * (x + 1) / w
        base = 0.8 * base + 0.2 * (x + y) / max(1, w + h - 2)
        v = lo + np.clip(base, 0, 1) * (hi - lo)
    else:
        v = rng.uniform(lo, hi, (h, w))
    if dtype in ("Float32", "Float64"):
        return v.astype(NP[dtype])
    return np.clip(np.round(v), lo, hi).astype(NP[dtype])


def make_inputs(d, seed):
    """Writes the inputs into d; returns the catalog (a list of dicts)."""
    os.makedirs(d, exist_ok=True)
    r = random.Random(f"inputs:{seed}")
    rng = np.random.default_rng(seed)
    drv = gdal.GetDriverByName("GTiff")
    catalog = []
    for k, (stem, dtype, nb, props) in enumerate(SPECS):
        if dtype is None:
            dtype = r.choice(["Byte", "UInt16", "Int16", "Int32", "Float32", "Float64"])
        if nb is None:
            nb = r.randint(1, 4 if dtype != "Float64" else 3)
        w, h = props.get("size") or r.choice(ODD_SIZES)
        name = f"f{k:02d}_{stem}.tif"
        path = f"{d}/{name}"
        opts = []
        if r.random() < 0.4 and w >= 16 and h >= 16:
            bs = r.choice([16, 32, 64])
            opts += ["TILED=YES", f"BLOCKXSIZE={bs}", f"BLOCKYSIZE={r.choice([16, 32, 64])}"]
        else:
            opts += [f"BLOCKYSIZE={r.randint(1, max(1, h))}"]
        comp = r.choice(["NONE", "NONE", "NONE", "DEFLATE", "LZW"])
        opts.append(f"COMPRESS={comp}")
        if nb > 1:
            opts.append(f"INTERLEAVE={r.choice(['PIXEL', 'BAND'])}")
        if props.get("photometric"):
            opts.append(f"PHOTOMETRIC={props['photometric']}")
        if props.get("palette"):
            opts.append("PHOTOMETRIC=PALETTE")
        if props.get("alpha"):
            opts.append("ALPHA=YES")
        ds = drv.Create(path, w, h, nb, GDT[dtype], opts)
        geo = props.get("geo") or r.choice(["utm", "utm", "geo", "gt", "none"])
        gt = epsg = None
        if geo == "utm":
            px = r.choice([10.0, 30.0, 2.5, 0.5])
            gt = [500000.0 + 10 * r.randint(-500, 500), px, 0.0,
                  4600000.0 + 10 * r.randint(-500, 500), 0.0, -px]
            epsg = 32631
        elif geo == "geo":
            px = r.choice([0.001, 0.01, 0.00025, 1 / 120])
            gt = [2.0 + r.randint(0, 20) / 10, px, 0.0, 49.0 - r.randint(0, 20) / 10, 0.0, -px]
            epsg = 4326
        elif geo == "gt":
            px = r.choice([1.0, 2.0, 0.25])
            gt = [float(r.randint(-1000, 1000)), px, 0.0, float(r.randint(-1000, 1000)), 0.0, -px]
        if gt:
            ds.SetGeoTransform(gt)
        if epsg:
            srs = osr.SpatialReference()
            srs.ImportFromEPSG(epsg)
            ds.SetProjection(srs.ExportToWkt())
        if props.get("point"):
            ds.SetMetadataItem("AREA_OR_POINT", "Point")
        smooth = r.random() < 0.5
        if dtype == "Byte":
            lo, hi = (0, 255) if r.random() < 0.7 else (10, 200)
        elif dtype == "UInt16":
            lo, hi = r.choice([(0, 65535), (0, 4000), (100, 1100)])
        elif dtype in ("Int16", "CInt16"):
            lo, hi = r.choice([(-32768, 32767), (-1000, 3000), (0, 255)])
        elif dtype == "UInt32":
            lo, hi = r.choice([(0, 4294967295), (0, 100000)])
        elif dtype == "Int32":
            lo, hi = r.choice([(-2147483648, 2147483647), (-50000, 50000)])
        elif dtype == "Float32":
            lo, hi = r.choice([(-20.0, 100.0), (0.0, 1.0), (-1e5, 1e5)])
        else:
            lo, hi = r.choice([(-1.0, 1.0), (0.0, 1e6), (-300.0, 300.0)])
        if props.get("palette"):
            lo, hi = 0, r.choice([15, 99, 199, 255])
        nodata = None
        arrays = []
        for b in range(nb):
            is_alpha = props.get("alpha") and b == nb - 1
            if is_alpha:
                a = gen_values(rng, "Byte", w, h, True, 0, 255)
                a[: h // 3] = 255
                a[h // 3: h // 2] = 0
            else:
                a = gen_values(rng, dtype, w, h, smooth, lo, hi)
                if dtype == "CInt16":
                    a = a.astype("float32") + 1j * gen_values(rng, dtype, w, h, not smooth, lo, hi)
                    a = a.astype("complex64")
            arrays.append(a)
        nd = props.get("nodata")
        if nd == "nan":
            nodata = float("nan")
        elif nd == "present":
            if dtype in ("Float32", "Float64"):
                nodata = -9999.0
            elif dtype == "Byte" and props.get("palette"):
                nodata = float(hi)
            else:
                nodata = float(arrays[0].flat[rng.integers(arrays[0].size)])
        elif nd == "absent":
            nodata = 1e20
        if nodata is not None or props.get("nans"):
            val = float("nan") if (nd == "nan" or props.get("nans")) else nodata
            for b in range(nb - (1 if props.get("alpha") else 0)):
                a = arrays[b]
                if a.size > 4:
                    y0, x0 = rng.integers(0, h), rng.integers(0, w)
                    a[y0: y0 + max(1, h // 4), x0: x0 + max(1, w // 5)] = val
                    a.flat[rng.choice(a.size, max(1, a.size // 50), replace=False)] = val
        for b in range(nb):
            band = ds.GetRasterBand(b + 1)
            if nodata is not None and not (props.get("alpha") and b == nb - 1):
                band.SetNoDataValue(nodata)
            band.WriteArray(arrays[b])
        if props.get("palette"):
            ct = gdal.ColorTable()
            n = r.choice([16, 100, 200, 256])
            for i in range(n):
                ct.SetColorEntry(i, (r.randint(0, 255), r.randint(0, 255), r.randint(0, 255),
                                     255 if r.random() < 0.8 else r.randint(0, 255)))
            ds.GetRasterBand(1).SetRasterColorTable(ct)
        has_scale = bool(props.get("scale"))
        scales = [(1.0, 0.0)] * nb
        if has_scale:
            scales = []
            for b in range(nb):
                scales.append((r.choice([0.5, 0.01, 2.0]), r.choice([0.0, -10.0, 3.25])))
                ds.GetRasterBand(b + 1).SetScale(scales[-1][0])
                ds.GetRasterBand(b + 1).SetOffset(scales[-1][1])
        if props.get("metadata"):
            ds.SetMetadata({"PRODUCER": "differential", "LEVEL": "2", "NOTE": "a b=c"})
            for b in range(nb):
                band = ds.GetRasterBand(b + 1)
                band.SetMetadata({"WAVELENGTH": str(400 + 100 * b), "BANDKEY": f"b{b + 1}"})
                band.SetDescription(f"band {b + 1}")
                band.SetUnitType("m")
        if props.get("xmp"):
            ds.SetMetadata([XMP], "xml:XMP")
        ds = None
        if props.get("overviews"):
            subprocess.run(["gdaladdo", "-q", "-r", r.choice(["average", "nearest"]), path,
                            *map(str, props["overviews"])], check=True, env=gd_env_base(False),
                           capture_output=True)
        finite = [a for a in arrays[: nb - (1 if props.get("alpha") else 0)]]
        catalog.append({
            "name": name, "dtype": dtype, "w": w, "h": h, "nb": nb, "gt": gt, "epsg": epsg,
            "nodata": None if nodata is None else ("nan" if math.isnan(nodata) else nodata),
            "palette": bool(props.get("palette")), "alpha": bool(props.get("alpha")),
            "overviews": props.get("overviews") or [], "scale": has_scale, "scales": scales,
            "xmp": bool(props.get("xmp")), "vmin": float(lo), "vmax": float(hi),
            "nans": nd == "nan" or bool(props.get("nans")),
            "present": [float(np.real(finite[0].flat[i])) for i in rng.integers(0, finite[0].size, 3)]
            if dtype != "Float64" or not props.get("nans") else [0.5],
        })
    with open(f"{d}/catalog.json", "w") as f:
        json.dump({"seed": seed, "generator": GENERATOR, "files": catalog}, f, indent=1)
    return catalog


def load_or_make_inputs(d, seed):
    """The inputs of `seed` in d: reused when d already holds them (a replay),
    generated otherwise."""
    try:
        with open(f"{d}/catalog.json") as fh:
            c = json.load(fh)
        if (isinstance(c, dict) and c.get("seed") == seed and c.get("generator") == GENERATOR
                and all(os.path.exists(f"{d}/{x['name']}") for x in c["files"])):
            return c["files"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    shutil.rmtree(d, ignore_errors=True)
    return make_inputs(d, seed)


def _generator_version():
    """Changes whenever the inputs' generator changes (a replay regenerates)."""
    import inspect
    src = repr(SPECS) + repr(ODD_SIZES) + inspect.getsource(gen_values) + inspect.getsource(make_inputs)
    return hashlib.md5(src.encode()).hexdigest()[:12]


GENERATOR = _generator_version()


# ----------------------------------------------------------------------------
# Drawing invocations
# ----------------------------------------------------------------------------

def pick_window(r, W, H, mode):
    """(xoff, yoff, xsize, ysize) in pixels."""
    out = []
    for n in (W, H):
        if mode == "inside":
            off = r.randint(0, n - 1)
            size = r.randint(1, n - off)
        elif mode == "partial":
            size = r.randint(1, n) + r.randint(1, n // 2 + 2)
            off = r.randint(-size + 1, n - 1)
        elif mode == "frac":
            off = round(r.uniform(0, max(0.0, n - 1.2)), r.choice([1, 2, 3]))
            size = round(r.uniform(min(1.0, n - off), n - off), r.choice([1, 2]))
            size = max(size, 0.5)
        else:  # outside
            off = n + r.randint(0, 10)
            size = r.randint(1, n)
        out.append((off, size))
    return out[0][0], out[1][0], out[0][1], out[1][1]


def transform_points(pts, src_epsg, dst_epsg):
    s, t = osr.SpatialReference(), osr.SpatialReference()
    s.ImportFromEPSG(src_epsg)
    t.ImportFromEPSG(dst_epsg)
    for x in (s, t):
        x.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(s, t)
    return [ct.TransformPoint(x, y)[:2] for x, y in pts]


def gen_translate(r, f):
    g = []
    W, H, NB = f["w"], f["h"], f["nb"]
    gt = f["gt"]
    out_t = f["dtype"]
    if r.random() < 0.3:
        out_t = r.choice(OT_CHOICES)
        g.append(["-ot", out_t])
    # bands
    nout = NB
    if f["palette"] and r.random() < 0.5:
        exp = r.choice(["gray", "rgb", "rgba", "rgb", "rgba"])
        g.append(["-expand", exp])
        nout = {"gray": 1, "rgb": 3, "rgba": 4}[exp]
        if r.random() < 0.25:
            g.append(["-b", "1"])
        if "-ot" not in _flat({"groups": g}):
            out_t = "Byte"
    elif r.random() < 0.25:
        picks = []
        for _ in range(r.choice([1, 1, 2, 3, 4])):
            if r.random() < 0.12:
                picks.append(r.choice(["mask", f"mask,{r.randint(1, NB)}"]))
            else:
                picks.append(str(r.randint(1, NB)))
        g += [["-b", p] for p in picks]
        nout = len(picks)
    # window
    ww, wh = W, H
    windowed = False
    u = r.random()
    if u < 0.25:
        mode = r.choices(["inside", "partial", "frac", "outside"], [0.5, 0.25, 0.2, 0.05])[0]
        x0, y0, xs, ys = pick_window(r, W, H, mode)
        g.append(["-srcwin", fmt(x0), fmt(y0), fmt(xs), fmt(ys)])
        ww, wh, windowed = xs, ys, mode != "inside"
        if mode != "inside" and r.random() < 0.25:
            g.append([r.choice(["-epo", "-eco"])])
    elif u < 0.45 and gt:
        mode = r.choices(["inside", "partial", "frac", "outside"], [0.45, 0.25, 0.25, 0.05])[0]
        x0, y0, xs, ys = pick_window(r, W, H, mode)
        ul = (gt[0] + x0 * gt[1], gt[3] + y0 * gt[5])
        lr = (gt[0] + (x0 + xs) * gt[1], gt[3] + (y0 + ys) * gt[5])
        ww, wh, windowed = xs, ys, True
        if f["epsg"] and r.random() < 0.35:
            dst = r.choice({32631: [4326, 3857, 32631], 4326: [32631, 3857, 4326]}[f["epsg"]])
            if dst != f["epsg"]:
                ul, lr = transform_points([ul, lr], f["epsg"], dst)
            g.append(["-projwin_srs", f"EPSG:{dst}"])
        g.append(["-projwin", fmt(ul[0], 12), fmt(ul[1], 12), fmt(lr[0], 12), fmt(lr[1], 12)])
        if mode != "inside" and r.random() < 0.25:
            g.append([r.choice(["-epo", "-eco"])])
    # output size
    resized = False
    area = max(1.0, float(ww) * float(wh))
    cap = math.sqrt(1.5e6 / area)          # keep outputs under ~1.5 Mpixel
    u = r.random()
    if u < 0.3:
        resized = True

        def pct():
            v = r.choice([10, 25, 33.3, 50, 75, 100, 150, 200, 250, round(r.uniform(5, 300), 1)])
            return f"{fmt(min(v, 100 * cap, 300), 4)}%"

        def pix(n):
            return str(r.randint(1, max(1, min(int(2 * n) + 1, int(n * cap) + 1, 1500))))
        form = r.choice(["pct", "pct", "pix", "zero"])
        if form == "pct":
            sx = pct()
            g.append(["-outsize", sx, sx if r.random() < 0.6 else pct()])
        elif form == "pix":
            g.append(["-outsize", pix(ww), pix(wh)])
        elif r.random() < 0.5:        # one size given, the other kept in proportion
            g.append(["-outsize", pct() if r.random() < 0.5 else pix(ww), "0"])
        else:
            g.append(["-outsize", "0", pct() if r.random() < 0.5 else pix(wh)])
    elif u < 0.45 and gt:
        resized = True
        lo = max(0.3, 1 / cap)
        fx = r.choice([0.5, 1, 1.5, 2, 3, round(r.uniform(lo, 3), 3)])
        fy = fx if r.random() < 0.7 else r.choice([0.5, 1, 2, round(r.uniform(lo, 3), 3)])
        g.append(["-tr", fmt(max(fx, lo) * abs(gt[1]), 8), fmt(max(fy, lo) * abs(gt[5]), 8)])
    if r.random() < (0.75 if (resized or windowed) else 0.1):
        g.append(["-r", r.choice(KERNELS)])
    # value scaling
    if r.random() < 0.2:
        lo_t, hi_t = RANGE[out_t]

        def src_range():
            span = f["vmax"] - f["vmin"]
            a = r.uniform(f["vmin"] - 0.1 * span, f["vmax"] + 0.1 * span)
            b = r.uniform(f["vmin"] - 0.1 * span, f["vmax"] + 0.1 * span)
            a, b = sorted((a, b)) if r.random() < 0.9 else (max(a, b), min(a, b))
            if f["dtype"] not in ("Float32", "Float64"):
                a, b = round(a), round(b)
            return [fmt(a, 8), fmt(b, 8)]

        def dst_range():
            if out_t in ("Float32", "Float64", "CFloat32", "CFloat64"):
                a, b = round(r.uniform(-1000, 1000), 2), round(r.uniform(-1000, 1000), 2)
            else:
                a, b = r.randint(int(lo_t), int(min(hi_t, 1e6))), r.randint(int(lo_t), int(min(hi_t, 1e6)))
            return [fmt(a), fmt(b)]

        def values():
            n = r.choice([0, 2, 4, 4])
            return [] if n == 0 else src_range() + (dst_range() if n == 4 else [])
        if r.random() < 0.6:
            g.append(["-scale", *values()])
            if r.random() < 0.3:
                e = fmt(r.choice([0.5, 2, 0.25, round(r.uniform(0.2, 3), 2)]))
                bn = r.randint(1, nout)
                g.append(["-exponent", e] if r.random() < 0.6 else [f"-exponent_{bn}", e])
        else:
            for bn in sorted(r.sample(range(1, nout + 1), r.randint(1, nout))):
                g.append([f"-scale_{bn}", *values()])
                if r.random() < 0.3:
                    g.append([f"-exponent_{bn}", fmt(r.choice([0.5, 2, round(r.uniform(0.2, 3), 2)]))])
    if r.random() < (0.35 if f["scale"] else 0.05):
        g.append(["-unscale"])
        if "-ot" not in _flat({"groups": g}) and r.random() < 0.7:
            out_t = r.choice(["Float32", "Float64"])
            g.insert(0, ["-ot", out_t])
    # assignments
    if r.random() < 0.07:
        g.append(["-a_srs", r.choice(["EPSG:4326", "EPSG:32631", "EPSG:3857", "EPSG:2154"])])
    if r.random() < 0.07:
        ulx, uly = r.uniform(-1000, 1000), r.uniform(-1000, 1000)
        g.append(["-a_ullr", fmt(round(ulx, 3)), fmt(round(uly, 3)),
                  fmt(round(ulx + r.uniform(1, 500), 3)), fmt(round(uly - r.uniform(1, 500), 3))])
    if r.random() < 0.12:
        lo_t, hi_t = RANGE[out_t]
        v = r.choice(["none", "nan", "present", "present", "inrange", "inrange", "outside",
                      "frac", "-0"])
        if v == "present":
            v = fmt(r.choice(f["present"]), 10)
        elif v == "inrange":
            v = fmt(r.randint(int(max(lo_t, -1e6)), int(min(hi_t, 1e6))))
        elif v == "outside":
            v = r.choice(["-1", "256", "70000", "-40000", "1e10", "-1e20"])
        elif v == "frac":
            v = r.choice(["1.5", "-2.25", "0.1", "254.6"])
        g.append(["-a_nodata", v])
    if r.random() < 0.07:
        g.append(["-a_scale", r.choice(["0.5", "2", "-1.25", "0.001", "1"])])
    if r.random() < 0.07:
        g.append(["-a_offset", r.choice(["0", "-10", "3.75", "1e3"])])
    if r.random() < 0.1:
        for _ in range(r.randint(1, 2)):
            g.append(["-mo", r.choice(["FOO=BAR", "KEY=a value with spaces", "NUM=42", "EMPTY=",
                                       "AREA_OR_POINT=Point", "AREA_OR_POINT=Area",
                                       "TIFFTAG_SOFTWARE=differential", "X=1=2"])])
    # creation options
    co = []
    cplx = out_t.startswith("C")
    if r.random() < 0.35:
        comp = r.choice(["NONE", "DEFLATE", "LZW", "ZSTD", "LZMA", "PACKBITS"])
        co.append(f"COMPRESS={comp}")
        if comp in ("DEFLATE", "LZW", "ZSTD", "LZMA") and not cplx and r.random() < 0.4:
            co.append("PREDICTOR=3" if out_t in ("Float32", "Float64") and r.random() < 0.6
                      else "PREDICTOR=2")
    if r.random() < 0.25:
        if r.random() < 0.6:
            co.append("TILED=YES")
            if r.random() < 0.6:
                co.append(f"BLOCKXSIZE={16 * r.randint(1, 16)}")
            if r.random() < 0.6:
                co.append(f"BLOCKYSIZE={16 * r.randint(1, 16)}")
        else:
            co.append(f"BLOCKYSIZE={r.randint(1, 64)}")
    if nout > 1 and r.random() < 0.2:
        co.append(f"INTERLEAVE={r.choice(['PIXEL', 'BAND'])}")
    g += [["-co", c] for c in co]
    if r.random() < 0.03:
        g.append(["-co", "NUM_THREADS=2"])
    if r.random() < 0.08:
        g.append(["-stats"])
    if r.random() < (0.3 if f["xmp"] else 0.03):
        g.append(["-noxmp"])
    if r.random() < 0.04:
        g.insert(0, ["-of", "GTiff"])
    if r.random() < 0.04:
        g.append(["-mask", r.choice(["auto", "none"])])
    if r.random() < 0.03:
        g.append(["-oo", "NUM_THREADS=2"])
    if r.random() < 0.08:
        g.append(["--threads", r.choice(["1", "2", "3"])])
    return g


def gen_info(r, f):
    g = []
    if r.random() < 0.5:
        g.append(["-json"])
    u = r.random()
    if u < 0.3:
        g.append(["-stats"])
    elif u < 0.45:
        g.append(["-approx_stats"])
    for flag, p in (("-mm", 0.3), ("-hist", 0.3), ("-checksum", 0.35), ("-nomd", 0.12),
                    ("-noct", 0.08), ("-nofl", 0.05), ("-proj4", 0.05), ("-nogcp", 0.04),
                    ("-norat", 0.04)):
        if r.random() < p:
            g.append([flag])
    if r.random() < 0.25:
        g.append(["-mdd", r.choice(["all", "all", "IMAGE_STRUCTURE", "xml:XMP"])])
    if r.random() < 0.05:
        g.append(["-wkt_format", r.choice(["WKT1", "WKT1_ESRI", "WKT2", "WKT2_2015", "WKT2_2018",
                                           "WKT2_2019"])])
    if r.random() < 0.03:
        g.append(["-oo", "NUM_THREADS=2"])
    if r.random() < 0.08:
        g.append(["--threads", r.choice(["1", "2", "3"])])
    return g


def draw(seed, i, catalog):
    r = random.Random(f"{seed}:{i}")
    f = r.choice(catalog)
    if r.random() < 0.25:
        return {"id": i, "tool": "info", "src": f["name"], "groups": gen_info(r, f)}
    return {"id": i, "tool": "translate", "src": f["name"], "groups": gen_translate(r, f)}


# ----------------------------------------------------------------------------
# Running (in worker processes)
# ----------------------------------------------------------------------------

CFG = {}


def gd_env_base(pam):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GDAL_", "RK_", "CPL_"))}
    if not pam:
        env["GDAL_PAM_ENABLED"] = "NO"
    return env


def init_worker(cfg):
    CFG.update(cfg)
    if not cfg["pam"]:
        gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    gdal.PushErrorHandler("CPLQuietErrorHandler")


def run_proc(cmd, cwd, env, timeout=None):
    t = time.time()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True,
                           timeout=timeout or CFG["timeout"])
        return {"rc": p.returncode, "out": p.stdout, "err": p.stderr, "secs": time.time() - t}
    except subprocess.TimeoutExpired as e:
        return {"rc": None, "out": e.stdout or b"", "err": e.stderr or b"", "secs": time.time() - t}
    except OSError as e:     # e.g. the binary being rebuilt under the run
        return {"rc": 127, "out": b"", "err": f"differential: cannot run {cmd[0]}: {e}".encode(),
                "secs": time.time() - t, "oserror": True}


def fresh_dir(d, src):
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    shutil.copyfile(f"{CFG['inputs']}/{src}", f"{d}/{src}")


def diff(kind, msg, same=None):
    return {"kind": kind, "same": same or kind, "msg": msg}


def errline(b):
    """The first error line of a tool's stderr (else its first line)."""
    s = b.decode("utf-8", "replace").strip()
    lines = [ln for ln in s.split("\n") if ln.strip() and not ln.startswith(("Usage", "  ", "       "))]
    errs = [ln for ln in lines if not ln.lower().startswith(("warning", "rasterkit: warning"))]
    return (errs or lines or [""])[0][:200]


def crash_diffs(rk):
    if rk["rc"] is None:
        return [diff("hang/timeout", f"rasterkit did not finish in {CFG['timeout']} s")]
    err = rk["err"].decode("utf-8", "replace")
    if rk["rc"] < 0:
        return [diff("crash/signal", f"rasterkit killed by signal {-rk['rc']}: {err.strip()[-300:]}",
                     "crash")]
    if "terminate called" in err or "AddressSanitizer" in err or "runtime error:" in err:
        return [diff("crash/terminate", f"rasterkit: {err.strip()[-300:]}", "crash")]
    return []


def execute(inv, where, timeout=None):
    """Runs one invocation in folder `where`; returns a result dict."""
    src = inv["src"]
    args, gargs = _flat(inv), _flat(inv, "gd")
    rkd, gdd = f"{where}/rk", f"{where}/gd"
    fresh_dir(rkd, src)
    fresh_dir(gdd, src)
    if inv["tool"] == "translate":
        rk = run_proc([CFG["rk"], "translate", "-q", *args, src, "out.tif"], rkd, CFG["rk_env"], timeout)
        gd = run_proc(["gdal_translate", "-q", *gargs, src, "out.tif"], gdd, CFG["gd_env"], timeout)
    else:
        rk = run_proc([CFG["rk"], "info", *args, src], rkd, CFG["rk_env"], timeout)
        gd = run_proc(["gdalinfo", *gargs, src], gdd, CFG["gd_env"], timeout)
    res = {"rk_rc": rk["rc"], "gd_rc": gd["rc"], "secs": rk["secs"] + gd["secs"],
           "rk_err": errline(rk["err"]), "gd_err": errline(gd["err"]), "diffs": []}
    if rk.get("oserror") or gd.get("oserror"):
        res["diffs"] = [diff("harness/exec", errline(rk["err"] if rk.get("oserror") else gd["err"]))]
        res["result"] = "disagree"
        return res
    diffs = crash_diffs(rk)
    if gd["rc"] is None or (gd["rc"] is not None and gd["rc"] < 0):
        diffs.append(diff("harness/oracle-crash", f"GDAL exit {gd['rc']}: {errline(gd['err'])}"))
    if diffs:
        if timeout and None in (rk["rc"], gd["rc"]):   # a shortened limit: not a finding
            diffs = [diff("harness/step-timeout", "over the reduction's time limit")]
        res["diffs"] = diffs
        res["result"] = "disagree"
        return res
    pre = "" if inv["tool"] == "translate" else "info/"
    if (rk["rc"] == 0) != (gd["rc"] == 0):
        who = "rk-fails" if rk["rc"] else "gdal-fails"
        msg = (f"rasterkit exit {rk['rc']} ({res['rk_err']!r}), GDAL exit {gd['rc']} "
               f"({res['gd_err']!r})")
        res["diffs"] = [diff(f"{pre}exit/{who}", msg)]
        res["result"] = "disagree"
        return res
    if rk["rc"] != 0:
        res["result"] = "both-failed"
        return res
    if inv["tool"] == "translate":
        diffs = compare_translate(inv, rkd, gdd)
        _recheck_storage(inv, where, diffs, timeout)
        _recheck_complex_wrap(inv, where, diffs, timeout)
        _note_scale_ranges(inv, where, diffs)
        _recheck_scale_range(inv, where, diffs, timeout)
    else:
        diffs = compare_info(inv, rk["out"], gd["out"])
        _check_computed_min_max(inv, rkd, rk["out"], diffs)
        _check_info_stats(inv, rkd, rk["out"], gd["out"], diffs)
    diffs += side_effects(inv, rkd, gdd)
    res["diffs"] = diffs
    res["result"] = "disagree" if diffs else "agree"
    return res


# Options that say how GDAL stores or decodes a file, not what its pixels
# are: lossless compression, predictor, blocks, decoding threads. GDAL
# 3.6.2's pixels still change with some of them (its copy works in swaths
# of the output's blocks and picks an overview per swath; -oo NUM_THREADS
# takes another read path); rasterkit's do not (gdal-pixels-follow-storage).
def _storage_only(grp):
    if grp[0] == "-oo":
        return grp[1].upper().startswith("NUM_THREADS=")
    if grp[0] != "-co":
        return False
    key, _, val = grp[1].partition("=")
    key, val = key.upper(), val.upper()
    if key == "COMPRESS":
        return val in ("NONE", "DEFLATE", "LZW", "ZSTD", "LZMA", "PACKBITS")
    return key in ("PREDICTOR", "ZLEVEL", "TILED", "BLOCKXSIZE", "BLOCKYSIZE", "NUM_THREADS")


def _recheck_storage(inv, where, diffs, timeout):
    """Runs GDAL once more without the storage-only options when pixels
    differ, and marks each pixel difference whose band then equals
    rasterkit's (within the same tolerance) with "gd_plain_agrees"."""
    pix = [d for d in diffs if d["kind"].startswith("pixels/")]
    if not pix or not any(_storage_only(g) for g in inv["groups"]):
        return
    groups = [g for g in inv["groups"] if not _storage_only(g)]
    _rerun_gdal(inv, groups, where, "gd_plain", timeout, pix, "gd_plain_agrees")


def _wrapped_columns(w_src, n_out):
    """The output columns GDAL 3.6.2's warper averages as wrapping round
    the antimeridian, for a source window `w_src` pixels wide starting at
    column 0 (its test, in its arithmetic: both ends of the footprint
    within min(2, w/10) output pixels of the window's edges)."""
    t = min(2, w_src // 10)
    scale = n_out / w_src
    cols = set()
    for i in range(n_out):
        x0, x1 = i * (w_src / n_out), (i + 1.0) * (w_src / n_out)
        if x0 * scale < t and (w_src - x1) * scale < t:
            cols.add(i)
    return cols


def _recheck_complex_wrap(inv, where, diffs, timeout):
    """Marks a complex band's average differences with "complex_wrap_only"
    when every column apart is one GDAL's warper wraps (gdal-complex-
    average-wraps): the source window, from GDAL's own VRT of the
    invocation, must start at column 0 and be whole pixels wide."""
    pix = [d for d in diffs if d["kind"].startswith("pixels/average")]
    if not pix or not CFG["catalog"][inv["src"]]["dtype"].startswith("C"):
        return
    vd = f"{where}/gd_vrt"
    fresh_dir(vd, inv["src"])
    r = run_proc(["gdal_translate", "-q", *_flat(inv, "gd"), "-of", "VRT", inv["src"], "out.vrt"],
                 vd, CFG["gd_env"], timeout)
    if r["rc"] != 0 or r.get("oserror"):
        return
    m = re.search(r'<SrcRect xOff="([^"]+)" yOff="[^"]+" xSize="([^"]+)"',
                  open(f"{vd}/out.vrt").read())
    if not m or float(m.group(1)) != 0 or not float(m.group(2)).is_integer():
        return
    try:
        a, b = gdal.Open(f"{where}/rk/out.tif"), gdal.Open(f"{where}/gd/out.tif")
    except RuntimeError:
        return
    wrapped = _wrapped_columns(int(float(m.group(2))), b.RasterXSize)
    for d in pix:
        i = d["bands"][0]
        xa, xb = _read_exact(a.GetRasterBand(i)), _read_exact(b.GetRasterBand(i))
        apart = np.abs(xa.astype("complex128") - xb.astype("complex128")) > 1
        cols = set(np.nonzero(apart.any(axis=0))[0].tolist())
        d["complex_wrap_only"] = bool(cols) and cols <= wrapped


def _rerun_gdal(inv, groups, where, name, timeout, pix, key):
    """Runs gdal_translate once more with flag groups `groups` (in
    WHERE/name) and marks each difference in `pix` with `key`: whether
    that run's band equals rasterkit's."""
    again = dict(inv, groups=groups)
    d = f"{where}/{name}"
    fresh_dir(d, inv["src"])
    r = run_proc(["gdal_translate", "-q", *_flat(again, "gd"), inv["src"], "out.tif"], d,
                 CFG["gd_env"], timeout)
    if r["rc"] != 0 or r.get("oserror"):
        return
    _mark_agreeing(pix, f"{where}/rk/out.tif", f"{d}/out.tif", kernel_of(inv), key)


def _mark_agreeing(pix, rk_path, gd_path, kernel, key):
    """Sets d[key] on each pixel difference in `pix`: whether the band of
    GDAL's second run (gd_path) equals rasterkit's within the tolerance."""
    try:
        a, b = gdal.Open(rk_path), gdal.Open(gd_path)
    except RuntimeError:
        return
    for d in pix:
        i = d["bands"][0]
        if i > b.RasterCount:
            continue
        ba, bb = a.GetRasterBand(i), b.GetRasterBand(i)
        if ba.DataType != bb.DataType or (ba.XSize, ba.YSize) != (bb.XSize, bb.YSize):
            continue
        n = compare_pixels(_read_exact(ba), _read_exact(bb), kernel, band_nodata(bb),
                           gdal.GetDataTypeName(ba.DataType) in ("CInt16", "CInt32"))[0]
        d[key] = n == 0


def _sampled_min_max(band):
    """GDALComputeRasterMinMax(approx_ok=TRUE) as GDAL means it: the most
    reduced overview with more than 2,500 pixels, else every rate-th block
    (rate the square root of the block count, one more when it equals the
    blocks per row), nodata left out. Computed with numpy, so without GDAL
    3.6.2's UInt16 tail bug (gdal-minmax-uint16-tail)."""
    nodata = band.GetNoDataValue()
    best, n_best = band, band.XSize * band.YSize
    for i in range(band.GetOverviewCount()):
        ov = band.GetOverview(i)
        n = ov.XSize * ov.YSize
        if 2500 < n < n_best:
            best, n_best = ov, n
    bx, by = best.GetBlockSize()
    per_row = (best.XSize + bx - 1) // bx
    per_col = (best.YSize + by - 1) // by
    rate = 1
    if best is band:
        rate = max(1, int(math.sqrt(per_row * per_col)))
        if rate == per_row and per_row > 1:
            rate += 1
    lo, hi = math.inf, -math.inf
    for k in range(0, per_row * per_col, rate):
        x, y = (k % per_row) * bx, (k // per_row) * by
        a = best.ReadAsArray(x, y, min(bx, best.XSize - x), min(by, best.YSize - y))
        a = a[a != nodata] if nodata is not None else a.ravel()
        if a.size:
            lo, hi = min(lo, float(a.min())), max(hi, float(a.max()))
    return lo, hi


def _note_scale_ranges(inv, where, diffs):
    """Stores on each pixel difference of a band scaled without a source
    range the range GDAL took: GDALComputeRasterMinMax(approx_ok=TRUE) of
    its source band ("scale_range")."""
    pix = [d for d in diffs if d["kind"].startswith("pixels/")]
    if not pix:
        return
    i = Inv(inv, CFG["catalog"][inv["src"]])
    ds = None
    for d in pix:
        k = d["bands"][0]
        src = i.out_bands[k - 1] if k <= len(i.out_bands) else ""
        if i.scale_of(k) != [] or not src.isdigit() or i.has("-expand"):
            continue
        ds = ds or gdal.Open(f"{where}/gd/{inv['src']}")
        d["scale_range"] = list(ds.GetRasterBand(int(src)).ComputeRasterMinMax(True))


def _recheck_scale_range(inv, where, diffs, timeout):
    """For -scale without a source range on a UInt16 source, where GDAL
    3.6.2's approximate min/max is not the sampled pixels' (its UInt16 code
    skips each block's last pixels past a multiple of 16): runs GDAL once
    more with the sampled range given, and marks each pixel difference whose
    band then equals rasterkit's with "gd_true_range_agrees"."""
    pix = [d for d in diffs if d["kind"].startswith("pixels/")]
    f = CFG["catalog"][inv["src"]]
    if not pix or f["dtype"] != "UInt16" or inv["tool"] != "translate":
        return
    i = Inv(inv, f)
    if i.has("-expand") or (i.has("-scale") and i.has("-scale_")):
        return
    ds = gdal.Open(f"{where}/gd/{inv['src']}")
    groups, fixed = [], False
    for g in inv["groups"]:
        if g[0] == "-scale" and len(g) == 1:
            bands = range(1, len(i.out_bands) + 1)
        elif g[0].startswith("-scale_") and len(g) == 1:
            bands = [int(g[0][len("-scale_"):])]
        else:
            groups.append(g)
            continue
        for k in bands:
            src = i.out_bands[k - 1]
            if not src.isdigit():
                return
            band = ds.GetRasterBand(int(src))
            lo, hi = _sampled_min_max(band)
            fixed |= (lo, hi) != tuple(band.ComputeRasterMinMax(True))
            groups.append([f"-scale_{k}", fmt(lo, 17), fmt(hi, 17)])
    if fixed:
        _rerun_gdal(inv, groups, where, "gd_ranged", timeout, pix, "gd_true_range_agrees")


def side_effects(inv, rkd, gdd):
    """Files left beside the source / output that differ between the tools."""
    src = inv["src"]

    def extra(d):
        out = set()
        for n in os.listdir(d):
            if n in (src, "out.tif"):
                continue
            out.add(n.replace(src, "SRC"))
        return out
    a, b = extra(rkd), extra(gdd)
    diffs = []
    for n in sorted(a ^ b):
        kind = ("side-effect/source-aux" if n == "SRC.aux.xml" else
                "side-effect/output-aux" if n == "out.tif.aux.xml" else "side-effect/other")
        diffs.append(diff(kind, f"{n} left by {'rasterkit' if n in a else 'GDAL'} only"))
    return diffs


# --- translate outputs -------------------------------------------------------

def kernel_of(inv):
    args = _flat(inv)
    return args[args.index("-r") + 1] if "-r" in args else "nearest"


def pixel_tag(inv, f):
    args = _flat(inv)
    if any(a.startswith(("-scale", "-exponent")) or a == "-unscale" for a in args):
        return "scale"
    if "-expand" in args:
        return "expand"
    if any(a.startswith("mask") for a in args):
        return "mask"
    for flag in ("-srcwin", "-projwin"):
        if flag in args:
            i = args.index(flag)
            v = [float(x) for x in args[i + 1: i + 5]]
            if flag == "-srcwin" and (v[0] < 0 or v[1] < 0 or v[0] + v[2] > f["w"]
                                      or v[1] + v[3] > f["h"]):
                return "outside"
            if any(not float(x).is_integer() for x in v) and flag == "-srcwin":
                return "fractional"
    if f["nodata"] is not None or ("-a_nodata" in args and args[args.index("-a_nodata") + 1] != "none"):
        return "nodata"
    if f["overviews"] and any(a in ("-outsize", "-tr") for a in args):
        return "overview"
    if "-ot" in args:
        return "ot"
    return "plain"


def band_nodata(b):
    """A band's nodata value (64-bit integer bands keep theirs apart)."""
    if b.DataType == gdal.GDT_Int64:
        return b.GetNoDataValueAsInt64()
    if b.DataType == gdal.GDT_UInt64:
        return b.GetNoDataValueAsUInt64()
    return b.GetNoDataValue()


def nd_equal(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a == b or (math.isnan(a) and math.isnan(b))


def compare_pixels_mask(xa, xb, kernel, nodata=None):
    n, worst, ex, tol = compare_pixels(xa, xb, kernel, nodata)
    fa, fb = xa.astype("float64"), xb.astype("float64")
    with np.errstate(invalid="ignore"):
        d = np.abs(fa - fb)
    d[(fa == fb) | (np.isnan(fa) & np.isnan(fb))] = 0.0
    d[np.isnan(d)] = np.inf
    return d > tol


def compare_pixels(xa, xb, kernel, nodata=None, int_complex=False):
    """(count outside the tolerance, max |diff|, (x, y, rk, gdal), tolerance).
    The floating-point tolerance is relative to the largest finite magnitude
    of GDAL's band other than its nodata value."""
    if np.iscomplexobj(xa) or np.iscomplexobj(xb):
        # real and imaginary parts each within the tolerance; a pixel counts once
        if int_complex:        # CInt16 / CInt32: the integer tolerance
            xa, xb = xa.astype("complex128"), xb.astype("complex128")
            parts = [(np.real(xa).astype("int64"), np.real(xb).astype("int64")),
                     (np.imag(xa).astype("int64"), np.imag(xb).astype("int64"))]
        else:
            parts = [(np.real(xa), np.real(xb)), (np.imag(xa), np.imag(xb))]
        n1, w1, e1, tol = compare_pixels(*parts[0], kernel, nodata)
        n2, w2, e2, _ = compare_pixels(*parts[1], kernel, nodata)
        if not (n1 or n2):
            return 0, max(w1, w2), None, tol
        d1 = compare_pixels_mask(*parts[0], kernel, nodata)
        d2 = compare_pixels_mask(*parts[1], kernel, nodata)
        n = int((d1 | d2).sum())
        ex = e1 if w1 >= w2 else e2
        ex = (ex[0], ex[1], xa[ex[1], ex[0]].item(), xb[ex[1], ex[0]].item())
        return n, max(w1, w2), ex, tol
    ints = np.issubdtype(xa.dtype, np.integer) and np.issubdtype(xb.dtype, np.integer)
    if ints:
        if xa.dtype == xb.dtype == np.uint64:
            d = np.where(xa > xb, xa - xb, xb - xa).astype("float64")
        else:
            d = np.abs(xa.astype("int64") - xb.astype("int64")).astype("float64")
            if xa.dtype == np.uint64 or xb.dtype == np.uint64:
                d = np.abs(xa.astype("float64") - xb.astype("float64"))
        tol = 1.0 if kernel in INTERPOLATING else 0.0
    else:
        fa, fb = xa.astype("float64"), xb.astype("float64")
        with np.errstate(invalid="ignore"):
            d = np.abs(fa - fb)
        same = (fa == fb) | (np.isnan(fa) & np.isnan(fb))
        d[same] = 0.0
        d[np.isnan(d)] = np.inf
        if kernel in INTERPOLATING:
            keep = np.isfinite(fb) if nodata is None else np.isfinite(fb) & (fb != nodata)
            fin = np.abs(fb[keep])
            tol = FLOAT_TOL * max(1.0, float(fin.max()) if fin.size else 1.0)
        else:
            tol = 0.0
    bad = d > tol
    n = int(bad.sum())
    if not n:
        return 0, float(d.max()) if d.size else 0.0, None, tol
    idx = np.unravel_index(int(np.argmax(d)), d.shape)
    yx = idx[-2:]
    ex = (int(yx[1]), int(yx[0]), xa[idx].item(), xb[idx].item())
    return n, float(d.max()), ex, tol


def ct_entries(b):
    ct = b.GetColorTable()
    if ct is None:
        return None
    return [tuple(ct.GetColorEntry(i)) for i in range(ct.GetCount())]


def md_diff(a, b):
    keys = sorted(set(a) | set(b))
    return [(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]


def close_sums(x, y):
    """Means and standard deviations are sums: the order of summation may
    change the last of their 14 printed digits (STATS_TOL, relative)."""
    try:
        x, y = float(x), float(y)
    except (TypeError, ValueError):
        return False
    return x == y or abs(x - y) <= STATS_TOL * max(abs(x), abs(y))


def stats_within(item, bb, dtype, interpolating):
    """Whether a STATISTICS_* item differs only within the tolerances: the
    summation order (mean, standard deviation), or, under an interpolating
    kernel, the pixel tolerance (minimum, maximum, mean, standard deviation;
    not the valid percentage)."""
    key, x, y = item
    if x is None or y is None:
        return False
    if key in ("STATISTICS_MEAN", "STATISTICS_STDDEV") and close_sums(x, y):
        return True
    if not interpolating or key not in ("STATISTICS_MINIMUM", "STATISTICS_MAXIMUM",
                                        "STATISTICS_MEAN", "STATISTICS_STDDEV"):
        return False
    try:
        x, y = float(x), float(y)
        md = bb.GetMetadata()
        mag = max(abs(float(md.get("STATISTICS_MINIMUM", 0))), abs(float(md.get("STATISTICS_MAXIMUM", 0))))
    except ValueError:
        return False
    tol = (1.0 if dtype in ("Byte", "UInt16", "Int16", "UInt32", "Int32", "UInt64", "Int64",
                            "CInt16", "CInt32") else FLOAT_TOL * max(1.0, mag))
    return abs(x - y) <= tol * (1 + 1e-9)


def compare_translate(inv, rkd, gdd):
    f = CFG["catalog"][inv["src"]]
    try:
        a = gdal.Open(f"{rkd}/out.tif")
    except RuntimeError as e:
        return [diff("output/unreadable", f"GDAL cannot open rasterkit's output: {e}")]
    try:
        b = gdal.Open(f"{gdd}/out.tif")
    except RuntimeError as e:
        return [diff("harness/gdal-output-unreadable", f"GDAL cannot open its own output: {e}")]
    out = []
    if (a.RasterXSize, a.RasterYSize) != (b.RasterXSize, b.RasterYSize):
        out.append(diff("size", f"size {a.RasterXSize}x{a.RasterYSize} vs GDAL "
                                f"{b.RasterXSize}x{b.RasterYSize}"))
    if a.RasterCount != b.RasterCount:
        out.append(diff("bands", f"{a.RasterCount} bands vs GDAL {b.RasterCount}"))
    ga, gb = a.GetGeoTransform(can_return_null=True), b.GetGeoTransform(can_return_null=True)
    if (ga is None) != (gb is None):
        out.append(diff("geotransform", f"geotransform {ga} vs GDAL {gb}"))
    elif ga is not None:
        scale = max(abs(x) for x in gb)
        if any(abs(x - y) > 1e-9 * max(abs(y), 1e-3 * scale, 1e-12) for x, y in zip(ga, gb)):
            out.append(diff("geotransform", f"geotransform {list(ga)} vs GDAL {list(gb)}"))
    sa, sb = a.GetSpatialRef(), b.GetSpatialRef()
    if (sa is None) != (sb is None) or (sa is not None and not sa.IsSame(sb)):
        out.append(diff("crs", f"CRS {sa.GetName() if sa else None!r} vs GDAL "
                               f"{sb.GetName() if sb else None!r}"))
    m = md_diff(a.GetMetadata() or {}, b.GetMetadata() or {})
    if m:
        out.append(diff(f"metadata/{m[0][0]}", "dataset metadata: " + "; ".join(
            f"{k}={x!r} vs GDAL {y!r}" for k, x, y in m[:4])))
    isa, isb = a.GetMetadata("IMAGE_STRUCTURE") or {}, b.GetMetadata("IMAGE_STRUCTURE") or {}
    lay = [(k, isa.get(k), isb.get(k)) for k in ("COMPRESSION", "INTERLEAVE", "PREDICTOR")
           if isa.get(k) != isb.get(k)]
    if lay:
        out.append(diff(f"layout/{lay[0][0]}", "; ".join(f"{k}={x} vs GDAL {y}" for k, x, y in lay)))
    if a.RasterCount and b.RasterCount and not lay:   # a block size follows from the interleaving
        ba1, bb1 = a.GetRasterBand(1), b.GetRasterBand(1)
        if ba1.GetBlockSize() != bb1.GetBlockSize():
            out.append(diff("layout/block", f"block {ba1.GetBlockSize()} vs GDAL {bb1.GetBlockSize()}"))
    if any(d["kind"] in ("size", "bands") for d in out):
        return out
    kernel = kernel_of(inv)
    tag = pixel_tag(inv, f)
    # one difference per band and kind: each is classified on its own (the
    # report counts invocations per kind)
    src_type = f["dtype"]
    for i in range(1, a.RasterCount + 1):
        n0 = len(out)
        compare_band(out, i, a.GetRasterBand(i), b.GetRasterBand(i), kernel, tag, src_type)
        for d in out[n0:]:
            d["bands"] = [i]
    return out


def compare_band(out, i, ba, bb, kernel, tag, src_type):
    """Appends the differences of output band i to out."""
    ta, tb = gdal.GetDataTypeName(ba.DataType), gdal.GetDataTypeName(bb.DataType)
    if ta != tb:
        out.append(diff("datatype", f"band {i} type {ta} vs GDAL {tb}"))
    na, nb_ = band_nodata(ba), band_nodata(bb)
    if not nd_equal(na, nb_):
        out.append(diff("nodata", f"band {i} nodata {na} vs GDAL {nb_}"))
        out[-1]["values"] = (na, nb_)
    ca, cb = ba.GetColorInterpretation(), bb.GetColorInterpretation()
    if ca != cb:
        out.append(diff("colorinterp", f"band {i} colour interpretation "
                                       f"{gdal.GetColorInterpretationName(ca)} vs GDAL "
                                       f"{gdal.GetColorInterpretationName(cb)}"))
        out[-1]["interps"] = (gdal.GetColorInterpretationName(ca),
                              gdal.GetColorInterpretationName(cb))
        # where the band sits: a palette file's second of two bands reads
        # back Alpha from GDAL's extra-sample tag whatever it was given
        gd_ds = bb.GetDataset()
        out[-1]["second_of_palette_pair"] = (
            i == 2 and gd_ds.RasterCount == 2
            and gd_ds.GetRasterBand(1).GetColorInterpretation() == gdal.GCI_PaletteIndex)
    cta, ctb = ct_entries(ba), ct_entries(bb)
    if cta != ctb:
        what = ("present" if cta else "absent") + " vs GDAL " + ("present" if ctb else "absent")
        if cta and ctb:
            what = f"{len(cta)} entries vs GDAL {len(ctb)}" + (
                "" if len(cta) != len(ctb) else
                f", first differing entry {next(k for k in range(len(cta)) if cta[k] != ctb[k])}")
        out.append(diff("colortable", f"band {i} colour table {what}"))
    so_a, so_b = (ba.GetScale(), ba.GetOffset()), (bb.GetScale(), bb.GetOffset())
    if so_a != so_b:
        out.append(diff("scale-offset", f"band {i} scale/offset {so_a} vs GDAL {so_b}"))
    m = md_diff(ba.GetMetadata() or {}, bb.GetMetadata() or {})
    m = [x for x in m if not stats_within(x, bb, tb, kernel in INTERPOLATING)]
    stats = None
    if m:
        key = "STATISTICS_*" if m[0][0].startswith("STATISTICS_") else m[0][0]
        out.append(diff(f"band-metadata/{key}", f"band {i} metadata: " + "; ".join(
            f"{k}={x!r} vs GDAL {y!r}" for k, x, y in m[:5])))
        out[-1]["items"] = {k: (x, y) for k, x, y in m}
        out[-1]["pixel_count"] = ba.XSize * ba.YSize
        out[-1]["rk_exact"] = _stats_exact_on_same_pixels(ba, bb)
        stats = out[-1] if key == "STATISTICS_*" else None
    if ta != tb:
        return
    xa, xb = _read_exact(ba), _read_exact(bb)
    int_complex = ta in ("CInt16", "CInt32")
    n, worst, ex, tol = compare_pixels(xa, xb, kernel, nb_, int_complex)
    if n:
        d = diff(f"pixels/{kernel}/{tag}",
                 f"band {i} ({ta}): {n} of {xb.size} pixels differ by more than {tol:g}, "
                 f"up to {worst:g}; e.g. at ({ex[0]},{ex[1]}): {ex[2]} vs GDAL {ex[3]}",
                 same=f"pixels/{kernel}")
        _describe_pixel_diff(d, xa, xb, tol, worst, na, nb_, ta, src_type)
        out.append(d)
    elif stats and tol > 0:
        # The statistics differ while the pixels agree within the kernel's
        # tolerance: the pixels one apart (0 where GDAL's NaN became
        # nodata, 1 in rasterkit's) are what they count. Those pixels are
        # described, never reported on their own, for the statistics to be
        # classified with (classify).
        n0, worst0, _, _ = compare_pixels(xa, xb, "nearest", nb_, int_complex)
        if n0:
            d0 = diff(f"pixels/{kernel}/{tag}",
                      f"band {i} ({ta}): {n0} pixels within the tolerance differ, up to {worst0:g}",
                      same=f"pixels/{kernel}")
            _describe_pixel_diff(d0, xa, xb, 0.0, worst0, na, nb_, ta, src_type)
            stats["pixels_exact"] = d0


def _describe_pixel_diff(d, xa, xb, tol, worst, na, nb_, ta, src_type):
    """Sets the fields the predicates read on pixel difference d: how the
    pixels more than `tol` apart differ."""
    fin = np.abs(np.real(xb[np.isfinite(xb)]).astype("float64")) if xb.size else np.zeros(0)
    d["worst"], d["mag"] = worst, float(fin.max()) if fin.size else 0.0
    d["band_type"] = ta
    with np.errstate(invalid="ignore"):
        fa, fb = np.real(xa).astype("float64"), np.real(xb).astype("float64")
        bad = ~((fa == fb) | (np.abs(fa - fb) <= tol) | (np.isnan(fa) & np.isnan(fb)))
        # pixels apart include NaNs of GDAL's where rasterkit has numbers
        d["gd_nan_some"] = bool((np.isnan(fb[bad]) & np.isfinite(fa[bad])).any())
        # every pixel apart is INT32_MIN in GDAL's (its single-precision
        # to 32-bit integer conversion of NaN), and 0 here or not
        d["gd_int_min_all"] = bool(bad.any() and (fb[bad] == -2147483648).all())
        d["gd_int16_min_all"] = bool(bad.any() and (fb[bad] == -32768).all())
        # GDAL 3.6's float-to-integer conversion adds 0.5 in single
        # precision: odd integers from 2^23 on move one away from 0
        ra, rb = fa[bad], fb[bad]
        d["gd_float_half_up"] = bool(
            bad.any() and (np.abs(ra) >= 2.0 ** 23).all() and (np.abs(ra) < 2.0 ** 24).all()
            and (np.mod(ra, 2) == 1).all() and (rb == ra + np.sign(ra)).all())
        d["rk_zero_all"] = bool(bad.any() and (fa[bad] == 0).all())
        # every pixel apart is the output's nodata in GDAL's
        d["gd_out_nodata_all"] = bool(bad.any() and nb_ is not None and not math.isnan(nb_)
                                      and (fb[bad] == nb_).all())
        # GDAL's NaN converted to an integer type (0, or INT32_MIN; into
        # Int16, -32768 in vectorised rows and 0 in their tails)
        nan_as = (0, -32768) if ta in ("Int16", "CInt16") else (0, -2147483648)
        d["gd_int_nan_all"] = bool(bad.any() and np.isin(fb[bad], nan_as).all())
        # GDAL's NaN converted to a 64-bit integer type (2^63's sign
        # depends on the type)
        d["gd_int64_edge_all"] = bool(bad.any() and (np.abs(fb[bad]) == 2.0 ** 63).all())
        # rasterkit's nodata value (the fill beyond the raster) where
        # GDAL has 0
        # (the value as the output type stores it: clamped to its range;
        # GDAL cannot read back a UInt64 nodata tag beyond the range, so
        # then the range's ends)
        stored = ([] if ta not in RANGE else [float(v) for v in RANGE[ta]]
                  if na is None else [float(np.clip(na, *RANGE[ta]))]
                  if not math.isnan(na) else [])
        d["rk_nodata_gd_zero"] = bool(stored and bad.any() and (fb[bad] == 0).all()
                                      and np.isin(fa[bad], stored).all())
        # the Int64 fill with single precision's error beside it: each
        # pixel apart is either rasterkit's nodata where GDAL has 0 or within
        # a few units of a 24-bit mantissa of GDAL's value
        fill = (fb[bad] == 0) & np.isin(fa[bad], stored) if stored else np.zeros(0, bool)
        near = np.abs(fa[bad] - fb[bad]) <= np.abs(fb[bad]) * 2.0 ** -20 + 1
        d["int64_fill_and_single"] = bool(stored and fill.any() and (fill | near).all())
        # GDAL's values are rasterkit's rounded to single precision, and
        # which values rasterkit has there (a few at most)
        d["gd_rk_as_float_all"] = bool(
            bad.any() and (fb[bad] == fa[bad].astype(np.float32).astype(np.float64)).all())
        rk_vals = np.unique(fa[bad])
        d["rk_bad_values"] = [float(x) for x in rk_vals] if 0 < rk_vals.size <= 4 else None
        # both of the 64-bit differences at once: each pixel apart is
        # either NaN (GDAL's 2^63, rasterkit's 0) or beyond the raster
        # (GDAL's 0, rasterkit's nodata)
        d["int64_nan_and_fill"] = bool(
            stored and bad.any()
            and (((np.abs(fb[bad]) == 2.0 ** 63) & (fa[bad] == 0))
                 | ((fb[bad] == 0) & np.isin(fa[bad], stored))).all())
    if src_type in INTEGER_TYPES:
        # whether GDAL's values are rasterkit's rounded and clamped to
        # the source's type (GDAL's kernels working in that type; of a
        # complex output, the real part: the source is real)
        fa, fb = np.real(xa).astype("float64"), np.real(xb).astype("float64")
        lo, hi = RANGE[src_type]
        with np.errstate(invalid="ignore"):
            bad = ~((fa == fb) | (np.abs(fa - fb) <= tol))
            d["gd_src_rounded"] = bool((np.abs(fb[bad] - np.clip(fa[bad], lo, hi)) <= 0.5 + 1e-6).all()
                                       and np.array_equal(np.imag(xa), np.imag(xb)))



# --- info reports ------------------------------------------------------------

def norm_info_json(j):
    if not isinstance(j, dict):
        return j
    j = dict(j)
    j.pop("description", None)
    if isinstance(j.get("files"), list):
        j["files"] = [os.path.basename(x) for x in j["files"]]
    return j


def json_diffs(a, b, path, out, limit=12):
    if len(out) >= limit:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            p = f"{path}.{k}" if path else str(k)
            if k not in a or k not in b:
                out.append((p, a.get(k, "<absent>"), b.get(k, "<absent>")))
            else:
                json_diffs(a[k], b[k], p, out, limit)
        return
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append((f"{path}[]", f"<{len(a)} items>", f"<{len(b)} items>"))
            return
        for i, (x, y) in enumerate(zip(a, b)):
            json_diffs(x, y, f"{path}[{i}]", out, limit)
        return
    if a == b or (isinstance(a, float) and isinstance(b, float) and a != a and b != b):
        return
    if re.search(r"(STATISTICS_MEAN|STATISTICS_STDDEV|\.mean|\.stdDev)$", path) and close_sums(a, b):
        return
    out.append((path, a, b))


def short(v, n=120):
    s = v if isinstance(v, str) else json.dumps(v)
    return s if len(s) <= n else s[:n] + "..."


MM_KINDS = ("info/json/bands[].computedMin", "info/json/bands[].computedMax",
            "info/text/Computed Min/Max")


def _check_computed_min_max(inv, where, rk_out, diffs):
    """Marks info's computed min/max differences with "rk_mm_exact": every
    band's values in rasterkit's report are numpy's exact minimum and
    maximum of the band's pixels, nodata left out."""
    mm = [d for d in diffs if d["kind"] in MM_KINDS]
    if not mm:
        return
    ds = gdal.Open(f"{where}/{inv['src']}")
    exact = []
    for k in range(1, ds.RasterCount + 1):
        b = ds.GetRasterBand(k)
        a, nd = b.ReadAsArray().ravel(), b.GetNoDataValue()
        a = a[a != nd] if nd is not None else a
        exact.append((float(a.min()), float(a.max())) if a.size else None)
    text = rk_out.decode("utf-8", "replace")
    if "-json" in _flat(inv):
        bands = json.loads(text).get("bands", [])
        got = [(b.get("computedMin"), b.get("computedMax")) for b in bands if "computedMin" in b]
        ok = len(got) == len(exact) and all(e is not None and tuple(map(float, g)) == e
                                            for g, e in zip(got, exact))
    else:
        got = re.findall(r"Computed Min/Max=([-\d.e+]+),([-\d.e+]+)", text)
        ok = len(got) == len(exact) and all(
            e is not None and (g[0], g[1]) == (f"{e[0]:.3f}", f"{e[1]:.3f}")
            for g, e in zip(got, exact))
    for d in mm:
        d["rk_mm_exact"] = ok


STATS_KINDS = ("info/text/Minimum", "info/json/bands[].mean", "info/json/bands[].stdDev",
               "info/json/stac.raster:bands[].stats.mean",
               "info/json/stac.raster:bands[].stats.stddev")
STATS_LINE = re.compile(r"Minimum=[^,]*, Maximum=[^,]*, Mean=([-\d.e+]+), StdDev=([-\d.e+]+)")


def _exact_stats(path):
    """Each band's (mean, population standard deviation) of its valid
    pixels, summed exactly (math.fsum), or None for a band without any."""
    ds = gdal.Open(path)
    out = []
    for k in range(1, ds.RasterCount + 1):
        b = ds.GetRasterBand(k)
        a, nd = b.ReadAsArray().astype("float64").ravel(), b.GetNoDataValue()
        a = a[~np.isnan(a)]
        if nd is not None:
            a = a[a != nd]
        if not a.size:
            out.append(None)
            continue
        mean = math.fsum(a) / a.size
        out.append((mean, math.sqrt(math.fsum((a - mean) ** 2) / a.size)))
    return out


def _check_info_stats(inv, where, rk_out, gd_out, diffs):
    """Marks info -stats's (-approx_stats's) mean / standard deviation differences with
    "rk_stats_exact": rasterkit printed the exact values (to the digits
    printed) and GDAL's are at most one unit of the last digit away (its
    sums round a value sitting on a half, 157.1875, to 157.187)."""
    st = [d for d in diffs if d["kind"] in STATS_KINDS]
    args = _flat(inv)
    # with -approx_stats too: where the sample is every pixel (a small
    # band), the values are the exact ones; where it is not, rasterkit's
    # values are not numpy's and nothing is excepted
    if not st or ("-stats" not in args and "-approx_stats" not in args):
        return
    exact = _exact_stats(f"{where}/{inv['src']}")
    if any(e is None for e in exact):
        return
    if "-json" in args:
        ok = all(_json_stat_ok(d, exact) for d in st)
    else:
        ra = STATS_LINE.findall(rk_out.decode("utf-8", "replace"))
        rb = STATS_LINE.findall(gd_out.decode("utf-8", "replace"))
        ok = len(ra) == len(rb) == len(exact) and all(
            a == (f"{e[0]:.3f}", f"{e[1]:.3f}")
            and all(abs(float(x) - float(y)) <= 0.0010001 for x, y in zip(a, b))
            for a, b, e in zip(ra, rb, exact))
    for d in st:
        d["rk_stats_exact"] = ok


def _json_stat_ok(d, exact):
    for p, x, y in d["pairs"]:
        m = re.search(r"bands\[(\d+)\]", p)
        if not m or int(m.group(1)) >= len(exact):
            return False
        e = exact[int(m.group(1))][0 if p.lower().endswith("mean") else 1]
        if not (isinstance(x, (int, float)) and isinstance(y, (int, float))):
            return False
        if float(f"{e:.3f}") != x or abs(x - y) > 0.0010001:
            return False
    return True


def compare_info(inv, rk_out, gd_out):
    args = _flat(inv)
    if "-json" in args:
        try:
            ja = json.loads(rk_out.decode("utf-8", "surrogateescape"))
        except ValueError as e:
            return [diff("info/json/invalid", f"rasterkit's -json is not JSON: {e}")]
        jb = json.loads(gd_out.decode("utf-8", "surrogateescape"))
        found = []
        json_diffs(norm_info_json(ja), norm_info_json(jb), "", found)
        groups = {}
        for p, x, y in found:
            kind = "info/json/" + re.sub(r"\[\d+\]", "[]", p)
            kind = re.sub(r"\.(STATISTICS_)[A-Z_]+", r".\1*", kind)
            groups.setdefault(kind, []).append((p, x, y))
        out = []
        for k, v in groups.items():
            d = diff(k, "; ".join(f"{p}: rasterkit {short(x)} vs GDAL {short(y)}" for p, x, y in v[:3])
                     + (f" (+{len(v) - 3} more)" if len(v) > 3 else ""))
            d["pairs"] = v
            out.append(d)
        return out
    ta = rk_out.decode("utf-8", "replace").replace(inv["src"], "SRC").split("\n")
    tb = gd_out.decode("utf-8", "replace").replace(inv["src"], "SRC").split("\n")
    if ta == tb:
        return []
    groups = {}
    sm = difflib.SequenceMatcher(a=ta, b=tb, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            la = ta[i1 + k] if i1 + k < i2 else None
            lb = tb[j1 + k] if j1 + k < j2 else None
            if la is not None and lb is not None and lines_close(la, lb):
                continue
            lines, n = (tb, j1 + k) if lb is not None else (ta, i1 + k)
            j = n
            while j > 0 and not re.match(r"\s*[A-Za-z]", lines[j]):
                j -= 1                # a colour table entry, a histogram: its heading
            label = re.sub(r"\d+", "N", re.split(r"[=:(]", lines[j].strip())[0].strip())[:40] or "<blank>"
            groups.setdefault(f"info/text/{label}", []).append(
                f"line {n + 1}: rasterkit {la if la is not None else '<none>'!r} vs GDAL "
                f"{lb if lb is not None else '<none>'!r}")
    return [diff(k, "; ".join(v[:2]) + (f" (+{len(v) - 2} more lines)" if len(v) > 2 else "")
                 + f" ({len(ta)} vs {len(tb)} lines)") for k, v in groups.items()]


def lines_close(la, lb):
    """Two report lines that differ only in means / standard deviations
    within the summation tolerance."""
    pat = r"((?:STATISTICS_MEAN|STATISTICS_STDDEV|Mean|StdDev)=)(-?[0-9.eE+-]+|nan|-?inf)"
    if re.sub(pat, r"\1#", la) != re.sub(pat, r"\1#", lb):
        return False
    return all(x == y or close_sums(x, y) for (_, x), (_, y) in
               zip(re.findall(pat, la), re.findall(pat, lb)))


# --- jobs --------------------------------------------------------------------

def job_run(inv):
    where = f"{CFG['work']}/runs/w{os.getpid()}"
    t = time.time()
    res = execute(inv, where)
    res["inv"] = inv
    res["wall"] = time.time() - t
    return res


def fails_same(inv, res, same):
    """Whether a result still has a difference with key `same` that is
    neither deliberate nor known (a reduction must stay a real failure)."""
    return any(d["same"] == same and classify(inv, d, res["diffs"]) is None for d in res["diffs"])


def job_reduce(inv, same, tag, deadline):
    """Drops flag groups (a flag with its values) one at a time while the
    invocation still has an unexplained difference whose "same" key is
    `same`. Leaves the last run's files in WORK/repro/tag."""
    where = f"{CFG['work']}/runs/r{os.getpid()}"
    if time.time() > deadline:
        return {"inv": inv, "steps": 0, "complete": False, "where": None, "diffs": []}
    cur, steps, complete = inv, 0, True
    # dropping a window or a size can make a run much longer than the
    # original: candidates get a shorter time limit (not for a hang)
    limit = None if same.startswith("hang") else 20
    changed = True
    while changed:
        changed = False
        for i in range(len(cur["groups"])):
            if time.time() > deadline:
                complete = False
                break
            cand = dict(cur, groups=cur["groups"][:i] + cur["groups"][i + 1:])
            steps += 1
            if fails_same(cand, execute(cand, where, limit), same):
                cur, changed = cand, True
                break
    final = f"{CFG['work']}/repro/{tag}"
    res = execute(cur, final)
    if not fails_same(cur, res, same):      # flaky: keep the original
        cur, res = inv, execute(inv, final)
    return {"inv": cur, "steps": steps, "complete": complete, "where": final,
            "diffs": [d for d in res["diffs"] if d["same"] == same] or res["diffs"]}


# ----------------------------------------------------------------------------
# Classification: deliberate, known and open, or a failure
# ----------------------------------------------------------------------------

def classify(inv, d, diffs=()):
    """("deliberate", id) or ("known", item) for a difference that DELIBERATE
    or KNOWN_OPEN explains, else None (a failure). A band's STATISTICS_*
    items differ as its pixels do: they take the class of the band's pixel
    difference (`diffs`: all of the invocation's), and fail without one."""
    f = CFG["catalog"][inv["src"]]
    for key, (pred, _reason) in DELIBERATE.items():
        if _holds(pred, Inv(inv, f), d):
            return ("deliberate", key)
    if d["kind"] == "band-metadata/STATISTICS_*":
        for p in diffs:
            if p["kind"].startswith("pixels/") and p.get("bands") == d.get("bands"):
                return classify(inv, p, diffs)
        if "pixels_exact" in d:     # pixels apart within the kernel's tolerance
            return classify(inv, dict(d["pixels_exact"], bands=d.get("bands")), diffs)
        return None
    for item, pred, _reason in KNOWN_OPEN:
        if item in CFG.get("unexcused", ()):
            continue
        if _holds(pred, Inv(inv, f), d):
            return ("known", item)
    return None


def _holds(pred, inv, d):
    try:
        return bool(pred(inv, d))
    except (KeyError, IndexError, ValueError, TypeError):   # a predicate that does not apply
        return False


# ----------------------------------------------------------------------------
# Reporting
# ----------------------------------------------------------------------------

def shell_lines(inv, where=None):
    env = "GDAL_PAM_ENABLED=NO " if not CFG["pam"] else ""
    rk_env = env + (f"LD_LIBRARY_PATH={shlex.quote(CFG['ld_path'])} " if CFG["ld_path"] else "")
    args = " ".join(shlex.quote(a) for a in _flat(inv))
    args = args + " " if args else ""
    gargs = " ".join(shlex.quote(a) for a in _flat(inv, "gd"))
    gargs = gargs + " " if gargs else ""
    src = shlex.quote(f"{CFG['inputs']}/{inv['src']}")
    if inv["tool"] == "translate":
        rko = f"{where}/rk/out.tif" if where else "/tmp/rk.tif"
        gdo = f"{where}/gd/out.tif" if where else "/tmp/gd.tif"
        return [f"{rk_env}{shlex.quote(CFG['rk'])} translate -q {args}{src} {shlex.quote(rko)}",
                f"{env}gdal_translate -q {gargs}{src} {shlex.quote(gdo)}"]
    return [f"{rk_env}{shlex.quote(CFG['rk'])} info {args}{src}",
            f"{env}gdalinfo {gargs}{src}"]


def replay_line(i):
    me = os.path.abspath(__file__)
    return (f"{shlex.quote(sys.executable)} {shlex.quote(me)} --rasterkit {shlex.quote(CFG['rk'])} "
            f"--workdir {shlex.quote(CFG['work'])} --seed {CFG['seed']} --replay {i}"
            + (" --pam" if CFG["pam"] else ""))


def inv_text(inv):
    return " ".join([inv["tool"], *(shlex.quote(a) for a in _flat(inv)), inv["src"]])


def md5_tree(d):
    out = {}
    for n in sorted(os.listdir(d)):
        with open(f"{d}/{n}", "rb") as fh:
            out[n] = hashlib.md5(fh.read()).hexdigest()
    return out


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="The long run (a few hundred invocations a minute on 2 cores): "
               "differential.py --seed 7 --minutes 15 --jobs 2 --report long.json")
    ap.add_argument("--rasterkit", default=os.path.normpath(f"{here}/../../build/apps/rasterkit"),
                    help="the rasterkit binary (default: build/apps/rasterkit of this tree)")
    ap.add_argument("--workdir", default="/tmp/rasterkit-differential",
                    help="generated inputs (WORKDIR/inputs), runs and reduced cases (WORKDIR/repro)")
    ap.add_argument("--seed", type=int, default=1, help="draws inputs and invocations (default 1)")
    ap.add_argument("--count", type=int, default=200, help="number of invocations (default 200)")
    ap.add_argument("--minutes", type=float, help="run for M minutes instead of --count invocations")
    ap.add_argument("--report", metavar="FILE", help="also write the results as JSON to FILE")
    ap.add_argument("--jobs", type=int, default=2, help="parallel invocations (default 2)")
    ap.add_argument("--replay", type=int, metavar="I",
                    help="run invocation I of the seed alone, print its differences and, when one "
                         "is a failure, reduce it")
    ap.add_argument("--replay-args", metavar='"TOOL FLAGS... SRC"',
                    help="run a hand-written invocation, e.g. \"translate -r cubic -outsize 50%% "
                         "50%% f07_u16_nd.tif\" (SRC: a file of WORKDIR/inputs for the seed)")
    ap.add_argument("--list", action="store_true", help="print the drawn invocations, run nothing")
    ap.add_argument("--pam", action="store_true",
                    help="leave PAM enabled (side-cars written and read); default GDAL_PAM_ENABLED=NO")
    ap.add_argument("--unexcuse", metavar="ITEMS", default="",
                    help="comma-separated known-open items not to excuse (to see what a fix left)")
    ap.add_argument("--examples", type=int, default=3, help="reduced commands per kind (default 3)")
    ap.add_argument("--reduce-seconds", type=float,
                    help="time budget for reductions (default 120, 600 with --minutes)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per tool run (default 120)")
    return ap.parse_args()


def setup(opt):
    rk_path = os.path.abspath(opt.rasterkit)
    if not os.access(rk_path, os.X_OK):
        sys.exit(f"differential: {rk_path}: not an executable (see --rasterkit)")
    work = os.path.abspath(opt.workdir)
    inputs = f"{work}/inputs"
    os.makedirs(work, exist_ok=True)
    shutil.rmtree(f"{work}/runs", ignore_errors=True)
    if opt.replay is None and opt.replay_args is None:
        shutil.rmtree(f"{work}/repro", ignore_errors=True)
    catalog = load_or_make_inputs(inputs, opt.seed)
    ld_path = ""
    rk_dir = os.path.dirname(rk_path)
    if any(n.startswith("librk_") and ".so" in n for n in os.listdir(rk_dir)):
        ld_path = rk_dir
    rk_env = gd_env_base(opt.pam)
    if ld_path:
        rk_env["LD_LIBRARY_PATH"] = ld_path
    cfg = {"rk": rk_path, "work": work, "inputs": inputs, "pam": opt.pam, "rk_env": rk_env,
           "gd_env": gd_env_base(opt.pam), "catalog": {f["name"]: f for f in catalog},
           "timeout": opt.timeout, "ld_path": ld_path, "seed": opt.seed,
           "unexcused": {int(x) for x in opt.unexcuse.split(",") if x.strip()}}
    init_worker(cfg)
    return cfg, catalog


def replay(opt, inv):
    where = f"{CFG['work']}/repro/replay{inv['id']}"
    print(f"#{inv['id']}: {inv_text(inv)}")
    res = execute(inv, where)
    for line in shell_lines(inv, where):
        print(f"  {line}")
    print(f"rasterkit exit {res['rk_rc']}, GDAL exit {res['gd_rc']}: {res['result']}")
    failing = []
    for d in res["diffs"]:
        c = classify(inv, d, res["diffs"])
        note = (f" (deliberate: {c[1]})" if c and c[0] == "deliberate" else
                f" (known, open: issue 16 item {c[1]})" if c else " (FAILURE)")
        print(f"  {d['kind']}{note}: {d['msg']}")
        if c is None:
            failing.append(d)
    seen = set()
    budget = 300 if opt.reduce_seconds is None else opt.reduce_seconds
    for d in failing:
        if d["same"] in seen or budget <= 0:
            continue
        seen.add(d["same"])
        red = job_reduce(inv, d["same"], f"replay{inv['id']}_{re.sub(r'[^A-Za-z0-9_.-]+', '_', d['same'])}",
                         time.time() + budget)
        if red["where"] is None:
            print(f"not reduced [{d['same']}]: time budget spent")
            continue
        print(f"reduced [{d['same']}] ({len(_flat(inv))} -> {len(_flat(red['inv']))} args, "
              f"{red['steps']} steps){'' if red['complete'] else ' (time budget spent)'}:"
              + (f" {red['diffs'][0]['msg']}" if red["diffs"] else ""))
        for line in shell_lines(red["inv"], red["where"]):
            print(f"  {line}")
    print(f"RESULT: {'FAIL' if failing else 'PASS'}")
    return 1 if failing else 0


def run_all(opt, cfg, catalog):
    """Runs the invocations on a pool; returns (results, reductions, times)."""
    deadline = time.time() + opt.minutes * 60 if opt.minutes else None
    results = []
    t_run = time.time()
    with ProcessPoolExecutor(max_workers=opt.jobs, initializer=init_worker, initargs=(cfg,)) as pool:
        pending = set()
        i = 0
        last_note = time.time()

        def more():
            return time.time() < deadline if deadline else i < opt.count
        while more() or pending:
            while more() and len(pending) < 2 * opt.jobs:
                pending.add(pool.submit(job_run, draw(opt.seed, i, catalog)))
                i += 1
            done, pending = wait(pending, timeout=5, return_when=FIRST_COMPLETED)
            for fut in done:
                results.append(fut.result())
            if time.time() - last_note > 60:
                last_note = time.time()
                nf = sum(any(classify(r["inv"], d, r["diffs"]) is None for d in r["diffs"])
                         for r in results)
                print(f"  ... {len(results)} invocations, {nf} failing, "
                      f"{(time.time() - t_run) / 60:.1f} min", flush=True)
        t_run = time.time() - t_run
        results.sort(key=lambda r: r["inv"]["id"])
        groups = failure_groups(results)
        t_red = time.time()
        budget = opt.reduce_seconds if opt.reduce_seconds is not None else (600 if opt.minutes else 120)
        reductions = reduce_examples(pool, groups, opt.examples, time.time() + budget)
        t_red = time.time() - t_red
    return results, groups, reductions, t_run, t_red


def failure_groups(results):
    """Classifies every difference; returns {kind: [(result, diff)]} of the
    failures and sets each result's "status" (agree, both-failed,
    explained, fail) and its differences' "class"."""
    groups = {}
    for r in results:
        unexplained = False
        first = {}            # kind -> the invocation's first failing difference of it
        for d in r["diffs"]:
            d["class"] = classify(r["inv"], d, r["diffs"])
            if d["class"] is None:
                unexplained = True
                if d["kind"] in first:
                    first[d["kind"]]["more"] = first[d["kind"]].get("more", 0) + 1
                    continue
                first[d["kind"]] = d
                groups.setdefault(d["kind"], []).append((r, d))
        for d in first.values():
            if d.get("more"):
                d["msg"] += f" (and {d['more']} more band(s))"
        r["status"] = ("fail" if unexplained else "explained" if r["diffs"] else
                       "both-failed" if r["result"] == "both-failed" else "agree")
    return groups


def reduce_examples(pool, groups, examples, deadline):
    """The first examples of each kind of failure, reduced on the pool: the
    first example of every kind first, then the second ones, ..."""
    order = sorted(groups, key=lambda k: (severity(k), -len(groups[k]), k))
    futs, by_key = {}, {}
    for j in range(examples):
        for gi, kind in enumerate(order):
            if j >= len(groups[kind]):
                continue
            r, d = groups[kind][j]
            key = (r["inv"]["id"], d["same"])
            if key not in by_key:
                tag = f"{gi:02d}_{re.sub(r'[^A-Za-z0-9_.-]+', '_', kind)}_{j}"
                by_key[key] = pool.submit(job_reduce, r["inv"], d["same"], tag, deadline)
            futs[(kind, j)] = by_key[key]
    return {key: fut.result() for key, fut in futs.items()}


def summary(opt, results, groups, reductions, t_run, t_red, t_start, changed):
    n = len(results)
    cnt = {k: sum(r["status"] == k for r in results) for k in ("agree", "both-failed", "explained", "fail")}
    n_tr = sum(r["inv"]["tool"] == "translate" for r in results)
    known, delib = {}, {}
    for r in results:
        for c in {d["class"] for d in r["diffs"] if d["class"]}:
            (known if c[0] == "known" else delib)[c[1]] = (known if c[0] == "known" else delib).get(c[1], 0) + 1
    print(f"\n{n} invocations ({n_tr} translate, {n - n_tr} info) in {t_run:.1f} s "
          f"({60 * n / max(t_run, 1e-9):.0f}/min); reductions {t_red:.1f} s; total "
          f"{time.time() - t_start:.1f} s")
    print(f"  agree: {cnt['agree']} identical, {cnt['both-failed']} both failed")
    print(f"  differ only deliberately or in known, open ways: {cnt['explained']}")
    print(f"  FAIL: {cnt['fail']}")
    if delib:
        print("  deliberate (doc/cli.md), invocations: " + ", ".join(
            f"{k} x{v}" for k, v in sorted(delib.items())))
    if known:
        print("  known, open (issue 16), invocations per item:")
        for item, _pred, reason in KNOWN_OPEN:
            if known.get(item):
                print(f"    item {item:>4}: {known[item]:4d}  {reason}")
    slow = sorted(results, key=lambda r: -r["wall"])[:3]
    print("  slowest: " + "; ".join(f"#{r['inv']['id']} {r['wall']:.1f} s" for r in slow))
    if cnt["both-failed"]:
        why = {}
        for r in results:
            if r["status"] == "both-failed":
                k = re.sub(r"-?\d+(\.\d+)?", "N", r["gd_err"])[:90]
                why[k] = why.get(k, 0) + 1
        print("  both failed, GDAL's reasons: " + "; ".join(
            f"{v}x {k!r}" for k, v in sorted(why.items(), key=lambda kv: -kv[1])[:6]))
    if changed:
        print(f"HARNESS: the inputs changed during the run: {changed}")
    order = sorted(groups, key=lambda k: (severity(k), -len(groups[k]), k))
    if any(severity(k) <= 1 for k in order):
        print("\n!!! rasterkit CRASHED or HUNG (killed by a signal / 'terminate called' / timeout):")
    if groups:
        print(f"\nFailures by kind ({len(groups)} kinds; invocations per kind):")
    for kind in order:
        items = groups[kind]
        print(f"\n[{kind}] {len(items)} invocation(s): "
              + " ".join(f"#{r['inv']['id']}" for r, _ in items[:20]) + (" ..." if len(items) > 20 else ""))
        for j in range(min(opt.examples, len(items))):
            red = reductions.get((kind, j))
            r, d = items[j]
            print(f"  #{r['inv']['id']}: {d['msg']}")
            print(f"    as drawn: {inv_text(r['inv'])}")
            print(f"    replay:   {replay_line(r['inv']['id'])}")
            if red and red["where"] is None:
                print("    not reduced (time budget spent); to rerun:")
                for line in shell_lines(r["inv"]):
                    print(f"      {line}")
            elif red:
                note = "" if red["complete"] else " (reduction stopped: time budget)"
                print(f"    reduced ({len(_flat(r['inv']))} -> {len(_flat(red['inv']))} args, "
                      f"{red['steps']} steps){note}"
                      + (f": {red['diffs'][0]['msg']}" if red["diffs"] else ""))
                for line in shell_lines(red["inv"], red["where"]):
                    print(f"      {line}")
    bad = cnt["fail"] > 0 or bool(changed)
    print(f"\nRESULT: {'FAIL' if bad else 'PASS'} ({cnt['fail']} of {n} invocations fail"
          f"{', inputs modified' if changed else ''}; {cnt['explained']} differ only deliberately "
          f"or in known, open ways)")
    if opt.report:
        write_report(opt, results, groups, reductions, order, cnt, known, delib, t_run, t_red)
    return 1 if bad else 0


def write_report(opt, results, groups, reductions, order, cnt, known, delib, t_run, t_red):
    n = len(results)
    rep = {"seed": opt.seed, "invocations": n,
           "translate": sum(r["inv"]["tool"] == "translate" for r in results),
           "run_seconds": t_run, "reduce_seconds": t_red, "per_minute": 60 * n / max(t_run, 1e-9),
           "counts": cnt, "deliberate": delib, "known_open": known,
           "deliberate_reasons": {k: v[1] for k, v in DELIBERATE.items()},
           "known_open_reasons": {str(item): reason for item, _p, reason in KNOWN_OPEN},
           "known_open_ids": {}, "kinds": {}}
    for r in results:
        for c in {d["class"] for d in r["diffs"] if d["class"] and d["class"][0] == "known"}:
            rep["known_open_ids"].setdefault(str(c[1]), []).append(r["inv"]["id"])
    for kind in order:
        items = groups[kind]
        ent = {"count": len(items), "examples": []}
        for j, (r, d) in enumerate(items[:50]):
            ex = {"id": r["inv"]["id"], "msg": d["msg"], "invocation": inv_text(r["inv"]),
                  "command": shell_lines(r["inv"]), "replay": replay_line(r["inv"]["id"])}
            red = reductions.get((kind, j))
            if red and red["where"]:
                ex["reduced"] = shell_lines(red["inv"], red["where"])
                ex["reduced_invocation"] = inv_text(red["inv"])
                ex["reduced_msg"] = red["diffs"][0]["msg"] if red["diffs"] else ""
            ent["examples"].append(ex)
        rep["kinds"][kind] = ent
    with open(opt.report, "w") as fh:
        json.dump(rep, fh, indent=1)


def main():
    opt = parse_args()
    t_start = time.time()
    cfg, catalog = setup(opt)
    if opt.list:
        for i in range(opt.count):
            print(f"#{i}: {inv_text(draw(opt.seed, i, catalog))}")
        return 0
    if opt.replay is not None:
        return replay(opt, draw(opt.seed, opt.replay, catalog))
    if opt.replay_args is not None:
        toks = shlex.split(opt.replay_args)
        if len(toks) < 2 or toks[0] not in ("translate", "info") or toks[-1] not in CFG["catalog"]:
            sys.exit("differential: --replay-args wants \"translate|info FLAGS... SRC\" with SRC one of "
                     + ", ".join(sorted(CFG["catalog"])))
        groups, cur = [], None
        for t in toks[1:-1]:           # a flag with its values is one group
            if t.startswith("-") and not re.match(r"^-[0-9.]", t):
                cur = [t]
                groups.append(cur)
            elif cur is None:
                cur = [t]
                groups.append(cur)
            else:
                cur.append(t)
        return replay(opt, {"id": "args", "tool": toks[0], "src": toks[-1], "groups": groups})

    inputs = cfg["inputs"]
    size = sum(os.path.getsize(f"{inputs}/{n}") for n in os.listdir(inputs))
    before = md5_tree(inputs)
    print(f"differential: seed {opt.seed}, {len(catalog)} inputs ({size / 1e6:.1f} MB) in {inputs}; "
          f"{opt.jobs} jobs; " + (f"{opt.minutes:g} minutes" if opt.minutes else f"{opt.count} invocations")
          + f"; rasterkit {cfg['rk']}" + (f" (LD_LIBRARY_PATH={cfg['ld_path']})" if cfg["ld_path"] else "")
          + ("; PAM enabled" if opt.pam else "; GDAL_PAM_ENABLED=NO"), flush=True)
    results, groups, reductions, t_run, t_red = run_all(opt, cfg, catalog)
    after = md5_tree(inputs)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return summary(opt, results, groups, reductions, t_run, t_red, t_start, changed)


if __name__ == "__main__":
    sys.exit(main())
