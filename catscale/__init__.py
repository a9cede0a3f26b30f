"""catscale: multiscale modeling of heterogeneous catalysis.

The chain atoms -> rates -> surfaces -> pellets -> reactors, with every step that passes
information up a scale an explicit, tested bridging law. See DESIGN.md.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "load_model", "run"]


def load_model(path, **kwargs):
    """Load and validate a model file (see :func:`catscale.model.load_model`)."""
    from .model import load_model as _load

    return _load(path, **kwargs)


def run(path, out=None, **kwargs):
    """Run every stage a model file defines (see :func:`catscale.workflow.run`)."""
    from .workflow import run as _run

    return _run(path, out=out, **kwargs)
