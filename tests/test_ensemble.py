"""imbtune.ensemble: greedy selection, its cross-fitting, ImbalancedEnsemble."""

import copy
import threading

import numpy as np
import pytest
from imblearn.under_sampling import RandomUnderSampler
from optuna.distributions import FloatDistribution
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from imbtune import ClassifierSpec, ImbalancedEnsemble, ImbalancedPipeline, ResamplerSpec
from imbtune.ensemble import crossfit_ensemble_oof, greedy_weights
from imbtune.metrics import get_metric


def _candidates(seed=0, n=900):
    """Two informative, partly independent scorers and one pure-noise one."""
    rng = np.random.RandomState(seed)
    y = (rng.rand(n) < 0.1).astype(int)
    a = 1.0 * y + rng.normal(0, 1, n)
    b = 1.0 * y + rng.normal(0, 1, n)
    noise = rng.normal(0, 1, n)

    def proba(score):
        p = 1 / (1 + np.exp(-score))
        return np.column_stack([1 - p, p])

    oofs = np.stack([proba(a), proba(b), proba(noise)])
    folds = list(StratifiedKFold(5, shuffle=True, random_state=seed).split(a, y))
    return oofs, y, folds


def test_greedy_blends_complementary_models_and_drops_noise():
    oofs, y, folds = _candidates()
    metric = get_metric("pr_auc")
    groups = [v for _, v in folds]
    weights = greedy_weights(oofs, y, groups, metric, pos=1, rounds=10)
    assert weights.sum() == pytest.approx(1.0)
    assert weights[2] == 0  # noise never helps
    assert weights[0] > 0 and weights[1] > 0
    blend = np.tensordot(weights, oofs, axes=1)
    best_single = max(np.mean([metric.score_proba(y[g], o[g], 1) for g in groups])
                      for o in oofs)
    assert np.mean([metric.score_proba(y[g], blend[g], 1) for g in groups]) > best_single
    one = greedy_weights(oofs, y, groups, metric, pos=1, rounds=1)
    assert np.count_nonzero(one) == 1


def test_each_fold_is_blended_with_weights_chosen_without_it():
    """Relabelling fold k's rows must not change how fold k is blended."""
    oofs, y, folds = _candidates(seed=1)
    metric = get_metric("pr_auc")
    blended = crossfit_ensemble_oof(oofs, y, folds, metric, pos=1, rounds=8)
    for k, (_, valid) in enumerate(folds):
        y_changed = y.copy()
        y_changed[valid] = np.random.RandomState(k).permutation(y[valid])
        y_changed[valid[:5]] = 1 - y_changed[valid[:5]]
        again = crossfit_ensemble_oof(oofs, y_changed, folds, metric, pos=1, rounds=8)
        np.testing.assert_array_equal(again[valid], blended[valid])
    # and rows are convex combinations of the candidates
    np.testing.assert_allclose(blended.sum(axis=1), 1.0)


def test_repeated_folds_are_blended_without_their_rows_in_any_repetition():
    """With repeated K-fold the OOF rows hold every row once per repetition:
    fold k's weights must come from the other folds *of its repetition*, as
    the same rows come back in every other repetition."""
    oofs, y, _ = _candidates(seed=2, n=600)
    n, n_repeats = len(y), 2
    folds = []
    for r in range(n_repeats):
        splitter = StratifiedKFold(4, shuffle=True, random_state=10 + r)
        folds += [(r * n + t, r * n + v) for t, v in splitter.split(y, y)]
    stacked = np.concatenate([oofs] * n_repeats, axis=1)
    # Each repetition's copies differ a little, as refitted models would.
    stacked = np.clip(stacked + np.random.RandomState(0).normal(0, 0.05, stacked.shape),
                      0.01, 0.99)
    stacked /= stacked.sum(axis=2, keepdims=True)
    y_stacked = np.tile(y, n_repeats)
    metric = get_metric("pr_auc")
    blended = crossfit_ensemble_oof(stacked, y_stacked, folds, metric, pos=1, rounds=8)
    for k, (_, valid) in enumerate(folds):
        rows = valid % n  # the original rows of this fold
        y_changed = y.copy()
        y_changed[rows] = np.random.RandomState(k).permutation(y[rows])
        y_changed[rows[:5]] = 1 - y_changed[rows[:5]]
        again = crossfit_ensemble_oof(
            stacked, np.tile(y_changed, n_repeats), folds, metric, pos=1, rounds=8
        )
        np.testing.assert_array_equal(again[valid], blended[valid])


class _Locked(LogisticRegression):
    """A model that holds a lock once made, like one wrapping a live session:
    it cannot be deep-copied, only cloned from its parameters."""


def _locked(**params):
    model = _Locked(**params)
    model._lock = threading.Lock()
    return model


def _locked_sampler():
    sampler = RandomUnderSampler()
    sampler._lock = threading.Lock()
    return sampler


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_members_with_templates_that_cannot_be_deep_copied(breast_cancer):
    X, y = breast_cancer
    with pytest.raises(TypeError):
        copy.deepcopy(_locked())
    classifier = ClassifierSpec("locked", _locked(max_iter=300),
                                space={"C": FloatDistribution(0.1, 10, log=True)})
    resampler = ResamplerSpec("locked_under", _locked_sampler())
    ensemble = ImbalancedEnsemble(
        [ImbalancedPipeline(classifier, resampler=resampler), ImbalancedPipeline("logreg")],
        cv=3, random_state=0,
    ).fit(X, y)
    member = ensemble.pipelines_[0]
    # 569 rows: the member predicts with its three fold models.
    assert len(member.fold_models_) == 3
    assert all(isinstance(model, _Locked) for _, model in member.fold_models_)
    assert ensemble.predict_proba(X).shape == (len(y), 2)
    # The templates themselves are never fitted.
    assert not hasattr(classifier.estimator, "coef_")


def test_every_member_is_a_whole_fitted_pipeline(breast_cancer):
    X, y = breast_cancer
    ensemble = ImbalancedEnsemble(
        [ImbalancedPipeline("logreg"),
         ImbalancedPipeline("random_forest", classifier_params={"n_estimators": 20})],
        cv=3, random_state=0,
    ).fit(X, y)
    for member in ensemble.pipelines_:
        proba = member.predict_proba(X)
        assert proba.shape == (len(y), 2) and np.isfinite(proba).all()
        assert set(member.predict(X)) <= set(ensemble.classes_)
        assert 0 < member.threshold_ < 1
    # The ensemble itself blends the members' uncalibrated probabilities.
    raw = sum(w * m._raw_proba(X) for w, m in zip(ensemble.weights_, ensemble.pipelines_))
    np.testing.assert_allclose(ensemble.predict_proba(X), ensemble.calibrator_.transform(raw))


def test_fit_refuses_sample_weight_with_the_reason(breast_cancer):
    X, y = breast_cancer
    ensemble = ImbalancedEnsemble([ImbalancedPipeline("logreg"), ImbalancedPipeline("lightgbm")])
    with pytest.raises(TypeError, match="ImbalancedEnsemble.fit takes no sample_weight"):
        ensemble.fit(X, y, sample_weight=np.ones(len(y)))


@pytest.mark.parametrize("weights", [[np.nan, 1.0], [np.inf, 1.0], [-1.0, 2.0], [0.0, 0.0]],
                         ids=["nan", "inf", "negative", "zero-sum"])
def test_weights_that_are_no_blend_are_refused(weights):
    # NaN or infinite weights fitted a model that predicted NaN
    # probabilities and the first class for every row, without a word.
    X, y = _blobs()
    members = [ImbalancedPipeline("logreg", cv=3), ImbalancedPipeline("logreg", cv=3)]
    with pytest.raises(ValueError, match=r"weights must be 2 finite non-negative numbers "
                                         r"with a positive sum"):
        ImbalancedEnsemble(members, weights=weights, cv=3).fit(X, y)


def _blobs():
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1], [80, 20])
    return rng.normal(size=(100, 3)) + y[:, None], y
