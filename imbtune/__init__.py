"""imbtune: imbalanced classification with tuning built in.

One Optuna study searches, jointly and without leakage, how to rebalance the
data, which model to fit and how much to weight the rare class, how to
calibrate the probabilities and where to put the decision threshold. What
comes back is one ordinary scikit-learn estimator.
"""

# SPDX-License-Identifier: BSD-3-Clause

from . import metrics
from .classifiers import ClassifierSpec
from .diagnostics import ImbalanceReport, describe_imbalance
from .ensemble import ImbalancedEnsemble
from .exceptions import (
    FallbackWarning,
    InsufficientMinorityError,
    SearchFailedError,
    TrialFailedWarning,
)
from .pipeline import ImbalancedPipeline
from .preprocessing import TabularEncoder
from .resamplers import ResamplerSpec
from .search import ImbalancedSearchCV

__version__ = "0.1.0"

__all__ = [
    "ClassifierSpec",
    "FallbackWarning",
    "ImbalanceReport",
    "ImbalancedEnsemble",
    "ImbalancedPipeline",
    "ImbalancedSearchCV",
    "InsufficientMinorityError",
    "ResamplerSpec",
    "SearchFailedError",
    "TabularEncoder",
    "TrialFailedWarning",
    "__version__",
    "describe_imbalance",
    "metrics",
]
