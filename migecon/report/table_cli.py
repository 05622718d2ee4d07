"""``migecon table``: a regression table from saved results, in any format.

Reads JSON files written by ``Result.to_json()`` / ``Result.to_dict()``. A
file may hold one result, a list of results, or a mapping of names to results
(as ``migecon demo`` writes in ``results.json``); columns follow the order of
the files and, inside a file, the order of its results.

    migecon table fe.json gmm.json --out table.tex
    migecon table results.json --format md            # print to the console
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from migecon.errors import SpecificationError
from migecon.estimate.results import Result
from migecon.report.tables import _EXTENSIONS, FORMATS, regression_table

__all__ = ["load_results", "register", "run"]


def load_results(paths: list[str]) -> tuple[list[Result], list[str]]:
    """Read results from JSON files; returns them with a name for each.

    Examples
    --------
    >>> import json, migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> path = getfixture("tmp_path") / "fe.json"
    >>> _ = mg.fit("growth ~ remittances", panel).to_json(str(path))
    >>> results, names = load_results([str(path)])
    >>> names
    ['fe']
    """
    results: list[Result] = []
    names: list[str] = []
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise FileNotFoundError(f"results file {name} not found")
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise SpecificationError(
                f"{name} is not valid JSON ({exc.msg} at line {exc.lineno}); write results "
                "with Result.to_json(path)") from exc
        for label, item in _items(content, path):
            if not isinstance(item, dict) or item.get("migecon_result") != 1:
                raise SpecificationError(
                    f"{name}{'' if label == path.stem else f' [{label}]'} is not a saved "
                    "migecon result (expected the dictionary Result.to_dict() writes, with "
                    "'migecon_result': 1)")
            results.append(Result.from_dict(item))
            names.append(label)
    return results, names


def _items(content: Any, path: Path) -> list[tuple[str, Any]]:
    if isinstance(content, dict) and "migecon_result" in content:
        return [(path.stem, content)]
    if isinstance(content, dict):
        return [(str(k), v) for k, v in content.items()]
    if isinstance(content, list):
        return [(f"{path.stem}[{i}]", v) for i, v in enumerate(content)]
    raise SpecificationError(f"{path} holds a JSON {type(content).__name__}; expected a "
                             "saved result, a list of them, or a name -> result mapping")


def _labels(pairs: list[str] | None, labels_file: str | None) -> dict[str, str]:
    labels: dict[str, str] = {}
    if labels_file:
        content = json.loads(Path(labels_file).read_text(encoding="utf-8"))
        if not isinstance(content, dict):
            raise SpecificationError(f"--labels-file {labels_file} must hold a JSON object "
                                     '{"term": "label", ...}')
        labels.update({str(k): str(v) for k, v in content.items()})
    for pair in pairs or []:
        if "=" not in pair:
            raise SpecificationError(f"--label needs TERM=LABEL; got {pair!r}")
        term, label = pair.split("=", 1)
        labels[term.strip()] = label.strip()
    return labels


def _stars(text: str) -> tuple[float, ...]:
    if text.lower() in ("none", "no", ""):
        return ()
    try:
        return tuple(float(s) for s in text.split(","))
    except ValueError as exc:
        raise SpecificationError(f"--stars takes levels like 0.10,0.05,0.01 or 'none'; got "
                                 f"{text!r}") from exc


def register(subparsers: Any) -> None:
    """Add the ``table`` subcommand."""
    parser = subparsers.add_parser(
        "table", help="write a regression table from saved results (JSON), in any format",
        description="Put saved results (JSON written by Result.to_json) side by side in a "
                    "regression table: LaTeX, HTML, Markdown, text, CSV, Excel or Word. "
                    "Without --out the table is printed (text formats only).")
    parser.add_argument("results", nargs="+", metavar="RESULTS.json",
                        help="files with one result, a list, or a name -> result mapping")
    parser.add_argument("--out", metavar="PATH", help="output file; the format follows the "
                        f"extension ({', '.join(_EXTENSIONS)})")
    parser.add_argument("--format", choices=FORMATS,
                        help="output format (overrides the extension; default txt on screen)")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    parser.add_argument("--title", default="", help="table caption")
    parser.add_argument("--se", default="std_errors",
                        choices=("std_errors", "tstats", "conf_int", "pvalues"),
                        help="what goes under each coefficient (default std_errors)")
    parser.add_argument("--digits", type=int, default=3, help="decimal places (default 3)")
    parser.add_argument("--stars", default="0.10,0.05,0.01",
                        help="significance levels, largest first, or 'none'")
    parser.add_argument("--order", nargs="+", metavar="TERM", help="terms to show first")
    parser.add_argument("--drop", nargs="+", metavar="TERM", default=(),
                        help="terms not to show")
    parser.add_argument("--label", action="append", metavar="TERM=LABEL",
                        help="label of a term or dependent variable (repeatable)")
    parser.add_argument("--labels-file", metavar="JSON", help='JSON {"term": "label"}')
    parser.add_argument("--column-labels", nargs="+", metavar="TEXT",
                        help="model titles (default: the models' names)")
    parser.add_argument("--note", action="append", metavar="TEXT", help="note (repeatable)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the table and write or print it."""
    results, _ = load_results(args.results)
    table = regression_table(
        results, labels=_labels(args.label, args.labels_file), order=args.order,
        drop=args.drop, stars=_stars(args.stars), se=args.se, digits=args.digits,
        title=args.title, column_labels=args.column_labels, notes=args.note)
    if args.out is None:
        fmt = args.format or "txt"
        if fmt in ("xlsx", "docx"):
            raise SpecificationError(f"--format {fmt} is a binary file format; give --out "
                                     f"table.{fmt}")
        text = table.render(fmt)
        assert isinstance(text, str)  # the binary formats were refused above
        sys.stdout.write(text + "\n")
        return 0
    out = Path(args.out)
    if out.exists() and not args.force:
        raise FileExistsError(f"{out} exists; pass --force to overwrite it")
    if args.format is None and out.suffix.lower() not in _EXTENSIONS:
        raise SpecificationError(
            f"cannot tell the table format from {out.name!r}; use an extension "
            f"({', '.join(_EXTENSIONS)}) or --format ({', '.join(FORMATS)})")
    out.parent.mkdir(parents=True, exist_ok=True)
    written = table.save(out, format=args.format, overwrite=True)
    print(f"Wrote {written} ({len(results)} models)")
    return 0
