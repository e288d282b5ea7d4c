"""The panel's runner hands a task's results to the widgets on the main thread only: a delivery from another
thread is refused with an error (a real check, kept under ``python -O``, where an assert would vanish)."""
import threading

from qgis.PyQt.QtWidgets import QLabel, QProgressBar

from lst_fusion.ui.tasks import Feedback, TaskRunner


class StubSection:
    def __init__(self):
        self.status, self.progress = QLabel("before"), QProgressBar()


def test_results_off_the_main_thread_are_refused(qgis_app):
    runner = TaskRunner()
    done = []
    runner.section, runner.feedback, runner._on_done, runner.task = StubSection(), Feedback(), done.append, "a task"
    errors = []

    def deliver():
        try:
            runner._on_executed(True, {"OUTPUT": "x.tif"})
        except RuntimeError as exc:
            errors.append(str(exc))

    worker = threading.Thread(target=deliver)
    worker.start()
    worker.join(10)
    assert errors == ["the dock's task results arrived off the main thread; the widgets were not touched"]
    assert (runner.section.status.text(), runner.task, done) == ("before", "a task", [])
    runner._on_executed(True, {"OUTPUT": "x.tif"})  # on the main thread: delivered
    assert (runner.task, done, runner.section.progress.value()) == (None, [{"OUTPUT": "x.tif"}], 100)
