"""The panel's background tasks: one runner for every section, and the section base class.

Threads: the task (QgsProcessingAlgRunnerTask) gets file paths only and a context *without* the project, so
the worker never touches the project, its layers, the canvas or an expression context of the main thread
(QgsProcessingUtils would otherwise hand it the project's own layer objects, and building their expression
scopes raced with the canvas: QGIS crashed in QgsProject::createExpressionContextScope). Layers a section
needs are written to files on the main thread first. Progress, progress text and results reach the widgets
through queued signal connections, so they are handled on the main thread. One task runs at a time; while it
runs every section's start buttons are off and the running section's Cancel is on.
"""
from qgis.core import QgsApplication, QgsProcessingAlgRunnerTask, QgsProcessingContext, QgsProcessingFeedback
from qgis.PyQt.QtCore import QObject, QThread, pyqtSignal, pyqtSlot
from qgis.PyQt.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QProgressBar, QPushButton

from ..i18n import tr
from .settings import SectionSettings
from .widgets import MessageText


class Feedback(QgsProcessingFeedback):
    """Keeps the last error the task reported (the algorithm's one-sentence message) and passes its progress
    text on as a signal (emitted in the worker, delivered on the main thread)."""

    text = pyqtSignal(str)

    def __init__(self):
        super().__init__()
        self.last_error = ""

    def reportError(self, error, fatalError=False):  # noqa: N802,N803  (worker thread: stores a string only)
        self.last_error = " ".join(str(error).split())
        super().reportError(error, fatalError)

    def setProgressText(self, text):  # noqa: N802  (worker thread: emits a string only)
        super().setProgressText(text)
        self.text.emit(str(text))


class TaskRunner(QObject):
    """Runs one Processing algorithm at a time in the background for the section that asked."""

    busy = pyqtSignal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.task = self.feedback = self.context = self.section = None
        self._on_done = None

    def start(self, section, algorithm, params, on_done):
        """Run ``algorithm`` with ``params`` (paths, strings, numbers); ``on_done(results)`` on the main thread."""
        if self.task is not None:
            section.status.setText(tr("Another task is running: wait for it or cancel it first."))
            return None
        alg = QgsApplication.processingRegistry().createAlgorithmById(algorithm)
        if alg is None:
            section.status.setText(tr("Algorithm {algorithm} is not registered").format(algorithm=algorithm))
            return None
        can, why = alg.canExecute()  # e.g. pystac-client missing: say how to install it instead of failing later
        if not can:
            section.status.setText(why)
            return None
        self.section, self._on_done = section, on_done
        self.nothing_written = getattr(alg, "NOTHING_WRITTEN", "no output was written")  # what a cancel leaves
        # no project on the context: the worker thread must not reach the project or its layers (see module doc)
        self.context = QgsProcessingContext()
        self.feedback = Feedback()
        # bound methods of this QObject: queued to the main thread when emitted from the worker
        self.feedback.progressChanged.connect(self._on_progress)
        self.feedback.text.connect(self._on_text)
        self.task = QgsProcessingAlgRunnerTask(alg, params, self.context, self.feedback)
        self.task.executed.connect(self._on_executed)
        section.progress.setValue(0)
        section.status.setText(tr("Running {algorithm} …").format(algorithm=alg.displayName()))
        self.busy.emit(True)
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def cancel(self):
        if self.task is None:
            return
        self.section.status.setText(tr("Cancelling …"))  # first: a task not started yet ends inside task.cancel()
        self.feedback.cancel()
        self.task.cancel()

    @pyqtSlot(float)
    def _on_progress(self, percent):
        if self.section is not None:
            self.section.progress.setValue(int(percent))

    @pyqtSlot(str)
    def _on_text(self, text):
        if self.task is not None and text:
            self.section.status.setText(tr("Running: {text}").format(text=text))

    @pyqtSlot(bool, "QVariantMap")
    def _on_executed(self, ok, results):
        if QThread.currentThread() is not QgsApplication.instance().thread():  # widgets only on the main thread
            raise RuntimeError("the dock's task results arrived off the main thread; the widgets were not touched")
        section, cancelled = self.section, self.feedback.isCanceled()
        self.task = None
        self.busy.emit(False)
        if cancelled:
            section.status.setText(tr("Cancelled; {nothing_written}.").format(nothing_written=self.nothing_written))
        elif not ok:
            error = self.feedback.last_error
            section.status.setText(tr("Failed: {error}").format(error=error) if error else
                                   tr("Failed: see the log panel (Processing tab) for the reason."))
        else:
            section.progress.setValue(100)
            self._on_done(results)


class Section(QGroupBox):
    """A section of the panel: a form, its own settings group, status line and progress bar, and the shared runner.
    Subclasses list their start buttons in ``self.start_buttons`` and their saved widgets in ``saved()``."""

    NAME = ""  # the settings group: lstfusion/dock/<NAME>/

    def __init__(self, title, runner, iface=None):
        super().__init__(title)
        self.setObjectName(f"{type(self).__name__}")
        self.runner, self.iface = runner, iface
        self.settings = SectionSettings(self.NAME)
        self.form = QFormLayout(self)
        # a field wider than what its label leaves goes under the label (a long translated label, a wide grid of
        # checkboxes) instead of widening the whole panel
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.start_buttons = []
        self.progress = QProgressBar()
        self.status = MessageText()  # never cut, selectable (widgets.MessageText)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        runner.busy.connect(self.set_busy)

    def add_buttons(self, *buttons, cancel=True):
        """A row of start buttons (and this section's Cancel), then its progress bar and status line."""
        row = QHBoxLayout()
        for b in buttons:
            row.addWidget(b)
        self.start_buttons += list(buttons)
        if cancel:
            row.addWidget(self.cancel_button)
        self.form.addRow(row)
        self.form.addRow(self.progress)
        self.form.addRow(self.status)

    def start(self, algorithm, params, on_done):
        self.save()
        return self.runner.start(self, algorithm, params, on_done)

    def cancel(self):
        if self.runner.section is self:
            self.runner.cancel()

    def set_busy(self, busy):
        for b in self.start_buttons:
            b.setEnabled(not busy)
        self.cancel_button.setEnabled(busy and self.runner.section is self)

    def saved(self):
        """``{key: widget}`` kept between sessions."""
        return {}

    def save(self):
        self.settings.save(self.saved())

    def restore(self):
        self.settings.restore(self.saved())
