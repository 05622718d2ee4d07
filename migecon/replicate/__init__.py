"""Published tables as data, and a runner that diffs them cell by cell.

``mg.replicate("roodman2009_ols")`` loads the data a paper used, estimates its
models with migecon and compares every printed number with ours, within half
a unit of the last printed digit unless the table file says otherwise. The
built-in tables live in ``migecon/replicate/tables/*.toml``; a researcher's
own table is a TOML file in the same format (see :mod:`migecon.replicate.spec`)
and ``migecon replicate my_table.toml`` exits non-zero when a cell differs, so
it can run in continuous integration.
"""

from migecon.replicate.report import Cell, ReplicationReport
from migecon.replicate.runner import builtin_path, list_tables, replicate, replicate_all
from migecon.replicate.spec import TableSpec, load_table_spec

__all__ = [
    "Cell",
    "ReplicationReport",
    "TableSpec",
    "builtin_path",
    "list_tables",
    "load_table_spec",
    "replicate",
    "replicate_all",
]
