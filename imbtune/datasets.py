"""Loaders for public imbalanced datasets: a local data directory or bundled data.

Two sources, in this order:

1. A data directory holding ``NAME.csv.gz`` files with a ``target``
   column (the layout of the imbtune benchmark collection). It is the
   ``data_dir`` argument, else the ``IMBTUNE_DATA_DIR`` environment variable.
2. Datasets bundled with scikit-learn, which need no file and no network:
   ``"digits_8"`` (UCI optical digits, digit 8 against the rest; 1,797 rows,
   64 features, imbalance ratio 9.3) and ``"breast_cancer"`` (Wisconsin
   diagnostic, malignant = 1; 569 rows, ratio 1.7). ``"digits_8"`` is the
   bundled default used by ``imbtune demo``.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import difflib
import os
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "BUNDLED",
    "DEFAULT_DATASET",
    "list_datasets",
    "load_dataset",
    "train_test_split_stratified",
]

DEFAULT_DATASET = "digits_8"


def _load_digits_8() -> tuple[pd.DataFrame, pd.Series]:
    from sklearn.datasets import load_digits

    bunch = load_digits(as_frame=True)
    X = bunch.data
    y = (bunch.target == 8).astype(int).rename("target")
    return X, y


def _load_breast_cancer() -> tuple[pd.DataFrame, pd.Series]:
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=True)
    X = bunch.data
    # scikit-learn codes malignant as 0; the rare, clinically positive class is 1 here.
    y = (bunch.target == 0).astype(int).rename("target")
    return X, y


BUNDLED = {"digits_8": _load_digits_8, "breast_cancer": _load_breast_cancer}


def _data_dir(data_dir: str | os.PathLike | None) -> Path | None:
    if data_dir is not None:
        return Path(data_dir)
    env = os.environ.get("IMBTUNE_DATA_DIR")
    return Path(env) if env else None


def list_datasets(data_dir: str | os.PathLike | None = None) -> list[str]:
    """Names that :func:`load_dataset` can load here.

    Parameters
    ----------
    data_dir : str or path-like, default=None
        Directory of ``NAME.csv.gz`` files; ``None`` reads ``IMBTUNE_DATA_DIR``.

    Returns
    -------
    names : list of str
        Bundled names first, then the files of the data directory.

    Examples
    --------
    >>> from imbtune.datasets import list_datasets
    >>> list_datasets(data_dir="/nonexistent")[:2]
    ['digits_8', 'breast_cancer']
    """
    names = list(BUNDLED)
    directory = _data_dir(data_dir)
    if directory is not None and directory.is_dir():
        names += sorted(
            p.name[: -len(".csv.gz")] for p in directory.glob("*.csv.gz") if p.is_file()
        )
    return names


def _read_table(path):
    """``path`` as (X, y); a file that cannot be read as a table, or has no
    ``target`` column, is a ``ValueError`` that names it."""
    try:
        frame = pd.read_csv(path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError,
            pd.errors.EmptyDataError) as exc:
        raise ValueError(
            f"{path} could not be read as a CSV table ({type(exc).__name__}: {exc}). "
            "imbtune reads comma-separated text, gzip-compressed when the name ends "
            "in .gz."
        ) from None
    if "target" not in frame.columns:
        header = ",".join(map(str, frame.columns[:6]))
        hint = (" It looks separated by ';', not ','." if ";" in header else "")
        raise ValueError(
            f"{path} has no 'target' column (its header reads {header!r}); imbtune "
            f"data files keep the label in a column named 'target'.{hint}"
        )
    y = frame.pop("target")
    return frame, y


def load_dataset(
    name: str = DEFAULT_DATASET,
    *,
    data_dir: str | os.PathLike | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """Load a dataset as a feature table and a target.

    Parameters
    ----------
    name : str or path-like, default="digits_8"
        A file stem in the data directory (``"mammography"`` for
        ``mammography.csv.gz``), a bundled name (``"digits_8"``,
        ``"breast_cancer"``), or the path of a CSV file (``.csv`` or
        ``.csv.gz``) with a ``target`` column. A file in the data directory
        wins over a bundled dataset of the same name.
    data_dir : str or path-like, default=None
        Directory of ``NAME.csv.gz`` files; ``None`` reads the
        ``IMBTUNE_DATA_DIR`` environment variable.

    Returns
    -------
    X : pandas.DataFrame
        Features as stored: numeric columns numeric, categorical columns as
        strings, missing values as NaN.
    y : pandas.Series
        The ``target`` column.

    Raises
    ------
    FileNotFoundError
        If ``name`` is neither in the data directory nor bundled nor an
        existing file; the message suggests close names and lists what is
        available.
    ValueError
        If the file cannot be read as a CSV table or has no ``target`` column.

    Examples
    --------
    >>> from imbtune.datasets import load_dataset
    >>> X, y = load_dataset("digits_8")
    >>> X.shape, int(y.sum())
    ((1797, 64), 174)
    """
    if not isinstance(name, str | os.PathLike):
        raise TypeError(
            f"name must be a dataset name or a path to a CSV file; got {name!r}."
        )
    name = os.fspath(name)
    has_dir = os.sep in name or "/" in name
    if name.lower().endswith((".csv", ".csv.gz")) or has_dir:
        # A path: the user's own file (any CSV with a 'target' column).
        path = Path(name)
        if path.is_file():
            return _read_table(path)
        if path.is_dir():
            raise FileNotFoundError(
                f"{name!r} is a directory; give the path of a CSV file in it, with a "
                "'target' column."
            )
        directory = _data_dir(data_dir)
        if not has_dir and directory is not None and (directory / name).is_file():
            return _read_table(directory / name)  # a file name of the data directory
        raise FileNotFoundError(
            f"No file {name!r}. Give a dataset name (one of {list_datasets(data_dir)}) "
            "or the path of a CSV file with a 'target' column."
        )
    directory = _data_dir(data_dir)
    if directory is not None:
        path = directory / f"{name}.csv.gz"
        if path.is_file():
            return _read_table(path)
    if name in BUNDLED:
        return BUNDLED[name]()
    if Path(name).is_file():  # a file of this folder, named without .csv
        return _read_table(Path(name))
    if directory is None:
        where = "because IMBTUNE_DATA_DIR is not set"
    elif not directory.exists():
        where = f"because the data directory {str(directory)!r} does not exist"
    elif not directory.is_dir():
        where = f"because the data directory {str(directory)!r} is not a directory"
    else:
        where = f"in {str(directory)!r}"
    available = list_datasets(data_dir)
    close = difflib.get_close_matches(name.lower(), available, n=3)
    suggestion = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
    raise FileNotFoundError(
        f"Dataset {name!r} was not found {where}.{suggestion} Available here: "
        f"{available}. Point IMBTUNE_DATA_DIR (or data_dir=) at a directory of "
        "NAME.csv.gz files with a 'target' column, or give the path of a CSV file."
    )


def train_test_split_stratified(X, y, *, test_size=0.25, random_state=0):
    """A stratified train/test split that keeps pandas objects.

    Parameters
    ----------
    X : pandas.DataFrame or ndarray
        Features.
    y : pandas.Series or ndarray
        Target.
    test_size : float, default=0.25
        Share of rows held out.
    random_state : int, default=0
        Seed of the split.

    Returns
    -------
    X_train, X_test, y_train, y_test
        As :func:`sklearn.model_selection.train_test_split` returns them.
    """
    from sklearn.model_selection import train_test_split

    return train_test_split(
        X, y, test_size=test_size, stratify=np.asarray(y), random_state=random_state
    )
