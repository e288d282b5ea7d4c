"""The method table (core/fusion/methods.py): its order, its agreement with the model registry, and the
public tile and per-pair statistics functions of ESTARFM and STARFM against the whole-image functions."""
import numpy as np
import pytest

from lst_fusion.core.fusion import estarfm as E
from lst_fusion.core.fusion import methods as M
from lst_fusion.core.fusion import starfm as S
from lst_fusion.core.fusion.tiling import ImageStats, halo_block
from lst_fusion.core.platform.errors import LstFusionError

from .conftest import synthetic_scene

# the METHOD enum's index is saved in models: this prefix never changes, new methods only append
SAVED_ORDER = ["estarfm", "starfm", "edcstfn", "sttfn", "mlffgan", "ganstfm", "swinstfm"]


def test_the_order_only_ever_appends():
    assert list(M.IDS[:len(SAVED_ORDER)]) == SAVED_ORDER
    assert M.enum_ids()[M.AUTO_POSITION] == M.AUTO == "auto" and M.AUTO_POSITION == 7 and M.AUTO not in M.IDS
    assert [i for i in M.enum_ids() if i != M.AUTO] == list(M.IDS)
    assert len(set(M.IDS)) == len(M.IDS)
    assert [m.tag for m in M.METHODS[:3]] == ["ESTARFM", "STARFM", "EDCSTFN"]


def test_deep_entries_agree_with_the_model_registry():
    from lst_fusion.models import registry

    assert list(M.DEEP[:len(registry.model_ids())]) == registry.model_ids()
    for mid in M.DEEP:
        m = M.get(mid)
        spec = registry.info(m.model)
        assert m.label == spec.name
        assert m.pair_mode == (M.TWO if "fine_ref2" in spec.inputs else M.ONE)
    for m in M.METHODS:
        assert (m.tile is not None) == m.classical  # the MODIS baseline: a tile that is the day's MODIS, no pair stats
        assert (m.pair_stats is not None) == (m.classical and m.fusion)
        assert bool(m.model) == (not m.classical)


def image_stats(a):
    v = a[np.isfinite(a)]
    return ImageStats(v.size, float(v.mean()), float(v.std()), float(v.std(ddof=1)))


def scene(n=24):
    rng = np.random.default_rng(3)
    f1 = synthetic_scene(n, 1)
    f2 = f1 + 1.5 + rng.normal(0, 0.3, f1.shape)
    c1 = f1 + rng.normal(0, 0.5, f1.shape)
    c2 = f2 + rng.normal(0, 0.5, f1.shape)
    c0 = 0.5 * (c1 + c2) + 0.4
    return {"fine_ref1": f1, "coarse_ref1": c1, "fine_ref2": f2, "coarse_ref2": c2, "coarse_target": c0}


@pytest.mark.parametrize("method_id", ["estarfm", "starfm"])
def test_tile_function_equals_the_whole_image_function(method_id):
    """One tile covering the image, with the entry's per-pair statistics, gives the core function's result."""
    images = scene()
    m = M.get(method_id)
    window = 7
    params = {"CLASSES": 4, "CHANGE_THRESHOLD": 1.0, "ENGINE": "numpy", "QUANTITY": "lst"}
    stats = m.pair_stats(lambda role: image_stats(images[role]), params)
    assert stats["th1"] == pytest.approx(np.std(images["fine_ref1"], ddof=1 if method_id == "estarfm" else 0) / 2)
    halo = M.halo(method_id, window)
    assert halo == 3
    n = images["fine_ref1"].shape[0]
    blocks = [halo_block(images[r], 0, n, 0, n, halo) for r in M.TWO_PAIR_ROLES]
    tile = m.tile(blocks, halo, dict(params, **stats))
    if method_id == "estarfm":
        whole = E.estarfm(*(images[r] for r in M.TWO_PAIR_ROLES), window=window, engine="numpy")
    else:
        i = images
        whole = S.starfm(i["fine_ref1"], i["coarse_ref1"], i["coarse_target"], i["fine_ref2"], i["coarse_ref2"],
                         window=window, engine="numpy")
    np.testing.assert_allclose(tile, whole, rtol=0, atol=1e-4)
    assert np.isfinite(tile).all()


def test_one_window_rule_with_a_true_message():
    for bad in (1, 4):
        with pytest.raises(LstFusionError, match=f"^WINDOW: window must be an odd number of pixels >= 3, not {bad}$"):
            M.check_param("estarfm", "WINDOW", bad)
    with pytest.raises(LstFusionError, match="^WINDOW: window must be an odd number of pixels >= 3, not 1$"):
        E.estarfm(*(np.ones((8, 8)),) * 5, window=1)
    assert M.check_param("starfm", "WINDOW", 3) == 3
    with pytest.raises(LstFusionError, match="^CLASSES: must be at least 1, not 0$"):
        M.check_param("starfm", "CLASSES", 0)
    with pytest.raises(LstFusionError, match="^METHOD: unknown method 'fsdaf2'"):
        M.get("fsdaf2")


def test_halo_rule_per_kind():
    assert M.halo("estarfm") == 25 and M.halo("starfm") == 15  # half the default windows 51 and 31
    assert M.halo("edcstfn", receptive_radius=8) == 16
    assert M.halo("swinstfm", receptive_radius=None) == M.MODEL_HALO


def test_fuse_image_is_the_core_function_bit_for_bit():
    """The table's generic whole-image path (what validation and the experiment use) equals estarfm()/starfm()."""
    i = scene(30)
    two = M.fuse_image("estarfm", i, engine="numpy", WINDOW=9)
    np.testing.assert_array_equal(two, E.estarfm(*(i[r] for r in M.TWO_PAIR_ROLES), window=9, engine="numpy"))
    one = {r: i[r] for r in M.ONE_PAIR_ROLES}
    np.testing.assert_array_equal(M.fuse_image("starfm", one, engine="numpy"),
                                  S.starfm(i["fine_ref1"], i["coarse_ref1"], i["coarse_target"], engine="numpy"))
    with pytest.raises(LstFusionError, match="^FINE_REF2: ESTARFM needs two reference pairs"):
        M.fuse_image("estarfm", one)
    assert M.id_of("STARFM") == "starfm" and M.id_of("MLFF-GAN") == "mlffgan"


@pytest.mark.parametrize("method_id", ["fitfc", "fsdaf"])
def test_appended_methods_run_tiled_from_the_table_as_their_core_function(method_id):
    """Fit-FC and FSDAF were added as a core module + one table entry: fuse_image with small tiles, through the
    entry's halo rule, tiling rule and FACTOR from the caller, equals the whole-image core function."""
    from lst_fusion.core.fusion import fitfc, fsdaf

    images = scene(n=40)
    m = M.get(method_id)
    assert M.enum_ids().index(method_id) > M.AUTO_POSITION  # appended after auto: saved indices keep meaning
    assert M.tile_size(method_id, 9, (40, 40), {"FACTOR": 4}) == (12 if method_id == "fitfc" else 40)
    params = {"WINDOW": 9, "SIMILAR_PIXELS": 5}
    one = {r: images[r] for r in M.ONE_PAIR_ROLES}
    with pytest.raises(LstFusionError, match="^FACTOR"):
        M.fuse_image(method_id, one, engine="numpy", tile=9, **params)
    tiled = M.fuse_image(method_id, one, engine="numpy", tile=9, factor=4, **params)
    core = fitfc.fitfc if method_id == "fitfc" else fsdaf.fsdaf
    whole = core(images["fine_ref1"], images["coarse_ref1"], images["coarse_target"], 4, window=9, similar=5,
                 engine="numpy")
    assert m.tiling in (M.COARSE, M.WHOLE)
    np.testing.assert_allclose(tiled, whole, rtol=0, atol=1e-5)
