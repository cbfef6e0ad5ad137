"""Encoding of mixed tables into the float matrix that resamplers and models share."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data

from ._validation import as_frame

__all__ = ["TabularEncoder"]


def _category_keys(values):
    """The strings categories are matched by: a number is written the same
    whatever its type (1, 1.0 and numpy's int64(1) are all "1"; 2.5 is
    "2.5"), anything else as ``str``. So a category column of numbers
    still matches when it comes back as an int or float column (read from a
    CSV, or given as an array). Missing values must be removed first."""
    values = pd.Series(values)
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        if (codes >= 0).all():  # each category keyed once (-1, missing, would wrap)
            return _category_keys(values.cat.categories.to_series())[codes]
    if values.dtype.kind in "iu":
        return values.astype(str).to_numpy(dtype=object)
    if values.dtype.kind == "f":
        numbers = values.to_numpy(dtype=float)
        return np.array([_number_key(v) for v in numbers], dtype=object)
    objects = values.to_numpy(dtype=object)
    if set(map(type, objects)) == {str}:
        return objects  # plain text only: each value is its own key
    return np.array([_value_key(v) for v in objects], dtype=object)


def _codes(keys, categories):
    """The position of each key among ``categories``; -1 where it is not one
    (an unseen category, or None). Not ``pd.Categorical(keys, categories)``,
    which pandas 3 deprecates for values outside the categories.

    A key that matches no category but is a number written another way
    ("1.0" or "01" for 1, "2.50" for 2.5, as text read from a CSV writes
    them) takes the category of that number, written either way."""
    codes = pd.Index(categories, dtype=object).get_indexer(keys)
    unmatched = np.flatnonzero(codes < 0)
    if len(unmatched):
        by_number = {}
        for position, category in enumerate(categories):
            number = _text_number(category)
            if number is not None:
                by_number.setdefault(number, position)
        if by_number:
            # each distinct unmatched key parsed once (None: missing)
            found, distinct = pd.factorize(pd.Series(np.asarray(keys, dtype=object)[unmatched]))
            positions = np.array(
                [by_number.get(_text_number(key), -1) for key in distinct] + [-1]
            )
            codes[unmatched] = positions[found]  # found -1 (None) takes the last
    return codes


def _text_number(key):
    """The key of the number a category key writes (``"1.0"`` -> ``"1"``),
    or None where it writes none (or not a finite one)."""
    if not isinstance(key, str):
        return None
    try:
        value = float(key)
    except ValueError:
        return None
    # Past 2**53 a float no longer tells integers apart (identifiers, say):
    # such text matches only as written.
    return _number_key(value) if np.isfinite(value) and abs(value) < 2**53 else None


def _value_key(value):
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))  # exact, however large (an ID, say)
    if isinstance(value, (float, np.floating)):
        return _number_key(value)
    return str(value)


def _number_key(value):
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return repr(value)


class TabularEncoder(TransformerMixin, BaseEstimator):
    """Encode a mixed table as floats: numbers stay numbers, categories become codes.

    Numeric and boolean columns are kept as floats. Categorical columns
    (pandas ``category``, ``object`` or string dtype) become integer codes
    ``0..n_categories-1`` in the order of the categories seen in ``fit``; a
    missing value gets its own code ``n_categories``, and a category never seen
    in ``fit`` becomes NaN (the models imbtune uses read NaN as "missing";
    :class:`ImbalancedPipeline` says so with a ``FallbackWarning``).
    Categories that are numbers match by value, so a category column of 1, 2,
    3 is read the same when it comes back as int, float or text. Text in a
    column that was numeric in ``fit`` is an error, not NaN.

    With ``impute=True`` missing numeric values are replaced by the training
    median and, for each numeric column that had missing values in ``fit``, a
    0/1 indicator column is appended, so nothing that missingness says is
    lost. Nearest-neighbour resamplers and models that cannot read NaN need
    this; tree boosters do not.

    Parameters
    ----------
    impute : bool, default=False
        Impute missing numeric values (median) and add missing indicators.
    categorical : list of column names, default=None
        Columns read as categorical whatever their values; ``None`` reads a
        column as categorical by its dtype and values, as above. imbtune's
        searches give the encoder of each training fold the categorical
        columns of the whole table: an object column of amounts with a few
        "unknown" values may hold numbers only in some folds' rows.

    Attributes
    ----------
    categorical_columns_ : list
        Input columns treated as categorical.
    categories_ : dict
        For each categorical column, the array of its categories (codes are
        positions in it).
    medians_ : dict
        Median of each numeric column (only with ``impute=True``).
    indicator_columns_ : list
        Numeric columns that got a missing indicator.
    categorical_mask_ : ndarray of bool
        For each output column, whether it holds category codes.
    n_features_in_ : int
        Number of input columns.
    feature_names_in_ : ndarray of str
        Input column names, when the input was a DataFrame with string names.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from imbtune.preprocessing import TabularEncoder
    >>> X = pd.DataFrame({"age": [30.0, np.nan, 50.0], "city": ["b", "a", None]})
    >>> enc = TabularEncoder(impute=True).fit(X)
    >>> enc.transform(X)
    array([[30.,  1.,  0.],
           [40.,  0.,  1.],
           [50.,  2.,  0.]])
    >>> list(enc.get_feature_names_out())
    ['age', 'city', 'missingindicator_age']
    """

    def __init__(self, *, impute=False, categorical=None):
        self.impute = impute
        self.categorical = categorical

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags

    def fit(self, X, y=None):
        """Learn the categories, medians and indicator columns.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The table.
        y : None
            Ignored.

        Returns
        -------
        self : TabularEncoder
        """
        frame = as_frame(X, estimator_name=type(self).__name__)
        validate_data(self, X, skip_check_array=True, reset=True)
        self.n_features_in_ = frame.shape[1]
        self._columns = list(frame.columns)
        self.categorical_columns_ = []
        self.categories_ = {}
        self.medians_ = {}
        self.indicator_columns_ = []
        self._unused_positions = {}
        if isinstance(self.categorical, str) or not (
            self.categorical is None or hasattr(self.categorical, "__iter__")
        ):
            raise TypeError(
                f"categorical must be a list of column names, not {self.categorical!r}; "
                f"for one column, pass [{self.categorical!r}]."
            )
        forced = set() if self.categorical is None else set(self.categorical)
        unknown = [name for name in forced if name not in set(self._columns)]
        if unknown:
            raise ValueError(
                f"categorical names columns that X does not have: {unknown!r}; "
                f"X has {self._columns[:10]!r}{'...' if len(self._columns) > 10 else ''}."
            )
        # The numeric columns as one block: medians and missingness at once.
        numeric = np.flatnonzero([
            dtype.kind == "f" and name not in forced
            for name, dtype in zip(self._columns, frame.dtypes, strict=True)
        ])
        medians = has_nan = None
        if self.impute and len(numeric):
            block = frame.iloc[:, numeric].to_numpy(dtype=float)
            has_nan = np.isnan(block).any(axis=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column
                medians = np.nanmedian(block, axis=0)
            medians = np.where(np.isnan(medians), 0.0, medians)
        position = {j: k for k, j in enumerate(numeric)}
        for j, name in enumerate(self._columns):
            if j in position:
                if self.impute:
                    self.medians_[name] = float(medians[position[j]])
                    if has_nan[position[j]]:
                        self.indicator_columns_.append(name)
                continue
            column = frame.iloc[:, j]
            self.categorical_columns_.append(name)
            if isinstance(column.dtype, pd.CategoricalDtype):
                # The column's own order of categories is kept (it may mean
                # something: "low" < "mid" < "high").
                categories = pd.unique(_category_keys(column.cat.categories))
                # Declared but in no row: as unseen to the models as any
                # other value, and warned about as one (see _unseen).
                used = set(_category_keys(column.dropna()))
                unused = [k for k, key in enumerate(categories) if key not in used]
                if unused:
                    self._unused_positions[name] = np.array(unused)
            else:
                categories = np.unique(_category_keys(column.dropna()))
            self.categories_[name] = categories
        self.categorical_mask_ = np.array(
            [name in self.categories_ for name in self._columns]
            + [False] * len(self.indicator_columns_)
        )
        return self

    def transform(self, X):
        """Encode a table with what ``fit`` learned.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            A table with the columns seen in ``fit``.

        Returns
        -------
        X_encoded : ndarray of shape (n_samples, n_features_out)
            Floats; see :meth:`get_feature_names_out` for the columns.
        """
        check_is_fitted(self)
        frame = as_frame(X, estimator_name=type(self).__name__)
        validate_data(self, X, skip_check_array=True, reset=False)
        n_out = len(self._columns) + len(self.indicator_columns_)
        out = np.empty((frame.shape[0], n_out), dtype=float)
        # Numeric columns that arrive as floats are taken as one block; any
        # other column (a category, or text where fit had numbers) one by one.
        numeric = [j for j, name in enumerate(self._columns) if name not in self.categories_]
        dtypes = frame.dtypes.to_numpy()
        block = [j for j in numeric if dtypes[j] == np.float64]
        if block:
            values = frame.iloc[:, block].to_numpy(dtype=float)
            if self.impute:
                medians = np.array([self.medians_[self._columns[j]] for j in block])
                values = np.where(np.isnan(values), medians, values)
            out[:, block] = values
        in_block = set(block)
        for j, name in enumerate(self._columns):
            if j in in_block:
                continue
            column = frame.iloc[:, j]
            if name in self.categories_:
                categories = self.categories_[name]
                missing = column.isna().to_numpy()
                keys = np.full(len(column), None, dtype=object)
                keys[~missing] = _category_keys(column[~missing])
                codes = _codes(keys, categories).astype(float)
                codes[codes < 0] = np.nan  # unseen category
                codes[missing] = len(categories)
                out[:, j] = codes
            else:
                values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
                bad = np.isnan(values) & column.notna().to_numpy()
                if bad.any():
                    examples = pd.unique(column[bad])[:3].tolist()
                    raise ValueError(
                        f"Column {name!r} was numeric in fit but now holds values "
                        f"that are not numbers, such as {examples}. Convert them "
                        "to numbers (or NaN for missing) before predicting."
                    )
                if self.impute:
                    values = np.where(np.isnan(values), self.medians_[name], values)
                out[:, j] = values
        if self.indicator_columns_:
            where = {name: j for j, name in enumerate(self._columns)}
            indicators = [where[name] for name in self.indicator_columns_]
            out[:, len(self._columns):] = frame.iloc[:, indicators].isna().to_numpy()
        return out

    def _unseen(self, frame):
        """The categories in ``frame`` (a DataFrame with the columns of fit,
        in their order) that fit saw in no row (a category the dtype
        declared but no row held included): column name -> (number of rows,
        the distinct values, as the text they are matched by), for the
        columns that have any."""
        found = {}
        for j, name in enumerate(self._columns):
            if name not in self.categories_:
                continue
            column = frame.iloc[:, j]
            present = column[column.notna().to_numpy()]
            if present.empty:
                continue
            keys = _category_keys(present)
            codes = _codes(keys, self.categories_[name])
            unseen = codes < 0
            unused = getattr(self, "_unused_positions", {}).get(name)
            if unused is not None:
                unseen |= np.isin(codes, unused)
            unseen = keys[unseen]  # text, whatever the values were
            if len(unseen):
                found[name] = (len(unseen), pd.unique(unseen).tolist())
        return found

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Names of the input columns: ``feature_names_in_`` (which they must
            equal if fit saw a DataFrame), else these names, else ``x0, x1,
            ...``, as scikit-learn's transformers read them.

        Returns
        -------
        names : ndarray of str
            Input names, then ``missingindicator_<column>`` for each indicator.
        """
        check_is_fitted(self)
        names_in = [str(c) for c in _check_feature_names_in(self, input_features)]
        by_column = dict(zip(self._columns, names_in, strict=True))
        names = names_in + [f"missingindicator_{by_column[c]}" for c in self.indicator_columns_]
        return np.asarray(names, dtype=object)


# A one-hot view is sparse when its one-hot part holds more than this many
# values (rows x one-hot columns; 2**26 float64 values are 512 MiB, and a
# trial holds a few such views) and the view is mostly zeros. Dense, a column
# of thousands of categories (a merchant, a postcode) on a large table would
# not fit in memory; otherwise the view is dense, as it always was (the
# search's results on such tables are unchanged).
DENSE_ONE_HOT_LIMIT = 2**26
_SPARSE_DENSITY = 0.3  # at most this share of nonzeros for a sparse view


class _OneHotColumns(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Category code columns one-hot encoded, the other columns scaled or kept.

    The view that models and resamplers which cannot read category codes
    (logistic regression, nearest neighbours) are given. It is a dense array,
    or with ``sparse_ok`` a CSR matrix where its one-hot part would hold more
    than ``DENSE_ONE_HOT_LIMIT`` values and the view is mostly zeros, so that
    a column of many categories on a large table does not exhaust memory.
    Always a NumPy array or CSR matrix, whatever scikit-learn's
    ``transform_output``.

    Parameters
    ----------
    categorical_mask : array-like of bool
        Which input columns hold category codes (see :class:`TabularEncoder`).
    scaler : transformer or None, default=None
        Applied to the other columns; ``None`` passes them through.
    sparse_ok : bool, default=True
        Whether what receives the view accepts a sparse matrix.

    Attributes
    ----------
    columns_ : ColumnTransformer
        The fitted encoder and scaler.
    sparse_ : bool
        Whether the view is sparse.

    Examples
    --------
    >>> import numpy as np
    >>> from imbtune.preprocessing import _OneHotColumns
    >>> X = np.array([[0.0, 1.5], [1.0, 2.5], [2.0, 0.5]])
    >>> _OneHotColumns([True, False]).fit_transform(X)
    array([[1. , 0. , 0. , 1.5],
           [0. , 1. , 0. , 2.5],
           [0. , 0. , 1. , 0.5]])
    """

    def __init__(self, categorical_mask, scaler=None, sparse_ok=True):
        self.categorical_mask = categorical_mask
        self.scaler = scaler
        self.sparse_ok = sparse_ok

    def fit(self, X, y=None):
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        from scipy import sparse
        from sklearn.base import clone
        from sklearn.compose import ColumnTransformer
        from sklearn.preprocessing import OneHotEncoder

        X = np.asarray(X)
        mask = np.asarray(self.categorical_mask, dtype=bool)
        cat, num = np.flatnonzero(mask), np.flatnonzero(~mask)
        # Distinct values per column (NaN, an unseen category, counted once).
        n_one_hot = sum(len(np.unique(X[:, j])) for j in cat)
        density = (len(cat) + len(num)) / max(1, n_one_hot + len(num))
        sparse_out = (
            bool(self.sparse_ok)
            and X.shape[0] * n_one_hot > DENSE_ONE_HOT_LIMIT
            and density <= _SPARSE_DENSITY
        )
        scaler = "passthrough" if self.scaler is None else clone(self.scaler)
        self.columns_ = ColumnTransformer(
            [
                ("categorical",
                 OneHotEncoder(handle_unknown="ignore", sparse_output=sparse_out), cat),
                ("numeric", scaler, num),
            ],
            sparse_threshold=1.0 if sparse_out else 0.0,
        ).set_output(transform="default")
        out = self.columns_.fit_transform(X)
        self.sparse_ = sparse.issparse(out)
        return out.tocsr() if self.sparse_ else out

    def transform(self, X):
        check_is_fitted(self)
        out = self.columns_.transform(np.asarray(X))
        return out.tocsr() if self.sparse_ else out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self)
        return self.columns_.get_feature_names_out(input_features)
