"""Figures in one house style; every function returns a matplotlib Figure.

Descriptive figures (coverage, trends) and the coefficient plot live here;
figures drawn from fitted models (partial regression, marginal effects, GMM
diagnostics, specification curve) in :mod:`migecon.report.figures_models` and
are re-exported. Library code never calls ``plt.show()``: save with
``fig.savefig(path)`` (300 dpi by default, see
:class:`~migecon.report.style.HouseFigure`) or show it yourself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

import matplotlib.colors
import matplotlib.patches
import numpy as np
from matplotlib.figure import Figure

from migecon.errors import SpecificationError
from migecon.estimate.results import Result
from migecon.report.figures_models import (
    gmm_diagnostics_plot,
    marginal_effect_plot,
    marginal_effects,
    partial_regression_data,
    partial_regression_plot,
    specification_curve,
)
from migecon.report.style import (
    GREY,
    PALETTE,
    _styled,
    house_style,
    new_figure,
    save_figure,
    simulated_caption,
)
from migecon.report.tables import CONSTANT_NAMES, _harmonise, _label, canonical_term

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["PALETTE", "coefplot", "coverage_heatmap", "gmm_diagnostics_plot", "house_style",
           "marginal_effect_plot", "marginal_effects", "partial_regression_data",
           "partial_regression_plot", "save_figure", "specification_curve", "trends_plot"]


def coefplot(
    results: Sequence[Result] | Result,
    *,
    terms: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    panel: Panel | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    model_labels: Sequence[str] | None = None,
    level: float = 0.95,
    show_truth: bool = True,
    title: str = "",
) -> Figure:
    """Coefficients with confidence intervals: one row per term, one marker per model.

    Parameters
    ----------
    results : Result or sequence of Result
        Models to compare; terms are matched by name.
    terms : sequence of str, optional
        Terms to plot, top to bottom (default: every term, constant excluded).
    labels : mapping, optional
        Display labels of terms (over the panel's labels).
    panel : Panel, optional
        Take term labels from the panel's variable metadata.
    groups : mapping of str to sequence of str, optional
        Regressor families (``{"Remittances": [...], "Network": [...]}``):
        terms are grouped under a bold family heading, in the given order.
    model_labels : sequence of str, optional
        Legend entries (default: the models' names).
    level : float
        Confidence level of the intervals.
    show_truth : bool
        Mark the true values when the results come from a simulation.
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
    >>> fig = mg.coefplot(res, panel=panel)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['Personal remittances', 'Investment']
    """
    res_list = [results] if isinstance(results, Result) else list(results)
    if not res_list:
        raise SpecificationError("coefplot needs at least one result; got none")
    if not 0 < level < 1:
        raise SpecificationError(f"level must be between 0 and 1; got {level!r}")
    # One spelling per term, as in tables: L.x (GMM) and L1.x (fit) share a row.
    res_list = _harmonise(res_list, {})
    if terms is not None:
        terms = [canonical_term(t) for t in terms]
    if groups:
        groups = {k: [canonical_term(t) for t in v] for k, v in groups.items()}
    estimated: list[str] = []
    for r in res_list:
        estimated += [t for t in r.params.index if t not in estimated]
    if terms is None:
        terms = [t for t in estimated if t not in CONSTANT_NAMES]
    unknown = [t for t in terms if t not in estimated]
    if unknown:
        raise SpecificationError(f"terms {unknown} are not estimated by any model; the "
                                 f"models' terms are {estimated}")
    all_labels = {canonical_term(k): v for k, v in
                  {**(panel.labels() if panel is not None else {}),
                   **dict(labels or {})}.items()}
    rows = _coef_rows(list(terms), groups)
    if model_labels is not None and len(model_labels) != len(res_list):
        raise SpecificationError(f"model_labels needs {len(res_list)} entries; got "
                                 f"{len(model_labels)}")
    names = list(model_labels) if model_labels else [r.model_name or r.estimator
                                                      for r in res_list]
    k = len(res_list)
    # Terms one unit apart, a group heading 0.8 above its first term, a gap before groups.
    steps = [0.0]
    for prev, row in pairwise(rows):
        steps.append(steps[-1] + (1.3 if row[0] == "group" else 0.8 if prev[0] == "group"
                                  else 1.0))
    y = -np.array(steps)
    with _styled():
        fig, ax = new_figure(figsize=(6.5, 0.3 * steps[-1] * (1 + 0.15 * (k - 1)) + 1.5))
        offsets = (np.arange(k) - (k - 1) / 2) * (0.62 / max(k, 1))
        term_y = {t: y[i] for i, (kind, t) in enumerate(rows) if kind == "term"}
        for j, r in enumerate(res_list):
            ci = r.conf_int(level)
            present = [t for t in term_y if t in r.params.index]
            ys = np.array([term_y[t] for t in present]) - offsets[j]
            color = PALETTE[j % len(PALETTE)]
            ax.hlines(ys, ci.loc[present, "lower"], ci.loc[present, "upper"], color=color,
                      linewidth=1.6)
            ax.plot(r.params[present].to_numpy(), ys, "o", color=color, label=names[j],
                    markersize=5, zorder=3)
        truth = next((r.truth for r in res_list if r.truth), {})
        marked = [(truth[t], term_y[t]) for t in term_y if t in truth] if show_truth else []
        if marked:
            ax.plot([a for a, _ in marked], [b for _, b in marked], marker="|",
                    linestyle="none", color="black", markersize=16, markeredgewidth=2,
                    label="true value", zorder=4)
        ax.axvline(0, color=GREY, linewidth=0.8)
        ax.set_yticks(y)
        ax.set_yticklabels([_label(t, all_labels) if kind == "term" else t
                            for kind, t in rows])
        for tick, (kind, _) in zip(ax.get_yticklabels(), rows, strict=True):
            if kind == "group":
                tick.set_fontweight("bold")
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel(f"Estimate with {level:.0%} confidence interval")
        ax.grid(axis="y", visible=False)
        ax.set_ylim(y[-1] - 0.7, 0.6)
        if title:
            ax.set_title(title)
        if k > 1 or marked:
            # Beside the axes: inside, the legend sits on estimates and intervals.
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0,
                      frameon=False)
        if any(r.simulated for r in res_list):
            simulated_caption(fig)
        fig.tight_layout()
    return fig


def _coef_rows(terms: list[str], groups: Mapping[str, Sequence[str]] | None
               ) -> list[tuple[str, str]]:
    """Rows of a coefficient plot: ``("group", name)`` headings and ``("term", name)``."""
    if not groups:
        return [("term", t) for t in terms]
    grouped = {t for members in groups.values() for t in members}
    rows = [("term", t) for t in terms if t not in grouped]
    for name, members in groups.items():
        shown = [t for t in members if t in terms]
        if shown:
            rows += [("group", name), *[("term", t) for t in shown]]
    return rows


def coverage_heatmap(panel: Panel, variable: str | None = None, *, title: str = "",
                     max_countries: int = 200) -> Figure:
    """Which country-years are observed: countries (rows) x years (columns).

    Parameters
    ----------
    panel : Panel
        The data.
    variable : str, optional
        Show whether this variable is observed; without it, the share of the
        panel's variables observed in each country-year.
    title : str
        Figure title (default names the variable by its label).
    max_countries : int
        Show at most this many countries (the first ones in the panel's order),
        each named on the axis (``"Chile (CHL)"`` for World Bank codes).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import migecon as mg
    >>> fig = mg.coverage_heatmap(mg.load_dataset("remittances_sim"), "remittances")
    >>> fig.axes[0].get_title()
    'Data coverage: Personal remittances'
    """
    data = panel.data
    if variable is not None:
        if variable not in data.columns:
            raise SpecificationError(
                f"variable {variable!r} not in panel; available: {', '.join(panel.columns)}")
        observed = data[variable].notna().astype(float)
    else:
        observed = data.notna().mean(axis=1)
    # Country-years absent from the panel are unobserved too.
    grid = observed.unstack(level=1).reindex(columns=panel.times).fillna(0.0)
    shown = grid.iloc[:max_countries]
    names = [_entity_label(e) for e in shown.index]
    with _styled():
        row = 0.12 if len(shown) > 40 else 0.2
        height = min(2.2 + row * len(shown), 24)
        font = 7 if len(shown) <= 40 else max(4.0, min(6.0, 72 * (height - 2.2) /
                                                         max(len(shown), 1) * 0.8))
        fig, ax = new_figure(figsize=(7.5, height))
        if variable:
            # Observed or missing: two colours and a legend, not a continuous colour bar.
            cmap = matplotlib.colors.ListedColormap([_MISSING, _OBSERVED])
            image = ax.imshow(shown.to_numpy(dtype=float), aspect="auto", cmap=cmap,
                              vmin=0, vmax=1, interpolation="nearest")
        else:
            image = ax.imshow(shown.to_numpy(dtype=float), aspect="auto", cmap="cividis",
                              vmin=0, vmax=1, interpolation="nearest")
        years = list(shown.columns)
        step = max(1, len(years) // 10)
        ax.set_xticks(range(0, len(years), step))
        ax.set_xticklabels([str(y) for y in years[::step]], rotation=45)
        ax.set_yticks(range(len(shown)))
        ax.set_yticklabels(names, fontsize=font)
        if len(grid) > len(shown):
            ax.set_ylabel(f"first {len(shown)} of {len(grid)} {panel.entity_name} entities")
        ax.set_xlabel(panel.time_name)
        ax.grid(False)
        what = panel.label(variable) if variable else "share of variables observed"
        ax.set_title(title or f"Data coverage: {what}")
        if variable:
            handles = [matplotlib.patches.Patch(color=_OBSERVED, label="observed"),
                       matplotlib.patches.Patch(color=_MISSING, label="missing")]
            ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0 + 0.3 / height),
                      ncol=2, borderaxespad=0, frameon=False)
        else:
            fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="share observed")
        if panel.is_simulated:
            simulated_caption(fig)
        fig.tight_layout()
    return fig


_OBSERVED = "#2b4c7e"
_MISSING = "#e6e6e6"


def _entity_label(entity: object) -> str:
    """A country's name with its code (``"Chile (CHL)"``); other entities as they are."""
    from migecon.panel.countries import WB_ECONOMIES

    text = str(entity)
    return f"{WB_ECONOMIES[text]} ({text})" if text in WB_ECONOMIES else text


def trends_plot(
    panel: Panel,
    variables: Sequence[str] = ("remittances", "growth"),
    *,
    entities: Sequence[str] | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    statistic: Literal["mean", "median"] = "mean",
    title: str = "",
) -> Figure:
    """Time trends of variables for chosen countries, regions, or the whole panel.

    Parameters
    ----------
    panel : Panel
        The data.
    variables : sequence of str
        One panel (stacked, shared time axis) per variable.
    entities : sequence of str, optional
        Draw one line per country.
    groups : mapping of str to sequence of str, optional
        Regions or other groups of countries: one line per group, the
        ``statistic`` over its countries in each year.
    statistic : {"mean", "median"}
        How countries are combined for ``groups`` and for the whole panel.
        With neither ``entities`` nor ``groups`` the figure shows the
        cross-country statistic and the interquartile range.
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> fig = mg.trends_plot(panel, ["remittances", "growth"], entities=["SIM001", "SIM002"])
    >>> [len(ax.get_lines()) for ax in fig.axes]
    [2, 2]
    """
    if isinstance(variables, str):
        variables = [variables]
    missing = [v for v in variables if v not in panel]
    if missing or not variables:
        raise SpecificationError(f"variables {missing or list(variables)} not in the panel; "
                                 f"available: {', '.join(panel.columns)}")
    if statistic not in ("mean", "median"):
        raise SpecificationError(f"statistic must be 'mean' or 'median'; got {statistic!r}")
    if entities is not None and groups is not None:
        raise SpecificationError("pass entities= or groups=, not both")
    known = set(panel.entities)
    chosen = list(entities or []) + [e for members in (groups or {}).values() for e in members]
    unknown = sorted({str(e) for e in chosen} - known)
    if unknown:
        raise SpecificationError(
            f"{len(unknown)} {panel.entity_name} value(s) not in the panel, e.g. "
            f"{unknown[:5]}; the panel has e.g. {sorted(known)[:5]}")
    data = panel.data
    with _styled():
        fig, axes = new_figure(len(variables), 1, figsize=(6.5, 2.4 * len(variables) + 0.6),
                               sharex=True, squeeze=False)
        for ax, var in zip(axes[:, 0], variables, strict=True):
            wide = data[var].unstack(level=0)  # years x countries
            if entities is not None:
                for j, e in enumerate(entities):
                    ax.plot(wide.index, wide[e], color=PALETTE[j % len(PALETTE)], label=str(e))
            elif groups is not None:
                for j, (name, members) in enumerate(groups.items()):
                    sub = wide[list(members)]
                    line = sub.mean(axis=1) if statistic == "mean" else sub.median(axis=1)
                    ax.plot(wide.index, line, color=PALETTE[j % len(PALETTE)],
                            label=f"{name} ({len(members)})")
            else:
                line = wide.mean(axis=1) if statistic == "mean" else wide.median(axis=1)
                low, high = wide.quantile(0.25, axis=1), wide.quantile(0.75, axis=1)
                ax.fill_between(wide.index, low, high, color=PALETTE[0], alpha=0.18,
                                linewidth=0, label="interquartile range")
                ax.plot(wide.index, line, color=PALETTE[0],
                        label=f"{statistic} of {wide.shape[1]} {panel.entity_name} entities")
            meta = panel.variables.get(var)
            ax.set_ylabel(meta.unit if meta is not None and meta.unit and len(meta.unit) <= 30
                          else panel.label(var))
            ax.set_title(panel.label(var), loc="left", fontsize=10)
        # Right of the plot: country lines fill the whole box, a legend inside hides them.
        axes[0, 0].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        axes[-1, 0].set_xlabel(panel.time_name)
        if title:
            fig.suptitle(title, fontweight="bold")
        if panel.is_simulated:
            simulated_caption(fig)
        fig.tight_layout()
    return fig
