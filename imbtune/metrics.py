"""Metrics that mean something under imbalance, and the scorers built on them.

Public functions take labels or scores the way scikit-learn's metrics do:

* :func:`macro_f1` -- unweighted mean of the per-class F1 scores;
* :func:`balanced_accuracy` -- mean of the per-class recalls;
* :func:`gmean` -- geometric mean of the per-class recalls;
* :func:`pr_auc` -- area under the precision-recall curve (average
  precision); for more than two classes the unweighted mean of the
  one-vs-rest average precisions.

:func:`get_scorer` turns a name into a scikit-learn scorer, so the same
numbers are available to ``cross_validate`` or ``GridSearchCV``.

Inside imbtune a metric is a :class:`Metric`: it knows whether it scores
labels or probabilities, and for labels it can score every candidate
threshold of a binary problem in one vectorised pass; :func:`scorer_curve`
gives that pass to the scikit-learn scorers that score labels through the
binary confusion counts alone, and :func:`scorer_confusion` scores the
candidate rules of a multiclass problem from the confusion matrix for the
scorers that need nothing else.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import warnings
from functools import partial

import numpy as np
from sklearn import metrics as _sk_metrics
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    f1_score,
    get_scorer_names,
    make_scorer,
    recall_score,
)
from sklearn.metrics import get_scorer as _sk_get_scorer
from sklearn.metrics._scorer import (
    _BaseScorer,  # for set_score_request (see _PRAUCScorer)
    _Scorer,  # make_scorer's: its score function is known
)

__all__ = [
    "METRICS",
    "Metric",
    "balanced_accuracy",
    "get_metric",
    "get_scorer",
    "gmean",
    "macro_f1",
    "pr_auc",
    "scorer_confusion",
    "scorer_curve",
]


def macro_f1(y_true, y_pred, *, sample_weight=None):
    """Macro-averaged F1: the unweighted mean of every class's F1 score.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights.

    Returns
    -------
    score : float
        In [0, 1]; a class never predicted and never present counts 0.

    Examples
    --------
    >>> from imbtune.metrics import macro_f1
    >>> round(macro_f1([0, 0, 0, 1], [0, 0, 1, 1]), 3)
    0.733
    """
    return float(f1_score(y_true, y_pred, average="macro", zero_division=0,
                          sample_weight=sample_weight))


def balanced_accuracy(y_true, y_pred, *, sample_weight=None):
    """Balanced accuracy: the mean of the per-class recalls.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights.

    Returns
    -------
    score : float
        In [0, 1]; 1 / n_classes for a constant prediction of a class of
        ``y_true`` (0 for one of a class it lacks).

    Examples
    --------
    >>> from imbtune.metrics import balanced_accuracy
    >>> balanced_accuracy([0, 0, 0, 1], [0, 0, 1, 1])
    0.8333333333333333
    """
    return float(balanced_accuracy_score(y_true, y_pred, sample_weight=sample_weight))


def gmean(y_true, y_pred, *, sample_weight=None):
    """Geometric mean of the per-class recalls (G-mean).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights.

    Returns
    -------
    score : float
        In [0, 1]; 0 as soon as one class is never recognised.

    Examples
    --------
    >>> from imbtune.metrics import gmean
    >>> round(gmean([0, 0, 0, 1], [0, 0, 1, 1]), 3)
    0.816
    """
    recalls = recall_score(y_true, y_pred, average=None, zero_division=0,
                           sample_weight=sample_weight)
    return float(np.prod(recalls) ** (1.0 / len(recalls)))


def _average_precision(is_pos, score, sample_weight=None):
    """Average precision of a boolean target, as scikit-learn's
    ``average_precision_score`` computes it (tied scores form one threshold),
    without its input validation: the greedy ensemble calls it thousands of
    times. Weighted rows: scikit-learn's own."""
    is_pos = np.asarray(is_pos, dtype=bool)
    score = np.asarray(score, dtype=float)
    if sample_weight is not None:
        return float(average_precision_score(is_pos, score, sample_weight=sample_weight))
    n_pos = np.count_nonzero(is_pos)
    if n_pos == 0 or not np.all(np.isfinite(score)):
        # scikit-learn's warning (no positives) or error (NaN/inf) is the answer
        return float(average_precision_score(is_pos, score))
    order = np.argsort(-score, kind="mergesort")
    ranked = score[order]
    # the last row of each run of equal scores closes a threshold
    ends = np.r_[np.flatnonzero(np.diff(ranked)), len(ranked) - 1]
    tps = np.cumsum(is_pos[order])[ends]
    precision = tps / (ends + 1.0)
    recall_gain = np.diff(tps, prepend=0) / n_pos
    return float(np.sum(recall_gain * precision))


def pr_auc(y_true, y_score, *, labels=None, pos_label=None, sample_weight=None):
    """Area under the precision-recall curve (average precision).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
        Scores. A 1-D array scores the positive class of a binary problem.
        A 2-D array has one column per label of ``labels``.
    labels : array-like, default=None
        The labels of the columns of a 2-D ``y_score``; default the sorted
        unique values of ``y_true``.
    pos_label : int, str or None, default=None
        Positive class of a binary problem; default the greater label, as in
        scikit-learn.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights.

    Returns
    -------
    score : float
        Average precision for two classes; for more, the unweighted mean of
        the one-vs-rest average precisions (classes absent from ``y_true``
        are skipped).

    Examples
    --------
    >>> from imbtune.metrics import pr_auc
    >>> pr_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.8333333333333333
    """
    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score, dtype=float)
    if labels is None:
        labels = np.unique(y_true)
        if len(labels) < 2 and pos_label is None:
            # The greater label of one is no positive class: say which it is.
            raise ValueError(
                f"y_true holds one class only ({labels.tolist()}), so the positive "
                "class cannot be read from it; pass pos_label= (or labels=, the "
                "classes in the column order of y_score)."
            )
    else:
        labels = np.asarray(labels)
        unknown = np.setdiff1d(np.unique(y_true), labels)
        if len(unknown):
            raise ValueError(
                f"y_true holds label(s) {unknown.tolist()} that labels= lacks; "
                "labels= names every class, in the column order of y_score."
            )
    if pos_label is not None and len(labels) >= 2 and not np.any(labels == pos_label):
        raise ValueError(
            f"pos_label={pos_label!r} is not one of the labels {labels.tolist()}."
        )
    if y_score.ndim == 1:
        if len(labels) > 2:
            raise ValueError(
                f"A 1-D y_score scores the positive class of a binary problem, but "
                f"there are {len(labels)} labels; give one column per class, "
                "shape (n_samples, n_classes)."
            )
        if pos_label is None:
            pos_label = np.unique(labels)[-1]  # the greater, in any order of labels
        return _average_precision(y_true == pos_label, y_score, sample_weight)
    if y_score.shape[1] != len(labels):
        raise ValueError(
            f"y_score has {y_score.shape[1]} columns but there are {len(labels)} "
            "labels; pass labels= in the column order of y_score."
        )
    if len(labels) == 2:
        pos_label = np.unique(labels)[-1] if pos_label is None else pos_label
        column = int(np.flatnonzero(labels == pos_label)[0])
        return _average_precision(y_true == pos_label, y_score[:, column], sample_weight)
    if pos_label is not None:
        raise ValueError(
            f"pos_label={pos_label!r} names the positive class of two, but there "
            f"are {len(labels)} labels, each scored one-vs-rest; leave pos_label "
            "out."
        )
    scores = [
        _average_precision(y_true == label, y_score[:, k], sample_weight)
        for k, label in enumerate(labels)
        if np.any(y_true == label)
    ]
    return float(np.mean(scores))


# --------------------------------------------------------------------------
# Internal metric objects
# --------------------------------------------------------------------------


def _safe_div(num, den):
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _curve_macro_f1(tp, fp, tn, fn):
    f1_pos = _safe_div(2 * tp, 2 * tp + fp + fn)
    f1_neg = _safe_div(2 * tn, 2 * tn + fn + fp)
    return (f1_pos + f1_neg) / 2


def _curve_balanced_accuracy(tp, fp, tn, fn):
    return (_safe_div(tp, tp + fn) + _safe_div(tn, tn + fp)) / 2


def _curve_gmean(tp, fp, tn, fn):
    return np.sqrt(_safe_div(tp, tp + fn) * _safe_div(tn, tn + fp))


# scikit-learn's label scorers of a binary problem as vectorised curves over
# thresholds, so that a threshold is solved in one pass instead of 64 calls
# of the scorer (each call validates its input: about 10 ms, which made a
# trial with scoring="f1" on 569 rows spend nine tenths of its time choosing
# thresholds). Arguments are the counts with label 1 as the positive class,
# as scikit-learn's binary scorers count them (tp, fp, tn, fn); their
# zero_division default scores an undefined ratio 0, as _safe_div does.


# The curves are module-level functions, or partials of them, so that a
# fitted model holding its metric pickles.


def _fbeta(beta, tp, fp, tn, fn):
    b2 = float(beta) ** 2
    return _safe_div((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp)


def _f1(tp, fp, tn, fn):
    return _fbeta(1, tp, fp, tn, fn)


def _precision(tp, fp, tn, fn):
    return _safe_div(tp, tp + fp)


def _recall(tp, fp, tn, fn):
    return _safe_div(tp, tp + fn)


def _jaccard(tp, fp, tn, fn):
    return _safe_div(tp, tp + fp + fn)


def _accuracy(tp, fp, tn, fn):
    return _safe_div(tp + tn, tp + fp + tn + fn)


def _averaged(per_class, average, tp, fp, tn, fn):
    """A per-class score averaged over both classes as scikit-learn's
    ``average=`` does (class 0's counts are class 1's, roles swapped)."""
    one, zero = per_class(tp, fp, tn, fn), per_class(tn, fn, tp, fp)
    if average == "macro":
        return (one + zero) / 2
    support_one, support_zero = tp + fn, tn + fp  # true rows of each class
    return _safe_div(support_one * one + support_zero * zero, support_one + support_zero)


def _swapped(curve, tp, fp, tn, fn):
    """``curve`` of class 0 given class 1's counts."""
    return curve(tn, fn, tp, fp)


def _negated(curve, tp, fp, tn, fn):
    """A scorer made with ``greater_is_better=False``."""
    return -curve(tp, fp, tn, fn)


def _micro_jaccard(tp, fp, tn, fn):
    # summed over both classes: each error is a false positive of one class
    # and a false negative of the other
    return _safe_div(tp + tn, tp + tn + 2 * (fp + fn))


def _matthews(tp, fp, tn, fn):
    tp, fp, tn, fn = (np.asarray(v, dtype=float) for v in (tp, fp, tn, fn))
    return _safe_div(tp * tn - fp * fn, np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)))


def _per_class_curve(func, kwargs):
    """Label 1's curve for a score function of the F / precision / recall /
    Jaccard family, and the ``average`` it asks for; None if unsupported."""
    if func is _sk_metrics.fbeta_score:
        beta = kwargs.pop("beta", None)
        if (not isinstance(beta, int | float) or isinstance(beta, bool)
                or not 0 < beta < np.inf):  # nan and inf too
            return None
        return partial(_fbeta, beta)
    return {
        _sk_metrics.f1_score: _f1,
        _sk_metrics.precision_score: _precision,
        _sk_metrics.recall_score: _recall,
        _sk_metrics.jaccard_score: _jaccard,
    }.get(func)


def _label_scorer_parts(scorer):
    """``(score function, a copy of its keywords, sign)`` of a scorer made by
    ``make_scorer`` (or a scorer name) that scores predicted labels; None
    for anything else, a subclass included (it may score otherwise)."""
    if type(scorer) is not _Scorer:
        return None
    func = getattr(scorer, "_score_func", None)
    kwargs = getattr(scorer, "_kwargs", None)
    sign = getattr(scorer, "_sign", None)
    if (
        func is None
        or not isinstance(kwargs, dict)
        or sign not in (1, -1)
        or getattr(scorer, "_response_method", None) != "predict"
    ):
        return None
    return func, dict(kwargs), sign


def _zero_division_is_zero(kwargs):
    """Pop ``zero_division``: True where it scores an undefined ratio 0."""
    return kwargs.pop("zero_division", 0) in (0, "warn")


def scorer_curve(scorer, classes=(0, 1)):
    """A scikit-learn scorer of a binary problem as a curve over the counts.

    Scorers made by ``sklearn.metrics.make_scorer`` (and so every scorer
    name) of ``accuracy_score``, ``balanced_accuracy_score``,
    ``matthews_corrcoef``, ``f1_score``, ``fbeta_score``,
    ``precision_score``, ``recall_score`` or ``jaccard_score`` score
    predicted labels through the binary confusion counts alone; for them
    this returns ``curve(tp, fp, tn, fn)``, vectorised over arrays of
    counts with ``classes[1]`` as the positive class, equal to the scorer's
    value (its sign included) on labels drawn from ``classes``. Any other
    scorer or keyword (``labels``, a ``pos_label`` not in ``classes``, a
    ``zero_division`` other than 0...) gives None: such a scorer is called
    label by label.

    Parameters
    ----------
    scorer : callable
        ``scorer(estimator, X, y)``.
    classes : sequence of two labels, default=(0, 1)
        The classes of ``y``, sorted.

    Returns
    -------
    curve : callable or None

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.metrics import fbeta_score, make_scorer
    >>> from imbtune.metrics import scorer_curve
    >>> f2 = scorer_curve(make_scorer(fbeta_score, beta=2))
    >>> float(f2(np.array(3), np.array(1), np.array(10), np.array(2)))  # tp fp tn fn
    0.625
    >>> fraud = scorer_curve(make_scorer(fbeta_score, beta=2, pos_label="fraud"),
    ...                      classes=["fraud", "ok"])  # counts of "ok": fraud's swapped
    >>> float(fraud(np.array(10), np.array(2), np.array(3), np.array(1)))
    0.625
    """
    parts = _label_scorer_parts(scorer)
    if parts is None:
        return None
    func, kwargs, sign = parts
    curve = None
    if func is _sk_metrics.accuracy_score:
        curve = _accuracy if kwargs.pop("normalize", True) is True else None
    elif func is _sk_metrics.balanced_accuracy_score:
        curve = _curve_balanced_accuracy if not kwargs.pop("adjusted", False) else None
    elif func is _sk_metrics.matthews_corrcoef:
        curve = _matthews
    else:
        per_class = _per_class_curve(func, kwargs)
        average = kwargs.pop("average", "binary")
        pos_label = kwargs.pop("pos_label", 1)
        if per_class is None or not _zero_division_is_zero(kwargs):
            return None
        if average == "binary":
            labels = list(classes)
            if pos_label is None or pos_label not in labels:
                return None
            if labels.index(pos_label) == 1:
                curve = per_class
            else:  # the scorer's positive class is classes[0]: swap the roles
                curve = partial(_swapped, per_class)
        elif average in ("macro", "weighted"):
            curve = partial(_averaged, per_class, average)
        elif average == "micro":  # one label per row
            curve = _micro_jaccard if func is _sk_metrics.jaccard_score else _accuracy
    if curve is None or kwargs:  # an unsupported value, or keywords left over
        return None
    return curve if sign == 1 else partial(_negated, curve)


def _class_counts(cm):
    """Each class's (tp, fp, tn, fn), one-vs-rest, from a confusion matrix
    (rows true, columns predicted)."""
    cm = np.asarray(cm, dtype=float)
    tp = np.diag(cm)
    fp = cm.sum(0) - tp
    fn = cm.sum(1) - tp
    return tp, fp, cm.sum() - tp - fp - fn, fn


def _cm_averaged(per_class, average, cm):
    """A per-class score of the F / precision / recall / Jaccard family
    averaged as scikit-learn's ``average=`` does with ``labels=None``: over
    the classes in ``y`` or in the predictions."""
    tp, fp, tn, fn = _class_counts(cm)
    if average == "micro":  # the counts summed over the classes
        return float(per_class(tp.sum(), fp.sum(), tn.sum(), fn.sum()))
    values = per_class(tp, fp, tn, fn)
    if average == "macro":
        return float(np.mean(values[(tp + fp + fn) > 0]))
    support = tp + fn  # "weighted": by the true rows of each class
    return float(_safe_div(np.sum(support * values), support.sum()))


def _cm_accuracy(cm):
    cm = np.asarray(cm, dtype=float)
    return float(_safe_div(np.trace(cm), cm.sum()))


def _cm_matthews(cm):
    # scikit-learn's multiclass form (Gorodkin's R_K)
    cm = np.asarray(cm, dtype=float)
    t_sum, p_sum = cm.sum(1), cm.sum(0)
    n = cm.sum()
    cov_tp = np.trace(cm) * n - t_sum @ p_sum
    cov_pp_tt = (n * n - p_sum @ p_sum) * (n * n - t_sum @ t_sum)
    return 0.0 if cov_pp_tt == 0 else float(cov_tp / np.sqrt(cov_pp_tt))


def _cm_negated(func, cm):
    return -func(cm)


def scorer_confusion(scorer):
    """A scikit-learn scorer of a multiclass problem as a function of the
    confusion matrix.

    The multiclass counterpart of :func:`scorer_curve`: scorers made by
    ``sklearn.metrics.make_scorer`` (and so every scorer name) of
    ``accuracy_score``, ``balanced_accuracy_score``, ``matthews_corrcoef``,
    and of ``f1_score``, ``fbeta_score``, ``precision_score``,
    ``recall_score`` or ``jaccard_score`` with ``average`` ``"macro"``,
    ``"weighted"`` or ``"micro"``, score predicted labels through the
    confusion matrix alone; for them this returns ``func(cm)``, equal to the
    scorer's value (its sign included) on the labels that made ``cm`` (rows
    true, columns predicted; a class in neither counts as scikit-learn's
    ``labels=None`` leaves it out). A multiclass decision rule is then
    solved by counting, not by calling the scorer a few hundred times per
    fit. Any other scorer or keyword gives None.

    Parameters
    ----------
    scorer : callable
        ``scorer(estimator, X, y)``.

    Returns
    -------
    func : callable or None

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.metrics import f1_score, get_scorer
    >>> from imbtune.metrics import scorer_confusion
    >>> f1_macro = scorer_confusion(get_scorer("f1_macro"))
    >>> cm = np.array([[5, 1, 0], [2, 3, 0], [0, 1, 1]])
    >>> y_true = [0] * 6 + [1] * 5 + [2] * 2
    >>> y_pred = [0] * 5 + [1] + [0] * 2 + [1] * 3 + [1, 2]
    >>> bool(np.isclose(f1_macro(cm), f1_score(y_true, y_pred, average="macro")))
    True
    """
    parts = _label_scorer_parts(scorer)
    if parts is None:
        return None
    func, kwargs, sign = parts
    score = None
    if func is _sk_metrics.accuracy_score:
        score = _cm_accuracy if kwargs.pop("normalize", True) is True else None
    elif func is _sk_metrics.balanced_accuracy_score:
        adjusted = kwargs.pop("adjusted", False)
        score = _from_confusion_balanced_accuracy if adjusted is False else None
    elif func is _sk_metrics.matthews_corrcoef:
        score = _cm_matthews
    else:
        per_class = _per_class_curve(func, kwargs)
        average = kwargs.pop("average", "binary")
        # scikit-learn ignores pos_label unless average="binary"
        kwargs.pop("pos_label", None)
        if (per_class is not None and average in ("macro", "weighted", "micro")
                and _zero_division_is_zero(kwargs)):
            score = partial(_cm_averaged, per_class, average)
    if score is None or kwargs:  # an unsupported value, or keywords left over
        return None
    return score if sign == 1 else partial(_cm_negated, score)


def _confusion(y, y_pred, n_classes):
    return np.bincount(
        y * n_classes + y_pred, minlength=n_classes * n_classes
    ).reshape(n_classes, n_classes)


def _from_confusion_macro_f1(cm):
    # Over the classes that are in y or in the predictions, as scikit-learn's
    # f1_score(average="macro") counts them: a class a fold of a given cv
    # lacks, and that is never predicted there, is not a zero.
    tp = np.diag(cm).astype(float)
    support = cm.sum(0) + cm.sum(1)
    present = support > 0
    return float(np.mean(_safe_div(2 * tp, support)[present]))


def _from_confusion_balanced_accuracy(cm):
    present = cm.sum(1) > 0
    recalls = _safe_div(np.diag(cm), cm.sum(1))
    return float(np.mean(recalls[present]))


def _from_confusion_gmean(cm):
    # As imbalanced-learn's geometric_mean_score: over the classes in y or in
    # the predictions (a class only predicted has recall 0).
    present = (cm.sum(0) + cm.sum(1)) > 0
    recalls = _safe_div(np.diag(cm), cm.sum(1))[present]
    return float(np.prod(recalls) ** (1.0 / len(recalls)))


class Metric:
    """A metric as imbtune's evaluation uses it.

    Labels inside imbtune are encoded as ``0..n_classes-1``; probabilities
    are arrays of shape (n_samples, n_classes).

    Parameters
    ----------
    name : str
        Display name.
    needs : {"label", "proba"}
        Whether the metric scores predicted labels (so a decision rule
        matters) or probabilities.
    """

    def __init__(self, name, needs):
        self.name = name
        self.needs = needs

    @property
    def needs_labels(self):
        """True when the metric scores predicted labels."""
        return self.needs == "label"

    def score_labels(self, y, y_pred, n_classes):
        """Score encoded labels."""
        raise NotImplementedError

    def score_proba(self, y, proba, pos):
        """Score probabilities; ``pos`` is the positive column of a binary task."""
        raise NotImplementedError

    # Whether score_labels is cheap enough to call a few hundred times per
    # decision rule (a user's scorer may not be).
    cheap_labels = True

    def rule_score(self, y, y_pred, n_classes):
        """Score encoded labels while a multiclass decision rule is solved
        (called a few hundred times per fit); by default ``score_labels``."""
        return self.score_labels(y, y_pred, n_classes)

    def threshold_curve(self, tp, fp, tn, fn, pos=1):
        """Vectorised score of a binary problem at many thresholds, or None;
        the counts are those of positive class ``pos``."""
        return None

    def __repr__(self):
        return f"Metric({self.name!r})"


class _ConfusionMetric(Metric):
    def __init__(self, name, from_confusion, curve):
        super().__init__(name, "label")
        self._from_confusion = from_confusion
        self._curve = curve

    def score_labels(self, y, y_pred, n_classes):
        return self._from_confusion(_confusion(y, y_pred, n_classes))

    def threshold_curve(self, tp, fp, tn, fn, pos=1):
        return self._curve(tp, fp, tn, fn)  # the same for either class


class _PRAUCMetric(Metric):
    def __init__(self):
        super().__init__("pr_auc", "proba")

    def score_proba(self, y, proba, pos):
        n_classes = proba.shape[1]
        if n_classes == 2:
            return _average_precision(y == pos, proba[:, pos])
        scores = [
            _average_precision(y == k, proba[:, k])
            for k in range(n_classes)
            if np.any(y == k)
        ]
        return float(np.mean(scores))


class _FeaturesRead(TypeError):
    pass


class _NoFeatures:
    """What a scorer gets as ``X``: the number of rows and nothing else.

    A trial is scored from its stored out-of-fold predictions, so there are
    no features to hand on; a scorer that reads ``X`` (its columns, its
    values) gets a :class:`_FeaturesRead` saying so, never stand-in numbers.
    """

    def __init__(self, n_rows):
        self._rows = np.arange(n_rows)
        self.shape = (n_rows, 0)

    def __len__(self):
        return len(self._rows)

    def _refuse(self, *args, **kwargs):
        raise _FeaturesRead(
            "a scoring callable gets no features in imbtune: trials are scored "
            "from their stored out-of-fold predictions, so its X only has a "
            "length. Score from y and the estimator's predict or predict_proba "
            "alone"
        )

    __getitem__ = __array__ = __iter__ = _refuse

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._refuse()


class _FrozenPredictor:
    """Replays stored predictions to a scikit-learn scorer.

    ``X`` is a :class:`_NoFeatures` of the stored arrays' rows. Records
    which response methods the scorer asked for.
    """

    _estimator_type = "classifier"

    def __init__(self, classes, y_pred=None, proba=None):
        self.classes_ = classes
        self._y_pred = y_pred
        self._proba = proba
        self.called = set()

    def __sklearn_tags__(self):
        from sklearn.utils import Tags
        from sklearn.utils._tags import ClassifierTags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(),
        )

    def fit(self, X, y):  # pragma: no cover - never fitted
        return self

    @staticmethod
    def _rows(X):
        if not isinstance(X, _NoFeatures):
            raise TypeError(
                "a scoring callable must pass the X it was given to predict or "
                f"predict_proba; got {type(X).__name__}"
            )
        return X._rows

    def predict(self, X):
        self.called.add("predict")
        if self._y_pred is None:
            raise _NeedsLabels
        return self._y_pred[self._rows(X)]

    def predict_proba(self, X):
        self.called.add("predict_proba")
        if self._proba is None:
            raise _NeedsLabels
        return self._proba[self._rows(X)]


class _NeedsLabels(Exception):
    pass


class _ScorerMetric(Metric):
    """A scikit-learn scorer (a name or a callable ``scorer(est, X, y)``).

    The scorer sees the classes as they are in ``y`` (``resolve`` is told
    them), so its ``pos_label`` means what it means in scikit-learn.
    ``curve``: the scorer of a binary problem as a function of encoded label
    1's counts ``(tp, fp, tn, fn)``, for the scorers that have one (see
    :func:`scorer_curve`); the scorer itself still scores the folds.
    ``from_confusion``: for more than two classes, the scorer as a function
    of the confusion matrix, for the scorers that have one (see
    :func:`scorer_confusion`); it scores the candidates of a multiclass
    rule, and the scorer still scores the folds.
    """

    def __init__(self, name, scorer):
        super().__init__(name, "label")
        self.scorer = scorer
        self.classes = np.arange(2)
        self.curve = scorer_curve(scorer, self.classes)
        self.from_confusion = None
        self._needs_known = False

    @property
    def cheap_labels(self):
        # getattr: a metric unpickled from an imbtune before this attribute
        return getattr(self, "from_confusion", None) is not None

    def rule_score(self, y, y_pred, n_classes):
        if not self.cheap_labels:
            return self.score_labels(y, y_pred, n_classes)
        return self.from_confusion(_confusion(y, y_pred, n_classes))

    def threshold_curve(self, tp, fp, tn, fn, pos=1):
        if self.curve is None:
            return None
        if pos == 0:  # the counts are class 0's: label 1's are the others
            tp, fp, tn, fn = tn, fn, tp, fp
        return self.curve(tp, fp, tn, fn)

    def _call(self, y, n_classes, y_pred=None, proba=None):
        classes = self.classes if len(self.classes) == n_classes else np.arange(n_classes)
        frozen = _FrozenPredictor(
            classes, y_pred=None if y_pred is None else classes[y_pred], proba=proba
        )
        value = self.scorer(frozen, _NoFeatures(len(y)), classes[y])
        return float(value), frozen.called

    def resolve(self, y, classes):
        """Take the classes of ``y`` (encoded as ``0..n-1``) and find out,
        once, whether the scorer reads labels or probabilities; a scorer
        that fails on these classes (say ``pos_label=1`` of string labels)
        fails here, before any trial."""
        if self._needs_known:
            return
        self.classes = np.asarray(classes)
        n_classes = len(self.classes)
        self.curve = scorer_curve(self.scorer, self.classes) if n_classes == 2 else None
        self.from_confusion = scorer_confusion(self.scorer) if n_classes > 2 else None
        proba = np.full((len(y), n_classes), 1.0 / n_classes)
        try:
            try:
                _, called = self._call(y, n_classes, proba=proba)
                self.needs = "label" if "predict" in called else "proba"
            except _NeedsLabels:
                self.needs = "label"
                self._call(y, n_classes, y_pred=y)  # a perfect prediction
        except _NeedsLabels:
            raise ValueError(
                f"scoring={self.name!r} asks for both predict and predict_proba; "
                "imbtune scores a trial either on its labels (after the decision "
                "rule it tunes) or on its probabilities, so a scorer must use "
                "one of the two. Split it into two scorers, or rank by one and "
                "check the other on the fitted search."
            ) from None
        except _FeaturesRead as error:
            raise ValueError(
                f"scoring={self.name!r} reads X, but {error}: for a cost per row "
                "(say a transaction's amount), fit the search with the metric "
                "you rank by and score the amounts on best_estimator_'s "
                "predictions afterwards."
            ) from None
        except AttributeError as error:
            if "_FrozenPredictor" not in str(error):
                raise ValueError(f"scoring={self.name!r} failed: {error}") from error
            raise ValueError(
                f"scoring={self.name!r} asks the estimator for something other "
                f"than predict or predict_proba ({error}); imbtune scores trials "
                "from stored predictions and can replay those two only. Use "
                "predict_proba (for a ranking score such as ROC AUC: "
                "make_scorer(roc_auc_score, response_method='predict_proba'))."
            ) from error
        except Exception as error:
            rarest = self.classes.tolist()[int(np.argmin(np.bincount(y, minlength=n_classes)))]
            advice = (
                f"Give it labels it accepts, for example make_scorer(f1_score, "
                f"pos_label={rarest!r}) for a binary score of one class, or use an "
                "imbtune metric such as 'macro_f1'."
                if n_classes == 2 else
                f"y has {n_classes} classes: use a multiclass score such as "
                "'macro_f1', 'balanced_accuracy', 'pr_auc' or 'f1_macro'."
            )
            raise ValueError(
                f"scoring={self.name!r} cannot score the classes of y "
                f"{self.classes.tolist()}: {type(error).__name__}: "
                f"{str(error).rstrip('.')}. {advice}"
            ) from error
        self._refuse_blind(y, n_classes)
        self._needs_known = True

    def _refuse_blind(self, y, n_classes):
        """Refuse a scorer that gives a perfect prediction and one wrong on
        every row the same score: it cannot tell trials apart (top-k
        accuracy with k >= the number of classes), or it ignores which
        class is which (clustering scores such as adjusted_rand_score),
        so the search would pick a model at random."""
        perfect, wrong = y, (y + 1) % n_classes
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if self.needs == "label":
                    scores = [self._call(y, n_classes, y_pred=p)[0] for p in (perfect, wrong)]
                else:
                    eye = np.eye(n_classes)
                    scores = [self._call(y, n_classes, proba=eye[p])[0] for p in (perfect, wrong)]
        except Exception:  # noqa: BLE001 - the scorer runs on real trials all the same
            return
        if scores[0] == scores[1]:
            raise ValueError(
                f"scoring={self.name!r} gives a perfect prediction and one wrong "
                f"on every row the same score ({scores[0]:.4g}), so it cannot tell "
                "trials apart: a top-k accuracy with k at least the number of "
                f"classes ({n_classes}) is always 1, and a clustering score "
                "ignores which class is which. Use a classification score, such "
                f"as imbtune's {sorted(METRICS)}."
            )

    def score_labels(self, y, y_pred, n_classes):
        return self._call(y, n_classes, y_pred=y_pred, proba=None)[0]

    def score_proba(self, y, proba, pos):
        return self._call(y, proba.shape[1], proba=proba)[0]


METRICS = {
    "macro_f1": lambda: _ConfusionMetric(
        "macro_f1", _from_confusion_macro_f1, _curve_macro_f1
    ),
    "balanced_accuracy": lambda: _ConfusionMetric(
        "balanced_accuracy", _from_confusion_balanced_accuracy, _curve_balanced_accuracy
    ),
    "gmean": lambda: _ConfusionMetric("gmean", _from_confusion_gmean, _curve_gmean),
    "pr_auc": _PRAUCMetric,
}


def get_metric(scoring):
    """The internal :class:`Metric` for a ``scoring`` value.

    Parameters
    ----------
    scoring : str or callable
        An imbtune metric name (``"macro_f1"``, ``"pr_auc"``,
        ``"balanced_accuracy"``, ``"gmean"``), any scikit-learn scorer name,
        or a callable ``scorer(estimator, X, y)``.

    Returns
    -------
    metric : Metric

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid ones.
    """
    if isinstance(scoring, str):
        if scoring in METRICS:
            return METRICS[scoring]()
        if scoring in get_scorer_names():
            scorer = _sk_get_scorer(scoring)
            module = getattr(getattr(scorer, "_score_func", None), "__module__", "")
            if module.startswith("sklearn.metrics._regression"):
                raise ValueError(
                    f"scoring={scoring!r} is a regression score: it reads labels as "
                    "numbers. Use a classification score, such as imbtune's "
                    f"{sorted(METRICS)} or 'neg_brier_score' for probabilities."
                )
            return _ScorerMetric(scoring, scorer)
        raise ValueError(
            f"Unknown scoring {scoring!r}. Use one of imbtune's "
            f"{sorted(METRICS)}, a scikit-learn scorer name (see "
            "sklearn.metrics.get_scorer_names()) or a callable "
            "scorer(estimator, X, y)."
        )
    if callable(scoring):
        return _ScorerMetric(getattr(scoring, "__name__", repr(scoring)), scoring)
    raise ValueError(
        f"scoring must be a metric name or a callable scorer(estimator, X, y); "
        f"got {scoring!r}."
    )


class _PRAUCScorer(_BaseScorer):
    """``scoring=`` for pr_auc: the estimator's own ``classes_`` say which
    column is which class, so a fold that holds one class only (or lacks one
    of several) is scored right, not from the labels it happens to hold.
    A binary estimator's positive class is its ``pos_label_`` where it has
    one (imbtune's, so the scorer agrees with their ``score``), or that of
    the imbtune estimator it wraps (see :func:`_wrapped_pos_label`), else
    ``classes_[1]`` as in scikit-learn.

    A scikit-learn scorer (it reads the estimator, which ``make_scorer``'s
    score functions cannot), so that ``set_score_request(sample_weight=True)``
    routes weights to it under metadata routing."""

    def __init__(self):
        super().__init__(pr_auc, 1, {}, response_method="predict_proba")

    def _score(self, method_caller, estimator, X, y_true, **kwargs):
        proba = estimator.predict_proba(X)
        classes = np.asarray(estimator.classes_)
        if len(classes) == 2:
            pos = _wrapped_pos_label(estimator)
            if pos is None or not np.any(classes == pos):
                pos = classes[1]
            column = int(np.flatnonzero(classes == pos)[0])
            return pr_auc(y_true, proba[:, column], pos_label=pos, **kwargs)
        return pr_auc(y_true, proba, labels=classes, **kwargs)

    def __repr__(self):
        return "get_scorer('pr_auc')"


def _wrapped_pos_label(estimator, depth=0):
    """The ``pos_label_`` of ``estimator``, or of the one fitted estimator it
    wraps (a search's best, a Pipeline's last step, TunedThresholdClassifierCV's,
    CalibratedClassifierCV's or FrozenEstimator's estimator, the members of a
    voting or stacking ensemble where they agree), as a label of
    ``estimator``'s own classes; None if none has one."""
    if depth > 8:
        return None
    pos = getattr(estimator, "pos_label_", None)
    if pos is not None:
        return pos
    inner = []  # fitted ones first: a template given to a wrapper may be stale
    for name in ("best_estimator_", "estimator_", "_final_estimator"):
        try:
            candidate = getattr(estimator, name, None)
        except Exception:  # noqa: BLE001 - a property of an unfitted wrapper
            candidate = None
        if candidate is not None and candidate is not estimator and hasattr(candidate, "fit"):
            inner.append(candidate)
    calibrated = getattr(estimator, "calibrated_classifiers_", None)
    if calibrated:
        inner.append(calibrated[0].estimator)
    template = getattr(estimator, "estimator", None)  # FrozenEstimator's is fitted
    if template is not None and template is not estimator and hasattr(template, "fit"):
        inner.append(template)
    for candidate in inner:
        pos = _as_outer_label(_wrapped_pos_label(candidate, depth + 1), candidate, estimator)
        if pos is not None:
            return pos
    members = getattr(estimator, "estimators_", None)
    if isinstance(members, list) and members:
        found = {
            _as_outer_label(_wrapped_pos_label(m, depth + 1), m, estimator)
            for m in members if hasattr(m, "fit")
        }
        if len(found) == 1:
            return found.pop()
    return None


def _as_outer_label(pos, inner, outer):
    """``pos``, a class of ``inner``, as a class of ``outer`` that wraps it.
    Voting, stacking and one-vs-rest wrappers fit their members on labels
    encoded ``0..n-1``: member class ``k`` is the wrapper's ``classes_[k]``.
    None where the two sets of classes cannot be matched."""
    if pos is None:
        return None
    inner_classes = getattr(inner, "classes_", None)
    outer_classes = getattr(outer, "classes_", None)
    if inner_classes is None or outer_classes is None:
        return pos
    inner_classes, outer_classes = np.asarray(inner_classes), np.asarray(outer_classes)
    if len(inner_classes) != len(outer_classes):
        return None
    if np.array_equal(inner_classes, outer_classes):
        return pos
    if np.array_equal(inner_classes, np.arange(len(outer_classes))):
        return outer_classes[int(pos)]
    return None


def get_scorer(name):
    """A scikit-learn scorer for an imbtune metric name.

    Parameters
    ----------
    name : {"macro_f1", "pr_auc", "balanced_accuracy", "gmean"}
        The metric.

    Returns
    -------
    scorer : callable
        A scikit-learn scorer, ``scorer(estimator, X, y, sample_weight=None)``,
        usable as ``scoring=`` anywhere in scikit-learn; each call returns a
        new one, so that its ``set_score_request(sample_weight=True)`` (under
        metadata routing) applies to it alone. For ``"pr_auc"`` on two
        classes it scores the estimator's ``pos_label_`` where it has one
        (imbtune's estimators: the minority class unless ``pos_label`` says
        otherwise, so it agrees with their ``score``), or that of the
        imbtune estimator it wraps (in a Pipeline,
        ``TunedThresholdClassifierCV``, ``CalibratedClassifierCV``, a voting
        ensemble), else ``classes_[1]`` as scikit-learn does. Give a plain
        scikit-learn model whose rare class is label 0 or sorts first its
        own scorer: ``make_scorer(average_precision_score,
        response_method="predict_proba", pos_label=...)``.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from imbtune.datasets import load_dataset
    >>> from imbtune.metrics import get_scorer
    >>> X, y = load_dataset("breast_cancer")
    >>> scores = cross_val_score(
    ...     LogisticRegression(max_iter=5000), X, y, cv=3,
    ...     scoring=get_scorer("pr_auc"))
    >>> bool(scores.mean() > 0.9)
    True
    """
    if name == "pr_auc":
        return _PRAUCScorer()
    functions = {
        "macro_f1": macro_f1,
        "balanced_accuracy": balanced_accuracy,
        "gmean": gmean,
    }
    if name not in functions:
        raise ValueError(
            f"Unknown imbtune metric {name!r}; use one of "
            f"{sorted([*functions, 'pr_auc'])}."
        )
    return make_scorer(functions[name])
