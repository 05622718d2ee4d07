"""Panel builders: where the numbers come from and how they become a country-year panel."""

from migecon.panel.core import Panel, VariableMeta
from migecon.panel.datasets import list_datasets, load_dataset

# Binds Panel.transform and Panel.to_stata (see migecon.panel.core.register_operation).
from migecon.panel import stata, transform  # noqa: F401  isort: skip

__all__ = ["Panel", "VariableMeta", "list_datasets", "load_dataset"]
