"""Write lst_fusion/resources/models/city_season.model3: AOI + dates -> search_download -> align_pairs -> fuse_series.

The model is built with QGIS's modeler API (as the graphical modeler would save it), so the file is always valid:
    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_city_season_model.py
``lst_fusion/test/test_city_model.py`` checks that the shipped file equals what this script writes, and runs it.
"""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
MODEL = os.path.join(REPO, "lst_fusion", "resources", "models", "city_season.model3")


def build():
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingParameterExtent,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterNumber,
        QgsProcessingParameterString,
    )
    from qgis.PyQt.QtCore import QPointF

    from lst_fusion.algorithms import names as P
    from lst_fusion.algorithms import qgis_enums
    from lst_fusion.core.data import stac

    model = QgsProcessingModelAlgorithm("City season LST", "LST Fusion",
                                        "lstfusion_city_season")
    model.setHelpContent({"ALG_DESC": (
        "From a city polygon (or extent) and a date range to a daily fused 30 m LST season: searches and reads "
        "MOD11A1 (Terra) and Landsat 8/9 C2 L2 LST from a STAC API (Planetary Computer by default), pairs the "
        "same-day dates, fuses every MODIS date with ESTARFM and writes the season report (series_report.html) "
        "with the MODIS curve beside the fused one per subregion.")})

    def param(definition, x, y):
        model.addModelParameter(definition, QgsProcessingModelParameter(definition.name()))
        model.parameterComponent(definition.name()).setPosition(QPointF(x, y))

    param(QgsProcessingParameterExtent(P.AOI, "City (extent or polygon layer)"), 120, 60)
    param(QgsProcessingParameterString(P.START, "First date (YYYY-MM-DD)"), 320, 60)
    param(QgsProcessingParameterString(P.END, "Last date (YYYY-MM-DD)"), 520, 60)
    param(QgsProcessingParameterString(P.STAC_URL, "STAC API", defaultValue=stac.PLANETARY_COMPUTER), 720, 60)
    param(QgsProcessingParameterString(P.TOKEN_URL, "Token endpoint (empty = automatic)", optional=True), 920, 60)
    param(QgsProcessingParameterNumber(P.MIN_CLEAR, "Minimum clear pixels in the AOI (%)",
                                       qgis_enums.NUMBER_DOUBLE, 20.0, False, 0.0, 100.0), 1120, 60)
    param(QgsProcessingParameterNumber(P.MAX_GAP_DAYS, "Farthest reference pair (days)",
                                       qgis_enums.NUMBER_INTEGER, 48, False, 1), 1320, 60)
    param(QgsProcessingParameterFeatureSource(P.SUBREGIONS, "Subregions of the season report",
                                              [qgis_enums.SOURCE_VECTOR_POLYGON], optional=True),
          1520, 60)

    st = QgsProcessingModelChildParameterSource.fromStaticValue

    def child(alg_id, child_id, x, y, sources, outputs):
        c = QgsProcessingModelChildAlgorithm(alg_id)
        c.setChildId(child_id)
        c.setDescription(child_id.replace("_", " "))
        c.setPosition(QPointF(x, y))
        for name, src in sources.items():
            c.addParameterSources(name, [src])
        from qgis.core import QgsApplication

        for p in QgsApplication.processingRegistry().algorithmById(alg_id).parameterDefinitions():
            if p.name() not in sources and not p.isDestination() and p.defaultValue() is not None:
                c.addParameterSources(p.name(), [st(p.defaultValue())])  # every other default, as the dialog does
        outs = {}
        for out_name, (child_output, label) in outputs.items():
            o = QgsProcessingModelOutput(out_name, label)
            o.setChildId(child_id)
            o.setChildOutputName(child_output)
            outs[out_name] = o
        c.setModelOutputs(outs)
        model.addChildAlgorithm(c)
        return c

    mp = QgsProcessingModelChildParameterSource.fromModelParameter
    co = QgsProcessingModelChildParameterSource.fromChildOutput
    child("lstfusion:search_download", "search_download", 320, 220,
          {P.AOI: mp(P.AOI), P.START: mp(P.START), P.END: mp(P.END), P.STAC_URL: mp(P.STAC_URL),
           P.TOKEN_URL: mp(P.TOKEN_URL), P.MIN_CLEAR: mp(P.MIN_CLEAR),
           P.SENSORS: st([stac.SENSOR_NAMES.index(n) for n in ("MODIS Terra", "Landsat 8", "Landsat 9")]),
           P.MAX_CLOUD: st(80.0), P.UNIT: st(0), P.LIST_ONLY: st(False), P.TIMEOUT: st(30.0), P.RETRIES: st(4)},
          {"downloads": (P.OUTPUT, "Downloads (sensor folders, downloads.csv)")})
    child("lstfusion:align_pairs", "align_pairs", 520, 340,
          {P.MODIS: co("search_download", P.MODIS_FILES), P.LANDSAT: co("search_download", P.LANDSAT_FILES),
           P.MIN_CLEAR: st(0.0), P.METHOD: st(0), P.LANDSAT_BAND: st(1), P.MODIS_BAND: st(1)},
          {"dataset": (P.OUTPUT, "Dataset (pairs, index.csv)")})
    child("lstfusion:fuse_series", "fuse_series", 720, 460,
          {P.DATASET: co("align_pairs", P.OUTPUT), P.METHOD: st(0), P.START: mp(P.START), P.END: mp(P.END),
           P.MAX_GAP_DAYS: mp(P.MAX_GAP_DAYS), P.MIN_CLEAR: st(0.0), P.SUBREGIONS: mp(P.SUBREGIONS)},
          {"series": (P.OUTPUT, "Daily fused series (LST_ESTARFM_YYYYMMDD.tif, series_report.html)")})
    return model


def main():
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")  # Debian's place of QGIS's own Processing plugin
    from processing.core.Processing import Processing

    Processing.initialize()
    from lst_fusion.algorithms.provider import LstFusionProvider

    provider = LstFusionProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    model = build()
    ok, errors = model.validate()
    if not ok:
        raise SystemExit("the model does not validate: " + "; ".join(errors))
    os.makedirs(os.path.dirname(MODEL), exist_ok=True)
    tmp = MODEL + ".tmp"
    if not model.toFile(tmp):
        raise SystemExit(f"could not write {tmp}")
    os.replace(tmp, MODEL)
    print(f"wrote {MODEL}")


if __name__ == "__main__":
    main()
