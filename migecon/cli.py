"""The ``migecon`` command line.

Each subcommand lives beside the code it drives and registers itself through a
``register(subparsers)`` function listed in :data:`SUBCOMMANDS`; the function
adds its parser and sets ``func`` to a callable taking the parsed arguments and
returning an exit code. Bad input ends with a one-line reason on stderr and a
non-zero exit code, never a traceback (``--traceback`` shows it for bug
reports).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from migecon.errors import MigeconError

__all__ = ["SUBCOMMANDS", "build_parser", "main"]

#: Modules providing ``register(subparsers)``, in the order of ``--help``.
SUBCOMMANDS: tuple[str, ...] = (
    "migecon.demo",
    "migecon.panel.datasets_cli",
    "migecon.panel.build_cli",
    "migecon.estimate.fit_cli",
    "migecon.estimate.gmm.cli",
    "migecon.replicate.cli",
    "migecon.report.table_cli",
    "migecon.study",
)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered subcommand."""
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
    for module_name in SUBCOMMANDS:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
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
