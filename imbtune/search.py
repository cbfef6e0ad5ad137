"""ImbalancedSearchCV: the Optuna study driver and the refit of the best pipeline."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import collections
import contextlib
import numbers
import threading
import time
import warnings
from importlib.util import find_spec

import numpy as np
import optuna
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from ._deadline import DeadlineExceeded
from ._validation import (
    as_frame,
    check_groups,
    check_no_fit_params,
    check_same_rows,
    check_target,
    resolve_pos_label,
    warn_columns,
)
from .classifiers import CLASSIFIERS, warn_tiny_ranges
from .decision import CALIBRATIONS
from .ensemble import (
    ImbalancedEnsemble,
    crossfit_ensemble_oof,
    greedy_weights,
    selection_metric,
)
from .evaluation import Problem, choose_calibration, evaluate, out_of_fold
from .exceptions import FallbackWarning, SearchFailedError, TrialFailedWarning
from .focus import FamilyFocusSampler
from .metrics import get_metric
from .parallel import DRAWN, run_in_processes, unpicklable
from .pipeline import (
    SMALL_TABLE_ROWS,
    ImbalancedPipeline,
    _score,
    check_cv,
    make_folds,
    n_threads_for,
    resolve_final_model,
    seed_from,
    stratified_splitter,
    warn_notes,
)
from .pruning import RepetitionPruner
from .resamplers import RESAMPLERS
from .space import SearchSpace

__all__ = ["ImbalancedSearchCV", "auto_repeats", "trial_params"]

_MIN_PROCESS_SECONDS = 10.0  # less time than this for the trials: threads, not processes
_SAMPLERS = ("tpe", "random", "gp", "cmaes")
_SAMPLER_NEEDS = {"gp": ("torch", "scipy"), "cmaes": ("cmaes",)}  # Optuna's imports
_PRUNERS = ("median", "repetition")


_ENSEMBLE_CANDIDATES = 20  # best trials whose OOF scores are kept for the ensemble
_FAMILY_CANDIDATES = 5  # and best trials of each classifier (tie_break, ensemble)
_REFIT_RESERVE_TRIALS = 4  # refit time is reserved for this many of the best trials


_SMALL_TABLE_REPEATS = 3


def _is_int(value):
    """An int that is not a bool (numpy ints included)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def auto_repeats(n_rows):
    """Repetitions of K-fold that ``n_repeats="auto"`` gives ``n_rows`` rows.

    Three below 4,000 rows, one from there on. On a small table a fit is
    cheap and one partition's luck moves a trial's score by more than most
    differences between good pipelines, so among many trials the best score
    is often the luckiest; scoring each trial on three partitions buys a
    steadier score for a third of the trials. Measured by
    ``benchmarks/cv_repeats.py`` (``results/cv_repeats.md``) on eleven
    datasets outside ``compare.py``'s four, 120 s per search, against one
    K-fold: on 229 to 1,581 training rows, held-out PR-AUC +0.012 on average
    over 16 (dataset, seed) cases (standard error 0.007) and macro-F1 +0.001;
    on 2,372 to 3,750 rows (23 to 106 rare rows in a validation fold), the
    same: PR-AUC +0.012 over 10 cases (standard error 0.004; 8 up, 2 down),
    macro-F1 level (+0.000 over 10; 5 up, 4 down).

    Examples
    --------
    >>> from imbtune.search import auto_repeats
    >>> auto_repeats(576), auto_repeats(2829), auto_repeats(8387)
    (3, 3, 1)
    """
    return _SMALL_TABLE_REPEATS if n_rows < SMALL_TABLE_ROWS else 1


def trial_params(trial):
    """The parameters that reproduce a finished trial's score.

    Those Optuna drew (``trial.params``), except that a booster scored at
    fewer rounds than it drew (``select_rounds``, the trial's ``"rounds"``
    user attribute) has that count as its ``n_estimators``.

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial
        A trial of ``ImbalancedSearchCV.study_``.

    Returns
    -------
    params : dict
    """
    params = dict(trial.params)
    rounds = trial.user_attrs.get("rounds")
    key = f"{params.get('classifier')}__n_estimators"
    if rounds is not None and key in params:
        params[key] = int(rounds)
    return params


_INTERRUPTED = "KeyboardInterrupt: the search was interrupted in this trial"


class _Interrupted(Exception):
    """A trial in a thread stopped by Ctrl-C (see _stop_threads_on_interrupt):
    recorded as failed, as the trial running in the main thread is."""


@contextlib.contextmanager
def _stop_threads_on_interrupt(budget, threaded):
    """While trials run in threads, make Ctrl-C stop them too. The
    KeyboardInterrupt reaches the main thread only, where Optuna waits for
    the running trials to end; they would run to their end (10 s and more).
    The handler first moves the budget's deadline to now, so that each
    running trial stops at its next check (between folds, or between a
    booster's rounds), then interrupts as before."""
    import signal

    previous = signal.getsignal(signal.SIGINT) if threaded else None
    if (previous is not signal.default_int_handler
            or threading.current_thread() is not threading.main_thread()):
        yield  # one thread, or a handler of the user's own, left as it is
        return

    def on_interrupt(signum, frame):
        budget.interrupted = True
        previous(signum, frame)

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop_when_expired(budget):
    def callback(study, trial):
        if budget.expired():
            study.stop()

    return callback


def _refit_available(search):
    # Not after a fit whose refit failed: the search then holds its trials
    # and best_params_, but no model (as with refit=False).
    ended = "best_index_" in search.__dict__
    return search.refit is not False and (not ended or "best_estimator_" in search.__dict__)


def _name_or_spec(spec, registry):
    """The registry name of a built-in spec (readable params), else the spec."""
    return spec.name if registry.get(spec.name) is spec else spec


@contextlib.contextmanager
def _optuna_verbosity(level):
    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(level)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(previous)


class _TopTrials:
    """Out-of-fold probabilities of the best ``size`` trials so far, and of
    the best ``per_family`` trials of each classifier.

    ``tie_break`` and the ensemble look at all of them, so that when the
    search crowds one classifier (the best 20 trials all logistic
    regression, say), the near-best trials of the other classifiers are
    still within their reach.
    """

    def __init__(self, size, per_family=0, keep_models=0):
        self._lock = threading.Lock()
        self.size = size
        self.per_family = per_family
        # Fold models are held for the best keep_models trials only.
        self.keep_models = keep_models
        # (score, -number, number, oof, fit_time, classifier), best first
        self.entries = []
        self._models = {}

    def offer(self, number, score, oof, fit_time, family=None, models=None):
        # One hold of the lock: were the models stored apart from the entry,
        # another thread's merge in between would drop them (their trial not
        # yet among the entries).
        self.merge(
            [(score, -number, number, oof, fit_time, family)],
            models=None if models is None else {number: models},
        )

    def merge(self, entries, models=None):
        """Add entries (another process's, say, with the fold models it held:
        ``models``, trial number -> models) and keep what ``size`` and
        ``per_family`` allow."""
        with self._lock:
            if models and self.keep_models:
                self._models.update(models)
            entries = sorted(self.entries + list(entries), key=lambda e: e[:2], reverse=True)
            seen = collections.Counter()
            kept = []
            for rank, entry in enumerate(entries):
                seen[entry[5]] += 1
                if rank < self.size or seen[entry[5]] <= self.per_family:
                    kept.append(entry)
            self.entries = kept
            held = {e[2] for e in kept[:self.keep_models]}
            self._models = {n: m for n, m in self._models.items() if n in held}

    def models(self, number):
        """The fold models of trial ``number``, if held."""
        with self._lock:
            return self._models.get(number)

    def held(self):
        """Numbers of the trials whose fold models are held."""
        with self._lock:
            return frozenset(self._models)

    def best(self, k=None):
        """The best ``k`` (at most ``size``) entries."""
        with self._lock:
            return list(self.entries[:self.size if k is None else min(k, self.size)])

    def candidates(self):
        """Every kept entry, best first."""
        with self._lock:
            return list(self.entries)


class _Budget:
    """The search's deadline: ``timeout`` after the start, minus the time the
    refit of the best trials is expected to take, so that ``fit`` as a whole
    ends close to ``timeout``."""

    def __init__(self, timeout, folds, n_rows, bag=False):
        self.start = time.monotonic()
        self.timeout = timeout
        # A refit fits once on all rows; the fold fits together saw this many
        # times as many rows (K - 1 for one K-fold). With bag, the final
        # models are the fold models: free where the search kept them, the
        # trial's fold fits again where it did not.
        self.fold_rows = 1.0 if bag else sum(len(train) for train, _ in folds) / n_rows
        self.reserve = 0.0
        # Set by Ctrl-C while trials run in threads: every running trial
        # stops at its next deadline check (see _stop_threads_on_interrupt).
        self.interrupted = False

    def refit_estimate(self, fit_time):
        """Expected seconds to refit a trial whose fold fits took
        ``fit_time`` in all, with a margin."""
        return 1.3 * fit_time / self.fold_rows

    def final_cost(self, entry, held):
        """Expected seconds to build the final model of a kept trial
        (``entry``, see :class:`_TopTrials`): none if its fold models are
        ``held``, else its refit."""
        return 0.0 if entry[2] in held else self.refit_estimate(entry[4])

    def update(self, top, held=frozenset()):
        # Time is kept for the best few trials' refits (none for those whose
        # fold models are held); the ensemble is then chosen among the
        # trials whose refits fit in what is left.
        self.reserve = sum(self.final_cost(e, held) for e in top)

    def remaining(self):
        """Seconds left until ``timeout`` (infinite without one)."""
        if self.timeout is None:
            return np.inf
        return self.start + self.timeout - time.monotonic()

    def deadline(self):
        if self.interrupted:
            return -np.inf
        if self.timeout is None:
            return None
        return self.start + self.timeout - self.reserve

    def expired(self):
        deadline = self.deadline()
        return deadline is not None and time.monotonic() > deadline


class ImbalancedSearchCV(ClassifierMixin, BaseEstimator):
    """One joint, leakage-free search over resampling, cost weights, model,
    calibration and threshold.

    Each Optuna trial draws a resampler and its parameters, a classifier and
    its parameters, and a cost weight (conditional: a resampler's parameters
    exist only when it is chosen). The candidate is cross-validated on
    folds fixed for the whole study: resampling and model fitting see
    training folds only. Every allowed calibration is then tried on the
    trial's out-of-fold (OOF) probabilities, and the decision rule (a
    threshold, or per-class weights for multiclass) is solved on them; both
    are cross-fitted, so each fold's score comes from a calibrator and rule
    fitted on the *other* folds and ``best_score_`` is not inflated by its
    own threshold choice. The best pipeline becomes ``best_estimator_``, an
    :class:`ImbalancedPipeline` whose model is its trial's own fold models,
    averaged, below 4,000 rows (held by the search, so nothing is fitted
    again) and one refit on all rows from there on.

    Parameters
    ----------
    scoring : str or callable, default="macro_f1"
        ``"macro_f1"``, ``"pr_auc"``, ``"balanced_accuracy"``, ``"gmean"``,
        any scikit-learn scorer name, or a callable ``scorer(est, X, y)``
        that scores from ``est.predict(X)`` or ``est.predict_proba(X)`` (one
        of the two: trials are scored from stored out-of-fold predictions,
        so ``X`` only stands in for the rows; a scorer that reads features
        from it is refused before the first trial).
        A probability metric (such as ``"pr_auc"``) ranks the candidates;
        their threshold then maximises macro-F1. A binary threshold is
        chosen in one vectorised pass for imbtune's metrics, for the
        scikit-learn names ``"accuracy"``, ``"f1"``, ``"precision"``,
        ``"recall"``, ``"jaccard"`` (and their ``_macro``, ``_weighted``
        and ``_micro`` forms) and ``"matthews_corrcoef"``, and for
        ``make_scorer`` scorers of those functions, ``fbeta_score`` and
        ``balanced_accuracy_score`` (see
        :func:`imbtune.metrics.scorer_curve`); other scorers and callables
        are called at 64 candidate thresholds, which costs 5 to 6 times as
        long per trial on small tables
        (``benchmarks/results/scorer_speed.md``). With more than two
        classes, the same scorers (accuracy, balanced accuracy, MCC and
        the averaged forms: ``average`` "macro", "weighted" or "micro")
        score the multiclass rule's candidate class
        weights from the confusion matrix, as ``"macro_f1"`` does
        (:func:`imbtune.metrics.scorer_confusion`); others are called per
        candidate, on a coarser grid. A scorer sees the labels
        of ``y`` as they are, so its ``pos_label`` is one of them; one that
        cannot score them fails before the first trial.
    resamplers : list, default=None
        Resamplers to search: names from ``imbtune.resamplers.RESAMPLERS``
        (``"none"``, ``"random_over"``, ``"random_under"``, ``"smote"``,
        ``"borderline_smote"``, ``"svm_smote"``, ``"adasyn"``,
        ``"smote_tomek"``, ``"smote_enn"``, ``"tomek"``, ``"enn"``),
        :class:`ResamplerSpec` objects, or samplers. ``None`` searches every
        built-in that suits the data (with categorical columns, the
        SMOTE-based ones use SMOTENC/SMOTEN and the purely numeric ones are
        left out with a warning). One choice alone may be given without a
        list.
    classifiers : list, default=None
        Classifiers to search: ``"lightgbm"``, ``"xgboost"``, ``"logreg"``,
        ``"random_forest"``, ``"extra_trees"``, :class:`ClassifierSpec`
        objects, or estimators. ``None`` searches all five. One choice
        alone may be given without a list.
    calibrations : sequence of {"none", "sigmoid", "isotonic"}, \
            default=("none", "sigmoid", "isotonic")
        Calibrations tried on every trial's OOF probabilities (no refit is
        needed to try one); one name alone is a list of one.
    cost_weighting : bool, default=True
        Search the class-weight exponent ``cost_weight`` in [0, 1].
    n_trials : int or None, default=50
        Number of trials; ``None`` runs until ``timeout``.
    timeout : float or None, default=None
        Seconds for the whole ``fit``. The search stops early enough to leave
        the refit the time the best trials' fits suggest it needs; a running
        trial is stopped at that point (boosters check between rounds,
        forests and the cleaning samplers' neighbour searches between steps of
        about a second, other models between folds), so ``fit`` returns
        within a few seconds of ``timeout``: past it by at most one fold fit
        of a model or an over-sampler that cannot be stopped part-way
        (logistic regression, SVM-SMOTE, yours). With ``n_jobs``
        above 1 the refit runs on ``n_jobs`` threads, which on a machine
        whose other cores are busy can take longer than the estimate.
    cv : int, splitter, iterable or None, default=5
        Folds, fixed for the whole study (stratified and shuffled for an int;
        None is 5). Given splits may hold row positions or boolean masks.
        A splitter may repeat its partition (``RepeatedStratifiedKFold``).
    n_repeats : "auto" or int, default="auto"
        With an int ``cv``: how many times the stratified K-fold is repeated
        with fresh shuffles. Every trial is scored on every repetition, so a
        score depends less on how one partition happened to fall, at the
        cost of as many more fits per trial. ``"auto"`` repeats it 3 times on
        tables of fewer than 4,000 rows and not on larger ones (see
        :func:`auto_repeats`).
    sampler : {"tpe", "random", "gp", "cmaes"} or optuna sampler, default="tpe"
        Optuna sampler; ``"tpe"`` is multivariate TPE over the conditional
        space.
    pruner : None, "median", "repetition" or optuna pruner, default=None
        Fold-level pruning: after each fold its score is reported and a
        pruner may stop a trial that is clearly behind (its note in
        ``cv_results_`` says where). ``"median"``: Optuna's ``MedianPruner``
        on single folds. ``"repetition"``: where the folds are repeated, a
        trial whose first repetition scores below the median of the earlier
        trials' first repetitions stops there
        (:class:`~imbtune.pruning.RepetitionPruner`); with one repetition
        nothing is pruned. It buys more trials in the same time (1.4 times
        as many on average on ten datasets of 229 to 3,750 training rows at
        120 s), but not better models: held-out PR-AUC -0.006 on average
        (standard error 0.004), macro-F1 +0.003 (0.005)
        (``benchmarks/results/pruning.md``), so it is not the default.
    max_trial_time : "auto", float or None, default=None
        Longest a trial may run, in seconds. After each fold a trial's
        duration is projected from its folds so far; once the projection
        passes the limit the trial stops there, as pruned, with a note in
        ``cv_results_`` (one slow candidate, such as a 200-tree forest behind
        SMOTE-ENN, can otherwise eat a third of a short budget). The limit
        never stops a trial while none has completed, so a search always has
        a result. ``"auto"``: with a ``timeout``, the larger of an eighth of
        ``timeout`` and twice the median duration of the completed trials;
        without one, no limit (so an ``n_trials`` search stays reproducible).
        ``None``: no limit. It is off by default because the slow trials
        are worth their time: on eight datasets outside the comparison
        (1,581 to 7,500 training rows, 120 s), ``"auto"`` ran 1.8 times as
        many trials on average (up to 3.3 times), yet held-out PR-AUC fell
        by 0.008 on average (standard error 0.005) and macro-F1 by 0.009
        (0.005)
        (``benchmarks/results/trial_time.md``). Use it to keep one runaway
        candidate from taking a short budget, not to score higher.
    family_focus : bool, default=False
        Stop drawing classifier families that are clearly behind: when the
        sampler draws a classifier whose best trial is below the best trial
        of all by more than two standard errors of their paired fold
        differences, the trial takes the leading classifier instead, with a
        note in ``cv_results_``
        (:class:`~imbtune.focus.FamilyFocusSampler`). Families close to the
        lead, and those not yet tried, stay in the draw. It is off by default
        because the trials it gives the leader do not make better models: on
        eight datasets outside the comparison (750 to 3,750 training rows,
        120 s) held-out scores moved by -0.004 on average (standard error
        0.004; PR-AUC -0.003, macro-F1 -0.005), 7 up and 7 down of 16
        (``benchmarks/results/family_focus.md``).
    select_rounds : bool, default=False
        Choose a booster's number of rounds (LightGBM, XGBoost) by
        cross-validation within each trial: its fold fits, of the
        ``n_estimators`` rounds drawn, are also scored at 1/8, 1/4, 1/2 and
        3/4 of them (at least 10 rounds), as if models of that many rounds
        had been fitted (they would be the same: later rounds do not change
        earlier ones). The count with the best cross-fitted score before
        calibration is the trial's (``rounds`` in ``cv_results_``; its
        ``params`` and ``best_params_`` hold it as ``n_estimators``, and
        :func:`trial_params` gives it for any trial of ``study_``); its
        calibration is then chosen as for any trial. Each booster trial
        thereby tries five round counts for the price of its fits, four
        more predictions per fold and four more scorings. It is off by
        default because the choice fits the folds' noise: on eight
        datasets outside the comparison (750 to 3,750 training rows, 120 s)
        held-out macro-F1 fell by 0.014 on average (standard error 0.007;
        0 up, 6 down of 8) while PR-AUC stayed level (-0.000, 0.004)
        (``benchmarks/results/boosting_rounds.md``).
    tie_break : bool, default=True
        With a scoring that reads labels (macro-F1, balanced accuracy, a
        label scorer), the final trial is chosen among the trials whose
        score is within one standard error of the best trial's (the
        standard error of the best trial's fold scores) by their
        out-of-fold PR-AUC (macro one-vs-rest for multiclass), which ranks
        the rare class more smoothly than a thresholded score; the decision
        rule is then fitted as for any trial. The candidates are the trials
        whose out-of-fold probabilities the search keeps: the 20 best and
        the 5 best of each classifier, so that a search crowded by one
        classifier does not hide the others' near-best trials. With a
        ``timeout``, a candidate whose final model would need fitting after
        the search (its fold models not held, or a refit on all rows other
        than the best trial's, for which time is kept) must fit in the time
        left, so that the pick never makes ``fit`` overrun. ``best_index_``,
        ``best_params_`` and ``best_score_`` are that trial's
        (``rank_test_score`` still ranks the trials by score, so the chosen
        trial's rank may be above 1). A scoring that reads probabilities is
        unaffected; ``False`` takes the trial of best score. Its measured
        effect is small: held-out macro-F1 +0.0007 on average (standard
        error 0.0029; 12 up, 11 down of 32 cases, 120 s each) on eight
        datasets outside the comparison (seeds 0 and 1) and the
        comparison's four on other splits (seeds 100 to 103), and held-out
        balanced accuracy +0.003 (standard error 0.008; 2 up, 3 down of 8)
        when tuning it on the eight outside datasets (seed 0)
        (``benchmarks/results/tie_break.md``); the best trials of each
        classifier as further candidates left the chosen trial's
        parameters unchanged in 15 of 16 cases (the comparison's four,
        seeds 100 to 103; in the 16th the two studies differed)
        (``benchmarks/results/family_candidates.md``).
    warm_start : bool, default=True
        Start with a small portfolio of strong default pipelines.
    ensemble_size : int, default=10
        Rounds of greedy ensemble selection over the out-of-fold
        probabilities of the 20 best trials and the 5 best of each
        classifier (see :mod:`imbtune.ensemble`), so that a search crowded
        by one classifier can still blend in the others.
        The selection is cross-fitted (each fold is blended with weights
        chosen on the other folds); if that score beats the same procedure
        choosing a single trial, ``best_estimator_`` is that
        :class:`ImbalancedEnsemble`.
        ``1`` always returns the best single pipeline.
    pos_label : int, str or None, default=None
        Positive class of a binary problem; default the minority class.
    refit : bool, default=True
        Build the best pipeline as ``best_estimator_``: its fold models
        below 4,000 rows, a refit on all rows from there on (see
        ``final_model`` in :class:`ImbalancedPipeline`).
    n_jobs : int, default=None
        Trials run at once (None = 1, -1 = one per core). With more than
        one, trials run in worker processes sharing one Optuna journal
        storage (see :mod:`imbtune.parallel`): a worker that dies loses only
        the trial it was running, and new workers go on with the budget.
        Specs or a scoring that cannot be pickled keep the trials in threads
        (with a ``FallbackWarning``). Each trial's fits run on one thread, BLAS
        and OpenMP pools included (limited with threadpoolctl while the
        search runs), and the refit on ``n_jobs`` threads. Results with
        ``n_jobs > 1`` are not reproducible, as in Optuna.
    random_state : int, RandomState, Generator or None, default=None
        Seed of the folds, the sampler and every model: with an int and
        ``n_jobs=1`` the same call gives the same study.
    verbose : int, default=0
        0: silent; 1: a progress bar (of trials, or of seconds with
        ``n_trials=None``) showing the best trial so far (a log line per
        trial where trials fall back to threads without ``n_trials``); 2: a
        log line per trial.

    Attributes
    ----------
    best_estimator_ : ImbalancedPipeline or ImbalancedEnsemble
        The best pipeline, or the ensemble of the best trials when it scored
        higher (``refit=True``); each pipeline predicts with its trial's fold
        models below 4,000 rows, with a model refitted on all rows from
        there on.
    best_params_ : dict
        The best trial's parameters plus its ``"calibration"``. The best
        trial is the one of best score, or with a scoring that reads labels
        the near-best one that ``tie_break`` picks.
    best_score_ : float
        Mean cross-fitted fold score of ``best_estimator_``: the best trial's,
        or, when an ensemble was chosen, the ensemble's with its weights
        cross-fitted too (so it may be below the best trial's, which is a
        maximum over all trials on the same folds).
    ensemble_weights_ : dict
        Trial number -> weight of each member of ``best_estimator_``
        (``{best trial: 1.0}`` for a single pipeline).
    best_index_ : int
        Its row in ``cv_results_``.
    cv_results_ : pandas.DataFrame
        One row per trial: state, parameters, per-fold and mean scores,
        score of every calibration, chosen calibration, threshold (binary)
        or class weights (multiclass), boosting rounds used
        (``select_rounds``), fit time, error text of failed trials.
    study_ : optuna.study.Study
        The Optuna study. If the search is interrupted (``KeyboardInterrupt``,
        Ctrl-C), ``fit`` sets ``study_`` and ``cv_results_`` to the trials
        run so far (the ones running then marked failed) before the
        interruption goes on; the search is then not fitted.
    classes_ : ndarray
        Class labels.
    threshold_ : float
        Binary problems: the best pipeline's decision threshold, on the
        probability of ``pos_label_``.
    pos_label_ : object
        Binary problems: the positive class, the one the threshold, the
        scores and ``pr_auc`` are about (the minority class unless
        ``pos_label`` says otherwise). scikit-learn's tools take
        ``classes_[1]`` instead: pass ``pos_label=search.pos_label_`` to
        ``PrecisionRecallDisplay.from_estimator``, ``calibration_curve`` and
        the like when the rare class is label 0 or sorts first.
    n_trials_ : int
        Number of trials run.
    n_repeats_ : int
        Repetitions of the K-fold the trials were scored on (``cv_results_``
        has a ``split<k>_test_score`` column for each of their folds).
    refit_time_ : float
        Seconds spent refitting the best pipeline.
    n_features_in_ : int
        Number of input columns.
    feature_names_in_ : ndarray of str
        Column names, when fitted on a DataFrame with string column names.

    See Also
    --------
    ImbalancedPipeline : the pipeline this search tunes and returns.
    ImbalancedEnsemble : what it returns when an ensemble of trials wins.

    Examples
    --------
    >>> from imbtune import ImbalancedSearchCV
    >>> from imbtune.datasets import load_dataset
    >>> X, y = load_dataset("breast_cancer")
    >>> search = ImbalancedSearchCV(scoring="macro_f1", n_trials=4,
    ...                             classifiers=["logreg", "lightgbm"],
    ...                             cv=3, random_state=0).fit(X, y)
    >>> sorted(search.cv_results_["state"].unique())
    ['COMPLETE']
    >>> bool(search.best_score_ > 0.9)
    True
    >>> search.predict(X.iloc[:3])
    array([1, 1, 1])
    """

    def __init__(
        self,
        *,
        scoring="macro_f1",
        resamplers=None,
        classifiers=None,
        calibrations=CALIBRATIONS,
        cost_weighting=True,
        n_trials=50,
        timeout=None,
        cv=5,
        n_repeats="auto",
        sampler="tpe",
        pruner=None,
        max_trial_time=None,
        family_focus=False,
        select_rounds=False,
        tie_break=True,
        warm_start=True,
        ensemble_size=10,
        pos_label=None,
        refit=True,
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.scoring = scoring
        self.resamplers = resamplers
        self.classifiers = classifiers
        self.calibrations = calibrations
        self.cost_weighting = cost_weighting
        self.n_trials = n_trials
        self.timeout = timeout
        self.cv = cv
        self.n_repeats = n_repeats
        self.sampler = sampler
        self.pruner = pruner
        self.max_trial_time = max_trial_time
        self.family_focus = family_focus
        self.select_rounds = select_rounds
        self.tie_break = tie_break
        self.warm_start = warm_start
        self.ensemble_size = ensemble_size
        self.pos_label = pos_label
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags

    # ------------------------------------------------------------------ setup

    def _check_params(self):
        if self.n_trials is None and self.timeout is None:
            raise ValueError(
                "Set n_trials, timeout, or both: with neither the search would "
                "never stop."
            )
        if self.n_trials is not None and (
            not _is_int(self.n_trials) or self.n_trials < 1
        ):
            raise ValueError(f"n_trials must be a positive int or None; got {self.n_trials!r}.")
        if self.timeout is not None and not (
            isinstance(self.timeout, numbers.Real)
            and not isinstance(self.timeout, bool)
            and self.timeout > 0
        ):
            raise ValueError(
                f"timeout must be a positive number of seconds or None; got {self.timeout!r}."
            )
        limit = self.max_trial_time
        if not (
            limit is None
            or (isinstance(limit, str) and limit == "auto")
            or (isinstance(limit, numbers.Real) and not isinstance(limit, bool) and limit > 0)
        ):
            raise ValueError(
                "max_trial_time must be 'auto', a positive number of seconds or None; "
                f"got {limit!r}."
            )
        if not isinstance(self.family_focus, bool | np.bool_):
            raise ValueError(f"family_focus must be True or False; got {self.family_focus!r}.")
        if not isinstance(self.select_rounds, bool | np.bool_):
            raise ValueError(
                f"select_rounds must be True or False; got {self.select_rounds!r}."
            )
        for name in ("tie_break", "cost_weighting", "warm_start", "refit"):
            value = getattr(self, name)
            if not isinstance(value, bool | np.bool_):
                raise ValueError(f"{name} must be True or False; got {value!r}.")
        if not _is_int(self.ensemble_size) or self.ensemble_size < 1:
            raise ValueError(
                "ensemble_size must be a positive int (1 keeps the best single "
                f"pipeline); got {self.ensemble_size!r}."
            )
        n_threads_for(self.n_jobs)  # raises for a value that means no count
        if not _is_int(self.verbose) or self.verbose < 0:
            raise ValueError(
                f"verbose must be 0, 1 or 2 (a non-negative int); got {self.verbose!r}."
            )
        self._check_sampler()
        try:
            calibrations = (
                [self.calibrations] if isinstance(self.calibrations, str)
                else list(self.calibrations)
            )
        except TypeError:  # None, a number: not a list
            calibrations = None
        if not calibrations or any(
            not isinstance(c, str) or c not in CALIBRATIONS for c in calibrations
        ):
            raise ValueError(
                f"calibrations must be a non-empty list drawn from {list(CALIBRATIONS)} "
                f"(['none'] for no calibration); got {self.calibrations!r}."
            )
        return calibrations

    def _resolve_repeats(self, n_rows):
        int_cv = isinstance(check_cv(self.cv), numbers.Integral)
        if isinstance(self.n_repeats, str) and self.n_repeats == "auto":
            return auto_repeats(n_rows) if int_cv else 1
        if not _is_int(self.n_repeats) or self.n_repeats < 1:
            raise ValueError(
                f"n_repeats must be 'auto' or a positive int; got {self.n_repeats!r}."
            )
        if not int_cv and self.n_repeats != 1:
            raise ValueError(
                f"n_repeats={self.n_repeats} only applies to an int cv; with a "
                "splitter, pass a repeated one instead, such as "
                "RepeatedStratifiedKFold(n_splits=5, n_repeats=3)."
            )
        return int(self.n_repeats)

    def _check_sampler(self):
        """A named sampler exists and what it runs on is installed."""
        if self.sampler is None or isinstance(self.sampler, optuna.samplers.BaseSampler):
            return  # None: Optuna's own default
        if not isinstance(self.sampler, str):
            hint = " (an instance: add ())" if isinstance(self.sampler, type) else ""
            raise ValueError(
                f"sampler must be one of {list(_SAMPLERS)} or an "
                f"optuna.samplers.BaseSampler instance{hint}; got {self.sampler!r}."
            )
        if self.sampler not in _SAMPLERS:
            raise ValueError(
                f"Unknown sampler {self.sampler!r}; use one of {list(_SAMPLERS)} or an "
                "optuna.samplers.BaseSampler instance."
            )
        missing = [m for m in _SAMPLER_NEEDS.get(self.sampler, ()) if find_spec(m) is None]
        if missing:
            raise ImportError(
                f"sampler={self.sampler!r} needs {' and '.join(missing)}, which "
                f"{'is' if len(missing) == 1 else 'are'} not installed: pip install "
                f"{' '.join(missing)}, or use sampler='tpe' (the default)."
            )

    def _make_sampler(self, seed, n_parallel):
        sampler = self._base_sampler(seed, n_parallel)
        return FamilyFocusSampler(sampler) if self.family_focus else sampler

    def _base_sampler(self, seed, n_parallel):
        if not isinstance(self.sampler, str):
            return self.sampler
        if self.sampler == "tpe":
            return optuna.samplers.TPESampler(
                seed=seed,
                multivariate=True,
                group=True,
                constant_liar=n_parallel > 1,
            )
        if self.sampler == "random":
            return optuna.samplers.RandomSampler(seed=seed)
        if self.sampler == "gp":
            return optuna.samplers.GPSampler(seed=seed)
        return optuna.samplers.CmaEsSampler(seed=seed)  # names checked in fit

    def _make_pruner(self, n_folds, n_repeats):
        if self.pruner is None:
            return optuna.pruners.NopPruner()
        if isinstance(self.pruner, str) and self.pruner == "repetition":
            if n_repeats < 2:
                return optuna.pruners.NopPruner()
            return RepetitionPruner(n_folds // n_repeats, n_startup_trials=5)
        if isinstance(self.pruner, str) and self.pruner == "median":
            return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1)
        if isinstance(self.pruner, optuna.pruners.BasePruner):
            return self.pruner
        raise ValueError(
            f"Unknown pruner {self.pruner!r}; use None, one of {list(_PRUNERS)} or an "
            "optuna.pruners.BasePruner instance."
        )

    # -------------------------------------------------------------------- fit

    def fit(self, X, y, groups=None, **fit_params):
        """Run the study, then build the best pipeline (``best_estimator_``).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Features: numbers, categories (category/object/string columns) and
            NaN are all accepted.
        y : array-like of shape (n_samples,)
            Class labels (two or more classes).
        groups : array-like of shape (n_samples,), default=None
            Group of each row, for data with several rows per unit (visits of
            one patient, transactions of one card): no group is ever split
            between the training and the validation part of a fold, so no
            trial is scored, calibrated or thresholded on a unit its model
            was fitted on. An int ``cv`` becomes ``StratifiedGroupKFold``
            (:class:`~imbtune.pipeline.RepeatedStratifiedGroupKFold` when
            repeated); a splitter gets the groups and must keep them whole.

        **fit_params
            None are taken; ``sample_weight`` raises a ``TypeError`` that
            says why (the classes are weighed through ``cost_weight``).

        Returns
        -------
        self : ImbalancedSearchCV
        """
        check_no_fit_params(fit_params, estimator_name=type(self).__name__)
        self._forget()
        calibrations = self._check_params()
        metric = get_metric(self.scoring)
        name = type(self).__name__
        frame = as_frame(X, estimator_name=name)
        validate_data(self, X, skip_check_array=True, reset=True)
        y_encoded, classes = check_target(y, estimator_name=name)
        check_same_rows(X, y, len(frame), len(y_encoded))
        counts = np.bincount(y_encoded)
        pos = resolve_pos_label(self.pos_label, classes, counts)
        seed = seed_from(self.random_state)
        n_repeats = self._resolve_repeats(len(y_encoded))
        if groups is not None:
            groups = check_groups(groups, len(y_encoded))
        cv = check_cv(self.cv)
        folds = make_folds(cv, frame, y_encoded, classes, seed, n_repeats, groups)
        # The pipelines it returns rebuild these very folds if refitted (with
        # the same groups).
        self._pipeline_cv = cv
        if not isinstance(cv, numbers.Integral) and not hasattr(cv, "split"):
            self._pipeline_cv = folds  # a generator of splits is used up by now
        if n_repeats > 1:
            self._pipeline_cv = stratified_splitter(
                cv, seed, n_repeats, grouped=groups is not None
            )
        if hasattr(metric, "resolve"):
            metric.resolve(y_encoded, classes)
        n_parallel = n_threads_for(self.n_jobs)
        problem = Problem(frame, y_encoded, folds, metric, pos, seed, n_threads=1,
                          classes=classes)
        self.n_repeats_ = problem.n_repeats
        space = SearchSpace(
            self.resamplers,
            self.classifiers,
            self.cost_weighting,
            [np.bincount(y_encoded[train], minlength=len(classes)) for train, _ in folds],
            # as_frame leaves numeric columns float64 and categorical ones not.
            [str(name) for name, dtype in frame.dtypes.items() if dtype.kind != "f"],
        )
        space.check_label_keys(classes)
        space.warn()
        warn_tiny_ranges(frame, space.classifiers.values())
        warn_columns(frame, y_encoded, classes, grouped=groups is not None)

        # Below 4,000 rows the final models are the fold models (final_model
        # "auto"); the search then holds those of its best few trials, so that
        # the refit needs no fit.
        bag = resolve_final_model(self._final_model, len(y_encoded)) == "folds"
        budget = _Budget(self.timeout, folds, len(y_encoded), bag)
        top = _TopTrials(_ENSEMBLE_CANDIDATES, _FAMILY_CANDIDATES,
                         keep_models=_REFIT_RESERVE_TRIALS if bag else 0)
        # verbose=1: a progress bar (Optuna's, or with worker processes the
        # parent's); 2: a log line per trial.
        # Workers get the search's parameters only, not an earlier fit's
        # study and models.
        # (The folds travel in build(): a cv given as a generator of splits
        # need not pickle.)
        unfitted = type(self)(**{**self.get_params(deep=False), "cv": None})
        in_processes = (
            n_parallel > 1
            and self._can_use_processes(unfitted, n_parallel, space, metric)
            and self._time_for_processes(budget, n_parallel)
        )
        # Optuna draws no bar for a timeout-only search in threads.
        bar = self.verbose == 1 and (
            in_processes or n_parallel == 1 or self.n_trials is not None
        )
        log_trials = self.verbose >= 2 or (self.verbose == 1 and not bar)
        level = optuna.logging.INFO if log_trials else optuna.logging.ERROR
        portfolio = space.portfolio() if self.warm_start else []
        # Each trial's fits run on one thread (problem.n_threads). Limiting
        # BLAS (global) and OpenMP (per thread, see _objective) to one thread
        # makes the trials' numbers independent of the caller's thread pools
        # (a threaded reduction adds in another order) and keeps parallel
        # trials from each using every core.
        with _optuna_verbosity(level), warnings.catch_warnings(), threadpool_limits(
            limits=1, user_api="blas"
        ):
            # TPE's multivariate/group options and the progress bar are marked
            # experimental by Optuna; they are what a conditional space needs.
            warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
            if in_processes:
                keep_models = top.keep_models  # an int: the closure goes to workers

                def build():  # a worker's own copy of the problem (runs there)
                    return (
                        Problem(frame, y_encoded, folds, metric, pos, seed, n_threads=1,
                                classes=classes),
                        space, calibrations,
                        lambda timeout: _Budget(timeout, folds, len(y_encoded), bag),
                        _TopTrials(_ENSEMBLE_CANDIDATES, _FAMILY_CANDIDATES,
                                   keep_models=keep_models),
                    )

                left = None if self.timeout is None else budget.remaining()
                study, entries, notes, models = run_in_processes(
                    unfitted, build, n_parallel, self.n_trials, left, seed, portfolio,
                    self._make_sampler,
                    lambda: self._make_pruner(len(folds), problem.n_repeats),
                    bar=bar, log=log_trials,
                    keep=lambda st: self._keep_interrupted(st, len(folds), len(classes)),
                )
                top.merge(entries, models)
                problem.notes |= notes
            else:
                study = optuna.create_study(
                    direction="maximize",
                    sampler=self._make_sampler(seed, n_parallel),
                    pruner=self._make_pruner(len(folds), problem.n_repeats),
                )
                for params in portfolio:
                    study.enqueue_trial(params, skip_if_exists=True)
                try:
                    with _stop_threads_on_interrupt(budget, n_parallel > 1):
                        study.optimize(
                            self._objective(problem, space, calibrations, budget, top),
                            n_trials=self.n_trials,
                            # Optuna's timeout only stops launching trials; the budget
                            # also stops the running ones and leaves time for the refit.
                            timeout=self.timeout,
                            n_jobs=n_parallel,  # threads: only as the fallback
                            catch=(Exception,),
                            callbacks=[_stop_when_expired(budget)],
                            show_progress_bar=bar,
                        )
                except BaseException:
                    # Ctrl-C (Optuna marked the running trial failed), or an
                    # error outside the trials (a custom sampler's, say): the
                    # finished trials are kept.
                    self._keep_interrupted(study, len(folds), len(classes))
                    raise
        self.search_time_ = time.monotonic() - budget.start
        self.study_ = study
        self.classes_ = classes
        if pos is not None:
            self.pos_label_ = classes[pos]
        self.n_trials_ = sum(
            t.state != optuna.trial.TrialState.WAITING for t in study.trials
        )
        self.cv_results_ = self._results_frame(study, len(folds), len(classes))
        self._raise_if_nothing_completed(study)
        self._warn_failures(study)
        best_trial = self._chosen_trial(study, problem, top, budget)
        self.best_index_ = int(
            np.flatnonzero(self.cv_results_["trial"].to_numpy() == best_trial.number)[0]
        )
        self.best_score_ = float(best_trial.value)
        self.best_params_ = {
            **trial_params(best_trial),
            "calibration": best_trial.user_attrs["calibration"],
        }
        self.ensemble_weights_ = {best_trial.number: 1.0}
        if self.refit:
            refit_start = time.monotonic()
            try:
                self.best_estimator_ = self._refit_best(
                    X, problem, classes, space, study, best_trial, top, calibrations,
                    budget,
                )
            except BaseException as error:
                if not isinstance(error, Exception):
                    # Ctrl-C during the refit: the search reads as not fitted,
                    # as after one during the trials (study_ and cv_results_
                    # keep every trial), not as fitted without a model.
                    for name in ("best_index_", "best_score_", "best_params_",
                                 "ensemble_weights_", "pos_label_"):
                        self.__dict__.pop(name, None)
                    raise
                raise SearchFailedError(
                    f"The search ended, but building best_estimator_ from trial "
                    f"{best_trial.number} ({self.best_params_}) failed: "
                    f"{type(error).__name__}: {error}. Nothing of the search is "
                    "lost: study_, cv_results_, best_params_ and best_score_ are "
                    "set. Fit ImbalancedPipeline with best_params_ where it can "
                    "run, or search again with that classifier left out."
                ) from error
            self.refit_time_ = time.monotonic() - refit_start
        warn_notes(problem.notes)
        return self

    def _can_use_processes(self, unfitted, n_parallel, space, metric):
        """Whether the search (``unfitted``: its parameters) can go to worker
        processes; if not, warn that its trials run in threads."""
        reason = unpicklable(unfitted, space, metric)
        if reason is None:
            return True
        culprits = []  # name the parameter (or the item of a list) at fault
        for name, value in unfitted.get_params(deep=False).items():
            items = value if isinstance(value, list | tuple) else [value]
            for item in items:
                if unpicklable(item) is not None:
                    text = repr(item)
                    culprits.append(
                        f"{name}: {text if len(text) <= 60 else text[:57] + '...'}"
                    )
        if culprits:
            reason = f"{'; '.join(culprits)} ({reason})"
        warnings.warn(
            f"n_jobs={self.n_jobs} runs trials in worker processes, which needs the "
            f"search's specs and scoring to pickle; they do not: {reason}. The "
            f"trials run in {n_parallel} threads instead (slower where a trial holds "
            "the GIL). Make them picklable, or set n_jobs=1.",
            FallbackWarning,
            stacklevel=3,
        )
        return False

    def _time_for_processes(self, budget, n_parallel):
        """Whether the time left can start worker processes (each imports
        the libraries first, a few seconds); if not, warn that the trials run
        in threads."""
        left = budget.remaining()
        if left >= _MIN_PROCESS_SECONDS:
            return True
        shown = np.floor(max(left, 0.0) * 10) / 10  # 9.97 is not "10.0"
        warnings.warn(
            f"timeout leaves {shown:.1f} s for the trials, too little to start "
            f"worker processes (they need a few seconds each); the trials run in "
            f"{n_parallel} threads instead. Give a timeout that leaves "
            f"{_MIN_PROCESS_SECONDS:.0f} s or more after the search's set-up for "
            "processes, or set n_jobs=1.",
            FallbackWarning,
            stacklevel=3,
        )
        return False

    def _keep_interrupted(self, study, n_folds, n_classes):
        """An interrupted search keeps its finished trials: ``study_`` and
        ``cv_results_`` hold them, though the search is not fitted."""
        self._forget()  # an earlier fit's results are not these
        self.study_ = study
        self.cv_results_ = self._results_frame(study, n_folds, n_classes)

    # Trials the ensemble may draw members from: "candidates", the 20 best
    # and the 5 best of each classifier (what tie_break reads); "best", the 20
    # best alone. Not a parameter: benchmarks/ensemble_pool.py compares the
    # two (held-out +0.0004 on average, standard error 0.0006; the refit
    # differed in 6 of 32 cases, results/ensemble_pool.md).
    _ensemble_pool = "candidates"
    # When the greedy ensemble of several trials replaces the chosen trial:
    # "crossfit", when its cross-fitted score beats the same procedure
    # picking one trial; "always", whenever the greedy selection keeps two
    # or more members. Not a parameter: benchmarks/ensemble_gate.py compares
    # the two on shared searches (always against crossfit: held-out -0.0031
    # on average, standard error 0.0031; the gate decided 8 of 32 refits,
    # results/ensemble_gate.md).
    _ensemble_gate = "crossfit"
    # The final_model of the refitted pipelines (see ImbalancedPipeline):
    # "auto", the fold models below 4,000 rows. Not a parameter:
    # benchmarks/fold_bagging.py compares "refit" and "folds" on shared
    # searches (results/fold_bagging.md).
    _final_model = "auto"

    _FITTED = ("best_index_", "best_score_", "best_params_", "best_estimator_",
               "ensemble_weights_", "classes_", "n_trials_", "refit_time_",
               "search_time_", "n_repeats_", "study_", "cv_results_", "pos_label_")

    def _forget(self):
        """Drop what an earlier fit learned, so that a fit which fails or is
        interrupted never leaves an earlier model answering for it."""
        for name in self._FITTED:
            self.__dict__.pop(name, None)

    def __sklearn_is_fitted__(self):
        # Set only once a search has ended (an interrupted one keeps study_
        # and cv_results_, and n_features_in_ is set on entry to fit).
        return hasattr(self, "best_index_")

    def _pipeline(self, config, calibration, seed):
        return ImbalancedPipeline(
            _name_or_spec(config.classifier, CLASSIFIERS),
            classifier_params=config.classifier_params,
            resampler=_name_or_spec(config.resampler, RESAMPLERS),
            resampler_params=config.resampler_params,
            cost_weight=config.cost_weight,
            calibration=calibration,
            scoring=self.scoring,
            pos_label=self.pos_label,
            cv=self._pipeline_cv,
            random_state=seed,
            final_model=self._final_model,
        )

    def _chosen_trial(self, study, problem, top, budget):
        """The study's best trial, or with ``tie_break`` and a label scoring,
        the trial of best out-of-fold PR-AUC among those within one standard
        error of the best (only trials whose OOF probabilities this process
        holds are candidates, and, with a ``timeout``, only those whose final
        model can be fitted in the time left, so that tie_break never makes
        ``fit`` overrun it)."""
        best_trial = study.best_trial
        if not self.tie_break or not problem.metric.needs_labels:
            return best_trial
        folds = [v for v in best_trial.user_attrs.get("fold_scores") or [] if np.isfinite(v)]
        entries = top.candidates()
        if len(folds) < 2 or best_trial.number not in {e[2] for e in entries}:
            return best_trial
        margin = float(np.std(folds, ddof=1) / np.sqrt(len(folds)))
        held = top.held()
        left = budget.remaining()
        near = [
            e for e in entries
            if e[0] >= best_trial.value - margin
            and (e[2] == best_trial.number or budget.final_cost(e, held) <= left)
        ]
        if len(near) < 2:
            return best_trial
        # One round of greedy selection is a pick by the metric alone; ties go
        # to the first candidate, the better-scoring trial.
        weights = greedy_weights(
            np.stack([e[3] for e in near]), problem.oof_y,
            [valid for _, valid in problem.oof_folds],
            selection_metric(problem.metric), problem.pos, rounds=1,
        )
        number = near[int(np.argmax(weights))][2]
        return next(t for t in study.trials if t.number == number)

    def _refit_best(self, X, problem, classes, space, study, best_trial, top, calibrations,
                    budget):
        """The chosen trial's pipeline, or an ensemble of the best trials when
        its cross-fitted score is higher; with the fold models the search
        held, or fitted (on all rows, or per fold) where it held none.

        Only trials whose refits are expected to end before ``timeout`` (next
        to the chosen trial's own) are candidate members."""
        # Nothing else runs now: the refit may use every thread n_jobs allows.
        problem.n_threads = n_threads_for(self.n_jobs)
        entries = {e[2]: e for e in top.candidates()}
        config = space.config_from_params(trial_params(best_trial))
        if best_trial.number in entries:
            oof = entries[best_trial.number][3]
        else:  # not run in this process (a resumed study)
            oof = out_of_fold(problem, config, notes=problem.notes)
        held = top.held()
        left = budget.remaining() - (
            budget.final_cost(entries[best_trial.number], held)
            if best_trial.number in entries else 0.0
        )
        members = []
        pool = top.candidates() if self._ensemble_pool == "candidates" else top.best()
        for entry in pool:
            if entry[2] == best_trial.number:
                continue
            cost_ = budget.final_cost(entry, held)
            if cost_ <= left:  # a costlier trial is passed over, not the rest
                members.append(entry)
                left -= cost_
        if self.ensemble_size > 1 and members:
            ensemble = self._select_ensemble(
                X, problem, classes, space, study, [entries.get(best_trial.number)
                or (best_trial.value, 0, best_trial.number, oof, 0.0)] + members,
                calibrations, top,
            )
            if ensemble is not None:
                return ensemble
        pipeline = self._pipeline(
            config, best_trial.user_attrs["calibration"], problem.random_state
        )
        validate_data(pipeline, X, skip_check_array=True, reset=True)
        pipeline._fit_decision(
            problem, classes, oof, cv_scores=best_trial.user_attrs["fold_scores"]
        )
        return pipeline._fit_model(problem, config, top.models(best_trial.number))

    def _select_ensemble(self, X, problem, classes, space, study, entries, calibrations,
                         top):
        metric = selection_metric(problem.metric)
        oofs = np.stack([e[3] for e in entries])
        groups = [valid for _, valid in problem.oof_folds]
        weights = greedy_weights(
            oofs, problem.oof_y, groups, metric, problem.pos, self.ensemble_size
        )
        if np.count_nonzero(weights) < 2:
            return None
        # Honest scores: fold k's rows blended with weights chosen on the other
        # folds, against the same procedure picking one trial (one round). The
        # best trial's own score is a maximum over every trial on these very
        # folds, so it is not the fair yardstick.
        blended_cf = crossfit_ensemble_oof(
            oofs, problem.oof_y, problem.oof_folds, metric, problem.pos,
            self.ensemble_size,
        )
        single_cf = crossfit_ensemble_oof(
            oofs, problem.oof_y, problem.oof_folds, metric, problem.pos, rounds=1
        )
        calibration, means, fold_scores = choose_calibration(
            problem, blended_cf, calibrations
        )
        _, single_means, _ = choose_calibration(problem, single_cf, calibrations)
        if (
            self._ensemble_gate == "crossfit"
            and means[calibration] <= max(single_means.values()) + 1e-12
        ):
            return None
        used = np.flatnonzero(weights)
        numbers = [entries[i][2] for i in used]
        trials = {t.number: t for t in study.trials}
        configs = [space.config_from_params(trial_params(trials[n])) for n in numbers]
        ensemble = ImbalancedEnsemble(
            [self._pipeline(c, "none", problem.random_state) for c in configs],
            weights=weights[used],
            calibration=calibration,
            scoring=self.scoring,
            pos_label=self.pos_label,
            cv=self._pipeline_cv,
            random_state=problem.random_state,
        )
        validate_data(ensemble, X, skip_check_array=True, reset=True)
        ensemble._fit_from_oofs(
            X, problem, classes, oofs[used], weights[used], ensemble.pipelines, configs,
            cv_scores=fold_scores,
            blended=np.tensordot(weights[used], oofs[used], axes=1),
            fold_models=[top.models(n) for n in numbers],
        )
        self.best_score_ = means[calibration]
        self.ensemble_weights_ = {n: float(w) for n, w in zip(numbers, weights[used], strict=True)}
        return ensemble

    def _trial_time_limit(self, study):
        """Seconds a new trial may run (see ``max_trial_time``), or None."""
        if self.max_trial_time is None:
            return None
        done = [
            t.duration.total_seconds()
            for t in study.get_trials(
                deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)
            )
            if t.duration is not None
        ]
        if not done:
            return None  # the first result is never cut short
        if isinstance(self.max_trial_time, str):  # "auto"
            if self.timeout is None:
                return None
            return max(self.timeout / 8, 2 * float(np.median(done)))
        return float(self.max_trial_time)

    def _objective(self, problem, space, calibrations, budget, top):
        n_folds = len(problem.folds)

        def objective(trial):
            try:
                config = space.suggest(trial)
            except Exception as exc:  # the sampler's, say: never a silent failure
                trial.set_user_attr(
                    "error", f"{type(exc).__name__}: {exc} (drawing the parameters)"
                )
                raise
            # A worker process that dies from here on takes a whole
            # configuration with it, which is then retried (parallel._retry).
            trial.set_user_attr(DRAWN, True)
            # A note set before the trial ran (a retry's) is kept.
            notes = [trial.user_attrs["note"]] if "note" in trial.user_attrs else []

            def add_note(text):
                # A trial's notes add up ("a; b"). All of them are returned:
                # a pruned trial's are TrialPruned's message, which Optuna
                # logs with verbose=2 ("Trial 3 pruned. <notes>"), as the
                # parent of worker processes does (parallel.py).
                notes.append(text)
                trial.set_user_attr("note", "; ".join(notes))
                return trial.user_attrs["note"]

            drawn = getattr(trial.study.sampler, "redirected_", {}).get(trial.number)
            if drawn is not None:
                add_note(
                    f"drawn as {drawn!r}, a classifier clearly behind; given to the "
                    f"leading {config.classifier_spec.name!r} (family_focus)"
                )
            limit = self._trial_time_limit(trial.study)
            started = time.monotonic()

            def report(step, value):
                trial.report(value, step)
                if limit is not None:
                    projected = (time.monotonic() - started) * n_folds / (step + 1)
                    if projected > limit:
                        raise optuna.TrialPruned(add_note(
                            f"stopped after fold {step + 1}: on course for "
                            f"{projected:.1f} s, over max_trial_time ({limit:.1f} s)"
                        ))
                if trial.should_prune():
                    note = f"pruned after fold {step + 1}"
                    if isinstance(trial.study.pruner, RepetitionPruner):
                        note += (
                            " (end of the first repetition: below the median of "
                            "earlier trials there)"
                        )
                    raise optuna.TrialPruned(add_note(note))

            if budget.expired():
                if budget.interrupted:  # Ctrl-C, with trials in threads
                    trial.set_user_attr("error", _INTERRUPTED)
                    raise _Interrupted(_INTERRUPTED)
                raise optuna.TrialPruned(add_note("stopped: time budget reached"))
            try:
                # One thread per trial (n_jobs trials run at once). OpenMP's
                # thread count is a per-thread setting, so it is limited here,
                # in the trial's own thread; BLAS's is global (set in fit).
                with threadpool_limits(limits=1, user_api="openmp"):
                    result = evaluate(
                        problem, config, calibrations, deadline=budget.deadline,
                        report=report, select_rounds=bool(self.select_rounds),
                        keep_models=top.keep_models > 0,
                    )
            except DeadlineExceeded:
                if budget.interrupted:  # Ctrl-C, with trials in threads
                    trial.set_user_attr("error", _INTERRUPTED)
                    raise _Interrupted(_INTERRUPTED) from None
                raise optuna.TrialPruned(add_note("stopped: time budget reached")) from None
            except optuna.TrialPruned:
                raise
            except KeyboardInterrupt:
                trial.set_user_attr("error", _INTERRUPTED)
                raise
            except Exception as exc:
                trial.set_user_attr("error", f"{type(exc).__name__}: {exc}")
                raise
            if not np.isfinite(result.score):
                message = (
                    f"ValueError: the scoring gave {result.score} (fold scores "
                    f"{[round(v, 4) for v in result.fold_scores]}); it must give a "
                    "number on every fold. A scorer that can be undefined (such as "
                    "make_scorer(precision_score, zero_division=np.nan)) needs a "
                    "number there instead (zero_division=0)."
                )
                trial.set_user_attr("error", message)
                raise ValueError(message)
            trial.set_user_attr("fold_scores", result.fold_scores)
            trial.set_user_attr("calibration", result.calibration)
            trial.set_user_attr("calibration_scores", result.calibration_scores)
            trial.set_user_attr("fit_time", result.fit_time)
            if result.rounds is not None:
                trial.set_user_attr("rounds", int(result.rounds))
            if problem.n_classes == 2:
                trial.set_user_attr("threshold", float(result.rule.threshold_))
            else:
                trial.set_user_attr(
                    "class_weights", [float(w) for w in result.rule.weights_]
                )
            top.offer(
                trial.number, result.score, result.oof, result.fit_time,
                family=trial.params.get("classifier"), models=result.fold_models,
            )
            budget.update(top.best(_REFIT_RESERVE_TRIALS), top.held())
            return result.score

        return objective

    # ---------------------------------------------------------------- results

    @staticmethod
    def _results_frame(study, n_folds, n_classes):
        rows = []
        param_names = sorted({p for t in study.trials for p in t.params})
        for t in study.trials:
            if t.state == optuna.trial.TrialState.WAITING:
                continue  # an enqueued start point the budget did not reach
            attrs = t.user_attrs
            folds = attrs.get("fold_scores", [np.nan] * n_folds)
            row = {
                "trial": t.number,
                "state": t.state.name,
                "resampler": t.params.get("resampler"),
                "classifier": t.params.get("classifier"),
                "cost_weight": t.params.get("cost_weight", 0.0),
                "calibration": attrs.get("calibration"),
                # Optuna keeps a pruned trial's last intermediate value (a fold
                # proxy) as its value; only a completed trial has a score.
                "mean_test_score": (
                    t.value if t.state == optuna.trial.TrialState.COMPLETE else np.nan
                ),
                "std_test_score": float(np.std(folds)) if "fold_scores" in attrs else np.nan,
            }
            for k in range(n_folds):
                row[f"split{k}_test_score"] = folds[k]
            for cal in CALIBRATIONS:
                row[f"score_{cal}"] = attrs.get("calibration_scores", {}).get(cal, np.nan)
            if n_classes == 2:
                row["threshold"] = attrs.get("threshold", np.nan)
            else:
                row["class_weights"] = attrs.get("class_weights")
            row["mean_fit_time"] = attrs.get("fit_time", np.nan) / n_folds
            row["duration"] = (
                t.duration.total_seconds() if t.duration is not None else np.nan
            )
            row["rounds"] = attrs.get("rounds", np.nan)
            row["params"] = trial_params(t)
            for name in param_names:
                row[f"param_{name}"] = t.params.get(name, np.nan)
            row["error"] = attrs.get("error")
            row["note"] = attrs.get("note")
            rows.append(row)
        # No row (a timeout or Ctrl-C before any trial started): the same
        # columns, empty.
        empty = [
            "trial", "state", "resampler", "classifier", "cost_weight", "calibration",
            "mean_test_score", "std_test_score",
            *(f"split{k}_test_score" for k in range(n_folds)),
            *(f"score_{cal}" for cal in CALIBRATIONS),
            "threshold" if n_classes == 2 else "class_weights",
            "mean_fit_time", "duration", "rounds", "params", "error", "note",
        ]
        frame = pd.DataFrame(rows, columns=None if rows else empty)
        complete = frame["state"] == "COMPLETE"
        ranks = frame.loc[complete, "mean_test_score"].rank(ascending=False, method="min")
        frame["rank_test_score"] = pd.array([pd.NA] * len(frame), dtype="Int64")
        frame.loc[complete, "rank_test_score"] = ranks.astype(int)
        return frame

    def _raise_if_nothing_completed(self, study):
        states = [t.state for t in study.trials]
        if optuna.trial.TrialState.COMPLETE in states:
            return
        failed = [t for t in study.trials if t.state == optuna.trial.TrialState.FAIL]
        if failed:
            first = failed[0]
            error = first.user_attrs.get("error", "an error (see the log)").rstrip(". ")
            raise SearchFailedError(
                f"All {self.n_trials_} trials failed. The first, trial "
                f"{first.number} with parameters {first.params}, raised "
                f"{error}. "
                "Fix that cause, or restrict resamplers=/classifiers= to the ones "
                "that work on this data."
            )
        pruned = [t for t in study.trials if t.state == optuna.trial.TrialState.PRUNED
                  and not str(t.user_attrs.get("note", "")).startswith("stopped: time")]
        if pruned:  # the pruner stopped them, not the deadline
            note = pruned[0].user_attrs.get("note")
            pruner = (repr(self.pruner) if isinstance(self.pruner, str)
                      else type(self.pruner).__name__)
            raise SearchFailedError(
                f"No trial completed: the pruner ({pruner}) pruned all "
                f"{len(pruned)}" + (f" (the first: {note})" if note else "") + ". "
                "Use a pruner that lets the first trials finish, or pruner=None."
            )
        raise SearchFailedError(
            f"No trial finished within timeout={self.timeout} s "
            f"({self.n_trials_} started). Give the search more time, use "
            "fewer folds, or restrict classifiers= to faster models."
        )

    def _warn_failures(self, study):
        failed = [t for t in study.trials if t.state == optuna.trial.TrialState.FAIL]
        if failed:
            first = failed[0]
            warnings.warn(
                f"{len(failed)} of {self.n_trials_} trials failed; their errors "
                f"are in cv_results_['error']. First: trial {first.number} "
                f"({first.params.get('resampler')} + {first.params.get('classifier')}): "
                f"{first.user_attrs.get('error')}",
                TrialFailedWarning,
                stacklevel=3,
            )

    # ---------------------------------------------------------------- predict

    @available_if(_refit_available)
    def predict(self, X):
        """Labels from the best pipeline.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows with the columns seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.best_estimator_.predict(X)

    @available_if(_refit_available)
    def predict_proba(self, X):
        """Calibrated probabilities from the best pipeline.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows with the columns seen in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        return self.best_estimator_.predict_proba(X)

    @available_if(_refit_available)
    def score(self, X, y, sample_weight=None):
        """The ``scoring`` metric of the best pipeline on the given data.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : None
            Not supported; must be None.

        Returns
        -------
        score : float
        """
        return _score(self, X, y, sample_weight)

    @property
    def threshold_(self):
        """Decision threshold of the best pipeline (binary problems)."""
        check_is_fitted(self)
        if not hasattr(self, "best_estimator_"):
            hint = ""
            if "threshold" in self.cv_results_:
                threshold = self.cv_results_["threshold"].iloc[self.best_index_]
                hint = (f"; the best trial's own is {threshold:.4g} "
                        "(cv_results_['threshold'].iloc[best_index_])")
            raise AttributeError(
                "threshold_ is the threshold of best_estimator_, which was not "
                f"built (refit=False, or a refit that failed){hint}."
            )
        return self.best_estimator_.threshold_
