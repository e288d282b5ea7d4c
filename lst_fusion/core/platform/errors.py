"""One exception type for every user-facing input problem."""


class LstFusionError(ValueError):
    """A clear, one-sentence problem with a named parameter.

    ``parameter`` is the Processing parameter name (e.g. ``COARSE_TARGET``) or,
    from scripts, the argument name; the message always starts with it so that
    QGIS shows the user exactly which input to fix.
    """

    def __init__(self, parameter, message):
        self.parameter = parameter
        self.message = message
        super().__init__(f"{parameter}: {message}" if parameter else message)


class Cancelled(RuntimeError):
    """Raised inside long loops when the caller's cancel callback returns True."""


def check_cancel(cancel):
    if cancel is not None and cancel():
        raise Cancelled("cancelled by the user")
