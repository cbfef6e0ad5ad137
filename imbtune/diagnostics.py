"""Imbalance report of a target: class counts, imbalance ratio, entropy, Gini."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import check_target

__all__ = ["ImbalanceReport", "describe_imbalance"]


@dataclass(frozen=True)
class ImbalanceReport:
    """How imbalanced a target is.

    Attributes
    ----------
    counts : pandas.Series
        Rows per class, largest first.
    imbalance_ratio : float
        Largest class count over smallest class count (1 = balanced).
    entropy : float
        Shannon entropy of the class shares, in bits.
    normalized_entropy : float
        Entropy over its maximum ``log2(n_classes)``: 1 = balanced, towards 0
        as one class dominates.
    gini : float
        Gini impurity ``1 - sum(p_c ** 2)``.
    normalized_gini : float
        Gini impurity over its maximum ``1 - 1 / n_classes``.
    """

    counts: pd.Series
    imbalance_ratio: float
    entropy: float
    normalized_entropy: float
    gini: float
    normalized_gini: float

    @property
    def n_classes(self):
        return len(self.counts)

    @property
    def minority_class(self):
        return self.counts.index[-1]

    def to_dict(self):
        """Plain-Python summary (for JSON)."""
        return {
            "counts": {str(k): int(v) for k, v in self.counts.items()},
            "imbalance_ratio": self.imbalance_ratio,
            "entropy": self.entropy,
            "normalized_entropy": self.normalized_entropy,
            "gini": self.gini,
            "normalized_gini": self.normalized_gini,
        }

    def __str__(self):
        total = int(self.counts.sum())
        lines = [f"{total} rows, {self.n_classes} classes"]
        width = max(len(str(k)) for k in self.counts.index)
        for label, count in self.counts.items():
            lines.append(f"  class {str(label):>{width}}: {count:>8} ({count / total:6.1%})")
        lines.append(f"  imbalance ratio   {self.imbalance_ratio:.2f}")
        lines.append(
            f"  entropy           {self.entropy:.3f} bits "
            f"(normalised {self.normalized_entropy:.3f})"
        )
        lines.append(
            f"  Gini impurity     {self.gini:.3f} (normalised {self.normalized_gini:.3f})"
        )
        return "\n".join(lines)


def describe_imbalance(y):
    """Report class counts, imbalance ratio, entropy and Gini impurity of ``y``.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels (two or more classes).

    Returns
    -------
    report : ImbalanceReport
        Printing it gives a readable table.

    Examples
    --------
    >>> from imbtune import describe_imbalance
    >>> report = describe_imbalance([0] * 90 + [1] * 10)
    >>> report.imbalance_ratio
    9.0
    >>> round(report.normalized_entropy, 3)
    0.469
    >>> print(report)
    100 rows, 2 classes
      class 0:       90 ( 90.0%)
      class 1:       10 ( 10.0%)
      imbalance ratio   9.00
      entropy           0.469 bits (normalised 0.469)
      Gini impurity     0.180 (normalised 0.360)
    """
    y_encoded, classes = check_target(y, estimator_name="describe_imbalance")
    counts = np.bincount(y_encoded, minlength=len(classes))
    series = pd.Series(counts, index=classes, name="count").sort_values(
        ascending=False, kind="mergesort"
    )
    shares = counts / counts.sum()
    entropy = float(-np.sum(shares * np.log2(shares)))
    gini = float(1.0 - np.sum(shares**2))
    k = len(classes)
    return ImbalanceReport(
        counts=series,
        imbalance_ratio=float(counts.max() / counts.min()),
        entropy=entropy,
        normalized_entropy=float(entropy / np.log2(k)),
        gini=gini,
        normalized_gini=float(gini / (1.0 - 1.0 / k)),
    )
