"""``migecon profile`` and ``migecon diff``: a country profile and a comparison of two vintages.

    migecon profile KAZ --data ../shared/data --out kaz/
    migecon diff old/ new/ --codes BX.TRF.PWKR.CD.DT --out diff/
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``profile`` and ``diff`` subcommands."""
    profile = subparsers.add_parser(
        "profile", help="profile a country: remittances, corridors, migrants, growth",
        description="Write figures and a Markdown/HTML summary of one country's remittances "
                    "(received, paid, net), top corridors, migrant stocks and growth.")
    profile.add_argument("country", help="ISO3 code or name, e.g. KAZ")
    profile.add_argument("--data", required=True,
                         help="folder with wdi/long, bilateral_remittances, migrant_stock")
    profile.add_argument("--out", required=True, help="output folder")
    profile.add_argument("--top", type=int, default=10, help="partners shown (default 10)")
    profile.add_argument("--format", dest="fmt", default="png", choices=("png", "pdf", "svg"))
    profile.add_argument("--dpi", type=int, default=None, help="raster resolution (default 300)")
    profile.set_defaults(func=_profile)

    diff = subparsers.add_parser(
        "diff", help="compare two vintages of the same indicators, cell by cell",
        description="Cell-by-cell changes between two vintages of WDI-style files (folders of "
                    "long CSV files): how many cells moved by more than the threshold, the "
                    "largest revisions, a table and a figure.")
    diff.add_argument("old", help="folder (or CSV file) of the older vintage")
    diff.add_argument("new", help="folder (or CSV file) of the newer vintage")
    diff.add_argument("--codes", nargs="*", default=None,
                      help="indicator codes (default: those in both vintages)")
    diff.add_argument("--threshold", type=float, default=1.0,
                      help="percent change counted as a revision (default 1)")
    diff.add_argument("--out", default=None, help="folder for the table and the figure")
    diff.add_argument("--top", type=int, default=10, help="largest revisions listed")
    diff.set_defaults(func=_diff)


def _profile(args: argparse.Namespace) -> int:
    from migecon.report.profile import country_profile

    profile = country_profile(args.country, data=args.data, out=args.out, top=args.top,
                              fmt=args.fmt, dpi=args.dpi)
    if profile.headline():
        print(profile.headline())
    for key, path in profile.files.items():
        print(f"{key}: {path}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from migecon.report.vintage import vintage_diff

    result = vintage_diff(args.old, args.new, codes=args.codes, threshold=args.threshold,
                          out=args.out, top=args.top)
    print(result.summary())
    for key, path in result.files.items():
        print(f"{key}: {path}")
    return 0
