#!/usr/bin/env python3
"""Prints, as JSON, what GDAL reads from each file given: the test oracle
(rasterkit never links GDAL). Used by autotest/oracle tests only."""
import json
import sys

from osgeo import gdal

gdal.UseExceptions()
out = {}
for path in sys.argv[1:]:
    try:
        ds = gdal.OpenEx(path, allowed_drivers=["GTiff"])
    except RuntimeError as e:
        out[path] = {"error": str(e)}
        continue
    srs = ds.GetSpatialRef()
    bands = []
    for i in range(1, ds.RasterCount + 1):
        b = ds.GetRasterBand(i)
        nd = b.GetNoDataValue()
        bands.append({
            "type": gdal.GetDataTypeName(b.DataType),
            "checksum": b.Checksum(),
            "nodata": None if nd is None else repr(nd),
            "color_interp": gdal.GetColorInterpretationName(b.GetColorInterpretation()),
            "block": b.GetBlockSize(),
        })
    out[path] = {
        "size": [ds.RasterXSize, ds.RasterYSize],
        "geotransform": list(ds.GetGeoTransform(can_return_null=True) or []),
        "wkt2": srs.ExportToWkt(["FORMAT=WKT2_2019"]) if srs else None,
        "metadata": ds.GetMetadata(),
        "bands": bands,
    }
json.dump(out, sys.stdout)
