"""Pruning a trial scored on repeated K-fold after its first repetition."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import numbers

import numpy as np
import optuna
from optuna.trial import TrialState

__all__ = ["RepetitionPruner"]


class RepetitionPruner(optuna.pruners.BasePruner):
    """Stop a trial whose first repetition of the folds scores below the median.

    When every trial is scored on several repetitions of a K-fold partition,
    the first repetition already tells a weak configuration from a strong
    one: most of the spread between trials is between configurations, not
    between partitions. This pruner looks at a trial once, when its first
    ``folds_per_repetition`` fold scores are in, and stops it if their mean
    is below the median of the same mean over the earlier trials that got
    that far (completed or pruned). The trials that survive are scored on
    every repetition as before, so the score that ranks them is unchanged;
    the weak half costs one repetition instead of all of them.

    Parameters
    ----------
    folds_per_repetition : int
        Folds in one repetition (the ``K`` of the K-fold). Fold scores are
        reported at steps ``0, 1, ...``; the decision is taken at step
        ``folds_per_repetition - 1``.
    n_startup_trials : int, default=5
        No trial is pruned before this many trials have finished their first
        repetition.

    Examples
    --------
    >>> import optuna
    >>> from imbtune.pruning import RepetitionPruner
    >>> optuna.logging.set_verbosity(optuna.logging.WARNING)
    >>> study = optuna.create_study(direction="maximize",
    ...                             pruner=RepetitionPruner(2, n_startup_trials=1))
    >>> first = study.ask(); first.report(0.8, 0); first.report(0.9, 1)
    >>> _ = study.tell(first, 0.85)
    >>> weak = study.ask(); weak.report(0.5, 0); weak.report(0.6, 1)
    >>> weak.should_prune()
    True
    """

    def __init__(self, folds_per_repetition, n_startup_trials=5):
        if (
            not isinstance(folds_per_repetition, numbers.Integral)
            or folds_per_repetition < 1
        ):
            raise ValueError(
                "folds_per_repetition must be a positive int; got "
                f"{folds_per_repetition!r}."
            )
        if not isinstance(n_startup_trials, numbers.Integral) or n_startup_trials < 0:
            raise ValueError(
                "n_startup_trials must be a non-negative int; got "
                f"{n_startup_trials!r}."
            )
        self.folds_per_repetition = int(folds_per_repetition)
        self.n_startup_trials = int(n_startup_trials)

    def _first_repetition(self, trial):
        values = trial.intermediate_values
        steps = range(self.folds_per_repetition)
        if any(step not in values for step in steps):
            return None
        scores = [values[step] for step in steps]
        if any(np.isnan(s) for s in scores):
            return None
        return float(np.mean(scores))

    def prune(self, study, trial):
        if trial.last_step != self.folds_per_repetition - 1:
            return False
        mine = self._first_repetition(trial)
        if mine is None:
            return False
        others = [
            score
            for t in study.get_trials(
                deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED)
            )
            if t.number != trial.number
            and (score := self._first_repetition(t)) is not None
        ]
        if len(others) < self.n_startup_trials:
            return False
        median = float(np.median(others))
        if study.direction == optuna.study.StudyDirection.MAXIMIZE:
            return mine < median
        return mine > median
