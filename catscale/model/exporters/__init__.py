"""Exporters of catscale models to other codes' input formats.

* :mod:`.zacros` — Zacros input files (lattice, cluster energetics, mechanism) whose events
  fire at catscale's kMC rates.
"""

from .zacros import ZacrosExport, write_zacros, zacros_input

__all__ = ["ZacrosExport", "write_zacros", "zacros_input"]
