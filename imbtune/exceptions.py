"""Exceptions and warning categories raised by imbtune."""

# SPDX-License-Identifier: BSD-3-Clause

__all__ = [
    "FallbackWarning",
    "ImbtuneWarning",
    "InsufficientMinorityError",
    "SearchFailedError",
    "TrialFailedWarning",
]


class InsufficientMinorityError(ValueError):
    """A class has too few rows for what was asked of it.

    Raised when a class has fewer rows than cross-validation folds, or fewer
    than a nearest-neighbour resampler needs. The message names the class,
    its count and the fix.
    """


class SearchFailedError(RuntimeError):
    """A search gave no model: every trial failed, or the refit did.

    When every trial failed, the message carries the first failing trial's
    parameters and exception, so the cause is visible without digging
    through logs. When the refit of the chosen trial failed, the search keeps
    its trials (``study_``, ``cv_results_``, ``best_params_``) and the
    message names the trial and the error.
    """


class ImbtuneWarning(UserWarning):
    """Base class of imbtune's warnings."""


class FallbackWarning(ImbtuneWarning):
    """imbtune used a fallback: a clamped ``k_neighbors``, a skipped resampler..."""


class TrialFailedWarning(ImbtuneWarning):
    """Some trials of a search failed; their errors are in ``cv_results_``."""
