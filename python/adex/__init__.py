"""adex: adaptive exponential integrate-and-fire neurons on libadex, with
the API of BrainPy's ``brainpy.dyn.AdExIF``.

    import adex
    pop = adex.AdExIF(1000, V_initializer=adex.init.Constant(-65.))
    res = adex.run(pop, 100., dt=0.1, inputs=20., monitors=['spike', 'V'])
    adex.plot.raster(res['ts'], res['spike'])

The state lives in C; ``pop.V`` and friends are numpy views of it. See
docs/python.md for the differences from BrainPy.
"""

from . import _lib
from . import errors
from . import init
from ._base import Base, Collector, JointEq, ODEIntegrator, TensorCollector
from .delays import GlobalDelay, GlobalDelays, global_delay_vars
from .errors import (AdexError, AdexIOError, AdexMemoryError, ClosedError,
                     InvalidValueError, NotSupportedError, RangeError,
                     SizeError, StateFileError, UniqueNameError,
                     UnknownKeyError, UnknownMethodError)
from .neurons import AdExIF
from .runner import RunResult, run
from . import connect
from . import dyn
from . import inputs

conn = connect  # BrainPy's two names for the connectors

__version__ = _lib.version()
library_path = _lib.path


def methods():
    """Every accepted integration method name (aliases included)."""
    return _lib.method_names()


def __getattr__(name):
    # adex.plot imports matplotlib; load it on first use only.
    if name == "visualize":
        import importlib
        mod = importlib.import_module(".visualize", __name__)
        globals()["visualize"] = mod
        return mod
    if name == "plot":
        import importlib
        mod = importlib.import_module(".plot", __name__)
        globals()["plot"] = mod
        return mod
    raise AttributeError("module 'adex' has no attribute %r" % name)


__all__ = ["AdExIF", "run", "RunResult", "init", "plot", "errors", "dyn",
           "conn", "connect", "inputs", "visualize",
           "global_delay_vars", "GlobalDelays", "GlobalDelay", "Base",
           "Collector", "TensorCollector", "JointEq", "ODEIntegrator",
           "methods", "AdexError", "AdexIOError", "AdexMemoryError",
           "ClosedError", "InvalidValueError", "NotSupportedError",
           "RangeError", "SizeError", "StateFileError", "UniqueNameError",
           "UnknownKeyError", "UnknownMethodError"]
