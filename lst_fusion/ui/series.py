"""The Series section: lstfusion:fuse_series over a MODIS folder and a Landsat folder, loaded as a dated group."""
import os
import tempfile

from qgis.core import QgsProcessingContext, QgsProject, QgsRasterLayer
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QHBoxLayout, QLabel, QPushButton

from ..algorithms import names as P
from ..algorithms.fuse_series import PAIR_OPTIONS
from ..core.fusion.residual import MODES as CORRECTIONS
from ..i18n import tr
from ..series.uncertainty import is_map as is_uncertainty_map
from .ids import FUSE_SERIES
from .methods import series_choices, series_choices_auto_index
from .tasks import Section
from .widgets import combo_box, date_edit, date_text, shown_name


def rasters_in(folder):
    """The .tif/.tiff files of a folder, sorted by name; [] when there is no such folder."""
    if not folder or not os.path.isdir(folder):
        return []
    return [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.lower().endswith((".tif", ".tiff"))]


def folder_widget(tooltip):
    w = QgsFileWidget()
    w.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
    w.setToolTip(tooltip)
    return w


class SeriesSection(Section):
    NAME = "series"

    def __init__(self, runner, iface=None):
        super().__init__(tr("Series"), runner, iface)
        self.modis = folder_widget(tr("Folder of daily MODIS rasters dated by their names (MODIS)"))
        self.form.addRow(tr("MODIS folder"), self.modis)
        self.landsat = folder_widget(tr("Folder of Landsat rasters dated by their names, all on one grid (LANDSAT)"))
        self.form.addRow(tr("Landsat folder"), self.landsat)
        self.method = combo_box([(shown_name(tr(label)), i) for label, i in series_choices()],
                                tr("Fusion method (METHOD); auto chooses by leave-one-date-out on the series' pairs"))
        for row, (label, _) in enumerate(series_choices()):  # the whole label, e.g. what auto does, on hover
            self.method.setItemData(row, tr(label), Qt.ItemDataRole.ToolTipRole)
        self.method.setCurrentIndex(self.method.findData(series_choices_auto_index()))  # fuse_series' default
        self.form.addRow(tr("Method"), self.method)
        self.correction = combo_box([(tr(mode), i) for i, mode in enumerate(CORRECTIONS)],
                                    tr("MODIS-consistent residual correction (RESIDUAL_CORRECTION): 'scene mean' is the "
                                    "variant +SM of the validation, 'MODIS footprint' is +RC"))
        self.form.addRow(tr("Correction"), self.correction)
        self.pairs = combo_box([(shown_name(tr(label)) if i else tr("method's own"), i)
                                for i, (label, _) in enumerate(PAIR_OPTIONS)],
                               tr("Reference pairs of a method that can run with one or two, STARFM (PAIRS): as "
                               "validate_methods names its rows, 'STARFM (1 pair)' or 'STARFM (2 pairs)'"))
        self.form.addRow(tr("Pairs"), self.pairs)
        self.start_date = date_edit(tr("First date (START); none = the first MODIS date"), optional=True)
        self.end_date = date_edit(tr("Last date, included (END); none = the last MODIS date"), optional=True)
        dates_row = QHBoxLayout()
        for w in (self.start_date, QLabel(tr("to")), self.end_date):
            dates_row.addWidget(w, 0 if isinstance(w, QLabel) else 1)
        self.form.addRow(tr("Dates"), dates_row)
        self.output = folder_widget(tr("Series folder (OUTPUT); empty = a temporary folder"))
        self.form.addRow(tr("Output folder"), self.output)
        self.run_button = QPushButton(tr("Run series"))
        self.run_button.clicked.connect(lambda: self.run_series())
        self.add_buttons(self.run_button)

    def saved(self):
        return {"modis": self.modis, "landsat": self.landsat, "method": self.method, "correction": self.correction,
                "pairs": self.pairs, "start": self.start_date, "end": self.end_date, "output": self.output}

    def set_folders(self, modis, landsat):
        """The folders a Download wrote (an empty one is left as it is)."""
        if modis:
            self.modis.setFilePath(modis)
        if landsat:
            self.landsat.setFilePath(landsat)

    def set_method(self, label, correction=None):
        """Choose the method shown as ``label``, or a validation candidate such as 'STARFM (1 pair)' (method and
        PAIRS), and a RESIDUAL_CORRECTION mode; False when it is not offered."""
        from ..core.fusion.methods import BY_LABEL, get, parse_candidate
        from ..core.platform.errors import LstFusionError

        try:
            mid, rule = parse_candidate(label)
        except LstFusionError:
            return False
        i = self.method.findText(shown_name(tr(get(mid).label)))  # the label as shown
        if i < 0:
            return False
        self.method.setCurrentIndex(i)
        rules = [r for _, r in PAIR_OPTIONS]
        self.pairs.setCurrentIndex(0 if label in BY_LABEL else rules.index(rule))
        if correction is not None:
            self.correction.setCurrentIndex(list(CORRECTIONS).index(correction))
        return True

    def parameters(self):
        """lstfusion:fuse_series parameters from the section (folders listed into raster lists)."""
        params = {P.MODIS: rasters_in(self.modis.filePath()), P.LANDSAT: rasters_in(self.landsat.filePath()),
                  P.METHOD: self.method.currentData(), P.RESIDUAL_CORRECTION: self.correction.currentIndex(),
                  P.PAIRS: self.pairs.currentData(),
                  P.START: date_text(self.start_date), P.END: date_text(self.end_date),
                  P.OUTPUT: self.output.filePath() or tempfile.mkdtemp(prefix="lstfusion_series_")}
        return FUSE_SERIES, params

    def problems(self, params):
        problems = []
        if not params[P.MODIS] or not params[P.LANDSAT]:
            problems.append(tr("{modis}/{landsat}: choose a MODIS folder and a Landsat folder with rasters").format(
                modis=P.MODIS, landsat=P.LANDSAT))
        if params[P.START] and params[P.END] and params[P.START] > params[P.END]:
            problems.append(tr("{start_param} {start} is after {end_param} {end}: choose an earlier start").format(
                start_param=P.START, start=params[P.START], end_param=P.END, end=params[P.END]))
        return problems

    def run_series(self, overrides=None):
        """Run fuse_series in the background; ``overrides`` update the parameters."""
        alg_id, params = self.parameters()
        params.update(overrides or {})
        problems = self.problems(params)
        if problems:
            self.status.setText(problems[0])
            return None
        return self.start(alg_id, params, self._done)

    def _done(self, results):
        """Main thread: load the dated outputs Processing queued on the context, through series_layers' post-processor."""
        project = QgsProject.instance()
        context = QgsProcessingContext()
        context.setProject(project)
        loaded = maps = 0
        queued = self.runner.context
        for path, details in queued.layersToLoadOnCompletion().items():
            layer = QgsRasterLayer(path, details.name)
            if not layer.isValid():
                continue
            project.addMapLayer(layer, False)
            post = details.postProcessor()
            if post is not None:
                post.postProcessLayer(layer, context, self.runner.feedback)
            else:
                project.layerTreeRoot().addLayer(layer)
            if is_uncertainty_map(path):  # the date's uncertainty map (issue 38)
                maps += 1
            else:
                loaded += 1
        queued.setLayersToLoadOnCompletion({})
        unc = tr(" and {maps} uncertainty maps").format(maps=maps) if maps else ""
        text = tr("Series done: {loaded} dated layers{unc} from {folder}").format(
            loaded=loaded, unc=unc, folder=results[P.OUTPUT])
        applied, why = results.get(P.METHOD_APPLIED), results.get(P.METHOD_CHOICE)
        if applied:  # what ran and why (auto's choice with its scores, or its fallback's reason)
            text += tr(". Applied: {applied}. Why: {why}").format(applied=applied, why=why)
        correction = results.get(P.CORRECTION_APPLIED)
        if correction in CORRECTIONS:  # the Correction box shows what was applied (auto chooses its own)
            self.correction.setCurrentIndex(list(CORRECTIONS).index(correction))
        self.status.setText(text)
