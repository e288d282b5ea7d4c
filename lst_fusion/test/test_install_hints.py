"""Install hints live in one table (core/platform/install_hints.py) that the messages and the README share."""
import os
import re

from lst_fusion.core.platform import install_hints

from .conftest import REPO


def test_each_message_gives_the_command_for_every_platform():
    msg = install_hints.missing("torch")
    assert msg.startswith("PyTorch is not installed in QGIS's Python (for the deep-learning algorithms")
    assert "python3 -m pip install --user --break-system-packages torch==2.13.0" in msg  # Debian 12 (PEP 668)
    assert "OSGeo4W Shell: python -m pip install torch==2.13.0" in msg
    assert "/Applications/QGIS.app/Contents/MacOS/bin/python3 -m pip install --user torch==2.13.0" in msg
    assert msg.endswith("then restart QGIS")
    scipy = install_hints.missing("scipy")
    assert "Debian/Ubuntu: apt install python3-scipy;" in scipy and "python -m pip install scipy;" in scipy
    assert "pip install scikit-image" in install_hints.missing("skimage")  # import name != pip name


def test_messages_of_the_plugin_come_from_the_table():
    from lst_fusion.algorithms.base import missing_package_message
    from lst_fusion.core.fusion.kernels import NUMBA_HINT
    from lst_fusion.models.registry import TORCH_HINT

    assert TORCH_HINT == install_hints.missing("torch")
    assert missing_package_message(ModuleNotFoundError("x", name="torch")) == TORCH_HINT
    assert missing_package_message(ModuleNotFoundError("x", name="rasterio.env")) == install_hints.missing("rasterio")
    assert install_hints.how_to_install("numba") in NUMBA_HINT


def test_no_other_module_spells_an_install_command():
    offenders = []
    for d, _, files in os.walk(os.path.join(REPO, "lst_fusion")):
        for f in files:
            path = os.path.join(d, f)
            if not f.endswith(".py") or f == "install_hints.py" or os.sep + "test" + os.sep in path:
                continue
            with open(path, encoding="utf-8") as fh:
                if re.search(r"pip install|apt install|apt-get install", fh.read()):
                    offenders.append(os.path.relpath(path, REPO))
    assert offenders == []


def test_readme_table_is_the_table():
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    block = readme.split("<!-- INSTALL_TABLE_START -->\n")[1].split("\n<!-- INSTALL_TABLE_END -->")[0]
    assert block == install_hints.markdown_table()


def test_the_table_has_a_row_for_the_qgis_ltr_on_every_platform():
    last = install_hints.markdown_table().splitlines()[-1].split(" | ")
    assert last[0] == "| QGIS 3.44 LTR" and len(last) == 2 + len(install_hints.PLATFORMS)
    assert "Debian 13 with trixie-backports (apt install -t trixie-backports qgis python3-qgis)" in last[2]
    assert "qgis-ltr" in last[3] and "/Applications/QGIS-LTR.app/Contents/MacOS/bin/python3" in last[4]
