"""Run inside QGIS desktop (qgis --code): check the plugin is active, open the
panel with sample layers, save a screenshot, then quit.  Used by desktop_check.sh.

With ../shared/data/kranj: the Series section on Kranj (docs/temporal_controller.png).
With ../shared/data/ranchi: the Download section's Search against a local STAC API
(lst_fusion/test/stac_server.py, in this QGIS process) serving the Ranchi items
(docs/download.png); then the Validate section on the raw Ranchi files, classical methods
(docs/validate.png, and the HTML report rendered with QtWebKit: docs/validate_report.png)."""
import glob
import importlib.util
import os

from qgis.core import QgsApplication, QgsProject, QgsRasterLayer, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication
from qgis.utils import active_plugins, iface, plugins

from lst_fusion.algorithms import qgis_enums

OUT = os.environ.get("LSTFUSION_CHECK_OUT", "/tmp/lstfusion_desktop")
os.makedirs(OUT, exist_ok=True)
# docs/temporal_controller.png and docs/download.png go here (test_ltr.sh desktop: a build folder, not docs/)
DOCS = os.environ.get("LSTFUSION_DOCS_OUT", os.path.join(os.environ["LSTFUSION_REPO"], "docs"))
os.makedirs(DOCS, exist_ok=True)
_log = open(os.path.join(OUT, "qgis.log"), "w")


def _record(message, tag, level):
    _log.write(f"[{tag}] {int(level)} {message}\n")
    _log.flush()


QgsApplication.messageLog().messageReceived.connect(_record)
status = [f"active plugins: {active_plugins}"]
plugin = plugins.get("lst_fusion")
status.append(f"lst_fusion loaded: {plugin is not None}")
sample = os.path.join(os.environ["LSTFUSION_REPO"], "lst_fusion", "resources", "sample")
for f in sorted(glob.glob(os.path.join(sample, "*", "*.tif"))):
    QgsProject.instance().addMapLayer(QgsRasterLayer(f, os.path.splitext(os.path.basename(f))[0]))
# the whole Xvfb screen for the window, as a maximised QGIS (the panel's sections scroll inside it)
iface.mainWindow().setGeometry(QApplication.primaryScreen().availableGeometry())
if plugin is not None:
    plugin.action.setChecked(True)
    dock = plugin.dock
    names = {lyr.name(): lyr for lyr in QgsProject.instance().mapLayers().values()}
    dock.fusion.method.setCurrentIndex(dock.fusion.method.findText("STARFM"))
    for role, name in (("COARSE_TARGET", "MOD11A1_LST_cloudrm_20160308"), ("FINE_REF1", "Landsat_LST_cloudrm_20160205"),
                       ("COARSE_REF1", "MOD11A1_LST_cloudrm_20160205")):
        dock.fusion.combos[role].setLayer(names.get(name))
    dock.fusion.output.setFilePath(os.path.join(OUT, "STARFM_20160308.tif"))
    status.append(f"dock visible: {dock.isVisible()}; warnings: {dock.fusion.validate()}")
    dock.fusion.run()
with open(os.path.join(OUT, "status.txt"), "w") as fh:
    fh.write("\n".join(status) + "\n")


def after_task(step):
    """Run ``step`` once the dock's background task has finished (asked every 500 ms)."""
    if plugin.dock.task is not None:
        QTimer.singleShot(500, lambda: after_task(step))
        return
    step()


def evaluate():
    if plugin is None:
        return
    after_task(evaluate_now)


def evaluate_now():
    dock = plugin.dock
    engine = [line for line in dock.runner.feedback.textLog().splitlines() if line.startswith("window sums")]
    with open(os.path.join(OUT, "status.txt"), "a") as fh:
        fh.write(f"STARFM log: {engine[0] if engine else 'no engine line'}\n")
    zones = QgsVectorLayer(os.path.join(sample, "subregions.geojson"), "subregions", "ogr")
    from lst_fusion.ui.evaluation import outline_style

    outline_style(zones)
    QgsProject.instance().addMapLayer(zones)
    dock.evaluation.reference.setLayer(QgsProject.instance().mapLayersByName("Landsat_LST_cloudrm_20160308")[0])
    dock.evaluation.regions.setLayer(zones)
    dock.evaluation.name_field.setField("name")
    dock.evaluation.evaluate()
    QTimer.singleShot(500, lambda: after_task(wait_then_shoot))


def wait_then_shoot():
    with open(os.path.join(OUT, "status.txt"), "a") as fh:
        fh.write(f"run: {plugin.dock.evaluation.status.text()}\n")
    for lyr in QgsProject.instance().mapLayers().values():
        if lyr.name() != "STARFM 2016-03-08" and lyr.name() != "subregions":  # the fused layer: method and date
            QgsProject.instance().layerTreeRoot().findLayer(lyr.id()).setItemVisibilityChecked(False)
    QTimer.singleShot(2000, shoot)


def shoot():
    iface.mainWindow().grab().save(os.path.join(OUT, "qgis_window.png"))
    if plugin is not None:
        plugin.dock.grab().save(os.path.join(OUT, "dock.png"))
    if LOCALE and plugin is not None:
        shoot_sections()
        return
    QgsProject.instance().removeAllMapLayers()
    series()


# LSTFUSION_LOCALE (desktop_check.sh --locale fr): QGIS runs in that locale; the panel at the width QGIS gives it is
# saved as docs/panel_<locale>.png (Fusion and Evaluation, after their runs), panel_<locale>_download.png and
# panel_<locale>_series.png (the sections below, scrolled to), then QGIS quits (no Series, Download or Validate run)
LOCALE = os.environ.get("LSTFUSION_LOCALE", "")
SECTION_SHOTS = (("", None), ("_download", "download"), ("_series", "series"))


def shoot_sections(k=0):
    dock = plugin.dock
    suffix, section = SECTION_SHOTS[k]
    dock.scroll.verticalScrollBar().setValue(getattr(dock, section).y() if section else 0)
    QTimer.singleShot(1000, lambda: save_section(k))


def save_section(k):
    dock = plugin.dock
    path = os.path.join(DOCS, f"panel_{LOCALE}{SECTION_SHOTS[k][0]}.png")
    ok = dock.grab().save(path)
    with open(os.path.join(OUT, "status.txt"), "a") as fh:
        fh.write(f"panel screenshot: {path if ok else 'not saved'} ({dock.width()} x {dock.height()} px; "
                 f"sections {[s.title() for s in dock.sections]})\n")
    if k + 1 < len(SECTION_SHOTS):
        shoot_sections(k + 1)
    else:
        finish()


KRANJ = os.path.join(os.environ["LSTFUSION_REPO"], "..", "shared", "data", "kranj")


def series():
    """The dock's Series section on the Kranj data (when present): MODIS folder, Landsat 068 and 093 only."""
    if plugin is None or not os.path.isdir(KRANJ):
        with open(os.path.join(OUT, "status.txt"), "a") as fh:
            fh.write(f"series: skipped ({KRANJ} not present)\n")
        download()
        return
    dock = plugin.dock
    dock.series.modis.setFilePath(os.path.join(KRANJ, "modis", "filled"))
    dock.series.landsat.setFilePath(os.path.join(KRANJ, "landsat", "filled"))
    dock.series.set_method("ESTARFM", "none")
    from lst_fusion.ui.widgets import set_date

    set_date(dock.series.start_date, "2020-03-08")
    set_date(dock.series.end_date, "2020-04-02")
    dock.series.output.setFilePath(os.path.join(OUT, "series"))
    _, params = dock.series.parameters()
    # the section lists whole folders; the check keeps Landsat 077 and 100 out and reads band 4 reflectance
    landsat = [p for p in params["LANDSAT"] if os.path.basename(p).startswith(("2020068", "2020093"))]
    task = dock.series.run_series({"LANDSAT": landsat, "MODIS_BAND": 4, "LANDSAT_BAND": 4, "LANDSAT_SCALE": 1e-4,
                            "QUANTITY": 1})
    with open(os.path.join(OUT, "status.txt"), "a") as fh:
        fh.write(f"series started: {task is not None}; {len(params['MODIS'])} MODIS, {len(landsat)} Landsat\n")
    QTimer.singleShot(500, lambda: after_task(wait_series))


def wait_series():
    dock = plugin.dock
    from qgis.core import QgsDateTimeRange, QgsInterval
    from qgis.PyQt.QtWidgets import QDockWidget

    group = next((g for g in QgsProject.instance().layerTreeRoot().children()
                  if g.name().startswith(("LST ", "Reflectance "))), None)  # Kranj is reflectance (issue 43)
    layers = [n.layer() for n in group.findLayers()] if group is not None else []
    with open(os.path.join(OUT, "status.txt"), "a") as fh:
        fh.write(f"series: {dock.series.status.text()}\n")
        fh.write(f"series group: {group.name() if group else None}; {len(layers)} layers; temporal: "
                 f"{sum(lyr.temporalProperties().isActive() for lyr in layers)}\n")
    if layers:
        QgsProject.instance().setCrs(layers[0].crs())
        iface.mapCanvas().setExtent(layers[0].extent())
        ranges = [lyr.temporalProperties().fixedTemporalRange() for lyr in layers]
        nav = iface.mapCanvas().temporalController()
        nav.setTemporalExtents(QgsDateTimeRange(ranges[0].begin(), ranges[-1].end()))
        nav.setFrameDuration(QgsInterval(1, qgis_enums.TEMPORAL_DAYS))  # one day a frame
        nav.setNavigationMode(qgis_enums.NAVIGATION_ANIMATED)
        nav.setCurrentFrameNumber(9)  # 2020-03-17
    docks = iface.mainWindow().findChildren(QDockWidget)
    panel = iface.mainWindow().findChild(QDockWidget, "TemporalControllerDock") or next(
        (d for d in docks if "temporal" in (d.objectName() + d.windowTitle()).lower()), None)
    if panel is not None:
        panel.setVisible(True)
        panel.raise_()
    else:
        with open(os.path.join(OUT, "status.txt"), "a") as fh:
            fh.write(f"dock widgets: {[(d.objectName(), d.windowTitle()) for d in docks]}\n")
    with open(os.path.join(OUT, "status.txt"), "a") as fh:
        fh.write(f"temporal controller panel: {panel is not None and panel.isVisible()}\n")
    dock.scroll.ensureWidgetVisible(dock.series.run_button)  # the panel shows the section that ran
    QTimer.singleShot(3000, shoot_series)


def shoot_series():
    path = os.path.join(DOCS, "temporal_controller.png")
    ok = iface.mainWindow().grab().save(path)
    with open(os.path.join(OUT, "status.txt"), "a") as fh:
        fh.write(f"temporal controller screenshot: {path if ok else 'not saved'}\n")
    download()


REPO = os.environ["LSTFUSION_REPO"]
stac_server = None  # the local STAC API of the Download check


def _test_module(name):
    """A module of lst_fusion/test by its path: the installed plugin (the zip) ships no tests."""
    spec = importlib.util.spec_from_file_location(f"lstfusion_check_{name}",
                                                  os.path.join(REPO, "lst_fusion", "test", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _note_resource_warning(message, category, filename, lineno, file=None, line=None, _qgis=None):
    """ResourceWarnings go to status.txt as notes, not to QGIS's warning log (whose "traceback:" lines the shell
    script counts as Python errors): a library that leaves an HTTP session to the garbage collector makes Python
    warn "unclosed <socket ...>" at a random later line (core/data/stac.py closes pystac-client's own)."""
    if issubclass(category, ResourceWarning):
        with open(os.path.join(OUT, "status.txt"), "a") as fh:
            fh.write(f"resource warning (not an error): {os.path.basename(filename)}:{lineno}: {message}\n")
        return None
    return _qgis(message, category, filename, lineno, file, line)


def download():
    """The dock's Download section: Search on a local STAC API serving the Ranchi items (when the data is present)."""
    global stac_server
    import functools
    import warnings

    warnings.showwarning = functools.partial(_note_resource_warning, _qgis=warnings.showwarning)
    stac_data = _test_module("stac_data")
    if plugin is None or not stac_data.have_ranchi():
        with open(os.path.join(OUT, "status.txt"), "a") as fh:
            fh.write(f"download: skipped ({stac_data.RANCHI} not present)\n")
        validate()
        return
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle
    from qgis.PyQt.QtCore import QDate

    stac_server = stac_data.start_ranchi_server(os.path.join(OUT, "stac_cogs"),  # signed URLs, as on PC
                                                server_class=_test_module("stac_server").StacServer)
    x0, y0, x1, y1 = stac_data.inner_box(stac_server.landsat_bbox)  # the middle half of the Landsat scene
    from qgis.PyQt.QtWidgets import QDockWidget

    for other in iface.mainWindow().findChildren(QDockWidget):  # the Temporal Controller closed: the panel's height
        if "temporal" in (other.objectName() + other.windowTitle()).lower():
            other.setVisible(False)
    dock = plugin.dock
    dock.download.aoi_layer.setLayer(None)
    dock.download.set_download_extent(QgsRectangle(x0, y0, x1, y1), QgsCoordinateReferenceSystem("EPSG:4326"))
    dock.download.start_date.setDate(QDate(2023, 1, 1))
    dock.download.end_date.setDate(QDate(2025, 12, 31))
    dock.download.stac_url.setText(stac_server.url)
    dock.download.token_url.setText(stac_server.url + "/token")
    dock.download.folder.setFilePath(os.path.join(OUT, "download"))
    with open(os.path.join(OUT, "status.txt"), "a") as fh:
        fh.write(f"download section: {dock.download.validate() or 'complete'}; search enabled: "
                 f"{dock.download.search_button.isEnabled()}\n")
    dock.download.search_button.click()
    QTimer.singleShot(500, lambda: after_task(wait_download))


def wait_download():
    dock = plugin.dock
    table = dock.download.table
    rasters = glob.glob(os.path.join(OUT, "download", "*", "*.tif"))
    with open(os.path.join(OUT, "status.txt"), "a") as fh:
        fh.write(f"download: {dock.download.status.text()}\n")
        fh.write(f"download table: {table.rowCount()} rows; rasters written by the search: {len(rasters)}\n")
        for i in range(table.rowCount()):
            fh.write("  " + " | ".join(table.item(i, j).text() for j in range(table.columnCount())) + "\n")
    # the Download section at the top of the dock's scroll area
    dock.scroll.verticalScrollBar().setValue(dock.download.y() - 6)
    QTimer.singleShot(1500, shoot_download)


def shoot_download():
    path = os.path.join(DOCS, "download.png")
    ok = plugin.dock.grab().save(path)
    iface.mainWindow().grab().save(os.path.join(OUT, "qgis_window_download.png"))
    with open(os.path.join(OUT, "status.txt"), "a") as fh:
        fh.write(f"download screenshot: {path if ok else 'not saved'}\n")
    validate()


RANCHI = os.path.join(REPO, "..", "shared", "data", "ranchi")
report_page = None  # the QWebPage rendering the validation report


def _status(line):
    with open(os.path.join(OUT, "status.txt"), "a") as fh:
        fh.write(line + "\n")


def validate():
    """The dock's Validate section on the raw Ranchi files (4 pairs, 2 test dates) through the Series section's
    folders, classical methods only; then "Use recommendation"."""
    if plugin is None or not os.path.isdir(os.path.join(RANCHI, "landsat8")):
        _status(f"validate: skipped ({RANCHI} not present)")
        finish()
        return
    dock = plugin.dock
    dock.series.modis.setFilePath(os.path.join(RANCHI, "modis"))
    dock.series.landsat.setFilePath(os.path.join(RANCHI, "landsat8"))
    dock.series.set_method("ESTARFM", "none")
    section = dock.validation
    section.use_series.setChecked(True)
    for check, method in section.method_checks.values():
        check.setChecked(method.classical)
    section.output.setFilePath(os.path.join(OUT, "validate"))
    _status(f"validate started: {section.run() is not None}; methods {[m.label for m in section.chosen()]}")
    QTimer.singleShot(500, lambda: after_task(wait_validate))


def wait_validate():
    dock = plugin.dock
    section, table = dock.validation, dock.validation.table
    _status(f"validate: {section.status.text()}")
    _status(f"validate table: {table.rowCount()} rows")
    for i in range(table.rowCount()):
        _status("  " + " | ".join(table.item(i, j).text() for j in range(table.columnCount())))
    section.use_button.click()
    _status(f"validate recommendation: {section.status.text()} Series method: {dock.series.method.currentText()}, "
            f"correction: {dock.series.correction.currentText()}")
    from qgis.PyQt.QtCore import Qt

    # wide enough for the mean table's columns, the Validate section in view
    iface.mainWindow().resizeDocks([dock], [980], Qt.Orientation.Horizontal)
    QTimer.singleShot(500, lambda: dock.scroll.verticalScrollBar().setValue(section.y() - 6))
    QTimer.singleShot(2000, shoot_validate)


def shoot_validate():
    global report_page
    path = os.path.join(DOCS, "validate.png")
    ok = plugin.dock.grab().save(path)
    _status(f"validate screenshot: {path if ok else 'not saved'}")
    report = plugin.dock.validation.last_report
    try:
        from qgis.PyQt.QtWebKitWidgets import QWebPage
    except ImportError as exc:
        _status(f"validate report screenshot: not rendered (no QtWebKit in this QGIS: {exc})")
        finish()
        return
    from qgis.PyQt.QtCore import QSize, Qt, QUrl

    report_page = QWebPage()
    report_page.setViewportSize(QSize(1100, 800))
    for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):  # the picture, not the scroll bars
        report_page.mainFrame().setScrollBarPolicy(orientation, Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    report_page.loadFinished.connect(render_report)
    report_page.mainFrame().load(QUrl.fromLocalFile(report))


def render_report(ok):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QImage, QPainter

    frame = report_page.mainFrame()
    size = frame.contentsSize()
    size.setHeight(min(size.height(), 2600))  # the header, the mean table, auto's choices and the first date
    report_page.setViewportSize(size)
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    frame.render(painter)
    painter.end()
    path = os.path.join(DOCS, "validate_report.png")
    saved = ok and image.save(path)
    _status(f"validate report screenshot: {path if saved else 'not saved'} ({size.width()} x {size.height()} px)")
    finish()


def finish():
    if stac_server is not None:
        stac_server.stop()
    # no "save the project?" or "temporary layers will be lost" dialog: QGIS quits by itself
    QgsProject.instance().removeAllMapLayers()
    QgsProject.instance().setDirty(False)
    with open(os.path.join(OUT, "status.txt"), "a") as fh:
        fh.write("exit requested\n")
    iface.actionExit().trigger()


QTimer.singleShot(3000, evaluate)
