"""Exporters of catscale models to other codes' input files.

* :mod:`.cantera` — a Cantera YAML mechanism (gas + ideal-surface phase): NASA-7 fitted to
  catscale's free energies, modified-Arrhenius fits of its rate constants.
* :mod:`.zacros` — Zacros input files (lattice, cluster energetics, mechanism) whose events
  fire at catscale's kMC rates.
"""

from .cantera import (
    CanteraExport,
    cantera_steady_state,
    export_cantera,
    species_names,
    write_cantera_mechanism,
)
from .zacros import ZacrosExport, write_zacros, zacros_input

__all__ = ["CanteraExport", "export_cantera", "write_cantera_mechanism",
           "cantera_steady_state", "species_names", "ZacrosExport", "write_zacros",
           "zacros_input"]
