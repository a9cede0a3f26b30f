"""Shared vocabulary of every scale: species, sites, elementary steps, mechanisms, rate tables.

Plain frozen data and the checks that make a mechanism well formed (element and site balance).
No solver lives here; every scale package imports this one.
"""

from ._energetics import Energetics
from ._equation import parse_equation, parse_formula, split_pair
from ._lateral_alpha import lateral_alpha
from ._mechanism import Mechanism, Site, Species, Step, site_of
from ._rates import BARRIER_KINDS, RatesResult, RateTable

__all__ = ["Energetics", "Mechanism", "Site", "Species", "Step", "RateTable", "RatesResult",
           "BARRIER_KINDS", "parse_equation", "parse_formula", "lateral_alpha", "split_pair",
           "site_of"]
