"""The Evaluation section: a prediction against a reference, per subregion (a polygon layer or drawn rectangles)."""
import csv
import os
import tempfile

from qgis.gui import QgsFieldComboBox, QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt, QUrl
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import QAbstractItemView, QHBoxLayout, QPushButton, QTableWidget, QTableWidgetItem

from ..algorithms import names as P
from ..algorithms import qgis_enums
from ..core.evaluation.metrics import METRICS
from ..i18n import tr
from .ids import EVALUATE
from .tasks import Section
from .widgets import ExtentTool, fit_rows, number_item, rectangles_layer, write_gpkg

TABLE_HEIGHT = 170  # px
REGION_COLUMN_WIDTH = 120  # px: at most, so that three regions fit the dock's default width


def header_lines(text, metrics, width):
    """``text`` broken at spaces into at most three lines of ``width`` px (QFontMetrics ``metrics``), each elided in
    its middle when still wider."""
    lines = []
    for word in text.split():
        if lines and metrics.horizontalAdvance(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    lines = lines[:2] + [" ".join(lines[2:])] if len(lines) > 3 else lines
    return "\n".join(metrics.elidedText(line, Qt.TextElideMode.ElideMiddle, width) for line in lines)


def outline_style(layer):
    """Subregions drawn as outlines so the LST underneath stays visible."""
    from qgis.core import QgsFillSymbol

    layer.renderer().setSymbol(QgsFillSymbol.createSimple({"style": "no", "outline_color": "black",
                                                           "outline_width": "0.6"}))
    layer.triggerRepaint()


class EvaluationSection(Section):
    NAME = "evaluation"

    def __init__(self, runner, iface=None):
        super().__init__(tr("Evaluation"), runner, iface)
        self.rectangles = []
        self.last_report = None
        self.prediction = QgsMapLayerComboBox()
        self.prediction.setFilters(qgis_enums.FILTER_RASTER_LAYER)
        self.form.addRow(tr("Prediction"), self.prediction)
        self.reference = QgsMapLayerComboBox()
        self.reference.setFilters(qgis_enums.FILTER_RASTER_LAYER)
        self.form.addRow(tr("Reference"), self.reference)
        self.regions = QgsMapLayerComboBox()
        self.regions.setFilters(qgis_enums.FILTER_POLYGON_LAYER)
        self.regions.setAllowEmptyLayer(True)
        self.regions.setLayer(None)
        self.form.addRow(tr("Subregions"), self.regions)
        self.name_field = QgsFieldComboBox()
        self.regions.layerChanged.connect(self.name_field.setLayer)
        self.form.addRow(tr("Name field"), self.name_field)
        self.rectangle_tool = ExtentTool(iface, self.add_rectangle, once=False)
        rect_row = QHBoxLayout()
        self.draw_button = QPushButton(tr("Draw rectangle"))
        self.draw_button.clicked.connect(self.rectangle_tool.arm)
        self.clear_button = QPushButton(tr("Clear rectangles"))
        self.clear_button.clicked.connect(self.clear_rectangles)
        rect_row.addWidget(self.draw_button)
        rect_row.addWidget(self.clear_button)
        self.form.addRow(rect_row)
        self.evaluate_button = QPushButton(tr("Evaluate"))
        self.evaluate_button.clicked.connect(lambda: self.evaluate())
        self.report_button = QPushButton(tr("Open report"))
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.open_report)
        row = QHBoxLayout()
        row.addWidget(self.evaluate_button)
        row.addWidget(self.report_button)
        row.addWidget(self.cancel_button)
        self.start_buttons.append(self.evaluate_button)
        self.form.addRow(row)
        self.form.addRow(self.progress)
        self.form.addRow(self.status)
        self.table = QTableWidget(0, 0)
        self.table.setMinimumHeight(TABLE_HEIGHT)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setHighlightSections(False)
        self.form.addRow(self.table)

    def saved(self):
        return {"subregions": self.regions, "name_field": self.name_field}

    def add_rectangle(self, rect, crs=None):
        if rect.isEmpty():
            return
        if crs is None and self.iface is not None:
            crs = self.iface.mapCanvas().mapSettings().destinationCrs()
        self.rectangles.append((f"rectangle {len(self.rectangles) + 1}", rect, crs))
        self.status.setText(tr("{n} rectangle(s) drawn").format(n=len(self.rectangles)))

    def clear_rectangles(self):
        self.rectangles = []
        self.status.setText("")

    def parameters(self):
        """lstfusion:evaluate parameters: files only (drawn rectangles and scratch layers written here first)."""
        pred, ref = self.prediction.currentLayer(), self.reference.currentLayer()
        out_dir = tempfile.mkdtemp(prefix="lstfusion_eval_")
        params = {P.PREDICTION: pred.source(), P.REFERENCE: ref.source(),
                  P.OUTPUT_TABLE: os.path.join(out_dir, "metrics.csv"),
                  P.OUTPUT_HTML: os.path.join(out_dir, "report.html")}
        regions = self.regions.currentLayer()
        if self.rectangles:
            params.update({P.SUBREGIONS: write_gpkg(rectangles_layer(self.rectangles),
                                                    os.path.join(out_dir, "rectangles.gpkg")),
                           P.NAME_FIELD: "name"})
        elif regions is not None:
            source = regions.source()
            if regions.providerType() == "memory":
                source = write_gpkg(regions, os.path.join(out_dir, "subregions.gpkg"))
            params.update({P.SUBREGIONS: source, P.NAME_FIELD: self.name_field.currentField()})
        return EVALUATE, params

    def evaluate(self):
        if self.prediction.currentLayer() is None or self.reference.currentLayer() is None:
            self.status.setText(tr("{prediction}/{reference}: choose a prediction and a reference layer").format(
                prediction=P.PREDICTION, reference=P.REFERENCE))
            return None
        alg_id, params = self.parameters()
        return self.start(alg_id, params, self._done)

    def _done(self, results):
        with open(results[P.OUTPUT_TABLE], newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        self.fill_table(rows)
        self.last_report = results.get(P.OUTPUT_HTML)
        self.report_button.setEnabled(bool(self.last_report))
        unit = results.get(P.UNIT) or ""  # the reference's declared unit (a guess says so)
        self.status.setText(tr("Evaluated: RMSE {rmse:.3f} {unit}, SSIM {ssim:.3f}").format(
            rmse=results[P.RMSE], unit=unit, ssim=results[P.SSIM]).replace(" ,", ","))

    def fill_table(self, rows):
        """One column per region, one row per metric (N, then evaluate's METRICS): the metrics stay readable at
        the dock's default width, where one row per region cut the table after its third column."""
        metrics = ["N", *METRICS]  # the columns of evaluate's OUTPUT_TABLE after "region"
        table = self.table
        table.clear()
        table.setRowCount(len(metrics))
        table.setColumnCount(len(rows))
        table.setVerticalHeaderLabels(metrics)
        header = table.horizontalHeader()
        for j, r in enumerate(rows):
            name = r.get("region", "")
            # a long region name on up to three lines, elided beyond (its tooltip has it whole)
            item = QTableWidgetItem(header_lines(name, header.fontMetrics(), REGION_COLUMN_WIDTH - 12))
            item.setToolTip(name)
            table.setHorizontalHeaderItem(j, item)
            for i, m in enumerate(metrics):
                table.setItem(i, j, number_item(r.get(m, "")))
        table.resizeColumnsToContents()
        for j in range(len(rows)):
            table.setColumnWidth(j, min(table.columnWidth(j), REGION_COLUMN_WIDTH))
        fit_rows(table, len(metrics), TABLE_HEIGHT)

    def open_report(self):
        if self.last_report:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.last_report))
