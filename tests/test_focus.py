"""Family focus: clearly beaten classifier families are not drawn again."""

import numpy as np
import optuna
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution
from optuna.samplers import BaseSampler
from optuna.trial import TrialState

from imbtune import ImbalancedSearchCV
from imbtune.focus import FamilyFocusSampler, weak_families

FAMILIES = CategoricalDistribution(["a", "b", "c"])


def finished(family, folds, state=TrialState.COMPLETE):
    return optuna.trial.create_trial(
        params={"classifier": family},
        distributions={"classifier": FAMILIES},
        value=float(np.mean(folds)) if state == TrialState.COMPLETE else None,
        state=state,
        user_attrs={"fold_scores": list(folds)},
    )


def test_a_family_clearly_behind_on_the_same_folds_is_weak():
    rng = np.random.RandomState(0)
    lead = 0.8 + 0.1 * rng.rand(15)
    trials = [
        finished("a", lead),
        finished("a", lead - 0.05),  # a family's best trial is what counts
        finished("b", lead - 0.03 + 0.005 * rng.randn(15)),  # behind on every fold
        finished("c", lead[::-1] - 0.001),  # about the same mean, folds a coin toss
    ]
    weak, leader = weak_families(trials)
    assert leader == "a"
    assert weak == {"b"}


def test_a_close_or_noisy_family_and_an_unfinished_one_stay():
    rng = np.random.RandomState(1)
    lead = 0.8 + 0.1 * rng.rand(10)
    trials = [
        finished("a", lead),
        finished("b", lead - 0.01 + 0.1 * rng.randn(10)),  # behind, but within noise
        finished("c", lead - 0.5, state=TrialState.PRUNED),
    ]
    weak, leader = weak_families(trials)
    assert (weak, leader) == (set(), "a")
    assert weak_families([]) == (set(), None)
    # A stricter z keeps more families, a laxer one drops more.
    assert weak_families(trials, z=-10.0)[0] == {"b"}


class _Always(BaseSampler):
    """Draws ``value`` for the family parameter and the lower bound of any other."""

    def __init__(self, value):
        self.value = value

    def infer_relative_search_space(self, study, trial):
        return {}

    def sample_relative(self, study, trial, search_space):
        return {}

    def sample_independent(self, study, trial, name, distribution):
        if name == "classifier":
            return self.value
        return distribution.low


def test_the_sampler_gives_a_weak_familys_draw_to_the_leader():
    study = optuna.create_study(
        direction="maximize", sampler=FamilyFocusSampler(_Always("b"))
    )
    rng = np.random.RandomState(0)
    lead = 0.8 + 0.1 * rng.rand(15)
    study.add_trial(finished("a", lead))
    # "b" has not been tried yet: it stays in the draw.
    trial = study.ask()
    assert trial.suggest_categorical("classifier", FAMILIES.choices) == "b"
    study.tell(trial, state=TrialState.FAIL)
    study.add_trial(finished("b", lead - 0.05))
    trial = study.ask()
    assert trial.suggest_categorical("classifier", FAMILIES.choices) == "a"
    assert trial.suggest_float("x", 0.0, 1.0) == 0.0  # other draws untouched
    assert study.sampler.redirected_ == {trial.number: "b"}
    # An enqueued family is used as it is, and not counted as redirected.
    study.enqueue_trial({"classifier": "b"})
    trial = study.ask()
    assert trial.suggest_categorical("classifier", FAMILIES.choices) == "b"
    assert trial.number not in study.sampler.redirected_


def test_search_with_family_focus_notes_its_redirections(thyroid_mixed, quiet):
    X, y = thyroid_mixed
    search = ImbalancedSearchCV(
        scoring="pr_auc", n_trials=14, cv=3, n_repeats=1, random_state=0,
        sampler="random", classifiers=["lightgbm", "logreg"], resamplers=["none"],
        calibrations=["none"], ensemble_size=1, family_focus=True,
    ).fit(X, y)
    results = search.cv_results_
    # On this table logistic regression is far behind LightGBM on every fold.
    scores = results.groupby("classifier")["mean_test_score"].max()
    assert scores["logreg"] < scores["lightgbm"] - 0.1
    redirected = search.study_.sampler.redirected_
    assert len(redirected) >= 1
    assert set(redirected.values()) == {"logreg"}
    notes = results.set_index("trial")["note"]
    for number in redirected:
        assert notes[number].startswith("drawn as 'logreg', a classifier clearly behind")
    # Once beaten, logistic regression gets no further trial.
    later = results[results["trial"] >= min(redirected)]
    assert (later["classifier"] == "lightgbm").all()


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_family_focus_must_be_a_bool(value, breast_cancer):
    X, y = breast_cancer
    with pytest.raises(ValueError, match="family_focus must be True or False"):
        ImbalancedSearchCV(n_trials=1, family_focus=value).fit(X, y)


def test_a_wrapped_sampler_is_reproducible(breast_cancer, quiet):
    X, y = breast_cancer
    kwargs = dict(scoring="pr_auc", n_trials=8, cv=3, n_repeats=1, random_state=3,
                  family_focus=True, classifiers=["lightgbm", "logreg", "extra_trees"])
    first = ImbalancedSearchCV(**kwargs).fit(X, y).cv_results_
    second = ImbalancedSearchCV(**kwargs).fit(X, y).cv_results_
    cols = ["classifier", "resampler", "mean_test_score"]
    assert first[cols].equals(second[cols])


class _Relative(_Always):
    """Draws ``x`` jointly (relative sampling), at the lower bound."""

    def infer_relative_search_space(self, study, trial):
        return {"x": FloatDistribution(0.5, 1.0)}

    def sample_relative(self, study, trial, search_space):
        return {"x": 0.5} if "x" in search_space else {}


@pytest.mark.parametrize("inner", [_Always("b"), _Relative("b")],
                         ids=["independent", "relative"])
def test_a_family_parameter_that_is_not_categorical_is_left_alone(inner):
    sampler = FamilyFocusSampler(inner, param="x")
    study = optuna.create_study(sampler=sampler)
    trial = study.ask()
    assert trial.suggest_float("x", 0.5, 1.0) == 0.5
    assert sampler.redirected_ == {}
