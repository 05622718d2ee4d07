"""The ``migecon`` command line.

Each subcommand lives beside the code it drives and registers itself through a
``register(subparsers)`` function listed in :data:`SUBCOMMANDS`; the function
adds its parser and sets ``func`` to a callable taking the parsed arguments and
returning an exit code. Bad input ends with a one-line reason on stderr and a
non-zero exit code, never a traceback (``--traceback`` shows it for bug
reports).

Start-up: the subcommand modules live in packages that import pandas, scipy
and matplotlib, so :func:`main` imports only the module of the subcommand it
runs. ``migecon --help`` (and ``--version``) lists the subcommands from
:data:`COMMANDS` without importing any of them (``tests/test_cli.py`` checks
that the table matches the modules' own parsers; ``benchmarks/bench_startup.py``
times it).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from migecon.errors import MigeconError

__all__ = ["COMMANDS", "SUBCOMMANDS", "build_parser", "main"]

#: Modules providing ``register(subparsers)``, in the order of ``--help``.
SUBCOMMANDS: tuple[str, ...] = (
    "migecon.demo",
    "migecon.panel.datasets_cli",
    "migecon.panel.build_cli",
    "migecon.estimate.fit_cli",
    "migecon.estimate.gmm.cli",
    "migecon.replicate.cli",
    "migecon.report.table_cli",
    "migecon.report.bilateral_cli",
    "migecon.study",
)

#: Subcommand -> (module registering it, one-line help), in the order of ``--help``.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("migecon.demo", "run the end-to-end demo on the embedded simulated panel"),
    "datasets": ("migecon.panel.datasets_cli",
                 "list the named datasets (the embedded default and classics)"),
    "build": ("migecon.panel.build_cli",
              "build a country-year panel from World Bank files, the API or your file"),
    "fit": ("migecon.estimate.fit_cli", "estimate a panel model and write the result as JSON"),
    "gmm": ("migecon.estimate.gmm.cli", "difference or system GMM from an xtabond2 command"),
    "replicate": ("migecon.replicate.cli", "reproduce published tables and compare every cell"),
    "table": ("migecon.report.table_cli",
              "write a regression table from saved results (JSON), in any format"),
    "profile": ("migecon.report.bilateral_cli",
                "profile a country: remittances, corridors, migrants, growth"),
    "diff": ("migecon.report.bilateral_cli",
             "compare two vintages of the same indicators, cell by cell"),
    "run": ("migecon.study", "run a study file: data, models, tables, figures and a manifest"),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser with every registered subcommand.

    With ``only`` (a name in :data:`COMMANDS`), only that subcommand's module is
    imported and registered; the others appear in ``--help`` from the table.
    ``only=""`` imports none of them (``migecon --help``).
    """
    from migecon import __version__

    parser = argparse.ArgumentParser(
        prog="migecon",
        description="Panel econometrics of international labour migration: build panels "
                    "of remittances, diasporas, technology and growth; estimate; report.",
    )
    parser.add_argument("--version", action="version", version=f"migecon {__version__}")
    parser.add_argument("--traceback", action="store_true",
                        help="show the full traceback on errors (for bug reports)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    if only is None:
        for module_name in SUBCOMMANDS:
            importlib.import_module(module_name).register(subparsers)
        return parser
    chosen = COMMANDS[only][0] if only in COMMANDS else None
    for name, (module_name, help_text) in COMMANDS.items():
        if module_name == chosen:
            if name == only:  # a module may register several commands (profile, diff)
                importlib.import_module(module_name).register(subparsers)
        else:
            subparsers.add_parser(name, help=help_text, add_help=False)
    return parser


def _chosen(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv``: "" when none (help, version), None if unknown."""
    for arg in argv:
        if arg == "--traceback":
            continue
        if arg.startswith("-"):
            return ""
        return arg if arg in COMMANDS else None
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_chosen(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        return code
    except BrokenPipeError:
        # Output piped into a reader that stopped early (`migecon ... | head`): not an error
        # of ours; silence the flush at exit and end as the shell expects.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except (MigeconError, ValueError, KeyError, FileNotFoundError, FileExistsError,
            PermissionError) as exc:
        if args.traceback:
            raise
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"migecon {args.command}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
