"""The Validate section: lstfusion:validate_methods on a dataset folder or the Series section's folders, its mean
table, its HTML report, and its recommendation handed to the Series section (docs/validation.md)."""
import csv
import os
import tempfile

from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtGui import QDesktopServices, QFont
from qgis.PyQt.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QPushButton, QSpinBox, QTableWidgetItem

from ..algorithms import names as P
from ..core.evaluation import protocol
from ..i18n import QT_TRANSLATE_NOOP, tr
from ..models import registry
from ..validation.auto import RESIDUAL_OF_VARIANT
from ..validation.validate import COLUMNS
from .ids import VALIDATE_METHODS
from .methods import methods
from .series import folder_widget, rasters_in
from .tasks import Section
from .widgets import fit_columns, fit_rows, number_item, read_only_table

TABLE_HEIGHT = 170  # px
DEFAULT_EPOCHS = 5  # when the algorithm is not registered (its EPOCHS default otherwise)
# (mean-table key, header, header tooltip)
MEAN_OF = QT_TRANSLATE_NOOP("@default", "mean {metric} over the test dates")
# (headers and tooltips marked for translation, translated where shown: widgets.read_only_table)
MEAN_COLUMNS = (
    ("method", QT_TRANSLATE_NOOP("@default", "Method"), QT_TRANSLATE_NOOP("@default", "method or baseline")),
    ("variant", QT_TRANSLATE_NOOP("@default", "Variant"),
     QT_TRANSLATE_NOOP("@default", "as is, +SM (scene-mean correction), +RC (correction per MODIS footprint)")),
    ("dates", QT_TRANSLATE_NOOP("@default", "Dates"), QT_TRANSLATE_NOOP("@default", "test dates"))) + tuple(
    (c, c, MEAN_OF.format(metric=c)) for c in COLUMNS) + (
    ("beats MODIS resampled", QT_TRANSLATE_NOOP("@default", "Beats MODIS"),
     QT_TRANSLATE_NOOP("@default", "test dates on which its RMSE is below MODIS resampled's")),
    ("vs MODIS resampled", QT_TRANSLATE_NOOP("@default", "vs MODIS"),
     QT_TRANSLATE_NOOP("@default", "mean RMSE relative to MODIS resampled's (positive: lower, better)")))


def mean_table(path):
    """The mean table of a validate_methods CSV: protocol.mean_over_dates over its whole-image rows, as the report."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        return []
    whole = rows[0]["region"]  # metrics.region_masks: the whole image comes first
    rows = [dict(r, **{c: float(r[c]) for c in COLUMNS}) for r in rows if r["region"] == whole]
    return protocol.mean_over_dates(rows, COLUMNS)


def csv_unit(path):
    """The unit column of a validate_methods CSV (its first row's), '' when it has none."""
    with open(path, newline="", encoding="utf-8") as fh:
        first = next(csv.DictReader(fh), None)
    return (first or {}).get("unit") or ""


def epochs_default():
    from qgis.core import QgsApplication

    alg = QgsApplication.processingRegistry().algorithmById(VALIDATE_METHODS)
    return int(alg.parameterDefinition(P.EPOCHS).defaultValue()) if alg is not None else DEFAULT_EPOCHS


class ValidateSection(Section):
    NAME = "validate"

    def __init__(self, runner, series, iface=None):
        super().__init__(tr("Validate"), runner, iface)
        self.series = series
        self.recommendation = None  # (RECOMMENDED_METHOD, RECOMMENDED_VARIANT) of the last run
        self.summary = ""  # the status line of the last run
        self.last_report = None
        self.dataset = folder_widget(tr("A folder written by lstfusion:align_pairs, with index.csv (DATASET)"))
        self.form.addRow(tr("Dataset folder"), self.dataset)
        self.use_series = QCheckBox(tr("the Series folders instead"))
        self.use_series.setToolTip(tr("The rasters of the Series section's MODIS and Landsat folders, passed as MODIS "
                                   "and LANDSAT: they are aligned into <output>/validation_dataset first"))
        self.use_series.toggled.connect(lambda on: self.dataset.setEnabled(not on))
        self.form.addRow("", self.use_series)
        grid = QGridLayout()
        self.method_checks = {}
        torch = registry.torch_available()
        offered = [m for m in methods() if m.validate_index is not None]
        for i, m in enumerate(offered):
            check = QCheckBox(tr(m.label))
            check.setChecked(m.classical)  # the default: the classical methods (deep models train per test date)
            check.setEnabled(m.classical or torch)
            check.setToolTip(tr("classical") if m.classical else tr("deep model, trained anew per test date (small size)")
                             + ("" if torch else tr("; PyTorch is not installed")))
            grid.addWidget(check, i // 2, i % 2)
            self.method_checks[m.key] = (check, m)
        self.form.addRow(tr("Methods"), grid)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 1000)
        self.epochs.setValue(epochs_default())
        self.epochs.setToolTip(tr("Deep models: training budget per test date in epochs, with early stopping (EPOCHS)"))
        self.form.addRow(tr("Epochs"), self.epochs)
        self.output = folder_widget(tr("Folder for validation.csv and validation.html; empty = a temporary folder"))
        self.form.addRow(tr("Output folder"), self.output)
        self.run_button = QPushButton(tr("Validate"))
        self.run_button.setToolTip(tr("Leave-one-date-out over every pair with a pair before and after it"))
        self.run_button.clicked.connect(lambda: self.run())
        self.add_buttons(self.run_button)
        self.table = read_only_table([(h, t) for _, h, t in MEAN_COLUMNS], TABLE_HEIGHT)
        self.form.addRow(self.table)
        self.report_button = QPushButton(tr("Open report"))
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.open_report)
        self.use_button = QPushButton(tr("Use recommendation"))
        self.use_button.setEnabled(False)
        self.use_button.setToolTip(tr("Set the Series section's method and correction to the recommendation"))
        self.use_button.clicked.connect(self.use_recommendation)
        row = QHBoxLayout()
        row.addWidget(self.report_button)
        row.addWidget(self.use_button)
        self.form.addRow(row)

    def saved(self):
        return {"dataset": self.dataset, "use_series": self.use_series, "epochs": self.epochs, "output": self.output,
                **{f"method {key}": check for key, (check, _) in self.method_checks.items()}}

    def chosen(self):
        return [m for check, m in self.method_checks.values() if check.isChecked() and check.isEnabled()]

    def parameters(self):
        """lstfusion:validate_methods parameters: a dataset folder or the Series folders' rasters, files only."""
        out = self.output.filePath() or tempfile.mkdtemp(prefix="lstfusion_validate_")
        params = {P.METHODS: [m.validate_index for m in self.chosen()], P.EPOCHS: self.epochs.value(),
                  P.OUTPUT_CSV: os.path.join(out, "validation.csv"), P.OUTPUT_HTML: os.path.join(out, "validation.html")}
        if self.use_series.isChecked():
            params[P.MODIS] = rasters_in(self.series.modis.filePath())
            params[P.LANDSAT] = rasters_in(self.series.landsat.filePath())
        else:
            params[P.DATASET] = self.dataset.filePath().strip()
        return VALIDATE_METHODS, params

    def problems(self, params):
        problems = []
        if self.use_series.isChecked():
            if not params[P.MODIS] or not params[P.LANDSAT]:
                problems.append(tr("{modis}/{landsat}: choose the Series section's MODIS and Landsat folders "
                                   "(with rasters) first").format(modis=P.MODIS, landsat=P.LANDSAT))
        elif not os.path.isdir(params[P.DATASET]):
            problems.append(tr("{dataset}: choose a folder written by lstfusion:align_pairs, or tick the Series "
                               "section's folders").format(dataset=P.DATASET))
        if not params[P.METHODS]:
            problems.append(tr("{methods}: choose at least one method").format(methods=P.METHODS))
        return problems

    def run(self):
        alg_id, params = self.parameters()
        problems = self.problems(params)
        if problems:
            self.status.setText(problems[0])
            return None
        self.recommendation = None
        self.use_button.setEnabled(False)
        return self.start(alg_id, params, self._done)

    def _done(self, results):
        rows = mean_table(results[P.OUTPUT_CSV])
        self.recommendation = (results[P.RECOMMENDED_METHOD], results[P.RECOMMENDED_VARIANT])
        self.fill_table(rows)
        self.last_report = results.get(P.OUTPUT_HTML)
        self.report_button.setEnabled(bool(self.last_report) and os.path.exists(self.last_report))
        self.use_button.setEnabled(True)
        method, variant = self.recommendation
        text = tr("Validated on {n} test date(s): recommended {method} {variant}").format(
            n=int(results[P.N_FOLDS]), method=method, variant=variant)
        unit = csv_unit(results[P.OUTPUT_CSV])
        if unit:
            text += tr("; errors (RMSE, MAE, BIAS) in {unit}").format(unit=unit)
        if rows and rows[0]["method"] == protocol.BASELINE_MODIS:
            text += tr("; but no method beats {baseline} on this series").format(baseline=protocol.BASELINE_MODIS)
        self.summary = text + "."
        self.status.setText(self.summary)

    def fill_table(self, rows):
        """The mean table, lowest mean RMSE first; the recommended row in bold."""
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            recommended = (r["method"], r["variant"]) == self.recommendation
            for j, (col, _, _) in enumerate(MEAN_COLUMNS):
                value = r[col]
                item = number_item(f"{value:.3f}") if isinstance(value, float) else QTableWidgetItem(str(value))
                if recommended:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                    item.setToolTip(tr("the recommendation"))
                elif not isinstance(value, float):
                    item.setToolTip(str(value))  # whole where its column is narrower
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        fit_columns(self.table)
        fit_rows(self.table, len(rows), TABLE_HEIGHT)

    def open_report(self):
        if self.last_report:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.last_report))

    def use_recommendation(self):
        """The Series section's method and correction set to the recommendation (RECOMMENDED_METHOD and _VARIANT)."""
        if self.recommendation is None:
            return False
        method, variant = self.recommendation
        if not self.series.set_method(method, RESIDUAL_OF_VARIANT.get(variant)):
            self.status.setText(tr("{method} is not a method of the Series section").format(method=method))
            return False
        self.status.setText(tr("{summary} The Series method is now {method} with the correction {correction!r} "
                               "({variant}).").format(summary=self.summary, method=method,
                                                      correction=self.series.correction.currentText(),
                                                      variant=variant).strip())
        return True
