"""Widgets and helpers every section shares: the date field, the vector-layer writer, the extent tool, tables."""
import datetime as dt

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsGeometry,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDate, Qt
from qgis.PyQt.QtGui import QTextOption
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
)

from ..i18n import QT_TRANSLATE_NOOP, tr

ISO = "yyyy-MM-dd"
NO_DATE = QDate(1900, 1, 1)  # an optional date field at its minimum shows NO_DATE_TEXT and means "none"
NO_DATE_TEXT = QT_TRANSLATE_NOOP("@default", "none")


def date_edit(tooltip, optional=False, date=None):
    """The panel's one date field: a QDateEdit with a calendar, ISO dates; ``optional``: may hold no date."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(ISO)
    edit.setToolTip(tooltip)
    if optional:
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(tr(NO_DATE_TEXT))  # shown at the minimum date
    set_date(edit, date)
    return edit


def set_date(edit, value):
    """Set a date field from a ``datetime.date``, an ISO string, a QDate or None (no date: optional fields)."""
    if isinstance(value, str):
        value = QDate.fromString(value.strip(), ISO) if value.strip() else None
    elif isinstance(value, dt.date):
        value = QDate(value.year, value.month, value.day)
    if value is None or not value.isValid():
        value = edit.minimumDate() if edit.specialValueText() else QDate.currentDate()
    edit.setDate(value)


def date_text(edit):
    """The field's date as ``YYYY-MM-DD``; "" when an optional field holds no date."""
    if edit.specialValueText() and edit.date() == edit.minimumDate():
        return ""
    return edit.date().toString(ISO)


def shown_name(label):
    """A combo item's text at the panel's width: the name before its parenthesis ('auto (choose by ...)' reads
    'auto'); the whole label goes in the item's tooltip."""
    return label.split(" (")[0]


def combo_box(items=(), tooltip=""):
    """A combo box whose width does not follow its longest item (the panel stays narrow); ``items``: (text, data)."""
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(14)
    for text, data in items:
        box.addItem(text, data)
    box.setToolTip(tooltip)
    # the list that drops down shows each item whole, however narrow the box
    box.view().setMinimumWidth(box.view().sizeHintForColumn(0) + box.view().verticalScrollBar().sizeHint().width())
    return box


class MessageText(QTextEdit):
    """A label for messages (status lines, warnings): read-only and selectable (an install command can be copied),
    wrapped at word boundaries or anywhere (a path or command wider than the panel too) and always as tall as its
    text, so a long message is never cut. ``setText``/``text`` as QLabel's."""

    def __init__(self, color=None):
        super().__init__()
        self.setReadOnly(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(60)
        self.viewport().setAutoFillBackground(False)
        self.setStyleSheet("QTextEdit { background: transparent; %s}" % (f"color: {color}; " if color else ""))
        self.document().setDocumentMargin(0)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def setText(self, text):  # noqa: N802 - QLabel's name
        self.setPlainText(text)
        self._fit()

    def text(self):
        return self.toPlainText()

    def _fit(self, *_):
        """As tall as the text at the current width (nothing when empty)."""
        height = 0
        if self.toPlainText():
            height = int(self.document().size().height() + 0.999) + 2 * self.frameWidth()
        self.setFixedHeight(height)


def warning_label():
    return MessageText(color="#b35806")


def rectangles_layer(rectangles):
    """A memory polygon layer with a ``name`` field from ``[(name, QgsRectangle, crs)]`` (all in the first's CRS)."""
    crs = rectangles[0][2]
    # the field in the URI: the same on QGIS 3.22 (QVariant types) and 3.38+ / Qt6 (QMetaType types)
    layer = QgsVectorLayer(f"Polygon?crs={crs.authid() or 'EPSG:4326'}&field=name:string", "drawn subregions", "memory")
    feats = []
    for name, rect, _ in rectangles:
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromRect(rect))
        f["name"] = name
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    return layer


def write_gpkg(layer, path):
    """Write a vector layer (e.g. a memory layer, which a worker thread cannot read) to a GeoPackage on the main
    thread; the path, or OSError saying why not."""
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    err = QgsVectorFileWriter.writeAsVectorFormatV2(layer, path, QgsCoordinateTransformContext(), options)
    if err[0] != QgsVectorFileWriter.WriterError.NoError:
        raise OSError(f"cannot write {layer.name()} to {path}: {err[1]}")
    return path


class ExtentTool:
    """Arms QGIS's rectangle tool on the canvas and hands each drawn extent, with the canvas CRS, to ``on_extent``.
    ``once``: the previous map tool comes back after one rectangle (else the tool stays armed)."""

    def __init__(self, iface, on_extent, once):
        self.iface, self.on_extent, self.once = iface, on_extent, once
        self.tool = self.previous = None

    def arm(self):
        if self.iface is None:
            return None
        from qgis.gui import QgsMapToolExtent

        canvas = self.iface.mapCanvas()
        if canvas.mapTool() is not self.tool:
            self.previous = canvas.mapTool()
        self.tool = QgsMapToolExtent(canvas)
        self.tool.extentChanged.connect(self._drawn)
        canvas.setMapTool(self.tool)
        return self.tool

    def _drawn(self, rect):
        canvas = self.iface.mapCanvas()
        self.on_extent(rect, canvas.mapSettings().destinationCrs())
        if self.once:
            if self.previous is not None:
                canvas.setMapTool(self.previous)
            else:
                canvas.unsetMapTool(self.tool)

    def release(self):
        if self.iface is not None and self.tool is not None:
            self.iface.mapCanvas().unsetMapTool(self.tool)


def read_only_table(columns, height):
    """A table with header tooltips: ``columns`` are (header, tooltip) pairs; rows are selected whole."""
    table = QTableWidget(0, len(columns))
    for j, (header, tip) in enumerate(columns):
        item = QTableWidgetItem(tr(header))  # marked for translation where the table is declared
        item.setToolTip(tr(tip))
        table.setHorizontalHeaderItem(j, item)
    table.setMinimumHeight(height)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    return table


def fit_rows(table, rows, minimum, most=12):
    """Tall enough for ``rows`` rows (up to ``most``, then it scrolls), at least ``minimum`` px."""
    shown = min(rows, most)
    height = (table.horizontalHeader().sizeHint().height() + shown * table.verticalHeader().defaultSectionSize()
              + table.horizontalScrollBar().sizeHint().height() + 2 * table.frameWidth() + 2)
    table.setMinimumHeight(max(minimum, height))


def fit_columns(table, widest=150):
    """No column wider than ``widest`` px (a long method name, item id or reason is elided; its cell's tooltip
    holds it whole), so that more columns fit the dock's default width before the table scrolls sideways."""
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    for j in range(table.columnCount()):
        if table.columnWidth(j) > widest:
            table.setColumnWidth(j, widest)


def number_item(text):
    item = QTableWidgetItem(text)
    item.setTextAlignment(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
    return item


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")
