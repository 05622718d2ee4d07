"""Data sources: one module per source, each returning :class:`SourceData`."""

from migecon.panel.sources.base import IndicatorMeta, Source, SourceData
from migecon.panel.sources.classifications import IncomeClassification
from migecon.panel.sources.combined import Combined
from migecon.panel.sources.files import UserFiles
from migecon.panel.sources.remittance_matrix import RemittanceMatrix
from migecon.panel.sources.undesa import UNDESA
from migecon.panel.sources.wdi_api import WDIApi
from migecon.panel.sources.wdi_files import WDIFiles

__all__ = ["IndicatorMeta", "Source", "SourceData"]
__all__ += ["UNDESA", "WDIApi"]
__all__ += ["Combined", "IncomeClassification", "UserFiles", "WDIFiles"]
__all__ += ["RemittanceMatrix"]
