"""``migecon gmm``: difference or system GMM from an xtabond2 command, on the command line.

Examples::

    migecon gmm "n L.n w k, gmm(L.n, lag(2 .)) iv(w k) twostep robust" --dataset abdata
    migecon gmm "growth L.growth remittances, gmm(L.growth remittances, collapse) \\
        twostep robust" --data panel.parquet --time-dummies --out gmm.json

The command is parsed exactly as :func:`migecon.gmm` parses it (the xtabond2
syntax of :mod:`migecon.estimate.gmm.syntax`); the summary is printed as
:func:`migecon.gmm_summary` and the result written as JSON (readable with
``Result.from_dict`` and by ``migecon table``). This module imports nothing
heavy at module level, so that ``migecon --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

__all__ = ["register", "run_gmm"]


def register(subparsers: Any) -> None:
    """Add the ``gmm`` subcommand."""
    parser = subparsers.add_parser(
        "gmm", help="difference or system GMM from an xtabond2 command",
        description="Estimate COMMAND, an xtabond2 command such as "
                    "'y L.y x, gmm(L.y, lag(2 .) collapse) iv(x) twostep robust' (a leading "
                    "'xtabond2' is allowed), on a panel file or a named dataset; print the "
                    "xtabond2-style summary and write the result as JSON.")
    # dest is not "command": the top-level parser keeps the subcommand's name there.
    parser.add_argument("xtabond2", metavar="COMMAND", help="the xtabond2 command, quoted")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", metavar="FILE",
                        help="panel file: .parquet (migecon or plain), .csv or .dta")
    source.add_argument("--dataset", metavar="NAME",
                        help="named dataset (see `migecon datasets`), e.g. abdata")
    parser.add_argument("--entity", help="entity (country) column of a plain file")
    parser.add_argument("--time", help="time (year) column of a plain file")
    parser.add_argument("--time-dummies", action="store_true",
                        help="add period dummies (as Stata's i.year in the command)")
    parser.add_argument("--out", default="migecon-gmm.json", metavar="FILE",
                        help="JSON output (default: ./migecon-gmm.json)")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    parser.add_argument("--quiet", action="store_true", help="do not print the summary")
    parser.set_defaults(func=_run)


def run_gmm(args: argparse.Namespace) -> tuple[Any, Path]:
    """Estimate as the command line asks; returns the result and the JSON path."""
    import migecon as mg
    from migecon.errors import SpecificationError
    from migecon.estimate.fit_cli import read_panel_file

    out = Path(args.out)
    if out.suffix.lower() != ".json":
        raise SpecificationError(f"--out must end in .json; got {out}")
    if out.exists() and not args.force:
        raise FileExistsError(f"--out {out} exists; pass --force to overwrite it")
    panel = (mg.load_dataset(args.dataset) if args.dataset
             else read_panel_file(args.data, entity=args.entity, time=args.time))
    res = mg.gmm(args.xtabond2, panel, time_dummies=args.time_dummies)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res.to_dict(), indent=1), encoding="utf-8")
    return res, out


def _run(args: argparse.Namespace) -> int:
    import migecon as mg

    res, out = run_gmm(args)
    if not args.quiet:
        print(mg.gmm_summary(res))
    print(f"Wrote {out}")
    return 0
