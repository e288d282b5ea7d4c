"""One table of input roles (core/data/roles.py), read by the registry, the algorithms and the dock."""
from lst_fusion.core.data import roles


def test_every_reader_takes_the_one_table(qgis_app):
    from lst_fusion.algorithms import base, conventions
    from lst_fusion.models import registry
    from lst_fusion.ui import methods

    assert registry.PARAMETER_OF_ROLE is roles.PARAMETER_OF_ROLE
    assert base.FUSION_ROLES == roles.PARAMETERS
    assert base.ROLE_DESCRIPTIONS == {r.parameter: r.description for r in roles.ROLES}
    assert {k: conventions.COMMON_HELP[k] for k in roles.BY_PARAMETER} == {r.parameter: r.help for r in roles.ROLES}
    assert {p for p, _, _ in methods.ROLES} == set(roles.BY_PARAMETER)
    assert all(label == roles.BY_PARAMETER[p].label for p, label, _ in methods.ROLES)
    # every model's inputs are roles of the table
    assert all(r in roles.PARAMETER_OF_ROLE for m in registry.model_ids() for r in registry.info(m).inputs)


def test_the_dock_asks_each_algorithm_for_its_inputs(provider):
    from lst_fusion.ui.methods import methods

    by_id = {m.alg_id: m.roles for m in methods()}
    assert set(by_id["lstfusion:estarfm"]) == set(roles.PARAMETERS)
    assert set(by_id["lstfusion:starfm"]) == {"FINE_REF1", "COARSE_REF1", "COARSE_TARGET"}  # pair 2 is optional
    assert set(by_id["lstfusion:predict_ganstfm"]) == {"COARSE_TARGET", "FINE_REF1"}
    # a model that takes two pairs asks for both
    assert set(by_id["lstfusion:predict_sttfn"]) == set(roles.PARAMETERS)
