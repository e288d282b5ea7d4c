"""Plugin object: registers the Processing provider and the dock panel toggle.

QGIS desktop calls only ``initGui()``; ``qgis_process`` calls only
``initProcessing()`` (with ``iface`` None).  ``initGui`` therefore calls
``initProcessing``, and nothing outside the GUI path touches ``iface``.
"""
import os

from qgis.core import QgsApplication

from .i18n import tr

ICON = os.path.join(os.path.dirname(__file__), "resources", "icon.svg")
MENU = "&LST Fusion"  # the Raster menu's submenu (a name: not translated)


class LstFusionPlugin:
    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None
        self.action = None
        self.dock = None

    # -- Processing (also used by qgis_process)
    def initProcessing(self):  # noqa: N802
        if self.provider is not None:
            return
        from .algorithms.provider import LstFusionProvider

        provider = LstFusionProvider()
        if QgsApplication.processingRegistry().addProvider(provider):
            self.provider = provider
        else:  # QGIS deletes a refused provider (e.g. another copy of this plugin already registered "lstfusion")
            from qgis.core import Qgis, QgsMessageLog

            QgsMessageLog.logMessage("LST Fusion: a provider with id 'lstfusion' is already registered",
                                     "LST Fusion", Qgis.MessageLevel.Warning)

    # -- desktop GUI
    def initGui(self):  # noqa: N802
        self.initProcessing()
        if self.iface is None:
            return
        from qgis.PyQt.QtGui import QIcon

        try:
            from qgis.PyQt.QtGui import QAction  # Qt6 (QGIS 4), and QGIS 3.44's shim
        except ImportError:  # QGIS 3.22's shim (Qt5) has QAction in QtWidgets only
            from qgis.PyQt.QtWidgets import QAction

        self.action = QAction(QIcon(ICON), tr("LST Fusion panel"), self.iface.mainWindow())
        self.action.setCheckable(True)
        self.action.setObjectName("lstfusion_toggle_panel")
        self.action.toggled.connect(self.toggle_dock)
        self.iface.addPluginToRasterMenu(MENU, self.action)
        self.iface.addRasterToolBarIcon(self.action)

    def toggle_dock(self, checked):
        if self.iface is None:
            return
        if self.dock is None:
            from qgis.PyQt.QtCore import Qt

            from .ui.dock import LstFusionDock

            self.dock = LstFusionDock(self.iface)
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
            self.dock.visibilityChanged.connect(self._sync_action)
        self.dock.setVisible(checked)

    def _sync_action(self, visible):
        if self.action is not None and self.action.isChecked() != visible:
            self.action.setChecked(visible)

    def unload(self):
        if self.iface is not None:
            if self.dock is not None:
                self.dock.shutdown()
                self.iface.removeDockWidget(self.dock)
                self.dock.deleteLater()
                self.dock = None
            if self.action is not None:
                self.iface.removePluginRasterMenu(MENU, self.action)
                self.iface.removeRasterToolBarIcon(self.action)
                self.action.deleteLater()
                self.action = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider("lstfusion")
            self.provider = None
        from . import i18n

        i18n.uninstall()  # a reloaded plugin installs its translator again (classFactory)
