"""The methods the panel offers: ``methods()`` is the one list every section reads.

Fusion runs a method's own algorithm (``alg_id``, with the input roles that algorithm requires), Series
passes ``series_index`` (fuse_series' METHOD enum), Validate passes ``validate_index`` (validate_methods'
METHODS enum). The indices are looked up in those algorithms' own option lists, so the panel never
numbers a method itself.
"""
from collections import namedtuple

from qgis.core import QgsApplication

from ..algorithms import names as P
from ..algorithms import qgis_enums
from ..algorithms.fuse_series import AUTO_LABEL
from ..algorithms.fuse_series import method_options as series_options
from ..algorithms.predict_model import predict_class
from ..algorithms.validate_methods import method_options as validate_options
from ..core.data.roles import BY_PARAMETER
from ..core.fusion import methods as fusion_methods
from ..models import registry
from .ids import alg_id

# (parameter, label, tooltip) from the one role table (core/data/roles.py), in the panel's order
FUSION_ORDER = (P.COARSE_TARGET, P.FINE_REF1, P.COARSE_REF1, P.FINE_REF2, P.COARSE_REF2)
ROLES = [(p, BY_PARAMETER[p].label, BY_PARAMETER[p].help) for p in FUSION_ORDER]
# both pairs required: the method interpolates between a pair before and a pair after the target
TWO_PAIRS = frozenset((P.FINE_REF1, P.COARSE_REF1, P.FINE_REF2, P.COARSE_REF2))

Method = namedtuple("Method", "label key alg_id roles series_index validate_index classical")
Method.__doc__ = ("label: shown and written in file names; key: validate_methods' id; alg_id: its fusion algorithm; "
                  "roles: the inputs that algorithm requires; series_index / validate_index: its place in fuse_series' "
                  "METHOD and validate_methods' METHODS (None when not offered there); classical: not a deep model")


def required_roles(algorithm, fallback):
    """The input-role parameters an algorithm requires, asked of the Processing registry (its own
    parameter definitions), in their order; ``fallback`` when the provider is not registered."""
    alg = QgsApplication.processingRegistry().algorithmById(algorithm)
    if alg is None:
        return list(fallback)
    return [d.name() for d in alg.parameterDefinitions()
            if d.name() in BY_PARAMETER and not d.flags() & qgis_enums.PARAMETER_OPTIONAL]


def _index(options, value):
    return options.index(value) if value in options else None


def methods():
    """Every fusion method the panel offers (a :data:`Method` each), from the one method table
    (core/fusion/methods.py) in its order: ESTARFM, STARFM, the deep models, then any method appended."""
    series = series_options()
    validate = [key for _, key in validate_options()]
    entries = []
    for m in fusion_methods.METHODS:
        if not m.fusion:  # MODIS resampled: a baseline, not a method to run on one date
            continue
        if m.classical:
            fallback = FUSION_ORDER if m.pair_mode == fusion_methods.TWO else FUSION_ORDER[:3]
            entries.append((m.label, m.label, alg_id(m.id), fallback, True))
        else:
            entries.append((m.label, m.id, alg_id(predict_class(m.model).ALG_ID),
                            [registry.PARAMETER_OF_ROLE[r] for r in registry.info(m.model).inputs], False))
    return [Method(label, key, aid, required_roles(aid, fallback), _index(series, label), _index(validate, key),
                   classical) for label, key, aid, fallback, classical in entries]


def series_choices():
    """(label, METHOD index) of fuse_series in its enum's order: the methods, with ``auto`` where it sits."""
    baselines = [(series_options().index(m.label), m.label) for m in fusion_methods.METHODS if m.baseline]
    offered = sorted([(m.series_index, m.label) for m in methods() if m.series_index is not None]
                     + [(series_choices_auto_index(), AUTO_LABEL)] + baselines)  # MODIS resampled: auto's "no"
    return [(label, i) for i, label in offered]


def by_label(label):
    """The method shown as ``label`` (e.g. validate_methods' RECOMMENDED_METHOD), or None."""
    return next((m for m in methods() if m.label == label), None)


def series_choices_auto_index():
    """fuse_series' METHOD index of ``auto``, its default."""
    return series_options().index(AUTO_LABEL)
