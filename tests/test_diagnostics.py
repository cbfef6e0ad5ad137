"""imbtune.describe_imbalance."""

import math

import numpy as np
import pytest

from imbtune import describe_imbalance


def test_report_numbers():
    report = describe_imbalance(["ok"] * 80 + ["fraud"] * 15 + ["chargeback"] * 5)
    assert report.counts.to_dict() == {"ok": 80, "fraud": 15, "chargeback": 5}
    assert report.minority_class == "chargeback"
    assert report.imbalance_ratio == 16.0
    shares = np.array([0.8, 0.15, 0.05])
    assert report.entropy == pytest.approx(-(shares * np.log2(shares)).sum())
    assert report.normalized_entropy == pytest.approx(report.entropy / math.log2(3))
    assert report.gini == pytest.approx(1 - (shares**2).sum())
    assert report.normalized_gini == pytest.approx(report.gini / (2 / 3))
    text = str(report)
    assert "class chargeback:        5 (  5.0%)" in text
    assert "imbalance ratio   16.00" in text
    assert report.to_dict()["counts"] == {"ok": 80, "fraud": 15, "chargeback": 5}


def test_balanced_target():
    report = describe_imbalance([0, 1] * 50)
    assert report.imbalance_ratio == 1.0
    assert report.normalized_entropy == pytest.approx(1.0)
    assert report.normalized_gini == pytest.approx(1.0)


def test_bad_targets():
    with pytest.raises(ValueError, match="only 1 class"):
        describe_imbalance([1, 1, 1])
    with pytest.raises(ValueError, match="y contains NaN"):
        describe_imbalance([0, 1, np.nan])
