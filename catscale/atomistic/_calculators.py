"""Calculator specifications: a name plus settings, hashable, turned into a fresh ASE
calculator on demand (one per NEB image). Optional backends are imported lazily."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import CatscaleError, InvalidParameterError

KNOWN = ("emt", "xtb", "pyscf")


@dataclass(frozen=True)
class CalculatorSpec:
    """Which electronic-structure method computes energies and forces.

    Parameters
    ----------
    name : {"emt", "xtb", "pyscf"}
        ``"emt"``: ASE's effective-medium theory (default, no extra needed); ``"xtb"``:
        GFN-xTB through tblite (extra ``catscale[xtb]``; setting ``method``, default
        ``"GFN2-xTB"``); ``"pyscf"``: molecular Hartree-Fock/DFT through PySCF (extra
        ``catscale[pyscf]``; settings ``basis``, ``xc`` (None = HF), ``charge``, ``spin``).
    settings : mapping
        Backend settings (JSON-serialisable); part of the cache key.
    """

    name: str = "emt"
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.name not in KNOWN:
            raise InvalidParameterError("calculator", f"one of {list(KNOWN)}", self.name)
        try:
            json.dumps(dict(self.settings), sort_keys=True)
        except TypeError as exc:
            raise InvalidParameterError("settings", "JSON-serialisable values",
                                        self.settings) from exc

    def key(self) -> str:
        """Canonical text of name and settings (part of the cache key)."""
        return json.dumps({"name": self.name, "settings": dict(self.settings)}, sort_keys=True)

    def __hash__(self) -> int:
        return hash(self.key())

    def make(self):
        """A fresh ASE calculator for this specification."""
        s = dict(self.settings)
        if self.name == "emt":
            from ase.calculators.emt import EMT

            return EMT(**s)
        if self.name == "xtb":
            try:
                from tblite.ase import TBLite
            except ImportError as exc:
                raise CatscaleError(
                    "calculator 'xtb' needs the optional extra tblite "
                    "(pip install 'catscale[xtb]')") from exc
            s.setdefault("method", "GFN2-xTB")
            s.setdefault("verbosity", 0)
            return TBLite(**s)
        from ._pyscf_calc import PySCFCalculator

        return PySCFCalculator(**s)
