"""Greedy ensemble selection over trials' out-of-fold scores, and ImbalancedEnsemble.

After a search, the best few trials each hold out-of-fold (OOF)
probabilities for every training row. Greedy selection with replacement
(Caruana et al., 2004) adds, one at a time, the trial whose inclusion most
improves the averaged probabilities; the weights are how often each trial
was picked. Averaging models of different families (a booster and a forest,
say) often ranks the rare class better than any one of them.

Selection is cross-fitted like every other decision in imbtune: the rows of
fold ``k`` are combined with weights selected on the *other* folds, so the
ensemble's reported score is not computed on the rows that chose it.
Probabilities are ranked by the scoring metric when it scores probabilities,
else by PR-AUC (macro one-vs-rest for multiclass), which is smoother than a
thresholded metric; the decision rule is then fitted on the ensemble's
probabilities.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.utils.validation import validate_data

from ._validation import check_no_fit_params, warn_columns
from .classifiers import warn_tiny_ranges
from .evaluation import out_of_fold
from .metrics import get_metric
from .pipeline import (
    ImbalancedPipeline,
    _DecisionClassifier,
    check_resampler_on,
    n_threads_for,
    resolve_final_model,
    warn_notes,
)

__all__ = ["ImbalancedEnsemble", "crossfit_ensemble_oof", "greedy_weights"]


def selection_metric(metric):
    """The metric that ranks candidate ensembles: the scoring if it reads
    probabilities, else PR-AUC."""
    return metric if not metric.needs_labels else get_metric("pr_auc")


def greedy_weights(oofs, y, groups, metric, pos, rounds=10):
    """Weights of a greedy ensemble selection with replacement.

    Parameters
    ----------
    oofs : ndarray of shape (n_candidates, n_samples, n_classes)
        Candidates' OOF probabilities, best candidate first.
    y : ndarray of int
        Encoded labels.
    groups : list of index arrays
        The score of a blend is the mean of the metric over these row groups
        (the validation folds).
    metric : Metric
        A probability metric.
    pos : int or None
        Positive column of a binary problem.
    rounds : int, default=10
        Picks made; the best-scoring prefix of them is kept.

    Returns
    -------
    weights : ndarray of shape (n_candidates,)
        Non-negative, summing to one.
    """
    def score(blend):
        return float(np.mean([metric.score_proba(y[g], blend[g], pos) for g in groups]))

    counts = np.zeros(len(oofs))
    total = np.zeros_like(oofs[0])
    best_counts, best_score = None, -np.inf
    for step in range(1, rounds + 1):
        values = [score((total + o) / step) for o in oofs]
        pick = int(np.argmax(values))  # ties go to the better candidate
        counts[pick] += 1
        total = total + oofs[pick]
        if values[pick] > best_score + 1e-12:
            best_score, best_counts = values[pick], counts.copy()
    return best_counts / best_counts.sum()


def crossfit_ensemble_oof(oofs, y, folds, metric, pos, rounds=10):
    """Ensemble OOF probabilities whose fold-``k`` rows use weights selected
    on the other folds whose rows lie in fold ``k``'s training part (with
    repeated folds, those of the same repetition: another repetition holds
    the same rows again)."""
    blended = np.zeros_like(oofs[0])
    for k, (train, valid) in enumerate(folds):
        others = [
            v for j, (_, v) in enumerate(folds) if j != k and np.isin(v, train).all()
        ]
        weights = greedy_weights(oofs, y, others, metric, pos, rounds)
        blended[valid] = np.tensordot(weights, oofs[:, valid], axes=1)
    return blended


class ImbalancedEnsemble(_DecisionClassifier):
    """A weighted average of imbtune pipelines, then one calibrator and one rule.

    Each member contributes its model's uncalibrated probabilities; their
    weighted average is calibrated and turned into labels by a decision rule
    fitted on the average of the members' out-of-fold probabilities, the
    same way :class:`ImbalancedPipeline` does for one model.
    :class:`ImbalancedSearchCV` returns one when a cross-fitted greedy
    selection over its best trials beats its best single trial.

    Parameters
    ----------
    pipelines : list of ImbalancedPipeline
        The members (their own ``calibration`` and ``threshold`` are not
        used; their resampler, classifier and cost weight are). Each fitted
        member in ``pipelines_`` is fitted on the ensemble's folds and seed,
        and its threshold (or class weights) is tuned for the ensemble's
        ``scoring`` and ``pos_label``, whatever its own parameters (which
        ``get_params`` still shows) say: a member used on its own predicts
        for the ensemble's metric and class.
    weights : array-like of float, default=None
        Member weights; ``None`` gives equal weights.
    calibration : {"none", "sigmoid", "isotonic"}, default="none"
        Calibration of the averaged probabilities.
    threshold : "auto" or float, default="auto"
        As in :class:`ImbalancedPipeline`.
    scoring : str or callable, default="macro_f1"
        Metric of the decision rule and of :meth:`score`.
    pos_label : int, str or None, default=None
        Positive class of a binary problem; default the minority class.
    cv : int, splitter or iterable, default=5
        Folds for the members' OOF probabilities.
    n_jobs : int, default=None
        Threads for the model fits.
    random_state : int, RandomState or None, default=None
        Seed of the folds and of every member's resampler and model.

    Attributes
    ----------
    pipelines_ : list of ImbalancedPipeline
        Fitted members, each a whole pipeline (its own calibrator and
        decision rule, fitted on its own OOF probabilities): each predicts
        with its fold models or a model refitted on all rows, as its own
        ``final_model`` says. The ensemble blends their uncalibrated
        probabilities, then applies its own calibrator and rule.
    weights_ : ndarray
        Normalised member weights.
    classes_, calibrator_, threshold_, pos_label_, class_weights_, \
oof_proba_, cv_scores_, n_features_in_, feature_names_in_
        As in :class:`ImbalancedPipeline`.

    Examples
    --------
    >>> from imbtune import ImbalancedEnsemble, ImbalancedPipeline
    >>> from imbtune.datasets import load_dataset
    >>> X, y = load_dataset("breast_cancer")
    >>> ensemble = ImbalancedEnsemble(
    ...     [ImbalancedPipeline("logreg"),
    ...      ImbalancedPipeline("extra_trees", classifier_params={"n_estimators": 50})],
    ...     calibration="sigmoid", random_state=0).fit(X, y)
    >>> ensemble.weights_
    array([0.5, 0.5])
    >>> ensemble.predict(X.iloc[:3])
    array([1, 1, 1])
    """

    def __init__(
        self,
        pipelines,
        *,
        weights=None,
        calibration="none",
        threshold="auto",
        scoring="macro_f1",
        pos_label=None,
        cv=5,
        n_jobs=None,
        random_state=None,
    ):
        self.pipelines = pipelines
        self.weights = weights
        self.calibration = calibration
        self.threshold = threshold
        self.scoring = scoring
        self.pos_label = pos_label
        self.cv = cv
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _check_members(self):
        self._check_decision_params()
        members = list(self.pipelines)
        if not members or not all(isinstance(m, ImbalancedPipeline) for m in members):
            raise ValueError(
                "pipelines must be a non-empty list of ImbalancedPipeline objects; "
                f"got {self.pipelines!r}."
            )
        if self.weights is None:
            weights = np.full(len(members), 1.0 / len(members))
        else:
            weights = np.asarray(self.weights, dtype=float)
            if (weights.shape != (len(members),) or not np.isfinite(weights).all()
                    or (weights < 0).any() or weights.sum() <= 0):
                raise ValueError(
                    f"weights must be {len(members)} finite non-negative numbers "
                    f"with a positive sum; got {self.weights!r}."
                )
            weights = weights / weights.sum()
        configs = [m._check_params() for m in members]
        return members, configs, weights

    def fit(self, X, y, groups=None, **fit_params):
        """Members' OOF probabilities, decision on their average, refit of members.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            Class labels.
        groups : array-like of shape (n_samples,), default=None
            Group of each row, never split between the training and the
            validation part of a fold (see :meth:`ImbalancedPipeline.fit`).

        **fit_params
            None are taken; ``sample_weight`` raises a ``TypeError`` that
            says why (the classes are weighed through ``cost_weight``).

        Returns
        -------
        self : ImbalancedEnsemble
        """
        check_no_fit_params(fit_params, estimator_name=type(self).__name__)
        members, configs, weights = self._check_members()
        problem, classes = self._problem(X, y, n_threads_for(self.n_jobs), groups)
        for config in configs:
            check_resampler_on(config.resampler_spec, problem.X)
        warn_tiny_ranges(problem.X, [config.classifier_spec for config in configs])
        warn_columns(problem.X, problem.y, classes, grouped=groups is not None)
        bags = [
            [] if resolve_final_model(m.final_model, len(problem.y)) == "folds" else None
            for m in members
        ]
        oofs = np.stack([
            out_of_fold(problem, c, notes=problem.notes, models=bag)
            for c, bag in zip(configs, bags, strict=True)
        ])
        self._fit_from_oofs(X, problem, classes, oofs, weights, members, configs,
                            fold_models=bags)
        warn_notes(problem.notes)
        return self

    def _fit_from_oofs(self, X, problem, classes, oofs, weights, members, configs,
                       cv_scores=None, blended=None, fold_models=None):
        """Decision on the blended OOF probabilities, then each member's model
        (``fold_models[i]``: member ``i``'s fold models when at hand)."""
        self.weights_ = np.asarray(weights, dtype=float)
        if blended is None:
            blended = np.tensordot(self.weights_, oofs, axes=1)
        self._fit_decision(problem, classes, blended, cv_scores)
        if fold_models is None:
            fold_models = [None] * len(members)
        self.pipelines_ = []
        for member, config, oof, bag in zip(
            members, configs, oofs, fold_models, strict=True
        ):
            # Each member is a whole fitted pipeline: its own calibrator and
            # rule on its own OOF probabilities, so it predicts on its own.
            fitted = clone(member)
            validate_data(fitted, X, skip_check_array=True, reset=True)
            fitted._fit_decision(problem, classes, oof)
            fitted._fit_model(problem, config, fold_models=bag)
            self.pipelines_.append(fitted)
        return self

    def _encoder(self):
        # Every member's encoder saw the same rows and categories.
        return self.pipelines_[0].encoder_

    def _raw_proba(self, X):
        return sum(
            w * member._raw_proba(X)
            for w, member in zip(self.weights_, self.pipelines_, strict=True)
        )
