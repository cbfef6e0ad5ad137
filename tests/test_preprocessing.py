"""imbtune.preprocessing.TabularEncoder on mixed tables."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imbtune.preprocessing import TabularEncoder, _category_keys, _value_key


def _table():
    return pd.DataFrame(
        {
            "age": [30.0, np.nan, 50.0, 40.0],
            "city": ["b", "a", None, "b"],
            "smoker": [True, False, True, False],
            "grade": pd.Categorical(["x", "y", "x", "z"], categories=["x", "y", "z"]),
        }
    )


def test_codes_missing_category_and_passthrough():
    X = _table()
    out = TabularEncoder().fit(X).transform(X)
    # numbers stay numbers (NaN kept), booleans become 0/1
    np.testing.assert_array_equal(out[:, 0], [30.0, np.nan, 50.0, 40.0])
    np.testing.assert_array_equal(out[:, 2], [1.0, 0.0, 1.0, 0.0])
    # categories -> codes in sorted order, missing -> its own code
    np.testing.assert_array_equal(out[:, 1], [1.0, 0.0, 2.0, 1.0])
    np.testing.assert_array_equal(out[:, 3], [0.0, 1.0, 0.0, 2.0])


def test_unseen_category_becomes_nan():
    enc = TabularEncoder().fit(_table())
    new = _table().assign(city=["c", "a", "b", None])
    out = enc.transform(new)
    assert np.isnan(out[0, 1])
    np.testing.assert_array_equal(out[1:, 1], [0.0, 1.0, 2.0])


def test_impute_adds_indicators_and_uses_training_medians():
    X = _table()
    enc = TabularEncoder(impute=True).fit(X)
    out = enc.transform(X)
    assert not np.isnan(out).any()
    assert out[1, 0] == pytest.approx(40.0)  # median of 30, 40, 50
    assert list(enc.get_feature_names_out()) == [
        "age", "city", "smoker", "grade", "missingindicator_age",
    ]
    np.testing.assert_array_equal(out[:, 4], [0, 1, 0, 0])
    np.testing.assert_array_equal(enc.categorical_mask_, [False, True, False, True, False])
    test = pd.DataFrame({"age": [np.nan], "city": ["a"], "smoker": [True], "grade": ["y"]})
    assert enc.transform(test)[0, 0] == pytest.approx(40.0)


def test_pandas_output_and_numpy_object_input():
    enc = TabularEncoder(impute=True).set_output(transform="pandas")
    frame = enc.fit_transform(_table())
    assert list(frame.columns) == list(enc.get_feature_names_out())
    obj = np.array([[1, "a"], [2, "b"], ["3", "a"]], dtype=object)
    out = TabularEncoder().fit(obj).transform(obj)
    np.testing.assert_array_equal(out, [[1, 0], [2, 1], [3, 0]])


def test_bad_tables_get_clear_errors():
    with pytest.raises(ValueError, match="infinity in column 'a'"):
        TabularEncoder().fit(pd.DataFrame({"a": [1.0, np.inf]}))
    with pytest.raises(TypeError, match="datetime64|dtype"):
        TabularEncoder().fit(pd.DataFrame({"t": pd.to_datetime(["2020-01-01", "2021-01-01"])}))
    import scipy.sparse as sp

    with pytest.raises(TypeError, match="sparse"):
        TabularEncoder().fit(sp.csr_matrix(np.eye(3)))
    enc = TabularEncoder().fit(_table())
    with pytest.raises(ValueError, match="Feature names"):
        enc.transform(_table().rename(columns={"age": "AGE"}))


@pytest.mark.parametrize(
    "again",
    [
        lambda c: c.astype(int),  # read back from a CSV
        lambda c: c.astype(float),
        lambda c: c.astype(object),
        lambda c: c.astype(str),
        # numbers as text written another way: "1.0" (a float column saved
        # as text), "01" (zero-padded codes)
        lambda c: c.astype(float).astype(str),
        lambda c: c.astype(int).map("{:02d}".format),
    ],
    ids=["int", "float", "object", "str", "float-str", "zero-padded"],
)
def test_numeric_categories_match_whatever_their_type(again):
    X = pd.DataFrame({"code": pd.Categorical([1, 2, 3, 2]), "x": [0.5, 1.0, 2.0, 3.0]})
    encoder = TabularEncoder().fit(X)
    expected = encoder.transform(X)
    assert list(encoder.categories_["code"]) == ["1", "2", "3"]
    np.testing.assert_array_equal(
        encoder.transform(X.assign(code=again(X["code"]))), expected
    )


def test_float_categories_keep_their_fraction_and_category_order():
    X = pd.DataFrame({"c": pd.Categorical([2.5, 1.0, 3.0], categories=[3.0, 1.0, 2.5])})
    encoder = TabularEncoder().fit(X)
    assert list(encoder.categories_["c"]) == ["3", "1", "2.5"]
    np.testing.assert_array_equal(
        encoder.transform(pd.DataFrame({"c": [1.0, 2.5, 3, 4.0]})).ravel(),
        [1.0, 2.0, 0.0, np.nan],
    )
    # and as text, whichever way the number is written; text that is no
    # category's number stays unseen
    np.testing.assert_array_equal(
        encoder.transform(pd.DataFrame({"c": ["1", "2.50", "3.0", "4", "x"]})).ravel(),
        [1.0, 2.0, 0.0, np.nan, np.nan],
    )
    assert list(encoder._unseen(pd.DataFrame({"c": ["1", "2.50", "4", "x"]}))) == ["c"]
    assert encoder._unseen(pd.DataFrame({"c": ["1", "2.50"]})) == {}
    # identifiers past 2**53 match only as written (a float merges them)
    ids = TabularEncoder().fit(pd.DataFrame({"c": ["12345678901234567", "7"]}))
    assert np.isnan(ids.transform(pd.DataFrame({"c": ["12345678901234568"]}))[0, 0])
    with pytest.raises(TypeError, match=r"categorical must be a list of column names, not "
                                        r"'c'; for one column, pass \['c'\]"):
        TabularEncoder(categorical="c").fit(pd.DataFrame({"c": ["a", "b"]}))
    # text categories that are numbers match numbers written another way too
    text = TabularEncoder().fit(pd.DataFrame({"c": ["1.0", "2.50", "b"]}))
    np.testing.assert_array_equal(
        text.transform(pd.DataFrame({"c": [1, 2.5, "b", "1.0"]})).ravel(), [0.0, 1.0, 2.0, 0.0]
    )


def test_text_in_a_numeric_column_is_an_error_not_nan():
    X = pd.DataFrame({"a": [1.0, 2.0, np.nan], "c": ["u", "v", "u"]})
    encoder = TabularEncoder().fit(X)
    # Missing values stay allowed, numbers given as text are read.
    encoder.transform(X.assign(a=pd.Series(["1", None, "2.5"], dtype=object)))
    with pytest.raises(ValueError, match=r"Column 'a' was numeric in fit.*'n/a'"):
        encoder.transform(X.assign(a=pd.Series(["1", "n/a", None], dtype=object)))


def test_a_declared_category_no_row_held_is_unseen():
    # "phone" is in the dtype but in no training row: the models read it as
    # they read any unseen value, and it was not reported as one.
    channel = pd.Categorical(["web", "shop", "web"], categories=["web", "shop", "phone"])
    encoder = TabularEncoder().fit(pd.DataFrame({"c": channel}))
    assert list(encoder.categories_["c"]) == ["web", "shop", "phone"]  # codes as before
    new = pd.DataFrame({"c": pd.Categorical(["phone", "web", "fax"])})
    assert encoder._unseen(new) == {"c": (2, ["phone", "fax"])}
    assert encoder._unseen(pd.DataFrame({"c": ["web", "shop"]})) == {}


def test_large_integer_categories_stay_distinct():
    ids = pd.Series([12345678901234567, 12345678901234568, 12345678901234567], dtype=object)
    encoder = TabularEncoder().fit(pd.DataFrame({"card": ids}))
    assert len(encoder.categories_["card"]) == 2
    np.testing.assert_array_equal(
        encoder.transform(pd.DataFrame({"card": ids})).ravel(), [0.0, 1.0, 0.0]
    )


def test_a_wide_table_encodes_as_one_column_at_a_time_would():
    # Float columns are handled as one block; the result is the same as
    # encoding each column on its own, and the input is left as it was.
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(40, 30)), columns=[f"c{i}" for i in range(30)])
    X.iloc[::5, ::4] = np.nan
    X.iloc[:, 7] = np.nan  # all missing
    X.insert(3, "kind", pd.Categorical(rng.choice(list("ab"), 40)))
    X.insert(9, "flag", rng.rand(40) > 0.5)
    before = X.copy()
    encoder = TabularEncoder(impute=True).fit(X)
    out = encoder.transform(X)
    pd.testing.assert_frame_equal(X, before)
    for j, name in enumerate(X.columns):
        alone = TabularEncoder(impute=True).fit(X[[name]])
        np.testing.assert_array_equal(alone.transform(X[[name]])[:, 0], out[:, j])
        if name in alone.indicator_columns_:
            k = len(X.columns) + encoder.indicator_columns_.index(name)
            np.testing.assert_array_equal(alone.transform(X[[name]])[:, 1], out[:, k])


@settings(max_examples=200, deadline=None)
@given(
    values=st.one_of(
        st.lists(st.text(max_size=3), min_size=1, max_size=8),
        st.lists(st.integers(-(2**70), 2**70), min_size=1, max_size=8),
        st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=8),
        st.lists(st.one_of(st.text(max_size=2), st.integers(-5, 5), st.booleans(),
                           st.floats(-3, 3)), min_size=1, max_size=8),
    ),
    dtype=st.sampled_from([None, object, "category", "string"]),
)
def test_category_keys_are_each_values_own_key_whatever_the_dtype(values, dtype):
    # The fast paths (text only, a pandas category column) give each value
    # the key it gets on its own: categories match however a column is held.
    try:
        column = pd.Series(values, dtype=dtype)
    except (TypeError, ValueError, OverflowError):
        return  # a dtype pandas does not hold these values in
    if column.isna().any():
        return  # keys are for present values
    assert list(_category_keys(column)) == [_value_key(v) for v in column]


def _codes_table(n=400, n_categories=50, seed=0):
    rng = np.random.RandomState(seed)
    X = np.column_stack([rng.normal(size=n), rng.randint(0, n_categories, n).astype(float),
                         rng.normal(size=n), rng.randint(0, 3, n).astype(float)])
    X[::17, 1] = np.nan  # an unseen category, as TabularEncoder writes it
    return X, np.array([False, True, False, True])


def test_one_hot_columns_are_dense_below_the_limit_and_sparse_above(monkeypatch):
    import scipy.sparse as sp
    from sklearn.preprocessing import StandardScaler

    import imbtune.preprocessing as preprocessing
    from imbtune.preprocessing import _OneHotColumns

    X, mask = _codes_table()
    dense = _OneHotColumns(mask, scaler=StandardScaler())
    out = dense.fit_transform(X)
    assert isinstance(out, np.ndarray) and not dense.sparse_
    assert out.shape == (400, 2 + len(np.unique(X[:, 1])) + 3)
    # a table past the limit: the same values, as CSR
    monkeypatch.setattr(preprocessing, "DENSE_ONE_HOT_LIMIT", 1000)
    wide = _OneHotColumns(mask, scaler=StandardScaler())
    big = wide.fit_transform(X)
    assert wide.sparse_ and sp.issparse(big) and big.format == "csr"
    np.testing.assert_allclose(big.toarray(), out)
    np.testing.assert_allclose(wide.transform(X[:7]).toarray(), dense.transform(X[:7]))
    assert list(wide.get_feature_names_out()) == list(dense.get_feature_names_out())
    # what cannot take a sparse matrix gets the dense view
    kept = _OneHotColumns(mask, sparse_ok=False)
    assert isinstance(kept.fit_transform(X), np.ndarray) and not kept.sparse_


def test_one_hot_columns_stay_dense_where_sparse_would_not_save_memory(monkeypatch):
    # Sparse pays only for a view of mostly zeros: no category column, or a
    # few categories beside many numbers, stay dense past the limit.
    import imbtune.preprocessing as preprocessing
    from imbtune.preprocessing import _OneHotColumns

    monkeypatch.setattr(preprocessing, "DENSE_ONE_HOT_LIMIT", 10)
    rng = np.random.RandomState(0)
    numbers = rng.normal(size=(300, 6))
    view = _OneHotColumns(np.zeros(6, bool))
    assert isinstance(view.fit_transform(numbers), np.ndarray) and not view.sparse_
    few = np.column_stack([numbers, rng.randint(0, 3, 300)])
    view = _OneHotColumns(np.r_[np.zeros(6, bool), True])
    assert isinstance(view.fit_transform(few), np.ndarray) and not view.sparse_
    assert isinstance(view.transform(few), np.ndarray)


@pytest.mark.parametrize("limit", [None, 10])
def test_one_hot_columns_ignore_a_pandas_transform_output(limit, monkeypatch):
    # sklearn.set_config(transform_output="pandas") is the user's choice for
    # their own transformers; the view stays an array (or CSR matrix).
    import scipy.sparse as sp
    import sklearn
    from sklearn.preprocessing import StandardScaler

    import imbtune.preprocessing as preprocessing
    from imbtune.preprocessing import _OneHotColumns

    if limit is not None:
        monkeypatch.setattr(preprocessing, "DENSE_ONE_HOT_LIMIT", limit)
    X, mask = _codes_table()
    with sklearn.config_context(transform_output="pandas"):
        view = _OneHotColumns(mask, scaler=StandardScaler())
        out = view.fit_transform(X)
        assert (sp.issparse(out) if limit else isinstance(out, np.ndarray))
        assert isinstance(view.transform(pd.DataFrame(X)), type(out))


def test_category_keys_of_text_like_values_are_their_text():
    # A str subclass (an Enum of str, numpy's str_) is keyed by its text, as
    # on its own, whatever else is in its column.
    import enum

    class Color(str, enum.Enum):
        RED = "red"

    for values in ([Color.RED, Color.RED], [Color.RED, 1], [np.str_("a"), "b"]):
        column = pd.Series(values, dtype=object)
        keys = _category_keys(column)
        assert list(keys) == [_value_key(v) for v in column]
        assert all(type(key) is str for key in keys)
    encoder = TabularEncoder().fit(pd.DataFrame({"c": pd.Series([Color.RED, 1], dtype=object)}))
    assert sorted(encoder.categories_["c"]) == sorted([_value_key(Color.RED), "1"])


def test_numbers_and_dates_held_as_objects_are_read_as_scikit_learn_reads_them():
    # Decimal (pandas.read_sql's NUMERIC) and Python ints in an object column
    # are numbers, as check_array reads them and as the same table as an
    # array is read; dates as Python objects are an error, like datetime64.
    import datetime
    from decimal import Decimal

    rng = np.random.RandomState(0)
    amounts = rng.lognormal(size=40).round(2)
    as_objects = pd.DataFrame({
        "amount": pd.Series([Decimal(str(a)) for a in amounts], dtype=object),
        "count": pd.Series([int(v) for v in rng.randint(0, 50, 40)], dtype=object),
        "city": rng.choice(["a", "b"], 40),
    })
    as_objects.loc[3, "amount"] = None
    plain = as_objects.assign(amount=pd.to_numeric(as_objects["amount"]).astype(float),
                              count=as_objects["count"].astype(float))
    encoder = TabularEncoder().fit(as_objects)
    assert list(encoder.categories_) == ["city"]
    np.testing.assert_array_equal(encoder.transform(as_objects),
                                  TabularEncoder().fit(plain).transform(plain))
    # an integer past 2**53 (no float holds it) is an identifier: a category
    ids = pd.DataFrame({"card": pd.Series([2**60 + 1, 2**60, 7], dtype=object)})
    assert list(TabularEncoder().fit(ids).categories_) == ["card"]
    flags = pd.DataFrame({"flag": pd.Series([True, None, False] * 5, dtype=object)})
    assert list(TabularEncoder().fit(flags).categories_) == ["flag"]  # as before
    for dates in ([datetime.date(2020, 1, d) for d in (1, 2)],
                  [pd.Timestamp("2020-01-01"), "2020-01-02"]):
        with pytest.raises(TypeError, match="'when' of X holds dates or times as Python objects"):
            TabularEncoder().fit(pd.DataFrame({"when": pd.Series(dates, dtype=object)}))


@pytest.mark.parametrize("missing", [pd.NA, pd.NaT, None, np.nan])
def test_numbers_held_as_objects_take_any_missing_marker(missing):
    # pd.Series([1, pd.NA]) is an object column, as is to_numpy() of a table
    # with nullable and text columns; astype(float) refused pd.NA and NaT.
    counts = pd.Series([1, missing, 3, 4] * 5, dtype=object)
    frame = pd.DataFrame({"count": counts, "city": ["a", "b"] * 10})
    plain = frame.assign(count=pd.Series([1, np.nan, 3, 4] * 5))
    expected = TabularEncoder().fit(plain).transform(plain)
    encoder = TabularEncoder().fit(frame)
    assert list(encoder.categories_) == ["city"]
    np.testing.assert_array_equal(encoder.transform(frame), expected)
    array = frame.to_numpy()  # an object array holding the marker
    np.testing.assert_array_equal(TabularEncoder().fit(array).transform(array), expected)


def test_a_number_column_with_a_few_stray_values_is_named_at_fit():
    # 3 "unknown" of 400 incomes made the column 280 unordered categories,
    # and its signal was gone (macro-F1 0.77 -> 0.49) without a word at fit.
    from imbtune import ImbalancedPipeline

    rng = np.random.RandomState(0)
    n = 400
    income = pd.Series(rng.normal(50000, 15000, n).round(-2), dtype=object)
    income.iloc[[3, 77, 150]] = "unknown"
    y = (pd.to_numeric(income, errors="coerce").fillna(0) > 65000).astype(int)
    X = pd.DataFrame({"income": income, "code": rng.choice(["1", "2", "3", "n/a"], n),
                      "grade": pd.Categorical(income.astype(str))})
    match = (r"Column 'income' of X holds numbers in all but 3 of its 400 rows "
             r"\('unknown'\).*pd.to_numeric\(X\['income'\], errors='coerce'\).*"
             r"if it is a code .*X\['income'\].astype\('category'\)")
    with pytest.warns(UserWarning, match=match) as record:
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(X, y)
    # A few codes with "n/a", and a column the user made a category, are left alone.
    assert not [w for w in record if "'code'" in str(w.message) or "'grade'" in str(w.message)]
    # That fit failed where a fold's training rows held no "unknown": its
    # encoder read the column as numbers, then met "unknown" in validation.
    # Each fold's encoder now takes the whole table's kinds of column.
    numbers_only = X.drop(index=[3, 77, 150])
    assert "income" not in TabularEncoder().fit(numbers_only).categories_
    encoder = TabularEncoder(categorical=["income", "code"]).fit(numbers_only)
    assert "income" in encoder.categories_
    assert np.isnan(encoder.transform(X.iloc[[3]])[0, 0])  # an unseen category
    with pytest.raises(ValueError, match=r"categorical names columns that X does not "
                                         r"have: \['nope'\]"):
        TabularEncoder(categorical=["nope"]).fit(X)


def test_feature_names_out_follow_input_features_as_scikit_learn_does():
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import StandardScaler

    X = np.array([[1.0, np.nan, 3, 4], [2, 5, 6, 7], [3, 1, 2, 2]])
    encoder = TabularEncoder(impute=True).fit(X)
    assert list(encoder.get_feature_names_out(["a", "b", "c", "d"])) == [
        "a", "b", "c", "d", "missingindicator_b"]
    fitted_on_frame = TabularEncoder(impute=True).fit(pd.DataFrame(X, columns=list("pqrs")))
    with pytest.raises(ValueError, match="input_features is not equal to feature_names_in_"):
        fitted_on_frame.get_feature_names_out(["w", "x", "y", "z"])
    # inside a ColumnTransformer on an array: the columns it was given
    columns = ColumnTransformer([("enc", TabularEncoder(impute=True), [2, 1]),
                                 ("scale", StandardScaler(), [0, 3])]).fit(X)
    assert list(columns.get_feature_names_out()) == [
        "enc__x2", "enc__x1", "enc__missingindicator_x1", "scale__x0", "scale__x3"]


def test_category_keys_of_a_category_column_with_missing_values():
    # Callers drop missing values first; were one passed, it must not take
    # the last category's key (its code, -1, would index from the end).
    keys = _category_keys(pd.Series(pd.Categorical(["a", None, "b"])))
    assert list(keys) == ["a", _value_key(np.nan), "b"]


def test_columns_missing_in_every_row_are_named_at_fit():
    # A column that a failed join left empty was filled in and fitted on
    # without a word.
    from imbtune import ImbalancedPipeline

    rng = np.random.RandomState(0)
    n = 200
    y = (rng.rand(n) < 0.2).astype(int)
    X = pd.DataFrame({"amount": rng.normal(size=n) + y, "merchant_risk": np.nan,
                      "city": pd.Series([None] * n, dtype=object),
                      "kind": rng.choice(["a", "b"], n)})
    match = (r"2 columns of X are missing in every one of its 200 rows: "
             r"'merchant_risk', 'city'\. They tell the model nothing\. If they should "
             r"hold values, check how X was loaded or joined")
    with pytest.warns(UserWarning, match=match):
        model = ImbalancedPipeline("logreg", cv=3, random_state=0).fit(X, y)
    assert model.predict(X).shape == (n,)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(
            X.dropna(axis=1, how="all"), y)
    with pytest.warns(UserWarning, match=r"1 column of X is missing in every one of "
                                         r"its 200 rows: 'x1'\. It tells"):
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(
            X[["amount", "merchant_risk"]].to_numpy(), y)


def test_a_column_that_tells_every_row_s_class_is_named_at_fit():
    # The label left among the features, or a field filled in only after
    # it (a chargeback amount, a date missing unless the claim was fraud),
    # gave a near-perfect best_score_ without a word.
    from imbtune import ImbalancedPipeline

    rng = np.random.RandomState(0)
    n = 300
    y = (rng.rand(n) < 0.1).astype(int)
    base = pd.DataFrame({"amount": rng.normal(size=n) + y, "kind": rng.choice(["a", "b"], n)})
    leaks = {
        "is_fraud": (y, "its values of different classes do not overlap"),
        "chargeback": (np.where(y == 1, rng.uniform(10, 99, n), 0.0),
                       "its values of different classes do not overlap"),
        "reported_on": (np.where(y == 1, 1.0, np.nan),
                        "missing in every row of one class and in no row of the other"),
        "status": (np.where(y == 1, rng.choice(["fraud", "chargeback"], n), "ok"),
                   "each value in one class only"),
    }
    for name, (column, how) in leaks.items():
        match = (rf"Column '{name}' \({how}\) of X tells the classes apart on its own: "
                 r"is the label, or something known only after it, among the features\?")
        with pytest.warns(UserWarning, match=match):
            ImbalancedPipeline("logreg", cv=3, random_state=0).fit(base.assign(**{name: column}), y)
    with pytest.warns(UserWarning, match=r"Columns 'is_fraud' \(.*\), 'status' \(.*\) of X "
                                         r"tell the classes apart on their own"):
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(
            base.assign(is_fraud=y, status=leaks["status"][0]), y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # a useful column that overlaps, an identifier, and too few rows of a
        # class for a perfect split to mean anything
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(
            base.assign(row_id=[f"r{i}" for i in range(n)]), y)
        few = np.r_[np.ones(8, int), np.zeros(60, int)]
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(
            pd.DataFrame({"is_fraud": few, "x": rng.normal(size=68)}), few)
        # a lab value measured in few rows: where it has one it separates,
        # but it does not tell most rows' class (a review found it flagged)
        rare_lab = np.where(rng.rand(n) < 0.3, y * 10.0 + rng.rand(n), np.nan)
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(base.assign(lab=rare_lab), y)
        # a name on 20 rows: each of its 20 values is in one class by chance
        tiny = np.r_[np.zeros(10, int), np.ones(10, int)]
        ImbalancedPipeline("logreg", cv=2, random_state=0).fit(
            pd.DataFrame({"x": rng.normal(size=20), "name": [f"n{i}" for i in range(20)]}),
            tiny)
        # three classes, a column missing in one: it does not tell 1 from 2
        three = rng.choice(3, n, p=[0.6, 0.25, 0.15])
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(
            base.assign(overdue=np.where(three == 0, np.nan, rng.normal(size=n))), three)
    # lists in a column: no verdict, and fit goes on (it raised TypeError)
    tags = pd.Series([["x", "y"][: i % 3] for i in range(n)], dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(base.assign(tags=tags), y)


def test_a_rare_class_over_sampled_before_the_search_is_named_at_fit():
    # RandomOverSampler run on the whole table before cross-validation puts
    # copies of validation rows in training folds: every score optimistic,
    # without a word. imbtune resamples inside each training fold itself.
    from imblearn.over_sampling import RandomOverSampler

    from imbtune import ImbalancedPipeline
    from imbtune.datasets import load_dataset

    X, y = load_dataset("breast_cancer")
    keep = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:60]]
    X, y = X.iloc[keep].reset_index(drop=True), y.iloc[keep].reset_index(drop=True)
    X_over, y_over = RandomOverSampler(sampling_strategy=0.5, random_state=0).fit_resample(X, y)
    extra = len(y_over) - len(y)
    match = (rf"X holds {extra} copies of other rows of class 1 \(\d+% of its "
             rf"{int((y_over == 1).sum())} rows; at most 0% for the other classes\)\. "
             r"Was it over-sampled before the search\?.*groups=")
    with pytest.warns(UserWarning, match=match):
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(X_over, y_over)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(X, y)
        # copies kept together by groups= are what the warning asks for
        groups = pd.util.hash_pandas_object(X_over, index=False).to_numpy()
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(X_over, y_over, groups=groups)


def test_no_shared_dataset_sets_off_the_label_or_over_sampling_check():
    # The two checks' false alarms on 40 real tables, some with many
    # duplicate rows of their common class (solar_flare_m0: 73 %): none.
    from imbtune._validation import (
        as_frame,
        check_target,
        warn_copied_rare_rows,
        warn_label_in_X,
    )
    from imbtune.datasets import load_dataset

    from .conftest import DATA_DIR

    names = sorted(p.name.split(".")[0] for p in DATA_DIR.glob("*.csv.gz"))
    if not names:
        pytest.skip(f"no datasets in {DATA_DIR}: point IMBTUNE_DATA_DIR at them")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in names:
            X, y = load_dataset(name, data_dir=DATA_DIR)
            frame = as_frame(X, estimator_name="test")
            y_encoded, classes = check_target(y, estimator_name="test")
            warn_label_in_X(frame, y_encoded)
            warn_copied_rare_rows(frame, y_encoded, classes)
