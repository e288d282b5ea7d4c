"""The panel's settings: one QgsSettings group per section, ``lstfusion/dock/<section>/<key>``.

A section names its widgets once (``{key: widget}``); :meth:`SectionSettings.save` and
:meth:`SectionSettings.restore` handle each kind of widget the same way everywhere. A layer is remembered by
its source and found again among the project's layers.
"""
from qgis.core import QgsProject, QgsSettings
from qgis.gui import QgsFieldComboBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import QCheckBox, QComboBox, QDateEdit, QLineEdit, QSpinBox

from .widgets import date_text, set_date

ROOT = "lstfusion/dock"


class SectionSettings:
    def __init__(self, section):
        self.prefix = f"{ROOT}/{section}/"

    def key(self, name):
        return self.prefix + name

    def value(self, name, default=None, kind=str):
        value = QgsSettings().value(self.key(name), default)
        if value is None:
            return None
        try:
            return kind(value) if kind is not bool else str(value).lower() in ("true", "1")
        except (TypeError, ValueError):
            return default

    def set_value(self, name, value):
        QgsSettings().setValue(self.key(name), value)

    def save(self, widgets):
        """Store the value of every ``{key: widget}``."""
        for name, w in widgets.items():
            if isinstance(w, QgsMapLayerComboBox):
                layer = w.currentLayer()
                self.set_value(name, layer.source() if layer is not None else "")
            elif isinstance(w, QgsFieldComboBox):
                self.set_value(name, w.currentField())
            elif isinstance(w, QgsFileWidget):
                self.set_value(name, w.filePath())
            elif isinstance(w, QDateEdit):
                self.set_value(name, date_text(w))
            elif isinstance(w, QComboBox):
                self.set_value(name, w.currentText())
            elif isinstance(w, QCheckBox):
                self.set_value(name, w.isChecked())
            elif isinstance(w, QSpinBox):
                self.set_value(name, w.value())
            elif isinstance(w, QLineEdit):
                self.set_value(name, w.text().strip())
            else:
                raise TypeError(f"{name}: no setting for a {type(w).__name__}")

    def restore(self, widgets):
        """Set every ``{key: widget}`` to its stored value; a widget with nothing stored keeps its own."""
        for name, w in widgets.items():
            value = self.value(name)
            if value is None:
                continue
            if isinstance(w, QgsMapLayerComboBox):
                layer = next((lyr for lyr in QgsProject.instance().mapLayers().values()
                              if value and lyr.source() == value and _accepts(w, lyr)), None)
                if layer is not None or w.allowEmptyLayer():
                    w.setLayer(layer)
            elif isinstance(w, QgsFieldComboBox):
                w.setField(value)
            elif isinstance(w, QgsFileWidget):
                w.setFilePath(value)
            elif isinstance(w, QDateEdit):
                if value or w.specialValueText():
                    set_date(w, value)
            elif isinstance(w, QComboBox):
                i = w.findText(value)
                if i >= 0:
                    w.setCurrentIndex(i)
            elif isinstance(w, QCheckBox):
                w.setChecked(self.value(name, kind=bool))
            elif isinstance(w, QSpinBox):
                w.setValue(self.value(name, w.value(), int))
            elif isinstance(w, QLineEdit):
                w.setText(value)


def _accepts(combo, layer):
    """Whether ``combo`` lists ``layer`` (its filters: raster or polygon layers)."""
    for i in range(combo.count()):
        if combo.layer(i) is layer:
            return True
    return False
