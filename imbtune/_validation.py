"""Input checks shared by imbtune's estimators: tables, targets, groups, class counts."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import datetime
import numbers
import os
import sys
import warnings

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.utils import check_array, column_or_1d
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from .exceptions import InsufficientMinorityError

_CATEGORICAL_KINDS = {"O", "U", "S"}


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning raised by the caller of this
    function point at the first frame outside imbtune (the user's line, be it
    ``predict``, ``predict_proba`` or ``search.predict`` that they called)."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        package + os.sep
    ):
        frame, level = frame.f_back, level + 1
    return level


_TEMPORAL = (datetime.date, datetime.time, datetime.timedelta)  # Timestamp too


def _object_kinds(column: pd.Series) -> set:
    """The types of an object column's present values; empty for a column of
    text (or bools, bytes) alone, told cheaply by pandas' C type inference."""
    if pd.api.types.infer_dtype(column, skipna=True) in ("string", "boolean", "bytes", "empty"):
        return set()
    return set(map(type, column[column.notna().to_numpy()].to_numpy()))


def _is_plain_number(kind) -> bool:
    """A real number type (Decimal and Python/numpy ints and floats), not a
    bool, which stays as the category it was, nor a complex number."""
    return (
        issubclass(kind, numbers.Number)
        and not issubclass(kind, (bool, np.bool_, complex, np.complexfloating))
    )


def _holds_identifiers(column: pd.Series) -> bool:
    """Whether an object column of numbers holds an integer past 2**53, which
    no float holds exactly: an identifier (a card number, say), kept as the
    category it was rather than merged with its neighbours."""
    return any(
        isinstance(v, int | np.integer) and abs(int(v)) > 2**53 for v in column
    )


def _infinity_message(name) -> str:
    return (
        f"Input X contains infinity in column {name!r}. Replace it with a finite "
        "value or NaN (missing), which imbtune handles."
    )


def _finite_floats(column: pd.Series, name) -> pd.Series:
    """``column`` as floats; an error naming it if it holds infinity."""
    if column.dtype == object:  # noqa: E721 (a numpy dtype)
        # pd.NA and NaT are missing, as None and NaN are (astype refuses them)
        column = column.where(column.notna(), np.nan)
    values = column.astype(float)
    if np.isinf(values.to_numpy()).any():
        raise ValueError(_infinity_message(name))
    return values


def _is_categorical_series(column: pd.Series) -> bool:
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return True
    if pd.api.types.is_string_dtype(dtype) or dtype == object:  # noqa: E721 (a numpy dtype)
        return True
    return False


def array_column_names(n_columns: int) -> list[str]:
    """The names :func:`as_frame` gives the columns of an array: x0, x1, ..."""
    return [f"x{j}" for j in range(n_columns)]


def as_frame(X, *, estimator_name: str) -> pd.DataFrame:
    """Validate a feature table and return it as a DataFrame.

    Numeric columns come back as float64 (booleans as 0/1), categorical
    columns (pandas category, object or string) unchanged. NaN is allowed,
    infinity is not. numpy input gets column names ``x0, x1, ...``; object
    columns that hold numbers only are read as numeric.
    """
    if sparse.issparse(X):
        raise TypeError(
            f"{estimator_name} got a sparse matrix, but sparse input is not "
            "supported: imbtune works on dense tables of mixed types. Convert it "
            "with X.toarray() (or pass a pandas DataFrame)."
        )
    if isinstance(X, pd.DataFrame):
        frame = X
        if frame.shape[0] == 0:
            raise ValueError(
                f"Found array with 0 sample(s) (shape={frame.shape}) while a "
                f"minimum of 1 is required by {estimator_name}."
            )
        if frame.shape[1] == 0:
            raise ValueError(
                f"Found array with 0 feature(s) (shape={frame.shape}) while a "
                f"minimum of 1 is required by {estimator_name}."
            )
    else:
        array = check_array(
            X,
            dtype=None,
            ensure_all_finite=False,
            input_name="X",
            estimator=estimator_name,
        )
        frame = pd.DataFrame(array, columns=array_column_names(array.shape[1]))

    duplicated = frame.columns[frame.columns.duplicated()].unique().tolist()
    if duplicated:
        raise ValueError(
            f"X has duplicate column names {duplicated}; {estimator_name} needs one "
            "column per name. Rename or drop the repeats (for example "
            "X.loc[:, ~X.columns.duplicated()])."
        )
    # Float columns, the bulk of a wide table, are checked as one block; the
    # loop below visits the others (a column at a time costs seconds on
    # thousands of columns).
    floats = np.flatnonzero([dtype == np.float64 for dtype in frame.dtypes])
    if len(floats):
        infinite = np.isinf(frame.iloc[:, floats].to_numpy()).any(axis=0)
        if infinite.any():
            name = frame.columns[floats[np.argmax(infinite)]]
            raise ValueError(_infinity_message(name))
    if len(floats) == frame.shape[1]:
        return frame.copy(deep=False)
    columns = {}  # position -> the column as imbtune reads it
    is_float = np.zeros(frame.shape[1], bool)
    is_float[floats] = True
    for j, name in enumerate(frame.columns):
        if is_float[j]:
            continue
        column = frame.iloc[:, j]
        dtype = column.dtype
        if pd.api.types.is_bool_dtype(dtype):
            columns[j] = column.astype(float)
        elif pd.api.types.is_complex_dtype(dtype):
            raise ValueError(
                f"Complex data not supported: column {name!r} of X is complex. "
                f"{estimator_name} needs real numbers or categories."
            )
        elif pd.api.types.is_numeric_dtype(dtype):
            columns[j] = _finite_floats(column, name)
        elif _is_categorical_series(column):
            kinds = _object_kinds(column) if dtype == object else set()  # noqa: E721
            if any(issubclass(kind, _TEMPORAL) for kind in kinds):
                raise TypeError(
                    f"Column {name!r} of X holds dates or times as Python objects "
                    f"({', '.join(sorted(k.__name__ for k in kinds))}), which "
                    f"{estimator_name} cannot use. Convert it to numbers (e.g. days "
                    "since an origin) or to strings/category before fitting."
                )
            if (kinds and all(_is_plain_number(kind) for kind in kinds)
                    and not _holds_identifiers(column)):
                # Numbers held as objects (Decimal from a SQL NUMERIC column,
                # Python ints): numbers, as scikit-learn's check_array reads them.
                columns[j] = _finite_floats(column, name)
                continue
            if dtype == object and not isinstance(X, pd.DataFrame):  # noqa: E721 (a numpy dtype)
                numeric = pd.to_numeric(column, errors="coerce")
                if numeric.notna().sum() == column.notna().sum():
                    columns[j] = _finite_floats(numeric, name)
                    continue
            columns[j] = column
        else:
            raise TypeError(
                f"Column {name!r} of X has dtype {dtype}, which {estimator_name} "
                "cannot use. Convert it to numbers (e.g. a timestamp to days since "
                "an origin) or to strings/category before fitting."
            )
    out = frame.copy(deep=False)
    for j, column in columns.items():
        out.isetitem(j, column)  # a new column in the copy: X itself is untouched
    return out


def check_same_rows(X, y, n_rows, n_labels):
    """``X`` (``n_rows`` rows) and ``y`` (``n_labels`` labels) describe the
    same samples: an error for different lengths, and a warning for a pandas
    ``X`` and ``y`` whose indexes hold the same labels in another order (one
    of them shuffled or sorted without the other). Rows are paired by
    position, as in scikit-learn, so such a ``y`` would label each row with
    another row's class."""
    if n_labels != n_rows:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: "
            f"[{n_rows}, {n_labels}]"
        )
    x_index, y_index = getattr(X, "index", None), getattr(y, "index", None)
    if not isinstance(x_index, pd.Index) or not isinstance(y_index, pd.Index):
        return
    if x_index.equals(y_index) or not (x_index.is_unique and y_index.is_unique):
        return
    if len(x_index) == len(y_index) and x_index.isin(y_index).all():
        first = int(np.flatnonzero(x_index.to_numpy() != y_index.to_numpy())[0])
        warnings.warn(
            "X and y are indexed by the same labels in a different order (row "
            f"{first} of X is {label_repr(x_index[first])}, of y "
            f"{label_repr(y_index[first])}), and rows are paired by position, as "
            "in scikit-learn: if y was not reordered with X, each row gets "
            "another row's label. If y belongs to X's rows by index, pass "
            "y.loc[X.index]; if the positions are right, reset both indexes "
            "(.reset_index(drop=True)) to silence this.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )


def warn_columns(frame, y, classes, grouped=False):
    """The warnings about ``X`` that a fit gives before its first trial:
    :func:`warn_empty_columns`, :func:`warn_mostly_numbers`,
    :func:`warn_label_in_X` and, unless the rows are ``grouped`` (fit's
    ``groups``), :func:`warn_copied_rare_rows` (``y``: the encoded labels
    of ``classes``)."""
    warn_empty_columns(frame)
    warn_mostly_numbers(frame)
    warn_label_in_X(frame, y)
    if not grouped:
        warn_copied_rare_rows(frame, y, classes)


_COPIED_SHARE = 0.3
"""Share of the rarest class's rows that are copies of its other rows before
it looks over-sampled (at most 0.15 in the 40 shared tables; 0.46 after
random over-sampling of pima_diabetes to balance)."""


def warn_copied_rare_rows(frame, y, classes):
    """Warn when the rarest class (counted in distinct rows) holds many exact
    copies of its rows and the other classes do not: a table over-sampled
    before the search. A row with copies in both a training and a
    validation fold makes every cross-validated score optimistic."""
    y = np.asarray(y)
    counts = np.bincount(y, minlength=len(classes))
    present = np.flatnonzero(counts)
    if len(present) < 2:
        return
    try:
        keys = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    except TypeError:  # cells pandas cannot hash (lists): no verdict
        return
    copies = pd.DataFrame({"row": keys, "label": y}).duplicated().to_numpy()
    extra = np.bincount(y[copies], minlength=len(counts))
    share = extra / np.maximum(counts, 1)
    distinct = counts - extra
    rare = present[np.argmin(distinct[present])]
    others = max(share[c] for c in present if c != rare)
    if (share[rare] < _COPIED_SHARE or share[rare] < 2 * others
            or distinct[rare] < _LEAK_MIN_ROWS):  # a few rows copy one another by chance
        return
    warnings.warn(
        f"X holds {extra[rare]} {'copy' if extra[rare] == 1 else 'copies'} of other rows of class "
        f"{label_repr(classes[rare])} ({share[rare]:.0%} of its {counts[rare]} rows; "
        f"at most {others:.0%} for the other classes). Was it over-sampled before "
        "the search? A row with copies in both a training and a validation fold "
        "makes every cross-validated score optimistic. Pass the original rows: "
        "imbtune resamples inside each training fold. If the copies are real "
        "repeated records, pass fit(X, y, groups=...) with one id for a record "
        "and its copies, to keep them in one fold.",
        UserWarning,
        stacklevel=user_stacklevel(),
    )


_LEAK_MIN_ROWS = 10
"""Rows each class needs before one column that tells them apart is
suspicious (on fewer, a perfect split happens by chance)."""

_LEAK_MAX_CATEGORIES = 20
"""Categories a column may have and still be suspected (an identifier's
values each name one row, hence one class, by construction)."""


def warn_label_in_X(frame, y):
    """Warn about columns that alone tell the classes apart: the label left
    among the features, or something known only after it (a chargeback, a
    diagnosis code). Cross-validation scores such a model near perfectly,
    and it fails on new rows. None of the 40 tables in ../shared/datasets
    has one. One pass over the numbers per class, so cheap on wide tables."""
    y = np.asarray(y)
    counts = np.bincount(y)
    present = counts[counts > 0]
    if len(present) < 2 or present.min() < _LEAK_MIN_ROWS:
        return
    found = {}
    numeric = [j for j, (_, column) in enumerate(frame.items())
               if not _is_categorical_series(column)]
    if numeric:
        # per class and column: rows with a value, their smallest and largest
        groups = frame.iloc[:, numeric].groupby(y, sort=True)
        rows = groups.count().to_numpy()
        low = groups.min().to_numpy(dtype=float)
        high = groups.max().to_numpy(dtype=float)
        class_rows = present
        for k, j in enumerate(numeric):
            how = _numbers_tell_the_class(rows[:, k], low[:, k], high[:, k], class_rows)
            if how is not None:
                found[frame.columns[j]] = how
    numeric = set(numeric)
    for j, (name, column) in enumerate(frame.items()):
        if j not in numeric:
            how = _categories_tell_the_class(column, y)
            if how is not None:
                found[name] = how
    if not found:
        return
    many = len(found) > 1
    listed = [f"{name!r} ({how})" for name, how in found.items()]
    shown = ", ".join(listed[:5]) + (f" and {len(listed) - 5} more" if many and
                                     len(listed) > 5 else "")
    it, its = ("them", "their") if many else ("it", "its")
    warnings.warn(
        f"{'Columns' if many else 'Column'} {shown} of X {'tell' if many else 'tells'} "
        f"the classes apart on {its} own: is the label, or something known only "
        f"after it, among the features? A model fitted on {it} scores near "
        f"perfectly in cross-validation and fails on new rows. Drop {it} if so; "
        f"if {'they are' if many else 'it is'} known when you predict, this "
        "warning does not apply.",
        UserWarning,
        stacklevel=user_stacklevel(),
    )


_MISSING_TELLS = "missing in every row of one class and in no row of the other"

_LEAK_MIN_COVERAGE = 0.9
"""Share of each class's rows a column must have a value in before its
values are said to tell the classes apart (fewer: most rows are not told)."""

_LEAK_MIN_CATEGORY_ROWS = 5
"""Rows each value of a category column needs before the column is
suspected (a rare name or code is in one class by chance)."""


def _numbers_tell_the_class(rows, low, high, counts):
    """How a number column tells the classes apart (a phrase) or None, from
    its rows with a value, smallest and largest value per class (and each
    class's row count)."""
    if len(rows) == 2 and sorted(rows / counts) == [0.0, 1.0]:
        return _MISSING_TELLS
    if np.any(rows < _LEAK_MIN_COVERAGE * counts) or rows.min() < _LEAK_MIN_ROWS:
        return None
    order = np.argsort(low, kind="stable")
    low, high = low[order], high[order]
    if np.all(high[:-1] < low[1:]):
        return "its values of different classes do not overlap"
    return None


def _categories_tell_the_class(column, y):
    """How a category column tells the classes apart, or None."""
    missing = column.isna().to_numpy()
    counts = np.bincount(y)
    rows = np.bincount(y[~missing], minlength=len(counts))[counts > 0]
    counts = counts[counts > 0]
    if len(rows) == 2 and sorted(rows / counts) == [0.0, 1.0]:
        return _MISSING_TELLS
    if np.any(rows < _LEAK_MIN_COVERAGE * counts) or rows.min() < _LEAK_MIN_ROWS:
        return None
    try:
        if column.nunique(dropna=True) > _LEAK_MAX_CATEGORIES:
            return None
        pairs = pd.DataFrame({"value": column[~missing].astype(str).to_numpy(),
                              "label": y[~missing]})
        per_value = pairs.groupby("value")["label"].agg(["nunique", "size"])
    except TypeError:  # cells pandas cannot hash (lists): no verdict
        return None
    if (per_value["size"] >= _LEAK_MIN_CATEGORY_ROWS).all() and (per_value["nunique"] == 1).all():
        return "each value in one class only"
    return None


def warn_empty_columns(frame):
    """Warn about columns missing in every row (a failed join or a field
    never filled in): they tell the model nothing, and imbtune would fill
    them in without a word where a model needs numbers."""
    if not len(frame):
        return
    empty = [name for name, missing in frame.isna().all(axis=0).items() if missing]
    if not empty:
        return
    shown = ", ".join(repr(name) for name in empty[:10])
    if len(empty) > 10:
        shown += f" and {len(empty) - 10} more"
    many = len(empty) > 1
    warnings.warn(
        f"{len(empty)} column{'s' if many else ''} of X {'are' if many else 'is'} "
        f"missing in every one of its {len(frame)} rows: {shown}. "
        f"{'They tell' if many else 'It tells'} the model nothing. If "
        f"{'they' if many else 'it'} should hold values, check how X was loaded "
        "or joined; otherwise drop such columns (X.dropna(axis=1, how='all') "
        "for a DataFrame).",
        UserWarning,
        stacklevel=user_stacklevel(),
    )


def warn_mostly_numbers(frame):
    """Warn about text columns that are numbers but for a few stray values
    ("unknown", "n/a", "<5"): they are read as categories, whose codes have
    no order, and a model learns little from an amount or a lab value so
    read. Columns of pandas' category dtype are the user's choice: left alone."""
    for name, column in frame.items():
        if isinstance(column.dtype, pd.CategoricalDtype) or not _is_categorical_series(column):
            continue
        counts = column.value_counts(dropna=True)
        if len(counts) <= 20:  # a few codes and "unknown": a category column
            continue
        # Text, told from the most frequent values before all are parsed.
        if pd.to_numeric(pd.Series(counts.index[:200].astype(str)),
                         errors="coerce").isna().sum() > 5:
            continue
        numeric = pd.to_numeric(pd.Series(counts.index.astype(str)), errors="coerce")
        stray = counts[numeric.isna().to_numpy()]
        n_stray, n_rows = int(stray.sum()), int(counts.sum())
        if 0 < len(stray) <= 5 and n_stray <= 0.1 * n_rows:
            shown = ", ".join(repr(v) for v in stray.index[:5])
            warnings.warn(
                f"Column {name!r} of X holds numbers in all but {n_stray} of its "
                f"{n_rows} rows ({shown}), so it is read as a category column of "
                f"{len(counts)} values, without their order. If it is a number, "
                f"pass pd.to_numeric(X[{name!r}], errors='coerce') (those values "
                "become missing, which imbtune handles); if it is a code (a ZIP "
                f"or diagnosis code), X[{name!r}].astype('category') says so and "
                "silences this.",
                UserWarning,
                stacklevel=user_stacklevel(),
            )


def overflow_error(what, X, kind, name):
    """The error for ``what`` (a scaler, an SVM) overflowing on ``X``: values
    whose squares do not fit in float64, and what to do about it."""
    largest = float(np.nanmax(np.abs(np.asarray(X, dtype=float))))
    return ValueError(
        f"{what} overflowed: it holds values as large as {largest:.3g}, whose "
        "squares do not fit in float64. Divide those columns by a constant (their "
        f"maximum, say) before fitting, or use another {kind} than {name!r}."
    )


def label_repr(label):
    """A class label as a user wrote it (``1``, not ``np.int64(1)``)."""
    return repr(label.item() if isinstance(label, np.generic) else label)


def _object_numbers(y):
    """An object array of labels that are all numbers or all bools (the last
    column of ``frame.to_numpy()``, say) as numbers or bools, which
    scikit-learn takes (it reads any object array that holds no text as of
    unknown type); other object arrays unchanged."""
    kinds = {type(v) for v in y}
    flags = {k for k in kinds if issubclass(k, bool | np.bool_)}
    if flags and flags != kinds:
        raise ValueError(
            "y mixes True/False with numbers, which would be read as 1/0 and "
            "merged with them. Make them one type, for example y.astype(int) or "
            "y.astype(str)."
        )
    if flags:
        return y.astype(bool)
    if kinds and all(_is_plain_number(k) for k in kinds):
        values = np.asarray(y.tolist())  # Python and numpy ints stay ints
        return values if values.dtype.kind in "iuf" else y.astype(float)  # Decimal
    return y


def check_target(y, *, estimator_name: str):
    """Validate a classification target.

    Returns
    -------
    y_encoded : ndarray of int
        Labels as ``0..n_classes-1``.
    classes : ndarray
        The original labels, sorted.
    """
    if y is None:
        raise ValueError(
            f"{estimator_name} requires y to be passed, but the target y is None."
        )
    numpy_dtype = getattr(getattr(y, "dtype", None), "numpy_dtype", None)
    if numpy_dtype is not None and not pd.isna(y).any():
        # pandas' nullable Int64 / boolean labels without a missing one: keep
        # them ints and bools (scikit-learn would make them floats)
        y = np.asarray(y, dtype=numpy_dtype)
    shape = np.asarray(y).shape
    if len(shape) == 2 and shape[1] > 1:
        raise ValueError(
            f"Multilabel and multioutput targets are not supported (y has shape "
            f"{shape}); {estimator_name} predicts one label per row."
        )
    y = column_or_1d(y, warn=True, dtype=None)
    if y.shape[0] == 0:
        raise ValueError(f"{estimator_name} got an empty target y.")
    missing = pd.isna(y)
    if missing.any():
        raise ValueError(
            f"Input y contains NaN ({int(missing.sum())} missing labels). "
            "Drop the rows without a label before fitting."
        )
    if y.dtype.kind == "f" and np.isinf(y).any():
        raise ValueError(
            "Input y contains infinity or a value too large for dtype('float64')."
        )
    if y.dtype == object:
        texts = [isinstance(v, str) for v in y]
        if any(texts) and not all(texts):  # 1 and "no" cannot be put in order
            types = sorted({type(v).__name__ for v in y})
            raise ValueError(
                f"y mixes labels of different types ({', '.join(types)}), which "
                "cannot be ordered into classes. Make them one type, for example "
                "y.astype(str)."
            )
        if not any(texts):
            y = _object_numbers(y)
    kind = type_of_target(y, input_name="y")
    if kind in ("multilabel-indicator", "multiclass-multioutput", "continuous-multioutput"):
        raise ValueError(
            f"Multilabel and multioutput targets are not supported (y is {kind}); "
            f"{estimator_name} predicts one label per row."
        )
    check_classification_targets(y)
    classes, y_encoded = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(
            f"y has only 1 class ({label_repr(classes[0])}); {estimator_name} needs at least "
            "2 classes to learn to tell them apart. Check the target column or "
            "the filter that produced this data."
        )
    return y_encoded.astype(np.intp), classes


def check_class_counts(y_encoded, classes, n_splits: int):
    """Refuse a target whose smallest class has fewer rows than folds."""
    counts = np.bincount(y_encoded, minlength=len(classes))
    smallest = int(np.argmin(counts))
    if counts[smallest] < n_splits:
        label = label_repr(classes[smallest])
        if counts[smallest] >= 2:
            advice = (f"Use cv={int(counts[smallest])} or fewer folds, or gather more "
                      f"rows of class {label}.")
        else:  # no number of folds can split a single row
            advice = (f"A class of one row cannot be cross-validated: drop its row, "
                      f"merge class {label} into a related class, or gather more rows "
                      "of it.")
        raise InsufficientMinorityError(
            f"Class {label} has {counts[smallest]} row(s) but cross-validation "
            f"asks for {n_splits} folds, so some validation fold would hold none "
            f"of it. {advice}"
        )
    return counts


def check_groups(groups, n_rows: int):
    """Validate the group labels of ``fit(X, y, groups=...)``.

    Returns one integer code per row: groups are only ever compared for
    equality, so labels of any type (ids, strings, mixed) are accepted.
    """
    array = np.asarray(groups, dtype=object) if not hasattr(groups, "shape") else groups
    if np.ndim(array) != 1:
        raise ValueError(
            f"groups must hold one group label per row (1-D); got shape {np.shape(array)}."
        )
    if len(array) != n_rows:
        raise ValueError(
            f"groups has {len(array)} entries but X has {n_rows} rows; pass one "
            "group label per row of X."
        )
    missing = int(pd.isna(pd.Series(array)).sum())
    if missing:
        raise ValueError(
            f"groups contains {missing} missing value(s). Give every row a group "
            "(a row that belongs to no larger unit can be its own group)."
        )
    codes, _ = pd.factorize(pd.Series(array))
    return codes


def check_group_counts(y_encoded, classes, groups, n_splits: int):
    """Refuse grouped folds that cannot give every validation fold every class:
    a group is never split, so a class needs rows in at least ``n_splits``
    groups."""
    for k in range(len(classes)):
        n_groups = len(np.unique(groups[y_encoded == k]))
        if n_groups >= n_splits:
            continue
        label = label_repr(classes[k])
        fix = (
            f"Use cv={n_groups} or fewer folds, or gather rows of class {label} "
            "from more groups."
            if n_groups >= 2
            else f"Gather rows of class {label} from at least 2 groups."
        )
        raise InsufficientMinorityError(
            f"Class {label} has rows in {n_groups} group(s) only, but cross-validation "
            f"asks for {n_splits} folds and never splits a group, so some validation "
            f"fold would hold none of it. {fix}"
        )


def check_grouped_folds(folds, y_encoded, classes, groups):
    """Every split keeps each group on one side and every class in its
    validation part."""
    for k, (train, valid) in enumerate(folds):
        shared = np.intersect1d(groups[train], groups[valid])
        if len(shared):
            raise ValueError(
                f"Split {k} of cv puts rows of {len(shared)} group(s) in both its "
                "training and its validation part, so models would be scored on "
                "groups they were fitted on. Use a group-aware splitter such as "
                "StratifiedGroupKFold, or an int cv (which becomes "
                "StratifiedGroupKFold when groups are given)."
            )
        missing = np.setdiff1d(np.arange(len(classes)), np.unique(y_encoded[valid]))
        if len(missing):
            label = label_repr(classes[missing[0]])
            n_groups = len(np.unique(groups[y_encoded == missing[0]]))
            raise InsufficientMinorityError(
                f"The validation part of split {k} of cv holds no row of class "
                f"{label}: its rows lie in {n_groups} group(s), which the splitter "
                "could not spread over every fold. Use fewer folds, or gather rows "
                f"of class {label} from more groups."
            )


def resolve_pos_label(pos_label, classes, counts):
    """Index of the positive class of a binary problem (default: the minority).

    A multiclass problem has none: a ``pos_label`` that is one of its classes
    is ignored with a warning, as scikit-learn's metrics do; one that is not
    is an error, as for a binary problem."""
    if len(classes) != 2 and pos_label is None:
        return None
    if pos_label is not None and not (
        isinstance(pos_label, str | bytes | numbers.Number) or np.isscalar(pos_label)
    ):
        raise ValueError(
            f"pos_label must be one class label (such as 1 or 'fraud'), not "
            f"{type(pos_label).__name__}; got {pos_label!r}."
        )
    if pos_label is None:
        # Minority class; on a tie, the greater label as in scikit-learn.
        return 0 if counts[0] < counts[1] else 1
    matches = np.flatnonzero(classes == pos_label)
    if len(matches) == 0:
        raise ValueError(
            f"pos_label={pos_label!r} is not a class of y; the classes are "
            f"{[c.item() if isinstance(c, np.generic) else c for c in classes]}."
        )
    if len(classes) != 2:
        warnings.warn(
            f"pos_label={pos_label!r} is ignored: y has {len(classes)} classes, and "
            "a positive class only applies to a binary problem (multiclass scores "
            "average over the classes). Leave pos_label=None.",
            UserWarning,
            stacklevel=3,
        )
        return None
    return int(matches[0])


def check_positive_int(value, name, minimum=1):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an integer; got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}.")
    return int(value)


def check_no_fit_params(fit_params, *, estimator_name: str):
    """Refuse keyword arguments to ``fit`` beyond ``groups``, saying why.

    ``sample_weight`` gets its own message: the classes are weighed by the
    searched ``cost_weight``, which a row weight would fight with.
    """
    if not fit_params:
        return
    if "sample_weight" in fit_params:
        raise TypeError(
            f"{estimator_name}.fit takes no sample_weight: imbtune weighs the "
            "classes itself, through cost_weight (searched from none to fully "
            "balanced by ImbalancedSearchCV, or cost_weighting=False to keep "
            "classes unweighted; set by hand in ImbalancedPipeline). Drop "
            "sample_weight; per-row weights are not supported."
        )
    names = ", ".join(repr(name) for name in sorted(fit_params))
    raise TypeError(
        f"{estimator_name}.fit got unexpected keyword argument(s) {names}; it "
        "takes X, y and groups."
    )
