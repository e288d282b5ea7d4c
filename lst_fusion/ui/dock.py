"""The LST Fusion dock panel.

Walks a user from "these are my MODIS and Landsat layers" to "this is the
30 m LST for that day and how good it is over the city centre": it runs the
*same* Processing algorithms as the Toolbox, in the background
(QgsProcessingAlgRunnerTask), with progress and a working Cancel, adds the
result with a temperature colour ramp, and evaluates it per subregion (a
polygon layer or rectangles drawn on the map).

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
    QgsFeature,
    QgsField,
    QgsGeometry,
    QgsMapLayerProxyModel,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterDefinition,
    QgsProject,
    QgsRasterLayer,
    QgsSettings,
    QgsVectorLayer,
)
from qgis.gui import QgsDockWidget, QgsFieldComboBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt, QThread, QUrl, QVariant, pyqtSlot
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..algorithms import names as P
from ..algorithms.fuse_series import method_options as series_method_options
from ..algorithms.outputs import style_lst_layer
from ..core import backends
from ..core.dates import parse_date, to_date
from ..core.errors import LstFusionError
from ..core.metrics import METRICS
from ..core.roles import BY_PARAMETER
from ..models import registry

# (parameter, label, tooltip) from the one role table (core/roles.py), in the panel's order
FUSION_ORDER = (P.COARSE_TARGET, P.FINE_REF1, P.COARSE_REF1, P.FINE_REF2, P.COARSE_REF2)
ROLES = [(p, BY_PARAMETER[p].label, BY_PARAMETER[p].help) for p in FUSION_ORDER]
SETTINGS = "lstfusion/dock/"


def _required_roles(alg_id, fallback):
    """The input-role parameters an algorithm requires, asked of the Processing registry (its own
    parameter definitions), in their order; ``fallback`` when the provider is not registered."""
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    if alg is None:
        return list(fallback)
    return [d.name() for d in alg.parameterDefinitions()
            if d.name() in BY_PARAMETER and not d.flags() & QgsProcessingParameterDefinition.FlagOptional]


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


class LstFusionDock(QgsDockWidget):
    def __init__(self, iface=None, parent=None):
        super().__init__("LST Fusion", parent)
        self.setObjectName("LstFusionDock")
        self.setMinimumWidth(400)
        self.iface = iface
        self.task = None
        self.feedback = None
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
            combo.setFilters(QgsMapLayerProxyModel.RasterLayer)
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
        self.output.setStorageMode(QgsFileWidget.SaveFile)
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
        self.prediction.setFilters(QgsMapLayerProxyModel.RasterLayer)
        eform.addRow("Prediction", self.prediction)
        self.reference = QgsMapLayerComboBox()
        self.reference.setFilters(QgsMapLayerProxyModel.RasterLayer)
        eform.addRow("Reference", self.reference)
        self.regions = QgsMapLayerComboBox()
        self.regions.setFilters(QgsMapLayerProxyModel.PolygonLayer)
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

        series = QGroupBox("Series")
        sform = QFormLayout(series)
        self.series_modis = QgsFileWidget()
        self.series_modis.setStorageMode(QgsFileWidget.GetDirectory)
        self.series_modis.setToolTip("Folder of daily MODIS rasters dated by their names (MODIS)")
        sform.addRow("MODIS folder", self.series_modis)
        self.series_landsat = QgsFileWidget()
        self.series_landsat.setStorageMode(QgsFileWidget.GetDirectory)
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
        self.series_output.setStorageMode(QgsFileWidget.GetDirectory)
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
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(body)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # as wide as the widest section instead
        scroll.setMinimumWidth(body.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width())
        self.scroll = scroll
        self.setWidget(scroll)
        self._restore()
        self._method_changed()

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

    def _start(self, alg_id, params, on_done):
        alg = QgsApplication.processingRegistry().createAlgorithmById(alg_id)
        if alg is None:
            self.status.setText(f"Algorithm {alg_id} is not registered")
            return None
        # no project on the context: the worker thread must not reach the project or its layers (see module doc)
        self.context = QgsProcessingContext()
        self.feedback = QgsProcessingFeedback()
        # bound methods of this QObject: queued to the main thread when emitted from the worker
        self.feedback.progressChanged.connect(self._on_progress)
        self._on_done = on_done
        self.task = QgsProcessingAlgRunnerTask(alg, params, self.context, self.feedback)
        self.task.executed.connect(self._on_executed)
        self.run_button.setEnabled(False)
        self.evaluate_button.setEnabled(False)
        self.series_run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText(f"Running {alg.displayName()} …")
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    @pyqtSlot(float)
    def _on_progress(self, percent):
        self.progress.setValue(int(percent))

    @pyqtSlot(bool, "QVariantMap")
    def _on_executed(self, ok, results):
        self._finished(ok, results, self._on_done)

    def cancel(self):
        if self.feedback is not None:
            self.feedback.cancel()
        if self.task is not None:
            self.task.cancel()
        self.status.setText("Cancelling …")

    def _finished(self, ok, results, on_done):
        assert QThread.currentThread() is QgsApplication.instance().thread(), "dock results off the main thread"
        self.run_button.setEnabled(True)
        self.evaluate_button.setEnabled(True)
        self.series_run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        cancelled = self.feedback is not None and self.feedback.isCanceled()
        self.task = None
        if cancelled:
            self.status.setText("Cancelled; no output was written.")
            return
        if not ok:
            self.status.setText("Failed: see the log panel (Processing tab) for the reason.")
            return
        self.progress.setValue(100)
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
        layer = QgsVectorLayer(f"Polygon?crs={crs.authid() or 'EPSG:4326'}", "drawn subregions", "memory")
        layer.dataProvider().addAttributes([QgsField("name", QVariant.String)])
        layer.updateFields()
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
        if err[0] != QgsVectorFileWriter.NoError:
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

    def shutdown(self):
        if self.task is not None:
            self.cancel()
        if self.map_tool is not None and self.iface is not None:
            self.iface.mapCanvas().unsetMapTool(self.map_tool)
