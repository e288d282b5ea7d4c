"""One fold of the leave-one-date-out for a deep model: the model trained on every pair but the test date, and
its prediction of that date (lst_fusion.validation runs the folds; benchmarks/experiment.py too)."""
import time

from ..core.evaluation import protocol, validation
from ..core.platform.errors import LstFusionError
from ..models import registry
from . import training
from .predict import predict_array


def train_for_case(mid, pairs, case, epochs, device, size, patch_size, stride, cancel=None, log=print):
    """(checkpoint, model, info): ``mid`` trained on every pair but ``case.date`` (its Landsat in no role,
    :func:`core.evaluation.protocol.check_unseen`) - the one per-fold training of validate_methods and of
    benchmarks/experiment.py. A two-pair model with too few pairs for triplets takes the nearest pair in
    both roles; otherwise a series too short for the model raises its LstFusionError."""
    src = protocol.training_pairs(pairs, case)
    try:
        samples = training.pair_samples(src, mid)
    except LstFusionError:
        if "fine_ref2" not in registry.info(mid).inputs or len(src) < 2:
            raise
        samples = [dict(s, fine_ref2=s["fine_ref1"], coarse_ref2=s["coarse_ref1"], ref_dates=s["ref_dates"] * 2)
                   for s in training.pair_samples(src, "edcstfn")]
    protocol.check_unseen(samples, case.date)
    t = time.time()
    ckpt, rows = training.train(mid, samples, epochs=epochs, patch_size=patch_size, stride=stride, device=device,
                                val_dates=None, patience=max(3, epochs // 3), seed=0, size=size, cancel=cancel)
    model, _ = registry.build(mid, **ckpt["hparams"])
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    info = {"model": registry.info(mid).name, "test_date": case.date.isoformat(),
            "train_dates": " ".join(sorted({d.isoformat() for s in samples for d in protocol.sample_dates(s)})),
            "samples": len(samples), "patches": ckpt["summary"]["n_train_patches"],
            "val_patches": ckpt["summary"]["n_val_patches"], "epochs": len(rows), "seconds": round(time.time() - t, 1),
            "size": ckpt["hparams"]["size"]}
    log(f"  trained {info['model']} without {case.date}: {info['epochs']} epochs, {info['samples']} samples, "
        f"{info['patches']} patches, {info['seconds']:.0f} s (dates {info['train_dates']})")
    return ckpt, model, info


def deep_prediction(mid, ckpt, model, case, pairs, device, cancel):
    """The model's prediction of ``case.date`` from the reference pairs the series gives it (the one rule,
    core.evaluation.validation.case_images)."""
    return predict_array(ckpt, model, validation.case_images(case, pairs, mid), device=device, cancel=cancel)
