"""imbtune.ImbalancedPipeline: the fitted artefact, on its own."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import NearMiss
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold

from imbtune import FallbackWarning, ImbalancedPipeline, InsufficientMinorityError
from imbtune.metrics import macro_f1

from .conftest import small_imbalanced


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
    before = clf.predict_proba(new)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(new), before)
    np.testing.assert_array_equal(again.predict(new), clf.predict(new))
    # feature names are checked like scikit-learn does
    with pytest.raises(ValueError, match="Feature names"):
        clf.predict(new.rename(columns={"age": "Age"}))


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


def test_fixed_threshold():
    X, y = small_imbalanced()
    clf = ImbalancedPipeline("logreg", threshold=0.5, random_state=0).fit(X, y)
    assert clf.threshold_ == 0.5
    proba = clf.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(clf.predict(X), (proba >= 0.5).astype(int))


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
    with pytest.warns(FallbackWarning, match="k_neighbors=9 was lowered") as record:
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
    with pytest.raises(ValueError, match="Unknown resampler 'smote2'"):
        ImbalancedPipeline(resampler="smote2").fit(X, y)
    with pytest.raises(ValueError, match="Unknown scoring 'f2'"):
        ImbalancedPipeline(scoring="f2").fit(X, y)
    with pytest.raises(InsufficientMinorityError, match="has 3 row"):
        ImbalancedPipeline("logreg").fit(X.iloc[:33], np.r_[np.zeros(30, int), np.ones(3, int)])
    with pytest.raises(ValueError, match="every row in exactly one validation fold"):
        from sklearn.model_selection import StratifiedShuffleSplit

        ImbalancedPipeline("logreg", cv=StratifiedShuffleSplit(3, random_state=0)).fit(X, y)


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


def test_folds_must_partition_the_rows_in_each_repetition():
    X, y = small_imbalanced()
    folds = list(StratifiedKFold(3, shuffle=True, random_state=1).split(X, y))
    with pytest.raises(ValueError, match="exactly one validation fold of each repetition"):
        # a repetition cut short
        ImbalancedPipeline("logreg", cv=folds + folds[:2]).fit(X, y)
    with pytest.raises(ValueError, match="exactly one validation fold of each repetition"):
        # the same rows twice in one repetition
        ImbalancedPipeline("logreg", cv=[folds[0], folds[0], folds[1], folds[2]]).fit(X, y)


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
    with pytest.raises(ValueError, match="weights must be 2 non-negative"):
        ImbalancedEnsemble(members, weights=[1, -1]).fit(X, y)
