"""Processing conventions every LST Fusion algorithm follows (mixed into ``base.LstFusionAlgorithm``).

* every parameter carries its own help (``setHelp``): from the algorithm's
  ``PARAM_HELP`` or, for parameters shared by several algorithms, from
  :data:`COMMON_HELP`; ``shortHelpString`` is the algorithm's ``HELP``
  followed by that per-parameter help, so the two never drift;
* ``tags()`` with the words people search the Toolbox for, ``shortDescription()``
  (the first sentence of the help) and ``helpUrl()`` (the README on the
  repository named in metadata.txt);
* ``canExecute()`` is ``(False, how to install PyTorch)`` for the deep-learning
  algorithms when PyTorch is missing, so the Toolbox says so before the form;
* raster outputs are checked against the formats ``core.data.io`` can write before
  anything runs.
"""
import configparser
import html
import os
import re

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterRasterDestination,
)

from ..core.data import roles
from ..core.data.io import raster_driver
from ..core.platform import backends
from ..core.platform.errors import LstFusionError
from ..i18n import tr
from . import names as P
from . import qgis_enums

PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README_ANCHOR = "the-algorithms-provider-lstfusion"  # '## The algorithms (provider `lstfusion`)' on GitHub

ROLE_HELP = {r.parameter: r.help for r in roles.ROLES}  # the one role table: core/data/roles.py
COMMON_HELP = {
    **ROLE_HELP,
    P.RESIDUAL_CORRECTION: ("Make the prediction true to MODIS. 'MODIS footprint': averaged over each MODIS pixel "
                            "(COARSE_PIXEL metres) it then equals COARSE_TARGET averaged there, the residuals spread "
                            "back smoothly (bicubic) as FSDAF and TsHARP do. 'scene mean': one offset, so that its "
                            "mean equals MODIS's and the fused pattern stays whole. 'none' by default: README, "
                            "'Accuracy on real data', shows where each helps."),
    P.COARSE_PIXEL: "MODIS pixel size in metres, the footprint of the residual correction (1000 for MOD11A1 LST).",
    P.ENGINE: ("Computes the window sums: auto = PyTorch on a CUDA GPU when one is visible, else numba when installed "
               "(about 10x faster than NumPy), else NumPy; all engines give the same result within float rounding, "
               "and the log says which one ran."),
    P.DEVICE: "Where PyTorch runs: auto = a CUDA GPU when PyTorch sees one, else the CPU.",
    P.SUBREGIONS: ("Polygons (e.g. urban districts) scored separately besides the whole image; a pixel belongs to a "
                   "polygon when its centre falls inside. Any CRS: reprojected onto the raster's."),
    P.NAME_FIELD: "Field of SUBREGIONS that names each polygon in the table and on the maps (default: region N).",
    P.RESOLUTION_RATIO: ("Fine/coarse pixel size ratio used by ERGAS, e.g. 30/1000 = 0.03 for Landsat/MODIS "
                         "(33.3 is read the same way)."),
    P.UNIT: "Unit of the output LST: Celsius (default) or Kelvin.",
    P.SCALE: "Multiplier from the stored digital number (DN) to Kelvin; 1 for inputs already in Kelvin.",
    P.OFFSET: "Added after SCALE to give Kelvin; 0 for inputs already in Kelvin.",
    P.DATE: "Acquisition date as YYYY-MM-DD, when it is not in the file name.",
}

# words people type in the Toolbox search; every algorithm has these, plus its group's and its own TAGS
PROVIDER_TAGS = ("land surface temperature", "LST", "temperature", "MODIS", "Landsat", "thermal")
GROUP_TAGS = {
    "download": ("download", "search", "STAC", "import", "cloud"),
    "preprocessing": ("import", "preprocessing", "cloud", "Kelvin", "Celsius"),
    "classical": ("fusion", "spatiotemporal fusion", "downscaling", "sharpening", "30 m", "daily", "urban heat island"),
    "deep": ("fusion", "spatiotemporal fusion", "downscaling", "deep learning", "neural network", "PyTorch", "GPU",
             "urban heat island"),
    "evaluation": ("accuracy", "validation", "error", "RMSE", "SSIM", "PSNR", "SAM", "CC", "ERGAS", "report", "metrics"),
}


def plugin_metadata():
    """metadata.txt's [general] section as a dict."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(os.path.join(PLUGIN_DIR, "metadata.txt"), encoding="utf-8")
    return dict(parser.items("general"))


def help_url():
    return plugin_metadata()["repository"].rstrip("/") + "#" + README_ANCHOR


ABBREVIATIONS = ("al.", "e.g.", "i.e.", "etc.", "approx.")


def first_sentence(text):
    """The help's first sentence as plain text (ends at '. ', not after 'et al.' or 'e.g.')."""
    plain = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip()
    for m in re.finditer(r"[.](?=\s|$)", plain):
        head = plain[:m.end()]
        if not head.endswith(ABBREVIATIONS):
            return head[:-1] + "."
    return plain


def torch_ready():
    """(ok, message): PyTorch can be imported, else how to install it."""

    return (True, "") if backends.torch_available() else (False, backends.TORCH_HINT)


class ProcessingConventions:
    """Mixin for ``QgsProcessingAlgorithm`` subclasses; reads ``HELP``, ``PARAM_HELP``, ``TAGS`` and ``GROUP``."""

    HELP = ""
    PARAM_HELP = {}
    TAGS = ()
    NEEDS = ()  # optional packages (import names of core.platform.install_hints) without which it cannot run

    def addParameter(self, definition, createOutput=True):  # noqa: N802, N803 - Qt's names
        """The parameter with its help, its label and help in the user's language (lst_fusion.i18n: the
        English strings are listed for translators in i18n/strings.py; the parameter's name stays as it is)."""
        definition.setDescription(tr(definition.description()))
        if isinstance(definition, QgsProcessingParameterEnum):  # values go by index: the shown text may change
            definition.setOptions([tr(option) for option in definition.options()])
        text = self.PARAM_HELP.get(definition.name()) or COMMON_HELP.get(definition.name())
        if text:
            definition.setHelp(tr(text))
        return super().addParameter(definition, createOutput)

    def addOutput(self, definition):  # noqa: N802 - Qt's name
        definition.setDescription(tr(definition.description()))
        return super().addOutput(definition)

    def parameter_help_html(self):
        rows = []
        for p in self.parameterDefinitions():
            flags = []
            if p.flags() & qgis_enums.PARAMETER_OPTIONAL:
                flags.append(tr("optional"))
            if p.flags() & qgis_enums.PARAMETER_ADVANCED:
                flags.append(tr("advanced"))
            extra = f" ({', '.join(flags)})" if flags else ""
            rows.append(f"<b>{p.name()}</b> &ndash; <i>{html.escape(p.description(), False)}</i>{extra}: "
                        f"{html.escape(p.help(), False)}")
        return "<h3>" + tr("Parameters") + "</h3>\n" + "<br>\n".join(rows) if rows else ""

    def shortHelpString(self):  # noqa: N802
        return tr(self.HELP) + "\n" + self.parameter_help_html()

    def shortDescription(self):  # noqa: N802
        return first_sentence(tr(self.HELP))

    def tags(self):
        out = []
        for t in (*PROVIDER_TAGS, *GROUP_TAGS.get(self.GROUP, ()), *self.TAGS):
            if t not in out:
                out.append(t)
        return out

    def helpUrl(self):  # noqa: N802
        return help_url()

    def canExecute(self):  # noqa: N802
        if self.GROUP == "deep":
            return torch_ready()
        for module in self.NEEDS:
            if not backends.available(module):
                from ..core.platform.install_hints import missing

                return False, missing(module)
        return True, ""

    def checkParameterValues(self, parameters, context):  # noqa: N802
        ok, msg = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, msg
        for p in self.parameterDefinitions():
            if not isinstance(p, QgsProcessingParameterRasterDestination):
                continue
            # the raw value, not parameterAsOutputLayer: that would register a layer to load on completion
            value = parameters.get(p.name())
            if isinstance(value, QgsProcessingOutputLayerDefinition):
                value = value.sink.staticValue()
            value = str(value or "")
            if value and value != QgsProcessing.TEMPORARY_OUTPUT and os.path.splitext(value)[1]:
                try:
                    raster_driver(value, p.name())
                except LstFusionError as exc:
                    return False, str(exc)
        return True, ""
