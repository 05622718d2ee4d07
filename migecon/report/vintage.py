"""Compare two vintages of the same indicators, cell by cell.

The World Bank revises its series: remittances are re-estimated when central
banks revise balances of payments, GDP when base years change, and some
points disappear between releases. :func:`vintage_diff` lines up two vintages
(folders of WDI long files, single files, or long DataFrames) on
``(indicator, economy, year)`` and reports, per indicator, how many cells are
in both, how many moved by more than ``threshold`` percent, which were added
or dropped, and the largest revisions; it writes a table (CSV) and a figure
(old against new, log scales, moved cells highlighted) when given a folder.
``migecon diff OLD NEW`` does the same from the command line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from migecon.errors import DataError, SourceError

__all__ = ["VintageDiff", "vintage_diff"]

_KEYS = ["code", "iso3", "year"]


@dataclass
class VintageDiff:
    """Cell-by-cell differences between two vintages.

    Attributes
    ----------
    cells : DataFrame
        One row per ``(code, iso3, year)`` in either vintage: ``old``, ``new``,
        ``change`` (new - old), ``pct_change`` (relative to ``|old|``, in %),
        ``status`` (``"both"``, ``"dropped"``: only in the old vintage,
        ``"added"``: only in the new) and ``moved`` (both, and
        ``|pct_change| > threshold``).
    by_indicator : DataFrame
        Per code: ``compared``, ``moved``, ``share_moved``, ``median_abs_pct``,
        ``added``, ``dropped``.
    largest : DataFrame
        The ``top`` largest revisions per code, by absolute change.
    threshold : float
        Percent change counted as a revision.
    labels : (str, str)
        Names of the two vintages (e.g. their dates).
    files : dict of str to Path
        Table and figure written.
    """

    cells: pd.DataFrame
    by_indicator: pd.DataFrame
    largest: pd.DataFrame
    threshold: float
    labels: tuple[str, str]
    files: dict[str, Path] = field(default_factory=dict)
    aggregates_excluded: int = 0

    def summary(self) -> str:
        """A few lines: per indicator, cells compared and moved, added and dropped."""
        old, new = self.labels
        lines = [f"Vintage comparison: {old} -> {new}; a cell 'moved' if it changed by more "
                 f"than {self.threshold:g}%."]
        if self.aggregates_excluded:
            lines.append(f"{self.aggregates_excluded} cells of World Bank aggregates (regions, "
                         "income groups) left out (countries_only=True).")
        for code, row in self.by_indicator.iterrows():
            lines.append(f"{code}: {int(row['compared'])} cells in both, {int(row['moved'])} "
                         f"moved ({row['share_moved']:.1%}), median |change| "
                         f"{row['median_abs_pct']:.2f}%; {int(row['added'])} added, "
                         f"{int(row['dropped'])} dropped")
        if len(self.largest):
            top = self.largest.iloc[0]
            lines.append(f"Largest revision: {top['code']} {top['iso3']} {int(top['year'])}: "
                         f"{top['old']:.4g} -> {top['new']:.4g} ({top['pct_change']:+.1f}%)")
        return "\n".join(lines)


def _long(source: Any, codes: list[str] | None, name: str) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        missing = [c for c in [*_KEYS, "value"] if c not in frame.columns]
        if missing:
            raise DataError(f"{name} lacks column(s) {missing}; expected a long table with "
                            f"code, iso3, year, value (got {list(frame.columns)})")
        label = str(source.attrs.get("vintage", name))
        if codes is not None:
            frame = frame[frame["code"].isin(codes)]
        return frame[[*_KEYS, "value"]], label
    if not isinstance(source, str | os.PathLike):
        raise DataError(f"{name} must be a folder, a file or a DataFrame; got "
                        f"{type(source).__name__}")
    from migecon.panel.sources.wdi_files import WDIFiles

    path = Path(source)
    if not path.exists():
        raise SourceError(f"{name} vintage {path} not found")
    files = WDIFiles(path)
    wanted = codes if codes is not None else [str(e.code) for e in files.entries]
    got = files.fetch(wanted)
    vintages = sorted({m.vintage for m in got.meta.values() if m.vintage})
    label = f"{path.name} ({', '.join(vintages)})" if vintages else path.name
    return got.values[[*_KEYS, "value"]], label


def vintage_diff(
    a: Any,
    b: Any,
    *,
    codes: list[str] | None = None,
    threshold: float = 1.0,
    out: str | os.PathLike[str] | None = None,
    top: int = 10,
    labels: tuple[str, str] | None = None,
    countries_only: bool = True,
    dpi: int | None = None,
) -> VintageDiff:
    """Cell-by-cell changes between two vintages of the same indicators.

    Parameters
    ----------
    a, b : path or DataFrame
        The older and the newer vintage: folders (or files) of WDI CSV files
        readable by :class:`migecon.sources.WDIFiles`, or long DataFrames with
        ``code, iso3, year, value``.
    codes : list of str, optional
        Indicators to compare; default: those present in both.
    threshold : float
        A cell "moved" when ``|new - old| / |old| * 100 > threshold``.
    out : path, optional
        Folder for ``vintage_diff.csv`` (every cell) and ``vintage_diff.png``.
    top : int
        Largest revisions kept per indicator.
    labels : (str, str), optional
        Names for the vintages (default: folder names and vintage dates).
    countries_only : bool
        Leave out World Bank aggregates (``WLD``, income groups, regions),
        whose revisions mostly reflect reclassified members; the number of
        cells left out is in ``aggregates_excluded`` and the summary.
    dpi : int, optional
        Resolution of the figure (default: the house style's 300).

    Returns
    -------
    VintageDiff

    Examples
    --------
    >>> import pandas as pd
    >>> old = pd.DataFrame({"code": "X", "iso3": ["KAZ", "KAZ", "NPL"],
    ...                     "year": [2016, 2017, 2016], "value": [100.0, 200.0, 50.0]})
    >>> new = pd.DataFrame({"code": "X", "iso3": ["KAZ", "KAZ"], "year": [2016, 2017],
    ...                     "value": [100.5, 260.0]})
    >>> d = vintage_diff(old, new)
    >>> d.by_indicator[["compared", "moved", "dropped"]].values.tolist()
    [[2, 1, 1]]
    """
    if not np.isfinite(threshold) or threshold < 0:
        raise DataError(f"threshold must be a non-negative percent; got {threshold!r}")
    old, label_a = _long(a, codes, "a")
    new, label_b = _long(b, codes, "b")
    common = sorted(set(old["code"]) & set(new["code"]))
    if not common:
        raise DataError(f"the two vintages share no indicator (old: "
                        f"{sorted(set(old['code']))[:10]}, new: {sorted(set(new['code']))[:10]})")
    if codes is None:
        old, new = old[old["code"].isin(common)], new[new["code"].isin(common)]
    for frame, which in ((old, "old"), (new, "new")):
        dup = frame.duplicated(_KEYS)
        if dup.any():
            raise DataError(f"the {which} vintage has {int(dup.sum())} repeated (code, iso3, "
                            "year) cells")
    merged = old.rename(columns={"value": "old"}).merge(
        new.rename(columns={"value": "new"}), on=_KEYS, how="outer")
    merged["year"] = merged["year"].astype("int64")
    excluded = 0
    if countries_only:
        from migecon.panel.countries import is_aggregate

        codes_seen = merged["iso3"].astype(str).unique()
        aggregates = {c for c in codes_seen if is_aggregate(c)}
        mask = merged["iso3"].isin(aggregates)
        excluded = int(mask.sum())
        merged = merged[~mask]
    has_old, has_new = merged["old"].notna(), merged["new"].notna()
    merged["status"] = np.where(has_old & has_new, "both",
                                np.where(has_old, "dropped", "added"))
    merged["change"] = merged["new"] - merged["old"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = merged["change"] / merged["old"].abs() * 100
    pct = pct.where(~((merged["old"] == 0) & (merged["change"] == 0)), 0.0)
    merged["pct_change"] = pct
    merged["moved"] = (merged["status"] == "both") & (merged["pct_change"].abs() > threshold)
    merged = merged.sort_values(_KEYS, ignore_index=True)
    both = merged[merged["status"] == "both"]
    grouped = merged.groupby("code")
    by = pd.DataFrame({
        "compared": grouped["status"].apply(lambda s: int((s == "both").sum())),
        "moved": grouped["moved"].sum().astype(int),
        "added": grouped["status"].apply(lambda s: int((s == "added").sum())),
        "dropped": grouped["status"].apply(lambda s: int((s == "dropped").sum())),
    })
    by["share_moved"] = by["moved"] / by["compared"].where(by["compared"] > 0)
    finite = both[np.isfinite(both["pct_change"])]
    by["median_abs_pct"] = finite.groupby("code")["pct_change"].apply(
        lambda s: float(s.abs().median())).reindex(by.index)
    by = by[["compared", "moved", "share_moved", "median_abs_pct", "added", "dropped"]]
    largest = (both.assign(abs_change=both["change"].abs())
               .sort_values("abs_change", ascending=False).groupby("code").head(top)
               .drop(columns="abs_change").reset_index(drop=True))
    result = VintageDiff(merged, by, largest, threshold, labels or (label_a, label_b),
                         aggregates_excluded=excluded)
    if out is not None:
        _write(result, Path(out), dpi)
    return result


def _write(result: VintageDiff, out: Path, dpi: int | None) -> None:
    import matplotlib.pyplot as plt

    from migecon.report.style import GREY, PALETTE, _styled, new_figure

    out.mkdir(parents=True, exist_ok=True)
    table = out / "vintage_diff.csv"
    result.cells.to_csv(table, index=False)
    result.files["table"] = table
    codes = list(result.by_indicator.index)[:4]
    with _styled():
        fig, axes = new_figure(1, len(codes), figsize=(4.3 * len(codes), 4.0), squeeze=False)
        for ax, code in zip(axes[0], codes, strict=True):
            cells = result.cells[(result.cells["code"] == code)
                                 & (result.cells["status"] == "both")]
            positive = cells[(cells["old"] > 0) & (cells["new"] > 0)]
            still = positive[~positive["moved"]]
            moved = positive[positive["moved"]]
            ax.scatter(still["old"], still["new"], s=6, color=PALETTE[0], alpha=0.5,
                       label=f"within {result.threshold:g}% ({len(still)})")
            ax.scatter(moved["old"], moved["new"], s=8, color=PALETTE[1], alpha=0.7,
                       label=f"moved ({len(moved)})")
            if len(positive):
                lo = float(min(positive["old"].min(), positive["new"].min()))
                hi = float(max(positive["old"].max(), positive["new"].max()))
                ax.plot([lo, hi], [lo, hi], color=GREY, linewidth=0.8)
                ax.set_xscale("log")
                ax.set_yscale("log")
            row = result.by_indicator.loc[code]
            ax.set_title(f"{code}\n{int(row['moved'])} of {int(row['compared'])} cells moved; "
                         f"{int(row['dropped'])} dropped, {int(row['added'])} added",
                         fontsize=9.5)
            ax.set_xlabel(result.labels[0])
            ax.set_ylabel(result.labels[1])
            ax.legend(loc="upper left")
        fig.tight_layout()
        figure = out / "vintage_diff.png"
        fig.savefig(figure, **({} if dpi is None else {"dpi": dpi}))
        plt.close(fig)
    result.files["figure"] = figure
