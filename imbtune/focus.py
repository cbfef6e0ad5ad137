"""Family focus: stop drawing model families that are clearly behind.

A joint search spends its trials over every classifier family, and on a
table of a few thousand rows a 120-second budget buys only some 10 to 30
trials; a trial of a family that is already clearly beaten is a trial the
leading family does not get. :class:`FamilyFocusSampler` wraps the study's
sampler: when it draws a classifier whose best trial is clearly below the
best trial of all (a paired comparison over the same folds), the trial goes
to the leading family instead. Families close to the lead, and those not yet
tried, stay in the draw.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import numpy as np
import optuna
from optuna.samplers import BaseSampler
from optuna.trial import TrialState

__all__ = ["FamilyFocusSampler", "weak_families"]


def weak_families(trials, param="classifier", z=2.0):
    """Families whose best trial is clearly below the best trial of all.

    Parameters
    ----------
    trials : list of optuna.trial.FrozenTrial
        Finished trials; those with a value, the parameter ``param`` and a
        ``"fold_scores"`` user attribute count.
    param : str, default="classifier"
        The parameter naming the family.
    z : float, default=2.0
        A family is clearly behind when the mean of the per-fold differences
        between the overall best trial and its own best trial exceeds ``z``
        standard errors of that mean (the folds are the same for every trial,
        so the comparison is paired).

    Returns
    -------
    weak : set
        The families that are clearly behind (never the leading one).
    leader : object or None
        The family of the best trial, None if no trial counts.

    Examples
    --------
    >>> import optuna
    >>> from optuna.distributions import CategoricalDistribution
    >>> from imbtune.focus import weak_families
    >>> dist = {"classifier": CategoricalDistribution(["a", "b", "c"])}
    >>> def trial(family, folds):
    ...     return optuna.trial.create_trial(
    ...         params={"classifier": family}, distributions=dist,
    ...         value=sum(folds) / len(folds), user_attrs={"fold_scores": folds})
    >>> trials = [trial("a", [0.90, 0.80, 0.85, 0.95]),
    ...           trial("b", [0.70, 0.60, 0.65, 0.75]),
    ...           trial("c", [0.91, 0.78, 0.86, 0.93])]
    >>> weak_families(trials)
    ({'b'}, 'a')
    """
    best = {}
    for trial in trials:
        family = trial.params.get(param)
        folds = trial.user_attrs.get("fold_scores")
        if trial.state != TrialState.COMPLETE or family is None or not folds:
            continue
        if family not in best or trial.value > best[family].value:
            best[family] = trial
    if not best:
        return set(), None
    leader = max(best, key=lambda family: best[family].value)
    lead = np.asarray(best[leader].user_attrs["fold_scores"], dtype=float)
    weak = set()
    for family, trial in best.items():
        folds = np.asarray(trial.user_attrs["fold_scores"], dtype=float)
        if family == leader or folds.shape != lead.shape or len(lead) < 2:
            continue
        diff = lead - folds
        if not np.all(np.isfinite(diff)):
            continue
        error = diff.std(ddof=1) / np.sqrt(len(diff))
        if diff.mean() > z * error and diff.mean() > 0:
            weak.add(family)
    return weak, leader


class FamilyFocusSampler(BaseSampler):
    """Wrap a sampler so that clearly beaten families are not drawn again.

    Every parameter is drawn by ``sampler``; when the family parameter
    (``"classifier"``) it draws belongs to a family that
    :func:`weak_families` finds clearly behind, the trial takes the leading
    family instead (the family's own parameters are then drawn for it as
    usual). Enqueued (fixed) parameters are left alone.

    Parameters
    ----------
    sampler : optuna.samplers.BaseSampler
        The sampler that draws every parameter.
    param : str, default="classifier"
        The parameter naming the family.
    z : float, default=2.0
        How clear "clearly behind" is, in standard errors of the paired fold
        differences (see :func:`weak_families`).

    Attributes
    ----------
    redirected_ : dict
        Trial number -> the family it was drawn with before it was redirected.

    Examples
    --------
    >>> import optuna
    >>> from imbtune.focus import FamilyFocusSampler
    >>> sampler = FamilyFocusSampler(optuna.samplers.TPESampler(seed=0))
    >>> study = optuna.create_study(direction="maximize", sampler=sampler)
    """

    def __init__(self, sampler, param="classifier", z=2.0):
        self.sampler = sampler
        self.param = param
        self.z = z
        self.redirected_ = {}

    def _focus(self, study, trial, value, choices):
        if self.param in trial.system_attrs.get("fixed_params", {}):
            return value  # an enqueued value is used whatever is drawn
        weak, leader = weak_families(
            study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)),
            self.param, self.z,
        )
        if value in weak and leader in choices:
            self.redirected_[trial.number] = value
            return leader
        return value

    def infer_relative_search_space(self, study, trial):
        return self.sampler.infer_relative_search_space(study, trial)

    def sample_relative(self, study, trial, search_space):
        params = self.sampler.sample_relative(study, trial, search_space)
        if self.param in params and isinstance(
            search_space.get(self.param), optuna.distributions.CategoricalDistribution
        ):
            params = dict(params)
            params[self.param] = self._focus(
                study, trial, params[self.param], search_space[self.param].choices
            )
        return params

    def sample_independent(self, study, trial, param_name, param_distribution):
        value = self.sampler.sample_independent(
            study, trial, param_name, param_distribution
        )
        if param_name == self.param and isinstance(
            param_distribution, optuna.distributions.CategoricalDistribution
        ):
            value = self._focus(study, trial, value, param_distribution.choices)
        return value

    def before_trial(self, study, trial):
        self.sampler.before_trial(study, trial)

    def after_trial(self, study, trial, state, values):
        self.sampler.after_trial(study, trial, state, values)

    def reseed_rng(self):
        self.sampler.reseed_rng()
