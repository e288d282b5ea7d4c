"""Make lst_fusion/resources/kranj/: the bundled Kranj reflectance series (three same-day pairs) for `make demo`.

From ../shared/data/kranj (ImageFusion R package, BSD-3, LICENSE + Copyrights copied beside the files): the
near-infrared band (band 4) of the gap-filled Landsat (reflectance x 10000, rescaled here to 0-1) and of MODIS
(reflectance 0-1, already on the Landsat grid) on the three days both exist: 2020-03-08, 2020-03-17, 2020-04-02.
REFLECTANCE, NOT LST: tagged QUANTITY=reflectance, band unit "1".

    /usr/bin/python3 scripts/make_kranj_sample.py
"""
import datetime as dt
import os
import shutil

import numpy as np
import rasterio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "..", "shared", "data", "kranj")
DST = os.path.join(ROOT, "lst_fusion", "resources", "kranj")
PAIRS = {"2020068": ("2020068_191-28.tif_filled_kranj.tif", "2020068_18-04_kranj.tif"),
         "2020077": ("2020077_190-28.tif_filled_kranj.tif", "2020077_18-04_kranj.tif"),
         "2020093": ("2020093_190-28.tif_filled_kranj.tif", "2020093_18-04_kranj.tif")}
NIR = 4


def copy_band(src, dst, scale, sensor):
    with rasterio.open(src) as s:
        data = s.read(NIR).astype(np.float32)
        nodata = s.nodata
        profile = {**s.profile, "count": 1, "compress": "deflate", "predictor": 3, "tiled": False}
    valid = data > nodata / 2
    data = np.where(valid, data * np.float32(scale), np.float32(nodata)).astype(np.float32)
    with rasterio.open(dst, "w", **profile) as d:
        d.write(data, 1)
        d.set_band_description(1, f"{sensor} near-infrared surface reflectance (band 4 of the ImageFusion sample)")
        d.set_band_unit(1, "1")
        d.update_tags(QUANTITY="reflectance", SOURCE="ImageFusion R package (JohMast/ImageFusion), BSD-3",
                      NOTE="surface reflectance, not land-surface temperature")


def main():
    for sub in ("landsat", "modis"):
        os.makedirs(os.path.join(DST, sub), exist_ok=True)
    for doy, (lfile, mfile) in PAIRS.items():
        day = (dt.date(int(doy[:4]), 1, 1) + dt.timedelta(int(doy[4:]) - 1)).strftime("%Y%m%d")
        copy_band(os.path.join(SRC, "landsat", "filled", lfile),
                  os.path.join(DST, "landsat", f"Landsat_NIR_reflectance_{day}.tif"), 1e-4, "Landsat")
        copy_band(os.path.join(SRC, "modis", "filled", mfile),
                  os.path.join(DST, "modis", f"MODIS_NIR_reflectance_{day}.tif"), 1.0, "MODIS")
    for name in ("LICENSE", "Copyrights"):
        shutil.copy(os.path.join(SRC, name), os.path.join(DST, name))


if __name__ == "__main__":
    main()
