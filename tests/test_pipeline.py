"""imbtune.ImbalancedPipeline: the fitted artefact, on its own."""

import pickle
import re
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.under_sampling import NearMiss
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import DataConversionWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GroupKFold,
    RepeatedStratifiedKFold,
    StratifiedGroupKFold,
    StratifiedKFold,
)

from imbtune import (
    FallbackWarning,
    ImbalancedEnsemble,
    ImbalancedPipeline,
    InsufficientMinorityError,
    describe_imbalance,
)
from imbtune.metrics import macro_f1
from imbtune.pipeline import RepeatedStratifiedGroupKFold, make_folds

from .conftest import counting, small_imbalanced


def test_mixed_table_end_to_end(thyroid_mixed):
    X, y = thyroid_mixed
    clf = ImbalancedPipeline(
        "lightgbm",
        classifier_params={"n_estimators": 60},
        resampler="smote",
        resampler_params={"ratio": 0.5},
        calibration="sigmoid",
        random_state=0,
    ).fit(X, y)
    assert clf.encoder_.categorical_mask_.sum() == 22
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(1), 1)
    assert clf.pos_label_ == 1  # the minority class by default
    pred = clf.predict(X)
    np.testing.assert_array_equal(pred, np.where(proba[:, 1] >= clf.threshold_, 1, 0))
    assert macro_f1(y, pred) > 0.8
    assert len(clf.cv_scores_) == 5 and all(0 < s <= 1 for s in clf.cv_scores_)


def test_predicts_on_new_frame_with_same_columns_and_pickles(thyroid_mixed):
    X, y = thyroid_mixed
    clf = ImbalancedPipeline("logreg", resampler="random_under", cost_weight=0.5,
                             calibration="isotonic", random_state=0).fit(X.iloc[:700], y.iloc[:700])
    new = X.iloc[700:].copy()
    new.loc[new.index[0], "referral_source"] = "never-seen-before"
    with pytest.warns(FallbackWarning, match="'referral_source' \\(1 row: 'never-seen-before'\\)"):
        before = clf.predict_proba(new)
    again = pickle.loads(pickle.dumps(clf))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FallbackWarning)
        np.testing.assert_array_equal(again.predict_proba(new), before)
        np.testing.assert_array_equal(again.predict(new), clf.predict(new))
    # feature names are checked like scikit-learn does
    with pytest.raises(ValueError, match="Feature names"):
        clf.predict(new.rename(columns={"age": "Age"}))


@pytest.mark.parametrize("final_model", ["folds", "refit"])
def test_unseen_categories_are_read_as_missing_with_a_warning(final_model):
    # A category fit never saw is read as missing, and said; a category some
    # fold models never saw (but fit did) is not the user's concern.
    rng = np.random.RandomState(0)
    n = 300
    X = pd.DataFrame({
        "amount": rng.normal(size=n),
        "city": rng.choice(["a", "b", "c"], size=n),
        "plan": pd.Categorical(rng.choice(["x", "y"], size=n)),
    })
    X.loc[0, "city"] = "rare"  # one row: in fit, but outside 4 of 5 folds' training
    y = (X["amount"] + rng.normal(scale=0.5, size=n) > 1.2).astype(int)
    pipeline = ImbalancedPipeline("lightgbm", classifier_params={"n_estimators": 20},
                                  final_model=final_model, random_state=0).fit(X, y)
    ensemble = ImbalancedEnsemble([ImbalancedPipeline("logreg"), pipeline], cv=3,
                                  random_state=0).fit(X, y)
    for model in (pipeline, ensemble):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            seen = model.predict_proba(X.iloc[:20])  # holds "rare"
        new = X.iloc[:6].copy()
        new["city"] = ["d", "e", "d", "f", "g", None]  # None: missing, not unseen
        new["plan"] = ["x", "z", "x", "x", "x", "x"]
        with pytest.warns(FallbackWarning) as record:
            proba = model.predict_proba(new)
        assert len(record) == 1  # once for the ensemble, not once per member
        message = str(record[0].message)
        assert "columns 'city' (5 rows: 'd', 'e', 'f', ...); 'plan' (1 row: 'z')" in message
        assert "The models learned nothing of them and read them as unknown" in message
        assert record[0].filename == __file__  # the user's line, not imbtune's
        assert proba.shape == (6, 2) and seen.shape == (20, 2)
        with pytest.warns(FallbackWarning) as record:
            model.predict(new.assign(city=["d", 5, ["a", "list"], {"a": 1}, "b", "c"]))
        assert "'city' (4 rows: 'd', '5', \"['a', 'list']\", ...)" in str(record[0].message)
        assert record[0].filename == __file__


def test_array_and_frame_are_taken_by_position_as_scikit_learn_does(thyroid_mixed):
    # fitted on a DataFrame (numbers with NaN, categories), given an array of
    # the same columns: scikit-learn warns and reads them in the order of fit
    X, y = thyroid_mixed
    clf = ImbalancedPipeline("lightgbm", resampler="smote", random_state=0).fit(
        X.iloc[:700], y.iloc[:700]
    )
    new = X.iloc[700:]
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        from_array = clf.predict_proba(new.to_numpy())
    np.testing.assert_array_equal(from_array, clf.predict_proba(new))
    # fitted on an array, given a DataFrame with names
    Xs, ys = small_imbalanced()
    clf = ImbalancedPipeline("logreg", random_state=0).fit(Xs.to_numpy(), ys)
    with pytest.warns(UserWarning, match="X has feature names, but ImbalancedPipeline"):
        from_frame = clf.predict(Xs)
    np.testing.assert_array_equal(from_frame, clf.predict(Xs.to_numpy()))


@pytest.mark.parametrize("fit_as, predict_as, warned", [
    ("int", "array", 0), ("array", "int", 0), ("str", "int", 1), ("array", "str", 1),
])
def test_feature_name_warnings_are_the_user_s_estimator_s_alone(fit_as, predict_as, warned):
    # imbtune's internal encoders (one per fold model) warned about names too:
    # "X has feature names, but TabularEncoder was fitted without feature names"
    X, y = small_imbalanced()
    values = X.to_numpy()
    as_ = {"array": values, "int": pd.DataFrame(values),
           "str": pd.DataFrame(values, columns=[f"c{j}" for j in range(values.shape[1])])}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = ImbalancedPipeline("logreg", cv=3, random_state=0).fit(as_[fit_as], y)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        proba = clf.predict_proba(as_[predict_as])
    messages = [str(w.message) for w in record]
    assert len(messages) == warned, messages
    assert all("ImbalancedPipeline" in m for m in messages)
    np.testing.assert_array_equal(proba, clf.predict_proba(as_[fit_as]))


@pytest.mark.parametrize("names", [[0, 1, 2], [("a", 1), ("b", 2), ("c", 3)]])
def test_columns_of_fit_in_another_order_are_refused_whatever_their_names(names):
    # scikit-learn checks the order of str names only; ints or tuples in
    # another order were read by position, probabilities off by up to 0.81.
    X, y = small_imbalanced()
    frame = pd.DataFrame(X.to_numpy()[:, :3], columns=pd.Index(names, tupleize_cols=False))
    clf = ImbalancedPipeline("logreg", cv=3, random_state=0).fit(frame, y)
    with pytest.raises(ValueError, match="X has the columns of fit in another order"):
        clf.predict_proba(frame[[names[2], names[0], names[1]]])
    # Another column in place of one of fit's was read by position too.
    new = 9 if names[0] == 0 else ("z", 9)
    other = frame.set_axis(pd.Index([names[1], names[2], new], tupleize_cols=False), axis=1)
    with pytest.raises(ValueError, match=re.escape(
        f"X has other columns than fit had; not seen in fit: [{new!r}]; missing: "
        f"[{names[0]!r}]"
    )):
        clf.predict_proba(other)
    clf.predict_proba(frame)  # the order of fit is fine
    clf.predict_proba(frame.to_numpy())  # as is an array, by position


def test_string_labels_and_explicit_pos_label():
    X, y = small_imbalanced()
    labels = np.where(y == 1, "fraud", "ok")
    clf = ImbalancedPipeline("logreg", random_state=0).fit(X, labels)
    assert list(clf.classes_) == ["fraud", "ok"]
    assert clf.pos_label_ == "fraud"  # minority, although it sorts first
    assert set(clf.predict(X)) == {"fraud", "ok"}
    clf_ok = ImbalancedPipeline("logreg", pos_label="ok", random_state=0).fit(X, labels)
    assert clf_ok.pos_label_ == "ok"
    with pytest.raises(ValueError, match="pos_label='spam' is not a class"):
        ImbalancedPipeline("logreg", pos_label="spam").fit(X, labels)


def test_labels_held_as_objects_are_read_as_numbers_or_bools():
    # The last column of frame.to_numpy() with a text column beside it is an
    # object array; scikit-learn called 0/1 held so "a regression target".
    X, y = small_imbalanced()
    table = X.assign(city="x", target=y).to_numpy()
    clf = ImbalancedPipeline("logreg", cv=3, random_state=0).fit(X, table[:, -1])
    assert clf.classes_.dtype.kind == "i" and clf.classes_.tolist() == [0, 1]
    assert clf.score(X, table[:, -1]) == clf.score(X, y)
    flags = ImbalancedPipeline("logreg", cv=3, random_state=0).fit(
        X, pd.Series(y == 1, dtype=object))
    assert flags.classes_.tolist() == [False, True] and flags.pos_label_ is np.True_
    assert describe_imbalance(pd.Series(y, dtype=object)).counts.index.tolist() == [0, 1]
    with pytest.raises(ValueError, match="y mixes True/False with numbers"):
        ImbalancedPipeline("logreg").fit(X, np.array([True, 0] * 150, dtype=object))


@pytest.mark.parametrize(
    "dtype, kind", [("Int64", "i"), ("boolean", "b"), ("category", "i"), ("int8", "i")]
)
def test_pandas_labels_keep_their_type(dtype, kind):
    X, y = small_imbalanced()
    labels = pd.Series(y, dtype=dtype) if dtype != "boolean" else pd.Series(y == 1,
                                                                            dtype=dtype)
    clf = ImbalancedPipeline("logreg", random_state=0).fit(X, labels)
    assert clf.classes_.dtype.kind == kind  # not the floats of a nullable column
    assert clf.predict(X).dtype.kind == kind
    with pytest.raises(ValueError, match="y contains NaN"):
        ImbalancedPipeline("logreg").fit(X, labels.astype(object).where(labels.index != 3))


def test_fixed_threshold():
    X, y = small_imbalanced()
    clf = ImbalancedPipeline("logreg", threshold=0.5, random_state=0).fit(X, y)
    assert clf.threshold_ == 0.5
    proba = clf.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(clf.predict(X), (proba >= 0.5).astype(int))


@pytest.mark.parametrize("threshold", [float("nan"), -0.1, 1.5, True, "0.5"])
def test_a_fixed_threshold_outside_0_1_is_refused(threshold):
    # NaN and 1.5 predicted one class for every row, without a word.
    X, y = small_imbalanced()
    with pytest.raises(ValueError, match=r"threshold must be 'auto' or a probability in \[0, 1\]"):
        ImbalancedPipeline("logreg", threshold=threshold).fit(X, y)


def test_multiclass_uses_class_weights(fetal_multiclass):
    X, y = fetal_multiclass
    clf = ImbalancedPipeline("lightgbm", classifier_params={"n_estimators": 80},
                             resampler="smote", calibration="sigmoid", random_state=0).fit(X, y)
    assert clf.class_weights_.shape == (3,)
    assert not hasattr(clf, "threshold_")
    proba = clf.predict_proba(X)
    expected = np.argmax(np.log(proba) + np.log(clf.class_weights_), axis=1)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[expected])
    assert clf.score(X, y) > 0.8  # macro-F1, in-sample
    with pytest.raises(ValueError, match="binary"):
        ImbalancedPipeline("logreg", threshold=0.3).fit(X, y)


def test_user_estimator_and_sampler_objects():
    X, y = small_imbalanced()
    clf = ImbalancedPipeline(
        HistGradientBoostingClassifier(max_iter=30),
        resampler=NearMiss(),
        cost_weight=1.0,
        random_state=0,
    ).fit(X, y)
    assert clf.predict_proba(X).shape == (len(y), 2)


def test_k_neighbors_clamp_warns_once():
    X, y = small_imbalanced(n=200, minority=8)
    with pytest.warns(FallbackWarning, match="smote: k_neighbors was lowered") as record:
        ImbalancedPipeline("logreg", resampler="smote",
                           resampler_params={"k_neighbors": 9}, random_state=0).fit(X, y)
    assert len([w for w in record if "k_neighbors" in str(w.message)]) == 1


def test_reproducible_with_int_random_state(thyroid_mixed):
    X, y = thyroid_mixed
    params = dict(classifier_params={"n_estimators": 40, "subsample": 0.7},
                  resampler="smote_enn", calibration="isotonic", random_state=7)
    a = ImbalancedPipeline("lightgbm", **params).fit(X, y)
    b = ImbalancedPipeline("lightgbm", **params).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert a.threshold_ == b.threshold_


def test_bad_parameters_and_inputs():
    X, y = small_imbalanced()
    with pytest.raises(ValueError, match="Unknown calibration 'platt'"):
        ImbalancedPipeline(calibration="platt").fit(X, y)
    with pytest.raises(ValueError, match=r"cost_weight must be in \[0, 1\]"):
        ImbalancedPipeline(cost_weight=2).fit(X, y)
    with pytest.raises(ValueError, match=r"cost_weight must be in \[0, 1\].*got 'half'"):
        ImbalancedPipeline(cost_weight="half").fit(X, y)
    with pytest.raises(ValueError, match="n_jobs must be None, a positive int"):
        ImbalancedPipeline(n_jobs=0).fit(X, y)
    with pytest.raises(ValueError, match=r"duplicate column names \['f1'\]"):
        ImbalancedPipeline().fit(X.rename(columns={"f0": "f1"}), y)
    with pytest.raises(ValueError, match="Unknown resampler 'smote2'"):
        ImbalancedPipeline(resampler="smote2").fit(X, y)
    with pytest.raises(ValueError, match="Unknown scoring 'f2'"):
        ImbalancedPipeline(scoring="f2").fit(X, y)
    with pytest.raises(InsufficientMinorityError, match="has 3 row"):
        ImbalancedPipeline("logreg").fit(X.iloc[:33], np.r_[np.zeros(30, int), np.ones(3, int)])
    with pytest.raises(ValueError, match="every row in exactly one validation fold"):
        from sklearn.model_selection import StratifiedShuffleSplit

        ImbalancedPipeline("logreg", cv=StratifiedShuffleSplit(3, random_state=0)).fit(X, y)


def test_time_series_split_is_refused_with_a_way_for_time_ordered_data():
    # It got the generic message, which ends "not ShuffleSplit": nothing for
    # a fraud team whose rows are in time order.
    from sklearn.model_selection import TimeSeriesSplit

    from imbtune import ImbalancedSearchCV

    X, y = small_imbalanced(n=200)
    match = (r"cv=TimeSeriesSplit\(n_splits=4\) never validates its first 40 rows.*"
             r"keep the latest rows as your own test set.*groups= set to the period")
    with pytest.raises(ValueError, match=match):
        ImbalancedPipeline("logreg", cv=TimeSeriesSplit(4)).fit(X, y)
    with pytest.raises(ValueError, match=match):
        ImbalancedSearchCV(n_trials=1, cv=TimeSeriesSplit(4)).fit(X, y)


def test_custom_folds_are_used():
    X, y = small_imbalanced()
    folds = list(StratifiedKFold(4, shuffle=True, random_state=1).split(X, y))
    clf = ImbalancedPipeline("logreg", cv=folds, random_state=0).fit(X, y)
    assert len(clf.cv_scores_) == 4


def test_repeated_folds():
    X, y = small_imbalanced()
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)
    clf = ImbalancedPipeline("logreg", cv=cv, random_state=0).fit(X, y)
    assert len(clf.cv_scores_) == 6
    assert clf.oof_proba_.shape == (2 * len(y), 2)
    # each repetition's block holds every row once, from different fold models
    first, second = clf.oof_proba_[: len(y)], clf.oof_proba_[len(y):]
    assert not np.allclose(first, second)
    np.testing.assert_allclose(first, ImbalancedPipeline(
        "logreg", cv=list(cv.split(X, y))[:3], random_state=0).fit(X, y).oof_proba_)


def test_final_model_folds_are_the_models_behind_the_oof_scores(thyroid_mixed):
    X, y = thyroid_mixed
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)
    folds = list(cv.split(X, y))
    clf = ImbalancedPipeline(
        "lightgbm", classifier_params={"n_estimators": 40}, resampler="smote",
        calibration="sigmoid", cv=folds, random_state=0,
    ).fit(X, y)
    # 900 rows: "auto" keeps the six fold models and refits nothing.
    assert clf.model_ is None and len(clf.fold_models_) == 6
    for k, ((encoder, model), (_, valid)) in enumerate(
        zip(clf.fold_models_, folds, strict=True)
    ):
        rows = (k // 3) * len(y) + valid
        np.testing.assert_allclose(
            model.predict_proba(encoder.transform(X.iloc[valid])), clf.oof_proba_[rows]
        )
    # New rows get the fold models' average, then the calibrator.
    average = np.mean([m.predict_proba(e.transform(X.iloc[:5])) for e, m in clf.fold_models_],
                      axis=0)
    np.testing.assert_allclose(clf.predict_proba(X.iloc[:5]),
                               clf.calibrator_.transform(average))
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_final_model_refit_fits_one_model_on_all_rows(thyroid_mixed):
    X, y = thyroid_mixed
    params = dict(classifier_params={"n_estimators": 40}, cv=3, random_state=0)
    refit = ImbalancedPipeline("lightgbm", final_model="refit", **params).fit(X, y)
    folds = ImbalancedPipeline("lightgbm", final_model="folds", **params).fit(X, y)
    assert refit.fold_models_ is None
    assert type(refit.model_).__name__ == "LGBMClassifier"
    # The same decision either way; only the model that predicts differs.
    np.testing.assert_array_equal(refit.oof_proba_, folds.oof_proba_)
    assert refit.threshold_ == folds.threshold_
    assert not np.allclose(refit.predict_proba(X), folds.predict_proba(X))
    with pytest.raises(ValueError, match="Unknown final_model 'bag'; use one of"):
        ImbalancedPipeline("logreg", final_model="bag").fit(X, y)


def test_folds_must_partition_the_rows_in_each_repetition():
    X, y = small_imbalanced()
    folds = list(StratifiedKFold(3, shuffle=True, random_state=1).split(X, y))
    with pytest.raises(ValueError, match="exactly one validation fold of each repetition"):
        # a repetition cut short
        ImbalancedPipeline("logreg", cv=folds + folds[:2]).fit(X, y)
    with pytest.raises(ValueError, match="exactly one validation fold of each repetition"):
        # the same rows twice in one repetition
        ImbalancedPipeline("logreg", cv=[folds[0], folds[0], folds[1], folds[2]]).fit(X, y)


def _grouped(n_groups=40, rows=4, seed=0):
    """Rows in groups of ``rows``; each group's label and profile are its own."""
    rng = np.random.RandomState(seed)
    labels = (rng.rand(n_groups) < 0.3).astype(int)
    labels[:3] = 1  # every class in several groups
    profile = rng.normal(size=(n_groups, 3)) + labels[:, None]
    X = pd.DataFrame(np.repeat(profile, rows, axis=0) + 0.1 * rng.normal(size=(n_groups * rows, 3)),
                     columns=["a", "b", "c"])
    return X, np.repeat(labels, rows), np.repeat(np.arange(n_groups) * 7, rows)


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=12, max_size=40),
    minority_share=st.floats(0.2, 0.6),
    n_splits=st.integers(2, 4),
    n_repeats=st.integers(1, 3),
    seed=st.integers(0, 10_000),
)
def test_grouped_folds_never_split_a_group(sizes, minority_share, n_splits, n_repeats, seed):
    rng = np.random.RandomState(seed)
    labels = (rng.rand(len(sizes)) < minority_share).astype(int)
    labels[:n_splits], labels[n_splits:2 * n_splits] = 1, 0  # both classes in n_splits groups
    groups = np.repeat(np.arange(len(sizes)), sizes)
    y = np.repeat(labels, sizes)
    X = pd.DataFrame({"x": rng.normal(size=len(y))})
    try:
        folds = make_folds(n_splits, X, y, np.array([0, 1]), seed, n_repeats, groups)
    except InsufficientMinorityError:
        return  # the groups could not give every validation fold both classes: refused
    covered = np.zeros(len(y), int)
    for train, valid in folds:
        assert set(groups[train]).isdisjoint(groups[valid])
        assert set(y[valid]) == {0, 1}
        np.add.at(covered, valid, 1)
    assert 1 <= len(folds) // n_splits <= n_repeats  # repeats that came out the same are dropped
    assert (covered == len(folds) // n_splits).all()  # each repetition a partition


def test_repeated_stratified_group_kfold_repeats_fresh_partitions():
    X, y, groups = _grouped()
    cv = RepeatedStratifiedGroupKFold(n_splits=4, n_repeats=3, random_state=0)
    splits = list(cv.split(X, y, groups))
    assert len(splits) == 12 == cv.get_n_splits()
    partitions = [sorted(tuple(sorted(set(groups[v]))) for _, v in splits[4 * r:4 * r + 4])
                  for r in range(3)]
    assert partitions[0] != partitions[1] != partitions[2]
    assert [(list(a), list(b)) for a, b in splits] == [
        (list(a), list(b)) for a, b in cv.split(X, y, groups)]  # seeded
    # two groups in two folds: every shuffle gives the same partition, kept once
    y2, g2 = np.array([0, 1] * 4), np.repeat([0, 1], 4)
    assert len(list(RepeatedStratifiedGroupKFold(2, 3, random_state=0).split(
        np.zeros((8, 1)), y2, g2))) == 2
    with pytest.raises(ValueError, match=r"needs them: pass fit\(X, y, groups=\.\.\.\)"):
        list(cv.split(X, y))
    assert "n_splits=4" in repr(cv)


def test_groups_keep_every_group_out_of_its_own_scores():
    X, y, groups = _grouped()
    folds_seen = []

    class Recording(StratifiedGroupKFold):
        def split(self, X, y, groups=None):
            for train, valid in super().split(X, y, groups):
                folds_seen.append((train, valid))
                yield train, valid

    clf = ImbalancedPipeline("logreg", cv=Recording(4, shuffle=True, random_state=0),
                             random_state=0).fit(X, y, groups=groups)
    assert len(clf.cv_scores_) == 4 and len(folds_seen) == 4
    assert all(set(groups[t]).isdisjoint(groups[v]) for t, v in folds_seen)
    # an int cv becomes StratifiedGroupKFold; a refit with the groups repeats it
    grouped = ImbalancedPipeline("logreg", cv=4, random_state=0).fit(X, y, groups=groups)
    plain = ImbalancedPipeline("logreg", cv=4, random_state=0).fit(X, y)
    assert not np.allclose(grouped.oof_proba_, plain.oof_proba_)
    np.testing.assert_array_equal(
        clone(grouped).fit(X, y, groups=groups).oof_proba_, grouped.oof_proba_)
    # group labels are compared for equality only: strings work alike
    named = ImbalancedPipeline("logreg", cv=4, random_state=0).fit(
        X, y, groups=pd.Series([f"patient-{g}" for g in groups]))
    np.testing.assert_array_equal(named.oof_proba_, grouped.oof_proba_)


def test_bad_groups():
    X, y, groups = _grouped()
    clf = ImbalancedPipeline("logreg", cv=4, random_state=0)
    with pytest.raises(ValueError, match="groups has 159 entries but X has 160 rows"):
        clf.fit(X, y, groups=groups[1:])
    with pytest.raises(ValueError, match="groups contains 1 missing value"):
        clf.fit(X, y, groups=np.where(np.arange(len(y)) == 5, np.nan, groups))
    with pytest.raises(ValueError, match="one group label per row"):
        clf.fit(X, y, groups=np.c_[groups, groups])
    with pytest.raises(ValueError, match="in both its training and its validation part"), \
            warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The groups parameter is ignored")
        ImbalancedPipeline("logreg", cv=StratifiedKFold(4, shuffle=True, random_state=0)).fit(
            X, y, groups=groups)
    few = np.where(y == 1, groups % 3, groups + 100)  # class 1 in 3 groups
    with pytest.raises(InsufficientMinorityError, match=r"Class 1 has rows in 3 group\(s\) only"
                       r".*Use cv=3 or fewer folds"):
        clf.fit(X, y, groups=few)
    one = np.where(y == 1, 0, groups + 100)
    with pytest.raises(InsufficientMinorityError, match="from at least 2 groups"):
        clf.fit(X, y, groups=one)
    # folds that keep groups whole but leave a class out of a validation part
    block = np.full(len(y), 3)
    block[np.flatnonzero(y == 0)[:40]] = 0  # block 0: 40 rows of class 0 only
    rest = np.flatnonzero(block == 3)
    block[rest[: len(rest) // 3]], block[rest[len(rest) // 3: 2 * len(rest) // 3]] = 1, 2
    folds = [(np.flatnonzero(~np.isin(block, b)), np.flatnonzero(np.isin(block, b)))
             for b in ([0], [1], [2, 3])]
    with pytest.raises(InsufficientMinorityError, match="validation part of split 0 of cv "
                       "holds no row of class 1"):
        ImbalancedPipeline("logreg", cv=folds).fit(X, y, groups=block)
    # a group-aware splitter is given the groups
    assert len(ImbalancedPipeline("logreg", cv=GroupKFold(3)).fit(
        X, y, groups=groups).cv_scores_) == 3


def test_no_warning_on_clean_fit():
    X, y = small_imbalanced()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ImbalancedPipeline("logreg", resampler="random_over", random_state=0).fit(
            pd.DataFrame(X), y
        )


def test_ensemble_estimator_on_its_own(thyroid_mixed):
    from imbtune import ImbalancedEnsemble

    X, y = thyroid_mixed
    members = [
        ImbalancedPipeline("logreg", cost_weight=0.5),
        ImbalancedPipeline("lightgbm", classifier_params={"n_estimators": 60},
                           resampler="smote"),
    ]
    ensemble = ImbalancedEnsemble(members, weights=[1, 3], calibration="sigmoid",
                                  random_state=0).fit(X, y)
    np.testing.assert_allclose(ensemble.weights_, [0.25, 0.75])
    # its OOF probabilities are the weighted average of its members' OOF
    oofs = [ImbalancedPipeline(**m.get_params() | {"random_state": 0}).fit(X, y).oof_proba_
            for m in members]
    np.testing.assert_allclose(ensemble.oof_proba_, 0.25 * oofs[0] + 0.75 * oofs[1])
    assert 0 < ensemble.threshold_ < 1
    assert macro_f1(y, ensemble.predict(X)) > 0.8
    with pytest.raises(ValueError, match="non-empty list of ImbalancedPipeline"):
        ImbalancedEnsemble([]).fit(X, y)
    with pytest.raises(ValueError, match="weights must be 2 finite non-negative"):
        ImbalancedEnsemble(members, weights=[1, -1]).fit(X, y)


def test_a_refit_from_binary_to_multiclass_keeps_nothing_of_the_other():
    from sklearn.datasets import make_classification

    Xb, yb = make_classification(300, 6, weights=[0.85], random_state=0)
    Xm, ym = make_classification(300, 6, n_informative=4, n_classes=3,
                                 weights=[0.6, 0.3], random_state=0)
    pipeline = ImbalancedPipeline("logreg", cv=3, random_state=0).fit(Xb, yb)
    assert hasattr(pipeline, "threshold_")
    pipeline.fit(Xm, ym)
    assert not hasattr(pipeline, "threshold_") and not hasattr(pipeline, "pos_label_")
    pipeline.fit(Xb, yb)
    assert not hasattr(pipeline, "class_weights_")


@pytest.mark.parametrize("resampler", ["adasyn", "borderline_smote", "svm_smote"])
def test_a_numeric_only_resampler_is_refused_on_categorical_columns(resampler):
    # The search refuses it by name; the pipeline ran it and blended category
    # codes into fractions without a word.
    X, y = small_imbalanced()
    X = X.assign(kind=pd.Categorical(np.where(X["f2"] > 0, "a", "b")))
    with pytest.raises(ValueError, match=rf"Resampler '{resampler}' interpolates every "
                                         r"column and cannot handle the categorical "
                                         r"column\(s\) \['kind'\]"):
        ImbalancedPipeline("logreg", resampler=resampler, cv=3).fit(X, y)
    with pytest.raises(ValueError, match="cannot handle the categorical"):
        ImbalancedEnsemble([ImbalancedPipeline("logreg", resampler=resampler)], cv=3).fit(X, y)


def test_a_class_of_one_row_is_told_no_cv_can_split_it():
    X, y = small_imbalanced()
    y3 = y.copy()
    y3[0] = 2  # a third class of one row
    with pytest.raises(InsufficientMinorityError,
                       match=r"Class 2 has 1 row\(s\).*A class of one row cannot be "
                             r"cross-validated: drop its row, merge class 2"):
        ImbalancedPipeline("logreg", cv=3).fit(X, y3)


@pytest.mark.parametrize("resampler", ["none", "smote", "tomek", "smote_enn"])
@pytest.mark.parametrize("classifier", ["logreg", "lightgbm"])
def test_a_pandas_transform_output_leaves_the_pipeline_working(resampler, classifier):
    # sklearn.set_config(transform_output="pandas") is common in notebooks;
    # the encoders inside (TabularEncoder, SMOTENC's, SMOTEN's, the one-hot
    # views) must still hand arrays on. Tomek links and SMOTE used to fail.
    import sklearn

    rng = np.random.RandomState(0)
    n = 300
    mixed = pd.DataFrame({"x": rng.normal(size=n), "kind": rng.choice(list("abcd"), n)})
    y = (mixed["x"] + rng.normal(size=n) > 1.5).astype(int)
    text = mixed.assign(x=np.where(mixed["x"] > 0, "high", "low"))  # every column categorical
    for X in (mixed, text):
        plain = ImbalancedPipeline(classifier, resampler=resampler, cv=3, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FallbackWarning)
            expected = plain.fit(X, y).predict_proba(X)
            with sklearn.config_context(transform_output="pandas"):
                proba = clone(plain).fit(X, y).predict_proba(X)
        np.testing.assert_allclose(proba, expected)


def test_too_few_rows_for_smote_names_the_class_label():
    # The class is named as the user labelled it, not by its internal code
    # ('fraud' is code 0 here).
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(40, 3)), columns=list("abc"))
    y = np.array(["ok"] * 38 + ["fraud"] * 2, dtype=object)
    with pytest.raises(InsufficientMinorityError, match="class 'fraud' has 1 row"):
        ImbalancedPipeline("logreg", resampler="smote", cv=2, random_state=0).fit(X, y)


def test_fit_refuses_sample_weight_with_the_reason(breast_cancer):
    X, y = breast_cancer
    with pytest.raises(TypeError, match="ImbalancedPipeline.fit takes no sample_weight"):
        ImbalancedPipeline("logreg").fit(X, y, sample_weight=np.ones(len(y)))


def test_score_takes_y_as_a_column_and_checks_its_length(breast_cancer):
    X, y = breast_cancer
    model = ImbalancedPipeline("logreg", cv=3, random_state=0).fit(X, y)
    with pytest.warns(DataConversionWarning):
        as_column = model.score(X, pd.DataFrame({"target": y}))
    assert as_column == model.score(X, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        model.score(X, y[:-1])


@pytest.mark.skipif(shutil.which("taskset") is None, reason="needs taskset (util-linux)")
def test_n_jobs_minus_one_counts_the_cpus_the_process_may_use():
    # os.cpu_count() counts the machine's: under taskset or a container's
    # cpuset, n_jobs=-1 started more workers than CPUs.
    import subprocess
    import sys

    out = subprocess.run(
        ["taskset", "-c", "0", sys.executable, "-c",
         "from imbtune.pipeline import n_threads_for; print(n_threads_for(-1))"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert out.strip() == "1"


def test_x_and_y_indexed_in_different_orders_are_named():
    # X shuffled but not y: each row was fitted with another row's label,
    # without a word (rows are paired by position, as in scikit-learn).
    from imbtune import ImbalancedSearchCV

    X, y = small_imbalanced(n=200)
    y = pd.Series(y, index=X.index)
    shuffled = X.sample(frac=1, random_state=0)
    match = (r"X and y are indexed by the same labels in a different order \(row 0 "
             rf"of X is {shuffled.index[0]}, of y 0\).*pass y.loc\[X.index\]")
    with pytest.warns(UserWarning, match=match):
        model = ImbalancedPipeline("logreg", cv=3, random_state=0).fit(shuffled, y)
    with pytest.warns(UserWarning, match=match):
        model.score(shuffled, y)
    with pytest.warns(UserWarning, match=match):
        ImbalancedSearchCV(n_trials=1, cv=3, classifiers=["logreg"]).fit(shuffled, y)
    # a CategoricalIndex on each, with other categories (it raised TypeError)
    letters = list("abcdefghij") * 20
    X_cat = X.set_index(pd.CategoricalIndex([f"{c}{i}" for i, c in enumerate(letters)]))
    y_cat = pd.Series(y.to_numpy()[::-1], index=pd.CategoricalIndex(
        X_cat.index[::-1].astype(str), categories=[*X_cat.index.astype(str), "other"]))
    with pytest.warns(UserWarning, match="indexed by the same labels in a different order"):
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(X_cat, y_cat)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # aligned, positions only (numpy y), or indexes that are not a reordering
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(shuffled, y.loc[shuffled.index])
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(shuffled, y.to_numpy())
        ImbalancedPipeline("logreg", cv=3, random_state=0).fit(
            shuffled.reset_index(drop=True), y)


def test_a_cost_weight_for_a_model_that_weighs_classes_itself_says_why_it_cannot():
    # it said the model "takes neither class_weight nor sample_weight"
    X, y = small_imbalanced()
    pipe = ImbalancedPipeline(LogisticRegression(class_weight="balanced"), cost_weight=0.5,
                              cv=3)
    with pytest.raises(ValueError, match=r"takes no cost weight from imbtune, as it sets "
                                         r"class_weight='balanced': imbtune's weights would "
                                         r"replace or multiply it\. Set cost_weight=0"):
        pipe.fit(X, y)
    ImbalancedPipeline(LogisticRegression(class_weight="balanced"), cv=3).fit(X, y)
    # in the user's labels, not in y's codes
    labels = np.where(y == 1, "pos", "neg")
    own = ImbalancedPipeline(LogisticRegression(class_weight={"pos": 5, "neg": 1}),
                             cost_weight=0.5, cv=3)
    with pytest.raises(ValueError, match=r"as it sets class_weight=\{'pos': 5, 'neg': 1\}:"):
        own.fit(X, labels)


def test_fixed_splits_of_another_table_say_how_to_refit_on_these_rows():
    # a search given a list of splits passes it on to best_estimator_; refit
    # on more rows, the splits left rows unvalidated ("not ShuffleSplit")
    from sklearn.model_selection import StratifiedKFold

    X, y = small_imbalanced()
    splits = list(StratifiedKFold(3).split(X[:200], y[:200]))
    pipe = ImbalancedPipeline("logreg", cv=splits).fit(X[:200], y[:200])
    with pytest.raises(ValueError, match=r"cv is a list of 3 fixed splits whose rows end at "
                                         r"row 199, but X has 300 rows, so rows 200 to 299 "
                                         r"are in no validation fold .*splits given as "
                                         r"arrays fit one table only .*set_params\(cv=5\)"):
        clone(pipe).fit(X, y)
    with pytest.raises(ValueError, match=r"split indices must be row positions 0 to 99\. "
                                         r"Splits given as arrays fit one table only"):
        clone(pipe).fit(X[:100], y[:100])
    clone(pipe).set_params(cv=3).fit(X, y)


def test_a_pipeline_s_own_parameters_name_classes_by_the_user_s_labels():
    # resampler_params / classifier_params skipped the translation and the
    # own-weighting check that a template gets: {2: 150} grew label 3
    from imblearn.over_sampling import RandomOverSampler

    from imbtune import ClassifierSpec

    over = counting(RandomOverSampler, 3)
    rng = np.random.RandomState(0)
    y = np.repeat([1, 2, 3], [180, 90, 30])
    X = pd.DataFrame(rng.normal(size=(300, 3)) + y[:, None], columns=list("abc"))
    ImbalancedPipeline(LogisticRegression(), resampler=over(),
                       resampler_params={"sampling_strategy": {2: 150}}, cv=3,
                       random_state=0).fit(X, y)
    assert len(over.calls) >= 3
    for _, counts in over.calls:
        assert counts[1] == 150 and counts[2] < 30  # label 2 grown, label 3 as it was
    with pytest.raises(ValueError, match=r"its sampling_strategy names 7, which is not a "
                                         r"class of y \(\[1, 2, 3\]\)"):
        ImbalancedPipeline(LogisticRegression(), resampler=RandomOverSampler(),
                           resampler_params={"sampling_strategy": {7: 150}}, cv=3).fit(X, y)
    with pytest.raises(ValueError, match=r"as its parameters set class_weight='balanced': "
                                         r"imbtune's weights would replace or multiply it"):
        ImbalancedPipeline(LogisticRegression(), classifier_params={"class_weight": "balanced"},
                           cost_weight=0.3, cv=3).fit(X, y)
    named = ClassifierSpec("lr", LogisticRegression(class_weight={1: 1, 3: 50}),
                           weighting="class_weight")
    with pytest.raises(ValueError, match=r"as it sets class_weight=\{1: 1, 3: 50\}"):
        ImbalancedPipeline(named, cost_weight=0.5, cv=3).fit(X, y)
