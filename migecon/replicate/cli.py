"""``migecon replicate``: reproduce published tables and diff them cell by cell.

::

    migecon replicate --list                  # the built-in tables
    migecon replicate roodman2009_ols         # one table (several names allowed)
    migecon replicate --all                   # every built-in table
    migecon replicate path/to/my_table.toml   # your own paper's table

Each table is printed on the console and written as Markdown and HTML into
``--out`` (default ``migecon-replicate/``). The exit code is 0 when every
cell matches, 1 when a cell differs (or, with ``--strict``, when a model was
skipped because its estimator is not available), so a researcher can keep
their paper's table in continuous integration.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from migecon.errors import SpecificationError

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``replicate`` subcommand."""
    parser = subparsers.add_parser(
        "replicate", help="reproduce published tables and compare every cell",
        description="Reproduce a published table (built-in name or TOML file) and compare "
                    "every printed number with migecon's. Exits 1 when a cell differs.")
    parser.add_argument("tables", nargs="*", metavar="NAME_OR_TOML",
                        help="built-in table names (see --list) or paths of .toml files")
    parser.add_argument("--list", action="store_true", help="list the built-in tables")
    parser.add_argument("--all", action="store_true", help="run every built-in table")
    parser.add_argument("--out", default="migecon-replicate",
                        help="folder for the Markdown and HTML reports "
                             "(default: migecon-replicate; files are replaced)")
    parser.add_argument("--no-write", action="store_true", help="only print, write no files")
    parser.add_argument("--failures-only", action="store_true",
                        help="print only the cells that do not match")
    parser.add_argument("--strict", action="store_true",
                        help="count models skipped for a missing estimator as failures")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the exit code."""
    from migecon.replicate.runner import _builtin_names, list_tables, replicate

    if args.list:
        table = list_tables()
        width = max(len(n) for n in table["name"])
        for row in table.itertuples():
            needs = "" if row.requires == "-" else f"  [needs {row.requires}]"
            print(f"{row.name:<{width}}  {row.cells:>4} cells  {row.title}{needs}")
        return 0
    names: list[str] = list(args.tables)
    if args.all:
        names = _builtin_names() + names
    if not names:
        raise SpecificationError(
            "name a table (see migecon replicate --list), give a .toml file, or pass --all")
    failed: list[str] = []
    summary: list[str] = []
    for name in names:
        report = replicate(name, strict=args.strict)
        print(report.to_text(
            detail="failures" if args.failures_only or len(names) > 1 else "all"))
        print()
        if not args.no_write:
            for path in report.write(Path(args.out)):
                print(f"wrote {path}")
            print()
        summary.append(f"{'ok  ' if report.passed else 'FAIL'}  {report.spec.id}: "
                       f"{report.verdict}")
        if not report.passed:
            failed.append(report.spec.id)
    if len(names) > 1:
        print("Summary:")
        print("\n".join(f"  {line}" for line in summary))
    if failed:
        print(f"{len(failed)} of {len(names)} table(s) differ from the published numbers: "
              f"{', '.join(failed)}")
        return 1
    return 0
