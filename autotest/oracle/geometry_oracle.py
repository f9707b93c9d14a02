#!/usr/bin/env python3
"""rasterkit footprint and translate -cutline against GDAL 3.6 (Debian's
python3-gdal, test oracle only).

Footprints: GDAL 3.6 has no gdal_footprint, so the reference is
gdal.Polygonize of the same mask band (4-connected): the polygons must
match one for one by area (within one pixel's area per ring), and the
union must cover the same ground (symmetric difference below one pixel per
ring).

Cutlines: the reference is gdalwarp -cutline onto the source grid (same
CRS: pixel for pixel; cutline in another CRS: GDAL reprojects only the
vertices while rasterkit densifies the edges first, so pixels may differ
along the boundary, a small fraction of it).

usage: geometry_oracle.py RASTERKIT WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
RK = sys.argv[1]
WORK = sys.argv[2]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def rk(*args):
    p = subprocess.run([RK, *args], capture_output=True, text=True)
    if p.returncode != 0:
        failures.append(f"rasterkit {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}")
    return p.stdout


def make(path, array, nodata=None, epsg=32631, gt=(500000, 10, 0, 4600000, 0, -10), options=(),
         alpha=None):
    h, w = array.shape[-2:]
    bands = 1 if array.ndim == 2 else array.shape[0]
    total = bands + (1 if alpha is not None else 0)
    dtype = {np.uint8: gdal.GDT_Byte, np.uint16: gdal.GDT_UInt16,
             np.float32: gdal.GDT_Float32}[array.dtype.type]
    ds = gdal.GetDriverByName("GTiff").Create(path, w, h, total, dtype, list(options))
    ds.SetGeoTransform(gt)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    ds.SetProjection(srs.ExportToWkt())
    for b in range(bands):
        band = ds.GetRasterBand(b + 1)
        band.WriteArray(array if array.ndim == 2 else array[b])
        if nodata is not None:
            band.SetNoDataValue(nodata)
    if alpha is not None:
        ds.GetRasterBand(total).WriteArray(alpha)
        ds.GetRasterBand(total).SetColorInterpretation(gdal.GCI_AlphaBand)
    ds = None


def gdal_polygons(path, band=1):
    """GDAL's polygons of the valid pixels (mask band polygonized, 4-connected)."""
    ds = gdal.Open(path)
    values = ds.GetRasterBand(band).GetMaskBand().ReadAsArray()
    # Copied to a dataset without a geotransform: polygons in pixel coordinates.
    raster = gdal.GetDriverByName("MEM").Create("", ds.RasterXSize, ds.RasterYSize, 1, gdal.GDT_Byte)
    mask = raster.GetRasterBand(1)
    mask.WriteArray(values)
    mem = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer = mem.CreateLayer("p", srs=ds.GetSpatialRef(), geom_type=ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
    gdal.Polygonize(mask, mask, layer, 0)
    return [f.GetGeometryRef().Clone() for f in layer]


def compare_footprint(name, path, extra=()):
    """Compared in pixel coordinates."""
    pixel_area = 1
    ours = ogr.CreateGeometryFromWkt(rk("footprint", "-max_points", "unlimited", "-of", "WKT",
                                        "-t_cs", "pixel", *extra, path).strip())
    theirs = gdal_polygons(path)
    ours_parts = [ours.GetGeometryRef(i) for i in range(ours.GetGeometryCount())]
    rings = sum(1 + p.GetGeometryCount() - 1 for p in theirs)
    check(len(ours_parts) == len(theirs), f"{name}: {len(ours_parts)} polygons, GDAL {len(theirs)}")
    a = sorted(p.GetArea() for p in ours_parts)
    b = sorted(p.GetArea() for p in theirs)
    for x, y in zip(a, b):
        check(abs(x - y) <= pixel_area, f"{name}: polygon area {x} vs GDAL {y}")
    union = ogr.Geometry(ogr.wkbMultiPolygon)
    for p in theirs:
        union.AddGeometry(p)
    union = union.UnionCascaded()
    diff = ours.SymDifference(union).GetArea()
    check(diff <= pixel_area * max(rings, 1), f"{name}: symmetric difference {diff}")
    return len(theirs)


def footprint_tests():
    h, w = 300, 400
    yy, xx = np.mgrid[0:h, 0:w]
    # A disk with a hole, an island inside the hole, a diagonal band and
    # scattered single pixels (4-connected pieces).
    d = np.hypot(xx + 0.5 - 150, yy + 0.5 - 150)
    valid = (d < 100) & ~((d >= 30) & (d < 45))
    valid |= (xx - yy > 250) & (xx - yy < 280)
    valid[::37, ::41] = True
    a = np.where(valid, 9, 0).astype(np.uint8)
    path = f"{WORK}/shapes.tif"
    make(path, a, nodata=0, options=["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"])
    n = compare_footprint("nodata shapes", path)
    check(n > 10, f"shapes: only {n} polygons")

    # Float32 with NaN as nodata, striped.
    f = np.where(valid, (xx * 0.5).astype(np.float32), np.float32("nan")).astype(np.float32)
    path = f"{WORK}/nan.tif"
    make(path, f, nodata=float("nan"))
    compare_footprint("NaN nodata", path)

    # RGBA: the alpha band masks the color bands.
    rgb = np.stack([a, a, a]).astype(np.uint8)
    alpha = np.where(np.hypot(xx - 200, yy - 100) < 80, 255, 0).astype(np.uint8)
    path = f"{WORK}/rgba.tif"
    make(path, rgb, alpha=alpha, options=["PHOTOMETRIC=RGB", "ALPHA=YES"])
    compare_footprint("alpha", path)

    # A per-dataset mask inside the TIFF, and in a sidecar PATH.msk (GDAL
    # 3.6's default).
    for name, internal in (("internal mask", "YES"), (".msk mask", "NO")):
        path = f"{WORK}/masked_{internal}.tif"
        make(path, np.full((h, w), 5, np.uint8))
        gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", internal)
        ds = gdal.Open(path, gdal.GA_Update)
        ds.CreateMaskBand(gdal.GMF_PER_DATASET)
        ds.GetRasterBand(1).GetMaskBand().WriteArray(np.where(valid, 255, 0).astype(np.uint8))
        ds = None
        gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", None)
        check(os.path.exists(path + ".msk") == (internal == "NO"), f"{name}: .msk file")
        compare_footprint(name, path)

    # -ovr: the footprint of the first overview, in full-resolution coordinates.
    path = f"{WORK}/ovr.tif"
    make(path, a, nodata=0)
    ds = gdal.Open(path, gdal.GA_Update)
    ds.BuildOverviews("NEAREST", [2])
    ds = None
    ours = ogr.CreateGeometryFromWkt(rk("footprint", "-ovr", "0", "-max_points", "unlimited",
                                        "-of", "WKT", path).strip())
    ovr_ds = gdal.Open(path)
    ovr = ovr_ds.GetRasterBand(1).GetOverview(0)
    mem = gdal.GetDriverByName("MEM").Create("", ovr.XSize, ovr.YSize, 1, gdal.GDT_Byte)
    mem.SetGeoTransform((500000, 20, 0, 4600000, 0, -20))
    mem.GetRasterBand(1).WriteArray(ovr.GetMaskBand().ReadAsArray())
    ovr_valid = int((mem.GetRasterBand(1).ReadAsArray() > 0).sum())
    check(abs(ours.GetArea() - ovr_valid * 400) < 1e-6,
          f"-ovr area {ours.GetArea()} vs {ovr_valid * 400}")


def cutline_tests():
    h, w = 256, 320
    yy, xx = np.mgrid[0:h, 0:w]
    a = (1 + (xx * 7 + yy * 3) % 250).astype(np.uint8)
    src = f"{WORK}/cut_src.tif"
    make(src, a, nodata=0)
    # A polygon with a hole, oblique edges, partly outside the raster.
    poly = ("POLYGON ((499900.3 4599100.7, 502300.9 4599950.1, 503500.2 4598200.4, "
            "501200.6 4597300.3, 499900.3 4599100.7), (501000.1 4598900.2, 501900.7 4598800.9, "
            "501500.4 4598100.3, 501000.1 4598900.2))")
    cases = [("same CRS", poly, None, 0.0)]
    # The same polygon in longitude/latitude.
    utm = osr.SpatialReference()
    utm.ImportFromEPSG(32631)
    wgs = osr.SpatialReference()
    wgs.ImportFromEPSG(4326)
    wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    g = ogr.CreateGeometryFromWkt(poly)
    g.Transform(osr.CoordinateTransformation(utm, wgs))
    cases.append(("EPSG:4326", g.ExportToWkt(), "EPSG:4326", 0.02))
    for name, wkt, srs, tolerance in cases:
        ours_path = f"{WORK}/cut_rk.tif"
        args = ["translate", "-q", "-cutline", wkt]
        if srs:
            args += ["-cutline_srs", srs]
        rk(*args, src, ours_path)
        # gdalwarp's cutline wants a vector dataset.
        cut_ds = f"{WORK}/cutline.geojson"
        if os.path.exists(cut_ds):
            os.remove(cut_ds)
        drv = ogr.GetDriverByName("GeoJSON").CreateDataSource(cut_ds)
        layer = drv.CreateLayer("c", srs=wgs if srs else utm, geom_type=ogr.wkbPolygon)
        feat = ogr.Feature(layer.GetLayerDefn())
        feat.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        layer.CreateFeature(feat)
        drv = None
        theirs = gdal.Warp("", src, format="MEM", cutlineDSName=cut_ds, dstNodata=0,
                           outputBounds=(500000, 4600000 - h * 10, 500000 + w * 10, 4600000),
                           xRes=10, yRes=10)
        expect = theirs.GetRasterBand(1).ReadAsArray()
        ours_ds = gdal.Open(ours_path)
        got = ours_ds.GetRasterBand(1).ReadAsArray()
        ours_ds = None
        inside = int((expect != 0).sum())
        differ = int((expect != got).sum())
        # Boundary pixels: inside pixels with an outside 4-neighbour.
        m = expect != 0
        edge = m & ~(np.roll(m, 1, 0) & np.roll(m, -1, 0) & np.roll(m, 1, 1) & np.roll(m, -1, 1))
        check(inside > 10000, f"cutline {name}: only {inside} pixels inside")
        check(differ <= tolerance * edge.sum(),
              f"cutline {name}: {differ} pixels differ from gdalwarp ({edge.sum()} on the edge)")
        print(f"cutline {name}: {inside} inside, {differ} differ from gdalwarp")


if __name__ == "__main__":
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    footprint_tests()
    cutline_tests()
    for f in failures:
        print("FAIL", f)
    print(f"{len(failures)} failures")
    sys.exit(1 if failures else 0)
