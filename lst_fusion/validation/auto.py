"""fuse_series' METHOD=auto: auto's rule (core.evaluation.protocol) on the series' own pairs, over the classical
candidates of the method table (core.evaluation.validation)."""
import time

from ..core.evaluation import protocol, validation
from ..core.fusion import methods as fusion_methods

RESIDUAL_OF_VARIANT = {"as is": "none", "+SM": "scene mean", "+RC": "MODIS footprint"}


def choose_for_series(pairs, block, quantity="lst", log=print, rule=None):
    """fuse_series' METHOD=auto: auto's rule on the series' own pairs (a leave-one-date-out of the classical
    candidates (each method with each pair rule it can run with), their variants, MODIS resampled and the best
    candidate shrunk towards MODIS, over every pair held out in turn (protocol.inner_cases); a tie to the cheaper).
    Returns (method id, pair rule, residual-correction mode, w, tag text): the series runs exactly that
    candidate, shrunk towards MODIS with ``w`` (1: not shrunk; ``modis``: no method beats MODIS); the documented
    default where the series has fewer than ``protocol.MIN_INNER_FOLDS`` pairs (as in :func:`protocol.choose`).
    ``rule``: the sample's (core.evaluation.sample.Rule; its RULE when None): above ``rule.budget`` px the choice is
    made on a sample of tiles, the same code and sample as validate_methods' auto row."""
    need = protocol.MIN_CHOICE_PAIRS
    if len(pairs) < need:
        m, v = protocol.DEFAULT_CHOICE
        tag = (f"METHOD=auto: {protocol.label((m, v))} (fallback: only {len(pairs)} pair(s), too few for a "
               f"leave-one-date-out (at least {need} needed); the documented default)")
        log(tag)
        return (*fusion_methods.parse_candidate(m), RESIDUAL_OF_VARIANT[v], 1.0, tag)
    # a candidate that cannot run here (e.g. thermal sharpening without scikit-learn) is left out of its folds,
    # and pick() chooses among the candidates of every fold; the choice is protocol.choose's, on its sample of
    # tiles (core.evaluation.sample: above sample.RULE.budget px), as validate_methods' auto row
    failed, seconds = {}, {}

    def candidates(case, some):
        return validation.classical_candidates(case, some, block, quantity, failed=failed, seconds=seconds)

    start = time.perf_counter()
    choice = protocol.choose(pairs, None, candidates, k=1, block=block, rule=rule)
    cases = choice.inner_dates
    for name, why in failed.items():
        log(f"METHOD=auto: {name} left out of the choice: it cannot run on these images ({why})")
    log(f"METHOD=auto: its leave-one-date-out took {time.perf_counter() - start:.1f} s before the series "
        f"({len(cases)} fold(s), {choice.sample}; "
        + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(seconds.items(), key=lambda kv: -kv[1])) + ")")
    log(f"METHOD=auto over {len(cases)} test date(s) ({', '.join(str(d) for d in cases)}), {choice.sample}:")
    for r in choice.table:
        log(f"  {r['candidate']}: mean RMSE {r['RMSE']:.3f} over {r['dates']} date(s)")
    tag = choice.tag()
    log(tag)
    key, w = choice.key, choice.w
    if choice.is_modis:
        return fusion_methods.BASELINE, fusion_methods.ONE, "none", 1.0, tag
    return (*fusion_methods.parse_candidate(key[0]), RESIDUAL_OF_VARIANT[key[1]], w, tag)


def choose_for_inputs(dataset, modis, landsat, coarse_pixel, quantity="lst", log=print, rule=None, **align):
    """:func:`choose_for_series` on the pairs of ``dataset`` (an align_pairs folder) or of the ``modis`` and
    ``landsat`` rasters aligned (``align``: core.data.pairing.align_pairs' options) into a temporary folder;
    the residual block is the MODIS footprint of ``coarse_pixel`` m on the pairs' grid; ``rule``: the sample's
    (:func:`choose_for_series`)."""
    import tempfile

    from ..core.data.io import read_raster
    from ..core.data.pairing import read_index
    from ..core.fusion.residual import footprint_pixels
    from .inputs import series_dataset

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lstfusion_auto_") as tmp:
        def into(align_into):
            align_into(tmp)
            return tmp

        if not dataset and modis and landsat:  # the choice reads pairs only: the other days' MODIS are not aligned
            modis, align = pair_days_modis(modis, landsat, align)
        dataset = series_dataset(dataset, modis, landsat, into, **align)
        rows = [r for r in read_index(dataset) if r["status"] == "pair"]
        pairs = {r["date"]: (read_raster(r["landsat"]).data, read_raster(r["modis"]).data) for r in rows}
        grid = read_raster(rows[0]["landsat"]).grid if rows else None
        block = footprint_pixels(grid, coarse_pixel) if grid else 33
        log(f"METHOD=auto: {len(pairs)} pair(s) read in {time.perf_counter() - start:.1f} s")
        out = choose_for_series(pairs, block, quantity, log=log, rule=rule)
        log(f"METHOD=auto: the choice took {time.perf_counter() - start:.1f} s in all, before the series")
        return out


def pair_days_modis(modis, landsat, align):
    """(modis, align) with only the coarse rasters of days that have a Landsat raster (a folder or a list;
    ``align``'s ``modis_names`` kept beside them): the choice reads the same-day pairs only, and aligning a
    season's other MODIS days onto the 30 m grid cost a third of its time at 4 MP (docs/performance.md)."""
    from ..core.data.gapfill import is_marker
    from ..core.data.pairing import list_rasters, raster_date

    days = set(list_rasters(landsat, "LANDSAT", align.get("landsat_names")))
    names = align.get("modis_names")
    if isinstance(modis, (list, tuple)):
        given = list(zip(modis, list(names) if names else [None] * len(modis)))
    else:
        given = [(p, None) for by_source in list_rasters(modis, "MODIS", by_source=True).values()
                 for p in by_source.values()]
    kept = [(p, n) for p, n in given if not is_marker(str(p)) and raster_date(str(p), "MODIS", n) in days]
    if not kept:  # no same-day pair: align_pairs says so in its own sentence
        return modis, align
    return [p for p, _ in kept], dict(align, modis_names=[n for _, n in kept] if names else None)
