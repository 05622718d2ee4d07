"""Figures in one house style; every function returns a matplotlib Figure.

Library code never calls ``plt.show()``: save with ``fig.savefig(path)``
(300 dpi by default through the house style) or show it yourself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from migecon.errors import SpecificationError
from migecon.estimate.results import Result

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["PALETTE", "coefplot", "coverage_heatmap", "house_style"]

#: Okabe-Ito colour-blind-safe palette.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000")

_STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "legend.frameon": False,
}


def house_style() -> matplotlib.RcParams:
    """The rcParams of migecon figures (use as ``with plt.rc_context(house_style())``)."""
    return matplotlib.RcParams(_STYLE)


def coefplot(
    results: Sequence[Result] | Result,
    *,
    terms: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    model_labels: Sequence[str] | None = None,
    level: float = 0.95,
    show_truth: bool = True,
    title: str = "",
) -> Figure:
    """Coefficients with confidence intervals, one marker per model and term.

    Parameters
    ----------
    results : Result or sequence of Result
        Models to compare.
    terms : sequence of str, optional
        Terms to plot (default: every slope the models share with any other,
        constant excluded), top to bottom.
    labels : mapping, optional
        Display labels for terms.
    model_labels : sequence of str, optional
        Legend entries (default: the models' names).
    level : float
        Confidence level of the intervals.
    show_truth : bool
        Mark true values when the results come from a simulation.
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> res = mg.fit("growth ~ remittances + investment", panel, estimator="fe")
    >>> fig = mg.coefplot(res)
    >>> len(fig.axes)
    1
    """
    res_list = [results] if isinstance(results, Result) else list(results)
    if not res_list:
        raise SpecificationError("coefplot needs at least one result")
    if terms is None:
        terms = []
        for r in res_list:
            terms += [t for t in r.params.index if t not in terms and t != "const"]
    labels = dict(labels or {})
    names = list(model_labels) if model_labels else [r.model_name or r.estimator
                                                      for r in res_list]
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(terms) * max(1, len(res_list)) ** 0.5
                                        + 1.6))
        k = len(res_list)
        offsets = (np.arange(k) - (k - 1) / 2) * (0.7 / max(k, 1))
        y = np.arange(len(terms))[::-1].astype(float)
        for j, r in enumerate(res_list):
            ci = r.conf_int(level)
            present = [i for i, t in enumerate(terms) if t in r.params.index]
            ys = y[present] + offsets[j]
            est = [r.params[terms[i]] for i in present]
            lo = [ci.loc[terms[i], "lower"] for i in present]
            hi = [ci.loc[terms[i], "upper"] for i in present]
            color = PALETTE[j % len(PALETTE)]
            ax.hlines(ys, lo, hi, color=color, linewidth=1.6)
            ax.plot(est, ys, "o", color=color, label=names[j], markersize=5)
        truth = next((r.truth for r in res_list if r.truth), {})
        if show_truth and truth:
            tx = [(truth[t], y[i]) for i, t in enumerate(terms) if t in truth]
            if tx:
                ax.plot([a for a, _ in tx], [b for _, b in tx], marker="|", linestyle="none",
                        color="black", markersize=16, markeredgewidth=2, label="true value")
        ax.axvline(0, color="0.4", linewidth=0.8)
        ax.set_yticks(y)
        ax.set_yticklabels([labels.get(t, t) for t in terms])
        ax.set_xlabel(f"Estimate with {level:.0%} confidence interval")
        ax.grid(axis="y", visible=False)
        if title:
            ax.set_title(title)
        if k > 1 or truth:
            ax.legend(loc="best", fontsize=8)
        if any(r.simulated for r in res_list):
            fig.text(0.01, 0.005, "Simulated data: not real countries", fontsize=7,
                     color="0.35")
        fig.tight_layout()
    return fig


def coverage_heatmap(panel: Panel, variable: str | None = None, *, title: str = "",
                     max_countries: int = 150) -> Figure:
    """Which country-years are observed: countries (rows) x years (columns).

    With ``variable`` the cell shows whether that variable is observed;
    without, the share of the panel's variables observed in the cell.
    """
    data = panel.data
    if variable is not None:
        if variable not in data.columns:
            raise SpecificationError(
                f"variable {variable!r} not in panel; available: {panel.columns}")
        observed = data[variable].notna().astype(float)
    else:
        observed = data.notna().mean(axis=1)
    grid = observed.unstack(level=1).reindex(columns=panel.times)
    if len(grid) > max_countries:
        grid = grid.iloc[:max_countries]
    with plt.rc_context(_STYLE):
        height = min(2 + 0.06 * len(grid), 14)
        fig, ax = plt.subplots(figsize=(7.5, height))
        image = ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap="cividis",
                          vmin=0, vmax=1, interpolation="nearest")
        years = list(grid.columns)
        step = max(1, len(years) // 10)
        ax.set_xticks(range(0, len(years), step))
        ax.set_xticklabels([str(y) for y in years[::step]], rotation=45)
        if len(grid) <= 40:
            ax.set_yticks(range(len(grid)))
            ax.set_yticklabels(grid.index, fontsize=7)
        else:
            ax.set_yticks([])
            ax.set_ylabel(f"{len(grid)} countries")
        ax.set_xlabel(panel.time_name)
        ax.grid(False)
        what = panel.label(variable) if variable else "share of variables observed"
        ax.set_title(title or f"Data coverage: {what}")
        fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02,
                     label="observed" if variable else "share observed")
        if panel.is_simulated:
            fig.text(0.01, 0.005, "Simulated data: not real countries", fontsize=7,
                     color="0.35")
        fig.tight_layout()
    return fig
