"""A fused series in QGIS: one layer per date in a group, each with its day as fixed temporal range and
one shared temperature style (the Inferno thermal ramp on one stretch for every date, the unit in the legend), so
the Temporal Controller animates the season with comparable colours; the per-date uncertainty maps (UNC_*) in a
subgroup of it, dated the same way, on their own one legend, unchecked so that the LST shows.

Done by a layer post-processor on the main thread when Processing loads the layers (never in the worker)."""
import datetime as _dt
import os

from qgis.core import (
    Qgis,
    QgsDateTimeRange,
    QgsLayerTree,
    QgsProcessingContext,
    QgsProcessingLayerPostProcessorInterface,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime

from ..series.uncertainty import is_map
from .outputs import apply_temperature_style, apply_uncertainty_style

DATE_PROPERTY = "lstfusion/date"


def set_day_range(layer, iso_date):
    """The layer's temporal range: the whole day of ``iso_date`` (start included, next midnight excluded)."""
    d = _dt.date.fromisoformat(iso_date)
    nxt = d + _dt.timedelta(days=1)
    props = layer.temporalProperties()
    props.setMode(Qgis.RasterTemporalMode.FixedTemporalRange)
    props.setFixedTemporalRange(QgsDateTimeRange(QDateTime(QDate(d.year, d.month, d.day), QTime(0, 0)),
                                                 QDateTime(QDate(nxt.year, nxt.month, nxt.day), QTime(0, 0)),
                                                 True, False))
    props.setIsActive(True)


LAST = "9999"  # a subgroup's date property: after every dated layer


def series_group(root, group_name):
    """The group ``group_name`` (created at the top of ``root``), or for (parent, child) the subgroup ``child``
    of ``parent``, created unchecked and collapsed below the parent's dated layers."""
    if isinstance(group_name, str):
        return root.findGroup(group_name) or root.insertGroup(0, group_name)
    parent = series_group(root, group_name[0])
    child = next((g for g in parent.children() if QgsLayerTree.isGroup(g) and g.name() == group_name[1]), None)
    if child is None:
        child = parent.addGroup(group_name[1])
        child.setCustomProperty(DATE_PROPERTY, LAST)
        child.setItemVisibilityChecked(False)
        child.setExpanded(False)
    return child


def move_into_group(project, layer, group_name, iso_date):
    """Move the layer's tree node into ``group_name`` (see :func:`series_group`), keeping the group in date
    order."""
    root = project.layerTreeRoot()
    group = series_group(root, group_name)
    node = root.findLayer(layer.id())
    index = sum(1 for c in group.children() if (c.customProperty(DATE_PROPERTY) or "") < iso_date)
    if node is None:
        new = group.insertLayer(index, layer)
    else:
        new = node.clone()
        group.insertChildNode(index, new)
        node.parent().removeChildNode(node)
    new.setCustomProperty(DATE_PROPERTY, iso_date)
    return group


class SeriesLayerPostProcessor(QgsProcessingLayerPostProcessorInterface):
    _alive = []  # Processing keeps only a pointer

    def __init__(self, group, iso_date, name, stretch, style=apply_temperature_style):
        super().__init__()
        self.group, self.iso_date, self.name, self.stretch, self.style = group, iso_date, name, stretch, style

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        style_series_layer(layer, context.project(), self.group, self.iso_date, self.name, self.stretch, self.style)


def style_series_layer(layer, project, group, iso_date, name, stretch, style=apply_temperature_style):
    style(layer, limits=stretch)
    layer.setName(name)
    set_day_range(layer, iso_date)
    if project is not None:
        move_into_group(project, layer, group, iso_date)


def group_name(result):
    return f"LST {result.method} series {result.rows[0]['date']} to {result.rows[-1]['date']}"


UNC_GROUP = "Uncertainty (90% half-width)"


def unc_group_name(result):
    """The uncertainty maps' subgroup inside the series' group."""
    return (group_name(result), UNC_GROUP)


def attach_series_group(context, result, stretch, unc_stretch=None):
    """Ask Processing to load every dated output on completion, styled, dated and grouped by the post-processor;
    the uncertainty maps (UNC_*.tif, series.csv's ``uncertainty``) in a subgroup of it, on one 0-to-high
    YlOrRd legend (``unc_stretch``)."""
    for r in result.rows:
        if not r["output"]:
            continue
        layers = [(r["output"], f"{result.method} {r['date']}", group_name(result), stretch, apply_temperature_style)]
        if is_map(r.get("uncertainty", "")):
            layers.append((r["uncertainty"], f"{result.method} {r['date']} uncertainty (90% half-width)",
                           unc_group_name(result), unc_stretch, apply_uncertainty_style))
        for file, name, group, limits, style in layers:
            attach_layer(context, os.path.join(result.folder, file), name, group, r["date"], limits, style)
    del SeriesLayerPostProcessor._alive[:-4096]


def attach_layer(context, path, name, group, iso_date, limits, style):
    """Load ``path`` on completion as ``name``, dated ``iso_date``, styled by ``style`` in ``group``."""
    post = SeriesLayerPostProcessor(group, iso_date, name, limits, style)
    SeriesLayerPostProcessor._alive.append(post)
    details = QgsProcessingContext.LayerDetails(name, context.project(), name)
    details.setPostProcessor(post)
    context.addLayerToLoadOnCompletion(path, details)
