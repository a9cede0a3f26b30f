"""Peer benchmark: the kMC code kmcos (kmos successor) timed on the models of bench_kmc.py.

kmcos (https://github.com/kmcos/kmcos; Hoffmann, Matera, Reuter, Comput. Phys. Commun. 185,
2138 (2014)) generates Fortran 90 source per model and compiles it with f2py + gfortran. This
module builds the *same* lattice models as ``benchmarks/bench_kmc.py`` (``zgb()``, ``co_ox()``
and its ``LATERAL`` pair energies) in kmcos, by translating catscale's own event list
(:class:`catscale.kmc.KMCModel` from ``bridges.rates_to_kmc.kmc_model``), so the two codes run
identical processes and rate constants:

* a one-site process becomes one kmcos process at the same rate;
* a pair process (rate k per *ordered* nearest-neighbour pair in catscale) becomes one kmcos
  process per neighbour direction (4 on the square lattice) at rate k; a pattern that reads the
  same in both orientations (``O2 + 2* -> 2O*``) becomes 2 processes at 2k (the +d and -d
  copies are the same event, merged as kmcos users write it);
* with lateral interactions the ``otf`` backend is used (rates computed on the fly from
  bystander counts): every process gets its pattern sites' other nearest neighbours as
  bystanders (flag ``p0``/``p1`` by pattern site) and the rate
  ``k exp(-alpha dE / kT)``, dE = change of the total lateral energy (final minus initial,
  including the pair inside the pattern), exactly catscale's BEP rule (kmc/_events.py).
  Without interactions the default ``local_smart`` backend is used.

The kmcos model is compiled once per model (case x lateral) in a temporary directory (compile
time reported separately), then each lattice size runs in a fresh process (kmcos allows one
model per process): warm-up of ``max(min(events // 4, 2e5), min(10 L^2, 4e6))`` events (the
same rule as bench_kmc.py), then the best of two timed ``KMC_Model.do_steps(events)`` calls;
events/s per wall-clock second and per CPU second of the worker process.

Requirements and how they are met
---------------------------------
* ``gfortran`` on PATH (not a Python package: ``apt-get install gfortran`` on Debian).
* kmcos itself: imported from ``$KMCOS_PYTHONPATH`` if set, else from the running Python if it
  has it, else installed once with this Python's pip into a scratch directory (``pip install
  --no-deps --only-binary=:all: --target ~/.cache/catscale-peers/kmcos-1.1.0 kmcos==1.1.0``;
  ``$XDG_CACHE_HOME`` replaces ``~/.cache``; never into the project's virtualenv). Its run-time
  needs (numpy, ase) come from the project's environment. numpy.distutils, which f2py uses on
  Python < 3.12, fails with setuptools >= 74 (the project has 84), so ``setuptools<66`` is
  installed the same way into ``.../kmcos-1.1.0/tools`` and put first on the workers'
  PYTHONPATH only.
* Workarounds for kmcos 1.1.0 with numpy 2 (applied here; kmcos is not patched):
  ``numpy.f2py.compile`` no longer exists, so the Fortran kind values (``selected_real_kind``
  ...) are evaluated by compiling a tiny gfortran program; kmcos' own build passes
  ``-fimplicit-none``, which breaks the wrappers numpy 2's f2py generates, so the f2py command
  is issued here with kmcos' other flags (``-O3 -ffree-form -xf95-cpp-input ...``); without
  lxml, kmcos serialises the model as INI and fails on ``connected_variables``, so that
  (unused) attribute is removed before export.

Anything missing or failing yields a string ``"not available: <reason>"`` instead of an
exception.

Usage
-----
``python benchmarks/peer_kmcos.py [--quick] [--check] [--lat-int] [--sizes=64,256]
[--events=N]``: ``--quick`` times 64^2 only with 300 000 events (about 25 s of timing after
about 60 s of compiling the four models, of which 45 s for CO oxidation with interactions);
the full run times 64^2, 256^2 and 1024^2 with 3 000 000 events. ``--check`` adds the
agreement of steady-state coverages and step rates with catscale on a 32^2 lattice
(``max_deviation_from_catscale_sigma``; details under "notes"). ``--lat-int`` also times ZGB
with interactions on kmcos' ``lat_int`` backend (2919 enumerated processes, ~75 s compile).
Prints one JSON object (benchmark contract of DESIGN.md).

Measured (2026-11-24, 2-core machine shared with other jobs, load average 1.6-2.1; full
run, 3 M timed events, best of two; events/s wall): ZGB 1.13 M / 0.81 M / 0.40 M at 64^2 /
256^2 / 1024^2; CO oxidation with hops 0.99 M / 0.67 M / 0.34 M; with the LATERAL pairs (otf)
ZGB 0.19 M / 16 k / 0.13 k and CO oxidation 70 k / 5.7 k / 41 (256^2 and 1024^2 under the
60 s budget, 1024^2 still filling); ZGB pairs on lat_int 0.11 M / 0.10 M (1024^2 would need
~25 GB of site lists). Compile: 3 s (local_smart), 6 s and 41 s (otf), 59 s (lat_int).
Agreement with catscale on 32^2 (2 M events, 20 blocks): coverages and step rates within
0.8 / 1.5 / 0.8 / 1.3 combined standard errors (ZGB, CO ox, ZGB pairs, CO ox pairs);
lat_int 2.3 / 1.1 / 1.3 for seeds 1 / 2 / 3.

The lead calls :func:`time_kmcos` from bench_kmc.py::

    from peer_kmcos import time_kmcos
    r = time_kmcos("zgb", 64, lateral=False, events=300_000)   # dict, or "not available: ..."
"""

from __future__ import annotations

import atexit
import itertools
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

KMCOS_VERSION = "1.1.0"
HERE = os.path.dirname(os.path.abspath(__file__))
CASES = {"zgb": "zgb", "co_oxidation_diffusion": "co_ox", "co_ox": "co_ox"}
CASE_NAMES = {"zgb": "zgb", "co_ox": "co_oxidation_diffusion"}
NEIGHBOURS = ((1, 0), (-1, 0), (0, 1), (0, -1))   # square lattice, shell 1

_BUILDS: dict[tuple[str, bool], dict | str] = {}
_WORKDIR: list[str] = []


# --------------------------------------------------------------------------- environment --
def _cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "catscale-peers", f"kmcos-{KMCOS_VERSION}")


SETUPTOOLS_PIN = "setuptools<66"   # numpy.distutils (f2py's build on Python < 3.12)
# fails with setuptools >= 74 ("Compiler.__init__() takes from 1 to 3 positional arguments")


def _probe(pythonpath: str | None) -> dict | None:
    """Versions of kmcos and setuptools seen by a worker with this PYTHONPATH (None: no
    kmcos)."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    code = ("import json, kmcos, kmcos.io, kmcos.types, setuptools;"
            "print(json.dumps([kmcos.__file__, setuptools.__version__]))")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                       timeout=120)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("[")]
    if r.returncode != 0 or not lines:
        return None
    path, st = json.loads(lines[-1])
    return {"kmcos": path, "setuptools": st}


def _pip_target(target: str, *reqs: str) -> str | None:
    """pip install ``reqs`` (wheels only, no dependencies) into the directory ``target``;
    None on success, else the last line of pip's message."""
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "--only-binary=:all:", "--target", target, *reqs],
                       capture_output=True, text=True, timeout=600)
    if r.returncode == 0:
        return None
    return (r.stderr.strip().splitlines() or ["(no message)"])[-1]


def kmcos_environment(install: bool = True) -> dict | str:
    """Where the kmcos worker processes find kmcos (and a setuptools numpy.distutils accepts).

    Looks in ``$KMCOS_PYTHONPATH``, then in the running Python, then in the scratch directory
    ``~/.cache/catscale-peers/kmcos-1.1.0``; installs kmcos there with pip when ``install``
    (never into the project's environment). When the setuptools seen there is too new for
    numpy.distutils, ``setuptools<66`` is installed into ``.../tools`` and put first on the
    workers' PYTHONPATH.

    Returns
    -------
    dict or str
        ``{"pythonpath": str | None, "gfortran": version, "setuptools": version}``, or
        ``"not available: <reason>"`` when gfortran is missing or kmcos can be neither found
        nor installed.
    """
    gf = shutil.which("gfortran")
    if gf is None:
        return "not available: gfortran not found on PATH (Debian: apt-get install gfortran)"
    try:
        gver = subprocess.run([gf, "--version"], capture_output=True, text=True,
                              timeout=60).stdout.splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError) as e:
        return f"not available: gfortran does not run ({e})"
    try:
        import numpy.f2py  # noqa: F401
    except ImportError as e:
        return f"not available: numpy.f2py cannot be imported ({e})"
    candidates = []
    if os.environ.get("KMCOS_PYTHONPATH"):
        candidates.append(os.environ["KMCOS_PYTHONPATH"])
    candidates += [None, _cache_dir()]
    path, info = None, None
    for c in candidates:
        if c is not None and not os.path.isdir(c):
            continue
        info = _probe(c)
        if info is not None:
            path = c
            break
    if info is None:
        if not install:
            return "not available: kmcos is not installed (set KMCOS_PYTHONPATH)"
        path = _cache_dir()
        err = _pip_target(path, f"kmcos=={KMCOS_VERSION}")
        if err:
            return f"not available: pip could not install kmcos=={KMCOS_VERSION}: {err}"
        info = _probe(path)
        if info is None:
            return f"not available: kmcos installed in {path} but does not import"
    def major(v: dict) -> int:
        return int(v["setuptools"].split(".")[0])

    if major(info) >= 66:
        tools = os.path.join(_cache_dir(), "tools")
        full = os.pathsep.join([tools] + ([path] if path else []))
        probe = _probe(full) if os.path.isdir(tools) else None
        if probe is None or major(probe) >= 66:
            if not install:
                return (f"not available: setuptools {info['setuptools']} is too new for "
                        f"numpy.distutils (needs {SETUPTOOLS_PIN})")
            err = _pip_target(tools, SETUPTOOLS_PIN)
            if err:
                return f"not available: pip could not install {SETUPTOOLS_PIN}: {err}"
            probe = _probe(full)
        if probe is None or major(probe) >= 66:
            return f"not available: kmcos does not import with {SETUPTOOLS_PIN} ({tools})"
        path, info = full, probe
    return {"pythonpath": path, "gfortran": gver, "setuptools": info["setuptools"]}


def _workdir() -> str:
    if not _WORKDIR:
        d = tempfile.mkdtemp(prefix="kmcos_peer_")
        _WORKDIR.append(d)
        atexit.register(shutil.rmtree, d, True)
    return _WORKDIR[0]


# ------------------------------------------------------------------ catscale -> kmcos spec --
def _catscale_model(case: str, lateral: bool, L: int = 8):
    sys.path.insert(0, HERE)
    try:
        import bench_kmc as b
    finally:
        sys.path.remove(HERE)
    from catscale.kmc import Lattice
    lat = Lattice.square(L)
    make = getattr(b, CASES[case])
    return make(lat, b.LATERAL if lateral else None), lat


def _ident(name: str) -> str:
    """kmcos species name (letters and digits only: '_' separates fields in kmcos)."""
    s = re.sub(r"[^A-Za-z0-9]", "", name)
    return s if s and s[0].isalpha() else "s" + s


def model_spec(case: str, lateral: bool, backend: str | None = None) -> dict:
    """The kmcos description (JSON-ready) of bench_kmc's model ``case``.

    Parameters
    ----------
    case : {"zgb", "co_oxidation_diffusion"}
    lateral : bool
        Include bench_kmc.LATERAL (nearest-neighbour pair energies, eV).
    backend : {None, "local_smart", "otf", "lat_int"}
        kmcos code generator; None: ``otf`` with interactions, ``local_smart`` without.
        ``lat_int`` enumerates every state of the bystander sites as a separate process
        (3^6 = 729 per pair process and direction here).

    Returns
    -------
    dict
        ``species`` (kmcos names, vacancy first as "empty"), ``processes`` (name, sites
        [(dx, dy)], initial, final, rate s^-1, step, direction, bystander coefficients),
        ``backend``; rates in s^-1 per kmcos process occurrence.
    """
    from catscale.units import kB

    if backend not in (None, "local_smart", "otf", "lat_int"):
        raise ValueError(f"backend {backend!r} (expected local_smart, otf or lat_int)")
    model, _ = _catscale_model(case, lateral)
    if model.interactions.clusters:
        raise ValueError("many-body clusters are not translated to kmcos")
    kinds = dict(zip(model.species, model.kinds))
    vac = [s for s in model.species if s == kinds[s]]
    if len(set(model.kinds)) != 1 or len(vac) != 1:
        raise ValueError("one site kind (square lattice, one site per cell) is translated")
    names = {s: ("empty" if s in vac else _ident(s)) for s in model.species}
    ads = [s for s in model.species if s not in vac]
    eps: dict[tuple[str, str], float] = {}
    for a, b, shell, e in model.interactions.pairs:
        if int(shell) != 1:
            raise ValueError(f"lateral pair {a}-{b} in shell {shell}: only shell 1 is translated")
        eps[(a, b)] = eps.get((a, b), 0.0) + e
        if a != b:
            eps[(b, a)] = eps.get((b, a), 0.0) + e
    use_lat = any(v != 0 for v in eps.values())
    kT = kB * model.T

    def e(a: str, b: str) -> float:
        return eps.get((a, b), 0.0)

    procs = []
    for i, p in enumerate(model.processes):
        if p.rate <= 0:
            continue
        if p.n_sites == 1:
            variants = [((0, 0),)]
            mult = 1.0
        else:
            if p.shell != 1:
                raise ValueError(f"process {p.name!r}: only shell-1 pairs are translated")
            sym = p.initial[0] == p.initial[1] and p.final[0] == p.final[1]
            dirs = NEIGHBOURS[::2] if sym else NEIGHBOURS   # (1,0),(0,1) for symmetric
            variants = [((0, 0), d) for d in dirs]
            mult = 2.0 if sym else 1.0
        for v, sites in enumerate(variants):
            rate = p.rate * mult
            byst = []
            if use_lat and p.alpha != 0.0:
                # dE = sum_i sum_b n_b(p_i) [e(f_i, b) - e(i_i, b)] + internal pair change
                if p.n_sites == 2:
                    d_int = e(p.final[0], p.final[1]) - e(p.initial[0], p.initial[1])
                    rate *= math.exp(-p.alpha * d_int / kT)
                for j, (sx, sy) in enumerate(sites):
                    coeffs = {names[b]: -p.alpha * (e(p.final[j], b) - e(p.initial[j], b)) / kT
                              for b in ads}
                    coeffs = {b: c for b, c in coeffs.items() if c != 0.0}
                    if not coeffs:
                        continue
                    coords = [(sx + dx, sy + dy) for dx, dy in NEIGHBOURS
                              if (sx + dx, sy + dy) not in sites]
                    byst.append(dict(flag=f"p{j}", coords=coords, coeffs=coeffs))
            procs.append(dict(name=f"p{i:02d}v{v}", label=p.name, sites=list(sites),
                              initial=[names[s] for s in p.initial],
                              final=[names[s] for s in p.final], rate=rate, step=p.step,
                              direction=p.direction, bystanders=byst))
    return dict(case=CASE_NAMES[CASES[case]], lateral=lateral, T=model.T,
                species=["empty"] + [names[s] for s in ads],
                catscale_species={names[s]: s for s in model.species},
                backend=backend or ("otf" if use_lat else "local_smart"), processes=procs)


# ------------------------------------------------------------------------ parent helpers --
def _run_worker(args: list[str], env_info: dict, timeout: float) -> dict | str:
    env = dict(os.environ)
    if env_info.get("pythonpath"):
        env["PYTHONPATH"] = env_info["pythonpath"]
    try:
        r = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker"] + args,
                           env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"not available: kmcos worker {args[0]} timed out after {timeout:.0f} s"
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if r.returncode != 0 or not lines:
        tail = " | ".join((r.stderr or r.stdout).strip().splitlines()[-3:])
        return f"not available: kmcos worker {args[0]} failed (exit {r.returncode}): {tail}"
    out = json.loads(lines[-1])
    if "error" in out:
        return f"not available: {out['error']}"
    return out


def build_kmcos(case: str, lateral: bool, backend: str | None = None) -> dict | str:
    """Export and compile the kmcos model of ``case`` once per process (cached); ``backend``
    as in :func:`model_spec`.

    Returns
    -------
    dict or str
        ``{"dir": path, "compile_seconds": wall s, "compile_cpu_seconds": s (worker and its
        compilers), "backend": str, "n_processes": int, "spec": dict}`` or
        ``"not available: <reason>"``.
    """
    if case not in CASES:
        return f"not available: unknown case {case!r} (expected one of {sorted(CASES)})"
    key = (CASES[case], bool(lateral), backend)
    if key in _BUILDS:
        return _BUILDS[key]
    env_info = kmcos_environment()
    if isinstance(env_info, str):
        _BUILDS[key] = env_info
        return env_info
    try:
        spec = model_spec(case, lateral, backend)
    except ValueError as e:
        _BUILDS[key] = f"not available: the model cannot be expressed in kmcos ({e})"
        return _BUILDS[key]
    d = os.path.join(_workdir(), f"{key[0]}_{'pair' if lateral else 'plain'}_{spec['backend']}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "spec.json"), "w") as f:
        json.dump(spec, f)
    out = _run_worker(["build", d], env_info, timeout=1800)
    if isinstance(out, dict):
        out.update(dir=d, spec=spec, env=env_info)
    _BUILDS[key] = out
    return out


def warmup_events(L: int, events: int) -> int:
    """Warm-up length of bench_kmc.time_case: ~10 events per site, at most 4 M."""
    return max(min(events // 4, 200_000), min(10 * L * L, 4_000_000))


def time_kmcos(case: str, L: int, lateral: bool, events: int, seed: int = 1,
               backend: str | None = None, max_seconds: float = 60.0) -> dict | str:
    """Events per second of kmcos on bench_kmc's model ``case`` on an L x L square lattice.

    Parameters
    ----------
    case : {"zgb", "co_oxidation_diffusion"} ("co_ox" also accepted)
    L : int
        Lattice edge (sites).
    lateral : bool
        With bench_kmc.LATERAL pair interactions (kmcos ``otf`` backend).
    events : int
        Events per timed run (best of two, after the bench_kmc warm-up).
    seed : int
        kmcos random seed.
    backend : {None, "local_smart", "otf", "lat_int"}
        kmcos code generator (None: ``otf`` with interactions, ``local_smart`` without).
    max_seconds : float
        Time budget, s: the warm-up stops after it, and a timed run is shortened to about
        this long (kmcos' ``otf`` backend selects the site of an event by a linear scan over
        the sites of the chosen process, so its cost per event grows with L^2: ~1e3 events/s
        at 1024^2). ``truncated`` and ``warmup_complete`` in the result say when it acted.

    Returns
    -------
    dict or str
        ``events_per_second`` (1/s, wall clock), ``events_per_cpu_second`` (1/s, CPU time of
        the worker), ``compile_seconds`` (s, wall, export + f2py/gfortran, once per model),
        ``backend``, ``warmup_events``, ``kmc_time`` (s simulated), ``coverages`` at the end,
        ``load_average``; or ``"not available: <reason>"``.
    """
    if int(L) < 4 or int(events) < 1:
        return f"not available: need L >= 4 and events >= 1 (got L={L}, events={events})"
    b = build_kmcos(case, lateral, backend)
    if isinstance(b, str):
        return b
    warm = warmup_events(int(L), int(events))
    # kmcos allocates avail_sites(nr_of_proc, volume, 2) (4-byte integers; otf also a
    # double rates_matrix): refuse runs that would not fit in the free memory
    need = b["n_processes"] * L * L * (8 + (8 if b["backend"] == "otf" else 0))
    free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    if need > 0.5 * free:
        return (f"not available: kmcos {b['backend']} with {b['n_processes']} processes needs "
                f"~{need / 1e9:.1f} GB of site lists at {L}x{L} ({free / 1e9:.1f} GB free)")
    out = _run_worker(["run", b["dir"], str(int(L)), str(warm), str(int(events)), "2",
                       str(int(seed)), str(int(max_seconds))], b["env"],
                      timeout=6 * max_seconds + 600)
    if isinstance(out, str):
        return out
    out.update(compile_seconds=b["compile_seconds"],
               compile_cpu_seconds=b["compile_cpu_seconds"], backend=b["backend"],
               n_processes=b["n_processes"], load_average=os.getloadavg())
    return out


def compare_with_catscale(case: str, L: int = 32, lateral: bool = False,
                          events: int = 2_000_000, blocks: int = 20, seed: int = 1,
                          backend: str | None = None) -> dict | str:
    """Steady-state coverages and net step rates of kmcos and catscale on the same model.

    Both run ``events`` events from the empty lattice; the first 30 % are discarded and the
    rest is cut into ``blocks`` blocks (kmcos: coverages sampled at block ends, step rates
    from executed-process counts over kMC time; catscale: :func:`catscale.kmc.simulate` with
    block averages). Differences are given in units of the combined standard error.

    Returns
    -------
    dict or str
        ``{"coverages": {species: (kmcos, err, catscale, err)}, "step_rates": {step:
        (kmcos, err, catscale, err)}, "max_sigma": float}`` (rates in s^-1 per site), or
        ``"not available: <reason>"``.
    """
    import numpy as np

    from catscale.kmc import KMCConfig, Lattice, simulate

    b = build_kmcos(case, lateral, backend)
    if isinstance(b, str):
        return b
    warm = int(0.3 * events)
    per_block = (events - warm) // blocks
    out = _run_worker(["sample", b["dir"], str(L), str(warm), str(per_block), str(blocks),
                       str(seed)], b["env"], timeout=3600)
    if isinstance(out, str):
        return out
    spec = b["spec"]
    N = L * L
    cov = np.array(out["coverages"])          # (blocks, species)
    counts = np.array(out["counts"], float)   # (blocks, processes)
    dt = np.array(out["dt"])                  # (blocks,)
    steps = sorted({p["step"] for p in spec["processes"] if p["step"] >= 0})
    rates = np.zeros((blocks, len(steps)))
    for k, p in enumerate(spec["processes"]):
        if p["step"] >= 0:
            rates[:, steps.index(p["step"])] += p["direction"] * counts[:, k] / (dt * N)
    # block ratio estimator: total counts / total time, error from block scatter
    k_mean = np.array([(rates[:, j] * dt).sum() / dt.sum() for j in range(len(steps))])
    k_err = rates.std(axis=0, ddof=1) / np.sqrt(blocks)
    c_mean, c_err = cov.mean(axis=0), cov.std(axis=0, ddof=1) / np.sqrt(blocks)

    model, _ = _catscale_model(case, lateral, L)
    lat = Lattice.square(L)
    res = simulate(model, lat, KMCConfig(events=events, seed=seed, blocks=blocks,
                                         warmup=0.3))
    result = {"coverages": {}, "step_rates": {}}
    sig = []
    for i, sp in enumerate(out["species"]):
        cs = spec["catscale_species"][sp]
        a, ea = float(c_mean[i]), float(c_err[i])
        c, ec = float(res.coverages[cs]), float(res.coverage_error[cs])
        result["coverages"][cs] = (a, ea, c, ec)
        sig.append(abs(a - c) / max(np.hypot(ea, ec), 1e-300))
    for j, s in enumerate(steps):
        a, ea = float(k_mean[j]), float(k_err[j])
        c, ec = float(res.step_rates[s]), float(res.step_rate_errors[s])
        result["step_rates"][s] = (a, ea, c, ec)
        sig.append(abs(a - c) / max(np.hypot(ea, ec), 1e-300))
    result["max_sigma"] = float(max(sig))
    result["kmcos_time"] = float(dt.sum())
    result["catscale_status"] = res.status
    return result


# --------------------------------------------------------------------------------- worker --
def _kind_values(src: str, workdir: str) -> str:
    """kind_values.f90 with selected_*_kind(...) replaced by gfortran's numbers (what
    kmcos does through numpy.f2py.compile, which numpy 2 removed)."""
    pat = re.compile(r"(selected_(?:int|real)_kind)\(([^)]*)\)", re.IGNORECASE)
    exprs = []
    for m in pat.finditer(src):
        fn, args = m.group(1), m.group(2)
        if fn.lower() == "selected_int_kind":   # gfortran's keyword is r=, kmcos writes p=
            args = args.split("=")[-1]
        exprs.append(f"{fn}({args})")
    prog = "program kinds\n" + "".join(f"print *, {x}\n" for x in exprs) + "end program kinds\n"
    f90, exe = os.path.join(workdir, "kinds.f90"), os.path.join(workdir, "kinds")
    with open(f90, "w") as f:
        f.write(prog)
    r = subprocess.run(["gfortran", f90, "-o", exe], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("gfortran cannot compile a 5-line test program: "
                           + " | ".join((r.stderr or r.stdout).strip().splitlines()[-2:]))
    vals = iter(subprocess.run([exe], check=True, capture_output=True,
                               text=True).stdout.split())
    return pat.sub(lambda m: next(vals), src)


def _worker_build(d: str) -> dict:
    import resource

    import numpy as np

    t0, c0 = time.perf_counter(), time.process_time()
    import kmcos
    import kmcos.io
    from kmcos.types import Action, Bystander, Condition, Site

    with open(os.path.join(d, "spec.json")) as f:
        spec = json.load(f)
    pt = kmcos.create_kmc_model("peer")
    pt.set_meta(author="catscale", email="none@example.org", model_name="peer",
                model_dimension=2)
    for s in spec["species"]:
        pt.add_species(name=s, color="#ffffff")
    layer = pt.add_layer(name="sq")
    layer.sites.append(Site(name="a", pos="0.5 0.5 0.5", default_species="empty"))
    pt.lattice.cell = np.diag([1.0, 1.0, 1.0])
    pt.add_parameter(name="T", value=spec["T"])

    def coord(dx: int, dy: int):
        return pt.lattice.generate_coord(f"a.({dx},{dy},0).sq")

    params: dict[float, str] = {}

    def param(v: float) -> str:
        if v not in params:
            params[v] = f"q{len(params)}"
            pt.add_parameter(name=params[v], value=repr(float(v)))
        return params[v]

    kmcos_names: dict[str, list[str]] = {}
    for p in spec["processes"]:
        kmcos_names[p["name"]] = [p["name"]]
        conds = [Condition(species=s, coord=coord(*xy)) for s, xy in zip(p["initial"],
                                                                          p["sites"])]
        acts = [Action(species=s, coord=coord(*xy)) for s, xy in zip(p["final"], p["sites"])]
        kw = dict(name=p["name"], conditions=conds, actions=acts,
                  rate_constant=repr(float(p["rate"])))
        if spec["backend"] == "lat_int" and p["bystanders"]:
            # one process per state of the bystander sites (conditions without actions)
            sites = [(xy, bs["coeffs"]) for bs in p["bystanders"] for xy in bs["coords"]]
            for n, states in enumerate(itertools.product(spec["species"], repeat=len(sites))):
                x = sum(c.get(sp, 0.0) for (_, c), sp in zip(sites, states))
                extra = [Condition(species=sp, coord=coord(*xy))
                         for (xy, _), sp in zip(sites, states)]
                kmcos_names[p["name"]].append(f"{p['name']}c{n:04d}")
                pt.add_process(name=kmcos_names[p["name"]][-1], conditions=conds + extra,
                               actions=acts, rate_constant=repr(float(p["rate"]) * math.exp(x)))
            del kmcos_names[p["name"]][0]
            continue
        if spec["backend"] == "otf":
            byst, terms = [], []
            for bs in p["bystanders"]:
                for xy in bs["coords"]:
                    byst.append(Bystander(coord=coord(*xy), allowed_species=sorted(bs["coeffs"]),
                                          flag=bs["flag"]))
                for sp, c in sorted(bs["coeffs"].items()):
                    terms.append(f"{param(c)}*nr_{sp}_{bs['flag']}")
            kw["bystander_list"] = byst
            kw["otf_rate"] = ("otf_rate = base_rate*exp(" + " + ".join(terms) + ")" if terms
                              else "otf_rate = base_rate")
        pt.add_process(**kw)

    class Options:
        backend = spec["backend"]
        acf = False
        temp_acc = False
        no_optimize = False
        debug = False

    # kmcos serialises the project into kmc_settings.py; without lxml its INI writer fails
    # on this (unused) attribute
    if hasattr(pt, "connected_variables"):
        del pt.connected_variables
    with open(os.path.join(d, "names.json"), "w") as f:
        json.dump(kmcos_names, f)
    src = os.path.join(d, "src")
    kmcos.io.export_source(pt, src, options=Options())
    with open(os.path.join(src, "kind_values.f90")) as f:
        kv = _kind_values(f.read(), d)
    with open(os.path.join(src, "kind_values_f2py.f90"), "w") as f:
        f.write(kv)
    files = ["kind_values_f2py.f90", "base.f90", "lattice.f90"]
    files += [f for f in ("proclist_constants.f90", "proclist_pars.f90")
              if os.path.isfile(os.path.join(src, f))]
    names = sorted(os.listdir(src))
    files += [f for f in names if f.startswith("nli_") and f.endswith(".f90")]
    files += [f for f in names if f.startswith("run_proc_") and f.endswith(".f90")]
    files += ["proclist.f90"]
    # kmcos' build flags (kmcos/utils.build) without -fimplicit-none (see module docstring)
    flags = ("-ffree-line-length-none -ffree-form -xf95-cpp-input -O3 "
             "-fmax-identifier-length=63")
    r = subprocess.run([sys.executable, "-m", "numpy.f2py", "-c", "--fcompiler=gnu95",
                        f"--f90flags={flags}", "-m", "kmc_model"] + files, cwd=src,
                       capture_output=True, text=True)
    so = [f for f in os.listdir(src) if f.startswith("kmc_model") and f.endswith(".so")]
    if r.returncode != 0 or not so:
        tail = " | ".join([ln for ln in r.stderr.splitlines() if "rror" in ln][-3:])
        return {"error": f"f2py/gfortran compilation failed: {tail or r.stderr[-300:]}"}
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"compile_seconds": time.perf_counter() - t0,
            "compile_cpu_seconds": time.process_time() - c0 + ch.ru_utime + ch.ru_stime,
            "backend": spec["backend"], "n_processes": len(pt.process_list),
            "kmcos_version": getattr(kmcos, "__version__", KMCOS_VERSION)}


def _load(d: str, L: int, seed: int):
    src = os.path.join(d, "src")
    sys.path.insert(0, src)
    os.chdir(src)
    from kmcos.run import KMC_Model

    return KMC_Model(print_rates=False, banner=False, size=int(L), random_seed=int(seed))


def _coverages(m) -> tuple[list[str], list[float]]:
    occ = m.get_atoms(geometry=False).occupation      # (species, sites per cell), fractions
    header = [h.split("_")[0] for h in m.get_occupation_header().split()]
    return header, [float(x) for x in occ[:, 0]]


def _worker_run(d: str, L: int, warm: int, events: int, reps: int, seed: int,
                max_seconds: int) -> dict:
    """Warm-up, then ``reps`` timed runs of ``events`` events; the warm-up stops after
    ``max_seconds`` and a timed run is shortened to last about ``max_seconds`` when kmcos
    is too slow (reported: ``warmup_events``, ``events``, ``truncated``)."""
    m = _load(d, L, seed)
    t0 = time.perf_counter()
    done, chunk = 0, 1000
    while done < warm and time.perf_counter() - t0 < max_seconds:
        n = min(chunk, warm - done)
        tc = time.perf_counter()
        m.do_steps(n)
        done += n
        if time.perf_counter() - tc < 1.0:   # chunks of ~1 s at most
            chunk *= 2
    t_warm = time.perf_counter() - t0
    # probe the speed, then size the timed runs
    t0 = time.perf_counter()
    n0 = min(events, 2000)
    m.do_steps(n0)
    r0 = n0 / max(time.perf_counter() - t0, 1e-9)
    n = events if events <= r0 * max_seconds else max(n0, int(r0 * max_seconds))
    best = (0.0, 0.0)
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        m.do_steps(n)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        if n / dt > best[0]:
            best = (n / dt, n / max(dc, 1e-9))
    t_kmc = float(m.base.get_kmc_time())
    if not math.isfinite(t_kmc):
        return {"error": "kmcos clock is not finite (absorbing state?)"}
    sp, cov = _coverages(m)
    return {"events_per_second": best[0], "events_per_cpu_second": best[1],
            "warmup_events": done, "warmup_complete": done >= warm, "warmup_seconds": t_warm,
            "events": n, "truncated": n < events, "kmc_time": t_kmc,
            "steps": int(m.base.get_kmc_step()), "coverages": dict(zip(sp, cov))}


def _worker_sample(d: str, L: int, warm: int, per_block: int, blocks: int, seed: int) -> dict:
    with open(os.path.join(d, "spec.json")) as f:
        spec = json.load(f)
    with open(os.path.join(d, "names.json")) as f:
        names = json.load(f)
    m = _load(d, L, seed)
    idx = [[int(getattr(m.proclist, n.lower())) for n in names[p["name"]]]
           for p in spec["processes"]]
    m.do_steps(warm)

    def stats():
        return (float(m.base.get_kmc_time()),
                [sum(int(m.base.get_procstat(i)) for i in ii) for ii in idx])

    t_prev, n_prev = stats()
    covs, counts, dts, species = [], [], [], None
    for _ in range(blocks):
        m.do_steps(per_block)
        t, n = stats()
        species, c = _coverages(m)
        covs.append(c)
        counts.append([a - b for a, b in zip(n, n_prev)])
        dts.append(t - t_prev)
        t_prev, n_prev = t, n
    return {"species": species, "coverages": covs, "counts": counts, "dt": dts}


def _worker(argv: list[str]) -> None:
    what, d = argv[0], argv[1]
    nums = [int(x) for x in argv[2:]]
    try:
        if what == "build":
            out = _worker_build(d)
        elif what == "run":
            out = _worker_run(d, *nums)
        elif what == "sample":
            out = _worker_sample(d, *nums)
        else:
            out = {"error": f"unknown worker task {what!r}"}
    except Exception as e:  # noqa: BLE001 - reported to the parent as "not available"
        out = {"error": f"{type(e).__name__}: {e}"}
    sys.stdout.flush()
    print(json.dumps(out), flush=True)


# ----------------------------------------------------------------------------------- main --
def _option(name: str, default: str) -> str:
    for a in sys.argv[1:]:
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return default


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = tuple(int(x) for x in _option("--sizes", "64" if quick else "64,256,1024")
                  .split(","))
    events = int(_option("--events", "300000" if quick else "3000000"))
    load0 = os.getloadavg()
    env_info = kmcos_environment()
    models = [(c, lat, None) for c in ("zgb", "co_oxidation_diffusion") for lat in (False, True)]
    if "--lat-int" in sys.argv:
        models.append(("zgb", True, "lat_int"))
    results = []
    notes = {}
    for case, lateral, backend in models:
        suffix = (" pair" if lateral else "") + (f" [{backend}]" if backend else "")
        b = build_kmcos(case, lateral, backend)
        if isinstance(b, str):
            notes[case + suffix] = b
            continue
        label = f"{case}{suffix} compile ({b['backend']}, {b['n_processes']} processes)"
        results += [dict(case=label, tool="kmcos", metric="compile_time",
                         value=round(b["compile_seconds"], 2), unit="s"),
                    dict(case=label, tool="kmcos", metric="compile_cpu_time",
                         value=round(b["compile_cpu_seconds"], 2), unit="s")]
        for L in sizes:
            r = time_kmcos(case, L, lateral, events, backend=backend)
            name = f"{case} {L}x{L}{suffix}"
            print(name, r if isinstance(r, str) else
                  {k: r[k] for k in ("events_per_second", "events_per_cpu_second", "events",
                                     "warmup_events", "load_average")},
                  file=sys.stderr, flush=True)
            if isinstance(r, str):
                notes[name] = r
                continue
            if r["truncated"] or not r["warmup_complete"]:
                notes[name] = (f"time budget: {r['warmup_events']} warm-up events "
                               f"(of {warmup_events(L, events)}), {r['events']} timed events")
            results += [dict(case=name, tool="kmcos", metric="events_per_second",
                             value=round(r["events_per_second"]), unit="1/s"),
                        dict(case=name, tool="kmcos", metric="events_per_cpu_second",
                             value=round(r["events_per_cpu_second"]), unit="1/s"),
                        dict(case=name, tool="kmcos", metric="load_average_1min",
                             value=round(r["load_average"][0], 2), unit="1")]
        if "--check" in sys.argv:
            c = compare_with_catscale(case, 32, lateral, backend=backend)
            if isinstance(c, str):
                notes[f"{case}{suffix} check"] = c
            else:
                results.append(dict(case=f"{case} 32x32{suffix}", tool="kmcos",
                                    metric="max_deviation_from_catscale_sigma",
                                    value=round(c["max_sigma"], 2), unit="1"))
                notes[f"{case}{suffix} check"] = c
    machine = dict(python=platform.python_version(), processor=platform.processor(),
                   cpus=os.cpu_count(), load_average_start=load0,
                   load_average_end=os.getloadavg())
    if isinstance(env_info, dict):
        machine.update(gfortran=env_info["gfortran"], kmcos=KMCOS_VERSION)
    out = dict(benchmark="kmcos_peer", machine=machine, results=results)
    if notes:
        out["notes"] = notes
    print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        _worker(sys.argv[2:])
    else:
        main()
