"""imbtune.decision: calibrators, the binary threshold and multiclass weights."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import brier_score_loss

from imbtune.decision import (
    Calibrator,
    ClassWeightRule,
    FixedThresholdRule,
    ThresholdRule,
    make_rule,
)
from imbtune.metrics import get_metric


def _miscalibrated(n=4000, seed=0):
    rng = np.random.RandomState(seed)
    y = (rng.rand(n) < 0.1).astype(int)
    true_p = np.clip(0.1 + 0.6 * y + rng.normal(0, 0.15, n), 0.01, 0.99)
    # Over-sampled models are over-confident in the rare class: p' = p ** 0.3.
    p = true_p**0.3
    return np.column_stack([1 - p, p]), y


@pytest.mark.parametrize("method", ["sigmoid", "isotonic"])
def test_calibration_improves_brier_on_held_out_rows(method):
    proba, y = _miscalibrated(seed=0)
    test_proba, test_y = _miscalibrated(seed=1)
    calibrator = Calibrator(method, pos=1).fit(proba, y)
    before = brier_score_loss(test_y, test_proba[:, 1])
    after = brier_score_loss(test_y, calibrator.transform(test_proba)[:, 1])
    assert after < 0.8 * before
    out = calibrator.transform(test_proba)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)


def test_calibration_none_is_identity_and_unknown_is_refused():
    proba, y = _miscalibrated()
    assert Calibrator("none", pos=1).fit(proba, y).transform(proba) is proba
    with pytest.raises(ValueError, match="Unknown calibration 'platt'"):
        Calibrator("platt", pos=1)


def test_multiclass_calibration_rows_sum_to_one():
    rng = np.random.RandomState(0)
    y = rng.choice(3, 600, p=[0.8, 0.15, 0.05])
    proba = rng.dirichlet(np.ones(3), 600)
    proba[np.arange(600), y] += 0.5
    proba /= proba.sum(1, keepdims=True)
    for method in ["sigmoid", "isotonic"]:
        out = Calibrator(method).fit(proba, y).transform(proba)
        np.testing.assert_allclose(out.sum(axis=1), 1.0)
        assert (out >= 0).all()


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 20).map(lambda v: v / 20), st.booleans()),
        min_size=2,
        max_size=50,
    ),
    st.sampled_from(["macro_f1", "balanced_accuracy", "gmean"]),
)
def test_threshold_rule_finds_the_best_cut(rows, name):
    """On the rows it is fitted on, the rule reaches the best score any cut gives."""
    p = np.array([r[0] for r in rows])
    y = np.array([int(r[1]) for r in rows])
    if y.min() == y.max():
        return
    metric = get_metric(name)
    proba = np.column_stack([1 - p, p])
    rule = ThresholdRule(metric, pos=1, smoothing=0).fit(proba, y)
    cuts = np.r_[np.unique(p), np.inf]
    brute = max(metric.score_labels(y, (p >= c).astype(int), 2) for c in cuts)
    achieved = metric.score_labels(y, rule.predict(proba), 2)
    assert achieved == pytest.approx(brute)
    assert rule.score_ == pytest.approx(brute)


@given(
    st.lists(
        st.tuples(st.integers(0, 30).map(lambda v: v / 30), st.booleans()),
        min_size=2,
        max_size=80,
    ),
    st.sampled_from([1, 2, 3]),
)
def test_threshold_rule_maximises_the_smoothed_curve(rows, smoothing):
    """The rule takes the cut whose score averaged over the cuts within
    ``smoothing`` rows of it is highest (ties in the probabilities make cuts
    sparse), and reports the unsmoothed score of that cut."""
    p = np.array([r[0] for r in rows])
    y = np.array([int(r[1]) for r in rows])
    if y.min() == y.max():
        return
    metric = get_metric("macro_f1")
    proba = np.column_stack([1 - p, p])
    rule = ThresholdRule(metric, pos=1, smoothing=smoothing).fit(proba, y)
    # Option j predicts positive for the j highest distinct values.
    cuts = np.r_[np.inf, np.unique(p)[::-1]]
    curve = np.array([metric.score_labels(y, (p >= c).astype(int), 2) for c in cuts])
    rows_above = np.array([np.sum(p >= c) for c in cuts])
    smoothed = np.array([
        curve[np.abs(rows_above - rows_above[j]) <= smoothing].mean()
        for j in range(len(cuts))
    ])
    chosen = int(np.sum(cuts[1:] >= rule.threshold_))
    assert smoothed[chosen] == pytest.approx(smoothed.max())
    assert rule.score_ == pytest.approx(curve[chosen])


def test_threshold_rule_smooths_by_default():
    """Search and pipelines build their rule through make_rule: smoothed."""
    rule = make_rule(get_metric("macro_f1"), 2, 1)
    assert isinstance(rule, ThresholdRule) and rule.smoothing == 2


def test_threshold_rule_positive_class_zero():
    """With pos=0 the rule thresholds column 0 and predicts 0 above it."""
    rng = np.random.RandomState(0)
    y = (rng.rand(300) < 0.8).astype(int)  # class 0 is the minority
    p0 = np.clip(0.2 + 0.5 * (y == 0) + rng.normal(0, 0.1, 300), 0, 1)
    proba = np.column_stack([p0, 1 - p0])
    rule = ThresholdRule(get_metric("macro_f1"), pos=0).fit(proba, y)
    pred = rule.predict(proba)
    assert set(pred[p0 >= rule.threshold_]) <= {0}
    assert get_metric("macro_f1").score_labels(y, pred, 2) > 0.9


def test_class_weight_rule_beats_argmax_on_skewed_multiclass():
    rng = np.random.RandomState(0)
    y = rng.choice(3, 3000, p=[0.85, 0.1, 0.05])
    logits = rng.normal(0, 1, (3000, 3))
    logits[np.arange(3000), y] += 2.0
    logits[:, 0] += 3.0  # a model strongly biased towards the majority
    proba = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    metric = get_metric("macro_f1")
    argmax_score = metric.score_labels(y[2000:], proba[2000:].argmax(1), 3)
    rule = ClassWeightRule(metric).fit(proba[:2000], y[:2000])
    held_out = metric.score_labels(y[2000:], rule.predict(proba[2000:]), 3)
    assert rule.score_ >= metric.score_labels(y[:2000], proba[:2000].argmax(1), 3)
    assert held_out > argmax_score + 0.15
    assert rule.weights_.max() == pytest.approx(1.0)


def test_class_weight_rule_leaves_the_flat_zero_of_gmean():
    # argmax never predicts the two rare classes, so G-mean is 0 and no single
    # weight moves it; from weights of 1 alone the rule stayed at 0.
    rng = np.random.default_rng(0)
    counts = [800, 150, 30, 20]
    y = np.repeat(np.arange(4), counts)
    logits = rng.normal(size=(len(y), 4)) * 0.5
    logits[np.arange(len(y)), y] += 1.0
    logits += 1.5 * np.log(np.array(counts) / sum(counts))
    proba = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    metric = get_metric("gmean")
    assert metric.score_labels(y, proba.argmax(1), 4) == 0.0
    rule = ClassWeightRule(metric).fit(proba, y)
    assert rule.score_ > 0.8
    assert rule.score_ == pytest.approx(metric.score_labels(y, rule.predict(proba), 4))


def test_class_weight_rule_starts_once_where_argmax_s_end_predicts_every_class():
    # The second start costs a second ascent (hundreds of scorer calls), and
    # is only needed where a class is never predicted.
    rng = np.random.default_rng(2)
    y = np.repeat(np.arange(3), [100, 60, 40])
    proba = np.eye(3)[y] * 0.6 + rng.dirichlet(np.ones(3), len(y)) * 0.4
    calls = []
    metric = get_metric("macro_f1")
    real = metric.score_labels
    metric.score_labels = lambda *args: calls.append(1) or real(*args)
    ClassWeightRule(metric, n_rounds=1).fit(proba, y)
    assert len(calls) == 1 + 3 * 25  # one ascent: argmax, then a round of 3 x 25


def test_class_weight_rule_counts_a_scikit_learn_scorer_instead_of_calling_it():
    # scoring="f1_macro" solved the rule by calling the scorer a few hundred
    # times per fit (each call validates its input), on a grid of 9 steps;
    # it now counts the confusion matrix, on macro_f1's grid of 25, and
    # ends where macro_f1 ends.
    rng = np.random.default_rng(3)
    y = rng.choice(3, 600, p=[0.8, 0.12, 0.08])
    logits = rng.normal(0, 1, (600, 3))
    logits[np.arange(600), y] += 1.5
    logits[:, 0] += 2.0
    proba = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    metric = get_metric("f1_macro")
    metric.resolve(y, np.arange(3))
    scorer, calls = metric.scorer, []
    metric.scorer = lambda *args: calls.append(1) or scorer(*args)
    rule = ClassWeightRule(metric).fit(proba, y)
    assert calls == []
    reference = ClassWeightRule(get_metric("macro_f1")).fit(proba, y)
    np.testing.assert_allclose(rule.weights_, reference.weights_)
    assert rule.score_ == pytest.approx(metric.score_labels(y, rule.predict(proba), 3))


def test_class_weight_rule_keeps_argmax_s_end_on_a_tie():
    # Where both starts end equal, the weights are those from argmax.
    rng = np.random.default_rng(1)
    y = np.repeat(np.arange(3), [50, 50, 50])
    proba = np.eye(3)[y] * 0.9 + 0.1 / 3 + rng.uniform(0, 1e-3, (150, 3))
    proba /= proba.sum(1, keepdims=True)
    rule = ClassWeightRule(get_metric("macro_f1")).fit(proba, y)
    assert rule.score_ == 1.0
    np.testing.assert_allclose(rule.weights_, 1.0)


def test_fixed_threshold_and_make_rule():
    metric = get_metric("macro_f1")
    rule = make_rule(metric, 2, 1, threshold=0.3)
    assert isinstance(rule, FixedThresholdRule)
    proba = np.array([[0.8, 0.2], [0.6, 0.4]])
    np.testing.assert_array_equal(rule.fit(proba, np.array([0, 1])).predict(proba), [0, 1])
    assert isinstance(make_rule(metric, 3, None), ClassWeightRule)
    with pytest.raises(ValueError, match="binary"):
        make_rule(metric, 3, None, threshold=0.5)


def test_threshold_rule_never_picks_a_cut_where_the_metric_is_undefined():
    from sklearn.metrics import make_scorer, precision_score

    # Precision with zero_division=np.nan is NaN where nothing is predicted
    # positive; the rule must still find the best defined cut.
    metric = get_metric(make_scorer(precision_score, zero_division=np.nan))
    p = np.array([0.9, 0.8, 0.7, 0.4, 0.3, 0.2, 0.1])
    y = np.array([1, 1, 0, 1, 0, 0, 0])
    rule = ThresholdRule(metric, pos=1, smoothing=0).fit(np.column_stack([1 - p, p]), y)
    assert rule.score_ == 1.0 and 0.7 < rule.threshold_ <= 0.9


def test_threshold_between_adjacent_floats_keeps_the_lower_one_out():
    # (0.3 + its float neighbour below) / 2 rounds onto the neighbour, which
    # then counted as positive; predict must give the score the rule reports.
    metric = get_metric("macro_f1")
    p = np.array([0.3, np.nextafter(0.3, 0)])
    y = np.array([1, 0])
    rule = ThresholdRule(metric, pos=1, smoothing=0).fit(np.column_stack([1 - p, p]), y)
    assert rule.predict(np.column_stack([1 - p, p])).tolist() == [1, 0]
    assert rule.score_ == 1.0


@pytest.mark.parametrize("name", ["macro_f1", "balanced_accuracy", "gmean"])
@pytest.mark.parametrize("y", [[0, 0, 0], [1, 1]])
def test_rows_of_one_class_are_scored_as_the_metric_scores_them(name, y):
    metric = get_metric(name)
    y = np.array(y)
    p = np.linspace(0.2, 0.6, len(y))
    proba = np.column_stack([1 - p, p])
    rule = ThresholdRule(metric, pos=1, smoothing=0).fit(proba, y)
    assert rule.score_ == metric.score_labels(y, rule.predict(proba), 2) == 1.0
