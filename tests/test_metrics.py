"""imbtune.metrics: the public functions, the internal Metric objects, scorers."""

import pickle
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from imblearn.metrics import geometric_mean_score
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    cohen_kappa_score,
    f1_score,
    fbeta_score,
    get_scorer_names,
    jaccard_score,
    make_scorer,
    matthews_corrcoef,
    precision_score,
    recall_score,
)
from sklearn.metrics import get_scorer as sk_get_scorer
from sklearn.metrics._scorer import _Scorer
from sklearn.model_selection import cross_val_score

from imbtune.metrics import (
    METRICS,
    _average_precision,
    balanced_accuracy,
    get_metric,
    get_scorer,
    gmean,
    macro_f1,
    pr_auc,
    scorer_confusion,
    scorer_curve,
)


def test_label_metrics_match_reference_implementations():
    rng = np.random.RandomState(0)
    y = rng.randint(0, 3, 200)
    y_pred = np.where(rng.rand(200) < 0.7, y, rng.randint(0, 3, 200))
    assert macro_f1(y, y_pred) == pytest.approx(f1_score(y, y_pred, average="macro"))
    assert balanced_accuracy(y, y_pred) == pytest.approx(balanced_accuracy_score(y, y_pred))
    assert gmean(y, y_pred) == pytest.approx(geometric_mean_score(y, y_pred))


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=40))
def test_internal_macro_f1_counts_the_classes_scikit_learn_counts(pairs):
    # A class that a validation fold lacks and that is never predicted there
    # (a user's cv can do that) is left out, not scored as a zero.
    y = np.array([a for a, _ in pairs])
    y_pred = np.array([b for _, b in pairs])
    internal = get_metric("macro_f1").score_labels(y, y_pred, 4)
    assert internal == pytest.approx(f1_score(y, y_pred, average="macro"))


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=40))
def test_internal_gmean_counts_the_classes_imbalanced_learn_counts(pairs):
    y = np.array([a for a, _ in pairs])
    y_pred = np.array([b for _, b in pairs])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = geometric_mean_score(y, y_pred)
    assert get_metric("gmean").score_labels(y, y_pred, 4) == pytest.approx(reference)


def test_pr_auc_scorer_reads_the_estimator_s_classes_on_any_fold():
    X = np.arange(6.0).reshape(-1, 1)
    y = np.array([0, 0, 0, 1, 1, 1])
    model = LogisticRegression().fit(X, y)
    # A fold of negatives only: no positive to find, as scikit-learn scores it.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = average_precision_score(y[:3], model.predict_proba(X[:3])[:, 1])
    assert get_scorer("pr_auc")(model, X[:3], y[:3]) == expected == 0.0
    X3 = np.arange(9.0).reshape(-1, 1)
    y3 = np.repeat([0, 1, 2], 3)
    model3 = LogisticRegression().fit(X3, y3)
    # A fold without class 2 is scored on the classes it has.
    score = get_scorer("pr_auc")(model3, X3[:6], y3[:6])
    assert score == pytest.approx(pr_auc(y3[:6], model3.predict_proba(X3[:6]), labels=[0, 1, 2]))
    with pytest.raises(ValueError, match="y_true holds one class only"):
        pr_auc([0, 0, 0], [0.2, 0.5, 0.9])
    assert pr_auc([0, 0, 0], [0.2, 0.5, 0.9], pos_label=1) == 0.0


def test_pr_auc_binary_and_multiclass():
    rng = np.random.RandomState(1)
    y = rng.randint(0, 2, 100)
    score = rng.rand(100) + 0.5 * y
    assert pr_auc(y, score) == pytest.approx(average_precision_score(y, score))
    proba = np.column_stack([1 - score / 2, score / 2])
    assert pr_auc(y, proba) == pytest.approx(average_precision_score(y, score))
    # string labels: the positive class is named
    labels = np.where(y == 1, "fraud", "ok")
    assert pr_auc(labels, score, pos_label="fraud") == pytest.approx(
        average_precision_score(y, score)
    )
    y3 = rng.randint(0, 3, 150)
    p3 = rng.dirichlet(np.ones(3), 150)
    expected = np.mean([average_precision_score(y3 == k, p3[:, k]) for k in range(3)])
    assert pr_auc(y3, p3) == pytest.approx(expected)
    with pytest.raises(ValueError, match="columns"):
        pr_auc(y3, p3[:, :2], labels=[0, 1, 2])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=60),
    st.sampled_from(["macro_f1", "balanced_accuracy", "gmean"]),
)
def test_threshold_curve_equals_score_labels(pairs, name):
    """The vectorised binary curve agrees with scoring the labels directly."""
    metric = get_metric(name)
    y = np.array([p[0] for p in pairs])
    y_pred = np.array([p[1] for p in pairs])
    tp = np.sum((y == 1) & (y_pred == 1))
    fp = np.sum((y == 0) & (y_pred == 1))
    tn = np.sum((y == 0) & (y_pred == 0))
    fn = np.sum((y == 1) & (y_pred == 0))
    curve = metric.threshold_curve(np.array([tp]), np.array([fp]), np.array([tn]), np.array([fn]))
    if tp + fn == 0 or tn + fp == 0:
        return  # a threshold is only ever fitted on rows holding both classes
    assert curve[0] == pytest.approx(metric.score_labels(y, y_pred, 2))


class _MyScorer(_Scorer):
    """A scorer of the user's own that scores otherwise than its function."""

    def _score(self, *args, **kwargs):
        return 0.5 * super()._score(*args, **kwargs)


# scikit-learn's scorer names with a curve (imbtune's own names come first)
SCORER_CURVES = sorted(
    name for name in get_scorer_names()
    if name not in METRICS and scorer_curve(sk_get_scorer(name)) is not None
)
MADE_SCORERS = {
    "f2": make_scorer(fbeta_score, beta=2),
    "f0.5_macro": make_scorer(fbeta_score, beta=0.5, average="macro"),
    "f3_weighted": make_scorer(fbeta_score, beta=3, average="weighted", zero_division=0.0),
    "neg_recall": make_scorer(recall_score, greater_is_better=False),
    "precision_micro": make_scorer(precision_score, average="micro", zero_division=0),
    "balanced_accuracy": make_scorer(balanced_accuracy_score),
    "jaccard_pos1": make_scorer(jaccard_score, pos_label=1),
}


def _check_curve_against_scorer(metric, pairs, pos, classes=(0, 1)):
    y = np.array([p[0] for p in pairs])
    y_pred = np.array([p[1] for p in pairs])
    assume(0 < y.sum() < len(y))  # a threshold is fitted on rows of both classes
    metric.resolve(y, classes)
    is_pos, said_pos = y == pos, y_pred == pos
    counts = [np.array([np.sum(a & b)]) for a, b in (
        (is_pos, said_pos), (~is_pos, said_pos), (~is_pos, ~said_pos), (is_pos, ~said_pos)
    )]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's zero-division warnings
        expected = metric.score_labels(y, y_pred, 2)
    assert metric.threshold_curve(*counts, pos=pos)[0] == pytest.approx(expected, abs=1e-12)


PAIRS = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=2, max_size=60)


@pytest.mark.parametrize("name", SCORER_CURVES)
@settings(max_examples=30, deadline=None)
@given(PAIRS, st.integers(0, 1))
def test_scorer_curves_equal_the_scorers(name, pairs, pos):
    """A scikit-learn scorer's binary curve gives what the scorer gives, with
    the rule's counts taken for either class as the positive one."""
    _check_curve_against_scorer(get_metric(name), pairs, pos)


@pytest.mark.parametrize("name", sorted(MADE_SCORERS))
@settings(max_examples=30, deadline=None)
@given(PAIRS, st.integers(0, 1))
def test_curves_of_scorers_made_with_make_scorer_equal_them(name, pairs, pos):
    """``make_scorer(fbeta_score, beta=2)`` and the like (a sign, an average,
    zero_division=0) get a curve that gives what the scorer gives."""
    metric = get_metric(MADE_SCORERS[name])
    assert metric.threshold_curve(*np.ones((4, 1))) is not None
    _check_curve_against_scorer(metric, pairs, pos)


@pytest.mark.parametrize("scoring", SCORER_CURVES + sorted(MADE_SCORERS))
def test_a_scorer_metric_with_its_curve_pickles(scoring):
    """A fitted model keeps its metric: the curve must pickle with it."""
    metric = get_metric(MADE_SCORERS.get(scoring, scoring))
    metric.resolve(np.array([0, 1, 1, 0]), [0, 1])
    again = pickle.loads(pickle.dumps(metric))
    counts = [np.array([3, 0]), np.array([1, 2]), np.array([10, 5]), np.array([2, 1])]
    np.testing.assert_array_equal(again.threshold_curve(*counts, pos=0),
                                  metric.threshold_curve(*counts, pos=0))


@pytest.mark.parametrize("classes", [[0, 1], [1, 2], ["fraud", "ok"]], ids=str)
@pytest.mark.parametrize("which", [0, 1])
@settings(max_examples=20, deadline=None)
@given(PAIRS, st.integers(0, 1))
def test_scorers_see_the_classes_of_y(classes, which, pairs, pos):
    """A scorer's ``pos_label`` is a class of y, as in scikit-learn, whether
    that class is encoded 0 or 1; its curve follows it."""
    scorer = make_scorer(fbeta_score, beta=2, pos_label=classes[which])
    _check_curve_against_scorer(get_metric(scorer), pairs, pos, classes)
    y = np.array([p[0] for p in pairs])
    y_pred = np.array([p[1] for p in pairs])
    assume(0 < y.sum() < len(y))
    metric = get_metric(scorer)
    metric.resolve(y, classes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = fbeta_score(np.asarray(classes)[y], np.asarray(classes)[y_pred], beta=2,
                               pos_label=classes[which])
        assert metric.score_labels(y, y_pred, 2) == pytest.approx(expected)


def test_a_scorer_that_cannot_take_the_classes_fails_before_any_trial():
    y = np.array([0, 0, 1, 1, 0, 1])
    metric = get_metric("f1")  # scikit-learn's binary F1 scores the class 1
    with pytest.raises(ValueError, match=r"scoring='f1' cannot score the classes of y "
                                         r"\['fraud', 'ok'\].*pos_label=1 is not a valid"):
        metric.resolve(y, ["fraud", "ok"])
    macro = get_metric("f1_macro")
    macro.resolve(y, ["fraud", "ok"])  # an average over both needs no positive class
    assert macro.threshold_curve(*np.ones((4, 1))) is not None


def _net_amount(estimator, X, y):  # a cost scorer that needs a feature
    amount = np.asarray(X, dtype=float)[:, -1]
    hit = estimator.predict(X) == y
    return float((amount * hit).sum())


@pytest.mark.parametrize(
    "scorer, match",
    [
        (_net_amount, r"scoring='_net_amount' reads X, but a scoring callable gets no "
                      r"features in imbtune"),
        (lambda est, X, y: float((X["amount"] == y).mean()), "reads X"),
        (lambda est, X, y: float(est.predict(X[: len(y)]).mean()), "reads X"),
        (lambda est, X, y: float(est.decision_function(X).mean()),
         r"other than predict or predict_proba.*response_method='predict_proba'"),
        (lambda est, X, y: f1_score(y, est.predict(X)) + est.predict_proba(X)[:, 1].mean(),
         "asks for both predict and predict_proba"),
    ],
    ids=["array", "column", "slice", "decision_function", "labels-and-proba"],
)
def test_a_callable_that_needs_more_than_stored_predictions_is_refused(scorer, match):
    # Trials are scored from stored OOF predictions: a scorer must never be
    # handed stand-in numbers for features (row positions, as it once was).
    metric = get_metric(scorer)
    with pytest.raises(ValueError, match=match):
        metric.resolve(np.array([0, 0, 1, 1, 0, 1]), [0, 1])


def test_a_callable_may_take_the_length_of_x():
    metric = get_metric(
        lambda est, X, y: float(len(X) == len(y)) * np.mean(est.predict(X) == y)
    )
    metric.resolve(np.array([0, 0, 1, 1, 0, 1]), [0, 1])
    assert metric.score_labels(np.array([0, 1, 1]), np.array([0, 1, 0]), 2) == 2 / 3


@pytest.mark.parametrize(
    "scorer",
    [
        make_scorer(fbeta_score, beta=2, pos_label="fraud"),  # not a class of y
        make_scorer(fbeta_score, beta=2, pos_label=None),
        make_scorer(fbeta_score, beta=2, zero_division=1.0),
        make_scorer(f1_score, labels=[0, 1]),
        make_scorer(f1_score, average="samples"),
        make_scorer(balanced_accuracy_score, adjusted=True),
        make_scorer(accuracy_score, normalize=False),
        make_scorer(fbeta_score, beta=-1.0),
        make_scorer(cohen_kappa_score),
        sk_get_scorer("average_precision"),
        make_scorer(fbeta_score, beta=float("inf")),
        make_scorer(matthews_corrcoef, zero_division=0),  # not a keyword of it
        _MyScorer(f1_score, 1, {}, "predict"),
    ],
    ids=["pos_label-not-a-class", "pos_label=None", "zero_division=1", "labels", "samples",
         "adjusted", "normalize=False", "negative-beta", "other-function", "proba",
         "beta=inf", "stray-zero_division", "subclass"],
)
def test_scorers_without_a_curve_are_called(scorer):
    assert scorer_curve(scorer) is None
    assert get_metric(scorer).threshold_curve(*np.ones((4, 1))) is None


def test_scorer_curves_are_the_scorer_names_that_have_one():
    assert {"f1", "f1_macro", "precision", "recall_weighted", "jaccard_micro",
            "matthews_corrcoef", "accuracy"} <= set(SCORER_CURVES)
    assert set(SCORER_CURVES) <= set(get_scorer_names())
    # a scorer without a curve, and a user's callable, are scored call by call
    assert get_metric("neg_log_loss").threshold_curve(*np.ones((4, 1))) is None
    assert get_metric(lambda est, X, y: 0.0).threshold_curve(*np.ones((4, 1))) is None
    assert not get_metric("f1").cheap_labels and get_metric("macro_f1").cheap_labels


# scikit-learn's scorer names that score a multiclass rule's candidates from
# the confusion matrix
SCORER_CONFUSIONS = sorted(
    name for name in get_scorer_names()
    if name not in METRICS and scorer_confusion(sk_get_scorer(name)) is not None
)
MADE_MULTICLASS = {
    "f2_macro": make_scorer(fbeta_score, beta=2, average="macro"),
    "f0.5_weighted": make_scorer(fbeta_score, beta=0.5, average="weighted", zero_division=0),
    "neg_recall_macro": make_scorer(recall_score, average="macro", greater_is_better=False),
    "precision_micro": make_scorer(precision_score, average="micro", zero_division="warn"),
    "balanced_accuracy": make_scorer(balanced_accuracy_score),
    # scikit-learn ignores pos_label (with a warning) unless average="binary"
    "precision_macro_pos_label": make_scorer(precision_score, average="macro", pos_label=2),
}
LABELS5 = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=60)


@pytest.mark.parametrize("name", SCORER_CONFUSIONS + sorted(MADE_MULTICLASS))
@settings(max_examples=30, deadline=None)
@given(LABELS5)
def test_confusion_scores_of_scorers_equal_the_scorers(name, pairs):
    """On five classes, with classes missing from y, from the predictions or
    both, a scorer's confusion-matrix form gives what the scorer gives."""
    metric = get_metric(MADE_MULTICLASS.get(name, name))
    y = np.array([p[0] for p in pairs])
    y_pred = np.array([p[1] for p in pairs])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-division and pos_label warnings
        metric.resolve(np.repeat(np.arange(5), 2), np.arange(5))
        expected = metric.score_labels(y, y_pred, 5)
    assert metric.cheap_labels
    assert metric.rule_score(y, y_pred, 5) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    "scorer",
    [
        make_scorer(f1_score, average="macro", labels=[0, 1]),
        make_scorer(f1_score, average="macro", zero_division=1.0),
        make_scorer(f1_score, average="samples"),
        make_scorer(f1_score),  # average="binary"
        make_scorer(balanced_accuracy_score, adjusted=True),
        make_scorer(accuracy_score, normalize=False),
        make_scorer(cohen_kappa_score),
        sk_get_scorer("roc_auc_ovr"),
        make_scorer(f1_score, average="macro", response_method=("decision_function", "predict")),
        make_scorer(fbeta_score, beta=float("inf"), average="macro"),
        make_scorer(accuracy_score, zero_division=0),  # not a keyword of accuracy_score
        _MyScorer(f1_score, 1, {"average": "macro"}, "predict"),
    ],
    ids=["labels", "zero_division=1", "samples", "binary", "adjusted", "normalize=False",
         "other-function", "proba", "response-methods", "beta=inf", "stray-zero_division",
         "subclass"],
)
def test_scorers_without_a_confusion_form_are_called(scorer):
    assert scorer_confusion(scorer) is None
    assert scorer_confusion(lambda est, X, y: 0.0) is None


def test_confusion_forms_are_the_scorer_names_that_have_one_and_pickle():
    assert {"f1_macro", "f1_weighted", "f1_micro", "precision_macro", "recall_macro",
            "jaccard_macro", "matthews_corrcoef", "accuracy"} <= set(SCORER_CONFUSIONS)
    # only more than two classes take it: a binary rule has its curve
    binary = get_metric("f1_macro")
    binary.resolve(np.array([0, 1, 1, 0]), [0, 1])
    assert binary.from_confusion is None and not binary.cheap_labels
    metric = get_metric("matthews_corrcoef")
    metric.resolve(np.array([0, 1, 2, 0]), ["a", "b", "c"])
    again = pickle.loads(pickle.dumps(metric))
    assert again.cheap_labels  # the confusion form came with it
    y, y_pred = np.array([0, 1, 2, 2, 1, 0]), np.array([0, 2, 2, 1, 1, 0])
    assert again.rule_score(y, y_pred, 3) == metric.rule_score(y, y_pred, 3)
    # a metric pickled before from_confusion existed is read as without it
    del again.__dict__["from_confusion"]
    assert not again.cheap_labels
    assert again.rule_score(y, y_pred, 3) == pytest.approx(metric.rule_score(y, y_pred, 3))


@pytest.mark.parametrize("name", ["r2", "neg_mean_squared_error", "explained_variance"])
def test_regression_scores_are_refused(name):
    with pytest.raises(ValueError, match=rf"scoring='{name}' is a regression score"):
        get_metric(name)


@pytest.mark.parametrize("name, n_classes", [
    ("top_k_accuracy", 2),  # k=2 of 2 classes: always 1
    ("adjusted_rand_score", 2), ("adjusted_rand_score", 3),  # blind to which class is which
    ("v_measure_score", 3),
    (make_scorer(lambda y, y_pred: 0.0), 2),  # a constant
])
def test_scores_that_cannot_tell_trials_apart_are_refused(name, n_classes):
    y = np.repeat(np.arange(n_classes), 5)
    metric = get_metric(name)
    with pytest.raises(ValueError, match=r"gives a perfect prediction and one wrong on "
                                         r"every row the same score .*cannot tell trials apart"):
        metric.resolve(y, np.arange(n_classes))


@pytest.mark.parametrize("name", ["top_k_accuracy", "accuracy", "recall", "roc_auc_ovr",
                                  "neg_log_loss", "matthews_corrcoef"])
def test_scores_that_tell_trials_apart_are_taken(name):
    n_classes = 2 if name == "recall" else 3
    get_metric(name).resolve(np.repeat(np.arange(n_classes), 5), np.arange(n_classes))


def test_get_metric_names_scorers_and_callables():
    assert get_metric("pr_auc").needs == "proba"
    assert get_metric("macro_f1").needs == "label"
    roc = get_metric("roc_auc")
    y = np.array([0, 0, 1, 1, 0, 1])
    roc.resolve(y, [0, 1])
    assert roc.needs == "proba"
    proba = np.column_stack([1 - np.linspace(0, 1, 6), np.linspace(0, 1, 6)])
    assert roc.score_proba(y, proba, 1) == pytest.approx(7 / 9)
    f1 = get_metric("f1")
    f1.resolve(y, [0, 1])
    assert f1.needs == "label"
    assert f1.score_labels(y, np.array([0, 0, 1, 1, 1, 1]), 2) == pytest.approx(0.857142857)

    def my_scorer(estimator, X, y_true):
        return float(np.mean(estimator.predict(X) == y_true))

    custom = get_metric(my_scorer)
    custom.resolve(y, [0, 1])
    assert custom.needs == "label"
    with pytest.raises(ValueError, match="Unknown scoring 'prauc'"):
        get_metric("prauc")
    with pytest.raises(ValueError, match="callable"):
        get_metric(3)


def test_pr_auc_refuses_what_it_would_score_wrongly():
    y = np.array([0, 1, 2, 3, 0, 1, 2, 3, 0, 0])
    proba = np.random.default_rng(1).dirichlet(np.ones(3), 10)
    # a label missing from labels= was counted as a negative of every class
    with pytest.raises(ValueError, match=r"y_true holds label\(s\) \[3\] that labels= lacks"):
        pr_auc(y, proba, labels=[0, 1, 2])
    # a 1-D score of a multiclass y scored its greatest label
    with pytest.raises(ValueError, match="A 1-D y_score scores the positive class of a binary"):
        pr_auc(y, proba[:, 0])
    with pytest.raises(ValueError, match=r"pos_label=5 is not one of the labels \[0, 1\]"):
        pr_auc([0, 1, 1], np.full((3, 2), 0.5), pos_label=5)
    assert pr_auc([0, 1, 1], [0.1, 0.8, 0.7], pos_label=1) == 1.0
    # labels= in another order: the greater label is still the positive one
    # (labels[-1], class 0 here, was scored)
    y2 = np.array([0, 0, 0, 1, 1, 0, 1, 0])
    p1 = np.array([0.1, 0.3, 0.6, 0.7, 0.4, 0.2, 0.9, 0.5])
    expected = average_precision_score(y2, p1)
    assert pr_auc(y2, np.c_[p1, 1 - p1], labels=[1, 0]) == pytest.approx(expected)
    assert pr_auc(y2, p1, labels=[1, 0]) == pytest.approx(expected)
    # pos_label of a multiclass y was ignored without a word
    with pytest.raises(ValueError, match="pos_label=1 names the positive class of two"):
        pr_auc(y, np.random.default_rng(1).dirichlet(np.ones(4), 10), pos_label=1)


def test_get_scorer_in_sklearn(breast_cancer):
    X, y = breast_cancer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression())
    for name in ["pr_auc", "macro_f1", "balanced_accuracy", "gmean"]:
        scores = cross_val_score(model, X, y, cv=3, scoring=get_scorer(name))
        assert 0.85 < scores.mean() <= 1.0, name
    with pytest.raises(ValueError, match="Unknown imbtune metric"):
        get_scorer("accuracy")


def test_get_scorer_pr_auc_agrees_with_imbtune_s_score_on_a_rare_label_0(breast_cancer):
    # With the rare class labelled 0, imbtune's pr_auc scores class 0 (its
    # pos_label_); the scorer took classes_[1], the common class, instead.
    from imbtune import ImbalancedPipeline

    X, y = breast_cancer
    y = 1 - y  # malignant (the rarer class) is now 0
    model = ImbalancedPipeline("logreg", scoring="pr_auc", cv=3, random_state=0).fit(X, y)
    assert model.pos_label_ == 0
    assert get_scorer("pr_auc")(model, X, y) == pytest.approx(model.score(X, y))
    expected = pr_auc(y, model.predict_proba(X)[:, 0], pos_label=0)
    assert model.score(X, y) == pytest.approx(expected)
    # a plain scikit-learn classifier keeps scikit-learn's classes_[1]
    plain = LogisticRegression(max_iter=5000).fit(X, y)
    assert get_scorer("pr_auc")(plain, X, y) == pytest.approx(
        pr_auc(y, plain.predict_proba(X)[:, 1], pos_label=1))


def test_get_scorer_pr_auc_finds_the_positive_class_inside_wrappers(breast_cancer):
    # Wrapped in a Pipeline, a calibrator or an ensemble, the same model was
    # scored on its common class (0.92 against 0.44 in cross-validation).
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import VotingClassifier
    from sklearn.frozen import FrozenEstimator
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from imbtune import ImbalancedPipeline

    X, y = breast_cancer
    y = 1 - y  # the rarer class is 0
    member = ImbalancedPipeline("logreg", cv=3, random_state=0)
    wrapped = [
        make_pipeline(StandardScaler(), member).fit(X, y),
        FrozenEstimator(clone(member).fit(X, y)),
        CalibratedClassifierCV(clone(member), cv=3).fit(X, y),
        VotingClassifier([("a", clone(member)), ("b", clone(member).set_params(
            classifier="random_forest"))], voting="soft").fit(X, y),
    ]
    for model in wrapped:
        expected = pr_auc(y, model.predict_proba(X)[:, 0], pos_label=0)
        assert get_scorer("pr_auc")(model, X, y) == pytest.approx(expected), model
    # Voting and stacking fit their members on labels encoded 0..n-1: a
    # member's pos_label_ 0 is the ensemble's classes_[0] (3 here, the rare
    # class), not the label 0, which the scorer took for no class at all.
    from sklearn.ensemble import StackingClassifier

    labels = np.where(y == 0, 3, 7)
    members = [("a", clone(member)), ("b", clone(member).set_params(classifier="extra_trees"))]
    for model in (VotingClassifier(members, voting="soft").fit(X, labels),
                  StackingClassifier(members, cv=3).fit(X, labels)):
        expected = pr_auc(labels, model.predict_proba(X)[:, 0], pos_label=3)
        assert get_scorer("pr_auc")(model, X, labels) == pytest.approx(expected), model


def test_scorers_take_sample_weight(breast_cancer):
    # permutation_importance(..., sample_weight=w) with an imbtune scorer
    # raised TypeError from inside the metric.
    from sklearn.inspection import permutation_importance

    from imbtune import ImbalancedPipeline

    X, y = breast_cancer
    model = ImbalancedPipeline("logreg", cv=3, random_state=0).fit(X, y)
    w = np.random.default_rng(0).uniform(0.1, 3.0, len(y))
    pred, proba = model.predict(X), model.predict_proba(X)[:, model.pos_label_]
    expected = {
        "macro_f1": f1_score(y, pred, average="macro", sample_weight=w),
        "balanced_accuracy": balanced_accuracy_score(y, pred, sample_weight=w),
        "pr_auc": average_precision_score(y == model.pos_label_, proba, sample_weight=w),
    }
    for name, value in expected.items():
        assert get_scorer(name)(model, X, y, sample_weight=w) == pytest.approx(value)
        assert get_scorer(name)(model, X, y) != pytest.approx(value)  # weights count
    imp = permutation_importance(model, X, y, scoring=get_scorer("pr_auc"),
                                 sample_weight=w, n_repeats=2, random_state=0)
    assert np.isfinite(imp.importances_mean).all()


@pytest.mark.parametrize("name", ["pr_auc", "macro_f1", "balanced_accuracy", "gmean"])
def test_scorers_take_sample_weight_through_metadata_routing(breast_cancer, name):
    # get_scorer("pr_auc") was a plain function: it had no set_score_request,
    # so cross_validate(params={"sample_weight": w}) under routing refused it.
    import sklearn
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_validate

    X, y = breast_cancer
    X, y = X.to_numpy(), np.asarray(y)
    w = np.random.default_rng(0).uniform(0.1, 3.0, len(y))
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = get_scorer(name).set_score_request(sample_weight=True)
        model = LogisticRegression(max_iter=5000).set_fit_request(sample_weight=False)
        result = cross_validate(model, X, y, cv=splits, scoring=scorer,
                                params={"sample_weight": w}, return_estimator=True)
        # a new scorer each call: the request stays with the one it was made on
        assert get_scorer(name)._get_metadata_request().score.requests.get(
            "sample_weight") is None
    expected = [get_scorer(name)(fitted, X[test], y[test], sample_weight=w[test])
                for fitted, (_, test) in zip(result["estimator"], splits)]
    unweighted = [get_scorer(name)(fitted, X[test], y[test])
                  for fitted, (_, test) in zip(result["estimator"], splits)]
    np.testing.assert_allclose(result["test_score"], expected)
    assert not np.allclose(result["test_score"], unweighted)


@settings(max_examples=200, deadline=None)
@given(
    labels=st.lists(st.booleans(), min_size=2, max_size=60),
    data=st.data(),
)
def test_fast_average_precision_equals_scikit_learn(labels, data):
    is_pos = np.array(labels)
    assume(is_pos.any())
    # few distinct values, so that ties (one threshold for several rows) are common
    scores = np.array(data.draw(st.lists(
        st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.5000001, 0.9, 1.0]),
        min_size=len(labels), max_size=len(labels),
    )))
    assert _average_precision(is_pos, scores) == pytest.approx(
        average_precision_score(is_pos, scores), abs=1e-12
    )
