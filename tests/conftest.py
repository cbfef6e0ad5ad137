"""Shared fixtures: small real datasets and a global random seed."""

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbtune.datasets import load_dataset

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("IMBTUNE_DATA_DIR", REPO.parent / "shared" / "datasets"))


def pytest_configure(config):
    os.environ.setdefault("IMBTUNE_DATA_DIR", str(DATA_DIR))
    # LightGBM/XGBoost threads fight over 2 cores otherwise.
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def _seeds():
    value = os.environ.get("IMBTUNE_TESTS_GLOBAL_RANDOM_SEED", "42")
    if value == "all":
        return list(range(100))
    if "-" in value:
        low, high = (int(v) for v in value.split("-"))
        return list(range(low, high + 1))
    return [int(value)]


@pytest.fixture(params=_seeds())
def global_random_seed(request):
    """One seed by default; IMBTUNE_TESTS_GLOBAL_RANDOM_SEED=all runs 0..99."""
    return request.param


def shared_dataset(name):
    path = DATA_DIR / f"{name}.csv.gz"
    if not path.is_file():
        pytest.skip(
            f"{path} not found: point IMBTUNE_DATA_DIR at the imbtune dataset "
            "collection (CI sets it to ../shared/datasets)"
        )
    return load_dataset(name, data_dir=DATA_DIR)


@pytest.fixture(scope="session")
def breast_cancer():
    """Bundled, numeric, binary (212 malignant of 569)."""
    return load_dataset("breast_cancer")


@pytest.fixture(scope="session")
def thyroid_mixed():
    """Real medical table: 7 numeric columns with NaN, 22 categorical, binary.

    A stratified 900-row sample of thyroid_sick_raw keeps the tests fast.
    """
    X, y = shared_dataset("thyroid_sick_raw")
    rng = np.random.RandomState(0)
    keep = np.concatenate(
        [
            rng.choice(np.flatnonzero(y == 1), 60, replace=False),
            rng.choice(np.flatnonzero(y == 0), 840, replace=False),
        ]
    )
    keep.sort()
    return X.iloc[keep].reset_index(drop=True), y.iloc[keep].reset_index(drop=True)


@pytest.fixture(scope="session")
def fetal_multiclass():
    """Real multiclass medical data (fetal health: 3 classes, 9:1.7:1)."""
    X, y = shared_dataset("fetal_health")
    rng = np.random.RandomState(0)
    keep = np.sort(
        np.concatenate(
            [rng.choice(np.flatnonzero(y == c), n, replace=False)
             for c, n in [(0, 400), (1, 80), (2, 50)]]
        )
    )
    return X.iloc[keep].reset_index(drop=True), y.iloc[keep].reset_index(drop=True)


@pytest.fixture
def quiet():
    """Silence imbtune's fallback warnings where a test does not look at them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def counting(sampler_class, n_classes):
    """A subclass of ``sampler_class`` that records, in its ``calls``, the
    class counts of the ``y`` each ``fit_resample`` is given and returns
    (clones of an instance share the list)."""

    class Counting(sampler_class):
        calls = []

        def fit_resample(self, X, y, **params):
            X_res, y_res = super().fit_resample(X, y, **params)
            type(self).calls.append((np.bincount(y, minlength=n_classes).tolist(),
                                     np.bincount(y_res, minlength=n_classes).tolist()))
            return X_res, y_res

    Counting.__name__ = Counting.__qualname__ = f"Counting{sampler_class.__name__}"
    return Counting


def small_imbalanced(n=300, minority=30, seed=0, n_features=4):
    """A reproducible numeric binary problem with signal."""
    rng = np.random.RandomState(seed)
    y = np.r_[np.zeros(n - minority, int), np.ones(minority, int)]
    X = rng.normal(size=(n, n_features)) + 1.5 * y[:, None] * (np.arange(n_features) < 2)
    perm = rng.permutation(n)
    return pd.DataFrame(X[perm], columns=[f"f{j}" for j in range(n_features)]), y[perm]
