"""The LST Fusion dock panel.

Walks a user from "these are my MODIS and Landsat layers" to "this is the
30 m LST for that day and how good it is over the city centre": it runs the
*same* Processing algorithms as the Toolbox, in the background
(QgsProcessingAlgRunnerTask), with progress and a working Cancel, adds the
result with a temperature colour ramp, and evaluates it per subregion (a
polygon layer or rectangles drawn on the map).  Its Download section searches a
STAC API (lstfusion:search_download) over a polygon layer or a drawn extent,
lists the items with their clear percentage in the area (Search: LIST_ONLY),
downloads the dated rasters and hands their folders to the Series section.

Threads: the background task gets file paths only and a context *without*
the project, so the worker never touches the project, its layers, the canvas
or an expression context of the main thread (QgsProcessingUtils would
otherwise hand it the project's own layer objects, and building their
expression scopes raced with the canvas: QGIS crashed in
QgsProject::createExpressionContextScope).  Drawn rectangles are written to a
GeoPackage on the main thread first.  Progress and results reach the widgets
through queued signal connections, so they are handled on the main thread.
"""
import csv
import os
import tempfile

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsSettings,
    QgsVectorLayer,
)
from qgis.gui import QgsDockWidget, QgsFieldComboBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QDate, Qt, QThread, QUrl, pyqtSlot
from qgis.PyQt.QtGui import QColor, QDesktopServices
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..algorithms import names as P
from ..algorithms import qgis_enums
from ..algorithms.fuse_series import method_options as series_method_options
from ..algorithms.outputs import style_lst_layer
from ..algorithms.search_download import DEFAULT_SENSORS
from ..core.data import stac
from ..core.data.dates import parse_date, to_date
from ..core.data.roles import BY_PARAMETER
from ..core.evaluation.metrics import METRICS
from ..core.platform import backends
from ..core.platform.errors import LstFusionError
from ..models import registry

# (parameter, label, tooltip) from the one role table (core/data/roles.py), in the panel's order
FUSION_ORDER = (P.COARSE_TARGET, P.FINE_REF1, P.COARSE_REF1, P.FINE_REF2, P.COARSE_REF2)
ROLES = [(p, BY_PARAMETER[p].label, BY_PARAMETER[p].help) for p in FUSION_ORDER]
SETTINGS = "lstfusion/dock/"
DOWNLOAD_SETTINGS = SETTINGS + "download/"
DOWNLOAD_TABLE_HEIGHT = 170  # px, as the Evaluation table; more when more items are found
# (downloads.csv column, table header, header tooltip): the Download section's table of found items
DOWNLOAD_COLUMNS = (
    ("date", "Date", "Acquisition date"),
    ("sensor", "Sensor", "Sensor of the item"),
    ("cloud_cover", "Cloud %", "Cloud cover of the whole scene (eo:cloud_cover; Landsat only)"),
    ("clear_percent", "Clear %", "Clear pixels inside the area of interest, counted on the data after the QC/QA masks"),
    ("status", "Status", "found (Search), downloaded, kept (complete from an earlier run), rejected, skipped, failed"),
    ("item_id", "Item", "STAC item id"),
    ("reason", "Reason", "Why an item was rejected, skipped or failed"),
)


def _required_roles(alg_id, fallback):
    """The input-role parameters an algorithm requires, asked of the Processing registry (its own
    parameter definitions), in their order; ``fallback`` when the provider is not registered."""
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    if alg is None:
        return list(fallback)
    return [d.name() for d in alg.parameterDefinitions()
            if d.name() in BY_PARAMETER and not d.flags() & qgis_enums.PARAMETER_OPTIONAL]


def methods():
    """(label, algorithm id, roles) for every method the panel offers; the roles come from each algorithm."""
    out = [("ESTARFM", "lstfusion:estarfm", _required_roles("lstfusion:estarfm", FUSION_ORDER)),
           ("STARFM", "lstfusion:starfm", _required_roles("lstfusion:starfm", FUSION_ORDER[:3]))]
    for mid, spec in registry.MODELS.items():
        alg_id = f"lstfusion:predict_{mid}"
        out.append((spec.name, alg_id, _required_roles(alg_id, [registry.PARAMETER_OF_ROLE[r] for r in spec.inputs])))
    return out


def device_text():
    if not backends.torch_available():
        return "PyTorch not installed (deep models unavailable)"
    import torch

    return f"CUDA: {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else "CPU"


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")


class _Feedback(QgsProcessingFeedback):
    """Keeps the last error the task reported (the algorithm's one-sentence message), for the status line."""

    def __init__(self):
        super().__init__()
        self.last_error = ""

    def reportError(self, error, fatalError=False):  # noqa: N802,N803  (worker thread: stores a string only)
        self.last_error = " ".join(str(error).split())
        super().reportError(error, fatalError)


class LstFusionDock(QgsDockWidget):
    def __init__(self, iface=None, parent=None):
        super().__init__("LST Fusion", parent)
        self.setObjectName("LstFusionDock")
        self.setMinimumWidth(400)
        self.iface = iface
        self.task = None
        self.feedback = None
        self._progress_bar = self._status_line = None  # the running section's (see _start)
        self.rectangles = []
        self.map_tool = None
        self.last_report = None
        body = QWidget()
        lay = QVBoxLayout(body)

        inputs = QGroupBox("Inputs")
        form = QFormLayout(inputs)
        self.combos, self.dates = {}, {}
        for name, label, tip in ROLES:
            combo = QgsMapLayerComboBox()
            combo.setToolTip(f"{tip} ({name})")
            combo.setMinimumWidth(170)
            combo.setFilters(qgis_enums.FILTER_RASTER_LAYER)
            combo.setAllowEmptyLayer(True)
            combo.setObjectName(name)
            date = QLineEdit()
            date.setPlaceholderText("YYYY-MM-DD")
            date.setFixedWidth(88)
            date.setToolTip("Acquisition date, read from the layer or file name; editable")
            combo.layerChanged.connect(lambda lyr, d=date: self._fill_date(lyr, d))
            combo.layerChanged.connect(self.validate)
            date.textChanged.connect(self.validate)
            row = QHBoxLayout()
            row.addWidget(combo, 1)
            row.addWidget(date)
            form.addRow(label, row)
            self.combos[name], self.dates[name] = combo, date
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b35806")
        form.addRow(self.warning)
        lay.addWidget(inputs)

        run_box = QGroupBox("Fusion")
        rform = QFormLayout(run_box)
        self.method = QComboBox()
        for label, alg_id, roles in methods():
            self.method.addItem(label, (alg_id, roles))
        self.method.currentIndexChanged.connect(self._method_changed)
        rform.addRow("Method", self.method)
        self.checkpoint = QgsFileWidget()
        self.checkpoint.setFilter("Checkpoint (*.pt)")
        rform.addRow("Checkpoint", self.checkpoint)
        self.device = QLabel(device_text())
        rform.addRow("Device", self.device)
        self.output = QgsFileWidget()
        self.output.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.output.setFilter("GeoTIFF (*.tif)")
        rform.addRow("Output (optional)", self.output)
        buttons = QHBoxLayout()
        self.run_button = QPushButton("Run")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        rform.addRow(buttons)
        self.progress = QProgressBar()
        rform.addRow(self.progress)
        self.status = QLabel()
        self.status.setWordWrap(True)
        rform.addRow(self.status)
        lay.addWidget(run_box)

        ev = QGroupBox("Evaluation")
        eform = QFormLayout(ev)
        self.prediction = QgsMapLayerComboBox()
        self.prediction.setFilters(qgis_enums.FILTER_RASTER_LAYER)
        eform.addRow("Prediction", self.prediction)
        self.reference = QgsMapLayerComboBox()
        self.reference.setFilters(qgis_enums.FILTER_RASTER_LAYER)
        eform.addRow("Reference", self.reference)
        self.regions = QgsMapLayerComboBox()
        self.regions.setFilters(qgis_enums.FILTER_POLYGON_LAYER)
        self.regions.setAllowEmptyLayer(True)
        self.regions.setLayer(None)
        eform.addRow("Subregions", self.regions)
        self.name_field = QgsFieldComboBox()
        self.regions.layerChanged.connect(self.name_field.setLayer)
        eform.addRow("Name field", self.name_field)
        rect_row = QHBoxLayout()
        self.draw_button = QPushButton("Draw rectangle")
        self.draw_button.clicked.connect(self.start_drawing)
        self.clear_button = QPushButton("Clear rectangles")
        self.clear_button.clicked.connect(self.clear_rectangles)
        rect_row.addWidget(self.draw_button)
        rect_row.addWidget(self.clear_button)
        eform.addRow(rect_row)
        ebuttons = QHBoxLayout()
        self.evaluate_button = QPushButton("Evaluate")
        self.evaluate_button.clicked.connect(self.evaluate)
        self.report_button = QPushButton("Open report")
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.open_report)
        ebuttons.addWidget(self.evaluate_button)
        ebuttons.addWidget(self.report_button)
        eform.addRow(ebuttons)
        self.table = QTableWidget(0, 0)
        self.table.setMinimumHeight(170)
        self.table.verticalHeader().setVisible(False)
        eform.addRow(self.table)
        lay.addWidget(ev)

        lay.addWidget(self._build_download())

        series = QGroupBox("Series")
        sform = QFormLayout(series)
        self.series_modis = QgsFileWidget()
        self.series_modis.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.series_modis.setToolTip("Folder of daily MODIS rasters dated by their names (MODIS)")
        sform.addRow("MODIS folder", self.series_modis)
        self.series_landsat = QgsFileWidget()
        self.series_landsat.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.series_landsat.setToolTip("Folder of Landsat rasters dated by their names, all on one grid (LANDSAT)")
        sform.addRow("Landsat folder", self.series_landsat)
        self.series_method = QComboBox()
        for i, label in enumerate(series_method_options()):
            self.series_method.addItem(label, i)
        sform.addRow("Method", self.series_method)
        dates_row = QHBoxLayout()
        self.series_start = QLineEdit()
        self.series_start.setPlaceholderText("start YYYY-MM-DD")
        self.series_end = QLineEdit()
        self.series_end.setPlaceholderText("end YYYY-MM-DD")
        dates_row.addWidget(self.series_start)
        dates_row.addWidget(self.series_end)
        sform.addRow("Dates", dates_row)
        self.series_output = QgsFileWidget()
        self.series_output.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        sform.addRow("Output folder", self.series_output)
        self.series_run_button = QPushButton("Run series")
        self.series_run_button.clicked.connect(lambda: self.run_series())
        sform.addRow(self.series_run_button)
        lay.addWidget(series)
        lay.addStretch(1)
        # the sections are taller than a 1000 px screen: they scroll inside the dock instead of being cut off
        scroll = QScrollArea()
        scroll.setObjectName("LstFusionScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # as wide as the widest section instead
        scroll.setMinimumWidth(body.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width())
        self.scroll = scroll
        self.setWidget(scroll)
        self._restore()
        self._method_changed()

    # ------------------------------------------------------------ download (widgets)
    def _build_download(self):
        """The Download section: AOI, dates, sensors, limits, STAC API, folder; Search / Download; found items."""
        box = QGroupBox("Download")
        box.setObjectName("DownloadSection")
        self.download_box = box
        form = QFormLayout(box)
        self.download_extent = None  # (QgsRectangle, QgsCoordinateReferenceSystem) drawn on the map
        self.extent_tool = None
        self._previous_tool = None
        self._download_params = None  # the parameters of the last Search/Download, to read its rows
        self.aoi_layer = QgsMapLayerComboBox()
        self.aoi_layer.setFilters(qgis_enums.FILTER_POLYGON_LAYER)
        self.aoi_layer.setAllowEmptyLayer(True)
        self.aoi_layer.setLayer(None)
        self.aoi_layer.setToolTip("A polygon layer: its polygons bound the search and the clear percentage (AOI); "
                                  "empty = the extent drawn below")
        form.addRow("Polygons", self.aoi_layer)
        extent_row = QHBoxLayout()
        self.extent_button = QPushButton("Draw extent")
        self.extent_button.setToolTip("Drag a rectangle on the map as the area of interest (AOI)")
        self.extent_button.clicked.connect(self.start_extent_drawing)
        self.extent_label = QLabel()
        self.extent_label.setWordWrap(True)
        extent_row.addWidget(self.extent_button)
        extent_row.addWidget(self.extent_label, 1)
        form.addRow("or extent", extent_row)
        self.download_start, self.download_end = QDateEdit(), QDateEdit()
        today = QDate.currentDate()
        for edit, date, tip in ((self.download_start, today.addMonths(-3), "First acquisition date (START)"),
                                (self.download_end, today, "Last acquisition date, included (END)")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(date)
            edit.setToolTip(tip)
            edit.dateChanged.connect(self.validate_download)
        dates_row = QHBoxLayout()
        dates_row.addWidget(self.download_start, 1)
        dates_row.addWidget(QLabel("to"))
        dates_row.addWidget(self.download_end, 1)
        form.addRow("Dates", dates_row)
        grid = QGridLayout()
        self.sensor_checks = {}
        for i, name in enumerate(stac.SENSOR_NAMES):
            check = QCheckBox(name)
            check.setChecked(i in DEFAULT_SENSORS)  # the algorithm's default: MODIS Terra, Landsat 8 and 9
            check.toggled.connect(self.validate_download)
            grid.addWidget(check, i // 2, i % 2)
            self.sensor_checks[name] = check
        form.addRow("Sensors", grid)
        self.max_cloud = QSpinBox()
        self.max_cloud.setRange(0, 100)
        self.max_cloud.setValue(80)
        self.max_cloud.setSuffix(" %")
        self.max_cloud.setToolTip("Landsat scenes whose whole-scene cloud cover is above this are not read (MAX_CLOUD)")
        self.min_clear = QSpinBox()
        self.min_clear.setRange(0, 100)
        self.min_clear.setValue(20)
        self.min_clear.setSuffix(" %")
        self.min_clear.setToolTip("Dates with fewer clear pixels inside the area are rejected by Download (MIN_CLEAR)")
        limits_row = QHBoxLayout()
        limits_row.addWidget(self.max_cloud, 1)
        limits_row.addWidget(QLabel("min. clear"))
        limits_row.addWidget(self.min_clear, 1)
        form.addRow("Max. cloud", limits_row)
        self.stac_url = QLineEdit(stac.PLANETARY_COMPUTER)
        self.stac_url.setToolTip("A STAC API: its root or its /search endpoint (STAC_URL)")
        self.stac_url.textChanged.connect(self.validate_download)
        form.addRow("STAC API", self.stac_url)
        self.token_url = QLineEdit()
        self.token_url.setPlaceholderText("optional; empty = automatic")
        self.token_url.setToolTip("Token endpoint for signed asset URLs (TOKEN_URL); empty = Planetary Computer's "
                                  "for its API, none for others")
        form.addRow("Token endpoint", self.token_url)
        self.download_folder = QgsFileWidget()
        self.download_folder.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.download_folder.setToolTip("Folder for MOD11A1/, MYD11A1/, landsat/ and downloads.csv; a re-run into it "
                                        "resumes (OUTPUT)")
        self.download_folder.fileChanged.connect(self.validate_download)
        form.addRow("Output folder", self.download_folder)
        self.aoi_layer.layerChanged.connect(self._aoi_changed)
        self.download_warning = QLabel()
        self.download_warning.setWordWrap(True)
        self.download_warning.setStyleSheet("color: #b35806")
        form.addRow(self.download_warning)
        buttons = QHBoxLayout()
        self.search_button = QPushButton("Search")
        self.search_button.setToolTip("List the items with their clear percentage in the area; writes no raster")
        self.search_button.clicked.connect(lambda: self.search())
        self.download_button = QPushButton("Download")
        self.download_button.setToolTip("Write one LST raster per sensor and date, then fill the Series folders")
        self.download_button.clicked.connect(lambda: self.download())
        self.download_cancel_button = QPushButton("Cancel")
        self.download_cancel_button.setEnabled(False)
        self.download_cancel_button.clicked.connect(self.cancel)
        for b in (self.search_button, self.download_button, self.download_cancel_button):
            buttons.addWidget(b)
        form.addRow(buttons)
        self.download_progress = QProgressBar()
        form.addRow(self.download_progress)
        self.download_status = QLabel()
        self.download_status.setWordWrap(True)
        form.addRow(self.download_status)
        self.download_table = QTableWidget(0, len(DOWNLOAD_COLUMNS))
        for j, (_, header, tip) in enumerate(DOWNLOAD_COLUMNS):
            item = QTableWidgetItem(header)
            item.setToolTip(tip)
            self.download_table.setHorizontalHeaderItem(j, item)
        self.download_table.setMinimumHeight(DOWNLOAD_TABLE_HEIGHT)
        self.download_table.verticalHeader().setVisible(False)
        self.download_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.download_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.download_table.horizontalHeader().setStretchLastSection(True)
        form.addRow(self.download_table)
        self._aoi_changed()
        return box

    # ------------------------------------------------------------ inputs
    @staticmethod
    def _fill_date(layer, edit):
        if layer is None:
            return
        try:
            d = parse_date(layer.source()) or parse_date(layer.name())
        except LstFusionError:  # several dates in the name: leave the field for the user
            d = None
        if d is not None:
            edit.setText(d.isoformat())

    def current_method(self):
        return self.method.currentText(), *self.method.currentData()

    def _method_changed(self, *_):
        label, alg_id, roles = self.current_method()
        for name, combo in self.combos.items():
            combo.setEnabled(name in roles)
            self.dates[name].setEnabled(name in roles)
        deep = alg_id.startswith("lstfusion:predict_")
        self.checkpoint.setEnabled(deep)
        if deep:
            from ..deep.checkpoint import bundled_checkpoint

            mid = alg_id.split("predict_", 1)[1]
            if not self.checkpoint.filePath() or not self.checkpoint.filePath().endswith(f"{mid}.pt"):
                path = bundled_checkpoint(mid)
                self.checkpoint.setFilePath(path if os.path.exists(path) else "")
        self.validate()

    def validate(self, *_):
        """Warnings shown before the run: missing inputs, grids, CRS, dates."""
        _, _, roles = self.current_method()
        problems = []
        layers = {n: self.combos[n].currentLayer() for n in roles}
        missing = [n for n, lyr in layers.items() if lyr is None]
        if missing:
            problems.append("Missing: " + ", ".join(missing))
        present = {n: lyr for n, lyr in layers.items() if lyr is not None}
        if present:
            first_name, first = next(iter(present.items()))
            for n, lyr in present.items():
                if lyr.crs() != first.crs():
                    problems.append(f"{n}: CRS {lyr.crs().authid()} differs from {first_name} ({first.crs().authid()})")
                elif (lyr.width(), lyr.height()) != (first.width(), first.height()) or lyr.extent() != first.extent():
                    problems.append(f"{n}: grid differs from {first_name} (resample it with lstfusion:resample)")
        dates = {}
        for n in roles:
            text = self.dates[n].text().strip()
            if text:
                try:
                    d = to_date(text)
                except LstFusionError:
                    d = None
                if d is None:
                    problems.append(f"{n}: {text!r} is not a date")
                else:
                    dates[n] = d
        for a, b in ((P.FINE_REF1, P.COARSE_REF1), (P.FINE_REF2, P.COARSE_REF2)):
            if a in dates and b in dates and dates[a] != dates[b]:
                problems.append(f"{a} and {b} are not the same day")
        t = dates.get(P.COARSE_TARGET)
        if t and P.COARSE_REF1 in dates and P.COARSE_REF2 in dates and not dates[P.COARSE_REF1] < t < dates[P.COARSE_REF2]:
            problems.append("ESTARFM/STTFN expect pair 1 before and pair 2 after the target date")
        self.warning.setText("\n".join(problems))
        return problems

    # ------------------------------------------------------------ running
    def parameters(self):
        label, alg_id, roles = self.current_method()
        params = {n: self.combos[n].currentLayer().source() for n in roles if self.combos[n].currentLayer()}
        if alg_id.startswith("lstfusion:predict_"):
            params[P.CHECKPOINT] = self.checkpoint.filePath()
        out = self.output.filePath() or os.path.join(tempfile.mkdtemp(prefix="lstfusion_"), f"{label}.tif")
        params[P.OUTPUT] = out
        return alg_id, params

    def run(self):
        problems = [p for p in self.validate() if not p.startswith("ESTARFM/STTFN")]
        if problems:
            self.status.setText("Fix the inputs first: " + problems[0])
            return None
        alg_id, params = self.parameters()
        self._save()
        return self._start(alg_id, params, self._fusion_done)

    def _start(self, alg_id, params, on_done, progress=None, status=None):
        """Run ``alg_id`` as a background task; ``progress``/``status``: the section's bar and line (Fusion's)."""
        self._progress_bar = progress or self.progress
        self._status_line = status or self.status
        alg = QgsApplication.processingRegistry().createAlgorithmById(alg_id)
        if alg is None:
            self._status_line.setText(f"Algorithm {alg_id} is not registered")
            return None
        can, why = alg.canExecute()  # e.g. pystac-client missing: say how to install it instead of failing later
        if not can:
            self._status_line.setText(why)
            return None
        # no project on the context: the worker thread must not reach the project or its layers (see module doc)
        self.context = QgsProcessingContext()
        self.feedback = _Feedback()
        # bound methods of this QObject: queued to the main thread when emitted from the worker
        self.feedback.progressChanged.connect(self._on_progress)
        self._on_done = on_done
        self.task = QgsProcessingAlgRunnerTask(alg, params, self.context, self.feedback)
        self.task.executed.connect(self._on_executed)
        self._set_busy(True)
        self._progress_bar.setValue(0)
        self._status_line.setText(f"Running {alg.displayName()} …")
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def _set_busy(self, busy):
        """One task at a time: every section's start buttons off while one runs, the Cancel buttons on."""
        for b in (self.run_button, self.evaluate_button, self.series_run_button):
            b.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.download_cancel_button.setEnabled(busy)
        self.validate_download()  # Search/Download: off while busy, else on when the section is complete

    @pyqtSlot(float)
    def _on_progress(self, percent):
        self._progress_bar.setValue(int(percent))

    @pyqtSlot(bool, "QVariantMap")
    def _on_executed(self, ok, results):
        self._finished(ok, results, self._on_done)

    def cancel(self):
        if self.feedback is not None:
            self.feedback.cancel()
        if self.task is not None:
            self.task.cancel()
        (self._status_line or self.status).setText("Cancelling …")

    def _finished(self, ok, results, on_done):
        assert QThread.currentThread() is QgsApplication.instance().thread(), "dock results off the main thread"
        cancelled = self.feedback is not None and self.feedback.isCanceled()
        self.task = None
        self._set_busy(False)
        if cancelled:
            self._status_line.setText("Cancelled; no output was written.")
            return
        if not ok:
            error = self.feedback.last_error if isinstance(self.feedback, _Feedback) else ""
            self._status_line.setText(f"Failed: {error}" if error else
                                      "Failed: see the log panel (Processing tab) for the reason.")
            return
        self._progress_bar.setValue(100)
        on_done(results)

    def _fusion_done(self, results):
        label = self.method.currentText()
        layer = QgsRasterLayer(results[P.OUTPUT], f"{label} LST")
        if layer.isValid():
            style_lst_layer(layer)  # temperature style; name = method and date from the raster's tags
            QgsProject.instance().addMapLayer(layer)
            self.prediction.setLayer(layer)
        self.status.setText(f"Done: {results[P.OUTPUT]}")

    # ------------------------------------------------------------ series
    @staticmethod
    def _rasters_in(folder):
        if not folder or not os.path.isdir(folder):
            return []
        return [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.lower().endswith((".tif", ".tiff"))]

    def series_parameters(self):
        """lstfusion:fuse_series parameters from the Series section (folders listed into raster lists)."""
        params = {P.MODIS: self._rasters_in(self.series_modis.filePath()),
                  P.LANDSAT: self._rasters_in(self.series_landsat.filePath()),
                  P.METHOD: self.series_method.currentData(),
                  P.START: self.series_start.text().strip(), P.END: self.series_end.text().strip(),
                  P.OUTPUT: self.series_output.filePath() or tempfile.mkdtemp(prefix="lstfusion_series_")}
        return "lstfusion:fuse_series", params

    def run_series(self, overrides=None):
        """Run fuse_series in the background like the other algorithms; ``overrides`` update the parameters."""
        alg_id, params = self.series_parameters()
        params.update(overrides or {})
        if not params[P.MODIS] or not params[P.LANDSAT]:
            self.status.setText("Series: choose a MODIS folder and a Landsat folder with rasters")
            return None
        for key in (P.START, P.END):
            if params[key]:
                try:
                    ok = to_date(params[key]) is not None
                except LstFusionError:
                    ok = False
                if not ok:
                    self.status.setText(f"Series: {params[key]!r} is not a date")
                    return None
        return self._start(alg_id, params, self._series_done)

    def _series_done(self, results):
        """Main thread: load the dated outputs Processing queued on the context, through series_layers' post-processor."""
        project = QgsProject.instance()
        context = QgsProcessingContext()
        context.setProject(project)
        loaded = 0
        for path, details in self.context.layersToLoadOnCompletion().items():
            layer = QgsRasterLayer(path, details.name)
            if not layer.isValid():
                continue
            project.addMapLayer(layer, False)
            post = details.postProcessor()
            if post is not None:
                post.postProcessLayer(layer, context, self.feedback)
            else:
                project.layerTreeRoot().addLayer(layer)
            loaded += 1
        self.context.setLayersToLoadOnCompletion({})
        self.status.setText(f"Series done: {loaded} dated layers from {results[P.OUTPUT]}")

    # ------------------------------------------------------------ download
    def _aoi_changed(self, *_):
        layer = self.aoi_layer.currentLayer()
        if layer is not None:
            self.extent_label.setText(f"the polygons of {layer.name()} are used")
        elif self.download_extent is not None:
            rect, crs = self.download_extent
            n = 4 if crs.isGeographic() else 0
            self.extent_label.setText(f"x {rect.xMinimum():.{n}f} to {rect.xMaximum():.{n}f}\n"
                                      f"y {rect.yMinimum():.{n}f} to {rect.yMaximum():.{n}f}\n"
                                      f"{crs.authid() or crs.description()}")
        else:
            self.extent_label.setText("none drawn")
        self.validate_download()

    def start_extent_drawing(self):
        """Arm a rectangle tool on the canvas; the drawn rectangle becomes the AOI (QGIS's extent-tool pattern)."""
        if self.iface is None:
            return
        from qgis.gui import QgsMapToolExtent

        canvas = self.iface.mapCanvas()
        if canvas.mapTool() is not self.extent_tool:
            self._previous_tool = canvas.mapTool()
        self.extent_tool = QgsMapToolExtent(canvas)
        self.extent_tool.extentChanged.connect(self._extent_drawn)
        canvas.setMapTool(self.extent_tool)
        self.download_status.setText("Drag a rectangle on the map for the area of interest")

    def _extent_drawn(self, rect):
        canvas = self.iface.mapCanvas()
        self.set_download_extent(rect, canvas.mapSettings().destinationCrs())
        if self._previous_tool is not None:
            canvas.setMapTool(self._previous_tool)
        else:
            canvas.unsetMapTool(self.extent_tool)

    def set_download_extent(self, rect, crs):
        """The AOI as an extent in ``crs`` (the canvas CRS when drawn); the polygon layer is cleared."""
        if rect is None or rect.isEmpty():
            self.download_extent = None
        else:
            self.download_extent = (QgsRectangle(rect), QgsCoordinateReferenceSystem(crs))
            self.aoi_layer.setLayer(None)
            self.download_status.setText("")
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
            from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter

            path = os.path.join(tempfile.mkdtemp(prefix="lstfusion_aoi_"), "aoi.gpkg")
            options = QgsVectorFileWriter.SaveVectorOptions()
            options.driverName = "GPKG"
            err = QgsVectorFileWriter.writeAsVectorFormatV2(layer, path, QgsCoordinateTransformContext(), options)
            if err[0] != QgsVectorFileWriter.WriterError.NoError:
                raise OSError(f"cannot write {layer.name()} to {path}: {err[1]}")
            return path
        return layer.source()

    def download_problems(self):
        """What keeps Search and Download off: no AOI, START after END, no sensor, no STAC API or folder."""
        problems = []
        if self.aoi_layer.currentLayer() is None and self.download_extent is None:
            problems.append(f"{P.AOI}: choose a polygon layer or draw an extent")
        start, end = self.download_start.date(), self.download_end.date()
        if not start.isValid() or not end.isValid():
            problems.append(f"{P.START}/{P.END}: not a date")
        elif start > end:
            problems.append(f"{P.START} {start.toString('yyyy-MM-dd')} is after {P.END} {end.toString('yyyy-MM-dd')}")
        if not any(c.isChecked() for c in self.sensor_checks.values()):
            problems.append(f"{P.SENSORS}: choose at least one sensor")
        if not self.stac_url.text().strip():
            problems.append(f"{P.STAC_URL}: give the address of a STAC API")
        if not self.download_folder.filePath().strip():
            problems.append(f"{P.OUTPUT}: choose an output folder")
        return problems

    def validate_download(self, *_):
        """Search and Download are on only when the section is complete and no task runs; the warning says why not."""
        problems = self.download_problems()
        for b in (self.search_button, self.download_button):
            b.setEnabled(self.task is None and not problems)
        self.download_warning.setText("\n".join(problems))
        return problems

    def download_parameters(self, list_only=False):
        """lstfusion:search_download parameters from the Download section: files, strings and numbers only."""
        params = {P.AOI: self._aoi_value(),
                  P.START: self.download_start.date().toString("yyyy-MM-dd"),
                  P.END: self.download_end.date().toString("yyyy-MM-dd"),
                  P.SENSORS: [i for i, name in enumerate(stac.SENSOR_NAMES) if self.sensor_checks[name].isChecked()],
                  P.MAX_CLOUD: float(self.max_cloud.value()), P.MIN_CLEAR: float(self.min_clear.value()),
                  P.STAC_URL: self.stac_url.text().strip(), P.LIST_ONLY: bool(list_only),
                  P.OUTPUT: self.download_folder.filePath().strip()}
        if self.token_url.text().strip():
            params[P.TOKEN_URL] = self.token_url.text().strip()
        return "lstfusion:search_download", params

    def search(self):
        """Search and read the AOI windows in the background; the table lists the items with their clear %."""
        return self._run_download(list_only=True)

    def download(self):
        """Write the dated rasters in the background; then the table is refreshed and the Series folders set."""
        return self._run_download(list_only=False)

    def _run_download(self, list_only):
        problems = self.download_problems()
        if problems:
            self.download_status.setText("Fix the Download section first: " + problems[0])
            return None
        alg_id, params = self.download_parameters(list_only)
        self._download_params = params
        self._save()
        done = self._search_done if list_only else self._download_done
        return self._start(alg_id, params, done, self.download_progress, self.download_status)

    def _download_rows(self, results):
        """The rows of downloads.csv of this run's dates and sensors (the file also keeps earlier runs' rows)."""
        params = self._download_params
        sensors = {stac.SENSOR_NAMES[i] for i in params[P.SENSORS]}
        return [r for r in stac.read_csv(results[P.DOWNLOADS_CSV])
                if params[P.START] <= r.get("date", "") <= params[P.END] and r.get("sensor") in sensors]

    def _search_done(self, results):
        rows = self.fill_download_table(self._download_rows(results))
        found = [r for r in rows if r["status"] == "found"]
        low = [r for r in found if _number(r["clear_percent"]) < self._download_params[P.MIN_CLEAR]]
        landsat = sum(r["sensor"] in stac.BY_NAME and stac.BY_NAME[r["sensor"]].product == "Landsat" for r in found)
        text = f"Search: {len(found)} item(s) found ({len(found) - landsat} MODIS, {landsat} Landsat)"
        if low:
            text += f"; {len(low)} below the minimum clear {self._download_params[P.MIN_CLEAR]:g} % (Download rejects them)"
        others = len(rows) - len(found)
        if others:
            text += f"; {others} skipped or failed (see Reason)"
        self.download_status.setText(text + ". No raster written.")

    def _download_done(self, results):
        rows = self.fill_download_table(self._download_rows(results))
        modis, landsat = list(results.get(P.MODIS_FILES) or []), list(results.get(P.LANDSAT_FILES) or [])
        if modis:
            self.series_modis.setFilePath(os.path.dirname(modis[0]))
        if landsat:
            self.series_landsat.setFilePath(os.path.dirname(landsat[0]))
        n_modis, n_landsat = int(results.get(P.N_MODIS, len(modis))), int(results.get(P.N_LANDSAT, len(landsat)))
        text = f"Downloaded: {n_modis} MODIS and {n_landsat} Landsat date(s) in {results[P.OUTPUT]}"
        counts = {s: sum(r["status"] == s for r in rows) for s in ("kept", "rejected", "skipped", "failed")}
        extra = [f"{n} {s}" for s, n in counts.items() if n]
        if extra:
            text += " (items: " + ", ".join(extra) + ")"
        if modis and landsat:
            text += "; the Series folders are set"
        self.download_status.setText(text + ".")

    def fill_download_table(self, rows):
        """One row per item: date, sensor, scene cloud %, clear % in the AOI, status, item id, reason."""
        table = self.download_table
        table.setRowCount(len(rows))
        min_clear = float(self.min_clear.value())
        for i, r in enumerate(rows):
            for j, (col, _, _) in enumerate(DOWNLOAD_COLUMNS):
                value = r.get(col) or ""
                if col == "reason" and r.get("status") == "found":
                    value = ""  # "listed; not downloaded (LIST_ONLY)": what the status says (the tooltip keeps it)
                if col in ("cloud_cover", "clear_percent") and value:
                    value = f"{_number(value):.1f}"
                item = QTableWidgetItem(value)
                item.setToolTip(r.get(col) or "")
                if col in ("cloud_cover", "clear_percent"):
                    item.setTextAlignment(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
                if col == "clear_percent" and value and _number(value) < min_clear and r.get("status") == "found":
                    item.setForeground(QColor("#b35806"))
                    item.setToolTip(f"{r[col]} % clear: below the minimum {min_clear:g} %, Download rejects it")
                table.setItem(i, j, item)
        table.resizeColumnsToContents()
        # tall enough for the rows (up to 12, then it scrolls): the items are seen at once, not behind a scroll bar
        shown = min(len(rows), 12)
        height = (table.horizontalHeader().sizeHint().height() + shown * table.verticalHeader().defaultSectionSize()
                  + table.horizontalScrollBar().sizeHint().height() + 2 * table.frameWidth() + 2)
        table.setMinimumHeight(max(DOWNLOAD_TABLE_HEIGHT, height))
        return rows

    # ------------------------------------------------------------ evaluation
    def start_drawing(self):
        if self.iface is None:
            return
        from qgis.gui import QgsMapToolExtent

        canvas = self.iface.mapCanvas()
        self.map_tool = QgsMapToolExtent(canvas)
        self.map_tool.extentChanged.connect(self.add_rectangle)
        canvas.setMapTool(self.map_tool)

    def add_rectangle(self, rect, crs=None):
        if rect.isEmpty():
            return
        if crs is None and self.iface is not None:
            crs = self.iface.mapCanvas().mapSettings().destinationCrs()
        self.rectangles.append((f"rectangle {len(self.rectangles) + 1}", rect, crs))
        self.status.setText(f"{len(self.rectangles)} rectangle(s) drawn")

    def clear_rectangles(self):
        self.rectangles = []

    def _rectangle_layer(self):
        crs = self.rectangles[0][2]
        # the field in the URI: the same on QGIS 3.22 (QVariant types) and 3.38+ / Qt6 (QMetaType types)
        layer = QgsVectorLayer(f"Polygon?crs={crs.authid() or 'EPSG:4326'}&field=name:string", "drawn subregions", "memory")
        feats = []
        for name, rect, _ in self.rectangles:
            f = QgsFeature(layer.fields())
            f.setGeometry(QgsGeometry.fromRect(rect))
            f["name"] = name
            feats.append(f)
        layer.dataProvider().addFeatures(feats)
        return layer

    def _rectangle_file(self, path):
        from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter

        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = "GPKG"
        err = QgsVectorFileWriter.writeAsVectorFormatV2(self._rectangle_layer(), path, QgsCoordinateTransformContext(),
                                                        options)
        if err[0] != QgsVectorFileWriter.WriterError.NoError:
            raise OSError(f"cannot write the drawn rectangles to {path}: {err[1]}")
        return path

    @staticmethod
    def outline_style(layer):
        """Subregions drawn as outlines so the LST underneath stays visible."""
        from qgis.core import QgsFillSymbol

        layer.renderer().setSymbol(QgsFillSymbol.createSimple(
            {"style": "no", "outline_color": "black", "outline_width": "0.6"}))
        layer.triggerRepaint()

    def evaluate(self):
        pred, ref = self.prediction.currentLayer(), self.reference.currentLayer()
        if pred is None or ref is None:
            self.status.setText("Choose a prediction and a reference layer")
            return None
        out_dir = tempfile.mkdtemp(prefix="lstfusion_eval_")
        params = {P.PREDICTION: pred.source(), P.REFERENCE: ref.source(),
                  P.OUTPUT_TABLE: os.path.join(out_dir, "metrics.csv"),
                  P.OUTPUT_HTML: os.path.join(out_dir, "report.html")}
        if self.rectangles:  # a file, written here on the main thread: the worker gets no layer object
            params.update({P.SUBREGIONS: self._rectangle_file(os.path.join(out_dir, "rectangles.gpkg")),
                           P.NAME_FIELD: "name"})
        elif self.regions.currentLayer() is not None:
            params.update({P.SUBREGIONS: self.regions.currentLayer().source(), P.NAME_FIELD: self.name_field.currentField()})
        self._save()
        return self._start("lstfusion:evaluate", params, self._evaluation_done)

    def _evaluation_done(self, results):
        with open(results[P.OUTPUT_TABLE], newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        self.fill_table(rows)
        self.last_report = results.get(P.OUTPUT_HTML)
        self.report_button.setEnabled(bool(self.last_report))
        self.status.setText(f"Evaluated: RMSE {results[P.RMSE]:.3f}, SSIM {results[P.SSIM]:.3f}")

    def fill_table(self, rows):
        cols = ["region", "N", *METRICS]  # the columns of evaluate's OUTPUT_TABLE
        self.table.setColumnCount(len(cols))
        self.table.setHorizontalHeaderLabels(cols)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                self.table.setItem(i, j, QTableWidgetItem(r.get(c, "")))
        self.table.resizeColumnsToContents()

    def open_report(self):
        if self.last_report:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.last_report))

    # ------------------------------------------------------------ settings
    def _save(self):
        s = QgsSettings()
        s.setValue(SETTINGS + "method", self.method.currentText())
        s.setValue(SETTINGS + "checkpoint", self.checkpoint.filePath())
        for name, combo in self.combos.items():
            s.setValue(SETTINGS + name, combo.currentLayer().source() if combo.currentLayer() else "")
        self._save_download(s)

    def _save_download(self, s):
        d = DOWNLOAD_SETTINGS
        layer = self.aoi_layer.currentLayer()
        s.setValue(d + "aoi_layer", layer.source() if layer else "")
        if self.download_extent is not None:
            rect, crs = self.download_extent
            s.setValue(d + "extent", ",".join(repr(v) for v in (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(),
                                                                 rect.yMaximum())))
            s.setValue(d + "extent_crs", crs.authid() or "WKT:" + crs.toWkt())
        else:
            s.setValue(d + "extent", "")
        s.setValue(d + "start", self.download_start.date().toString("yyyy-MM-dd"))
        s.setValue(d + "end", self.download_end.date().toString("yyyy-MM-dd"))
        s.setValue(d + "sensors", ";".join(n for n, c in self.sensor_checks.items() if c.isChecked()))
        s.setValue(d + "max_cloud", self.max_cloud.value())
        s.setValue(d + "min_clear", self.min_clear.value())
        s.setValue(d + "stac_url", self.stac_url.text().strip())
        s.setValue(d + "token_url", self.token_url.text().strip())
        s.setValue(d + "folder", self.download_folder.filePath())

    def _restore(self):
        s = QgsSettings()
        idx = self.method.findText(s.value(SETTINGS + "method", "ESTARFM"))
        if idx >= 0:
            self.method.setCurrentIndex(idx)
        for name, combo in self.combos.items():
            src = s.value(SETTINGS + name, "")
            for lyr in QgsProject.instance().mapLayers().values():
                if src and lyr.source() == src:
                    combo.setLayer(lyr)
                    break
            else:
                combo.setLayer(None)
        ck = s.value(SETTINGS + "checkpoint", "")
        if ck:
            self.checkpoint.setFilePath(ck)
        self._restore_download(s)

    def _restore_download(self, s):
        d = DOWNLOAD_SETTINGS
        extent = s.value(d + "extent", "")
        if extent:
            try:
                x0, y0, x1, y1 = (float(v) for v in extent.split(","))
            except ValueError:
                pass
            else:
                crs = QgsCoordinateReferenceSystem(s.value(d + "extent_crs", "EPSG:4326"))
                if crs.isValid():
                    self.set_download_extent(QgsRectangle(x0, y0, x1, y1), crs)
        src = s.value(d + "aoi_layer", "")
        if src:
            for lyr in QgsProject.instance().mapLayers().values():
                if lyr.source() == src and isinstance(lyr, QgsVectorLayer):
                    self.aoi_layer.setLayer(lyr)
                    break
        for key, edit in (("start", self.download_start), ("end", self.download_end)):
            date = QDate.fromString(s.value(d + key, ""), "yyyy-MM-dd")
            if date.isValid():
                edit.setDate(date)
        sensors = s.value(d + "sensors", None)
        if sensors is not None:
            chosen = set(str(sensors).split(";"))
            for name, check in self.sensor_checks.items():
                check.setChecked(name in chosen)
        self.max_cloud.setValue(int(s.value(d + "max_cloud", 80, type=int)))
        self.min_clear.setValue(int(s.value(d + "min_clear", 20, type=int)))
        self.stac_url.setText(s.value(d + "stac_url", "") or stac.PLANETARY_COMPUTER)
        self.token_url.setText(s.value(d + "token_url", "") or "")
        folder = s.value(d + "folder", "")
        if folder:
            self.download_folder.setFilePath(folder)
        self.validate_download()

    def shutdown(self):
        if self.task is not None:
            self.cancel()
        if self.iface is not None:
            for tool in (self.map_tool, self.extent_tool):
                if tool is not None:
                    self.iface.mapCanvas().unsetMapTool(tool)
