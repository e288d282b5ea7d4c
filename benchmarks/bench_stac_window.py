"""Bytes read for one AOI window versus the COG's size, through the local STAC API (no internet).

    .venv/bin/python benchmarks/bench_stac_window.py

Serves the real MOD11A1 granule (LST_Day_1km, 1200 x 1200 px, re-written as a COG with 128 px tiles) and the
real Landsat C2 L2 ST_B10 scene (512 x 512 px) from test/stac_server.py on 127.0.0.1, runs
core.data.stac.search_download for square AOIs of growing size and prints, per asset, the bytes the server sent
against the file size (GDAL reads the header in its first 16 KB request, then the tiles under the AOI).
"""
import datetime as dt
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lst_fusion.core.data import stac  # noqa: E402
from lst_fusion.test import stac_data  # noqa: E402
from lst_fusion.test.stac_server import StacServer  # noqa: E402
from lst_fusion.test.test_stac import LANDSAT_AOI, MODIS_AOI, box  # noqa: E402


def centre(aoi):
    ring = aoi["coordinates"][0]
    return sum(p[0] for p in ring[:4]) / 4, sum(p[1] for p in ring[:4]) / 4


def main():
    if not stac_data.have_products():
        raise SystemExit("../shared/data is absent: nothing to measure")
    folder = tempfile.mkdtemp(prefix="lstfusion_cogs_")
    server = StacServer(folder).start()
    made = stac_data.product_items(server, folder)
    rows = []
    cases = [("MODIS Terra", "LST_Day_1km", MODIS_AOI, dt.date(2019, 11, 1), (0.05, 0.1, 0.25, 0.5)),
             ("Landsat 8", "ST_B10", LANDSAT_AOI, dt.date(2019, 12, 1), (0.02, 0.05, 0.1, 0.2))]
    for sensor, band, aoi, day, halves in cases:
        cx, cy = centre(aoi)
        name = "/data/" + os.path.basename(made[band])
        size = server.file_size(os.path.basename(made[band]))
        for half in halves:
            stac.clear_curl_cache()
            before = server.bytes_sent[name]
            out = tempfile.mkdtemp(prefix="lstfusion_dl_")
            t0 = time.perf_counter()
            res = stac.search_download(server.url, box(cx, cy, half), day, day, [sensor], out, max_cloud=100)
            seconds = time.perf_counter() - t0
            sent = server.bytes_sent[name] - before
            import rasterio

            files = [f for fs in res["files"].values() for f in fs]
            shape = rasterio.open(files[0]).shape if files else (0, 0)
            rows.append((sensor, band, f"{2 * half:g} deg", f"{shape[1]}x{shape[0]}", sent, size, 100.0 * sent / size,
                         seconds))
    server.stop()
    print("| asset | AOI side | window (px) | bytes read | file size | read / size | search+read+write (s) |")
    print("|---|---|---|---|---|---|---|")
    for sensor, band, side, px, sent, size, pct, secs in rows:
        print(f"| {sensor} {band} | {side} | {px} | {sent:,} | {size:,} | {pct:.1f} % | {secs:.2f} |")


if __name__ == "__main__":
    main()
