"""``migecon datasets``: list the named datasets."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``datasets`` subcommand."""
    parser = subparsers.add_parser(
        "datasets", help="list the named datasets (the embedded default and classics)",
        description="List the datasets mg.load_dataset(name) can load.")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the dataset table."""
    from migecon.panel.datasets import list_datasets

    table = list_datasets()
    width = max(len(n) for n in table["name"])
    for row in table.itertuples():
        needs = "" if row.requires == "-" else f"  [needs {row.requires}]"
        print(f"{row.name:<{width}}  {row.description}{needs}")
    return 0
