"""Country profiles: one country's remittances, corridors, migrants and growth on one page.

:func:`country_profile` reads real data (World Bank WDI files, the World
Bank/KNOMAD bilateral remittance matrix, UN DESA migrant stocks) and writes,
into a folder, publication-quality figures in the house style
(:mod:`migecon.report.style`) and a Markdown and HTML summary that names every
source with its vintage:

* remittances received and paid over time, in US$ and % of GDP, and the net
  position (WDI ``BX.TRF.PWKR.CD.DT`` received; paid from WDI
  ``BM.TRF.PWKR.CD.DT`` when the files have it, else the matrix's total for
  its year);
* the top corridors both ways (:func:`migecon.corridors`);
* emigrant and immigrant stocks over time, top destinations and origins;
* GDP per capita growth.

``migecon profile KAZ --data ../shared/data --out kaz/`` does the same from
the command line (:mod:`migecon.report.bilateral_cli`).
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from migecon.errors import DataError, SourceError

__all__ = ["CountryProfile", "country_profile"]

RECEIVED, PAID = "BX.TRF.PWKR.CD.DT", "BM.TRF.PWKR.CD.DT"
GDP, GROWTH = "NY.GDP.MKTP.CD", "NY.GDP.PCAP.KD.ZG"
#: Where :func:`country_profile` looks inside ``data=`` (the shared-data layout).
LAYOUT = {
    "wdi": "wdi/long",
    "matrix": "bilateral_remittances/remittances_matrix.csv",
    "stocks": "migrant_stock/undesa_ims2020_bilateral_long.csv",
    "totals": "migrant_stock/undesa_ims2020_country_totals.csv",
}


@dataclass
class CountryProfile:
    """What :func:`country_profile` computed and wrote.

    Attributes
    ----------
    country, name : str
        ISO3 code and World Bank name.
    remittances : DataFrame
        By year: ``received_usd``, ``paid_usd``, ``net_usd`` (US$),
        ``received_pct_gdp``, ``paid_pct_gdp``, ``gdp_pc_growth``.
    corridors_sent, corridors_received : DataFrame or None
        From :func:`migecon.corridors`.
    stocks : DataFrame or None
        By year: ``emigrants``, ``immigrants`` (persons).
    top_destinations, top_origins : DataFrame or None
        Where the country's emigrants live and where its immigrants come from,
        in the latest bilateral year.
    sources : list of str
        Every source with its vintage.
    notes : list of str
        What could not be shown and why.
    files : dict of str to Path
        Figures and summaries written.
    """

    country: str
    name: str
    remittances: pd.DataFrame
    corridors_sent: pd.DataFrame | None = None
    corridors_received: pd.DataFrame | None = None
    stocks: pd.DataFrame | None = None
    top_destinations: pd.DataFrame | None = None
    top_origins: pd.DataFrame | None = None
    matrix_year: int | None = None
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    matrix_position: dict[str, float] = field(default_factory=dict)
    _matrix: Any = field(default=None, repr=False)

    def headline(self) -> str:
        """One sentence on the remittance position in the bilateral matrix's year."""
        pos = self.matrix_position
        if not pos:
            return ""
        rec, paid = pos["received_usd"], pos["paid_usd"]
        position = "net sender" if paid > rec else "net recipient"
        text = (f"In {self.matrix_year} {self.name} received US${rec / 1e6:,.0f} million in "
                f"remittances and paid US${paid / 1e6:,.0f} million (bilateral matrix): a "
                f"{position} (net {(rec - paid) / 1e6:+,.0f} million).")
        wdi = (self.remittances["received_usd"].get(self.matrix_year, np.nan)
               if self.matrix_year is not None else np.nan)
        if np.isfinite(wdi):
            text += (f" The current WDI vintage puts {self.matrix_year} receipts at "
                     f"US${wdi / 1e6:,.0f} million.")
        return text

    def to_markdown(self) -> str:
        """The summary as Markdown (figures referenced by file name)."""
        lines = [f"# {self.name} ({self.country}): remittances and migration", ""]
        if self.headline():
            lines += [self.headline(), ""]
        recent = self.remittances.dropna(subset=["received_usd"]).tail(1)
        if len(recent):
            y = int(recent.index[0])
            r = recent.iloc[0]
            pct = (f" ({r['received_pct_gdp']:.2f}% of GDP)"
                   if np.isfinite(r["received_pct_gdp"]) else "")
            lines += [f"Latest WDI year {y}: received US${r['received_usd'] / 1e6:,.1f} "
                      f"million{pct}.", ""]
        for key, title in (("remittances", "Remittances over time"),
                           ("corridors", "Top corridors"), ("migrants", "Migrant stocks"),
                           ("growth", "Growth")):
            if key in self.files:
                lines += [f"## {title}", "", f"![{title}]({self.files[key].name})", ""]
            if key == "corridors":
                for frame, label in ((self.corridors_sent, "Sent to"),
                                     (self.corridors_received, "Received from")):
                    if frame is not None:
                        lines += [f"**{label}** (US$ millions, {self.matrix_year}):", "",
                                  _md_table(frame[["partner", "partner_name", "usd_millions",
                                                   "share"]]), ""]
            if key == "migrants":
                for frame, label in ((self.top_destinations, "Where emigrants live"),
                                     (self.top_origins, "Where immigrants come from")):
                    if frame is not None:
                        lines += [f"**{label}** ({frame.attrs.get('year', '')}):", "",
                                  _md_table(frame), ""]
                if self.stocks is not None:
                    lines += ["**Stocks** (persons):", "",
                              _md_table(self.stocks.reset_index()), ""]
        table = self.remittances[["received_usd", "paid_usd", "net_usd",
                                  "received_pct_gdp"]].dropna(how="all").tail(12)
        lines += ["## Remittances, last years (US$ and % of GDP)", "",
                  _md_table(table.assign(**{c: table[c] / 1e6 for c in
                                             ("received_usd", "paid_usd", "net_usd")})
                             .rename(columns={"received_usd": "received_musd",
                                              "paid_usd": "paid_musd",
                                              "net_usd": "net_musd"}).reset_index()), ""]
        if self.notes:
            lines += ["## Notes", ""] + [f"- {n}" for n in self.notes] + [""]
        lines += ["## Sources", ""] + [f"- {s}" for s in self.sources] + [""]
        return "\n".join(lines)

    def to_html(self) -> str:
        """The summary as a self-contained HTML page (figures referenced by file name)."""
        body = []
        for line in self.to_markdown().splitlines():
            if line.startswith("# "):
                body.append(f"<h1>{html.escape(line[2:])}</h1>")
            elif line.startswith("## "):
                body.append(f"<h2>{html.escape(line[3:])}</h2>")
            elif line.startswith("!["):
                alt, src = line[2:].split("](", 1)
                body.append(f'<img src="{html.escape(src[:-1])}" alt="{html.escape(alt)}" '
                            'style="max-width:100%">')
            elif line.startswith("|"):
                body.append(line)
            elif line.startswith("- "):
                body.append(f"<li>{html.escape(line[2:])}</li>")
            elif line.strip():
                body.append(f"<p>{html.escape(line).replace('**', '')}</p>")
        text = "\n".join(body)
        text = _tables_to_html(text)
        return ("<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>"
                f"{html.escape(self.name)} profile</title><style>body{{font-family:sans-serif;"
                "max-width:60em;margin:auto}}table{border-collapse:collapse}td,th{padding:2px 8px;"
                "border-bottom:1px solid #ccc;text-align:right}</style></head><body>\n"
                f"{text}\n</body></html>\n")


# ------------------------------------------------------------------- build
def country_profile(
    country: str,
    *,
    data: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    wdi: str | os.PathLike[str] | None = None,
    matrix: str | os.PathLike[str] | None = None,
    stocks: str | os.PathLike[str] | None = None,
    totals: str | os.PathLike[str] | None = None,
    top: int = 10,
    fmt: str = "png",
    dpi: int | None = None,
) -> CountryProfile:
    """Profile one country's remittances, corridors, migrant stocks and growth.

    Parameters
    ----------
    country : str
        ISO3 code or name.
    data : path, optional
        A folder in the shared-data layout (``wdi/long``,
        ``bilateral_remittances/remittances_matrix.csv``,
        ``migrant_stock/undesa_ims2020_*.csv``); ``wdi``, ``matrix``,
        ``stocks`` and ``totals`` override single parts.
    out : path, optional
        Folder for the figures and ``profile_<ISO3>.md`` / ``.html``; nothing is
        written without it.
    top : int
        Partners shown in corridor and stock rankings.
    fmt : {"png", "pdf", "svg"}
        Figure format.
    dpi : int, optional
        Resolution of raster figures (default: the house style's 300).

    Returns
    -------
    CountryProfile

    Raises
    ------
    SourceError
        No WDI remittance file is found (the one part every profile needs).
    """
    from migecon.panel.countries import country_name, to_iso3

    code = str(to_iso3([country], on_unknown="error").iloc[0])
    name = country_name(code)
    paths = _paths(data, wdi=wdi, matrix=matrix, stocks=stocks, totals=totals)
    profile = CountryProfile(code, name, pd.DataFrame())
    profile.remittances = _remittances(code, paths, profile)
    if (matrix_path := paths.get("matrix")) is not None:
        _corridors(code, matrix_path, top, profile)
    if (totals_path := paths.get("totals")) is not None:
        profile.stocks = _totals(code, totals_path, profile)
    if (stocks_path := paths.get("stocks")) is not None:
        _bilateral(code, stocks_path, top, profile)
    if out is not None:
        _write(profile, Path(out), fmt, dpi)
    return profile


def _paths(data: Any, **given: Any) -> dict[str, Path | None]:
    root = None if data is None else Path(data)
    if root is not None and not root.is_dir():
        raise SourceError(f"data folder {root} not found; expected a folder holding "
                          f"{', '.join(LAYOUT.values())}")
    out: dict[str, Path | None] = {}
    for key, rel in LAYOUT.items():
        if given.get(key) is not None:
            path = Path(given[key])
            if not path.exists():
                raise SourceError(f"{key}={path} not found")
            out[key] = path
        elif root is not None and (root / rel).exists():
            out[key] = root / rel
        else:
            out[key] = None
    if out["wdi"] is None:
        raise SourceError("no WDI files: pass data= (a folder with wdi/long/) or wdi= (a folder "
                          "of WDI CSV files with BX.TRF.PWKR.CD.DT and NY.GDP.MKTP.CD)")
    return out


def _remittances(code: str, paths: dict[str, Path | None], profile: CountryProfile
                 ) -> pd.DataFrame:
    from migecon.panel.sources.wdi_files import WDIFiles

    source = WDIFiles(paths["wdi"])  # type: ignore[arg-type]
    wanted = [c for c in (RECEIVED, PAID, GDP, GROWTH) if source.has(c)]
    if RECEIVED not in wanted:
        raise SourceError(f"the WDI files in {paths['wdi']} lack {RECEIVED} (remittances "
                          "received); a profile needs it")
    got = source.fetch(wanted)
    values = got.values[got.values["iso3"] == code]
    wide = values.pivot_table(index="year", columns="code", values="value")
    frame = pd.DataFrame(index=pd.Index(sorted(wide.index.astype(int)), name="year"))
    for column, key in (("received_usd", RECEIVED), ("paid_usd", PAID), ("gdp_usd", GDP),
                        ("gdp_pc_growth", GROWTH)):
        frame[column] = wide[key] if key in wide.columns else np.nan
    for key, meta in got.meta.items():
        profile.sources.append(f"World Bank, World Development Indicators: {key} "
                               f"({meta.name or 'n/a'}), vintage {meta.vintage or 'unknown'}, "
                               f"SHA-256 {meta.content_hash[:12]}")
    if PAID not in wanted:
        profile.notes.append(f"Remittances paid: the WDI files have no {PAID}, so paid "
                             "remittances are shown for the bilateral matrix's year only.")
    if paths.get("matrix") is not None:
        from migecon.panel.sources.remittance_matrix import RemittanceMatrix

        m = RemittanceMatrix(paths["matrix"])  # type: ignore[arg-type]
        profile.matrix_year = m.year
        paid = float(m.sent(code).sum()) * 1e6
        received = (float(m.totals[code]) * 1e6 if code in m.totals.index
                    else float(m.received(code).sum()) * 1e6)
        profile.matrix_position = {"received_usd": received, "paid_usd": paid,
                                   "net_usd": received - paid}
        if PAID not in wanted:
            profile.notes.append(
                f"Net position: only for {m.year}, from the bilateral matrix (its total "
                f"received, US${received / 1e6:,.1f} million, is the matrix's WORLD row; paid, "
                f"US${paid / 1e6:,.1f} million, is the sum of the country's sender column).")
        profile.sources.append(m.citation)
        profile._matrix = m
    frame["net_usd"] = frame["received_usd"] - frame["paid_usd"]
    frame["received_pct_gdp"] = frame["received_usd"] / frame["gdp_usd"] * 100
    frame["paid_pct_gdp"] = frame["paid_usd"] / frame["gdp_usd"] * 100
    return frame


def _corridors(code: str, path: Path, top: int, profile: CountryProfile) -> None:
    from migecon.bilateral.corridors import corridors

    m = profile._matrix if profile._matrix is not None else path
    for side in ("sent", "received"):
        try:
            table = corridors(m, code, side=side, top=top)
        except DataError as exc:
            profile.notes.append(str(exc))
            continue
        if side == "sent":
            profile.corridors_sent = table
        else:
            profile.corridors_received = table


def _totals(code: str, path: Path, profile: CountryProfile) -> pd.DataFrame | None:
    from migecon.panel.sources.undesa import read_totals

    read = read_totals(path)
    rows = read.data[read.data["iso3"] == code].set_index("year").sort_index()
    if rows.empty:
        profile.notes.append(f"UN DESA totals have no row for {code}.")
        return None
    profile.sources.append(f"{read.citation}: country totals ({path.name})")
    return rows[["emigrant_stock", "immigrant_stock"]].rename(
        columns={"emigrant_stock": "emigrants", "immigrant_stock": "immigrants"})


def _bilateral(code: str, path: Path, top: int, profile: CountryProfile) -> None:
    from migecon.panel.countries import country_name
    from migecon.panel.sources.undesa import read_bilateral

    read = read_bilateral(path)
    data = read.data
    year = int(data["year"].max())
    latest = data[data["year"] == year]
    for attr, key, other in (("top_destinations", "origin", "destination"),
                             ("top_origins", "destination", "origin")):
        rows = latest[latest[key] == code]
        if rows.empty:
            profile.notes.append(f"UN DESA bilateral stocks have no {key} {code} in {year}.")
            continue
        total = float(rows["stock"].sum())
        ranked = rows.sort_values("stock", ascending=False).head(top)
        table = pd.DataFrame({"partner": ranked[other].to_numpy(),
                              "partner_name": [country_name(c) for c in ranked[other]],
                              "persons": ranked["stock"].to_numpy(),
                              "share": (ranked["stock"] / total).to_numpy()})
        table.attrs["year"] = year
        setattr(profile, attr, table)
    profile.sources.append(f"{read.citation}: bilateral stocks ({path.name}), latest year {year}")


# ----------------------------------------------------------------- figures
def _write(profile: CountryProfile, out: Path, fmt: str, dpi: int | None) -> None:
    import matplotlib.pyplot as plt

    from migecon.report.style import _styled

    if fmt not in ("png", "pdf", "svg"):
        raise DataError(f"fmt must be 'png', 'pdf' or 'svg'; got {fmt!r}")
    out.mkdir(parents=True, exist_ok=True)
    stem = profile.country.lower()
    drawers = (("remittances", _fig_remittances), ("corridors", _fig_corridors),
               ("migrants", _fig_migrants), ("growth", _fig_growth))
    with _styled():
        for key, draw in drawers:
            fig = draw(profile)
            if fig is None:
                continue
            path = out / f"{stem}_{key}.{fmt}"
            fig.savefig(path, **({} if dpi is None else {"dpi": dpi}))
            plt.close(fig)
            profile.files[key] = path
    md = out / f"profile_{profile.country}.md"
    md.write_text(profile.to_markdown(), encoding="utf-8")
    page = out / f"profile_{profile.country}.html"
    page.write_text(profile.to_html(), encoding="utf-8")
    profile.files["markdown"], profile.files["html"] = md, page


def _source_note(fig: Any, text: str) -> None:
    fig.text(0.01, -0.02, text, fontsize=7, color="0.35", va="top")


def _fig_remittances(p: CountryProfile) -> Any:
    from migecon.report.style import PALETTE, new_figure

    r = p.remittances
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 3.8))
    rec = r["received_usd"].dropna() / 1e6
    ax1.plot(rec.index, rec.to_numpy(), color=PALETTE[0], label="Received (WDI)")
    paid = r["paid_usd"].dropna() / 1e6
    if len(paid):
        ax1.plot(paid.index, paid.to_numpy(), color=PALETTE[1], label="Paid (WDI)")
        net = r["net_usd"].dropna() / 1e6
        ax1.plot(net.index, net.to_numpy(), color=PALETTE[2], label="Net (WDI)")
    pos = p.matrix_position
    if pos:
        year = p.matrix_year
        ax1.scatter([year], [pos["received_usd"] / 1e6], color=PALETTE[0], marker="s",
                    zorder=3, label=f"Received ({year}, matrix)")
        ax1.scatter([year], [pos["paid_usd"] / 1e6], color=PALETTE[1], marker="o", zorder=3,
                    label=f"Paid ({year}, matrix)")
        ax1.scatter([year], [pos["net_usd"] / 1e6], color=PALETTE[2], marker="D", zorder=3,
                    label=f"Net ({year}, matrix)")
    ax1.axhline(0, color="0.35", linewidth=0.8)
    ax1.set_title(f"{p.name}: remittances, US$ millions")
    ax1.set_ylabel("US$ millions")
    ax1.legend(loc="best")
    pct = r["received_pct_gdp"].dropna()
    ax2.plot(pct.index, pct.to_numpy(), color=PALETTE[0], label="Received")
    ppct = r["paid_pct_gdp"].dropna()
    if len(ppct):
        ax2.plot(ppct.index, ppct.to_numpy(), color=PALETTE[1], label="Paid (WDI)")
    gdp = r["gdp_usd"].get(p.matrix_year, np.nan) if pos else np.nan
    if pos and np.isfinite(gdp):
        ax2.scatter([p.matrix_year], [pos["paid_usd"] / gdp * 100], color=PALETTE[1],
                    zorder=3, label=f"Paid ({p.matrix_year}, matrix)")
    ax2.set_title("Remittances, % of GDP")
    ax2.set_ylabel("% of GDP")
    ax2.legend(loc="best")
    _source_note(fig, "Sources: World Bank WDI (BX.TRF.PWKR.CD.DT, NY.GDP.MKTP.CD); "
                      "World Bank/KNOMAD bilateral remittance matrix.")
    fig.tight_layout()
    return fig


def _fig_corridors(p: CountryProfile) -> Any:
    from migecon.report.style import PALETTE, new_figure

    tables = [(t, label, color) for t, label, color in
              ((p.corridors_sent, "sent to", PALETTE[1]),
               (p.corridors_received, "received from", PALETTE[0])) if t is not None]
    if not tables:
        return None
    fig, axes = new_figure(1, len(tables), figsize=(5 * len(tables), 3.9))
    axes = np.atleast_1d(axes)
    for ax, (table, label, color) in zip(axes, tables, strict=True):
        t = table.iloc[::-1]
        ax.barh(t["partner_name"], t["usd_millions"], color=color)
        for y, (v, s) in enumerate(zip(t["usd_millions"], t["share"], strict=True)):
            ax.text(v, y, f" {s:.0%}", va="center", fontsize=7.5)
        total = table.attrs.get("total_usd_millions", np.nan)
        ax.set_title(f"Remittances {label} ({p.matrix_year})\ntotal US${total:,.0f} million")
        ax.set_xlabel("US$ millions")
        ax.grid(axis="y", visible=False)
    _source_note(fig, "Source: World Bank/KNOMAD bilateral remittance matrix; shares of the "
                      "country's total on each side.")
    fig.tight_layout()
    return fig


def _fig_migrants(p: CountryProfile) -> Any:
    from migecon.report.style import PALETTE, new_figure

    parts = [x for x in (p.stocks, p.top_destinations, p.top_origins) if x is not None]
    if not parts:
        return None
    fig, axes = new_figure(1, len(parts), figsize=(4.2 * len(parts), 3.9))
    axes = list(np.atleast_1d(axes))
    if p.stocks is not None:
        ax = axes.pop(0)
        s = p.stocks / 1e6
        ax.plot(s.index, s["emigrants"], marker="o", color=PALETTE[1], label="Emigrants abroad")
        ax.plot(s.index, s["immigrants"], marker="o", color=PALETTE[0],
                label="Immigrants living here")
        ax.set_title(f"{p.name}: migrant stocks")
        ax.set_ylabel("millions of persons")
        ax.legend(loc="best")
    for table, label, color in ((p.top_destinations, "Emigrants live in", PALETTE[1]),
                                (p.top_origins, "Immigrants come from", PALETTE[0])):
        if table is None:
            continue
        ax = axes.pop(0)
        t = table.iloc[::-1]
        ax.barh(t["partner_name"], t["persons"] / 1e6, color=color)
        ax.set_title(f"{label} ({table.attrs.get('year', '')})")
        ax.set_xlabel("millions of persons")
        ax.grid(axis="y", visible=False)
    _source_note(fig, "Source: UN DESA Population Division, International Migrant Stock 2020.")
    fig.tight_layout()
    return fig


def _fig_growth(p: CountryProfile) -> Any:
    from migecon.report.style import PALETTE, new_figure

    g = p.remittances["gdp_pc_growth"].dropna()
    if g.empty:
        return None
    fig, ax = new_figure(figsize=(6.5, 3.4))
    colors = [PALETTE[2] if v >= 0 else PALETTE[1] for v in g]
    ax.bar(g.index, g.to_numpy(), color=colors, width=0.8)
    ax.axhline(0, color="0.35", linewidth=0.8)
    ax.set_title(f"{p.name}: GDP per capita growth")
    ax.set_ylabel("% per year (constant prices)")
    _source_note(fig, "Source: World Bank WDI (NY.GDP.PCAP.KD.ZG).")
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------- helpers
def _md_table(frame: pd.DataFrame) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float | np.floating):
            x = float(v)
            if not np.isfinite(x):
                return ""
            return f"{x:,.3f}" if abs(x) < 1 else f"{x:,.1f}"
        return str(v)

    cols = [str(c) for c in frame.columns]
    rows = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    rows += ["| " + " | ".join(cell(v) for v in row) + " |"
             for row in frame.itertuples(index=False)]
    return "\n".join(rows)


def _tables_to_html(text: str) -> str:
    out, table = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            head = [html.escape(c.strip()) for c in table[0].strip("|").split("|")]
            body = ["<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>"
                                     for c in r.strip("|").split("|")) + "</tr>"
                    for r in table[2:]]
            out.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"
                       + "".join(body) + "</table>")
            table = []
        out.append(line)
    return "\n".join(out)
