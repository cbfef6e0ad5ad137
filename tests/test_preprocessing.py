"""imbtune.preprocessing.TabularEncoder on mixed tables."""

import numpy as np
import pandas as pd
import pytest

from imbtune.preprocessing import TabularEncoder


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
