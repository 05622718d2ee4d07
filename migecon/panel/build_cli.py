"""``migecon build``: build a country-year panel from files or the World Bank API and save it.

Examples::

    migecon build --data ../shared/data/wdi/long --data ../shared/data/wdi/bulk \\
        --countries developing --classification OGHIST.xlsx --years 1990-2022 \\
        --out panel.parquet
    migecon build --api --indicator remit=BX.TRF.PWKR.DT.GD.ZS --years 2000-2020 --out r.dta
    migecon build --file mydata.xlsx --entity country --time year --out panel.csv
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from migecon.errors import DataError, SourceError

_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".dta": "dta"}


def register(subparsers: Any) -> None:
    """Add the ``build`` subcommand."""
    parser = subparsers.add_parser(
        "build", help="build a country-year panel from World Bank files, the API or your file",
        description="Build a country-year panel (World Bank WDI files, the World Bank API or "
                    "your own file), print the build report and write the panel as parquet, "
                    "csv or dta (from the extension of --out).")
    where = parser.add_argument_group("source (one of)")
    where.add_argument("--data", action="append", type=Path, metavar="PATH",
                       help="World Bank files, folders or zips (repeatable)")
    where.add_argument("--api", action="store_true", help="the World Bank API (cached)")
    where.add_argument("--file", type=Path, help="your own csv, xlsx, dta or parquet file")
    where.add_argument("--undesa-totals", type=Path, metavar="CSV",
                       help="with --data or --api: UN DESA country totals, for indicators such "
                            "as diaspora=diaspora_share (population from the World Bank source)")
    where.add_argument("--undesa-bilateral", type=Path, action="append", metavar="CSV",
                       help="with --data or --api: UN DESA bilateral stocks (repeatable)")
    parser.add_argument("--entity", help="entity column of --file")
    parser.add_argument("--time", help="year column of --file (long layout)")
    parser.add_argument("--offline", action="store_true", help="with --api: use the cache only")
    parser.add_argument("--on-conflict", choices=["error", "newest"], default="error",
                        help="with --data: an indicator in several files is an error "
                             "(default) or taken from the newest vintage")
    what = parser.add_argument_group("what to build")
    what.add_argument("--indicators", default=None, metavar="SET",
                      help="a named set: growth, remittances, remittance_flows, network, "
                           "technology, controls, growth_migration (default, except with "
                           "--file: all its variables); with --indicator, both are built")
    what.add_argument("--indicator", action="append", default=[], metavar="NAME=CODE",
                      help="one variable (repeatable), e.g. remit=BX.TRF.PWKR.DT.GD.ZS")
    what.add_argument("--countries", default=None,
                      help="'developing', 'all' (default) or a comma-separated list")
    what.add_argument("--classification", type=Path,
                      help="OGHIST.xlsx, CLASS.xlsx or a WDI Metadata_Country file")
    what.add_argument("--policy", default=None, choices=["initial", "fixed", "per_year", "ever"],
                      help="developing-country rule (default: initial, each country's group "
                           "at the start of the sample; fixed when --fiscal-year is given)")
    what.add_argument("--fiscal-year", help="for --policy fixed, e.g. FY24 (default: latest)")
    what.add_argument("--years", help="first-last, e.g. 1990-2022")
    what.add_argument("--frequency", default="annual", help="annual (default) or 5y")
    what.add_argument("--min-obs", type=int, default=None,
                      help="minimum years per period average (default: a majority, 3 of 5)")
    what.add_argument("--initial", action="append", default=[], metavar="VAR",
                      help="with --frequency 5y: add initial_VAR, the value in the first "
                           "year of each period (repeatable)")
    what.add_argument("--interpolate", action="append", default=[], metavar="VAR",
                      help="interpolate inside gaps, flagged (repeatable)")
    what.add_argument("--skip-missing", action="store_true",
                      help="leave out indicators the source lacks (listed in the report) "
                           "instead of failing")
    parser.add_argument("--out", type=Path, required=True,
                        help="output file: .parquet, .csv or .dta")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    parser.set_defaults(func=run)


def _years(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    match = re.fullmatch(r"\s*(\d{4})\s*[-:]\s*(\d{4})\s*", text)
    if not match:
        raise DataError(f"--years must look like 1990-2022; got {text!r}")
    return int(match.group(1)), int(match.group(2))


def _source(args: argparse.Namespace) -> Any:
    from migecon.panel import sources

    chosen = [bool(args.data), args.api, args.file is not None]
    if sum(chosen) != 1:
        raise SourceError("give exactly one source: --data PATH (World Bank files), --api, or "
                          "--file PATH (your own file)")
    if args.undesa_totals or args.undesa_bilateral:
        if args.file is not None:
            raise SourceError("--undesa-totals/--undesa-bilateral go with --data or --api (the "
                              "World Bank source gives the population for diaspora shares)")
        wdi = (sources.WDIFiles(*args.data, on_conflict=args.on_conflict) if args.data
               else _api(args))
        undesa = sources.UNDESA(totals=args.undesa_totals, bilateral=args.undesa_bilateral,
                                population=wdi, on_unknown="drop")
        return sources.Combined(wdi, undesa)
    if args.data:
        return sources.WDIFiles(*args.data, on_conflict=args.on_conflict)
    if args.file is not None:
        if not args.entity:
            raise SourceError("--file needs --entity (the country column), and --time for a "
                              "long file")
        return sources.UserFiles(args.file, entity=args.entity, time=args.time)
    return _api(args)


def _api(args: argparse.Namespace) -> Any:
    try:
        from migecon.panel.sources.wdi_api import WDIApi
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise SourceError(f"the World Bank API source is not available: {exc}") from exc
    return WDIApi(offline=True) if args.offline else WDIApi()


def _indicators(args: argparse.Namespace, source: Any) -> Any:
    if args.indicator:
        pairs = {}
        for item in args.indicator:
            name, sep, code = item.partition("=")
            if not sep or not name or not code:
                raise DataError(f"--indicator must look like name=CODE; got {item!r}")
            pairs[name.strip()] = code.strip()
        if not args.indicators:
            return pairs
        # --indicators SET --indicator NAME=CODE: the set and the extra variables.
        from migecon.panel.catalog import IndicatorSet, as_indicator_set

        named = as_indicator_set(args.indicators)
        extra = as_indicator_set(pairs)
        clash = sorted(set(named) & set(extra))
        if clash:
            raise DataError(f"--indicator {clash} already in --indicators {args.indicators}; "
                            "give another name")
        return IndicatorSet(named.name, [*named.values(), *extra.values()],
                            named.description)
    if args.indicators:
        return args.indicators
    if args.file is not None:
        return source.codes()
    return "growth_migration"


def run(args: argparse.Namespace) -> int:
    """Build, report, write."""
    from migecon.panel.build import BuildReport, build_panel

    out: Path = args.out
    kind = _FORMATS.get(out.suffix.lower())
    if kind is None:
        raise DataError(f"--out must end in .parquet, .csv or .dta; got {out.name!r}")
    if out.exists() and not args.force:
        raise FileExistsError(f"{out} exists; pass --force to overwrite it")
    source = _source(args)
    countries: Any = args.countries
    if countries and countries not in ("developing", "all"):
        countries = [c.strip() for c in countries.split(",") if c.strip()]
    panel = build_panel(
        _indicators(args, source), source, countries=countries, years=_years(args.years),
        frequency=args.frequency, classification=args.classification, policy=args.policy,
        fiscal_year=args.fiscal_year, interpolate=args.interpolate or None,
        min_obs=args.min_obs, initial=args.initial,
        harmonise=args.file is None or args.countries is not None,
        on_missing="drop" if args.skip_missing else "error")
    print(BuildReport.from_dict(panel.metadata["build_report"]))
    out.parent.mkdir(parents=True, exist_ok=True)
    written = [out]
    if kind == "parquet":
        panel.to_parquet(str(out))
    elif kind == "dta":
        changes = panel.to_stata(str(out))
        if changes["renamed"]:
            print("Stata names: " + ", ".join(f"{a} -> {b}" for a, b in
                                              changes["renamed"].items()))
    else:
        panel.to_frame().to_csv(out, index=False)
        sidecar = out.with_suffix(".metadata.json")
        sidecar.write_text(json.dumps({
            "variables": {k: asdict(v)
                          for k, v in panel.variables.items()},
            "metadata": panel.metadata}, indent=2, default=str))
        written.append(sidecar)
    for path in written:
        print(f"wrote {path}")
    return 0
