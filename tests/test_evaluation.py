"""imbtune.evaluation: no leakage into resampling, model fits, calibration or threshold."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold

import imbtune.evaluation as evaluation
from imbtune.classifiers import ClassifierSpec
from imbtune.decision import Calibrator, ThresholdRule, make_rule
from imbtune.evaluation import PipelineConfig, Problem, crossfit_scores, evaluate
from imbtune.metrics import get_metric
from imbtune.resamplers import RESAMPLERS, ResamplerSpec

_REAL_FIT_DECISION = evaluation.fit_decision

# Rows carry their index in column "row_id"; recorders note which ids reach them.
SEEN = {}


class RecordingSampler(BaseEstimator):
    """Wraps a built-in resampler and records the row ids it receives."""

    def __init__(self, token="", inner="none"):
        self.token = token
        self.inner = inner

    def fit_resample(self, X, y):
        SEEN.setdefault(self.token, []).append(np.asarray(X)[:, :3].copy())
        return X, y


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """Records the row ids it is fitted on; its probabilities encode row ids."""

    def __init__(self, token="", n_rows=1):
        self.token = token
        self.n_rows = n_rows

    def fit(self, X, y):
        SEEN.setdefault(self.token, []).append(np.asarray(X)[:, :3].copy())
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        ids = X[:, 0]
        first = (ids + 1.0) / (self.n_rows + 2.0)  # unique per row, in (0, 1)
        k = len(self.classes_)
        rest = np.repeat(((1 - first) / (k - 1))[:, None], k - 1, axis=1)
        return np.column_stack([first, rest])


def _ids(rows, reference):
    """Ids of the original rows among ``rows`` (columns row_id, signal, noise).

    A row counts as original row ``i`` only if all three columns equal row
    ``i`` of ``reference``: a synthetic SMOTE row may well get an integer
    ``row_id`` by interpolation, but not the signal and noise of that row.
    """
    rows = np.concatenate(rows) if rows else np.empty((0, 3))
    ids = np.round(rows[:, 0]).astype(int)
    candidate = np.isclose(rows[:, 0], ids) & (ids >= 0) & (ids < len(reference))
    ids, rows = ids[candidate], rows[candidate]
    same = np.isclose(rows, reference[ids], rtol=1e-6, atol=1e-9).all(axis=1)
    return set(ids[same].tolist())


def _problem(n, minority, n_splits, n_classes, seed, scoring="macro_f1", n_repeats=1):
    rng = np.random.RandomState(seed)
    y = np.zeros(n, int)
    y[:minority] = 1
    if n_classes == 3:
        y[minority:2 * minority] = 2
    rng.shuffle(y)
    X = pd.DataFrame({"row_id": np.arange(n, dtype=float),
                      "signal": y + rng.normal(size=n),
                      "noise": rng.normal(size=n)})
    if n_repeats == 1:
        splitter = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
    else:
        splitter = RepeatedStratifiedKFold(
            n_splits=n_splits, n_repeats=n_repeats, random_state=seed
        )
    folds = list(splitter.split(X, y))
    metric = get_metric(scoring)
    pos = 1 if n_classes == 2 else None
    return Problem(X, y, folds, metric, pos, random_state=seed)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(60, 160),
    minority=st.integers(8, 20),
    n_splits=st.integers(2, 5),
    n_classes=st.sampled_from([2, 3]),
    resampler=st.sampled_from(["none", "random_over", "random_under", "smote", "tomek", "enn"]),
    seed=st.integers(0, 10_000),
    n_repeats=st.integers(1, 2),
)
# SMOTE here interpolates a synthetic row to an integer row_id (86, a validation row)
@example(n=142, minority=16, n_splits=2, n_classes=3, resampler="smote", seed=1,
         n_repeats=1)
def test_validation_rows_never_reach_a_resampler_or_a_model_fit(
    n, minority, n_splits, n_classes, resampler, seed, n_repeats
):
    problem = _problem(n, minority, n_splits, n_classes, seed, n_repeats=n_repeats)
    token = f"{seed}-{resampler}-{n}-{n_splits}"
    SEEN.clear()
    # record what enters the resampler, then run the real one
    spec = RESAMPLERS[resampler]

    class Recorded(ResamplerSpec):
        def build(self, params, ctx):
            real = spec.build(params, ctx)

            class Chain:
                def fit_resample(self, X, y):
                    RecordingSampler(token + "r").fit_resample(X, y)
                    return real.fit_resample(X, y) if real is not None else (X, y)

            return Chain()

    config = PipelineConfig(
        Recorded(resampler, None, spec.space, needs_finite=spec.needs_finite),
        {"ratio": 0.7} if "ratio" in spec.space else {},
        ClassifierSpec("rec", RecordingClassifier(token + "c", n), weighting=None,
                       native_categorical=True),
        {},
    )
    for k, (train, valid) in enumerate(problem.folds):
        SEEN.clear()
        X_train, X_valid, mask = problem.encoded_fold(k, config.needs_impute())
        evaluation.fit_final_model(
            config, X_train, problem.y[train], mask, problem.n_classes, seed
        )
        reference = problem.X[["row_id", "signal", "noise"]].to_numpy(float)
        into_resampler = _ids(SEEN[token + "r"], reference)
        into_model = _ids(SEEN[token + "c"], reference)
        assert into_resampler == set(train)
        assert into_model and into_model <= set(train)
        assert not (into_model | into_resampler) & set(valid)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n=st.integers(50, 150),
    n_splits=st.integers(2, 5),
    n_classes=st.sampled_from([2, 3]),
    calibration=st.sampled_from(["none", "sigmoid", "isotonic"]),
    scoring=st.sampled_from(["macro_f1", "pr_auc", "balanced_accuracy"]),
    seed=st.integers(0, 10_000),
    n_repeats=st.integers(1, 3),
)
def test_no_row_is_scored_by_a_calibrator_or_rule_fitted_on_it(
    n, n_splits, n_classes, calibration, scoring, seed, n_repeats, monkeypatch
):
    """Also with repeated K-fold, where every row is out of fold once per
    repetition: a decision fitted on one repetition's other folds has never
    seen a scored row, in any repetition."""
    problem = _problem(n, 12, n_splits, n_classes, seed, scoring=scoring,
                       n_repeats=n_repeats)
    config = PipelineConfig("none", {}, ClassifierSpec(
        "rec", RecordingClassifier("unused", n), weighting=None, native_categorical=True
    ), {})
    oof = evaluation.out_of_fold(problem, config)

    def row_ids(proba):
        return set(np.round(proba[:, 0] * (n + 2) - 1).astype(int))

    checked = []
    real_fit_decision = _REAL_FIT_DECISION

    def recording_fit_decision(problem_, oof_rows, y_rows, calibration_, *args, **kwargs):
        calibrator, rule = real_fit_decision(
            problem_, oof_rows, y_rows, calibration_, *args, **kwargs
        )
        fitted_on = row_ids(oof_rows)
        real_transform = calibrator.transform

        def transform(proba):
            scored = row_ids(proba)
            assert not scored & fitted_on, "a row was scored by a decision fitted on it"
            checked.append(len(scored))
            return real_transform(proba)

        calibrator.transform = transform
        return calibrator, rule

    with monkeypatch.context() as patch:  # undone after each hypothesis example
        patch.setattr(evaluation, "fit_decision", recording_fit_decision)
        scores, _ = crossfit_scores(problem, oof, calibration)
    assert len(scores) == n_splits * n_repeats
    assert sum(checked) == n * n_repeats  # every row scored once per repetition


def _fold_scores(problem, oof, calibration, leaky=False, exact=False):
    """Each fold scored by a calibrator and rule fitted on the other folds
    (honest), or, with ``leaky=True``, on the very fold it scores. With
    ``exact=True`` a binary threshold is the exact maximum on its fitting
    rows, not the search's smoothed one."""
    scores = []
    for train, valid in problem.folds:
        fit_rows = valid if leaky else train
        cal = Calibrator(calibration, problem.pos).fit(oof[fit_rows], problem.y[fit_rows])
        if exact and problem.n_classes == 2:
            rule = ThresholdRule(problem.rule_metric, problem.pos, smoothing=0)
        else:
            rule = make_rule(problem.rule_metric, problem.n_classes, problem.pos)
        rule.fit(cal.transform(oof[fit_rows]), problem.y[fit_rows])
        pred = rule.predict(cal.transform(oof[valid]))
        scores.append(problem.metric.score_labels(problem.y[valid], pred, problem.n_classes))
    return scores


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("calibration", ["none", "sigmoid", "isotonic"])
def test_reported_score_is_not_computed_on_the_rows_that_chose_the_threshold(
    n_classes, calibration
):
    """On scores with no signal at all, a decision fitted on the scored rows
    looks better than chance; the reported (cross-fitted) score does not."""
    n = 600
    problem = _problem(n, 60, 5, n_classes, seed=3)
    rng = np.random.RandomState(0)
    oof = rng.dirichlet(np.ones(n_classes), n)  # pure noise
    reported, _ = crossfit_scores(problem, oof, calibration)
    np.testing.assert_allclose(reported, _fold_scores(problem, oof, calibration))
    chance = np.mean(reported)
    # The leak at its plainest: the decision that fits the scored rows best.
    leaky = np.mean(_fold_scores(problem, oof, calibration, leaky=True, exact=True))
    assert leaky > chance + 0.05
    assert chance < 0.55
    # The search's own (smoothed) threshold leaks less when fitted on the
    # scored rows (binary, no calibration: +0.050 against +0.060), but it leaks.
    leaky_smoothed = np.mean(_fold_scores(problem, oof, calibration, leaky=True))
    assert leaky_smoothed > chance + 0.03


def test_evaluate_picks_calibration_and_breaks_ties_by_brier(breast_cancer):
    X, y = breast_cancer
    y = np.asarray(y)
    folds = list(StratifiedKFold(4, shuffle=True, random_state=0).split(X, y))
    problem = Problem(X, y, folds, get_metric("pr_auc"), pos=1, random_state=0)
    config = PipelineConfig("random_over", {"ratio": 1.0}, "lightgbm",
                            {"n_estimators": 50}, 0.0)
    result = evaluate(problem, config)
    scores = result.calibration_scores
    # a monotone Platt map leaves every fold's PR-AUC as it was ...
    assert scores["sigmoid"] == pytest.approx(scores["none"], abs=1e-9)
    # ... so the better-calibrated probabilities (lower Brier score) win the tie
    best = max(scores.values())
    tied = [c for c, v in scores.items() if v == pytest.approx(best, abs=1e-9)]
    briers = {c: np.mean(crossfit_scores(problem, result.oof, c)[1]) for c in tied}
    assert result.calibration == min(briers, key=briers.get)
    assert result.score == pytest.approx(max(scores.values()), abs=1e-9)
    assert result.oof.shape == (len(y), 2)
    assert 0 < result.rule.threshold_ < 1


def test_encoded_folds_are_cached_per_imputation(thyroid_mixed):
    X, y = thyroid_mixed
    y = np.asarray(y)
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    problem = Problem(X, y, folds, get_metric("macro_f1"), pos=1, random_state=0)
    a = problem.encoded_fold(0, impute=False)
    assert problem.encoded_fold(0, impute=False) is a
    b = problem.encoded_fold(0, impute=True)
    assert np.isnan(a[0]).any() and not np.isnan(b[0]).any()
    assert b[0].shape[1] > a[0].shape[1]  # missing indicators


class FingerprintClassifier(ClassifierMixin, BaseEstimator):
    """Predicts, for every row, a number that identifies its training rows."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        ids = np.asarray(X)[:, 0]
        self.print_ = float(np.sum(np.sin(ids + 1.0)) % 1.0) * 0.9 + 0.05
        return self

    def predict_proba(self, X):
        p = np.full(len(X), self.print_)
        return np.column_stack([1 - p, p])


def test_repeated_folds_give_one_block_of_oof_rows_per_repetition():
    problem = _problem(90, 15, 3, 2, seed=4, n_repeats=3)
    assert problem.n_repeats == 3 and len(problem.folds) == 9
    np.testing.assert_array_equal(problem.oof_y, np.tile(problem.y, 3))
    config = PipelineConfig("none", {}, ClassifierSpec(
        "print", FingerprintClassifier(), weighting=None, native_categorical=True
    ), {})
    oof = evaluation.out_of_fold(problem, config)
    assert oof.shape == (270, 2)
    for k, (train, valid) in enumerate(problem.folds):
        expected = FingerprintClassifier().fit(problem.X.to_numpy()[train], problem.y[train])
        block = k // 3  # RepeatedStratifiedKFold: the 3 folds of a repetition in a row
        np.testing.assert_allclose(oof[block * 90 + valid, 1], expected.print_)
        np.testing.assert_array_equal(problem.oof_folds[k][1], block * 90 + valid)
    result = evaluate(problem, config, calibrations=["none"])
    assert len(result.fold_scores) == 9


@pytest.mark.parametrize("classifier, params", [
    ("lightgbm", {"n_estimators": 80, "learning_rate": 0.3, "num_leaves": 8,
                  "subsample": 0.8}),
    ("xgboost", {"n_estimators": 80, "learning_rate": 0.3, "max_depth": 3,
                 "subsample": 0.8}),
])
@pytest.mark.parametrize("metric", ["pr_auc", "macro_f1"])
def test_selected_rounds_score_exactly_as_a_model_of_that_many_rounds(
    thyroid_mixed, classifier, params, metric
):
    # A trial that picks k of its n rounds must report what a k-round model
    # scores, or the search would refit something other than what it scored.
    X, y = thyroid_mixed
    y = np.asarray(y)
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    problem = Problem(X, y, folds, get_metric(metric), pos=1, random_state=0)
    config = PipelineConfig("none", {}, classifier, params, 0.5)
    assert config.classifier_spec.round_checkpoints(params) == [10, 20, 40, 60, 80]
    staged = evaluation.out_of_fold(problem, config, rounds=[10, 20, 40, 60, 80])
    result = evaluate(problem, config, select_rounds=True)
    assert result.rounds in staged
    def short_config(rounds):
        return PipelineConfig("none", {}, classifier, {**params, "n_estimators": rounds}, 0.5)

    for rounds in (10, result.rounds, 80):
        np.testing.assert_allclose(staged[rounds],
                                   evaluation.out_of_fold(problem, short_config(rounds)),
                                   rtol=1e-6, atol=1e-7)
    plain = evaluate(problem, short_config(result.rounds))
    assert result.score == pytest.approx(plain.score, abs=1e-9)
    assert result.calibration == plain.calibration
    np.testing.assert_allclose(result.oof, plain.oof, rtol=1e-6, atol=1e-7)
    # the chosen count is the best of the five before calibration (first of
    # the best: fewest rounds); without selection, every round is used
    uncalibrated = {r: np.mean(crossfit_scores(problem, oof, "none")[0])
                    for r, oof in staged.items()}
    best = max(uncalibrated.values())
    assert result.rounds == min(r for r, v in uncalibrated.items()
                                if v == pytest.approx(best, abs=1e-9))
    assert evaluate(problem, config).rounds is None


def test_round_checkpoints_only_for_boosters_with_n_estimators():
    from imbtune.classifiers import CLASSIFIERS

    assert CLASSIFIERS["lightgbm"].round_checkpoints({"n_estimators": 50}) == [10, 12, 25, 38, 50]
    assert CLASSIFIERS["xgboost"].round_checkpoints({"n_estimators": 8}) == [8]
    assert CLASSIFIERS["lightgbm"].round_checkpoints({"learning_rate": 0.1}) is None
    for name in ("logreg", "random_forest", "extra_trees"):
        assert CLASSIFIERS[name].round_checkpoints({"n_estimators": 300}) is None


def test_no_model_is_fitted_after_a_resampling_that_spent_the_budget():
    # A model that cannot be stopped part-way (a forest, then), fitted after
    # a slow resampling, overran timeout=8 by 50 s.
    import time

    from imbtune.classifiers import DeadlineExceeded

    fitted = []

    class SlowSampler:
        def fit_resample(self, X, y):
            time.sleep(0.3)
            return X, y

    class Recording(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            fitted.append(len(y))
            self.classes_ = np.unique(y)
            return self

        def predict_proba(self, X):
            return np.full((len(X), 2), 0.5)

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 3)), np.r_[np.zeros(50, int), np.ones(10, int)]
    config = PipelineConfig(ResamplerSpec("slow", SlowSampler()), {},
                            ClassifierSpec("rec", Recording(), weighting=None), {})
    with pytest.raises(DeadlineExceeded):
        evaluation.fit_final_model(config, X, y, np.zeros(3, bool), 2, 0,
                                   deadline=time.monotonic() + 0.1)
    assert fitted == []
    evaluation.fit_final_model(config, X, y, np.zeros(3, bool), 2, 0,
                               deadline=time.monotonic() + 10)
    assert fitted == [60]


@pytest.mark.parametrize("name", ["xgboost", "random_forest", "extra_trees"])
def test_values_past_float32_are_named_for_the_models_that_read_float32(name):
    # XGBoost failed with "Input data contains inf" from C++, the forests
    # with scikit-learn's "value too large for dtype('float32')".
    from imbtune.classifiers import CLASSIFIERS

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 3)), np.r_[np.zeros(45, int), np.ones(15, int)]
    X[:, 1] *= 1e39  # finite in float64
    X[0, 2] = np.nan
    config = PipelineConfig(RESAMPLERS["none"], {}, CLASSIFIERS[name], {})
    with pytest.raises(ValueError, match=r"X holds values as large as .*e\+39, past the "
                                         rf"float32 range .* that {name} reads X in"):
        evaluation.fit_final_model(config, X, y, np.zeros(3, bool), 2, 0)
    X[:, 1] /= 1e10  # 1e29: within float32's range
    evaluation.fit_final_model(config, X, y, np.zeros(3, bool), 2, 0)
