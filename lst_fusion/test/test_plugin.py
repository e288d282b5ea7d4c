"""Plugin load/unload in a qgis_iface session, and the processing-only path of qgis_process."""
from qgis.core import QgsApplication

import lst_fusion


def test_load_unload_leaves_no_provider(qgis_app, qgis_iface):
    reg = QgsApplication.processingRegistry()
    assert reg.providerById("lstfusion") is None
    plugin = lst_fusion.classFactory(qgis_iface)
    plugin.initGui()
    assert reg.providerById("lstfusion") is not None
    assert plugin.action is not None and plugin.action.text() == "LST Fusion panel"
    plugin.action.setChecked(True)
    assert plugin.dock is not None and plugin.dock.isVisible()
    plugin.action.setChecked(False)
    assert not plugin.dock.isVisible()
    plugin.unload()
    assert reg.providerById("lstfusion") is None
    assert plugin.dock is None and plugin.action is None


def test_processing_only_without_iface(qgis_app):
    reg = QgsApplication.processingRegistry()
    assert reg.providerById("lstfusion") is None
    plugin = lst_fusion.classFactory(None)
    plugin.initProcessing()
    plugin.initProcessing()  # idempotent
    assert reg.providerById("lstfusion") is not None
    plugin.initGui()  # iface None: registers processing only, touches no GUI
    assert plugin.action is None
    plugin.unload()
    assert reg.providerById("lstfusion") is None
