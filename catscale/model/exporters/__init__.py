"""Exporters of catscale models to other codes' input files.

* :mod:`.cantera` — a Cantera YAML mechanism (gas + ideal-surface phase): NASA-7 fitted to
  catscale's free energies, modified-Arrhenius fits of its rate constants.
"""

from .cantera import (
    CanteraExport,
    cantera_steady_state,
    export_cantera,
    species_names,
    write_cantera_mechanism,
)

__all__ = ["CanteraExport", "export_cantera", "write_cantera_mechanism",
           "cantera_steady_state", "species_names"]
