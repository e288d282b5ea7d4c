"""How to install each optional Python package into QGIS's Python, on Debian/Ubuntu, Windows and macOS.

The one table the error messages, the algorithm help and the README (a test
compares them) read. Imports nothing of the project.
"""

# import name -> (pip requirement, Debian/Ubuntu package or None, what it is for)
PACKAGES = {
    "rasterio": ("rasterio", "python3-rasterio", "reading and writing rasters (all algorithms)"),
    "scipy": ("scipy", "python3-scipy", "gap filling, resampling, metrics"),
    "skimage": ("scikit-image", "python3-skimage", "SSIM in the evaluation"),
    "matplotlib": ("matplotlib", "python3-matplotlib", "figures of the HTML reports"),
    "sklearn": ("scikit-learn", "python3-sklearn", "thermal sharpening's regression tree (its DEPTH 0 runs without)"),
    "numba": ("numba", None, "about 10x faster ESTARFM/STARFM; optional"),
    "torch": ("torch==2.13.0", None, "the deep-learning algorithms; the CPU build"),
    "pystac_client": ("pystac-client==0.9.1", None, "searching STAC APIs (search_download); optional"),
}

PLATFORMS = ("Debian/Ubuntu", "Windows", "macOS")
# where to type the command on each platform
WHERE = {
    "Debian/Ubuntu": "a terminal",
    "Windows": "OSGeo4W Shell, from the Start menu",
    "macOS": "QGIS's bundled Python; QGIS-LTR.app for the LTR build",
}
# GDAL's HDF4 driver (MOD11A1 .hdf granules) is part of GDAL, not a Python package
HDF4_HINT = "is the GDAL HDF4 driver installed? Debian: apt install libgdal-hdf4 / gdal-bin"
MACOS_PYTHON = "/Applications/QGIS.app/Contents/MacOS/bin/python3"
MACOS_LTR_PYTHON = "/Applications/QGIS-LTR.app/Contents/MacOS/bin/python3"
# QGIS 3.44 LTR (Python 3.12/3.13, numpy 2): the same commands, run where each platform's 3.44 lives; the pins
# above have wheels for it (make test-ltr installs them on Debian 13's QGIS 3.44.16 from trixie-backports, Python
# 3.13, numpy 2.2)
QGIS_LTR = {
    "Debian/Ubuntu": "Debian 13 with trixie-backports (apt install -t trixie-backports qgis python3-qgis), or Ubuntu "
                     "with qgis.org's ubuntu-ltr repository: the commands above; numpy stays the distribution's "
                     "python3-numpy",
    "Windows": "OSGeo4W's qgis-ltr package: the commands above in its OSGeo4W Shell",
    "macOS": f"QGIS-LTR.app: {MACOS_LTR_PYTHON} instead of QGIS.app's python3",
}


def _spec(name):
    return PACKAGES.get(name, (name, None, ""))


def commands(name):
    """{platform: command} that installs the package ``name`` (import name) into QGIS's Python."""
    pip, deb, _ = _spec(name)
    return {
        # Debian 12 marks its Python as externally managed: pip needs --break-system-packages for --user
        "Debian/Ubuntu": f"apt install {deb}" if deb else
        f"python3 -m pip install --user --break-system-packages {pip}",
        "Windows": f"python -m pip install {pip}",
        "macOS": f"{MACOS_PYTHON} -m pip install --user {pip}",
    }


def how_to_install(name):
    """'on Debian/Ubuntu: ...; on Windows (OSGeo4W Shell): ...; on macOS (QGIS's bundled Python): ...'"""
    c = commands(name)
    return (f"on Debian/Ubuntu: {c['Debian/Ubuntu']}; on Windows, in the OSGeo4W Shell: {c['Windows']}; "
            f"on macOS: {c['macOS']}")


def missing(name, what=None):
    """One sentence: the package is missing, what needs it, and how to install it on each platform."""
    pip, _, purpose = _spec(name)
    label = {"torch": "PyTorch"}.get(name, f"the Python package '{pip.split('==')[0]}'")
    need = what or purpose
    return (f"{label[0].upper() + label[1:]} is not installed in QGIS's Python" + (f" (for {need})" if need else "")
            + f": install it {how_to_install(name)}; then restart QGIS")


def markdown_table():
    """The README's install table (between ``<!-- INSTALL_TABLE_START/END -->``; a test compares)."""
    head = "| package | needed for | " + " | ".join(f"{p} ({WHERE[p]})" for p in PLATFORMS) + " |"
    rows = [head, "|---|---|" + "---|" * len(PLATFORMS)]
    for name, (_, _, purpose) in PACKAGES.items():
        c = commands(name)
        rows.append(f"| {name} | {purpose} | " + " | ".join(f"`{c[p]}`" for p in PLATFORMS) + " |")
    rows.append("| QGIS 3.44 LTR | all of the above | " + " | ".join(QGIS_LTR[p] for p in PLATFORMS) + " |")
    return "\n".join(rows)
