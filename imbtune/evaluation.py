"""The cross-validation loop: out-of-fold scores, cross-fitted decisions, caching.

A trial is a pure function of its :class:`PipelineConfig`, the data and the
fixed folds of a :class:`Problem`:

1. per fold, the training part is encoded (cached per fold), resampled,
   and the model fitted on it; the validation part is only encoded and
   predicted -- no validation row ever reaches a resampler or a model fit;
2. the out-of-fold (OOF) probabilities of every training row are gathered,
   once per repetition when the K-fold is repeated (as the search does on
   small tables, where one partition's luck decides too much);
3. for each calibration, every fold is scored with a calibrator and a
   decision rule fitted on the OOF rows of the *other* folds of its
   repetition (cross-fitting), so no row is scored by a rule fitted on it;
4. the calibration with the best mean fold score is the trial's (ties go
   to the lower Brier score), and its final calibrator and rule are fitted
   on all OOF rows, as the refit will do.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
import sklearn
from scipy import sparse

from . import _deadline
from ._labels import encoded_params, encoded_spec
from .classifiers import FitContext, get_classifier_spec
from .decision import CALIBRATIONS, Calibrator, make_rule
from .metrics import get_metric
from .preprocessing import TabularEncoder
from .resamplers import ResampleContext, get_resampler_spec

__all__ = ["PipelineConfig", "Problem", "TrialResult", "evaluate", "fit_final_model"]


@dataclass(frozen=True)
class PipelineConfig:
    """One candidate pipeline: resampler, classifier and cost weight.

    ``resampler`` and ``classifier`` are registry names, specs or estimator
    objects; their ``*_params`` are the sampled parameters.
    """

    resampler: object = "none"
    resampler_params: dict = field(default_factory=dict)
    classifier: object = "lightgbm"
    classifier_params: dict = field(default_factory=dict)
    cost_weight: float = 0.0

    @property
    def resampler_spec(self):
        return get_resampler_spec(self.resampler)

    @property
    def classifier_spec(self):
        return get_classifier_spec(self.classifier)

    def needs_impute(self):
        return bool(
            self.resampler_spec.needs_finite or self.classifier_spec.needs_finite()
        )


def fold_repeats(folds, n_rows):
    """Repetition index of each split: consecutive splits whose validation
    parts partition the rows form one repetition of K-fold."""
    repeats = []
    covered = np.zeros(n_rows, dtype=int)
    repeat = 0
    for _, valid in folds:
        if covered.all():
            covered[:] = 0
            repeat += 1
        np.add.at(covered, valid, 1)
        repeats.append(repeat)
        if (covered > 1).any():
            break
    if not np.all(covered == 1):
        raise ValueError(
            "imbtune needs every row in exactly one validation fold of each "
            "repetition (a K-fold partition, possibly repeated) to gather "
            f"out-of-fold scores; {int(np.sum(covered != 1))} rows are not. Use "
            "KFold/StratifiedKFold-style splitters (or their Repeated* versions), "
            "not ShuffleSplit."
        )
    return repeats


def decision_metric(metric):
    """The metric a decision rule optimises: the scoring itself if it scores
    labels, else macro-F1 (a probability metric does not pick a threshold)."""
    return metric if metric.needs_labels else get_metric("macro_f1")


class Problem:
    """The fixed problem of a study: encoded labels, folds, metric, caches.

    Parameters
    ----------
    X : pandas.DataFrame
        Validated features.
    y : ndarray of int
        Encoded labels ``0..n_classes-1``.
    folds : list of (train_indices, validation_indices)
        Fixed cross-validation splits: one K-fold partition of the rows, or
        several in a row (repeated K-fold).
    metric : Metric
        The scoring.
    pos : int or None
        Positive class of a binary problem.
    random_state : int
        Seed of every resampler and model.
    n_threads : int
        Threads per model fit.
    classes : ndarray, optional
        The class labels behind ``y``'s codes, for messages that name a class.

    Attributes
    ----------
    n_repeats : int
        Repetitions of K-fold in ``folds``.
    oof_y : ndarray of int
        Labels of the out-of-fold rows: ``y`` once per repetition. An OOF
        array holds one block of ``len(y)`` rows per repetition, each row
        predicted by the model of the fold that held it out.
    oof_folds : list of (train_indices, validation_indices)
        ``folds`` in OOF rows: split ``k`` of repetition ``r`` shifted by
        ``r * len(y)``. A decision fitted on a split's training part and
        scored on its validation part never sees a scored row.
    """

    def __init__(self, X, y, folds, metric, pos, random_state, n_threads=1,
                 classes=None):
        self.X = X
        self.y = y
        self.classes = classes
        self.folds = folds
        repeats = fold_repeats(folds, len(y))
        self.n_repeats = repeats[-1] + 1
        self.oof_y = np.tile(y, self.n_repeats)
        self.oof_folds = [
            (r * len(y) + train, r * len(y) + valid)
            for r, (train, valid) in zip(repeats, folds, strict=True)
        ]
        self.categorical_columns = [
            name for name, dtype in X.dtypes.items() if dtype.kind != "f"
        ]
        self.metric = metric
        self.n_classes = int(y.max()) + 1
        self.pos = pos
        self.random_state = random_state
        self.n_threads = n_threads
        self.rule_metric = decision_metric(metric)
        self.notes = set()
        self._cache = {}
        self._encoders = {}
        self._lock = threading.Lock()

    def encoded_fold(self, k, impute):
        """Encoded (train, validation, categorical_mask) of fold ``k``; cached."""
        key = (k, impute)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        train, valid = self.folds[k]
        # Arrays, whatever scikit-learn's transform_output (see TabularEncoder).
        # The kinds of column are the whole table's: a column that is text
        # for a few rows may hold numbers only in this fold's training rows.
        encoder = TabularEncoder(
            impute=impute, categorical=self.categorical_columns
        ).set_output(transform="default")
        encoder.fit(self.X.iloc[train])
        entry = (
            encoder.transform(self.X.iloc[train]),
            encoder.transform(self.X.iloc[valid]),
            encoder.categorical_mask_,
        )
        with self._lock:
            self._encoders.setdefault(key, encoder)
            entry = self._cache.setdefault(key, entry)
        return entry

    def fold_encoder(self, k, impute):
        """The encoder of fold ``k``'s training part (see :meth:`encoded_fold`)."""
        self.encoded_fold(k, impute)
        with self._lock:
            return self._encoders[(k, impute)]


def fit_final_model(config, X_encoded, y, categorical_mask, n_classes, random_state,
                    n_threads=1, deadline=None, notes=None, labels=None):
    """Resample, then fit the classifier; returns the fitted model.

    ``labels`` are the class labels behind ``y``'s codes: they name a class
    in error messages, and a dict of the user's sampler or model keyed by
    them (``sampling_strategy``, ``class_weight``) is keyed by the codes.
    """
    resampler_spec = encoded_spec(config.resampler_spec, labels)
    classifier_spec = encoded_spec(config.classifier_spec, labels)
    resampler = resampler_spec.build(
        encoded_params(config.resampler_params, labels,
                       f"Resampler {resampler_spec.name!r}"),
        ResampleContext(y, n_classes, categorical_mask, random_state, notes,
                        labels=labels),
    )
    if resampler is not None:
        n_columns = X_encoded.shape[1]
        # imbalanced-learn's samplers encode internally (SMOTENC, SMOTEN);
        # a user's transform_output="pandas" must not reach those encoders.
        # The cleaning samplers' neighbour searches check the deadline.
        with sklearn.config_context(transform_output="default"), _deadline.active(deadline):
            X_encoded, y = resampler.fit_resample(X_encoded, y)
        if np.shape(X_encoded)[1:] != (n_columns,) or len(y) != len(X_encoded):
            raise ValueError(
                f"Resampler {resampler_spec.name!r} returned X of shape "
                f"{np.shape(X_encoded)} and {len(y)} labels from {n_columns} columns; "
                "a resampler may add or drop rows, never columns, and must return "
                "one label per row."
            )
    ctx = FitContext(
        y,
        n_classes,
        categorical_mask,
        cost_weight=config.cost_weight,
        random_state=random_state,
        n_threads=n_threads,
        deadline=deadline,
    )
    # A slow resampling may have spent the budget: no model fit after it
    # (a user's model cannot be stopped part-way).
    ctx.check_deadline()
    if classifier_spec.float32_only():
        _check_float32_range(X_encoded, classifier_spec.name)
    model, fit_params = classifier_spec.build(
        encoded_params(config.classifier_params, labels, f"Classifier {classifier_spec.name!r}"),
        ctx,
    )
    model = classifier_spec.fit_model(model, X_encoded, y, fit_params, ctx)
    ctx.check_deadline()
    return classifier_spec.after_fit(model)


def _check_float32_range(X, name):
    """Values past float32's range become infinity in a float32 model: say
    so, not the model's own 'Input data contains inf' from C++."""
    values = X.data if sparse.issparse(X) else np.asarray(X)
    if values.size == 0:
        return
    magnitude = np.abs(values)
    largest = float(np.max(magnitude, initial=0.0, where=~np.isnan(magnitude)))
    limit = float(np.finfo(np.float32).max)
    if largest > limit:
        raise ValueError(
            f"X holds values as large as {largest:.3g}, past the float32 range "
            f"({limit:.3g}) that {name} reads X in. Divide "
            f"those columns by a constant (their maximum, say) before fitting, or "
            f"use another classifier than {name!r}."
        )


def fit_fold_models(problem, config, notes=None):
    """The fold models of ``config``, fitted again: per fold of
    ``problem.folds``, the ``(encoder, model)`` that :func:`out_of_fold`
    fits there (same rows, resampling and seed), for a trial whose own were
    not kept."""
    models = []
    out_of_fold(problem, config, notes=notes, models=models)
    return models


def predict_proba_full(model, X, n_classes, proba=None):
    """``predict_proba`` with one column per class, even if a class was unseen
    (``proba``: the model's own ``predict_proba(X)``, when already made)."""
    if proba is None:
        proba = model.predict_proba(X)
    classes = getattr(model, "classes_", np.arange(proba.shape[1]))
    if proba.shape[1] == n_classes and np.array_equal(classes, np.arange(n_classes)):
        return proba
    full = np.zeros((proba.shape[0], n_classes))
    full[:, np.asarray(classes, dtype=int)] = proba
    return full


@dataclass
class TrialResult:
    """What one evaluated configuration gives."""

    score: float
    fold_scores: list
    calibration: str
    calibration_scores: dict
    oof: np.ndarray
    calibrator: Calibrator
    rule: object
    fit_time: float
    notes: set
    rounds: int | None = None
    # The fold models behind ``oof`` (with ``keep_models``), or None.
    fold_models: list | None = None


def _brier(y, proba):
    onehot = np.eye(proba.shape[1])[y]
    return float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))


def _score_rows(problem, y, proba, rule):
    if problem.metric.needs_labels:
        return problem.metric.score_labels(y, rule.predict(proba), problem.n_classes)
    return problem.metric.score_proba(y, proba, problem.pos)


def fit_decision(problem, oof, y, calibration, threshold="auto", with_rule=True):
    """Calibrator and rule fitted on the given OOF rows (rule None if not asked)."""
    calibrator = Calibrator(calibration, pos=problem.pos).fit(oof, y)
    if not with_rule:
        return calibrator, None
    rule = make_rule(problem.rule_metric, problem.n_classes, problem.pos, threshold)
    rule.fit(calibrator.transform(oof), y)
    return calibrator, rule


def crossfit_scores(problem, oof, calibration, threshold="auto"):
    """Per-fold scores of a calibration, each fold scored by a calibrator and
    rule fitted on the other folds' OOF rows. Returns (scores, briers)."""
    y = problem.oof_y
    scores, briers = [], []
    for train, valid in problem.oof_folds:
        # A probability metric never reads the rule's labels: no rule to fit.
        calibrator, rule = fit_decision(
            problem, oof[train], y[train], calibration, threshold,
            with_rule=problem.metric.needs_labels,
        )
        proba = calibrator.transform(oof[valid])
        scores.append(_score_rows(problem, y[valid], proba, rule))
        briers.append(_brier(y[valid], proba))
    return scores, briers


def _proxy(problem, y, proba):
    """Fold score used for pruning, before the folds' decisions can be
    cross-fitted: the score of a rule fitted on that fold itself."""
    if not problem.metric.needs_labels:
        return problem.metric.score_proba(y, proba, problem.pos)
    rule = make_rule(problem.rule_metric, problem.n_classes, problem.pos).fit(proba, y)
    return problem.metric.score_labels(y, rule.predict(proba), problem.n_classes)


def out_of_fold(problem, config, deadline=None, report=None, notes=None, rounds=None,
                models=None):
    """OOF probabilities of ``config`` (one block of rows per repetition of
    the folds, see :class:`Problem`); ``report(step, value)`` after each fold.
    With a list ``models``, each fold's ``(encoder, model)`` is appended to it.

    With ``rounds`` (a booster's round counts, see
    :meth:`~imbtune.classifiers.ClassifierSpec.round_checkpoints`), returns
    ``{count: OOF probabilities of the first count rounds}`` of the same fits.
    """
    impute = config.needs_impute()
    spec = config.classifier_spec
    oof = np.zeros((len(problem.oof_y), problem.n_classes))
    staged = {r: np.zeros_like(oof) for r in rounds} if rounds else None
    for k, (train, valid) in enumerate(problem.folds):
        rows = problem.oof_folds[k][1]
        X_train, X_valid, mask = problem.encoded_fold(k, impute)
        model = fit_final_model(
            config,
            X_train,
            problem.y[train],
            mask,
            problem.n_classes,
            problem.random_state,
            problem.n_threads,
            deadline,
            notes,
            labels=problem.classes,
        )
        oof[rows] = predict_proba_full(model, X_valid, problem.n_classes)
        if models is not None:
            models.append((problem.fold_encoder(k, impute), model))
        if staged is not None:
            for r in rounds:
                staged[r][rows] = (
                    oof[rows] if r == config.classifier_params.get("n_estimators")
                    else predict_proba_full(
                        model, X_valid, problem.n_classes,
                        proba=spec.predict_proba_rounds(model, X_valid, r),
                    )
                )
        if report is not None:
            report(k, _proxy(problem, problem.y[valid], oof[rows]))
    return staged if staged is not None else oof


def choose_calibration(problem, oof, calibrations, threshold="auto"):
    """Score every calibration on ``oof`` (cross-fitted) and pick one.

    Returns ``(chosen, mean_scores, fold_scores_of_chosen)``: the best mean
    fold score wins; a tie (a monotone calibration leaves PR-AUC unchanged)
    goes to the lower Brier score, i.e. the better-calibrated probabilities.
    """
    results = {}
    for calibration in calibrations:
        scores, briers = crossfit_scores(problem, oof, calibration, threshold)
        results[calibration] = (float(np.mean(scores)), -float(np.mean(briers)), scores)
    chosen = max(calibrations, key=lambda c: (round(results[c][0], 9), results[c][1]))
    return (
        chosen,
        {c: results[c][0] for c in calibrations},
        [float(v) for v in results[chosen][2]],
    )


def evaluate(problem, config, calibrations=CALIBRATIONS, deadline=None, report=None,
             threshold="auto", select_rounds=False, keep_models=False):
    """Evaluate one configuration; see the module docstring for the steps.

    With ``select_rounds`` and a booster, the OOF probabilities of the same
    fold fits are made at each of its round checkpoints; the count whose
    cross-fitted score is best without calibration (with the first of
    ``calibrations`` if ``"none"`` is not among them; a tie goes to fewer
    rounds) is the trial's (``TrialResult.rounds``), and its calibration is
    then chosen as for any trial: the result is exactly that of ``config``
    with ``n_estimators`` set to that count.

    With ``keep_models``, ``TrialResult.fold_models`` holds the fold models
    (see :func:`fit_fold_models`) when they are the ones that made the
    trial's OOF probabilities (not when fewer rounds were chosen).
    """
    start = time.perf_counter()
    notes = set()
    rounds = (
        config.classifier_spec.round_checkpoints(config.classifier_params)
        if select_rounds else None
    )
    models = [] if keep_models else None
    made = out_of_fold(
        problem, config, deadline=deadline, report=report, notes=notes, rounds=rounds,
        models=models,
    )
    staged = made if rounds else {None: made}  # round count -> OOF probabilities
    fit_time = time.perf_counter() - start
    count = next(iter(staged))
    if len(staged) > 1:
        plain = "none" if "none" in calibrations else calibrations[0]
        count = max(  # the first maximum: fewest rounds
            staged,
            key=lambda r: round(float(np.mean(
                crossfit_scores(problem, staged[r], plain, threshold)[0]
            )), 9),
        )
    oof = staged[count]
    chosen, means, fold_scores = choose_calibration(problem, oof, calibrations, threshold)
    calibrator, rule = fit_decision(problem, oof, problem.oof_y, chosen, threshold)
    problem.notes.update(notes)
    return TrialResult(
        score=means[chosen],
        fold_scores=fold_scores,
        calibration=chosen,
        calibration_scores=means,
        oof=oof,
        calibrator=calibrator,
        rule=rule,
        fit_time=fit_time,
        notes=notes,
        rounds=count,
        fold_models=(
            models if count is None or count == config.classifier_params.get("n_estimators")
            else None
        ),
    )
