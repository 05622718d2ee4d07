"""``migecon fit``: estimate a panel model from the command line.

Reads a panel (parquet written by migecon, or any parquet/CSV/Stata file with
entity and time columns, or a named dataset), estimates the formula with
:func:`migecon.fit`, prints the summary and writes the result as JSON
(:meth:`migecon.Result.to_dict`, readable with ``Result.from_dict`` and by
``migecon table``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from migecon.errors import DataError, SpecificationError

__all__ = ["read_panel_file", "register", "run_fit"]

_READERS = (".parquet", ".csv", ".dta")


def register(subparsers: Any) -> None:
    """Add the ``fit`` subcommand."""
    from migecon.estimate.linear.covariance import COV_TYPES, KERNELS, SMALL_SAMPLE
    from migecon.estimate.linear.iv_methods import IV_METHODS
    from migecon.estimate.linear.random_effects import RE_METHODS
    from migecon.estimate.linear.static import EFFECTS, ESTIMATORS

    parser = subparsers.add_parser(
        "fit", help="estimate a panel model and write the result as JSON",
        description="Estimate FORMULA (e.g. 'growth ~ remittances + L(log_gdppc, 1)', IV as "
                    "'y ~ x + [endog ~ z1 + z2]') on a panel file or a named dataset, print "
                    "the summary and write the result as JSON.")
    parser.add_argument("formula", help="model formula, quoted")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", metavar="FILE",
                        help="panel file: .parquet (migecon or plain), .csv or .dta")
    source.add_argument("--dataset", metavar="NAME",
                        help="named dataset (see `migecon datasets`), e.g. grunfeld")
    parser.add_argument("--entity", help="entity (country) column of a plain file")
    parser.add_argument("--time", help="time (year) column of a plain file")
    parser.add_argument("--estimator", default="fe",
                        choices=(*ESTIMATORS, "hausman-taylor", "amemiya-macurdy"))
    parser.add_argument("--endogenous", nargs="+", metavar="TERM",
                        help="Hausman-Taylor: regressors correlated with the entity effect")
    parser.add_argument("--iv-method", default="2sls", choices=IV_METHODS)
    parser.add_argument("--weights", metavar="VAR", help="weight variable (e.g. population)")
    parser.add_argument("--weight-type", default="aweight", choices=("aweight", "pweight"))
    parser.add_argument("--freq", help="period frequency of a date time column (Y, Q, M)")
    parser.add_argument("--effects", default="entity", choices=EFFECTS)
    parser.add_argument("--cov-type", default="unadjusted", choices=COV_TYPES)
    parser.add_argument("--cluster", nargs="+", metavar="VAR",
                        help="cluster variable(s): entity, time or a column; two for two-way")
    parser.add_argument("--small-sample", default="none", choices=SMALL_SAMPLE)
    parser.add_argument("--re-method", default="swamy-arora", choices=RE_METHODS)
    parser.add_argument("--kernel", default="bartlett", choices=KERNELS,
                        help="Driscoll-Kraay kernel")
    parser.add_argument("--bandwidth", type=float, help="Driscoll-Kraay bandwidth")
    parser.add_argument("--drop-absorbed", action="store_true",
                        help="drop absorbed or collinear regressors instead of failing")
    parser.add_argument("--out", default="migecon-fit.json", metavar="FILE",
                        help="JSON output (default: ./migecon-fit.json)")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    parser.add_argument("--quiet", action="store_true", help="do not print the summary")
    parser.set_defaults(func=_run)


def read_panel_file(path: str | Path, *, entity: str | None = None,
                    time: str | None = None, freq: str | None = None) -> Any:
    """Read a panel from parquet, CSV or Stata ``.dta``.

    A parquet file written by :meth:`migecon.Panel.to_parquet` needs no
    column names; other files need ``entity`` and ``time``.

    Examples
    --------
    >>> import pandas as pd
    >>> p = getfixture("tmp_path") / "p.csv"
    >>> pd.DataFrame({"c": ["A", "A"], "t": [2000, 2001], "x": [1.0, 2.0]}).to_csv(p)
    >>> read_panel_file(p, entity="c", time="t").nobs
    2
    """
    import pandas as pd

    from migecon.panel.core import Panel

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"--data {path} does not exist")
    suffix = path.suffix.lower()
    if suffix not in _READERS:
        raise DataError(
            f"cannot read {path.name}: the extension must be one of {', '.join(_READERS)}")
    if suffix == ".parquet" and entity is None and time is None:
        try:
            return Panel.read_parquet(str(path))
        except DataError as exc:
            raise DataError(
                f"{path} was not written by migecon; pass --entity and --time") from exc
    if entity is None or time is None:
        raise DataError(f"{path.name} is a plain {suffix} file: pass --entity COL --time COL")
    if suffix == ".csv":
        df = pd.read_csv(path)
        df = df.drop(columns=[c for c in df.columns if str(c).startswith("Unnamed: ")])
    elif suffix == ".dta":
        df = pd.read_stata(path)
    else:
        df = pd.read_parquet(path)
    return Panel.from_frame(df, entity=entity, time=time, freq=freq)


def run_fit(args: argparse.Namespace) -> tuple[Any, Path]:
    """Estimate as the command line asks; returns the result and the JSON path."""
    import migecon as mg

    out = Path(args.out)
    if out.suffix.lower() != ".json":
        raise SpecificationError(f"--out must end in .json; got {out}")
    if out.exists() and not args.force:
        raise FileExistsError(f"--out {out} exists; pass --force to overwrite it")
    panel = (mg.load_dataset(args.dataset) if args.dataset
             else read_panel_file(args.data, entity=args.entity, time=args.time,
                                  freq=getattr(args, "freq", None)))
    options: dict[str, Any] = {}
    if args.cluster:
        if args.cov_type != "clustered":
            raise SpecificationError("--cluster needs --cov-type clustered")
        options["cluster"] = args.cluster[0] if len(args.cluster) == 1 else tuple(args.cluster)
    if args.cov_type == "driscoll-kraay":
        options.update(kernel=args.kernel, bandwidth=args.bandwidth)
    for name in ("weights", "endogenous"):
        if getattr(args, name, None):
            options[name] = getattr(args, name)
    if getattr(args, "weights", None):
        options["weight_type"] = args.weight_type
    if getattr(args, "iv_method", "2sls") != "2sls":
        options["iv_method"] = args.iv_method
    res = mg.fit(args.formula, panel, estimator=args.estimator, effects=args.effects,
                 cov_type=args.cov_type, small_sample=args.small_sample,
                 re_method=args.re_method, drop_absorbed=args.drop_absorbed, **options)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res.to_dict(), indent=1), encoding="utf-8")
    return res, out


def _run(args: argparse.Namespace) -> int:
    res, out = run_fit(args)
    if not args.quiet:
        print(res.summary)
    print(f"Wrote {out}")
    return 0
