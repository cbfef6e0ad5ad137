"""imbtune.ImbalancedSearchCV as a user calls it."""

import contextlib
import importlib.util
import json
import logging
import os
import pickle
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest
import scipy.sparse as sp
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline as make_imblearn_pipeline
from imblearn.under_sampling import NearMiss
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

import imbtune.search as search_module
from imbtune import (
    ClassifierSpec,
    FallbackWarning,
    ImbalancedEnsemble,
    ImbalancedPipeline,
    ImbalancedSearchCV,
    InsufficientMinorityError,
    ResamplerSpec,
    SearchFailedError,
    TrialFailedWarning,
)
from imbtune.classifiers import CLASSIFIERS
from imbtune.datasets import train_test_split_stratified
from imbtune.metrics import pr_auc
from imbtune.pipeline import RepeatedStratifiedGroupKFold

from .conftest import shared_dataset, small_imbalanced

FAST = dict(classifiers=["logreg", "lightgbm"], cv=3, random_state=0)


def test_binary_mixed_data_search(thyroid_mixed, quiet):
    X, y = thyroid_mixed
    X_train, X_test, y_train, y_test = train_test_split_stratified(X, y, random_state=0)
    # ensemble_size=1: the best trial itself (an ensemble has its own test)
    search = ImbalancedSearchCV(scoring="pr_auc", n_trials=8, ensemble_size=1,
                                **FAST).fit(X_train, y_train)
    assert search.n_repeats_ == 3  # 675 training rows: repeated K-fold by default
    results = search.cv_results_
    assert isinstance(results, pd.DataFrame) and len(results) == 8
    for column in ["trial", "state", "mean_test_score", "std_test_score",
                   "split0_test_score", "split2_test_score", "calibration",
                   "threshold", "mean_fit_time", "duration", "rank_test_score",
                   "params", "param_resampler", "param_classifier", "error"]:
        assert column in results.columns, column
    assert search.best_score_ == results["mean_test_score"].max()
    assert results.loc[search.best_index_, "rank_test_score"] == 1
    assert search.best_params_["calibration"] in ("none", "sigmoid", "isotonic")
    assert isinstance(search.study_, optuna.study.Study)
    best = search.best_estimator_
    assert isinstance(best, ImbalancedPipeline)
    assert best.calibration == search.best_params_["calibration"]
    assert search.threshold_ == best.threshold_ == results.loc[search.best_index_, "threshold"]
    held_out = pr_auc(y_test, search.predict_proba(X_test)[:, 1])
    assert held_out > 0.7
    assert search.score(X_test, y_test) == pytest.approx(held_out)
    assert set(search.predict(X_test)) <= {0, 1}


def test_conditional_space_parameters_exist_only_when_chosen(breast_cancer, quiet):
    X, y = breast_cancer
    search = ImbalancedSearchCV(
        n_trials=10, resamplers=["none", "smote", "random_under"], warm_start=False, **FAST
    ).fit(X, y)
    for _, row in search.cv_results_.iterrows():
        params = row["params"]
        for key in params:
            if "__" in key:
                owner = key.split("__")[0]
                assert owner in (params["resampler"], params["classifier"]), key
        if params["resampler"] == "smote":
            assert 1 <= params["smote__k_neighbors"] <= 10
            assert 0.1 <= params["smote__ratio"] <= 1.0


def test_multiclass_search(fetal_multiclass, quiet):
    X, y = fetal_multiclass
    search = ImbalancedSearchCV(scoring="macro_f1", n_trials=5, **FAST).fit(X, y)
    assert "class_weights" in search.cv_results_.columns
    assert search.best_estimator_.class_weights_.shape == (3,)
    assert search.predict_proba(X).shape == (len(X), 3)
    assert search.best_score_ > 0.7
    search_pr = ImbalancedSearchCV(scoring="pr_auc", n_trials=3, **FAST).fit(X, y)
    assert 0.7 < search_pr.best_score_ <= 1


def test_a_scikit_learn_multiclass_scorer_studies_as_imbtune_s_metric(fetal_multiclass, quiet):
    # scoring="f1_macro" is macro_f1 by another name: its multiclass rules
    # are solved from the confusion matrix on the same grid, so the study is
    # the same (it was solved by calling the scorer, on a coarser grid).
    X, y = fetal_multiclass
    kwargs = dict(n_trials=3, **FAST)
    ours = ImbalancedSearchCV(scoring="macro_f1", **kwargs).fit(X, y)
    sklearn_s = ImbalancedSearchCV(scoring="f1_macro", **kwargs).fit(X, y)
    assert sklearn_s.best_params_ == ours.best_params_
    np.testing.assert_allclose(sklearn_s.cv_results_["mean_test_score"],
                               ours.cv_results_["mean_test_score"], atol=1e-12)
    np.testing.assert_allclose(sklearn_s.best_estimator_.class_weights_,
                               ours.best_estimator_.class_weights_)


def test_same_random_state_gives_the_same_study(breast_cancer, global_random_seed, quiet):
    X, y = breast_cancer
    kwargs = dict(n_trials=6, classifiers=["logreg", "lightgbm", "extra_trees"],
                  resamplers=["none", "smote", "random_under"], warm_start=False,
                  cv=3, random_state=global_random_seed)
    a = ImbalancedSearchCV(**kwargs).fit(X, y)
    b = ImbalancedSearchCV(**kwargs).fit(X, y)
    pd.testing.assert_frame_equal(
        a.cv_results_.drop(columns=["duration", "mean_fit_time"]),
        b.cv_results_.drop(columns=["duration", "mean_fit_time"]),
    )
    assert a.best_params_ == b.best_params_
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    c = ImbalancedSearchCV(**{**kwargs, "random_state": global_random_seed + 1}).fit(X, y)
    assert not a.cv_results_["params"].equals(c.cv_results_["params"])


def test_refit_matches_the_best_trial_and_pickles(breast_cancer, quiet):
    X, y = breast_cancer
    search = ImbalancedSearchCV(n_trials=4, ensemble_size=1, **FAST).fit(X, y)
    assert search.ensemble_weights_ == {search.cv_results_.loc[search.best_index_, "trial"]: 1.0}
    best = search.best_estimator_
    n_splits = 3 * search.n_repeats_  # 569 rows: 3 repetitions of 3 folds
    assert n_splits == 9
    assert best.cv_scores_ == search.cv_results_.loc[
        search.best_index_, [f"split{k}_test_score" for k in range(n_splits)]
    ].tolist()
    # the same pipeline fitted from scratch reproduces the refit
    again = ImbalancedPipeline(**best.get_params()).fit(X, y)
    np.testing.assert_allclose(again.predict_proba(X), best.predict_proba(X))
    assert again.threshold_ == pytest.approx(best.threshold_)
    loaded = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(loaded.predict_proba(X), search.predict_proba(X))


def test_tie_break_picks_near_best_trial_of_best_pr_auc(quiet):
    X, y = small_imbalanced(n=400, minority=40, seed=1)
    kwargs = dict(n_trials=12, ensemble_size=1, classifiers=["logreg", "lightgbm"], cv=3,
                  random_state=0)
    plain = ImbalancedSearchCV(scoring="macro_f1", tie_break=False, **kwargs).fit(X, y)
    tied = ImbalancedSearchCV(scoring="macro_f1", **kwargs).fit(X, y)  # on by default
    scores = plain.cv_results_["mean_test_score"]
    # the same study; only the final pick differs
    np.testing.assert_array_equal(scores, tied.cv_results_["mean_test_score"])
    assert plain.best_index_ == scores.idxmax()
    assert tied.best_index_ != plain.best_index_
    best = plain.cv_results_.loc[plain.best_index_]
    splits = best.filter(regex=r"^split\d+_test_score$").to_numpy(float)
    assert len(splits) == 9  # 3 folds, repeated 3 times below 4,000 rows
    margin = np.std(splits, ddof=1) / np.sqrt(len(splits))
    assert tied.best_score_ == scores[tied.best_index_] >= scores.max() - margin
    chosen = tied.cv_results_.loc[tied.best_index_]
    assert tied.best_params_["classifier"] == chosen["classifier"]
    assert tied.best_estimator_.calibration == chosen["calibration"]
    # a scoring that reads probabilities is left alone
    kwargs["random_state"] = 1
    plain = ImbalancedSearchCV(scoring="pr_auc", tie_break=False, **kwargs).fit(X, y)
    tied = ImbalancedSearchCV(scoring="pr_auc", **kwargs).fit(X, y)
    assert tied.best_index_ == plain.best_index_


def test_tie_break_picks_only_a_trial_whose_final_model_fits_the_timeout(
    quiet, monkeypatch
):
    # With no time left after the search, tie_break picks only among trials
    # whose final model costs no fit (their fold models held) or the best
    # trial (whose refit time was reserved): never a fit that overruns.
    X, y = small_imbalanced(n=400, minority=40, seed=1)
    kwargs = dict(n_trials=12, ensemble_size=1, classifiers=["logreg", "lightgbm"], cv=3,
                  random_state=0, scoring="macro_f1")
    plain = ImbalancedSearchCV(tie_break=False, **kwargs).fit(X, y)
    free = ImbalancedSearchCV(**kwargs).fit(X, y)
    assert free.best_index_ != plain.best_index_  # tie_break moves the pick here
    monkeypatch.setattr(search_module._Budget, "remaining", lambda self: 0.0)
    # the pick is among the four trials held: it stays
    hurried = ImbalancedSearchCV(**kwargs).fit(X, y)
    assert hurried.best_index_ == free.best_index_
    # one trial held (the best): the pick would need its fold models fitted
    with monkeypatch.context() as patch:
        patch.setattr(search_module, "_REFIT_RESERVE_TRIALS", 1)
        one_held = ImbalancedSearchCV(**kwargs).fit(X, y)
    assert one_held.best_index_ == plain.best_index_
    assert one_held.best_params_ == plain.best_params_
    # a refit on all rows: only the best trial's is reserved
    monkeypatch.setattr(ImbalancedSearchCV, "_final_model", "refit")
    refit = ImbalancedSearchCV(**kwargs).fit(X, y)
    assert refit.best_index_ == plain.best_index_


def test_top_trials_keep_the_best_of_each_classifier():
    top = search_module._TopTrials(size=3, per_family=2)
    # five logistic trials beat every forest
    for number, (score, family) in enumerate(
        [(0.9, "logreg"), (0.5, "forest"), (0.8, "logreg"), (0.85, "logreg"),
         (0.4, "forest"), (0.3, "forest"), (0.95, "logreg"), (0.7, "logreg")]
    ):
        top.offer(number, score, np.full(2, score), 1.0, family=family)
    assert [e[2] for e in top.best()] == [6, 0, 3]  # the best three overall
    assert [e[2] for e in top.best(2)] == [6, 0]
    # and the two best forests, after them; no other logistic trial
    assert [e[2] for e in top.candidates()] == [6, 0, 3, 1, 4]
    other = search_module._TopTrials(size=3, per_family=2)
    other.offer(8, 0.6, np.zeros(2), 1.0, family="forest")
    top.merge(other.candidates())  # a worker's entries
    assert [e[2] for e in top.candidates()] == [6, 0, 3, 8, 1]
    plain = search_module._TopTrials(size=3)
    for entry in top.candidates():
        plain.merge([entry])
    assert plain.candidates() == plain.best() == top.best()


def test_top_trials_keep_a_trials_models_when_another_thread_merges_meanwhile():
    # Trials in threads share one _TopTrials. Another thread's merge may run
    # whenever offer lets go of the lock; it must not drop the fold models
    # of the trial being offered.
    top = search_module._TopTrials(size=2, keep_models=2)

    class Interleaving:
        """A lock that lets another thread's merge run at its first release."""

        def __init__(self):
            self.inner = threading.Lock()
            self.done = False

        def __enter__(self):
            self.inner.acquire()

        def __exit__(self, *exc):
            self.inner.release()
            if not self.done:
                self.done = True
                top.merge([(0.5, -9, 9, np.zeros(2), 1.0, "forest")])

    top._lock = Interleaving()
    models = ["fold model 1", "fold model 2"]
    top.offer(1, 0.9, np.ones(2), 1.0, family="logreg", models=models)
    assert [e[2] for e in top.candidates()] == [1, 9]
    assert top.models(1) == models
    assert top.held() == {1}


def test_tie_break_reaches_past_the_best_trials_of_one_classifier(quiet, monkeypatch):
    # Only the single best trial's out-of-fold probabilities are kept for the
    # ensemble here; tie_break still sees the best trials of each classifier.
    X, y = small_imbalanced(n=400, minority=40, seed=1)
    kwargs = dict(n_trials=12, ensemble_size=1, classifiers=["logreg", "lightgbm"], cv=3,
                  random_state=0, scoring="macro_f1")
    monkeypatch.setattr(search_module, "_ENSEMBLE_CANDIDATES", 1)
    plain = ImbalancedSearchCV(tie_break=False, **kwargs).fit(X, y)
    tied = ImbalancedSearchCV(**kwargs).fit(X, y)
    assert tied.best_index_ != plain.best_index_
    monkeypatch.setattr(search_module, "_FAMILY_CANDIDATES", 0)
    alone = ImbalancedSearchCV(**kwargs).fit(X, y)
    assert alone.best_index_ == plain.best_index_  # no other candidate


def test_ensemble_draws_from_the_best_trials_of_each_classifier(quiet, monkeypatch):
    # Only the single best trial's out-of-fold probabilities count among the
    # "best" here; the ensemble still draws on the best trials of each
    # classifier, and blends both classifiers.
    X, y = small_imbalanced(n=400, minority=40, seed=2)
    kwargs = dict(n_trials=10, classifiers=["logreg", "lightgbm"], cv=3, random_state=0,
                  scoring="pr_auc")
    monkeypatch.setattr(search_module, "_ENSEMBLE_CANDIDATES", 1)
    search = ImbalancedSearchCV(**kwargs).fit(X, y)
    family = search.cv_results_.set_index("trial")["classifier"]
    members = {family[n] for n in search.ensemble_weights_}
    assert members == {"logreg", "lightgbm"}
    assert isinstance(search.best_estimator_, ImbalancedEnsemble)
    monkeypatch.setattr(ImbalancedSearchCV, "_ensemble_pool", "best")
    alone = ImbalancedSearchCV(**kwargs).fit(X, y)
    assert list(alone.ensemble_weights_) == [alone.cv_results_["trial"][alone.best_index_]]
    assert isinstance(alone.best_estimator_, ImbalancedPipeline)


def test_ensemble_gate(quiet, monkeypatch):
    # On this search the greedy ensemble keeps three trials but its
    # cross-fitted score is below one trial's: the default gate refits the
    # chosen trial, "always" the ensemble, scored by its cross-fitted blend.
    X, y = small_imbalanced(n=400, minority=40, seed=1)
    kwargs = dict(n_trials=10, classifiers=["logreg", "lightgbm"], cv=3, random_state=0,
                  scoring="pr_auc")
    gated = ImbalancedSearchCV(**kwargs).fit(X, y)
    assert isinstance(gated.best_estimator_, ImbalancedPipeline)
    assert list(gated.ensemble_weights_) == [gated.cv_results_["trial"][gated.best_index_]]
    assert gated.best_score_ == gated.cv_results_["mean_test_score"][gated.best_index_]
    monkeypatch.setattr(ImbalancedSearchCV, "_ensemble_gate", "always")
    always = ImbalancedSearchCV(**kwargs).fit(X, y)
    assert isinstance(always.best_estimator_, ImbalancedEnsemble)
    assert len(always.ensemble_weights_) >= 2
    assert sum(always.ensemble_weights_.values()) == pytest.approx(1.0)
    assert always.best_score_ < gated.best_score_  # the gate's reason here
    assert always.best_estimator_.weights == pytest.approx(
        list(always.ensemble_weights_.values())
    )
    # the trials themselves are the same study
    pd.testing.assert_series_equal(gated.cv_results_["mean_test_score"],
                                   always.cv_results_["mean_test_score"])


def test_refit_takes_the_fold_models_the_search_held(quiet, monkeypatch):
    # Below 4,000 rows the chosen trial's fold models predict; the search
    # held them, so its refit fits nothing at all.
    import imbtune.pipeline

    def no_fit(*args, **kwargs):
        raise AssertionError("the refit fitted a model")

    X, y = small_imbalanced(n=400, minority=40, seed=1)
    kwargs = dict(n_trials=6, classifiers=["logreg", "lightgbm"], cv=3, random_state=0,
                  ensemble_size=1)
    with monkeypatch.context() as patch:
        patch.setattr(imbtune.pipeline, "fit_fold_models", no_fit)
        patch.setattr(imbtune.pipeline, "fit_final_model", no_fit)
        search = ImbalancedSearchCV(**kwargs).fit(X, y)
    best = search.best_estimator_
    assert best.model_ is None and len(best.fold_models_) == 3 * search.n_repeats_
    for k, ((encoder, model), (_, valid)) in enumerate(
        zip(best.fold_models_, list(best.cv.split(X, y)), strict=True)
    ):
        rows = (k // 3) * len(y) + valid
        np.testing.assert_allclose(
            model.predict_proba(encoder.transform(X.iloc[valid])), best.oof_proba_[rows]
        )
    # The same search refitting on all rows: the same trials and decision.
    monkeypatch.setattr(ImbalancedSearchCV, "_final_model", "refit")
    refit = ImbalancedSearchCV(**kwargs).fit(X, y)
    assert refit.best_estimator_.fold_models_ is None
    assert refit.best_estimator_.model_ is not None
    assert refit.best_estimator_.threshold_ == best.threshold_
    pd.testing.assert_series_equal(search.cv_results_["mean_test_score"],
                                   refit.cv_results_["mean_test_score"])


class _ThreadsSeen(ClassifierMixin, BaseEstimator):
    """Logistic regression that records, one file per fit in ``log_dir``, its
    process and the BLAS and OpenMP thread counts the fit runs under (files,
    since with n_jobs > 1 the fits run in worker processes)."""

    def __init__(self, log_dir=None, C=1.0):
        self.log_dir = log_dir
        self.C = C

    def fit(self, X, y):
        record = {
            "pid": os.getpid(), "time": time.time_ns(),
            "threads": sorted(
                (i["user_api"], i["num_threads"]) for i in threadpool_info()
                if i["user_api"] in ("blas", "openmp")
            ),
        }
        path = os.path.join(self.log_dir, f"{os.getpid()}-{time.time_ns()}.json")
        with open(path, "w") as fh:
            json.dump(record, fh)
        self.model_ = LogisticRegression(C=self.C, max_iter=200).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    @staticmethod
    def fits(log_dir):
        records = [json.loads(p.read_text()) for p in Path(log_dir).glob("*.json")]
        return sorted(records, key=lambda r: r["time"])


def _threads_seen_spec(log_dir):
    return ClassifierSpec("threads_seen", _ThreadsSeen(log_dir=str(log_dir)),
                          space={"C": FloatDistribution(0.1, 10, log=True)}, weighting=None)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_trials_run_on_one_thread_each(breast_cancer, quiet, n_jobs, tmp_path,
                                       monkeypatch):
    X, y = breast_cancer
    before = sorted((i["filepath"], i["num_threads"]) for i in threadpool_info())
    if all(n == 1 for _, n in before):
        pytest.skip("every thread pool already has one thread: nothing to limit")
    kwargs = dict(n_trials=4, resamplers=["none"], cv=3, n_repeats=1, n_jobs=n_jobs,
                  ensemble_size=1, random_state=0)
    bag, refit = tmp_path / "bag", tmp_path / "refit"
    bag.mkdir()
    refit.mkdir()
    ImbalancedSearchCV(classifiers=[_threads_seen_spec(bag)], **kwargs).fit(X, y)
    fits = _ThreadsSeen.fits(bag)
    # 569 rows: the chosen trial's fold models predict. Trials in threads
    # leave them in this process, worker processes send them back with their
    # best trials: 4 trials x 3 folds, and no fit after.
    assert len(fits) == 12
    assert all(n == 1 for fit in fits for _, n in fit["threads"])
    # With a refit on all rows:
    monkeypatch.setattr(ImbalancedSearchCV, "_final_model", "refit")
    ImbalancedSearchCV(classifiers=[_threads_seen_spec(refit)], **kwargs).fit(X, y)
    fits = _ThreadsSeen.fits(refit)
    # 4 trials x 3 folds, in the trials' threads (or worker processes), then
    # the refit, in this process
    assert len(fits) == 13
    assert all(n == 1 for fit in fits[:12] for _, n in fit["threads"])
    assert fits[12]["pid"] == os.getpid()
    assert any(n > 1 for _, n in fits[12]["threads"])  # the refit is not limited
    trial_pids = {fit["pid"] for fit in fits[:12]}
    if n_jobs == 1:
        assert trial_pids == {os.getpid()}
    else:  # worker processes
        assert os.getpid() not in trial_pids
    # the limits end with the search
    assert sorted((i["filepath"], i["num_threads"]) for i in threadpool_info()) == before


def test_study_does_not_depend_on_the_thread_pools_it_is_called_under(quiet):
    # A multi-threaded BLAS/OpenMP reduction adds in another order: without the
    # limits this study's second trial scored 0.4287 under one thread and
    # 0.4313 under two.
    X, y = shared_dataset("software_defects_kc1")
    scores = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads):
            search = ImbalancedSearchCV(scoring="pr_auc", n_trials=3, classifiers=["logreg"],
                                        n_jobs=1, random_state=0).fit(X, y)
        scores.append(search.cv_results_["mean_test_score"].to_numpy())
    np.testing.assert_array_equal(scores[0], scores[1])


def test_boosters_rounds_are_selected_and_refitted(breast_cancer, quiet):
    X, y = breast_cancer
    kwargs = {**FAST, "n_trials": 3, "ensemble_size": 1, "resamplers": ["none"],
              "classifiers": ["lightgbm", "xgboost"]}
    search = ImbalancedSearchCV(select_rounds=True, **kwargs).fit(X, y)
    results = search.cv_results_
    assert results["rounds"].notna().all()
    cut = 0
    for _, row in results.iterrows():
        drawn = row[f"param_{row['classifier']}__n_estimators"]
        assert row["rounds"] <= drawn
        cut += row["rounds"] < drawn
        assert row["params"][f"{row['classifier']}__n_estimators"] == row["rounds"]
    assert cut  # here the XGBoost start point scores best at half its 300 rounds
    best = results.loc[search.best_index_]
    key = f"{best['classifier']}__n_estimators"
    assert search.best_params_[key] == best["rounds"]
    assert search.best_estimator_.classifier_params["n_estimators"] == best["rounds"]
    # a pipeline of that many rounds, cross-validated alone, scores what the trial did
    again = ImbalancedPipeline(**search.best_estimator_.get_params()).fit(X, y)
    assert again.cv_scores_ == pytest.approx(search.best_estimator_.cv_scores_)
    assert np.mean(again.cv_scores_) == pytest.approx(search.best_score_)
    off = ImbalancedSearchCV(**kwargs).fit(X, y)  # the default: all rounds
    assert off.cv_results_["rounds"].isna().all()
    assert off.best_params_ == off.cv_results_.loc[off.best_index_, "params"] | {
        "calibration": off.best_params_["calibration"]}


def test_repeated_folds_score_every_trial_on_every_repetition(breast_cancer, quiet):
    X, y = breast_cancer
    search = ImbalancedSearchCV(n_trials=4, ensemble_size=1, n_repeats=2, **FAST).fit(X, y)
    assert search.n_repeats_ == 2
    splits = [f"split{k}_test_score" for k in range(6)]
    assert "split6_test_score" not in search.cv_results_
    best = search.best_estimator_
    assert best.cv_scores_ == search.cv_results_.loc[search.best_index_, splits].tolist()
    assert search.best_score_ == pytest.approx(np.mean(best.cv_scores_))
    # the refit pipeline carries the search's folds: refitting it reproduces them
    assert isinstance(best.cv, RepeatedStratifiedKFold)
    again = ImbalancedPipeline(**best.get_params()).fit(X, y)
    assert again.cv_scores_ == pytest.approx(best.cv_scores_)
    np.testing.assert_allclose(again.predict_proba(X), best.predict_proba(X))
    # its first repetition is the K-fold of n_repeats=1: the same fold scores
    once = ImbalancedSearchCV(n_trials=4, ensemble_size=1, n_repeats=1, **FAST).fit(X, y)
    assert once.n_repeats_ == 1 and "split3_test_score" not in once.cv_results_
    pd.testing.assert_frame_equal(
        once.cv_results_[splits[:3]], search.cv_results_[splits[:3]]
    )
    assert not np.allclose(search.cv_results_[splits[:3]], search.cv_results_[splits[3:]])


def test_auto_repeats_small_tables_only(quiet):
    sizes = [100, 500, 2829, 3999, 4000, 50_000]
    assert [search_module.auto_repeats(n) for n in sizes] == [3, 3, 3, 3, 1, 1]
    X, y = small_imbalanced()
    search = ImbalancedSearchCV(n_trials=2, classifiers=["logreg"], cv=3,
                                random_state=0).fit(X, y)
    assert search.n_repeats_ == 3  # 300 rows
    assert isinstance(search.best_estimator_.cv, RepeatedStratifiedKFold)
    search = ImbalancedSearchCV(n_trials=2, classifiers=["logreg"], cv=3,
                                random_state=0).fit(*small_imbalanced(n=4000, minority=200))
    assert search.n_repeats_ == 1 and search.best_estimator_.cv == 3


def test_a_repeated_splitter_decides_its_own_repetitions(quiet):
    X, y = small_imbalanced()
    for cv, expected in [(StratifiedKFold(3, shuffle=True, random_state=0), 1),
                         (RepeatedStratifiedKFold(n_splits=3, n_repeats=2), 2)]:
        search = ImbalancedSearchCV(n_trials=2, classifiers=["logreg"], cv=cv,
                                    random_state=0).fit(X, y)
        assert search.n_repeats_ == expected
        assert f"split{3 * expected - 1}_test_score" in search.cv_results_
        assert f"split{3 * expected}_test_score" not in search.cv_results_


class _InterruptedAt(LogisticRegression):
    """Raises KeyboardInterrupt (as Ctrl-C does) at its ``at``-th fit."""

    fits = 0
    at = 7

    def fit(self, X, y, sample_weight=None):
        type(self).fits += 1
        if type(self).fits == type(self).at:
            raise KeyboardInterrupt
        return super().fit(X, y, sample_weight=sample_weight)


def test_an_interrupted_search_keeps_its_finished_trials(breast_cancer, quiet):
    X, y = breast_cancer
    fitted = ImbalancedSearchCV(n_trials=2, **FAST).fit(X, y)
    _InterruptedAt.fits = 0
    spec = ClassifierSpec("interrupted", _InterruptedAt(max_iter=200),
                          space={"C": FloatDistribution(0.1, 10, log=True)})
    search = fitted.set_params(n_trials=10, classifiers=[spec], resamplers=["none"],
                               n_repeats=1, warm_start=False)
    with pytest.raises(KeyboardInterrupt):
        search.fit(X, y)
    # 3 folds a trial: the 7th fit is the first of trial 2
    assert list(search.cv_results_["state"]) == ["COMPLETE", "COMPLETE", "FAIL"]
    assert [search.study_.trials[i].state.name for i in range(3)] == [
        "COMPLETE", "COMPLETE", "FAIL"
    ]
    assert search.cv_results_["error"].iloc[2].startswith("KeyboardInterrupt: the search")
    # the earlier fit's results are gone: the search is not fitted
    assert not hasattr(search, "best_estimator_")
    with pytest.raises(NotFittedError):
        search.predict(X)


def test_a_search_interrupted_in_its_refit_reads_as_not_fitted(breast_cancer, quiet):
    # It kept best_index_ and best_params_: it read as fitted, predict was
    # "no attribute", and threshold_ spoke of refit=False.
    X, y = breast_cancer
    _InterruptedAt.fits = 0
    spec = ClassifierSpec("interrupted", _InterruptedAt(max_iter=200), space={})
    search = ImbalancedSearchCV(n_trials=2, cv=3, n_repeats=1, classifiers=[spec],
                                resamplers=["none"], warm_start=False, random_state=0)
    search._final_model = "refit"  # one fit on all rows: the 7th, after 2 trials x 3 folds
    with pytest.raises(KeyboardInterrupt):
        search.fit(X, y)
    assert list(search.cv_results_["state"]) == ["COMPLETE", "COMPLETE"]
    assert len(search.study_.trials) == 2
    for name in ("best_index_", "best_params_", "best_estimator_"):
        assert not hasattr(search, name)
    with pytest.raises(NotFittedError):
        search.predict(X)


def test_timeout_is_honoured(thyroid_mixed, quiet):
    X, y = thyroid_mixed
    start = time.monotonic()
    search = ImbalancedSearchCV(
        n_trials=None, timeout=6, classifiers=["lightgbm", "xgboost", "random_forest"],
        cv=3, random_state=0,
    ).fit(X, y)
    # the search leaves time for the refit: fit as a whole ends near timeout
    assert time.monotonic() - start < 6 + 3
    assert search.search_time_ + search.refit_time_ < 6 + 3
    assert (search.cv_results_["state"] == "COMPLETE").sum() >= 1


def test_forest_trials_score_the_same_with_and_without_a_timeout(
        breast_cancer, quiet, monkeypatch):
    # Under a timeout the forests grow in steps; the trees, hence the scores,
    # are those of one fit. Without one, a forest trial failed (TypeError
    # from the deadline that says None) while the step fitting was new,
    # where the rest of a forest took over the step time (a second: here
    # made shorter to reach that case on a small table).
    import imbtune._deadline

    monkeypatch.setattr(imbtune._deadline, "STEP_SECONDS", 1e-9)
    X, y = breast_cancer
    kwargs = dict(n_trials=4, cv=3, random_state=0, classifiers=["random_forest", "extra_trees"])
    plain = ImbalancedSearchCV(**kwargs).fit(X, y).cv_results_
    timed = ImbalancedSearchCV(**kwargs, timeout=600).fit(X, y).cv_results_
    assert (plain["state"] == "COMPLETE").all() and (timed["state"] == "COMPLETE").all()
    assert set(plain["classifier"]) == {"random_forest", "extra_trees"}
    np.testing.assert_array_equal(plain["mean_test_score"], timed["mean_test_score"])


def test_ensemble_of_trials_when_it_scores_higher(thyroid_mixed, quiet):
    X, y = thyroid_mixed
    X_train, X_test, y_train, y_test = train_test_split_stratified(X, y, random_state=1)
    kwargs = dict(scoring="pr_auc", n_trials=12, cv=3, random_state=0,
                  classifiers=["lightgbm", "extra_trees", "logreg"])
    search = ImbalancedSearchCV(**kwargs).fit(X_train, y_train)
    single = ImbalancedSearchCV(**kwargs, ensemble_size=1).fit(X_train, y_train)
    results = search.cv_results_
    best_trial_score = results["mean_test_score"].max()
    assert single.best_score_ == best_trial_score
    weights = search.ensemble_weights_
    assert sum(weights.values()) == pytest.approx(1.0)
    assert set(weights) <= set(results.loc[results["state"] == "COMPLETE", "trial"])
    if len(weights) > 1:
        ensemble = search.best_estimator_
        assert isinstance(ensemble, ImbalancedEnsemble)
        assert np.mean(ensemble.cv_scores_) == pytest.approx(search.best_score_)
        raw = sum(w * m._raw_proba(X_test) for w, m in
                  zip(ensemble.weights_, ensemble.pipelines_, strict=True))
        np.testing.assert_allclose(ensemble.calibrator_.transform(raw),
                                   search.predict_proba(X_test))
        loaded = pickle.loads(pickle.dumps(search))
        np.testing.assert_array_equal(loaded.predict(X_test), search.predict(X_test))
    else:
        assert search.best_score_ == best_trial_score


def test_ensemble_members_are_trials_whose_refit_fits_the_timeout(
    thyroid_mixed, quiet, monkeypatch
):
    X, y = thyroid_mixed
    kwargs = dict(scoring="pr_auc", n_trials=12, cv=3, random_state=0,
                  classifiers=["lightgbm", "extra_trees", "logreg"])
    free = ImbalancedSearchCV(**kwargs).fit(X, y)
    assert len(free.ensemble_weights_) > 1  # with time to spare, an ensemble wins
    # No time left after the search: the members can only be trials whose
    # fold models the search holds (its four best), which cost no fit.
    with monkeypatch.context() as patch:
        patch.setattr(search_module._Budget, "remaining", lambda self: 0.0)
        hurried = ImbalancedSearchCV(**kwargs).fit(X, y)
    ranked = free.cv_results_.sort_values(["mean_test_score", "trial"],
                                          ascending=[False, True])["trial"]
    assert set(hurried.ensemble_weights_) <= set(ranked[:4])
    assert len(hurried.ensemble_weights_) > 1  # here still an ensemble
    assert hurried.best_params_ == free.best_params_
    # With a refit on all rows and no time left, only the best trial's refit.
    monkeypatch.setattr(ImbalancedSearchCV, "_final_model", "refit")
    monkeypatch.setattr(search_module._Budget, "remaining", lambda self: 0.0)
    hurried = ImbalancedSearchCV(**kwargs).fit(X, y)
    assert isinstance(hurried.best_estimator_, ImbalancedPipeline)
    best = hurried.cv_results_.loc[hurried.best_index_, "trial"]
    assert hurried.ensemble_weights_ == {best: 1.0}
    assert hurried.best_params_ == free.best_params_


def test_restricted_lists_and_user_specs(breast_cancer, quiet):
    X, y = breast_cancer
    knn = ClassifierSpec(
        "knn",
        KNeighborsClassifier(),
        space={"n_neighbors": IntDistribution(3, 25)},
    )
    nearmiss = ResamplerSpec("nearmiss", NearMiss(), space={"n_neighbors": IntDistribution(1, 3)})
    search = ImbalancedSearchCV(
        n_trials=6,
        classifiers=[knn, "logreg"],
        resamplers=[nearmiss, "none"],
        calibrations=["sigmoid"],
        cv=3,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    assert set(results["classifier"]) <= {"knn", "logreg"}
    assert set(results["resampler"]) <= {"nearmiss", "none"}
    assert set(results["calibration"]) == {"sigmoid"}
    knn_rows = results[results["classifier"] == "knn"]
    assert len(knn_rows) and knn_rows["param_knn__n_neighbors"].between(3, 25).all()
    assert (knn_rows["cost_weight"] == 0).all()  # knn cannot be weighted
    assert search.best_score_ > 0.85


def test_user_spec_with_float_space(breast_cancer, quiet):
    from sklearn.linear_model import LogisticRegression

    spec = ClassifierSpec("lr_l1", LogisticRegression(solver="liblinear", penalty="l1"),
                          space={"C": FloatDistribution(0.01, 10, log=True)})
    search = ImbalancedSearchCV(n_trials=3, classifiers=[spec], resamplers=["none"],
                                cv=3, random_state=0).fit(X := breast_cancer[0], breast_cancer[1])
    assert search.best_estimator_.classifier is spec
    assert search.predict(X).shape == (len(X),)


@pytest.mark.parametrize("scoring", ["balanced_accuracy", "gmean", "roc_auc", "f1"])
def test_other_scorings(scoring, breast_cancer, quiet):
    X, y = breast_cancer
    search = ImbalancedSearchCV(scoring=scoring, n_trials=2, **FAST).fit(X, y)
    assert 0.85 < search.best_score_ <= 1


def test_callable_scorer(breast_cancer, quiet):
    from sklearn.metrics import fbeta_score, make_scorer

    def f2(estimator, X, y):
        return fbeta_score(y, estimator.predict(X), beta=2)

    X, y = breast_cancer
    search = ImbalancedSearchCV(scoring=f2, n_trials=2, **FAST).fit(X, y)
    assert 0.85 < search.best_score_ <= 1
    # the same metric from make_scorer is solved on its curve: the same trials,
    # their thresholds chosen over every cut instead of 64
    made = ImbalancedSearchCV(scoring=make_scorer(fbeta_score, beta=2), n_trials=2,
                              **FAST).fit(X, y)
    assert made.best_params_ == search.best_params_
    assert made.best_score_ == pytest.approx(search.best_score_, abs=0.01)
    assert made.score(X, y) == pytest.approx(fbeta_score(y, made.predict(X), beta=2))


def test_a_scorer_sees_the_labels_of_y(quiet):
    from sklearn.metrics import fbeta_score, make_scorer

    X, y = small_imbalanced()
    labels = np.where(y == 1, "fraud", "ok")  # "fraud" sorts first: encoded 0
    f2 = make_scorer(fbeta_score, beta=2, pos_label="fraud")
    search = _search(scoring=f2).fit(X, labels)
    assert search.best_estimator_.pos_label_ == "fraud"
    assert search.pos_label_ == "fraud"  # which class threshold_ is about
    # what the search reports is the scorer's own value on these labels
    assert search.score(X, labels) == pytest.approx(f2(search, X, labels))
    assert search.score(X, labels) == pytest.approx(
        fbeta_score(labels, search.predict(X), beta=2, pos_label="fraud"))
    again = pickle.loads(pickle.dumps(search))  # its metric's curve pickles too
    assert again.score(X, labels) == search.score(X, labels)
    # scikit-learn's "f1" scores the class 1, which string labels do not have
    with pytest.raises(ValueError, match=r"scoring='f1' cannot score the classes of y "
                                         r"\['fraud', 'ok'\].*pos_label='fraud'"):
        _search(scoring="f1").fit(X, labels)


def test_parallel_trials(breast_cancer, quiet, tmp_path):
    X, y = breast_cancer
    search = ImbalancedSearchCV(n_trials=7, n_jobs=2, **FAST).fit(X, y)
    assert (search.cv_results_["state"] == "COMPLETE").sum() == 7
    assert sorted(search.cv_results_["trial"]) == list(range(7))
    assert search.n_trials_ == 7 and len(search.study_.trials) == 7
    assert search.study_.best_value == search.cv_results_["mean_test_score"].max()
    assert search.score(X, y) > 0.9
    pickle.loads(pickle.dumps(search))  # the study is in memory, not in a removed file
    # two worker processes, each drawing its own trials
    spec = _threads_seen_spec(tmp_path)
    search = ImbalancedSearchCV(n_trials=6, n_jobs=2, classifiers=[spec], resamplers=["none"],
                                cv=3, n_repeats=1, warm_start=False, random_state=0).fit(X, y)
    fits = _ThreadsSeen.fits(tmp_path)
    # the trials' fits ran in two other processes, and this one fits nothing:
    # on 569 rows the fold models predict, and each worker sends back those
    # of its best four trials, here all three it ran (one pipeline, or each
    # member when an ensemble wins, which the trials that two workers draw
    # can make happen)
    assert len({fit["pid"] for fit in fits} - {os.getpid()}) == 2
    assert not [fit for fit in fits if fit["pid"] == os.getpid()]
    assert len(search.best_estimator_.predict_proba(X)) == len(y)
    assert search.cv_results_["param_threads_seen__C"].nunique() == 6


def test_parallel_search_honours_timeout(breast_cancer, quiet, monkeypatch):
    monkeypatch.setattr(search_module, "_MIN_PROCESS_SECONDS", 2.0)  # processes at 8 s
    X, y = breast_cancer
    start = time.monotonic()
    search = ImbalancedSearchCV(n_trials=None, timeout=8, n_jobs=2, **FAST).fit(X, y)
    assert time.monotonic() - start < 8 + 3
    assert (search.cv_results_["state"] == "COMPLETE").sum() >= 4


@contextlib.contextmanager
def _optuna_log_lines():
    """The messages Optuna's logger emits inside the block, as a list."""
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger = logging.getLogger("optuna")
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)


@pytest.mark.parametrize("n_trials", [None, 6])
def test_parallel_search_shows_progress(breast_cancer, capsys, n_trials, monkeypatch):
    # Worker processes log nothing themselves: the parent draws the bar
    # (verbose=1) or logs a line per trial in Optuna's words (verbose=2).
    # (Processes, not threads, for a 4 s budget: see _time_for_processes.)
    monkeypatch.setattr(search_module, "_MIN_PROCESS_SECONDS", 2.0)
    X, y = breast_cancer
    timeout = 4 if n_trials is None else None
    with _optuna_log_lines() as lines, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ImbalancedSearchCV(n_trials=n_trials, timeout=timeout, n_jobs=2, verbose=1,
                           **FAST).fit(X, y)
        bar = capsys.readouterr().err
        assert not lines
        ImbalancedSearchCV(n_trials=n_trials, timeout=timeout, n_jobs=2, verbose=2,
                           **FAST).fit(X, y)
    assert not [w for w in caught if "progress bar" in str(w.message)]
    assert "best trial" in bar
    assert ("/4 s" in bar) if n_trials is None else ("6/6" in bar)
    assert any(line.startswith("Trial 0 finished with value") for line in lines)
    assert not any("study created" in line for line in lines)


def test_a_pruned_trial_is_logged_with_its_reason_on_one_thread(breast_cancer):
    # verbose=2 logged "Trial 1 pruned." without the reason on one thread
    # (Optuna's words), where worker processes' trials carried it.
    class PruneAfterFirst(optuna.pruners.BasePruner):
        def prune(self, study, trial):
            return trial.number >= 1

    X, y = breast_cancer
    with _optuna_log_lines() as lines:
        search = ImbalancedSearchCV(n_trials=2, pruner=PruneAfterFirst(), verbose=2,
                                    **FAST).fit(X, y)
    assert list(search.cv_results_["state"]) == ["COMPLETE", "PRUNED"]
    assert "Trial 1 pruned. pruned after fold 1" in lines


def test_median_pruner_stops_weak_trials(breast_cancer, quiet):
    X, y = breast_cancer
    search = ImbalancedSearchCV(
        n_trials=20, pruner="median", classifiers=["logreg", "lightgbm"],
        resamplers=["none"], cv=5, random_state=0, sampler="random", warm_start=False,
    ).fit(X, y)
    states = set(search.cv_results_["state"])
    assert "COMPLETE" in states
    pruned = search.cv_results_[search.cv_results_["state"] == "PRUNED"]
    assert len(pruned) > 0
    assert pruned["note"].str.startswith("pruned after fold").all()
    assert pruned["mean_test_score"].isna().all()  # a pruned trial has no score


def _slow_forest():
    """A real forest big enough to be slow next to logistic regression."""
    from sklearn.ensemble import RandomForestClassifier

    return ClassifierSpec(
        "big_forest", RandomForestClassifier(n_estimators=300, n_jobs=1), weighting=None
    )


def test_max_trial_time_stops_a_slow_trial_after_its_first_fold(breast_cancer, quiet):
    X, y = breast_cancer
    search = ImbalancedSearchCV(
        n_trials=8, max_trial_time=0.3, classifiers=["logreg", _slow_forest()],
        resamplers=["none"], cv=3, n_repeats=1, sampler="random", warm_start=False,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    first_complete = results.index[results["state"] == "COMPLETE"][0]
    later = results.loc[first_complete + 1:]
    slow = later[later["classifier"] == "big_forest"]
    fast = later[later["classifier"] == "logreg"]
    assert len(slow) > 0 and len(fast) > 0
    assert (slow["state"] == "PRUNED").all()
    assert slow["note"].str.match(
        r"stopped after fold 1: on course for [\d.]+ s, over max_trial_time \(0\.3 s\)"
    ).all()
    for number in slow["trial"]:
        assert list(search.study_.trials[number].intermediate_values) == [0]
    assert (fast["state"] == "COMPLETE").all()
    assert results.loc[search.best_index_, "state"] == "COMPLETE"


def test_max_trial_time_never_stops_the_first_result(breast_cancer, quiet):
    X, y = breast_cancer
    search = ImbalancedSearchCV(
        n_trials=3, max_trial_time=0.01, classifiers=[_slow_forest()],
        resamplers=["none"], cv=3, n_repeats=1, warm_start=False, random_state=0,
    ).fit(X, y)
    assert search.cv_results_["state"].tolist() == ["COMPLETE", "PRUNED", "PRUNED"]
    assert search.best_index_ == 0
    assert search.predict(X).shape == y.shape


def test_max_trial_time_auto_limit(breast_cancer, quiet):
    X, y = breast_cancer
    search = ImbalancedSearchCV(n_trials=3, max_trial_time="auto", **FAST).fit(X, y)
    durations = [
        t.duration.total_seconds() for t in search.study_.trials
        if t.state == optuna.trial.TrialState.COMPLETE
    ]
    empty = optuna.create_study(direction="maximize")
    # "auto" limits only a timed search: n_trials alone stays reproducible
    assert search._trial_time_limit(search.study_) is None
    search.set_params(timeout=80)
    assert search._trial_time_limit(search.study_) == max(10.0, 2 * np.median(durations))
    assert search._trial_time_limit(empty) is None  # nothing completed yet
    search.set_params(max_trial_time=3)
    assert search._trial_time_limit(search.study_) == 3.0
    search.set_params(max_trial_time=None)
    assert search._trial_time_limit(search.study_) is None


# ----------------------------------------------------------------- fallbacks


def test_numeric_only_resamplers_are_left_out_on_categorical_data(thyroid_mixed):
    X, y = thyroid_mixed
    with pytest.warns(FallbackWarning,
                      match="'adasyn' interpolates every column.*; it was left out"):
        search = ImbalancedSearchCV(n_trials=2, classifiers=["logreg"], cv=3,
                                    random_state=0).fit(X, y)
    assert "adasyn" not in search.study_.trials[0].distributions["resampler"].choices
    # Asked for by name, it is not left out: the error says to remove it.
    with pytest.raises(ValueError, match=r"'adasyn' interpolates every column.*"
                                         r"categorical columns \(X has 'sex', 'on_thyroxine', "
                                         r"'query_on_thyroxine' and 19 more\)\. Remove 'adasyn' "
                                         r"from resamplers=, or use 'smote'"):
        ImbalancedSearchCV(n_trials=2, resamplers=["none", "adasyn"], cv=3).fit(X, y)


def test_k_neighbors_space_follows_the_smallest_fold():
    X, y = small_imbalanced(n=200, minority=9)
    with pytest.warns(FallbackWarning, match=r"smote: k_neighbors is searched up to 5 "
                                             r"\(not 10\): a training fold has too few rows"):
        search = ImbalancedSearchCV(
            n_trials=6, resamplers=["smote"], classifiers=["logreg"], cv=3,
            random_state=0, warm_start=False,
        ).fit(X, y)
    # 9 minority rows, 3 folds: 6 per training fold, so k <= 5
    assert search.cv_results_["param_smote__k_neighbors"].max() <= 5


def test_k_neighbors_space_follows_the_largest_over_sampled_class():
    # A class of 6 rows (4 per training fold) no longer holds the class of 90
    # to k <= 3: each class is lowered to its own rows.
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1, 2], [300, 90, 6])
    X = pd.DataFrame(rng.normal(size=(len(y), 3)) + y[:, None], columns=["a", "b", "c"])
    with pytest.warns(FallbackWarning, match=r"k_neighbors was lowered, for each class") as record:
        search = ImbalancedSearchCV(
            n_trials=8, resamplers=["smote"], classifiers=["logreg"], cv=3,
            n_repeats=1, random_state=0, warm_start=False,
        ).fit(X, y)
    assert (search.cv_results_["state"] == "COMPLETE").all()
    assert search.cv_results_["param_smote__k_neighbors"].max() > 3
    # once for the search, not once per k it tried
    assert len([w for w in record if "was lowered" in str(w.message)]) == 1


def test_failed_trials_are_recorded_and_warned(breast_cancer):
    class Exploding(KNeighborsClassifier):
        def fit(self, X, y):
            if self.n_neighbors > 10:
                raise RuntimeError(f"cannot fit with {self.n_neighbors} neighbours")
            return super().fit(X, y)

    X, y = breast_cancer
    spec = ClassifierSpec("exploding", Exploding(), space={"n_neighbors": IntDistribution(1, 20)})
    with pytest.warns(TrialFailedWarning, match="trials failed"):
        search = ImbalancedSearchCV(n_trials=8, classifiers=[spec], resamplers=["none"],
                                    cv=3, random_state=0).fit(X, y)
    failed = search.cv_results_[search.cv_results_["state"] == "FAIL"]
    assert len(failed) > 0
    assert failed["error"].str.contains("cannot fit with").all()
    assert failed["mean_test_score"].isna().all()
    assert search.cv_results_.loc[search.best_index_, "state"] == "COMPLETE"


def test_every_trial_failing_raises_with_the_cause(breast_cancer):
    class Broken(KNeighborsClassifier):
        def fit(self, X, y):
            raise RuntimeError("database is down")

    X, y = breast_cancer
    with pytest.raises(SearchFailedError, match="database is down") as info:
        ImbalancedSearchCV(n_trials=3, classifiers=[ClassifierSpec("broken", Broken())],
                           resamplers=["none"], cv=3).fit(X, y)
    assert "parameters {'resampler': 'none', 'classifier': 'broken'}" in str(info.value)


class _GroupRecorder(ClassifierMixin, BaseEstimator):
    """A classifier that notes the group ids (column 0) it was fitted on and
    those it is asked to predict."""

    log = []

    def __init__(self, C=1.0):
        self.C = C

    def fit(self, X, y, sample_weight=None):
        self.fitted_on_ = set(np.asarray(X)[:, 0].tolist())
        self.model_ = LogisticRegression(C=self.C).fit(np.asarray(X)[:, 1:], y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        type(self).log.append((self.fitted_on_, set(np.asarray(X)[:, 0].tolist())))
        return self.model_.predict_proba(np.asarray(X)[:, 1:])


def _patients(n_patients=80, visits=5, seed=0):
    """Visits of patients: features are the patient's profile plus a little
    noise; the label is the patient's and pure noise."""
    rng = np.random.RandomState(seed)
    profile = rng.normal(size=(n_patients, 6))
    labels = (rng.rand(n_patients) < 0.25).astype(int)
    X = pd.DataFrame(np.repeat(profile, visits, axis=0)
                     + 0.05 * rng.normal(size=(n_patients * visits, 6)),
                     columns=[f"f{j}" for j in range(6)])
    return X, np.repeat(labels, visits), np.repeat(np.arange(n_patients), visits)


def test_groups_are_never_scored_by_a_model_fitted_on_them(quiet):
    X, y, groups = _patients()
    X.insert(0, "patient", groups.astype(float))
    spec = ClassifierSpec("recorder", _GroupRecorder(),
                          {"C": FloatDistribution(0.01, 10.0, log=True)}, weighting=None)
    _GroupRecorder.log.clear()
    search = ImbalancedSearchCV(classifiers=[spec], resamplers=["none", "random_under"],
                                n_trials=3, cv=4, random_state=0).fit(X, y, groups=groups)
    assert search.n_repeats_ == 3  # repeated group K-fold on 400 rows
    assert len(_GroupRecorder.log) >= 3 * 12  # every fold of every trial
    for fitted_on, scored in _GroupRecorder.log[: 3 * 12]:
        assert fitted_on.isdisjoint(scored)
        assert len(fitted_on) + len(scored) == 80  # whole patients on either side
    # the refit pipeline rebuilds the very folds from the same groups
    best = search.best_estimator_
    assert isinstance(best.cv, RepeatedStratifiedGroupKFold)
    assert (best.cv.n_splits, best.cv.n_repeats, best.cv.random_state) == (4, 3, 0)
    again = ImbalancedPipeline(**best.get_params()).fit(X, y, groups=groups)
    assert again.cv_scores_ == best.cv_scores_


def test_groups_keep_the_score_honest_on_repeated_measures(quiet):
    # the label is noise per patient: only memorising patients scores well
    X, y, groups = _patients()
    kwargs = dict(scoring="balanced_accuracy", classifiers=["extra_trees"],
                  resamplers=["none"], n_trials=3, n_repeats=1, random_state=0)
    leaky = ImbalancedSearchCV(**kwargs).fit(X, y)
    honest = ImbalancedSearchCV(**kwargs).fit(X, y, groups=groups)
    assert leaky.best_score_ > 0.9  # visits of a patient on both sides of a fold
    assert honest.best_score_ < 0.7  # close to chance, as on new patients
    again = ImbalancedSearchCV(**kwargs).fit(X, y, groups=[f"p{g}" for g in groups])
    assert again.best_score_ == honest.best_score_  # reproducible, any group labels


# ---------------------------------------------------------------- bad input


def _search(**kwargs):
    return ImbalancedSearchCV(**{"n_trials": 2, **FAST, **kwargs})


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda X, y: (X, np.zeros(len(y))), ValueError, "only 1 class"),
        (lambda X, y: (X, np.where(np.arange(len(y)) == 3, np.nan, y)), ValueError,
         "y contains NaN"),
        (lambda X, y: (X.iloc[:-1], y), ValueError, "inconsistent numbers of samples"),
        (lambda X, y: (X, y + np.random.RandomState(0).rand(len(y))), ValueError,
         "Unknown label type"),
        (lambda X, y: (X, np.column_stack([y, 1 - y])), ValueError, "Multilabel and multioutput"),
        (lambda X, y: (X.assign(f0=np.r_[np.inf, X["f0"].to_numpy()[1:]]), y), ValueError,
         "infinity in column 'f0'"),
        (lambda X, y: (sp.csr_matrix(X.to_numpy()), y), TypeError, "sparse"),
        (lambda X, y: (X.assign(when=pd.Timestamp("2024-01-01")), y), TypeError, "Column 'when'"),
        (lambda X, y: (X.iloc[:0], y[:0]), ValueError, "0 sample"),
        (lambda X, y: (X, np.r_[np.zeros(len(y) - 2), np.ones(2)]), InsufficientMinorityError,
         "has 2 row"),
        (lambda X, y: (X.set_axis(["f0"] * X.shape[1], axis=1), y), ValueError,
         r"duplicate column names \['f0'\]"),
        (lambda X, y: (X, np.array([1 if v else "no" for v in y], dtype=object)),
         ValueError, r"y mixes labels of different types \(int, str\).*y.astype\(str\)"),
    ],
    ids=["one-class", "nan-y", "length", "continuous", "multilabel", "inf", "sparse",
         "datetime", "empty", "fewer-minority-than-folds", "duplicate-columns",
         "mixed-label-types"],
)
def test_bad_data(make, error, match):
    X, y = small_imbalanced()
    X_bad, y_bad = make(X, y)
    with pytest.raises(error, match=match):
        _search().fit(X_bad, y_bad)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_timeout_too_short_for_any_trial_says_so(n_jobs):
    X, y = small_imbalanced()
    threads = pytest.warns(FallbackWarning, match="too little to start worker processes")
    search = _search(timeout=1e-6, n_jobs=n_jobs)
    with threads if n_jobs > 1 else contextlib.nullcontext():
        with pytest.raises(SearchFailedError, match=r"No trial finished within timeout"):
            search.fit(X, y)
    # the table of no trial has the columns of any other (its "error" was a KeyError)
    full = _search(n_trials=1).fit(X, y).cv_results_
    empty = search.cv_results_
    assert empty.empty
    assert set(empty.columns) == set(full.columns) - {c for c in full if c.startswith("param_")}


def test_a_pruner_that_prunes_every_trial_is_named_not_the_timeout():
    X, y = small_imbalanced()
    for timeout in (None, 600):  # a timeout it never reached is not the cause either
        with pytest.raises(SearchFailedError, match=r"No trial completed: the pruner "
                           r"\(ThresholdPruner\) pruned all 2 \(the first: pruned after "
                           r"fold 1\)"):
            _search(pruner=optuna.pruners.ThresholdPruner(lower=2.0), timeout=timeout).fit(X, y)


def test_a_scoring_that_gives_nan_fails_its_trials_with_the_cause():
    X, y = small_imbalanced()
    with pytest.raises(SearchFailedError, match=r"the scoring gave nan .*must give a number"):
        _search(scoring=lambda estimator, X, y: float("nan")).fit(X, y)


def test_values_too_large_for_logreg_fail_its_trials_with_the_cause():
    X, y = small_imbalanced()
    X_huge = X * 1e300  # scikit-learn's StandardScaler turns these into NaN
    with pytest.raises(SearchFailedError) as info:
        _search(classifiers=["logreg"]).fit(X_huge, y)
    message = str(info.value)
    assert "Standardising X for logistic regression overflowed" in message
    assert "contains NaN" not in message and ".." not in message
    search = _search(classifiers=["logreg", "lightgbm"], n_trials=4).fit(X_huge, y)
    states = search.cv_results_.groupby("classifier")["state"].agg(set)
    assert states["logreg"] == {"FAIL"} and "COMPLETE" in states["lightgbm"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(scoring="prauc"), "Unknown scoring 'prauc'"),
        (dict(resamplers=["smote", "smoet"]), "Unknown resampler 'smoet'"),
        (dict(classifiers=["lgbm"]), "Unknown classifier 'lgbm'"),
        (dict(calibrations=["platt"]), "calibrations must be"),
        (dict(n_trials=None, timeout=None), "Set n_trials, timeout, or both"),
        (dict(n_trials=0), "n_trials must be a positive int"),
        (dict(timeout=True), "timeout must be a positive number of seconds"),
        (dict(timeout=-1), "timeout must be a positive number of seconds"),
        (dict(sampler="bayes"), "Unknown sampler 'bayes'"),
        (dict(pruner="hyperband"), "Unknown pruner 'hyperband'"),
        (dict(classifiers=[]), "at least one classifier"),
        (dict(cv=1), "cv must be at least 2"),
        (dict(cv=3.0), r"cv must be an int of at least 2.*got 3.0 \(float\)"),
        (dict(cv="3"), r"cv must be an int of at least 2.*got '3' \(str\)"),
        (dict(cv=True), r"cv must be an int of at least 2.*got True \(bool\)"),
        (dict(cv=[(np.arange(150), np.arange(150, 301))] * 2),
         "A validation index of cv is 300, but X has 300 rows"),
        (dict(cv=[(np.ones(60, bool), np.ones(60, bool))] * 2),
         r"A training mask of cv has shape \(60,\), but X has 300 rows"),
        (dict(cv=[(np.arange(300), np.arange(150)), (np.arange(300), np.arange(150, 300))]),
         r"Split 0 of cv has 150 row\(s\) in both its training and its validation part"),
        (dict(n_repeats=0), "n_repeats must be 'auto' or a positive int"),
        (dict(max_trial_time=0), "max_trial_time must be 'auto', a positive number"),
        (dict(max_trial_time="fast"), "max_trial_time must be 'auto', a positive number"),
        (dict(max_trial_time=True), "max_trial_time must be 'auto', a positive number"),
        (dict(n_repeats="many"), "n_repeats must be 'auto' or a positive int"),
        (dict(n_repeats=True), "n_repeats must be 'auto' or a positive int"),
        (dict(pos_label=[1]), r"pos_label must be one class label .*not list; got \[1\]"),
        (dict(select_rounds="yes"), "select_rounds must be True or False"),
        (dict(tie_break="pr_auc"), "tie_break must be True or False"),
        (dict(cost_weighting="yes"), "cost_weighting must be True or False"),
        (dict(warm_start=None), "warm_start must be True or False"),
        (dict(refit="pr_auc"), "refit must be True or False"),
        (dict(n_trials=True), "n_trials must be a positive int"),
        (dict(ensemble_size=0), "ensemble_size must be a positive int"),
        (dict(ensemble_size=2.5), "ensemble_size must be a positive int"),
        (dict(n_jobs=0), "n_jobs must be None, a positive int"),
        (dict(n_jobs="all"), "n_jobs must be None, a positive int"),
        (dict(verbose=-1), "verbose must be 0, 1 or 2"),
        (dict(random_state=-1), r"random_state must be an int between 0 and 2\*\*32 - 1"),
        (dict(random_state=2**40), r"random_state must be an int .*got 1099511627776"),
        (dict(random_state=1.5), r"random_state must be an int .*got 1.5"),
        (dict(random_state="0"), r"random_state must be an int .*got '0'"),
        (dict(cv=StratifiedKFold(3), n_repeats=2), "only applies to an int cv"),
    ],
)
def test_bad_parameters(kwargs, match):
    X, y = small_imbalanced()
    with pytest.raises(ValueError, match=match):
        _search(**kwargs).fit(X, y)


def test_fit_refuses_sample_weight_with_the_reason():
    X, y = small_imbalanced()
    with pytest.raises(TypeError, match="takes no sample_weight.*through cost_weight"):
        _search().fit(X, y, sample_weight=np.ones(len(y)))
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) 'classes'"):
        _search().fit(X, y, classes=[0, 1])


def test_a_training_fold_without_a_class_names_it_as_the_user_wrote_it():
    X, y = small_imbalanced()
    labels = np.where(y == 1, "fraud", "ok")
    zeros = np.flatnonzero(y == 0)[:150]
    rest = np.setdiff1d(np.arange(len(y)), zeros)
    cv = [(zeros, rest), (rest, zeros)]
    with pytest.raises(ValueError, match=r"holds no row of class\(es\) 'fraud'; use a "
                                         r"stratified splitter"):
        _search(cv=cv).fit(X, labels)


def test_random_state_may_be_a_generator():
    X, y = small_imbalanced()
    runs = [_search(random_state=np.random.default_rng(3)).fit(X, y) for _ in range(2)]
    assert runs[0].best_score_ == runs[1].best_score_  # the same draw, the same study


def test_cv_none_is_five_folds_and_boolean_masks_are_rows():
    X, y = small_imbalanced()
    search = _search(cv=None, n_repeats=1).fit(X, y)
    assert sum(c.startswith("split") for c in search.cv_results_.columns) == 5
    even = np.arange(len(y)) % 2 == 0
    masks = [(even, ~even), (~even, even)]
    by_mask = _search(cv=masks).fit(X, y)
    by_index = _search(cv=[(np.flatnonzero(a), np.flatnonzero(b)) for a, b in masks]).fit(X, y)
    assert by_mask.best_score_ == by_index.best_score_


@pytest.mark.parametrize("classifier", sorted(CLASSIFIERS))
def test_every_builtin_classifier_s_model_pickles(classifier, quiet):
    # The fold models of the search become best_estimator_ on small tables;
    # XGBoost's kept its deadline callback, a local class, and did not pickle.
    X, y = small_imbalanced()
    search = _search(classifiers=[classifier], resamplers=["none"], n_trials=1,
                     warm_start=False, ensemble_size=1).fit(X, y)
    loaded = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(loaded.predict_proba(X), search.predict_proba(X))


def test_one_choice_alone_is_a_list_of_one(quiet):
    X, y = small_imbalanced()
    search = _search(classifiers="logreg", resamplers="smote", calibrations="sigmoid",
                     warm_start=False).fit(X, y)
    assert set(search.cv_results_["classifier"]) == {"logreg"}
    assert set(search.cv_results_["resampler"]) == {"smote"}
    assert set(search.cv_results_["calibration"]) == {"sigmoid"}
    alone = _search(classifiers=LogisticRegression(), resamplers="none", n_trials=1).fit(X, y)
    assert set(alone.cv_results_["classifier"]) == {"LogisticRegression"}


def test_pos_label_of_a_multiclass_problem_is_ignored_with_a_warning():
    X, y = small_imbalanced()
    y3 = np.where(np.arange(len(y)) % 7 == 0, 2, y)
    with pytest.warns(UserWarning, match="pos_label=1 is ignored: y has 3 classes"):
        _search(pos_label=1, n_trials=1, classifiers=["logreg"]).fit(X, y3)
    with pytest.raises(ValueError, match="pos_label=9 is not a class of y"):
        _search(pos_label=9, n_trials=1).fit(X, y3)


class _BareSampler:
    """A sampler with fit_resample alone."""

    def fit_resample(self, X, y):
        return X, y


def test_user_specs_are_checked_before_any_trial_runs():
    from sklearn.svm import SVC

    X, y = small_imbalanced()
    cases = [
        (dict(resamplers=[ResamplerSpec("nm", NearMiss()), ResamplerSpec("nm", NearMiss())]),
         ValueError, r"Duplicate resampler name\(s\) \['nm'\]"),
        (dict(resamplers=["smote", "smote"]),  # no word of wrapping a built-in
         ValueError, r"Duplicate resampler name\(s\) \['smote'\]; names must be unique\.$"),
        (dict(classifiers=[make_pipeline(StandardScaler(), LogisticRegression()),
                           make_pipeline(StandardScaler(), KNeighborsClassifier())]),
         ValueError, r"Duplicate classifier name\(s\) \['Pipeline'\]; names must be "
                     r"unique\. An estimator given as it is is named after its class: wrap "
                     r"each in ClassifierSpec\(name, estimator\)"),
        (dict(resamplers=["smote", ResamplerSpec("smote", NearMiss())]),
         ValueError, r"spec is named 'smote', the name of a built-in resampler"),
        (dict(classifiers=[ClassifierSpec("logreg", KNeighborsClassifier())]),
         ValueError, r"spec is named 'logreg', the name of a built-in classifier"),
        (dict(classifiers=[ClassifierSpec(None, LogisticRegression())]),
         TypeError, r"A classifier spec's name must be a non-empty str; got None"),
        (dict(resamplers=[ResamplerSpec(5, NearMiss())]),
         TypeError, r"A resampler spec's name must be a non-empty str; got 5"),
        (dict(classifiers=[ClassifierSpec("x", None)]),
         TypeError, r"Classifier 'x' holds None, not an estimator"),
        (dict(classifiers=[ClassifierSpec("x", LogisticRegression(), weighting="foo")]),
         ValueError, r"Classifier 'x' has weighting='foo'; use one of"),
        (dict(classifiers=[ClassifierSpec("x", KNeighborsClassifier(), weighting="sample_weight")]),
         ValueError, r"KNeighborsClassifier.fit takes no sample_weight; use weighting=None"),
        (dict(classifiers=[ClassifierSpec("x", KNeighborsClassifier(), weighting="class_weight")]),
         ValueError, r"KNeighborsClassifier has no class_weight parameter"),
        (dict(resamplers=[ResamplerSpec("r", LogisticRegression())]),
         TypeError, r"Resampler 'r' holds a LogisticRegression, which has no fit_resample"),
        (dict(classifiers=[LogisticRegression]),
         TypeError, r"classifier LogisticRegression is a class; pass an estimator object "
                    r"such as LogisticRegression\(\)"),
        (dict(resamplers=[NearMiss]),
         TypeError, r"resampler NearMiss is a class; pass a sampler object such as NearMiss\(\)"),
        (dict(sampler=123), ValueError,
         r"sampler must be one of \['tpe', 'random', 'gp', 'cmaes'\] or an "
         r"optuna.samplers.BaseSampler instance; got 123"),
        (dict(sampler=optuna.samplers.TPESampler), ValueError, r"\(an instance: add \(\)\)"),
        (dict(calibrations=None), ValueError, r"calibrations must be a non-empty list.*"
                                              r"\(\['none'\] for no calibration\); got None"),
        (dict(calibrations=5), ValueError, r"calibrations must be a non-empty list.*got 5"),
        (dict(classifiers=[ClassifierSpec("svc", SVC())]), TypeError,
         r"Classifier 'svc' \(SVC\) has no predict_proba"),
        (dict(classifiers=[ClassifierSpec("lr", LogisticRegression(),
                                          space={"c": FloatDistribution(0.1, 1)})]),
         ValueError, r"names parameter\(s\) \['c'\] that LogisticRegression does not have"),
        (dict(classifiers=[ClassifierSpec("lr", LogisticRegression(), space={"C": [0.1, 1]})]),
         TypeError, "maps 'C' to \\[0.1, 1\\], which is not an Optuna distribution"),
        (dict(resamplers=[ResamplerSpec("nm", NearMiss(),
                                        space={"k": IntDistribution(1, 3)})]),
         ValueError, r"names parameter\(s\) \['k'\] that NearMiss does not have"),
        # found by failing every trial
        (dict(resamplers=[ResamplerSpec("bare", _BareSampler(),
                                        space={"k": IntDistribution(1, 3)})]),
         ValueError, r"The space of resampler 'bare' names \['k'\], but its _BareSampler "
                     r"has no get_params/set_params"),
        # one name for both parts handed each the other's parameters
        (dict(resamplers=["none", ResamplerSpec("rf", NearMiss())],
              classifiers=[ClassifierSpec("rf", LogisticRegression())]),
         ValueError, r"\['rf'\] name both a resampler and a classifier; give one of "
                     r"them another name"),
        # imbtune's weights would replace or multiply the user's own
        (dict(classifiers=[ClassifierSpec("x", LogisticRegression(class_weight="balanced"),
                                          weighting="class_weight")]),
         ValueError, r"has weighting='class_weight', but it sets class_weight='balanced'\. "
                     r"Use weighting=None or 'auto'"),
        (dict(classifiers=[ClassifierSpec(
            "x", LogisticRegression(), weighting="class_weight",
            space={"class_weight": CategoricalDistribution([None, "balanced"])})]),
         ValueError, r"but its space searches class_weight"),
        (dict(classifiers=[ClassifierSpec(
            "x", make_imblearn_pipeline(SMOTE(), LogisticRegression()),
            weighting="sample_weight")]),
         ValueError, r"but its pipeline resamples \(step 'smote'\) before the model.*"
                     r"resample with imbtune's resamplers= instead"),
    ]
    for kwargs, error, match in cases:
        search = _search(**kwargs)
        with pytest.raises(error, match=match):
            search.fit(X, y)
        assert not hasattr(search, "study_")  # before any trial


def test_a_classifier_that_weighs_classes_itself_is_left_unweighted():
    # class_weight="balanced" was kept where a trial drew cost_weight 0 and
    # replaced by imbtune's weights elsewhere (a searched class_weight was
    # reported in cv_results_ but not fitted); in a pipeline imbtune's
    # sample weights multiplied it; an imblearn pipeline that resamples
    # failed every trial (weights for the rows before its resampling).
    X, y = small_imbalanced()
    cases = {
        "preset": LogisticRegression(class_weight="balanced"),
        "in_pipeline": make_pipeline(StandardScaler(),
                                     LogisticRegression(class_weight={0: 1, 1: 5})),
        "resamples": make_imblearn_pipeline(SMOTE(k_neighbors=3), LogisticRegression()),
    }
    for name, template in cases.items():
        with pytest.warns(FallbackWarning, match=rf"Classifier '{name}': cost_weight is "
                                                 r"not searched for it, as"):
            search = _search(classifiers=[ClassifierSpec(name, template)],
                             resamplers=["none"], n_trials=3).fit(X, y)
        assert (search.cv_results_["state"] == "COMPLETE").all()
        assert "cost_weight" not in search.best_params_
        model = search.best_estimator_.fold_models_[0][1]
        final = model.steps[-1][1] if hasattr(model, "steps") else model
        own = template.steps[-1][1] if hasattr(template, "steps") else template
        assert final.class_weight == own.class_weight  # as the user set it
    searched = ClassifierSpec(
        "searched", LogisticRegression(),
        space={"class_weight": CategoricalDistribution([None, "balanced"])})
    with pytest.warns(FallbackWarning, match="its space searches class_weight"):
        search = _search(classifiers=[searched], resamplers=["none"], n_trials=4).fit(X, y)
    assert "cost_weight" not in search.best_params_
    fitted = search.best_estimator_.fold_models_[0][1]
    assert fitted.class_weight == search.best_params_["searched__class_weight"]
    # a plain estimator is still weighted
    plain = ClassifierSpec("plain", LogisticRegression())
    assert plain.weighting_method() == "class_weight" and plain.own_weighting() is None


def test_a_spec_subclass_that_builds_its_own_estimator_is_taken(quiet):
    # as the built-ins do (estimator None, build overridden); refused by the
    # check of a spec's estimator for a while
    class MyLogreg(ClassifierSpec):
        def __init__(self):
            super().__init__("my_logreg", None, {"C": FloatDistribution(0.1, 10, log=True)},
                             weighting="class_weight")

        def build(self, params, ctx):
            return LogisticRegression(max_iter=500, class_weight=ctx.class_weight,
                                      **params), {}

        def needs_finite(self):
            return True

    X, y = small_imbalanced()
    search = _search(classifiers=[MyLogreg()], resamplers=["none"]).fit(X, y)
    assert (search.cv_results_["state"] == "COMPLETE").all()
    assert _search(sampler=None).fit(X, y).best_score_ > 0  # None: Optuna's default


def test_a_resampler_that_changes_the_columns_is_named():
    class DropsAColumn:
        def fit_resample(self, X, y):
            return X[:, 1:], y

    X, y = small_imbalanced()
    with pytest.raises(SearchFailedError, match=r"Resampler 'DropsAColumn' returned X of shape "
                                                r"\(\d+, 3\).*never columns"):
        _search(resamplers=[DropsAColumn()], warm_start=False).fit(X, y)


def test_a_binary_scorer_on_multiclass_y_points_to_multiclass_scores():
    X, y = small_imbalanced()
    y3 = np.where(np.arange(len(y)) % 7 == 0, 2, y)
    with pytest.raises(ValueError, match=r"y has 3 classes: use a multiclass score such as "
                                         r"'macro_f1'.*'f1_macro'"):
        _search(scoring="f1").fit(X, y3)


def test_a_generator_cv_still_refits_the_best_pipeline():
    from sklearn.base import clone

    X, y = small_imbalanced()
    splits = StratifiedKFold(3, shuffle=True, random_state=0).split(X, y)
    search = _search(cv=splits).fit(X, y)  # the generator is used up here
    refitted = clone(search.best_estimator_).fit(X, y)
    assert refitted.predict_proba(X).shape == (len(y), 2)


@pytest.mark.skipif(importlib.util.find_spec("cmaes") is not None,
                    reason="the cmaes package is installed here")
def test_a_sampler_whose_package_is_missing_says_what_to_install():
    # Optuna's CmaEsSampler imports cmaes only when it samples: without this
    # check every trial but the first failed with an empty error column.
    X, y = small_imbalanced()
    with pytest.raises(ImportError, match=r"sampler='cmaes' needs cmaes.*pip install cmaes"):
        _search(sampler="cmaes").fit(X, y)


class _BrokenSampler(optuna.samplers.RandomSampler):
    def sample_independent(self, study, trial, param_name, param_distribution):
        if trial.number >= 1:
            raise RuntimeError("the sampler broke")
        return super().sample_independent(study, trial, param_name, param_distribution)


def test_a_failure_while_drawing_parameters_is_recorded(breast_cancer):
    X, y = breast_cancer
    with pytest.warns(TrialFailedWarning, match="2 of 3 trials failed"):
        search = ImbalancedSearchCV(n_trials=3, sampler=_BrokenSampler(seed=0),
                                    warm_start=False, **FAST).fit(X, y)
    failed = search.cv_results_[search.cv_results_["state"] == "FAIL"]
    assert list(failed["error"]) == [
        "RuntimeError: the sampler broke (drawing the parameters)"
    ] * 2


def test_unfitted_and_no_refit(breast_cancer, quiet):
    X, y = breast_cancer
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        _search().predict(X)
    search = _search(refit=False).fit(X, y)
    assert not hasattr(search, "best_estimator_")
    assert not hasattr(search, "predict")
    assert search.best_params_
    with pytest.raises(AttributeError, match=r"which was not built \(refit=False"):
        search.threshold_


class _FailsOnAllRows(ClassifierMixin, BaseEstimator):
    """Fits a fold (200 of 300 rows), not the whole table."""

    def __init__(self, C=1.0):
        self.C = C

    def fit(self, X, y):
        if len(X) > 250:
            raise MemoryError("the whole table does not fit")
        self.model_ = LogisticRegression(C=self.C).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


def test_a_failed_refit_keeps_the_search_and_says_so(monkeypatch, quiet):
    monkeypatch.setattr(ImbalancedSearchCV, "_final_model", "refit")
    X, y = small_imbalanced()
    search = _search(classifiers=[ClassifierSpec("big", _FailsOnAllRows(), weighting=None)],
                     resamplers=["none"], cost_weighting=False, ensemble_size=1)
    with pytest.raises(SearchFailedError, match=r"building best_estimator_ from trial \d+ "
                       r"\(.*\) failed: MemoryError: the whole table does not fit\. Nothing"
                       ) as info:
        search.fit(X, y)
    assert isinstance(info.value.__cause__, MemoryError)
    # the trials are kept, and the search says it has no model, as refit=False
    assert len(search.cv_results_) == 2 and search.best_params_
    assert not hasattr(search, "predict") and not hasattr(search, "predict_proba")
    with pytest.raises(AttributeError, match="or a refit that failed"):
        search.threshold_


def test_a_new_fit_never_leaves_an_earlier_model_behind(quiet):
    X, y = small_imbalanced()
    search = _search().fit(X, y)
    assert hasattr(search, "best_estimator_")
    search.set_params(refit=False).fit(X, np.where(y == 1, "fraud", "ok"))
    assert not hasattr(search, "best_estimator_") and not hasattr(search, "refit_time_")
    assert list(search.classes_) == ["fraud", "ok"]
    search.set_params(refit=True).fit(X, y)
    with pytest.raises(SearchFailedError):  # a fit that fails leaves nothing to use
        search.set_params(scoring=lambda estimator, X, y: float("nan")).fit(X, y)
    with pytest.raises(NotFittedError):
        search.predict(X)
    assert not hasattr(search, "best_params_")


def test_no_warnings_on_a_clean_numeric_search(breast_cancer):
    X, y = breast_cancer
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _search(resamplers=["none", "random_over", "smote"]).fit(X, y)


def test_refit_time_is_estimated_from_the_rows_the_fold_fits_saw():
    """A refit fits once on all rows; the fold fits of a trial saw K - 1 times
    as many rows per repetition of the K-fold."""
    y = np.r_[np.zeros(80, int), np.ones(20, int)]
    X = pd.DataFrame({"a": np.arange(100.0)})
    once = search_module.make_folds(5, X, y, np.array([0, 1]), seed=0, n_repeats=1)
    thrice = search_module.make_folds(5, X, y, np.array([0, 1]), seed=0, n_repeats=3)
    # 5 fold fits of 80 rows (4 x the rows) took 4 s: a refit takes about 1 s
    assert search_module._Budget(None, once, 100).refit_estimate(4.0) == pytest.approx(1.3)
    # 15 fold fits of 80 rows (12 x the rows) took 12 s: again about 1 s
    assert search_module._Budget(None, thrice, 100).refit_estimate(12.0) == pytest.approx(1.3)


def test_a_resampler_left_out_for_categorical_columns_names_them():
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"x": rng.normal(size=120), "city": rng.choice(["a", "b"], 120),
                      "plan": rng.choice(["p", "q"], 120)})
    y = (X["x"] > 0.9).astype(int)
    named = r"'adasyn' interpolates every column and cannot handle categorical columns " \
            r"\(X has 'city', 'plan'\)"
    with pytest.warns(FallbackWarning, match=named + "; it was left out"):
        ImbalancedSearchCV(n_trials=2, classifiers=["logreg"], cv=3, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=named + r"\. Remove 'adasyn' from resamplers="):
        ImbalancedSearchCV(n_trials=2, resamplers=["none", "adasyn"], classifiers=["logreg"],
                           cv=3, random_state=0).fit(X, y)


def test_a_voting_classifier_takes_cost_weights_as_sample_weight_when_told(quiet):
    # VotingClassifier.fit(X, y, **fit_params) passes sample_weight on, but
    # weighting="sample_weight" was refused ("takes no sample_weight").
    from sklearn.ensemble import VotingClassifier
    from sklearn.tree import DecisionTreeClassifier

    X, y = small_imbalanced()
    vote = VotingClassifier([("lr", LogisticRegression()),
                             ("tree", DecisionTreeClassifier(max_depth=3))], voting="soft")
    search = _search(classifiers=[ClassifierSpec("vote", vote, weighting="sample_weight")],
                     resamplers=["none"], n_trials=3).fit(X, y)
    assert (search.cv_results_["state"] == "COMPLETE").all()
    assert "cost_weight" in search.best_params_
    # auto does not guess from **kwargs: searched without the cost weight
    assert ClassifierSpec("vote", vote).weighting_method() is None
