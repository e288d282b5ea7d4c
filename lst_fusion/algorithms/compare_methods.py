import os

from qgis.core import QgsProcessingParameterFileDestination, QgsProcessingParameterMultipleLayers

from ..core.data.checks import check_lst, harmonise_units, require_single_band
from ..core.data.io import check_same_grid, read_raster
from ..core.data.provenance import target_date
from ..core.evaluation import metrics, protocol, report
from ..core.platform.errors import LstFusionError
from ..core.platform.safety import check_not_scored_against_itself, file_of, same_key
from . import names as P
from . import qgis_enums
from .base import LstFusionAlgorithm, add_raster, read_role_rasters
from .subregions import add_subregion_parameters, read_subregions, subregion_masks


class CompareMethods(LstFusionAlgorithm):
    ALG_ID = "compare_methods"
    DISPLAY = "Compare methods"
    GROUP = "evaluation"
    HELP = ("Scores several predictions of the same date against one reference, over the whole image and each "
            "subregion, and ranks them by RMSE per region. Method names are the layer names. Metric conventions "
            "as in lstfusion:evaluate. Outputs one CSV table and one HTML report.<br>Baselines: with "
            "<b>COARSE_TARGET</b> (MODIS of the date on the same grid) the table gains the row 'MODIS resampled'; "
            "with <b>FINE_REF1</b> and <b>COARSE_REF1</b> (a reference pair) also 'Landsat ref + MODIS change' "
            "(FINE_REF1 + COARSE_TARGET &minus; COARSE_REF1). With both, every method gets a verdict: 'beats both' "
            "or 'LOSES to ...' (by RMSE, per region).")

    TAGS = ("comparison", "ranking", "benchmark", "HTML report", "subregions")
    PARAM_HELP = {
        P.PREDICTIONS: "Predictions of the same date by several methods; the layer names name the methods.",
        P.REFERENCE: "Reference LST on the same grid, e.g. the real Landsat LST of that date.",
        P.OUTPUT_TABLE: "Ranking table (by RMSE within each region): CSV, or a GeoPackage attribute table (.gpkg).",
        P.OUTPUT_HTML: "Optional HTML report: the ranking table, then a maps and error panel per method.",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterMultipleLayers(P.PREDICTIONS, "Predictions", qgis_enums.SOURCE_RASTER))
        add_raster(self, P.REFERENCE, "Reference LST")
        add_raster(self, P.COARSE_TARGET, "MODIS of the date, on the reference grid (baseline)", optional=True)
        add_raster(self, P.FINE_REF1, "Landsat of a reference pair (baseline)", optional=True)
        add_raster(self, P.COARSE_REF1, "MODIS of that reference pair (baseline)", optional=True)
        add_subregion_parameters(self)
        self.addParameter(QgsProcessingParameterFileDestination(P.OUTPUT_TABLE, "Ranking table", "CSV (*.csv);;GeoPackage (*.gpkg)"))
        self.addParameter(QgsProcessingParameterFileDestination(P.OUTPUT_HTML, "Report", "HTML (*.html)", optional=True))

    def execute(self, parameters, context, feedback, progress, cancel):
        ref = read_raster(self.raster_source(parameters, P.REFERENCE, context), P.REFERENCE)
        check_lst(P.REFERENCE, ref.data, ref.path)
        layers = self.parameterAsLayerList(parameters, P.PREDICTIONS, context)
        if not layers:
            raise LstFusionError(P.PREDICTIONS, "no prediction given")
        regions = read_subregions(self, parameters, context, ref.grid)
        masks = subregion_masks(regions, ref.grid, feedback)
        ratio = self.parameterAsDouble(parameters, P.RESOLUTION_RATIO, context)
        rows, predictions, sources, dates = [], {}, {}, []
        seen = {}
        for i, lyr in enumerate(layers):
            param = f"{P.PREDICTIONS} ({lyr.name()})"
            check_not_scored_against_itself(param, lyr.source(), ref.path)
            key = same_key(file_of(lyr.source()) or lyr.source())
            if key in seen:  # one file given twice would be ranked twice (1st and 2nd): it is scored once
                feedback.pushInfo(f"{param}: {os.path.basename(file_of(lyr.source()) or lyr.source())} is given twice "
                                  f"(also as {seen[key]}): it is scored once")
                continue
            seen[key] = lyr.name()
            require_single_band(param, lyr.source(), lyr.bandCount())
            pred = read_raster(lyr.source(), param)
            check_same_grid({P.REFERENCE: ref, param: pred})
            harmonise_units({P.REFERENCE: ref, param: pred}, feedback.pushInfo)
            name = lyr.name() or os.path.splitext(os.path.basename(lyr.source()))[0]
            if name in predictions:  # two layers of one name: keep both panels
                name = f"{name} ({i + 1})"
            rows += [{"method": name, **row}
                     for row in metrics.evaluate_regions(pred.data, ref.data, masks, ratio, param)]
            predictions[name], sources[name] = pred.data, lyr.source()
            dates.append(target_date(pred, lyr.name()))
            progress(100.0 * (i + 1) / len(layers))
        base = read_role_rasters(self, parameters, context, [P.COARSE_TARGET, P.FINE_REF1, P.COARSE_REF1],
                                 optional=(P.COARSE_TARGET, P.FINE_REF1, P.COARSE_REF1))
        if base[P.COARSE_TARGET] is not None:
            check_same_grid({P.REFERENCE: ref, P.COARSE_TARGET: base[P.COARSE_TARGET]})
            harmonise_units({P.REFERENCE: ref, **base}, feedback.pushInfo)
            if (base[P.FINE_REF1] is None) != (base[P.COARSE_REF1] is None):
                raise LstFusionError(P.FINE_REF1 if base[P.FINE_REF1] is None else P.COARSE_REF1,
                                     "the reference-pair baseline needs both FINE_REF1 and COARSE_REF1")
            preds = protocol.baselines(base[P.FINE_REF1].data if base[P.FINE_REF1] else None,
                                       base[P.COARSE_REF1].data if base[P.COARSE_REF1] else None,
                                       base[P.COARSE_TARGET].data)
            for name, pred in preds.items():
                rows += [{"method": name, **row} for row in metrics.evaluate_regions(pred, ref.data, masks, ratio)]
                predictions[name] = pred
        elif base[P.FINE_REF1] is not None or base[P.COARSE_REF1] is not None:
            raise LstFusionError(P.COARSE_TARGET, "the baselines need the MODIS of the date: give COARSE_TARGET")
        ranked = report.rank_methods(rows)
        cols = ["region", "rank", "method", "N"] + list(metrics.METRICS)
        if any(r["method"] in protocol.BASELINES for r in ranked):
            protocol.mark_verdicts(ranked)
            cols.append("verdict")
        table = self.parameterAsFileOutput(parameters, P.OUTPUT_TABLE, context)
        report.write_table(table, ranked, cols)
        res = {P.OUTPUT_TABLE: table}
        html = self.parameterAsFileOutput(parameters, P.OUTPUT_HTML, context)
        if html:
            header = report.report_header(
                method=f"comparison of {len(predictions)} methods: {', '.join(predictions)}",
                date=next((d for d in dates if d), "") or target_date(ref),
                inputs={"Reference": ref.path, **{f"Prediction ({k})": pred_path for k, pred_path in sources.items()}},
                unit=report.unit_label(ref.data), regions=regions)
            report.write_comparison_html(html, "LST Fusion - method comparison", ranked, ref.data, predictions,
                                         columns=cols, header=header, regions=regions, transform=ref.grid.transform)
            res[P.OUTPUT_HTML] = html
        feedback.pushInfo(report.markdown_table(ranked, cols))
        return res
