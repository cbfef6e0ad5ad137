"""Calibration of probabilities and the decision rule that turns them into labels.

Both are fitted on out-of-fold probabilities, never on the rows of the
model's own training fit:

* a calibrator (``"none"``, ``"sigmoid"`` -- Platt scaling of the log-odds,
  -- or ``"isotonic"``) maps each class's probability; for more than two
  classes each class is calibrated one-vs-rest and rows are renormalised;
* a :class:`ThresholdRule` (binary) predicts the positive class when its
  probability reaches ``threshold_``, chosen to maximise a label metric;
* a :class:`ClassWeightRule` (multiclass) predicts
  ``argmax_c(w_c * p_c)`` with weights found by coordinate ascent on the
  metric.

Probabilities are arrays of shape (n_samples, n_classes) over encoded
classes ``0..n_classes-1``.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from sklearn.isotonic import IsotonicRegression

__all__ = [
    "CALIBRATIONS",
    "Calibrator",
    "ClassWeightRule",
    "FixedThresholdRule",
    "ThresholdRule",
    "make_rule",
]

CALIBRATIONS = ("none", "sigmoid", "isotonic")
_EPS = 1e-12


def _logit(p):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


class _Platt:
    """Platt scaling on log-odds, with Platt's smoothed targets."""

    def fit(self, p, y):
        f = _logit(p)
        n_pos = y.sum()
        n_neg = len(y) - n_pos
        t = np.where(y == 1, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))

        def loss(ab):
            z = ab[0] * f + ab[1]
            # log(1 + exp(z)) - t * z, computed stably
            value = np.logaddexp(0, z) - t * z
            sig = 0.5 * (1 + np.tanh(0.5 * z))
            grad = sig - t
            return value.sum(), np.array([(grad * f).sum(), grad.sum()])

        start = np.array([1.0, np.log((n_pos + 1.0) / (n_neg + 1.0))])
        result = minimize(loss, start, jac=True, method="L-BFGS-B")
        self.a_, self.b_ = result.x
        return self

    def transform(self, p):
        z = self.a_ * _logit(p) + self.b_
        return 0.5 * (1 + np.tanh(0.5 * z))


class _Isotonic:
    def fit(self, p, y):
        self.iso_ = IsotonicRegression(
            out_of_bounds="clip", y_min=0.0, y_max=1.0, increasing=True
        ).fit(p, y)
        return self

    def transform(self, p):
        return self.iso_.predict(p)


_MAPS = {"sigmoid": _Platt, "isotonic": _Isotonic}


class Calibrator:
    """Maps out-of-fold probabilities to calibrated ones.

    Parameters
    ----------
    method : {"none", "sigmoid", "isotonic"}
        The calibration.
    pos : int or None
        Positive column of a binary problem; ``None`` for multiclass.

    Examples
    --------
    >>> import numpy as np
    >>> from imbtune.decision import Calibrator
    >>> p = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    >>> y = np.array([0, 0, 1, 1])
    >>> Calibrator("isotonic", pos=1).fit(p, y).transform(p)[:, 1]
    array([0., 0., 1., 1.])
    """

    def __init__(self, method, pos=None):
        if method not in CALIBRATIONS:
            raise ValueError(
                f"Unknown calibration {method!r}; use one of {list(CALIBRATIONS)}."
            )
        self.method = method
        self.pos = pos

    def fit(self, proba, y):
        """Fit on probabilities and encoded labels."""
        self.maps_ = []
        if self.method == "none":
            return self
        if self.pos is not None:
            self.maps_ = [_MAPS[self.method]().fit(proba[:, self.pos], y == self.pos)]
        else:
            self.maps_ = [
                _MAPS[self.method]().fit(proba[:, k], y == k)
                for k in range(proba.shape[1])
            ]
        return self

    def transform(self, proba):
        """Calibrated probabilities, rows summing to one."""
        if self.method == "none":
            return proba
        if self.pos is not None:
            p = np.clip(self.maps_[0].transform(proba[:, self.pos]), 0.0, 1.0)
            out = np.empty_like(proba, dtype=float)
            out[:, self.pos] = p
            out[:, 1 - self.pos] = 1.0 - p
            return out
        out = np.column_stack(
            [m.transform(proba[:, k]) for k, m in enumerate(self.maps_)]
        )
        out = np.clip(out, 0.0, None)
        total = out.sum(axis=1, keepdims=True)
        uniform = np.full_like(out, 1.0 / out.shape[1])
        return np.where(total > _EPS, out / np.maximum(total, _EPS), uniform)


def _local_mean(scores, positions, half_width):
    """Mean of the scores of the cuts within ``half_width`` rows of each cut.

    ``positions`` (increasing) is how many rows each cut predicts positive.
    Where probabilities are distinct that is the ``2 * half_width + 1``
    neighbouring cuts (fewer at the ends); where ties leave the cuts far
    apart, fewer cuts, down to the cut alone.
    """
    if half_width <= 0:
        return scores
    total = np.r_[0.0, np.cumsum(scores)]
    lo = np.searchsorted(positions, positions - half_width, side="left")
    hi = np.searchsorted(positions, positions + half_width, side="right")
    return (total[hi] - total[lo]) / (hi - lo)


class ThresholdRule:
    """Binary rule: predict ``pos`` when its probability reaches ``threshold_``.

    The metric is computed at every cut between distinct probabilities of
    the fitting rows, and the cut with the best score *averaged over the
    cuts within* ``smoothing`` *rows of it* is taken (its ``2 * smoothing +
    1`` neighbours where probabilities are distinct): the empirical curve
    of a metric such as F1 is jagged where positives are few, and its
    exact maximum is often a spike that the next rows do not repeat.
    Among equally good cuts the middle one is taken, and the threshold
    sits halfway between neighbouring probabilities.

    Parameters
    ----------
    metric : Metric
        A label metric.
    pos : int
        Positive column.
    smoothing : int, default=2
        Half-width, in rows, of the window over which the metric's curve is
        averaged before its maximum is found; ``0`` takes the exact maximum
        on the fitting rows. ``benchmarks/threshold_smoothing.py`` measures
        it: on 96 (dataset, seed, pipeline) cases of six datasets the
        default raised the cross-fitted macro-F1 by 0.002 on average over
        ``0`` (better in 33 cases, worse in 1); wider windows gained more
        there (0.004 at 10 rows) but were worse in more cases (15).
    """

    def __init__(self, metric, pos, smoothing=2):
        self.metric = metric
        self.pos = pos
        self.smoothing = smoothing

    def fit(self, proba, y):
        p = proba[:, self.pos]
        positive = y == self.pos
        order = np.argsort(-p, kind="mergesort")
        p_sorted = p[order]
        pos_sorted = positive[order]
        # Group ties: a cut can only fall between distinct values.
        last_of_group = np.r_[p_sorted[1:] != p_sorted[:-1], True]
        tp = np.cumsum(pos_sorted)[last_of_group]
        fp = np.cumsum(~pos_sorted)[last_of_group]
        values = p_sorted[last_of_group]
        tp = np.r_[0, tp]
        fp = np.r_[0, fp]
        n_pos = positive.sum()
        n_neg = len(y) - n_pos
        fn = n_pos - tp
        tn = n_neg - fp
        # The curves average over both classes; with rows of one class only
        # (as scikit-learn's scores do) the metric itself is called instead.
        scores = (
            self.metric.threshold_curve(tp, fp, tn, fn, pos=self.pos)
            if n_pos and n_neg else None
        )
        if scores is None:
            # Scored at a subset of the cuts only: nothing to average over.
            scores = self._scores_by_calls(p, y, values)
            ranked = scores
        else:
            ranked = _local_mean(scores, tp + fp, self.smoothing)
        # A cut where the metric is undefined (NaN: a scorer made with
        # zero_division=np.nan, say) is never chosen; nor is a window around it.
        ranked = np.where(np.isnan(ranked), -np.inf, ranked)
        best = np.flatnonzero(ranked >= ranked.max() - 1e-12)
        j = int(best[len(best) // 2])
        # Option j predicts positive for the top j groups of distinct values.
        if j == 0:
            self.threshold_ = float(np.nextafter(values[0], np.inf))
        elif j == len(values):
            self.threshold_ = float(values[-1] / 2.0)
        else:
            middle = (values[j - 1] + values[j]) / 2.0
            # Two adjacent floats have no float between them: the middle
            # rounds onto one of them, and it must not be the lower.
            self.threshold_ = float(middle if middle > values[j] else values[j - 1])
        self.score_ = float(scores[j])
        return self

    def _scores_by_calls(self, p, y, values, max_candidates=64):
        # A metric without a vectorised curve: score a subset of the cuts.
        n_options = len(values) + 1
        options = np.unique(
            np.linspace(0, n_options - 1, min(n_options, max_candidates)).round()
        ).astype(int)
        scores = np.full(n_options, -np.inf)
        for j in options:
            cut = np.inf if j == 0 else values[j - 1]
            y_pred = np.where(p >= cut, self.pos, 1 - self.pos)
            scores[j] = self.metric.score_labels(y, y_pred, 2)
        return scores

    def predict(self, proba):
        return np.where(proba[:, self.pos] >= self.threshold_, self.pos, 1 - self.pos)


class FixedThresholdRule:
    """Binary rule with a threshold set by the user."""

    def __init__(self, threshold, pos):
        self.threshold_ = float(threshold)
        self.pos = pos

    def fit(self, proba, y):
        return self

    def predict(self, proba):
        return np.where(proba[:, self.pos] >= self.threshold_, self.pos, 1 - self.pos)


class ClassWeightRule:
    """Multiclass rule: ``argmax_c(w_c * p_c)`` with weights tuned for the metric.

    Coordinate ascent over log-weights: for each class in turn, the weight
    that maximises the metric on a grid around its current value is kept;
    a few rounds settle it. The ascent starts from weights of 1 (plain
    argmax, so the rule is never worse than argmax on the rows it is fitted
    on). Where its end still never predicts a class of ``y``, it starts
    again from the inverse class frequencies (balanced) and the better end
    is kept (argmax's on a tie): a metric such as G-mean is flat at 0 while
    a class is never predicted, and no single weight then moves it off 0.

    Parameters
    ----------
    metric : Metric
        A label metric.
    n_rounds : int, default=3
        Passes over the classes.
    """

    def __init__(self, metric, n_rounds=3):
        self.metric = metric
        self.n_rounds = n_rounds

    def fit(self, proba, y):
        n_classes = proba.shape[1]
        log_p = np.log(np.clip(proba, _EPS, None))
        w = np.zeros(n_classes)
        # imbtune's own metrics, and scikit-learn scorers that count a
        # confusion matrix, are cheap to call; another scorer may not be (its
        # input validation alone takes milliseconds), so it gets a coarser grid.
        cheap = self.metric.cheap_labels
        grid = np.linspace(-3.0, 3.0, 25 if cheap else 9)

        def score(weights):
            return self.metric.rule_score(y, np.argmax(log_p + weights, axis=1), n_classes)

        def ascend(w):
            best = score(w)
            for _ in range(self.n_rounds):
                improved = False
                for k in range(n_classes):
                    base = w[k]
                    for step in grid:
                        trial = w.copy()
                        trial[k] = base + step
                        value = score(trial)
                        if value > best + 1e-12:
                            best, w, improved = value, trial, True
                if not improved:
                    break
            return best, w

        best, w = ascend(w)
        counts = np.bincount(y, minlength=n_classes)
        predicted = np.bincount(np.argmax(log_p + w, axis=1), minlength=n_classes)
        if np.any((counts > 0) & (predicted == 0)):  # a class left out: try balanced
            prior = np.maximum(counts, 1) / max(counts.sum(), 1)
            balanced_best, balanced_w = ascend(-np.log(prior))
            if balanced_best > best + 1e-12:
                best, w = balanced_best, balanced_w
        w -= w.max()
        self.weights_ = np.exp(w)
        self.score_ = float(best)
        return self

    def predict(self, proba):
        return np.argmax(np.log(np.clip(proba, _EPS, None)) + np.log(self.weights_), axis=1)


def make_rule(metric, n_classes, pos, threshold="auto"):
    """The decision rule for a problem: threshold (binary) or class weights."""
    if n_classes == 2:
        if threshold != "auto":
            return FixedThresholdRule(threshold, pos)
        return ThresholdRule(metric, pos)
    if threshold != "auto":
        raise ValueError(
            "A fixed threshold only applies to binary problems; leave "
            "threshold='auto' for multiclass, which tunes per-class weights."
        )
    return ClassWeightRule(metric)
