"""The HTML report of ``catscale run``: one static, self-contained file.

``write_report(result, path)`` writes ``DIR/report.html``: a header with the model, its
provenance and the time of each stage; every warning of the run in a box at the top; the
scale-separation verdicts; then one section per stage that ran (and only those), each with
the figures its :class:`~catscale.stages.Stage` object declares (drawn from its typed result by
:mod:`catscale.stages.figures`, embedded as base64 PNG), a table of its key
numbers and the readable text the run printed. Nothing is loaded from outside: no external
CSS, JavaScript, fonts or images. One small inline script records any JavaScript error and
counts the images that decoded into ``<div id="render-check">`` so a headless browser can
confirm the page renders cleanly (``--dump-dom``).
"""

from __future__ import annotations

import base64
import html
import io
import os
import pathlib
from collections.abc import Mapping
from typing import Any

from ..stages import STAGES, FigureSkipped
from ..stages.figures import fig_scale_separation
from ._results import run_provenance

__all__ = ["write_report", "render_report", "scale_checks", "REPORT_FILE", "stage_titles"]

REPORT_FILE = "report.html"

def stage_titles() -> dict[str, str]:
    """Section titles in scale order: the registered stages' own titles."""
    from ..stages import STAGES

    return {"atomistic": "Atomistic: potential-energy surface",
            **{n: st.title for n, st in STAGES.items()}}


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
 margin:0 auto;max-width:1100px;padding:0 1.2em 3em;color:#1d232a;line-height:1.45}
header{border-bottom:3px solid #2b5d8a;margin-bottom:1em;padding:.6em 0}
h1{margin:.3em 0;font-size:1.6em}h2{border-bottom:1px solid #ccd;padding-bottom:.2em;
 margin-top:1.8em}h3{font-size:1.05em;margin:1.2em 0 .4em}
table{border-collapse:collapse;font-size:.85em;margin:.4em 0}
td,th{border:1px solid #d4d8de;padding:.2em .55em;text-align:left;vertical-align:top}
th{background:#eef2f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
.warnings{border:2px solid #b3261e;background:#fdecea;padding:.6em 1em;border-radius:6px}
.warnings h2{margin-top:.2em;color:#b3261e;border:none}
.ok{border:2px solid #2e7d32;background:#edf7ed;padding:.5em 1em;border-radius:6px}
.bad{color:#b3261e;font-weight:600}.good{color:#2e7d32;font-weight:600}
figure{margin:1em 0;text-align:center}figure img{max-width:100%;height:auto}
figcaption{font-size:.85em;color:#4a5560;margin-top:.3em}
.note{font-size:.85em;color:#6b5900;background:#fff8e1;border-left:4px solid #f0b400;
 padding:.3em .6em}
.figure-error{font-size:.85em;color:#b3261e;background:#fdecea;border-left:4px solid #b3261e;
 padding:.3em .6em}
pre{background:#f5f7f9;padding:.6em;overflow-x:auto;font-size:.8em}
nav ul{columns:2;font-size:.9em}.meta{font-size:.85em;color:#4a5560}
#render-check{display:none}
"""

# records JavaScript errors (and failed resource loads) and counts decoded images; the
# result is written into #render-check for a headless browser to read back
_CHECK_HEAD = """<script>
(function(){var errs=[];window.__catscaleErrors=errs;
window.addEventListener('error',function(e){var t=e.target&&e.target!==window?
' ('+(e.target.tagName||'')+' failed to load)':'';errs.push(String(e.message||'error')+t+
(e.filename?' @ '+e.filename+':'+e.lineno:''));},true);
window.addEventListener('unhandledrejection',function(e){errs.push('unhandled rejection: '+
String(e.reason));});
var ce=console.error;console.error=function(){errs.push(Array.prototype.join.call(arguments,
' '));return ce.apply(console,arguments);};
window.addEventListener('load',function(){var im=document.images,ok=0,bad=0;
for(var i=0;i<im.length;i++){if(im[i].complete&&im[i].naturalWidth>0){ok++;}else{bad++;}}
var el=document.getElementById('render-check');el.setAttribute('data-images-ok',ok);
el.setAttribute('data-images-broken',bad);el.setAttribute('data-errors',errs.length);
el.textContent=errs.join('\\n');el.setAttribute('data-status','done');});})();
</script>"""


# ---- helpers ------------------------------------------------------------------------------
def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        if len(v) <= 6 and all(not isinstance(x, (dict, list)) for x in v):
            return "[" + ", ".join(_fmt(x) for x in v) + "]"
        return f"list of {len(v)}"
    if isinstance(v, Mapping):
        return f"{len(v)} entries"
    try:
        import numpy as np

        if isinstance(v, np.generic):
            return _fmt(v.item())
    except ImportError:                                     # pragma: no cover
        pass
    return str(v)


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figure_html(fid: str, caption: str, fn: Any, *args: Any, **kw: Any) -> str:
    try:
        fig = fn(*args, **kw)
    except FigureSkipped as exc:
        return f'<p class="note" id="fig-{_e(fid)}-skipped">Figure "{_e(fid)}" not drawn: ' \
               f"{_e(exc)}.</p>"
    except Exception as exc:  # a figure must never stop the report; say so plainly
        return (f'<p class="figure-error" id="fig-{_e(fid)}-error">Figure "{_e(fid)}" '
                f"failed: {_e(type(exc).__name__)}: {_e(exc)}</p>")
    data = _png(fig)
    return (f'<figure id="fig-{_e(fid)}"><img src="data:image/png;base64,{data}" '
            f'alt="{_e(caption)}"><figcaption>{_e(caption)}</figcaption></figure>')


def _kv_table(rows: list[tuple[str, Any]], unit: Mapping[str, str] | None = None) -> str:
    if not rows:
        return ""
    out = ["<table><tbody>"]
    for k, v in rows:
        u = (unit or {}).get(k, "")
        cls = ' class="num"' if isinstance(v, (int, float)) and not isinstance(v, bool) else ""
        out.append(f"<tr><th>{_e(k)}</th><td{cls}>{_e(_fmt(v))}</td>"
                   f"<td>{_e(u)}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    out = ["<table><thead><tr>", *[f"<th>{_e(h)}</th>" for h in header], "</tr></thead><tbody>"]
    for r in rows:
        out.append("<tr>" + "".join(
            f'<td class="num">{_e(_fmt(c))}</td>' if isinstance(c, (int, float))
            and not isinstance(c, bool) else f"<td>{_e(_fmt(c))}</td>" for c in r) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def scale_checks(stages: Mapping[str, Any]) -> list[dict]:
    """Every scale-separation verdict found in the stages (dicts with 'bridge' and
    'justified', e.g. ``kmc.scale_check``), each with the stage it came from."""
    found: list[dict] = []

    def walk(o: Any, stage: str) -> None:
        if isinstance(o, Mapping):
            if "bridge" in o and "justified" in o:
                found.append({**o, "stage": stage})
                return
            for v in o.values():
                walk(v, stage)
        elif isinstance(o, (list, tuple)):
            for v in o:
                walk(v, stage)

    for name, st in stages.items():
        walk(st, name)
    return found


# ---- stage sections -----------------------------------------------------------------------
def _facts(name: str, st: Mapping) -> str:
    """Key numbers of a stage as HTML tables."""
    parts: list[str] = []
    if name == "rates" and isinstance(st.get("steps"), list):
        parts.append(_table(["step", "dG / eV", "dG_act / eV", "k_f", "k_r", "K_eq"],
                            [[s.get("equation"), s.get("dG"), s.get("dG_act"), s.get("k_f"),
                              s.get("k_r"), s.get("K_eq")] for s in st["steps"]]))
        parts.append('<p class="meta">k in s^-1 bar^-n (n gas molecules on that side); '
                     f"T = {_e(_fmt(st.get('T')))} K.</p>")
        return "".join(parts)
    if name == "steady":
        cov = st.get("coverages") or {}
        if isinstance(cov, Mapping):
            parts.append(_table(["species", "coverage / ML"], [[k, v] for k, v in cov.items()]))
        rows = [(f"TOF({k})", v) for k, v in (st.get("tof") or {}).items()]
        rows += [(k, st.get(k)) for k in ("apparent_Ea", "residual", "stable", "method", "masi")
                 if k in st]
        rows += [(f"order in {k}", v) for k, v in (st.get("orders") or {}).items()]
        parts.append(_kv_table(rows, {**{r[0]: "s^-1 per site" for r in rows
                                         if r[0].startswith("TOF")}, "apparent_Ea": "eV"}))
        return "".join(parts)
    if name == "kmc":
        v = st.get("verdict")
        if v is not None:
            cls = "good" if v == "valid" else "bad"
            parts.append(f'<p>Mean field against kMC: <span class="{cls}">{_e(v)}</span></p>')
        if st.get("reasons"):
            parts.append("<ul>" + "".join(f"<li>{_e(r)}</li>" for r in st["reasons"]) + "</ul>")
        k = st.get("kmc") if isinstance(st.get("kmc"), Mapping) else st
        rows = [(x, k.get(x)) for x in ("events", "events_per_second", "time", "status")
                if k.get(x) is not None]
        lat = k.get("lattice")
        if isinstance(lat, Mapping):
            rows.insert(0, ("lattice", f"{lat.get('name', '')} {lat.get('size', '')}"))
        parts.append(_kv_table(rows, {"time": "s (simulated)", "events_per_second": "s^-1"}))
        return "".join(parts)
    if name == "uq" and isinstance(st.get("outputs"), Mapping):
        rows = []
        for o, d in st["outputs"].items():
            if isinstance(d, Mapping):
                rows.append([o, d.get("mean"), d.get("std"), d.get("median"), d.get("ci_low"),
                             d.get("ci_high")])
        parts.append(_table(["output", "mean", "std", "median", "CI low", "CI high"], rows))
        n = st.get("samples")
        if isinstance(n, Mapping):
            n = max((len(v) for v in n.values() if isinstance(v, (list, tuple))), default=0)
        parts.append(f'<p class="meta">method {_e(st.get("method"))}, '
                     f'{_e(_fmt(n))} samples, seed {_e(st.get("seed"))}; '
                     "TOF in s^-1 per site, DRC and coverages dimensionless.</p>")
        return "".join(parts)
    # generic: top-level scalars and short dicts of scalars
    rows: list[tuple[str, Any]] = []
    for k, v in st.items():
        if isinstance(v, (str, int, float, bool)) or v is None:
            rows.append((k, v))
        elif isinstance(v, Mapping) and len(v) <= 8 and all(
                isinstance(x, (str, int, float, bool)) or x is None for x in v.values()):
            rows += [(f"{k}.{a}", b) for a, b in v.items()]
        elif isinstance(v, (list, tuple)) and len(v) <= 6 and all(
                isinstance(x, (str, int, float, bool)) for x in v):
            rows.append((k, list(v)))
    units = _declared_units(name)
    return _kv_table(rows[:40], {k: units.get(k.split(".")[0], "") for k, _ in rows})


def _declared_units(name: str) -> dict[str, str]:
    """Units of the numeric fields of a stage's typed result, as the result declares them."""
    import dataclasses

    from ..stages import STAGES

    stage = STAGES.get(name)
    if stage is None:
        return {}
    return {f.name: f.metadata["units"] for f in dataclasses.fields(stage.result)
            if f.metadata.get("kind") == "quantity"}


def _stage_section(name: str, st: Any, result: Any, model: Any) -> str:
    title = stage_titles().get(name, name.replace("_", " ").capitalize())
    t = (getattr(result, "timings", {}) or {}).get(name)
    out = [f'<section id="stage-{_e(name)}" class="stage"><h2>{_e(title)}</h2>']
    if t is not None:
        out.append(f'<p class="meta">stage "{_e(name)}" ran in {t:.3g} s</p>')
    st = st if isinstance(st, Mapping) else {"value": st}
    stage = STAGES.get(name)
    figures = stage.figures if stage is not None else ()
    typed = _typed(name, st, result) if figures else None
    for f in figures:
        if typed is None:
            out.append(_figure_html(f.id, f.caption, _no_result, name))
        else:
            out.append(_figure_html(f.id, f.caption, f.build, typed, model))
    out.append("<h3>Key numbers</h3>")
    out.append(_facts(name, st) or '<p class="meta">(no scalar results)</p>')
    text = (getattr(result, "text", {}) or {}).get(name)
    if text:
        out.append(f"<details><summary>Full text output</summary><pre>{_e(text)}</pre>"
                   "</details>")
    out.append("</section>")
    return "".join(out)


def _typed(name: str, st: Mapping, result: Any) -> Any:
    """The stage's typed result: the run's, else rebuilt from its JSON (fields it lacks are
    None; its figures then say what is missing)."""
    typed = (getattr(result, "results", None) or {}).get(name)
    if typed is not None:
        return typed
    try:
        return STAGES[name].result.from_dict(st)
    except (KeyError, TypeError, ValueError):
        return None


def _no_result(name: str) -> Any:
    raise FigureSkipped(f"no typed result of stage '{name}'")


def _scales_section(checks: list[dict]) -> str:
    if not checks:
        return ""
    out = ['<section id="scale-separation"><h2>Scale separation</h2>',
           "<p>Each bridge from a fine scale to a coarse one averages; it is justified when "
           "consecutive scales differ by at least the margin (xi &lt;&lt; l &lt;&lt; L, "
           "tau_corr &lt;&lt; dt &lt;&lt; tau_macro).</p>"]
    rows = []
    for c in checks:
        ok = bool(c.get("justified"))
        ratios = ", ".join(f"{k} = {_fmt(v)}" for k, v in (c.get("ratios") or {}).items())
        rows.append(
            f"<tr><td>{_e(c.get('bridge'))}</td><td>{_e(c.get('stage'))}</td>"
            f'<td class="{"good" if ok else "bad"}">{"justified" if ok else "NOT justified"}'
            f"</td><td>{_e(ratios)}"
            f"</td><td>{_e(c.get('message', ''))}</td><td>{_e(c.get('advice', ''))}</td></tr>")
    out.append("<table><thead><tr><th>bridge</th><th>stage</th><th>verdict</th><th>ratios</th>"
               "<th>message</th><th>what to do</th></tr></thead><tbody>" + "".join(rows)
               + "</tbody></table>")
    out.append(_figure_html("scale_separation", "Scale ratios against the required margin.",
                            fig_scale_separation, checks))
    out.append("</section>")
    return "".join(out)


def _ordered_stages(stages: Mapping[str, Any]) -> list[str]:
    titles = stage_titles()
    known = [s for s in titles if s in stages]
    return known + [s for s in stages if s not in titles]


# ---- the page -----------------------------------------------------------------------------
def render_report(result: Any) -> str:
    """The report of a run as one HTML string (see the module docstring).

    Parameters
    ----------
    result : RunResult
        ``stages``, ``model``, ``timings`` (s), ``warnings``, ``text``; optional
        ``results`` (typed results, which the stages' figures are drawn from; a stage
        without one has it rebuilt from its dict in ``stages``).

    Returns
    -------
    str
        A complete HTML5 document with every figure embedded as a base64 PNG.
    """
    model = getattr(result, "model", None)
    stages = dict(getattr(result, "stages", {}) or {})
    warnings = list(getattr(result, "warnings", []) or [])
    timings = dict(getattr(result, "timings", {}) or {})
    prov = run_provenance(result)
    name = getattr(model, "name", None) or "catscale run"
    raw = getattr(model, "raw", None) or {}

    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>catscale report: {_e(name)}</title>", _CHECK_HEAD,
             f"<style>{_CSS}</style></head><body>"]
    # header
    parts.append(f"<header><h1>{_e(name)}</h1>")
    if isinstance(raw, Mapping) and raw.get("description"):
        parts.append(f"<p>{_e(str(raw['description']).strip())}</p>")
    summ = getattr(model, "summary", None)
    if callable(summ):
        try:
            parts.append(f'<p class="meta">{_e(summ())}</p>')
        except Exception:                                   # pragma: no cover - defensive
            pass
    prov_rows = [(k, v) for k, v in prov.items() if k not in ("seeds", "model") and v]
    seeds = prov.get("seeds") or {}
    if seeds:
        prov_rows.append(("seeds", ", ".join(f"{k} = {v}" for k, v in seeds.items())))
    parts.append("<h3>Provenance</h3>" + _kv_table(prov_rows))
    if timings:
        total = sum(float(v) for v in timings.values())
        parts.append("<h3>Timings</h3>" + _table(
            ["stage", "time / s"], [[k, float(v)] for k, v in timings.items()]
            + [["total", total]]))
    parts.append("</header>")
    # warnings, prominently
    if warnings:
        parts.append(f'<section id="warnings" class="warnings" role="alert"><h2>'
                     f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}</h2><ul>"
                     + "".join(f'<li class="warning">{_e(w)}</li>' for w in warnings)
                     + "</ul></section>")
    else:
        parts.append('<section id="warnings" class="ok"><strong>No warnings.</strong> '
                     "Every stage finished without a reported problem.</section>")
    order = _ordered_stages(stages)
    checks = scale_checks(stages)
    # contents
    parts.append("<nav><h3>Contents</h3><ul>")
    if checks:
        parts.append('<li><a href="#scale-separation">Scale separation</a></li>')
    for s in order:
        parts.append(f'<li><a href="#stage-{_e(s)}">'
                     f"{_e(stage_titles().get(s, s))}</a></li>")
    parts.append("</ul></nav>")
    parts.append(_scales_section(checks))
    for s in order:
        parts.append(_stage_section(s, stages[s], result, model))
    if not stages:
        parts.append('<p class="note">No stage ran.</p>')
    parts.append('<footer class="meta"><p>Written by catscale '
                 f"{_e(prov.get('catscale', ''))}; results in results.nc (one group per stage), "
                 "summary in summary.json.</p></footer>")
    parts.append('<div id="render-check" data-status="pending"></div>')
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(result: Any, path: str | os.PathLike) -> pathlib.Path:
    """Write the self-contained HTML report of a run.

    Parameters
    ----------
    result : RunResult
    path : str or Path
        Output directory (the file is ``DIR/report.html``) or a file name ending in
        ``.html``.

    Returns
    -------
    Path
        The file written (atomically: a temporary file renamed into place).
    """
    p = pathlib.Path(path)
    out = p if p.suffix in (".html", ".htm") else p / REPORT_FILE
    from ._outputs import write_atomic

    return write_atomic(out, render_report(result))


