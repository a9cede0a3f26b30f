"""catscale: multiscale modeling of heterogeneous catalysis.

The chain atoms -> rates -> surfaces -> pellets -> reactors, with every step that passes
information up a scale an explicit, tested bridging law. See DESIGN.md.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "load_model", "run", "homogenize", "Model"]


def load_model(path, **kwargs):
    """Load and validate a model file: a :class:`catscale.Model` with one method per stage
    (``m.steady_state()``, ``m.kmc()``, ``m.pellet()``, ...; see :mod:`catscale.api`)."""
    from .api import load_model as _load

    return _load(path, **kwargs)


def homogenize(image, *args, **kwargs):
    """Effective diffusivity of a voxel image (see :func:`catscale.stages.homogenize`)."""
    from .stages import homogenize as _homogenize

    return _homogenize(image, *args, **kwargs)


def __getattr__(name):
    if name == "Model":
        from .api import Model

        return Model
    raise AttributeError(name)


def run(path, out=None, **kwargs):
    """Run every stage a model file defines (see :func:`catscale.workflow.run`)."""
    from .workflow import run as _run

    return _run(path, out=out, **kwargs)
