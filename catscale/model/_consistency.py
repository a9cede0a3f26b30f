"""The checks of a model that need it built: what the commands compute from it.

:func:`check_model` runs, on a model whose fields have each been validated, the constructions
every command starts from, and reports each failure against the field that causes it:

* something to compute: a file with neither steps nor a section that computes without them
  (``pellet``, ``diffusion``, ``microstructure``) is refused, since no command has anything
  to do with it;
* thermochemistry: the thermo object of every species a rate constant needs is built (a
  gas with an empty ``rotational_temperatures`` list fails here, not in ``rates``);
* rate constants at the model's temperature: every k_f and k_r finite (energies whose
  Boltzmann factors overflow, exp(x) beyond x = 709, are refused naming the step);
* referenced files: the ``microstructure.image`` is read and decoded as the homogenization
  reads it, against its ``phases``.

:func:`catscale.model.load_model` calls it, so that ``catscale validate`` and every command
refuse the same files (one place). Problems found before (the fields themselves) stop it:
these constructions assume valid fields.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np

from ..errors import CatscaleError, InvalidParameterError, ModelFileError

__all__ = ["check_model", "STANDALONE_SECTIONS"]

#: sections that compute something without steps (explicit kinetics, transport)
STANDALONE_SECTIONS = ("pellet", "diffusion", "microstructure")

Add = Callable[[tuple, str], None]


def check_model(model, add: Add) -> None:
    """Build what the commands build from ``model`` and report every failure.

    Parameters
    ----------
    model : catscale.model.Model
        A model whose fields passed validation.
    add : callable (field path tuple, message) -> None
        Receives each problem (the loader's collector, which adds file and line).
    """
    mech = model.mechanism
    has_steps = mech is not None and bool(mech.steps)
    present = [s for s in STANDALONE_SECTIONS if getattr(model.sections, s) is not None]
    if not has_steps and not present:
        add(("steps",), "nothing to compute: the file has no steps (a mechanism) and none "
            f"of the sections that compute without one ({', '.join(STANDALONE_SECTIONS)})")
        return
    if mech is not None:
        thermo_ok = _check_thermo(model, add)
        if has_steps and thermo_ok and model.conditions is not None:
            _check_rates(model, add)
    if model.sections.microstructure is not None \
            and getattr(model.sections.microstructure, "image", None):
        _check_image(model, add)


def _field_of(name: str) -> tuple:
    """A field path from the name an InvalidParameterError gives (``a.b[2].c``)."""
    out: list = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", name):
        out.append(int(part[1:-1]) if part.startswith("[") else part)
    return tuple(out)


def _check_thermo(model, add: Add) -> bool:
    """Build the thermo object of each species a rate constant needs
    (:func:`._thermo.thermo_needed`); True when every one could be built."""
    from ._thermo import build_species_thermo, thermo_needed

    ok = True
    mech = model.mechanism
    needed = thermo_needed(mech, model.step_specs)
    for sp in mech.species:
        if sp.phase == "site" or sp.name not in needed:
            continue
        spec = model.species_specs.get(sp.name)
        dens = mech.site(sp.site).density if sp.site else None
        try:
            with np.errstate(all="ignore"):
                build_species_thermo(sp, spec, site_density=dens)
        except (InvalidParameterError, ModelFileError) as exc:
            sub = _field_of(exc.name) if isinstance(exc, InvalidParameterError) else ()
            msg = (f"expected {exc.expected}, got {exc.found!r}"
                   if isinstance(exc, InvalidParameterError) else exc.message)
            add(("species", sp.name) + sub, f"thermochemistry cannot be built: {msg}")
            ok = False
        except (ValueError, ArithmeticError) as exc:
            add(("species", sp.name), f"thermochemistry cannot be built: {exc}")
            ok = False
    return ok


def _check_rates(model, add: Add) -> None:
    """Rate constants of every step at the model's temperature: finite."""
    from ..units import kB

    T = model.T
    try:
        with np.errstate(all="ignore"):
            table = model.rates()
    except InvalidParameterError as exc:
        m = re.search(r"(?:steps|k_f|k_r)\[(\d+)\]", exc.name)
        path = ("steps", int(m.group(1))) if m else ("steps",)
        kind = re.match(r"(k_f|k_r)\[", exc.name)
        what = (f"{kind.group(1)} = {exc.found!r} at T = {T:g} K" if kind
                else f"{exc.name}: expected {exc.expected}, got {exc.found!r}")
        hint = ""
        if kind and isinstance(exc.found, float) and not math.isfinite(exc.found):
            hint = (f": a Boltzmann factor exp(-E / kB T) overflows (|E| / kB T > 709, i.e. "
                    f"|E| > {709 * kB * T:.3g} eV at this T); check the energies of this "
                    "step's species and saddle point")
        add(path, f"rate constant not computable: {what}{hint}")
        return
    except (ModelFileError, CatscaleError, ValueError, ArithmeticError) as exc:
        add(("steps",), f"rate constants not computable at T = {T:g} K: {exc}")
        return
    for j in range(len(table)):
        for key, arr in (("k_f", table.k_f), ("k_r", table.k_r)):
            v = float(arr[j])
            if not math.isfinite(v):
                add(("steps", j), f"rate constant {key} = {v!r} at T = {T:g} K")


def _check_image(model, add: Add) -> None:
    """The microstructure image: a regular file of a recognised format (size cap) that
    decodes to voxel labels, each with a diffusivity in ``phases``."""
    from ..transport.homogenization import as_phase_image, load_image
    from ._files import microstructure_image

    sec = model.sections.microstructure
    try:
        as_phase_image(load_image(*microstructure_image(model)), sec.phases)
    except ModelFileError as exc:
        add(("microstructure", "image"), exc.message)
    except InvalidParameterError as exc:
        add(("microstructure", "image" if exc.name == "image" else "phases"),
            f"expected {exc.expected}, got {exc.found!r}")
