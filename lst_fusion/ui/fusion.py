"""The Fusion section: the input layers with their dates, the method, and one fused raster added with a style."""
import datetime as dt
import os
import tempfile

from qgis.core import QgsProject, QgsRasterLayer
from qgis.gui import QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QHBoxLayout, QLabel, QPushButton

from ..algorithms import names as P
from ..algorithms import qgis_enums
from ..algorithms.outputs import style_lst_layer
from ..core.data.dates import parse_date
from ..core.platform import backends
from ..core.platform.errors import LstFusionError
from ..i18n import tr
from .methods import ROLES, TWO_PAIRS, methods
from .tasks import Section
from .widgets import combo_box, date_edit, date_text, set_date, warning_label


def device_text():
    if not backends.torch_available():
        return tr("PyTorch not installed (deep models unavailable)")
    import torch

    return f"CUDA: {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else tr("CPU")


def pair_order_advice(method, dates):
    """The advice for a two-pair method (it requires both pairs) whose pair 1 is not before and pair 2 not after
    the target date; None otherwise. ``dates``: {role parameter: datetime.date} of the dated inputs."""
    if not TWO_PAIRS <= set(method.roles):
        return None
    t, d1, d2 = (dates.get(k) for k in (P.COARSE_TARGET, P.COARSE_REF1, P.COARSE_REF2))
    if t is None or d1 is None or d2 is None or d1 < t < d2:
        return None
    return tr("{method} expects pair 1 before and pair 2 after the target date ({coarse_ref1} {d1}, "
              "{coarse_target} {t}, {coarse_ref2} {d2}); it runs anyway").format(
        method=method.label, coarse_ref1=P.COARSE_REF1, d1=d1, coarse_target=P.COARSE_TARGET, t=t, coarse_ref2=P.COARSE_REF2, d2=d2)


# px: a layer combo no narrower; where the label, this and the date do not fit the dock's width, the row wraps
# (tasks.Section: the label above, the combo and date on the whole width below) so that layer names are read whole
LAYER_WIDTH = 230


class FusionSection(Section):
    NAME = "fusion"
    fused = pyqtSignal(object)  # the fused QgsRasterLayer, added to the project

    def __init__(self, runner, iface=None):
        super().__init__(tr("Fusion"), runner, iface)
        self.combos, self.dates = {}, {}
        for name, label, tip in ROLES:
            combo = QgsMapLayerComboBox()
            combo.setToolTip(tr(tip) + f" ({name})")
            combo.setMinimumWidth(LAYER_WIDTH)
            combo.setFilters(qgis_enums.FILTER_RASTER_LAYER)
            combo.setAllowEmptyLayer(True)
            combo.setLayer(None)  # not the project's first raster: nothing until chosen or restored
            combo.setObjectName(name)
            date = date_edit(tr("Acquisition date, read from the layer or file name; editable"), optional=True)
            combo.layerChanged.connect(lambda lyr, d=date: self._fill_date(lyr, d))
            # the layer's whole name where the panel's width cuts it off
            combo.layerChanged.connect(lambda lyr, c=combo, t=tr(tip) + f" ({name})": c.setToolTip(
                t + ("\n" + lyr.name() if lyr is not None else "")))
            combo.layerChanged.connect(self.validate)
            date.dateChanged.connect(self.validate)
            row = QHBoxLayout()
            row.addWidget(combo, 1)
            row.addWidget(date)
            self.form.addRow(tr(label), row)
            self.combos[name], self.dates[name] = combo, date
        self.warning = warning_label()
        self.form.addRow(self.warning)
        self.advice = []
        # the methods of one date's pairs (All-pairs regression takes every pair: the Series section runs it)
        self.methods = [m for m in methods() if P.FINE_REF1 in m.roles]
        self.method = combo_box([(tr(m.label), m.key) for m in self.methods])
        self.method.currentIndexChanged.connect(self._method_changed)
        self.method.setToolTip(tr("Fusion method"))
        self.form.addRow(tr("Method"), self.method)
        self.checkpoint = QgsFileWidget()
        self.checkpoint.setFilter("Checkpoint (*.pt)")
        self.form.addRow(tr("Checkpoint"), self.checkpoint)
        self.device = QLabel(device_text())
        self.device.setWordWrap(True)
        self.form.addRow(tr("Device"), self.device)
        self.output = QgsFileWidget()
        self.output.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.output.setFilter("GeoTIFF (*.tif)")
        self.output.lineEdit().setPlaceholderText(tr("optional; empty = a temporary file"))
        self.form.addRow(tr("Output"), self.output)
        self.run_button = QPushButton(tr("Run"))
        self.run_button.clicked.connect(lambda: self.run())
        self.add_buttons(self.run_button)

    def saved(self):
        return {"method": self.method, "checkpoint": self.checkpoint, **self.combos}

    def restore(self):
        super().restore()
        for name, combo in self.combos.items():  # a restored layer that was already current emitted no change
            self._fill_date(combo.currentLayer(), self.dates[name])
        self._method_changed()

    @staticmethod
    def _fill_date(layer, edit):
        if layer is None:
            return
        try:
            d = parse_date(layer.source()) or parse_date(layer.name())
        except LstFusionError:  # several dates in the name: leave the field for the user
            d = None
        if d is not None:
            set_date(edit, d)

    def current_method(self):
        return self.methods[max(self.method.currentIndex(), 0)]

    def _method_changed(self, *_):
        m = self.current_method()
        for name, combo in self.combos.items():
            combo.setEnabled(name in m.roles)
            self.dates[name].setEnabled(name in m.roles)
        self.checkpoint.setEnabled(not m.classical)
        if not m.classical:
            from ..deep.checkpoint import bundled_checkpoint

            if not self.checkpoint.filePath() or not self.checkpoint.filePath().endswith(f"{m.key}.pt"):
                path = bundled_checkpoint(m.key)
                self.checkpoint.setFilePath(path if os.path.exists(path) else "")
        self.validate()

    def validate(self, *_):
        """What keeps Run off (missing inputs, grids, CRS, same-day pairs), returned; the pair-order advice of a
        two-pair method goes to ``self.advice``. Both are shown in the warning line."""
        m = self.current_method()
        problems = []
        layers = {n: self.combos[n].currentLayer() for n in m.roles}
        missing = [n for n, lyr in layers.items() if lyr is None]
        if missing:
            problems.append(tr("Missing: {parameters}").format(parameters=", ".join(missing)))
        present = {n: lyr for n, lyr in layers.items() if lyr is not None}
        if present:
            first_name, first = next(iter(present.items()))
            for n, lyr in present.items():
                if lyr.crs() != first.crs():
                    problems.append(tr("{n}: CRS {crs} differs from {first} ({first_crs})").format(
                        n=n, crs=lyr.crs().authid(), first=first_name, first_crs=first.crs().authid()))
                elif (lyr.width(), lyr.height()) != (first.width(), first.height()) or lyr.extent() != first.extent():
                    problems.append(tr("{n}: grid differs from {first} (resample it with lstfusion:resample)").format(
                        n=n, first=first_name))
        dates = {n: dt.date.fromisoformat(date_text(self.dates[n])) for n in m.roles if date_text(self.dates[n])}
        for a, b in ((P.FINE_REF1, P.COARSE_REF1), (P.FINE_REF2, P.COARSE_REF2)):
            if a in dates and b in dates and dates[a] != dates[b]:
                problems.append(tr("{a} and {b} are not the same day").format(a=a, b=b))
        advice = pair_order_advice(m, dates)
        self.advice = [advice] if advice else []
        self.warning.setText("\n".join(problems + self.advice))
        return problems

    def parameters(self):
        m = self.current_method()
        params = {n: self.combos[n].currentLayer().source() for n in m.roles if self.combos[n].currentLayer()}
        if not m.classical:
            params[P.CHECKPOINT] = self.checkpoint.filePath()
        out = self.output.filePath() or os.path.join(tempfile.mkdtemp(prefix="lstfusion_"), f"{m.label}.tif")
        params[P.OUTPUT] = out
        return m.alg_id, params

    def run(self):
        problems = self.validate()
        if problems:
            self.status.setText(tr("Fix the inputs first: ") + problems[0])
            return None
        alg_id, params = self.parameters()
        return self.start(alg_id, params, self._done)

    def _done(self, results):
        layer = QgsRasterLayer(results[P.OUTPUT], f"{self.method.currentText()} LST")
        if layer.isValid():
            style_lst_layer(layer)  # temperature style; name = method and date from the raster's tags
            QgsProject.instance().addMapLayer(layer)
            self.fused.emit(layer)
        self.status.setText(tr("Done: {output}").format(output=results[P.OUTPUT]))
