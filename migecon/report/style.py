"""The house style of migecon figures.

One look for every figure: the Okabe-Ito colour-blind-safe palette, readable
type, light grids, no top and right spines. Figures are
:class:`HouseFigure` objects whose ``savefig`` writes 300 dpi with a tight
bounding box unless told otherwise, so ``fig.savefig("coef.png")`` gives a
print-quality file. Library code never calls ``plt.show()``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import matplotlib
import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.figure import Figure

from migecon.errors import SpecificationError

__all__ = ["DPI", "FIGURE_FORMATS", "PALETTE", "HouseFigure", "house_style", "new_figure",
           "save_figure"]

#: Okabe-Ito colour-blind-safe palette (blue, vermillion, bluish green, reddish
#: purple, orange, sky blue, yellow, black).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000")
#: Resolution of saved raster figures.
DPI = 300
#: File formats :func:`save_figure` writes.
FIGURE_FORMATS = (".png", ".pdf", ".svg")
#: Grey of secondary marks (zero lines, annotations).
GREY = "0.35"

_STYLE: dict[str, Any] = {
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.prop_cycle": cycler(color=PALETTE),
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "lines.linewidth": 1.6,
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
}


def house_style() -> matplotlib.RcParams:
    """The rcParams of migecon figures.

    Use ``with plt.rc_context(house_style()):`` to draw your own figures in
    the same style.

    Examples
    --------
    >>> house_style()["savefig.dpi"]
    300.0
    """
    return matplotlib.RcParams(_STYLE)


class HouseFigure(Figure):
    """A matplotlib Figure whose ``savefig`` defaults to 300 dpi and a tight box."""

    def savefig(self, fname: Any, *args: Any, **kwargs: Any) -> None:
        """Save like :meth:`matplotlib.figure.Figure.savefig`, 300 dpi unless ``dpi=``."""
        kwargs.setdefault("dpi", DPI)
        kwargs.setdefault("bbox_inches", "tight")
        super().savefig(fname, *args, **kwargs)


@contextmanager
def _styled() -> Iterator[None]:
    with plt.rc_context(cast(Any, _STYLE)):
        yield


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] = (6.5, 4.0),
               **kwargs: Any) -> tuple[HouseFigure, Any]:
    """A :class:`HouseFigure` with axes, drawn in the house style (call inside ``_styled``)."""
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, FigureClass=HouseFigure, **kwargs)
    return fig, axes


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: int = DPI) -> Path:
    """Save a figure as PNG, PDF or SVG (from the extension) at ``dpi``; returns the path.

    Examples
    --------
    >>> import migecon as mg
    >>> from migecon.report.style import save_figure
    >>> panel = mg.load_dataset("remittances_sim")
    >>> fig = mg.coverage_heatmap(panel, "remittances")
    >>> save_figure(fig, getfixture("tmp_path") / "coverage.svg").suffix
    '.svg'
    """
    target = Path(path)
    if target.suffix.lower() not in FIGURE_FORMATS:
        raise SpecificationError(
            f"cannot tell the figure format from {target.name!r}; use one of "
            f"{', '.join(FIGURE_FORMATS)}")
    fig.savefig(target, dpi=dpi, bbox_inches="tight")
    return target


def simulated_caption(fig: Figure) -> None:
    """Mark a figure drawn from simulated data, so it is never mistaken for real data."""
    # Below the lowest artist: a tight bounding box (the default when saving) takes it in.
    fig.text(0.01, 0.0, "Simulated data: not real countries", fontsize=7, color=GREY,
             va="top")
