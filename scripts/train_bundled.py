"""Train the small checkpoints shipped in lst_fusion/resources/checkpoints/.

Data: the bundled real sample (ubESTARFM test data, Landsat/MODIS LST, 2016-02-05
and 2016-03-08 pairs, 400x400 px at 0.001 deg), in degC.  Spatial hold-out:
training uses only the northern half (rows 0-199) in both directions
(0205 -> 0308 and 0308 -> 0205); the southern half (rows 200-399) is never
seen and is where `make demo` scores the models.  With only two pairs STTFN is
trained with the same pair as both of its references.

    .venv/bin/python scripts/train_bundled.py [model ...]
"""
import glob
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lst_fusion.core.data.io import read_raster  # noqa: E402
from lst_fusion.deep import training  # noqa: E402
from lst_fusion.deep.checkpoint import save_checkpoint  # noqa: E402
from lst_fusion.models import registry  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lst_fusion", "resources")
NORTH = slice(0, 200)
EPOCHS = {"edcstfn": 40, "sttfn": 40, "mlffgan": 25, "ganstfm": 30, "swinstfm": 30}


def load():
    def dated(pattern):
        from lst_fusion.core.data.dates import parse_date

        return {parse_date(p): read_raster(p).data[NORTH] - 273.15 for p in sorted(glob.glob(pattern))}

    lan = dated(os.path.join(ROOT, "sample", "landsat", "*.tif"))
    mod = dated(os.path.join(ROOT, "sample", "modis", "*.tif"))
    return {d: (lan[d], mod[d]) for d in lan if d in mod}


def samples_for(model_id, pairs):
    d1, d2 = sorted(pairs)
    out = []
    for tgt, ref in ((d2, d1), (d1, d2)):
        s = {"date": tgt, "fine_target": pairs[tgt][0], "coarse_target": pairs[tgt][1],
             "fine_ref1": pairs[ref][0], "coarse_ref1": pairs[ref][1]}
        if model_id == "sttfn":
            s.update(fine_ref2=pairs[ref][0], coarse_ref2=pairs[ref][1])
        out.append(s)
    return out


def main(ids):
    pairs = load()
    for mid in ids:
        t0 = time.time()
        ckpt, rows = training.train(mid, samples_for(mid, pairs), epochs=EPOCHS[mid], batch_size=16,
                                    patch_size=48, stride=16, device="cpu", seed=0, val_dates=set(),
                                    patience=8, size="small")
        ckpt["summary"]["trained_on"] = ("bundled sample (ubESTARFM test data), northern half rows 0-199, "
                                         "pairs 2016-02-05 and 2016-03-08 in both directions")
        path = save_checkpoint(ckpt, os.path.join(ROOT, "checkpoints", f"{mid}.pt"))
        print(f"{mid}: {len(rows)} epochs, final train loss {rows[-1]['train_loss']:.4f}, "
              f"{time.time() - t0:.0f} s -> {path} ({os.path.getsize(path) / 1e6:.1f} MB)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or registry.model_ids())
