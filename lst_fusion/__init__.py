"""LST Fusion QGIS plugin entry point."""


def classFactory(iface):  # noqa: N802 - QGIS API name
    from . import i18n
    from .plugin import LstFusionPlugin

    i18n.install()  # before the provider and the panel are built: their strings are translated then
    return LstFusionPlugin(iface)
