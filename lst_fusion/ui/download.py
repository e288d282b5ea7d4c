"""The Download section: search a STAC API (lstfusion:search_download) over a polygon layer or a drawn extent,
list the items with their clear percentage in the area (Search: LIST_ONLY), download the dated rasters and hand
their folders to the Series section."""
import os
import tempfile

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject, QgsRectangle
from qgis.gui import QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QDate, pyqtSignal
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QTableWidgetItem

from ..algorithms import names as P
from ..algorithms import qgis_enums
from ..algorithms.search_download import DEFAULT_SENSORS, SearchDownload
from ..core.data import stac
from ..i18n import QT_TRANSLATE_NOOP, tr
from .ids import SEARCH_DOWNLOAD
from .tasks import Section
from .widgets import ExtentTool, date_edit, fit_columns, fit_rows, number, number_item, read_only_table, warning_label, write_gpkg

TABLE_HEIGHT = 170  # px, as the Evaluation table; more when more items are found
# (downloads.csv column, table header, header tooltip): the table of found items
# (headers and tooltips marked for translation, translated where shown: widgets.read_only_table)
COLUMNS = (
    ("date", QT_TRANSLATE_NOOP("@default", "Date"),
     QT_TRANSLATE_NOOP("@default", "Acquisition date")),
    ("sensor", QT_TRANSLATE_NOOP("@default", "Sensor"),
     QT_TRANSLATE_NOOP("@default", "Sensor of the item")),
    ("cloud_cover", QT_TRANSLATE_NOOP("@default", "Cloud %"),
     QT_TRANSLATE_NOOP("@default", "Cloud cover of the whole scene (eo:cloud_cover; Landsat only)")),
    ("clear_percent", QT_TRANSLATE_NOOP("@default", "Clear %"),
     QT_TRANSLATE_NOOP("@default", "Clear pixels inside the area of interest, counted on the data after the QC/QA masks")),
    ("status", QT_TRANSLATE_NOOP("@default", "Status"),
     QT_TRANSLATE_NOOP("@default", "found (Search), downloaded, kept (complete from an earlier run), rejected, skipped, failed")),
    ("item_id", QT_TRANSLATE_NOOP("@default", "Item"),
     QT_TRANSLATE_NOOP("@default", "STAC item id")),
    ("reason", QT_TRANSLATE_NOOP("@default", "Reason"),
     QT_TRANSLATE_NOOP("@default", "Why an item was rejected, skipped or failed")),
)


def search_unavailable():
    """Why lstfusion:search_download cannot run in this QGIS (its canExecute: a missing package and how to install
    it), or ""."""
    ok, why = SearchDownload().canExecute()
    return "" if ok else why


def spin(low, high, value, suffix, tip):
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setToolTip(tip)
    return box


class DownloadSection(Section):
    NAME = "download"
    folders = pyqtSignal(str, str)  # the MODIS and Landsat folders written by a Download

    def __init__(self, runner, iface=None):
        super().__init__(tr("Download"), runner, iface)
        self.setObjectName("DownloadSection")
        self.download_extent = None  # (QgsRectangle, QgsCoordinateReferenceSystem) drawn on the map
        self._params = None  # the parameters of the last Search/Download, to read its rows
        self.aoi_layer = QgsMapLayerComboBox()
        self.aoi_layer.setFilters(qgis_enums.FILTER_POLYGON_LAYER)
        self.aoi_layer.setAllowEmptyLayer(True)
        self.aoi_layer.setLayer(None)
        self.aoi_layer.setToolTip(tr("A polygon layer: its polygons bound the search and the clear percentage (AOI); "
                                  "empty = the extent drawn below"))
        self.form.addRow(tr("Polygons"), self.aoi_layer)
        self.extent_tool = ExtentTool(iface, self.set_download_extent, once=True)
        extent_row = QHBoxLayout()
        self.extent_button = QPushButton(tr("Draw extent"))
        self.extent_button.setToolTip(tr("Drag a rectangle on the map as the area of interest (AOI)"))
        self.extent_button.clicked.connect(self.start_extent_drawing)
        self.extent_label = QLabel()
        self.extent_label.setWordWrap(True)
        extent_row.addWidget(self.extent_button)
        extent_row.addWidget(self.extent_label, 1)
        self.form.addRow(tr("or extent"), extent_row)
        today = QDate.currentDate()
        self.start_date = date_edit(tr("First acquisition date (START)"), date=today.addMonths(-3))
        self.end_date = date_edit(tr("Last acquisition date, included (END)"), date=today)
        dates_row = QHBoxLayout()
        for w in (self.start_date, QLabel(tr("to")), self.end_date):
            dates_row.addWidget(w, 0 if isinstance(w, QLabel) else 1)
        self.form.addRow(tr("Dates"), dates_row)
        grid = QGridLayout()
        self.sensor_checks = {}
        for i, name in enumerate(stac.SENSOR_NAMES):
            check = QCheckBox(name)
            check.setChecked(i in DEFAULT_SENSORS)  # the algorithm's default: MODIS Terra, Landsat 8 and 9
            grid.addWidget(check, i // 2, i % 2)
            self.sensor_checks[name] = check
        self.form.addRow(tr("Sensors"), grid)
        self.max_cloud = spin(0, 100, 80, " %", tr("Landsat scenes whose whole-scene cloud cover is above this are not "
                                                "read (MAX_CLOUD)"))
        self.min_clear = spin(0, 100, 20, " %", tr("Dates with fewer clear pixels inside the area are rejected by "
                                                "Download (MIN_CLEAR)"))
        limits_row = QHBoxLayout()
        for w in (self.max_cloud, QLabel(tr("min. clear")), self.min_clear):
            limits_row.addWidget(w, 0 if isinstance(w, QLabel) else 1)
        self.form.addRow(tr("Max. cloud"), limits_row)
        self.stac_url = QLineEdit(stac.PLANETARY_COMPUTER)
        self.stac_url.setToolTip(tr("A STAC API: its root or its /search endpoint (STAC_URL)"))
        self.form.addRow(tr("STAC API"), self.stac_url)
        self.token_url = QLineEdit()
        self.token_url.setPlaceholderText(tr("optional; empty = automatic"))
        self.token_url.setToolTip(tr("Token endpoint for signed asset URLs (TOKEN_URL); empty = Planetary Computer's "
                                  "for its API, none for others"))
        self.form.addRow(tr("Token endpoint"), self.token_url)
        self.folder = QgsFileWidget()
        self.folder.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.folder.setToolTip(tr("Folder for MOD11A1/, MYD11A1/, landsat/ and downloads.csv; a re-run into it "
                               "resumes (OUTPUT)"))
        self.form.addRow(tr("Output folder"), self.folder)
        self.warning = warning_label()
        self.form.addRow(self.warning)
        self.search_button = QPushButton(tr("Search"))
        self.search_button.setToolTip(tr("List the items with their clear percentage in the area; writes no raster"))
        self.search_button.clicked.connect(lambda: self.search())
        self.download_button = QPushButton(tr("Download"))
        self.download_button.setToolTip(tr("Write one LST raster per sensor and date, then fill the Series folders"))
        self.download_button.clicked.connect(lambda: self.download())
        self.add_buttons(self.search_button, self.download_button)
        self.table = read_only_table([(h, t) for _, h, t in COLUMNS], TABLE_HEIGHT)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.form.addRow(self.table)
        for signal in ([c.toggled for c in self.sensor_checks.values()] + [
                self.start_date.dateChanged, self.end_date.dateChanged, self.stac_url.textChanged,
                self.folder.fileChanged]):
            signal.connect(self.validate)
        self.stac_url.textChanged.connect(self._show_url)
        self.aoi_layer.layerChanged.connect(self._aoi_changed)
        # a package Search and Download need (pystac-client) missing: said at once, both buttons off (not on a click)
        self.unavailable = search_unavailable()
        self._aoi_changed()
        self._show_url()

    def _show_url(self, *_):
        """The STAC address from its start (the host) when wider than the field, and whole in the tooltip."""
        if not self.stac_url.hasFocus():
            self.stac_url.setCursorPosition(0)
        self.stac_url.setToolTip(tr("A STAC API: its root or its /search endpoint (STAC_URL)") + "\n"
                                 + self.stac_url.text())

    # ------------------------------------------------------------ settings
    def saved(self):
        return {"aoi_layer": self.aoi_layer, "start": self.start_date, "end": self.end_date,
                **{f"sensor {n}": c for n, c in self.sensor_checks.items()}, "max_cloud": self.max_cloud,
                "min_clear": self.min_clear, "stac_url": self.stac_url, "token_url": self.token_url,
                "folder": self.folder}

    def save(self):
        super().save()
        if self.download_extent is not None:
            rect, crs = self.download_extent
            self.settings.set_value("extent", ",".join(repr(v) for v in (rect.xMinimum(), rect.yMinimum(),
                                                                         rect.xMaximum(), rect.yMaximum())))
            self.settings.set_value("extent_crs", crs.authid() or "WKT:" + crs.toWkt())
        else:
            self.settings.set_value("extent", "")

    def restore(self):
        extent = self.settings.value("extent", "")
        if extent:
            try:
                x0, y0, x1, y1 = (float(v) for v in extent.split(","))
            except ValueError:
                pass
            else:
                crs = QgsCoordinateReferenceSystem(self.settings.value("extent_crs", "EPSG:4326"))
                if crs.isValid():
                    self.set_download_extent(QgsRectangle(x0, y0, x1, y1), crs)
        super().restore()
        self.stac_url.setText(self.stac_url.text() or stac.PLANETARY_COMPUTER)
        self._show_url()  # setText puts the cursor at the end, even of the same text
        self.validate()

    # ------------------------------------------------------------ area of interest
    def _aoi_changed(self, *_):
        layer = self.aoi_layer.currentLayer()
        if layer is not None:
            self.extent_label.setText(tr("the polygons of {layer} are used").format(layer=layer.name()))
        elif self.download_extent is not None:
            rect, crs = self.download_extent
            n = 4 if crs.isGeographic() else 0
            x0, x1, y0, y1 = (f"{v:.{n}f}" for v in (rect.xMinimum(), rect.xMaximum(), rect.yMinimum(), rect.yMaximum()))
            self.extent_label.setText(tr("x {x0} to {x1}\ny {y0} to {y1}\n{crs}").format(
                x0=x0, x1=x1, y0=y0, y1=y1, crs=crs.authid() or crs.description()))
        else:
            self.extent_label.setText(tr("none drawn"))
        self.validate()

    def start_extent_drawing(self):
        """Arm the rectangle tool on the canvas; the drawn rectangle becomes the AOI, then the previous tool is back."""
        if self.extent_tool.arm() is not None:
            self.status.setText(tr("Drag a rectangle on the map for the area of interest"))

    def set_download_extent(self, rect, crs):
        """The AOI as an extent in ``crs`` (the canvas CRS when drawn); the polygon layer is cleared."""
        if rect is None or rect.isEmpty():
            self.download_extent = None
        else:
            self.download_extent = (QgsRectangle(rect), QgsCoordinateReferenceSystem(crs))
            self.aoi_layer.setLayer(None)
            self.status.setText("")
        self._aoi_changed()

    def _extent_string(self):
        """``xmin,xmax,ymin,ymax [AUTHID]`` of the drawn extent (lon/lat when its CRS has no authority id)."""
        rect, crs = self.download_extent
        if not crs.authid():
            wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
            rect = QgsCoordinateTransform(crs, wgs84, QgsProject.instance().transformContext()).transformBoundingBox(rect)
            crs = wgs84
        return f"{rect.xMinimum()!r},{rect.xMaximum()!r},{rect.yMinimum()!r},{rect.yMaximum()!r} [{crs.authid()}]"

    def _aoi_value(self):
        layer = self.aoi_layer.currentLayer()
        if layer is None:
            return self._extent_string() if self.download_extent is not None else None
        if layer.providerType() == "memory":  # a scratch layer has no file for the worker: write one here
            return write_gpkg(layer, os.path.join(tempfile.mkdtemp(prefix="lstfusion_aoi_"), "aoi.gpkg"))
        return layer.source()

    # ------------------------------------------------------------ checks and parameters
    def problems(self):
        """What keeps Search and Download off: no AOI, START after END, no sensor, no STAC API or folder."""
        problems = [self.unavailable] if self.unavailable else []
        if self.aoi_layer.currentLayer() is None and self.download_extent is None:
            problems.append(tr("{aoi}: choose a polygon layer or draw an extent").format(aoi=P.AOI))
        start, end = self.start_date.date(), self.end_date.date()
        if start > end:
            problems.append(tr("{start_param} {start} is after {end_param} {end}").format(
                start_param=P.START, start=start.toString("yyyy-MM-dd"), end_param=P.END, end=end.toString("yyyy-MM-dd")))
        if not any(c.isChecked() for c in self.sensor_checks.values()):
            problems.append(tr("{sensors}: choose at least one sensor").format(sensors=P.SENSORS))
        if not self.stac_url.text().strip():
            problems.append(tr("{stac_url}: give the address of a STAC API").format(stac_url=P.STAC_URL))
        if not self.folder.filePath().strip():
            problems.append(tr("{output}: choose an output folder").format(output=P.OUTPUT))
        return problems

    def validate(self, *_):
        """Search and Download are on only when the section is complete and no task runs; the warning says why not."""
        problems = self.problems()
        for b in self.start_buttons:
            b.setEnabled(self.runner.task is None and not problems)
        self.warning.setText("\n".join(problems))
        return problems

    def set_busy(self, busy):
        super().set_busy(busy)
        self.validate()

    def parameters(self, list_only=False):
        """lstfusion:search_download parameters from the section: files, strings and numbers only."""
        params = {P.AOI: self._aoi_value(), P.START: self.start_date.date().toString("yyyy-MM-dd"),
                  P.END: self.end_date.date().toString("yyyy-MM-dd"),
                  P.SENSORS: [i for i, name in enumerate(stac.SENSOR_NAMES) if self.sensor_checks[name].isChecked()],
                  P.MAX_CLOUD: float(self.max_cloud.value()), P.MIN_CLEAR: float(self.min_clear.value()),
                  P.STAC_URL: self.stac_url.text().strip(), P.LIST_ONLY: bool(list_only),
                  P.OUTPUT: self.folder.filePath().strip()}
        if self.token_url.text().strip():
            params[P.TOKEN_URL] = self.token_url.text().strip()
        return SEARCH_DOWNLOAD, params

    # ------------------------------------------------------------ running
    def search(self):
        """Search and read the AOI windows in the background; the table lists the items with their clear %."""
        return self._run(list_only=True)

    def download(self):
        """Write the dated rasters in the background; then the table is refreshed and the Series folders set."""
        return self._run(list_only=False)

    def _run(self, list_only):
        problems = self.problems()
        if problems:
            self.status.setText(tr("Fix the Download section first: ") + problems[0])
            return None
        alg_id, params = self.parameters(list_only)
        self._params = params
        return self.start(alg_id, params, self._search_done if list_only else self._download_done)

    def _rows(self, results):
        """The rows of downloads.csv of this run's dates and sensors (the file also keeps earlier runs' rows)."""
        params = self._params
        sensors = {stac.SENSOR_NAMES[i] for i in params[P.SENSORS]}
        return [r for r in stac.read_csv(results[P.DOWNLOADS_CSV])
                if params[P.START] <= r.get("date", "") <= params[P.END] and r.get("sensor") in sensors]

    def _search_done(self, results):
        rows = self.fill_table(self._rows(results))
        found = [r for r in rows if r["status"] == "found"]
        min_clear = self._params[P.MIN_CLEAR]
        low = [r for r in found if number(r["clear_percent"]) < min_clear]
        landsat = sum(r["sensor"] in stac.BY_NAME and stac.BY_NAME[r["sensor"]].product == "Landsat" for r in found)
        text = tr("Search: {found} item(s) found ({modis} MODIS, {landsat} Landsat)").format(
            found=len(found), modis=len(found) - landsat, landsat=landsat)
        if low:
            text += tr("; {low} below the minimum clear {min_clear:g} % (Download rejects them)").format(
                low=len(low), min_clear=min_clear)
        if len(rows) > len(found):
            text += tr("; {n} skipped or failed (see Reason)").format(n=len(rows) - len(found))
        self.status.setText(text + tr(". No raster written."))

    def _download_done(self, results):
        rows = self.fill_table(self._rows(results))
        modis, landsat = list(results.get(P.MODIS_FILES) or []), list(results.get(P.LANDSAT_FILES) or [])
        n_modis, n_landsat = int(results.get(P.N_MODIS, len(modis))), int(results.get(P.N_LANDSAT, len(landsat)))
        text = tr("Downloaded: {n_modis} MODIS and {n_landsat} Landsat date(s) in {folder}").format(
            n_modis=n_modis, n_landsat=n_landsat, folder=results[P.OUTPUT])
        counts = {s: sum(r["status"] == s for r in rows) for s in ("kept", "rejected", "skipped", "failed")}
        extra = [f"{n} {s}" for s, n in counts.items() if n]
        if extra:
            text += tr(" (items: {counts})").format(counts=", ".join(extra))
        if modis or landsat:
            self.folders.emit(os.path.dirname(modis[0]) if modis else "", os.path.dirname(landsat[0]) if landsat else "")
        if modis and landsat:
            text += tr("; the Series folders are set")
        self.status.setText(text + ".")

    def fill_table(self, rows):
        """One row per item: date, sensor, scene cloud %, clear % in the AOI, status, item id, reason."""
        table = self.table
        table.setRowCount(len(rows))
        min_clear = float(self.min_clear.value())
        for i, r in enumerate(rows):
            for j, (col, _, _) in enumerate(COLUMNS):
                value = r.get(col) or ""
                if col == "reason" and r.get("status") == "found":
                    value = ""  # "listed; not downloaded (LIST_ONLY)": what the status says (the tooltip keeps it)
                numeric = col in ("cloud_cover", "clear_percent")
                if numeric and value:
                    value = f"{number(value):.1f}"
                item = number_item(value) if numeric else QTableWidgetItem(value)
                item.setToolTip(r.get(col) or "")
                if col == "clear_percent" and value and number(value) < min_clear and r.get("status") == "found":
                    item.setForeground(QColor("#b35806"))
                    item.setToolTip(tr("{clear} % clear: below the minimum {min_clear:g} %, Download rejects it").format(
                        clear=r[col], min_clear=min_clear))
                table.setItem(i, j, item)
        table.resizeColumnsToContents()
        fit_columns(table)
        # tall enough for the rows (up to 12, then it scrolls): the items are seen at once, not behind a scroll bar
        fit_rows(table, len(rows), TABLE_HEIGHT)
        return rows
