"""imbtune.pruning: stopping a trial after its first repetition of the folds."""

import numpy as np
import optuna
import pytest

from imbtune import ImbalancedSearchCV
from imbtune.pruning import RepetitionPruner


def _study(pruner, direction="maximize"):
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    return optuna.create_study(direction=direction, pruner=pruner)


def _finished(study, fold_scores, value=None):
    trial = study.ask()
    for step, score in enumerate(fold_scores):
        trial.report(score, step)
    study.tell(trial, float(np.mean(fold_scores)) if value is None else value)


def _running(study, fold_scores):
    trial = study.ask()
    for step, score in enumerate(fold_scores):
        trial.report(score, step)
    return trial


def test_prunes_below_the_median_of_first_repetitions():
    study = _study(RepetitionPruner(3, n_startup_trials=3))
    for level in (0.6, 0.7, 0.8):
        _finished(study, [level] * 6)
    # median of the earlier first repetitions: 0.7
    assert _running(study, [0.65, 0.65, 0.65]).should_prune()
    assert not _running(study, [0.75, 0.70, 0.80]).should_prune()
    assert not _running(study, [0.70, 0.70, 0.70]).should_prune()  # not below


def test_decides_only_at_the_end_of_the_first_repetition():
    study = _study(RepetitionPruner(3, n_startup_trials=1))
    _finished(study, [0.9] * 6)
    weak = study.ask()
    weak.report(0.1, 0)
    assert not weak.should_prune()  # the repetition is not finished
    weak.report(0.1, 1)
    assert not weak.should_prune()
    weak.report(0.1, 2)
    assert weak.should_prune()
    weak.report(0.1, 3)
    assert not weak.should_prune()  # past the first repetition: never


def test_waits_for_startup_trials():
    study = _study(RepetitionPruner(2, n_startup_trials=2))
    _finished(study, [0.9, 0.9])
    assert not _running(study, [0.1, 0.1]).should_prune()  # one earlier trial only


def test_pruned_trials_count_in_the_median():
    study = _study(RepetitionPruner(2, n_startup_trials=1))
    _finished(study, [0.9, 0.9, 0.9, 0.9])
    weak = _running(study, [0.2, 0.2])
    assert weak.should_prune()
    study.tell(weak, state=optuna.trial.TrialState.PRUNED)
    # earlier first repetitions now 0.9 and 0.2: median 0.55
    assert not _running(study, [0.6, 0.6]).should_prune()


def test_minimize():
    study = _study(RepetitionPruner(2, n_startup_trials=1), direction="minimize")
    _finished(study, [0.3, 0.3])
    assert _running(study, [0.5, 0.5]).should_prune()
    assert not _running(study, [0.2, 0.2]).should_prune()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(folds_per_repetition=0), "folds_per_repetition must be a positive int"),
        (dict(folds_per_repetition=2.5), "folds_per_repetition must be a positive int"),
        (dict(folds_per_repetition=3, n_startup_trials=-1), "n_startup_trials must be"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RepetitionPruner(**kwargs)


def test_search_prunes_weak_trials_after_one_repetition(breast_cancer, quiet):
    X, y = breast_cancer
    search = ImbalancedSearchCV(
        n_trials=16, pruner="repetition", n_repeats=2, cv=3,
        classifiers=["logreg", "lightgbm"], resamplers=["none", "random_under"],
        sampler="random", warm_start=False, random_state=0,
    ).fit(X, y)
    assert isinstance(search.study_.pruner, RepetitionPruner)
    results = search.cv_results_
    pruned = results[results["state"] == "PRUNED"]
    complete = results[results["state"] == "COMPLETE"]
    assert len(pruned) > 0 and len(complete) >= 5
    assert pruned["note"].str.contains("first repetition").all()
    assert pruned["mean_test_score"].isna().all()
    for number in pruned["trial"]:
        # stopped after the 3 folds of the first repetition, not before or after
        assert sorted(search.study_.trials[number].intermediate_values) == [0, 1, 2]
    for number in complete["trial"]:
        assert len(search.study_.trials[number].intermediate_values) == 6
    assert search.best_index_ in complete.index
    assert search.predict(X).shape == y.shape


def test_repetition_prunes_nothing_without_repetitions(breast_cancer, quiet):
    X, y = breast_cancer
    search = ImbalancedSearchCV(
        n_trials=10, pruner="repetition", n_repeats=1, cv=3, classifiers=["logreg"],
        resamplers=["none", "random_under"], sampler="random", warm_start=False,
        random_state=0,
    ).fit(X, y)
    assert not isinstance(search.study_.pruner, RepetitionPruner)
    assert set(search.cv_results_["state"]) == {"COMPLETE"}
