"""Importers of other codes' microkinetic models into catscale model files.

* :mod:`.catmap` — CatMAP descriptor models (``.mkm`` + ``energies.txt``): shomate gases,
  frozen adsorbates, initial/final-state TS scaling.
* :mod:`.cantera` — Cantera YAML ideal-surface mechanisms with their temperature-dependent
  rate laws and NASA-7 thermochemistry.
"""

from .cantera import (
    CanteraImport,
    CanteraSurface,
    CanteraUnsupported,
    cantera_surface,
    import_cantera,
    load_imported,
    surface_phases,
    write_cantera_model,
)
from .catmap import (
    CatmapModel,
    check_catmap,
    load_catmap,
    read_energies,
    read_mkm,
    write_catmap_model,
)

__all__ = ["CatmapModel", "check_catmap", "load_catmap", "read_mkm", "read_energies",
           "write_catmap_model",
           "CanteraSurface", "cantera_surface", "write_cantera_model", "CanteraImport",
           "CanteraUnsupported", "import_cantera", "load_imported", "surface_phases"]
