#!/usr/bin/env python3
"""End-to-end tests of the rasterkit command line, checked with rasterkit
itself (no GDAL needed): every translate and info flag at least once, the
output's content (pixels through checksums and statistics, type,
georeferencing), the error paths (exit codes, one-line messages, nothing
partial left behind), and `info -json` against the corpus's
`gdalinfo -json -checksum` records.

usage: cli_test.py RASTERKIT WORKDIR CORPUS_DIR
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

RK = sys.argv[1]
WORK = sys.argv[2]
CORPUS = sys.argv[3]
failures = []


def run(*args, expect=0):
    p = subprocess.run([RK, *args], capture_output=True, text=True)
    if p.returncode != expect:
        failures.append(f"{' '.join(args)}: exit {p.returncode}, expected {expect}: {p.stderr.strip()}")
    return p


def info(path, *flags):
    p = run("info", "-json", *flags, path)
    return json.loads(p.stdout) if p.returncode == 0 else {}


def check(cond, what):
    if not cond:
        failures.append(what)


def checksums(path):
    return [b.get("checksum") for b in info(path, "-checksum").get("bands", [])]


def leftovers(directory):
    return [f for f in os.listdir(directory) if ".rk-" in f]


def translate_tests():
    w = WORK
    src = f"{w}/src.tif"
    # A 3-band UInt16 source with georeferencing, made by rasterkit itself
    # from the build's sample (512x384, 1 band) by band selection.
    run("translate", "-q", "-b", "1", "-b", "1", "-b", "1", "-a_srs", "EPSG:32631",
        "-a_ullr", "500000", "4600000", "505120", "4596160", "-a_nodata", "0", SAMPLE, src)
    base = info(src, "-checksum", "-stats")
    check(base.get("size") == [512, 384], f"source size {base.get('size')}")
    c1 = base["bands"][0]["checksum"]

    # -of, -ot, -co, -q: the pixels survive a type change and compression.
    out = f"{w}/ot.tif"
    run("translate", "-q", "-of", "GTiff", "-ot", "Int32", "-co", "COMPRESS=DEFLATE", "-co",
        "TILED=YES", src, out)
    j = info(out, "-checksum")
    check(j["bands"][0]["type"] == "Int32", "-ot Int32")
    check(j["bands"][0]["checksum"] == c1, "-ot keeps the values")
    check(j["metadata"].get("IMAGE_STRUCTURE", {}).get("COMPRESSION") == "DEFLATE", "-co COMPRESS")
    check(j["bands"][0]["block"] == [256, 256], f"-co TILED block {j['bands'][0]['block']}")

    # -b picks bands; -b mask writes the nodata mask as a band.
    out = f"{w}/bands.tif"
    run("translate", "-q", "-b", "2", "-b", "mask", src, out)
    j = info(out, "-checksum", "-stats")
    check(len(j["bands"]) == 2, "-b count")
    check(j["bands"][0]["checksum"] == base["bands"][1]["checksum"], "-b 2 pixels")
    # GeoTIFF bands share one type: the mask (0/255) is written as UInt16 here.
    check(j["bands"][1]["maximum"] == 255, "-b mask")

    # -srcwin and the equivalent -projwin give the same pixels and origin.
    a, b = f"{w}/srcwin.tif", f"{w}/projwin.tif"
    run("translate", "-q", "-srcwin", "100", "50", "200", "100", src, a)
    run("translate", "-q", "-projwin", "501000", "4599500", "503000", "4598500", src, b)
    ja, jb = info(a, "-checksum"), info(b, "-checksum")
    check(ja["size"] == [200, 100] and jb["size"] == [200, 100], "window sizes")
    check(ja["geoTransform"][0] == 501000 and ja["geoTransform"][3] == 4599500, "-srcwin origin")
    check(checksums(a) == checksums(b), "-srcwin and -projwin agree")
    # -projwin_srs: the same corner given in longitude/latitude.
    run("translate", "-q", "-projwin_srs", "EPSG:4326", "-projwin", "3.01", "41.54", "3.03",
        "41.53", src, f"{w}/projwin_srs.tif")
    check(info(f"{w}/projwin_srs.tif").get("size", [0])[0] > 0, "-projwin_srs")
    # -epo / -eco: windows outside the raster are errors only when asked.
    run("translate", "-q", "-srcwin", "500", "300", "100", "100", src, f"{w}/partial.tif")
    check(info(f"{w}/partial.tif")["size"] == [100, 100], "partial window accepted")
    p = run("translate", "-q", "-epo", "-srcwin", "500", "300", "100", "100", src,
            f"{w}/epo.tif", expect=1)
    check("partially outside" in p.stderr and not os.path.exists(f"{w}/epo.tif"), "-epo")
    p = run("translate", "-q", "-eco", "-srcwin", "900", "900", "10", "10", src, f"{w}/eco.tif",
            expect=1)
    check("completely outside" in p.stderr, "-eco")

    # -outsize (pixels and %), -tr, -r: sizes and geotransforms.
    run("translate", "-q", "-outsize", "50%", "50%", "-r", "average", src, f"{w}/half.tif")
    j = info(f"{w}/half.tif", "-stats")
    check(j["size"] == [256, 192] and j["geoTransform"][1] == 20, "-outsize %")
    run("translate", "-q", "-outsize", "128", "0", src, f"{w}/q.tif")
    check(info(f"{w}/q.tif")["size"] == [128, 96], "-outsize keeps the ratio")
    run("translate", "-q", "-tr", "40", "40", "-r", "bilinear", src, f"{w}/tr.tif")
    j = info(f"{w}/tr.tif")
    check(j["size"] == [128, 96] and j["geoTransform"][1] == 40, "-tr")
    for method in ["nearest", "cubic", "cubicspline", "lanczos", "mode"]:
        run("translate", "-q", "-outsize", "25%", "25%", "-r", method, src, f"{w}/r_{method}.tif")
        check(info(f"{w}/r_{method}.tif")["size"] == [128, 96], f"-r {method}")

    # -scale, -scale_N, -exponent, -unscale, -a_scale/-a_offset.
    run("translate", "-q", "-ot", "Byte", "-scale", src, f"{w}/scaled.tif")
    j = info(f"{w}/scaled.tif", "-stats")
    check(j["bands"][0]["type"] == "Byte" and j["bands"][0]["maximum"] == 255, "-scale")
    run("translate", "-q", "-b", "1", "-scale_1", "0", "65535", "100", "200", src, f"{w}/s1.tif")
    j = info(f"{w}/s1.tif", "-stats")
    check(100 <= j["bands"][0]["minimum"] and j["bands"][0]["maximum"] <= 200, "-scale_1")
    run("translate", "-q", "-b", "1", "-scale", "0", "65535", "0", "1", "-exponent", "0.5",
        "-ot", "Float32", src, f"{w}/exp.tif")
    j = info(f"{w}/exp.tif", "-stats")
    check(0 <= j["bands"][0]["minimum"] and j["bands"][0]["maximum"] <= 1, "-exponent")
    run("translate", "-q", "-a_scale", "0.5", "-a_offset", "10", src, f"{w}/as.tif")
    j = info(f"{w}/as.tif")
    check(j["bands"][0].get("scale") == 0.5 and j["bands"][0].get("offset") == 10, "-a_scale")
    run("translate", "-q", "-unscale", "-ot", "Float32", f"{w}/as.tif", f"{w}/unscaled.tif")
    ju, js = info(f"{w}/unscaled.tif", "-stats"), info(src, "-stats")
    check(abs(ju["bands"][0]["maximum"] - (js["bands"][0]["maximum"] * 0.5 + 10)) < 1e-3,
          "-unscale applies scale and offset")

    # -a_srs, -a_ullr, -a_nodata, -mo, -stats, -oo, --config, --threads.
    run("translate", "-q", "-a_srs", "EPSG:4326", "-a_ullr", "2", "42", "3", "41", "-a_nodata",
        "7", "-mo", "AUTHOR=cli test", "-stats", "-oo", "NUM_THREADS=1", "--config",
        "RK_CACHEMAX", "64", src, f"{w}/assigned.tif")
    j = info(f"{w}/assigned.tif")
    check(j["coordinateSystem"]["dataAxisToSRSAxisMapping"] == [2, 1], "-a_srs EPSG:4326")
    check(j["geoTransform"][0] == 2 and j["geoTransform"][3] == 42, "-a_ullr")
    check(j["bands"][0]["noDataValue"] == 7, "-a_nodata")
    check(j["metadata"][""].get("AUTHOR") == "cli test", "-mo")
    check("STATISTICS_MEAN" in j["bands"][0]["metadata"].get("", {}), "-stats")
    run("translate", "-q", "-a_nodata", "none", src, f"{w}/nond.tif")
    check("noDataValue" not in info(f"{w}/nond.tif")["bands"][0], "-a_nodata none")
    t1, t4 = f"{w}/t1.tif", f"{w}/t4.tif"
    run("translate", "-q", "--threads", "1", "-outsize", "75%", "75%", "-r", "cubic", src, t1)
    run("translate", "-q", "--threads", "4", "-outsize", "75%", "75%", "-r", "cubic", src, t4)
    check(checksums(t1) == checksums(t4), "--threads gives the same pixels")

    # -expand: a palette file made with a color table from the corpus, if present.
    palette = os.path.join(CORPUS, "files", "libtiff__images__palette-1c-8b.tiff")
    if os.path.exists(palette):
        run("translate", "-q", "-expand", "rgba", palette, f"{w}/rgba.tif")
        j = info(f"{w}/rgba.tif")
        check([b["colorInterpretation"] for b in j["bands"]] == ["Red", "Green", "Blue", "Alpha"],
              "-expand rgba")

    # Progress: as gdal_translate, "Input file size" then GDAL's dotted form
    # on standard output; nothing on standard error; -q silences both.
    p = run("translate", src, f"{w}/progress.tif")
    check(p.stdout == "Input file size is 512, 384\n"
          "0...10...20...30...40...50...60...70...80...90...100 - done.\n", "progress on stdout")
    check(p.stderr == "", "nothing on stderr")
    p = run("translate", "-q", src, f"{w}/quiet.tif")
    check(p.stderr == "" and p.stdout == "", "-q is quiet")
    # A destination that cannot be created fails before anything is printed
    # or read (-stats would read every pixel first).
    p = run("translate", "-stats", src, f"{w}/no/such/dir/out.tif", expect=1)
    check(p.stdout == "" and p.stderr.count("\n") == 1 and "no/such/dir/out.tif" in p.stderr
          and "No such file or directory" in p.stderr, f"missing folder: {p.stdout!r} {p.stderr!r}")


def error_tests():
    w = WORK
    src = f"{w}/src.tif"
    p = run("translate", "-q", f"{w}/missing.tif", f"{w}/x.tif", expect=1)
    check("missing.tif" in p.stderr and p.stderr.count("\n") == 1, "missing file: one line naming it")
    p = run("info", f"{w}/missing.tif", expect=1)
    check("missing.tif" in p.stderr, "info missing file")
    with open(src, "rb") as f:
        data = f.read()
    with open(f"{w}/corrupt.tif", "wb") as f:
        f.write(data[:600])
    p = run("translate", "-q", f"{w}/corrupt.tif", f"{w}/fromcorrupt.tif", expect=1)
    check("corrupt.tif" in p.stderr and not os.path.exists(f"{w}/fromcorrupt.tif"), "corrupt input")
    os.chmod(f"{w}/corrupt.tif", 0)
    if os.geteuid() != 0:  # root reads anything
        run("info", f"{w}/corrupt.tif", expect=1)
    os.chmod(f"{w}/corrupt.tif", 0o644)
    for bad in (["-outsize", "abc", "10"], ["-r", "bogus"], ["-ot", "Int3"], ["-srcwin", "1", "2"],
                ["-b"], ["--threads", "zero"], ["-scale", "1"]):
        run("translate", *bad, src, f"{w}/bad.tif", expect=2)
    p = run("translate", "-sacle", src, f"{w}/bad.tif", expect=2)
    check("did you mean '-scale'" in p.stderr, "unknown flag suggestion")
    p = run("info", "-josn", src, expect=2)
    check("did you mean '-json'" in p.stderr, "info flag suggestion")
    run("translate", "-q", "-of", "NOPE", src, f"{w}/bad.tif", expect=1)
    run("translate", "-q", "-b", "9", src, f"{w}/bad.tif", expect=1)
    run("translate", "-q", src, "/nonexistent-dir/out.tif", expect=1)
    check(not os.path.exists(f"{w}/bad.tif"), "no output after errors")
    # A failing run leaves an existing destination untouched.
    keep = f"{w}/keep.tif"
    with open(keep, "wb") as f:
        f.write(b"precious")
    run("translate", "-q", "-b", "9", src, keep, expect=1)
    with open(keep, "rb") as f:
        check(f.read() == b"precious", "existing destination untouched")
    # Ctrl-C during a long write: no partial file, nothing left beside it.
    big = f"{w}/big.tif"
    run("translate", "-q", "-outsize", "1600%", "1600%", src, big)
    target = f"{w}/interrupted.tif"
    with open(target, "wb") as f:
        f.write(b"old")
    proc = subprocess.Popen([RK, "translate", "-q", "--threads", "1", "-co", "COMPRESS=DEFLATE",
                             "-co", "ZLEVEL=9", big, target], stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        print("note: the interrupt came after the copy finished; not checked")
    else:
        check(proc.returncode == 1, f"Ctrl-C exit code {proc.returncode}")
        with open(target, "rb") as f:
            check(f.read() == b"old", "Ctrl-C left the old destination")
    check(leftovers(w) == [], f"temporary files left: {leftovers(w)}")
    os.remove(big)


def ring_area(ring):
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))) / 2


def geojson_area(doc):
    """Area of a footprint FeatureCollection (MultiPolygons, holes subtracted)."""
    total = 0
    for f in doc["features"]:
        for poly in f["geometry"]["coordinates"]:
            total += ring_area(poly[0]) - sum(ring_area(h) for h in poly[1:])
    return total


def geometry_tests():
    w = WORK
    src = f"{w}/geo_src.tif"
    # 512x384, 10 m pixels from (500000, 4600000), nodata 0, no zero inside.
    run("translate", "-q", "-a_srs", "EPSG:32631", "-a_ullr", "500000", "4600000", "505120",
        "4596160", "-a_nodata", "0", SAMPLE, src)
    rect = "POLYGON ((501000 4599000, 502000 4599000, 502000 4598000, 501000 4598000, 501000 4599000))"

    # -cutline: outside pixels become nodata; the footprint gives the polygon back.
    cut = f"{w}/cut.tif"
    run("translate", "-q", "-cutline", rect, src, cut)
    j = info(cut, "-stats")
    check(j.get("size") == [512, 384] and len(j["bands"]) == 1, "-cutline keeps the size")
    fp = json.loads(run("footprint", cut, "-max_points", "unlimited").stdout)
    check(fp["type"] == "FeatureCollection" and len(fp["features"]) == 1, "footprint GeoJSON")
    check(fp.get("crs", {}).get("properties", {}).get("name") == "urn:ogc:def:crs:EPSG::32631",
          "footprint names the CRS")
    check(abs(geojson_area(fp) - 1000 * 1000) < 1e-6, f"footprint area {geojson_area(fp)}")
    check(fp["features"][0]["properties"]["location"] == cut, "footprint location")
    p = run("footprint", "-t_cs", "pixel", "-of", "WKT", cut)
    check(p.stdout.startswith("MULTIPOLYGON (((") and "100 100, 200 100" in p.stdout, f"-t_cs pixel {p.stdout}")

    # -crop_to_cutline: the output shrinks to the polygon's box.
    crop = f"{w}/crop.tif"
    run("translate", "-q", "-cutline", rect, "-crop_to_cutline", src, crop)
    j = info(crop)
    check(j.get("size") == [100, 100], f"-crop_to_cutline size {j.get('size')}")
    check(j.get("geoTransform", [0])[0] == 501000 and j["geoTransform"][3] == 4599000,
          "-crop_to_cutline origin")

    # A cutline file in another CRS (GeoJSON: WGS 84 longitude/latitude).
    gj = f"{w}/cutline.geojson"
    with open(gj, "w") as f:
        json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                   "geometry": {"type": "Polygon", "coordinates": [[[3.012, 41.51], [3.05, 41.512],
                                [3.03, 41.535], [3.012, 41.51]]]}}]}, f)
    lonlat = f"{w}/cut_lonlat.tif"
    run("translate", "-q", "-cutline", gj, "-crop_to_cutline", src, lonlat)
    j = info(lonlat, "-stats")
    check(0 < j.get("size", [0])[0] < 512, f"lon/lat cutline crop {j.get('size')}")
    fp = json.loads(run("footprint", "-t_srs", "EPSG:4326", "-max_points", "unlimited", lonlat).stdout)
    check("crs" not in fp, "EPSG:4326 output needs no crs member")
    xs = [pt[0] for poly in fp["features"][0]["geometry"]["coordinates"] for pt in poly[0]]
    check(3.0 < min(xs) and max(xs) < 3.06, f"footprint -t_srs longitudes {min(xs)} {max(xs)}")

    # No nodata in the output: 0 outside and an alpha band.
    alpha = f"{w}/cut_alpha.tif"
    run("translate", "-q", "-a_nodata", "none", "-cutline", rect, src, alpha)
    j = info(alpha, "-stats")
    check(len(j.get("bands", [])) == 2 and j["bands"][1]["colorInterpretation"] == "Alpha",
          "-cutline adds an alpha band")
    fp = json.loads(run("footprint", "-max_points", "unlimited", alpha).stdout)
    check(abs(geojson_area(fp) - 1000 * 1000) < 1e-6, "footprint reads the alpha band")

    # Footprint written to a file, options that shape it.
    out = f"{w}/fp.wkt"
    run("footprint", "-q", "-simplify", "20", "-convex_hull", lonlat, out)
    with open(out) as f:
        text = f.read()
    check(text.startswith("MULTIPOLYGON") and text.count(",") < 10, f"-convex_hull to .wkt: {text}")
    p = run("footprint", "-split_polys", "-min_ring_area", "1e12", src)
    check(json.loads(p.stdout)["features"] == [], "-min_ring_area drops everything")

    # Errors: one line naming the problem, no output left behind.
    p = run("translate", "-q", "-cutline", "POLYGON ((0 0, 1 1", src, f"{w}/bad_cut.tif", expect=1)
    check("-cutline:" in p.stderr and "WKT" in p.stderr, f"invalid WKT message: {p.stderr}")
    p = run("translate", "-q", "-cutline", "POLYGON ((0 0, 10 0, 10 10, 0 0))", src,
            f"{w}/bad_cut.tif", expect=1)
    check("does not intersect" in p.stderr, f"cutline outside: {p.stderr}")
    with open(f"{w}/bad.geojson", "w") as f:
        f.write('{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": 3}}')
    p = run("translate", "-q", "-cutline", f"{w}/bad.geojson", src, f"{w}/bad_cut.tif", expect=1)
    check("bad.geojson" in p.stderr, f"invalid GeoJSON names the file: {p.stderr}")
    check(not os.path.exists(f"{w}/bad_cut.tif"), "no output after a bad cutline")
    bowtie = "POLYGON ((501000 4599000, 502000 4598000, 502000 4599000, 501000 4598000, 501000 4599000))"
    p = run("translate", "-q", "-cutline", bowtie, src, f"{w}/bowtie.tif")
    check("repaired with GEOS make-valid" in p.stderr, f"self-intersection repaired: {p.stderr}")
    run("translate", "-crop_to_cutline", src, f"{w}/x.tif", expect=2)
    run("footprint", expect=2)
    run("footprint", "-t_cs", "pixel", "-t_srs", "EPSG:4326", src, expect=2)
    run("footprint", "-max_points", "two", src, expect=2)
    run("footprint", "-combine", "both", src, expect=2)
    p = run("footprint", "-ovr", "2", src, expect=1)
    check("overview 2 does not exist" in p.stderr, f"-ovr message: {p.stderr}")
    p = run("footprint", f"{w}/missing.tif", expect=1)
    check("missing.tif" in p.stderr, "footprint names a missing file")
    p = run("footprint", "-b", "4", src, expect=1)
    check("band 4 does not exist" in p.stderr, f"footprint -b: {p.stderr}")
    check(leftovers(w) == [], f"temporary files left: {leftovers(w)}")


def info_tests():
    w = WORK
    src = f"{w}/src.tif"
    text = run("info", "-mm", "-stats", "-hist", "-checksum", "-nomd", "-noct", "-nogcp",
               "-norat", "-nofl", "-proj4", src).stdout
    for needle in ["Computed Min/Max=", "Minimum=", "buckets from", "Checksum=",
                   "Corner Coordinates:", "PROJ.4 string is:", "Data axis to CRS axis mapping: 1,2"]:
        check(needle in text, f"info text lacks '{needle}'")
    check("Metadata:" not in text, "-nomd")
    check("d" in text.split("Upper Left")[1].split("\n")[0], "corner in DMS")
    # Statistics kept in the side-car are reported as they are (gdalinfo);
    # without them -approx_stats samples and says so, and a later -stats
    # replaces them with exact ones.
    if os.path.exists(src + ".aux.xml"):
        os.remove(src + ".aux.xml")
    j = info(src, "-approx_stats")
    check(j["bands"][0]["metadata"].get("", {}).get("STATISTICS_APPROXIMATE") == "YES",
          "-approx_stats")
    j = info(src, "-stats")
    check("STATISTICS_APPROXIMATE" not in j["bands"][0]["metadata"].get("", {}),
          "-stats replaces approximate statistics")
    j = info(src, "-mdd", "all")
    check("IMAGE_STRUCTURE" in j["metadata"], "-mdd all")
    text = run("info", "-wkt_format", "WKT1", src).stdout
    check('PROJCS["WGS 84 / UTM zone 31N"' in text, "-wkt_format WKT1")
    check(run("--version").stdout.startswith("rasterkit "), "--version")
    check("translate" in run("--help").stdout, "--help")


# Keys compared with the corpus's gdalinfo -json -checksum records.
BAND_KEYS = ["band", "block", "type", "colorInterpretation", "description", "checksum",
             "noDataValue", "offset", "scale", "unit"]


def same(a, b, tol=1e-9):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= tol * max(1.0, abs(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], tol) for k in a)
    return a == b


def corpus_tests():
    records = os.path.join(CORPUS, "gdalinfo")
    if not os.path.isdir(records):
        print(f"SKIP corpus comparison: {records} not found (../shared/corpus is optional)")
        return
    compared = agreed = 0
    disagreements = {}
    for name in sorted(os.listdir(records)):
        gj = json.load(open(os.path.join(records, name)))
        if "bands" not in gj:
            continue
        path = os.path.join(CORPUS, "files", name[:-len(".json")])
        p = subprocess.run([RK, "info", "-json", "-checksum", path], capture_output=True, text=True)
        if p.returncode != 0:
            disagreements.setdefault("open", []).append(name)
            continue
        rj = json.loads(p.stdout)
        pairs = [(k, rj.get(k), gj.get(k), 1e-9) for k in
                 ["driverShortName", "driverLongName", "size", "geoTransform", "cornerCoordinates"]]
        if "wgs84Extent" in gj:
            pairs.append(("wgs84Extent", rj.get("wgs84Extent"), gj["wgs84Extent"], 1e-6))
        if "coordinateSystem" in gj:
            pairs.append(("dataAxisToSRSAxisMapping",
                          rj.get("coordinateSystem", {}).get("dataAxisToSRSAxisMapping"),
                          gj["coordinateSystem"].get("dataAxisToSRSAxisMapping"), 0))
        pairs.append(("metadata", rj.get("metadata", {}).get(""), gj.get("metadata", {}).get(""), 0))
        for rb, gb in zip(rj.get("bands", []), gj["bands"]):
            for k in BAND_KEYS:
                pairs.append((f"band.{k}", rb.get(k), gb.get(k), 1e-9))
            pairs.append(("band.overviews", rb.get("overviews"), gb.get("overviews"), 0))
            pairs.append(("band.mask.flags", rb.get("mask", {}).get("flags"),
                          gb.get("mask", {}).get("flags"), 0))
            if "colorTable" in gb:
                pairs.append(("band.colorTable", rb.get("colorTable"), gb["colorTable"], 0))
        for key, mine, theirs, tol in pairs:
            compared += 1
            if same(mine, theirs, tol):
                agreed += 1
            else:
                disagreements.setdefault(key, []).append(name)
    print(f"info -json vs gdalinfo -json: {agreed} of {compared} values agree")
    for key, names in sorted(disagreements.items()):
        print(f"  {key}: {len(names)} files differ, e.g. {names[:3]}")
    summary = os.path.join(WORK, "info_json_summary.txt")
    with open(summary, "w") as f:
        json.dump({k: v for k, v in disagreements.items()}, f, indent=1)
    # The tolerated differences are listed in doc/cli.md; anything beyond
    # this share is a regression.
    check(agreed >= 0.99 * compared, f"info -json agrees on only {agreed} of {compared} values")


if __name__ == "__main__":
    SAMPLE = os.environ.get("RK_SAMPLE_TIFF")
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    if not SAMPLE:
        SAMPLE = os.path.join(os.path.dirname(os.path.dirname(RK)), "sample", "sample.tif")
    translate_tests()
    geometry_tests()
    info_tests()
    error_tests()
    corpus_tests()
    for f in failures:
        print("FAIL", f)
    print(f"{len(failures)} failures")
    sys.exit(1 if failures else 0)
