"""The one table of fusion input roles, read by the registry, the algorithms and the dock.

Each role has its model-side name (what a network's ``forward`` receives), its
Processing parameter name (one name for one thing in code, parameters and docs),
the dock's short label, the parameter's description and its help sentence.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    role: str
    parameter: str
    label: str
    description: str
    help: str


ROLES = (
    Role("fine_ref1", "FINE_REF1", "Landsat ref 1", "Fine (Landsat) LST, reference pair 1",
         "Fine (Landsat) LST of the first reference date."),
    Role("coarse_ref1", "COARSE_REF1", "MODIS ref 1", "Coarse (MODIS) LST, reference pair 1",
         "Coarse (MODIS) LST of the first reference date, on the same grid as FINE_REF1."),
    Role("fine_ref2", "FINE_REF2", "Landsat ref 2", "Fine (Landsat) LST, reference pair 2",
         "Fine (Landsat) LST of the second reference date (after the target for ESTARFM)."),
    Role("coarse_ref2", "COARSE_REF2", "MODIS ref 2", "Coarse (MODIS) LST, reference pair 2",
         "Coarse (MODIS) LST of the second reference date, on the same grid."),
    Role("coarse_target", "COARSE_TARGET", "MODIS target", "Coarse (MODIS) LST at the target date",
         "Coarse (MODIS) LST of the date to predict, resampled onto the fine grid (lstfusion:resample)."),
)
BY_PARAMETER = {r.parameter: r for r in ROLES}
PARAMETER_OF_ROLE = {r.role: r.parameter for r in ROLES}
PARAMETERS = [r.parameter for r in ROLES]  # the classical methods' input order
# the inputs of a method with one reference pair and with two, in the order methods and models receive them
ONE_PAIR_ROLES = ("fine_ref1", "coarse_ref1", "coarse_target")
TWO_PAIR_ROLES = ("fine_ref1", "coarse_ref1", "fine_ref2", "coarse_ref2", "coarse_target")
