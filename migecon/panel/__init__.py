"""Panel builders: where the numbers come from and how they become a country-year panel."""

from migecon.panel.core import Panel, VariableMeta
from migecon.panel.datasets import list_datasets, load_dataset

__all__ = ["Panel", "VariableMeta", "list_datasets", "load_dataset"]
