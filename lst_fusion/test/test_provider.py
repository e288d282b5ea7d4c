"""Provider and algorithm metadata under pytest-qgis; parameters round-trip through checkParameterValues."""
import numpy as np
import pytest
from qgis.core import (
    QgsApplication,
    QgsProcessingContext,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from lst_fusion.algorithms import qgis_enums
from lst_fusion.models.registry import model_ids

EXPECTED = {"search_download", "import_modis", "import_viirs", "import_slstr", "import_landsat", "gapfill", "resample",
            "align_pairs", "coregister", "estarfm", "fitfc", "fsdaf", "sharpen", "allpairs",
            "starfm", "fuse_series", "evaluate", "compare_methods", "validate_methods"} | {f"train_{m}" for m in model_ids()} | {
    f"predict_{m}" for m in model_ids()}


@pytest.fixture(scope="module")
def provider(qgis_app, qgis_processing):
    from lst_fusion.algorithms.provider import LstFusionProvider

    reg = QgsApplication.processingRegistry()
    assert reg.providerById("lstfusion") is None
    provider = LstFusionProvider()  # keep the Python object alive, as a plugin does
    assert reg.addProvider(provider)
    yield provider
    assert reg.removeProvider(provider)


def test_provider_lists_every_algorithm(provider):
    assert provider.id() == "lstfusion" and provider.name() == "LST Fusion"
    assert not provider.icon().isNull()
    assert {a.name() for a in provider.algorithms()} == EXPECTED
    assert {a.group() for a in provider.algorithms()} == {"Download", "Preprocessing", "Fusion (classical)",
                                                         "Fusion (deep learning)", "Evaluation"}


def alg_needs_layers(alg):
    return alg.name().startswith("train_") or alg.name() in ("fuse_series", "validate_methods", "allpairs")  # LANDSAT + MODIS, or DATASET


def valid_parameters(alg, tif_path, tmp_path):
    params = {}
    for p in alg.parameterDefinitions():
        optional = p.flags() & qgis_enums.PARAMETER_OPTIONAL
        if isinstance(p, QgsProcessingParameterRasterDestination):
            params[p.name()] = str(tmp_path / f"{p.name()}.tif")
        elif isinstance(p, QgsProcessingParameterFileDestination):
            params[p.name()] = str(tmp_path / f"{p.name()}.out")
        elif isinstance(p, QgsProcessingParameterFolderDestination):
            params[p.name()] = str(tmp_path / p.name())
        elif optional and not (alg_needs_layers(alg) and p.name() in ("LANDSAT", "MODIS")):
            continue
        elif isinstance(p, QgsProcessingParameterRasterLayer):
            params[p.name()] = tif_path
        elif isinstance(p, QgsProcessingParameterMultipleLayers):
            params[p.name()] = [tif_path]
        elif isinstance(p, QgsProcessingParameterFile) and p.name() == "CHECKPOINT":
            (tmp_path / "m.pt").write_bytes(b"")
            params[p.name()] = p.defaultValue() or str(tmp_path / "m.pt")
        elif isinstance(p, QgsProcessingParameterFile):
            params[p.name()] = p.defaultValue() or tif_path
        elif isinstance(p, (QgsProcessingParameterNumber, QgsProcessingParameterEnum)):
            params[p.name()] = p.defaultValue()
        elif isinstance(p, QgsProcessingParameterExtent):
            params[p.name()] = "85.3,85.4,23.3,23.4 [EPSG:4326]"
        elif isinstance(p, QgsProcessingParameterString):
            params[p.name()] = p.defaultValue() or "2020-01-01"
    return params


@pytest.mark.parametrize("alg_id", sorted(EXPECTED))
def test_algorithm_metadata_and_parameter_round_trip(provider, alg_id, tif, tmp_path):
    alg = QgsApplication.processingRegistry().createAlgorithmById(f"lstfusion:{alg_id}")
    assert alg is not None
    inst = alg.createInstance()
    assert inst.name() == alg_id
    for text in (alg.displayName(), alg.group(), alg.groupId(), alg.shortHelpString()):
        assert text and text.strip()
    path = tif("LST_20200101.tif", np.ones((8, 8), np.float32))
    ctx = QgsProcessingContext()
    params = valid_parameters(alg, path, tmp_path)
    ok, msg = alg.checkParameterValues(params, ctx)
    assert ok, msg
    required = [p.name() for p in alg.parameterDefinitions()
                if not p.flags() & qgis_enums.PARAMETER_OPTIONAL and p.defaultValue() is None
                and not p.isDestination()]
    broken = dict(params)
    if required:
        broken.pop(required[0])
    else:  # either/or inputs (training): none given must be refused
        for p in alg.parameterDefinitions():
            if not p.isDestination():
                broken.pop(p.name(), None)
    ok, msg = alg.checkParameterValues(broken, ctx)
    assert not ok and msg
    numbers = [p for p in alg.parameterDefinitions() if isinstance(p, QgsProcessingParameterNumber)
               and p.minimum() > -1e300]
    for p in numbers:
        bad = dict(params)
        bad[p.name()] = p.minimum() - 1
        ok, _ = alg.checkParameterValues(bad, ctx)
        assert not ok, f"{p.name()} below its minimum was accepted"


def test_dataset_or_lists_is_one_check_with_one_sentence(provider, tif, tmp_path):
    """fuse_series, validate_methods and train_*: neither DATASET nor both lists -> the same sentence; one list
    alone is refused too; DATASET alone or both lists pass that check."""
    from lst_fusion.algorithms.base import INPUTS_MISSING

    assert INPUTS_MISSING.startswith("DATASET: ")
    path = tif("LST_20200101.tif", np.ones((8, 8), np.float32))
    ctx = QgsProcessingContext()
    for alg_id in ("fuse_series", "validate_methods", "train_edcstfn"):
        alg = provider.algorithm(alg_id)
        params = valid_parameters(alg, path, tmp_path)
        assert alg.checkParameterValues(params, ctx)[0]
        for drop in (("DATASET", "MODIS", "LANDSAT"), ("DATASET", "MODIS")):
            broken = {k: v for k, v in params.items() if k not in drop}
            assert alg.checkParameterValues(broken, ctx) == (False, INPUTS_MISSING), (alg_id, drop)


def test_method_table_entries_name_their_algorithms(provider):
    """The dock lists methods from core/fusion/methods.py: each of today's entries names a real algorithm."""
    from lst_fusion.core.fusion import methods

    ids = {a.id() for a in provider.algorithms()}
    assert [m.algorithm_id for m in methods.METHODS[:3]] == ["lstfusion:estarfm", "lstfusion:starfm",
                                                             "lstfusion:predict_edcstfn"]
    assert all(m.algorithm_id in ids for m in methods.METHODS[:7])
