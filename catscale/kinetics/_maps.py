"""Descriptor maps (volcano plots): verified steady states over 1-D/2-D descriptor grids.

The caller supplies ``rates_at(point) -> RateTable`` (e.g. scaling + TS-scaling relations from
``catscale.bridges.descriptors_to_rates``); this module solves every grid point with
continuation (the grid is walked as a snake, each point starting from its neighbour's
coverages; the full multistart where :func:`sweep_steady_states` says another state may
exist, or everywhere with ``multistart=True``) and returns an :class:`xarray.Dataset`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ..errors import ConvergenceError, InvalidParameterError
from ..mechanism import Energetics, Mechanism, RateTable
from ._steady import DEFAULT_TOL, energetics_network, solve_network
from ._sweep import sweep_steady_states


def descriptor_map(mechanism: Mechanism, rates_at: Callable[[tuple[float, ...]], RateTable],
                   pressures: Mapping[str, float], axes: Mapping[str, Sequence[float]], *,
                   surfaces: Mapping[str, Sequence[float]] | None = None,
                   tol: float = DEFAULT_TOL, multistart: bool | str = "auto",
                   check_every: int = 8, raise_on_failure: bool = False,
                   energetics: Energetics | None = None):
    """Steady state at every point of a descriptor grid.

    Parameters
    ----------
    mechanism : Mechanism
    rates_at : callable
        Descriptor point (tuple of floats, eV, in ``axes`` order) -> RateTable.
    pressures : mapping gas -> float
        Activities p / p0 (p0 = 1 bar: partial pressures in bar).
    axes : mapping name -> sequence of float
        One or two descriptor axes (eV), e.g. ``{"O*": [...], "CO*": [...]}``.
    surfaces : mapping name -> point, optional
        Named catalysts (e.g. ``{"Pt": (1.62, 1.70)}``): solved too, stored as the
        ``surface_*`` variables and marked on the figure.
    tol : float
        Residual tolerance of verification.
    multistart : {"auto", True, False}
        "auto" (default): continuation from every state of the previous point, with the
        full multistart at the first point, every ``check_every`` points, inside
        multi-state windows and wherever a fold may be near (the rule is in
        :func:`sweep_steady_states`). True: full multistart at every point. False:
        continuation only.
    check_every : int
        Period of the full-multistart check in "auto" mode, points.
    raise_on_failure : bool
        Raise ConvergenceError at the first unverifiable point instead of storing NaN.
    energetics : Energetics, optional
        Lateral interactions, coordination, transition-state positions and coverage effects
        (``Model.energetics``), used at every point and surface as
        :func:`steady_state` uses them: they depend on T but not on the descriptors, so
        every point must have the same T. None: no energetic terms beyond the rates.

    Returns
    -------
    xarray.Dataset
        Dims: the descriptor axes, ``species`` (surface species), ``gas``. Variables:
        ``coverage`` (dimensionless), ``production`` (s^-1 per site, per gas), ``tof``
        (production of the main product, s^-1), ``residual``, ``stable`` (bool),
        ``verified`` (bool), ``n_steady_states``, ``full_multistart`` (bool); attributes
        ``product``, ``T``.
    """
    import xarray as xr

    names = list(axes)
    if not 1 <= len(names) <= 2:
        raise InvalidParameterError("axes", "one or two descriptor axes", names)
    grids = [np.asarray(axes[n], dtype=float).reshape(-1) for n in names]
    for n, g in zip(names, grids):
        if g.size < 1 or not np.all(np.isfinite(g)):
            raise InvalidParameterError(f"axes[{n}]", "finite descriptor values (eV)", g)
    shape = tuple(g.size for g in grids)
    net0 = None
    # snake order: continuation between neighbours
    order = []
    if len(shape) == 1:
        order = [(i,) for i in range(shape[0])]
    else:
        for i in range(shape[0]):
            js = range(shape[1]) if i % 2 == 0 else range(shape[1] - 1, -1, -1)
            order += [(i, j) for j in js]
    points: list = []

    def _at(rt: RateTable):
        # the energetic terms were built at the first point's T; they stay valid only there
        if energetics is not None and float(rt.T) != float(net0.T):
            raise InvalidParameterError("rates_at", f"the same T at every point ({net0.T} K) "
                                        "with energetics", rt.T)
        return net0.with_rates(rt)

    def networks():
        nonlocal net0
        for idx in order:
            point = tuple(float(grids[k][idx[k]]) for k in range(len(idx)))
            rt = rates_at(point)
            if net0 is None:
                net0 = energetics_network(mechanism, rt, pressures, energetics)
                points.append(rt.T)
                yield net0
            else:
                yield _at(rt)

    sweep = sweep_steady_states(networks(), tol=tol, multistart=multistart,
                                check_every=check_every)
    S, G = net0.n_surface, len(net0.gas)
    T = points[0]
    cov = np.full(shape + (S,), np.nan)
    prod = np.full(shape + (G,), np.nan)
    res = np.full(shape, np.nan)
    stab = np.zeros(shape, dtype=bool)
    ver = np.zeros(shape, dtype=bool)
    nss = np.zeros(shape, dtype=int)
    full = np.zeros(shape, dtype=bool)
    for idx, pt in zip(order, sweep):
        full[idx] = pt.full_multistart
        ss = pt.state
        if ss is None:
            if raise_on_failure:
                raise pt.error
            continue
        cov[idx] = ss.theta
        prod[idx] = [ss.production[g] for g in net0.gas]
        res[idx] = ss.residual
        stab[idx] = ss.stable
        ver[idx] = True
        nss[idx] = ss.n_steady_states
    gas = list(net0.gas)
    mean_prod = np.nanmax(prod.reshape(-1, G), axis=0)
    product = gas[int(np.argmax(mean_prod))] if G else ""
    dims = tuple(names)
    ds = xr.Dataset(
        {"coverage": (dims + ("species",), cov, {"units": "1", "long_name": "coverage"}),
         "production": (dims + ("gas",), prod, {
             "units": "1/s", "long_name": "net production rate per site"}),
         "tof": (dims, prod[..., gas.index(product)] if G else np.full(shape, np.nan),
                 {"units": "1/s", "long_name": f"turnover frequency per site of {product}",
                  "product": product}),
         "residual": (dims, res, {"units": "1", "long_name": "max |net|/gross over species"}),
         "stable": (dims, stab, {"units": "1", "long_name": "linearly stable (1) or not"}),
         "verified": (dims, ver, {"units": "1", "long_name": "verified steady state (1)"}),
         "n_steady_states": (dims, nss, {"units": "1",
                                         "long_name": "distinct steady states found"}),
         "full_multistart": (dims, full, {"units": "1",
                                          "long_name": "the full multistart ran here (1)"})},
        coords={**{n: (n, g, {"units": "eV", "long_name": f"descriptor energy of {n}"})
                   for n, g in zip(names, grids)},
                "species": list(net0.surface), "gas": gas},
        attrs={"product": product, "T": float(T), "T_units": "K",
               "pressures_bar": str(dict(pressures))})
    if surfaces:
        snames = list(surfaces)
        spts = np.array([np.asarray(surfaces[s], dtype=float).reshape(-1) for s in snames])
        if spts.shape[1] != len(names):
            raise InvalidParameterError("surfaces", f"points with {len(names)} descriptors",
                                        surfaces)
        stof = np.full(len(snames), np.nan)
        scov = np.full((len(snames), S), np.nan)
        for k, p in enumerate(spts):
            try:
                ss = solve_network(_at(rates_at(tuple(p))), None, tol=tol)
                stof[k] = ss.production[product]
                scov[k] = ss.theta
            except ConvergenceError:
                if raise_on_failure:
                    raise
        ds = ds.assign_coords(surface=snames)
        for i, n in enumerate(names):
            ds[f"surface_{n}"] = ("surface", spts[:, i], {
                "units": "eV", "long_name": f"descriptor energy of {n} on the surface"})
        ds["surface_tof"] = ("surface", stof, {"units": "1/s",
                                               "long_name": "TOF per site on the surface"})
        ds["surface_coverage"] = (("surface", "species"), scov, {
            "units": "1", "long_name": "coverage on the surface"})
    return ds


def plot_map(ds, ax=None, variable: str = "tof", floor: float = 1e-30):
    """Figure of log10 TOF over the descriptor grid with the named surfaces marked.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`descriptor_map`.
    ax : matplotlib Axes, optional
    variable : str
        Dataset variable to plot (log10 of it).
    floor : float
        Values below are drawn at log10(floor).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    dims = [d for d in ds[variable].dims]
    z = np.log10(np.maximum(np.abs(ds[variable].values), floor))
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 4.5))
    else:
        fig = ax.figure
    if len(dims) == 2:
        x, y = ds[dims[0]].values, ds[dims[1]].values
        cs = ax.contourf(x, y, z.T, levels=30, cmap="viridis")
        fig.colorbar(cs, ax=ax, label=f"log10 {variable} / s^-1")
        ax.set_xlabel(f"E({dims[0]}) / eV")
        ax.set_ylabel(f"E({dims[1]}) / eV")
        if "surface" in ds.coords:
            for s in ds["surface"].values:
                px = float(ds[f"surface_{dims[0]}"].sel(surface=s))
                py = float(ds[f"surface_{dims[1]}"].sel(surface=s))
                ax.plot(px, py, "o", color="white", mec="black")
                ax.annotate(str(s), (px, py), textcoords="offset points", xytext=(4, 4),
                            color="white")
        bad = ~ds["verified"].values
        if bad.any():
            xi, yi = np.nonzero(bad)
            ax.plot(x[xi], y[yi], "x", color="red", label="not verified")
    else:
        x = ds[dims[0]].values
        ax.plot(x, z, "-")
        ax.set_xlabel(f"E({dims[0]}) / eV")
        ax.set_ylabel(f"log10 {variable} / s^-1")
        if "surface" in ds.coords:
            for s in ds["surface"].values:
                px = float(ds[f"surface_{dims[0]}"].sel(surface=s))
                pz = np.log10(max(abs(float(ds["surface_tof"].sel(surface=s))), floor))
                ax.plot(px, pz, "o")
                ax.annotate(str(s), (px, pz), textcoords="offset points", xytext=(4, 4))
    ax.set_title(f"{ds.attrs.get('product', '')} TOF, T = {ds.attrs.get('T', float('nan')):g} K")
    return fig
