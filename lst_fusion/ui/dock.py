"""The LST Fusion dock panel: its sections, one module each, over one background-task runner.

Walks a user from "these are my MODIS and Landsat layers" to "this is the 30 m LST for that day and how good
it is over the city centre", and from a downloaded series to "which method works here". Every section runs
the *same* Processing algorithm as the Toolbox, in the background, with its own progress bar, status line and
Cancel (ui/tasks.py: workers get file paths only; results arrive on the main thread):

* Fusion (ui/fusion.py): input layers and dates, the method, one fused raster added with a temperature style;
* Evaluation (ui/evaluation.py): a prediction against a reference per subregion; the fused raster comes here;
* Download (ui/download.py): a STAC search and download; its folders go to the Series section;
* Series (ui/series.py): fuse_series over two folders, loaded as a dated group;
* Validate (ui/validate.py): validate_methods; its recommendation sets the Series method and correction.

Each section keeps its settings under ``lstfusion/dock/<section>/`` (ui/settings.py).
"""
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from ..i18n import tr
from .download import DownloadSection
from .evaluation import EvaluationSection
from .fusion import FusionSection
from .series import SeriesSection
from .tasks import TaskRunner
from .validate import ValidateSection


class LstFusionDock(QgsDockWidget):
    def __init__(self, iface=None, parent=None):
        super().__init__(tr("LST Fusion"), parent)
        self.setObjectName("LstFusionDock")
        self.setMinimumWidth(400)
        self.iface = iface
        self.runner = TaskRunner(self)
        self.fusion = FusionSection(self.runner, iface)
        self.evaluation = EvaluationSection(self.runner, iface)
        self.download = DownloadSection(self.runner, iface)
        self.series = SeriesSection(self.runner, iface)
        self.validation = ValidateSection(self.runner, self.series, iface)
        self.sections = (self.fusion, self.evaluation, self.download, self.series, self.validation)
        self.fusion.fused.connect(self.evaluation.prediction.setLayer)
        self.download.folders.connect(self.series.set_folders)
        body = QWidget()
        lay = QVBoxLayout(body)
        for section in self.sections:
            lay.addWidget(section)
        lay.addStretch(1)
        # the sections are taller than a 1000 px screen: they scroll inside the dock instead of being cut off
        scroll = QScrollArea()
        scroll.setObjectName("LstFusionScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # as wide as the widest section
        scroll.setMinimumWidth(body.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width())
        self.scroll = scroll
        self.setWidget(scroll)
        self.restore()

    @property
    def task(self):
        """The running background task, or None."""
        return self.runner.task

    def save(self):
        for section in self.sections:
            section.save()

    def restore(self):
        for section in self.sections:
            section.restore()

    def shutdown(self):
        if self.runner.task is not None:
            self.runner.cancel()
        self.evaluation.rectangle_tool.release()
        self.download.extent_tool.release()
