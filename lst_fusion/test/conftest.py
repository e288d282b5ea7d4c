import os

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(REPO), "shared")
SAMPLE = os.path.join(REPO, "lst_fusion", "resources", "sample")


def write_tif(path, arr, crs="EPSG:32631", x0=500000.0, y0=5300000.0, res=30.0, nodata=None, dtype=None):
    import rasterio
    from rasterio.transform import from_origin

    arr = np.asarray(arr)
    with rasterio.open(str(path), "w", driver="GTiff", width=arr.shape[1], height=arr.shape[0], count=1,
                       dtype=dtype or arr.dtype, crs=crs, transform=from_origin(x0, y0, res, res), nodata=nodata) as ds:
        ds.write(arr.astype(dtype or arr.dtype), 1)
    return str(path)


@pytest.fixture
def tif(tmp_path):
    def make(name, arr, **kw):
        return write_tif(tmp_path / name, arr, **kw)

    return make


def write_series_folders(folder, tif, pairs):
    """Same-day pairs ``{date: (landsat, modis)}`` written as ``folder``/l/L_YYYYMMDD.tif and m/M_YYYYMMDD.tif
    (float32, with ``tif``, which writes under the test's tmp_path = ``folder``) and aligned into ``folder``/ds."""
    from lst_fusion.core.data.pairing import align_pairs

    (folder / "m").mkdir()
    (folder / "l").mkdir()
    for d, (f, c) in pairs.items():
        tif(f"l/L_{d:%Y%m%d}.tif", np.asarray(f).astype(np.float32))
        tif(f"m/M_{d:%Y%m%d}.tif", np.asarray(c).astype(np.float32))
    align_pairs(str(folder / "m"), str(folder / "l"), str(folder / "ds"))
    return folder


def synthetic_scene(n=64, seed=0, celsius=True):
    """Structured LST scene: urban blocks, a river, a field gradient, noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:n, 0:n]
    base = 20 + 0.1 * x + rng.normal(0, 0.3, (n, n))
    base[(x // 8 + y // 8) % 3 == 0] += 6  # urban blocks
    base[np.abs(y - 0.5 * x - 10) < 2] -= 8  # river
    return base if celsius else base + 273.15


@pytest.fixture
def three_dates(tif):
    """Landsat and MODIS rasters of three dates on one grid, dated by name."""
    rng = np.random.default_rng(0)
    base = synthetic_scene(32)
    lan, mod = [], []
    for k, d in enumerate(("20200101", "20200117", "20200202")):
        lan.append(tif(f"L_{d}.tif", (base + 2 * k + rng.normal(0, 0.2, base.shape)).astype(np.float32)))
        mod.append(tif(f"M_{d}.tif", (0.3 * base + 17 + 2 * k).astype(np.float32)))
    return lan, mod


@pytest.fixture(scope="module")
def provider(qgis_app, qgis_processing):
    """The lstfusion provider registered in the Processing registry for one test module."""
    from qgis.core import QgsApplication

    from lst_fusion.algorithms.provider import LstFusionProvider

    reg = QgsApplication.processingRegistry()
    p = LstFusionProvider()
    assert reg.addProvider(p)
    yield p
    reg.removeProvider(p)
