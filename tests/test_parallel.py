"""imbtune.parallel: trials in worker processes sharing one journal storage."""

import contextlib
import os
import pickle
import signal
import threading
import time
from pathlib import Path

import numpy as np
import optuna
import pytest
from optuna.distributions import FloatDistribution
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

import imbtune.search as search_module
from imbtune import ClassifierSpec, FallbackWarning, ImbalancedSearchCV, TrialFailedWarning
from imbtune.parallel import run_in_processes, trial_shares, unpicklable, worker_seed


def test_trial_shares_split_n_trials_exactly():
    assert trial_shares(7, 2) == [4, 3]
    assert trial_shares(6, 3) == [2, 2, 2]
    assert trial_shares(2, 4) == [1, 1]  # no idle workers
    assert trial_shares(None, 3) == [None, None, None]
    for n in range(1, 30):
        for k in range(1, 9):
            assert sum(trial_shares(n, k)) == n


def test_unpicklable_says_why():
    assert unpicklable([1, 2], {"a": lambda x: x}) is None  # cloudpickle takes lambdas
    assert unpicklable(threading.Lock()).startswith("TypeError: cannot pickle")


def test_stopping_the_workers_drops_a_lock_they_left(tmp_path):
    # A worker killed while it held the journal's lock leaves <journal>.lock;
    # Optuna would wait 30 s before taking it.
    from joblib.externals.loky import get_reusable_executor

    from imbtune.parallel import _journal, _stop_workers

    path = str(tmp_path / "journal.log")
    storage = _journal(path)
    os.symlink(path, path + ".lock")  # as Optuna's lock makes it
    executor = get_reusable_executor(max_workers=1)
    assert executor.submit(os.getpid).result() != os.getpid()
    _stop_workers(executor, path)
    assert not os.path.lexists(path + ".lock")
    start = time.monotonic()
    optuna.create_study(storage=storage)  # writes at once
    assert time.monotonic() - start < 5


def _journal_with_a_cut_line(path):
    from imbtune.parallel import _journal

    study = optuna.create_study(storage=_journal(path), study_name="s")
    study.add_trial(optuna.trial.create_trial(value=1.0))
    with open(path, "ab") as f:  # a worker killed in the middle of a write
        f.write(b'{"op_code": 6, "worker_id": "w", "trial_id": 0, "st')


def test_a_line_cut_by_a_killed_worker_is_dropped(tmp_path):
    from imbtune.parallel import _drop_cut_line, _journal

    def write_then_read(path):
        study = optuna.load_study(storage=_journal(path), study_name="s")
        study.add_trial(optuna.trial.create_trial(value=2.0))
        return [t.value for t in optuna.load_study(
            storage=_journal(path), study_name="s").trials]

    cut = str(tmp_path / "cut.log")
    _journal_with_a_cut_line(cut)
    with pytest.raises(Exception):  # noqa: B017 (Optuna fails one way or another)
        write_then_read(cut)

    path = str(tmp_path / "journal.log")
    _journal_with_a_cut_line(path)
    size = os.path.getsize(path)
    _drop_cut_line(path)
    assert os.path.getsize(path) < size
    with open(path, "rb") as f:
        assert f.read().endswith(b"\n")
    assert write_then_read(path) == [1.0, 2.0]
    size = os.path.getsize(path)
    _drop_cut_line(path)  # a whole journal is left as it is
    assert os.path.getsize(path) == size
    _drop_cut_line(str(tmp_path / "missing.log"))  # and a missing one


def test_worker_seeds_differ_and_repeat():
    seeds = [worker_seed(0, w) for w in range(8)]
    assert seeds[0] == 0 and len(set(seeds)) == 8
    assert seeds == [worker_seed(0, w) for w in range(8)]
    assert all(0 <= s < 2**31 for s in seeds)


class _DiesOnce(ClassifierMixin, BaseEstimator):
    """Logistic regression whose process dies (as if killed for memory) at the
    ``die_at``-th fit counted over all processes, once: fits are counted as
    files in ``log_dir``."""

    def __init__(self, log_dir=None, die_at=8, C=1.0):
        self.log_dir = log_dir
        self.die_at = die_at
        self.C = C

    def fit(self, X, y):
        log = Path(self.log_dir)
        (log / f"fit-{os.getpid()}-{len(list(log.iterdir()))}-{np.random.rand()}").touch()
        fits = len(list(log.glob("fit-*")))
        marker = log / "died"
        if fits >= self.die_at and not marker.exists():
            marker.touch()
            os._exit(1)
        self.model_ = LogisticRegression(C=self.C, max_iter=200).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


def test_a_trial_stopped_before_it_drew_its_parameters_is_not_retried():
    # loky stops every worker when one dies: a trial another worker had just
    # started, its parameters not drawn yet, was "retried" as an empty
    # configuration, i.e. a fresh draw labelled as a retry of it.
    from imbtune.parallel import DRAWN, _fail_orphans, _retry, _warn_lost

    study = optuna.create_study(direction="maximize")
    drawn = study.ask()
    drawn.suggest_float("C", 0.1, 10.0)
    drawn.set_user_attr(DRAWN, True)
    undrawn = study.ask()  # created, then its worker was stopped
    assert _fail_orphans(study, "killed") == [0, 1]
    _retry(study, [0, 1])
    trials = study.get_trials()
    assert [t.state.name for t in trials] == ["FAIL", "FAIL", "WAITING"]
    assert trials[0].user_attrs["error"] == "its worker process stopped (killed)"
    assert trials[1].user_attrs["error"] == (
        "its worker process stopped (killed) before the trial had drawn its parameters")
    assert trials[2].system_attrs["fixed_params"] == drawn.params
    assert trials[2].user_attrs["retry_of"] == 0
    assert undrawn.number == 1
    with pytest.warns(TrialFailedWarning, match=r"The trials they were running \(0, 1\) "
                      r"are marked failed; new workers went on with the rest of the budget, "
                      r"running those that had drawn their parameters \(0\) once more first"):
        _warn_lost(study, ["killed"], [0, 1], restarts=1)


def test_a_dead_worker_loses_only_its_running_trial_and_the_search_goes_on(
    breast_cancer, quiet, tmp_path, monkeypatch
):
    X, y = breast_cancer
    returned = []  # what run_in_processes gives the search

    def recorded(*args, **kwargs):
        result = run_in_processes(*args, **kwargs)
        returned.append(result)
        return result

    monkeypatch.setattr(search_module, "run_in_processes", recorded)
    spec = ClassifierSpec("dies_once", _DiesOnce(log_dir=str(tmp_path)),
                          space={"C": FloatDistribution(0.1, 10, log=True)}, weighting=None)
    with pytest.warns(TrialFailedWarning, match="Worker processes of the search stopped early"):
        search = ImbalancedSearchCV(
            n_trials=20, n_jobs=2, classifiers=[spec], resamplers=["none"], cv=3,
            n_repeats=1, warm_start=False, ensemble_size=1, random_state=0,
            tie_break=False,  # the best trial is then the one of best score
        ).fit(X, y)
    assert (tmp_path / "died").exists()
    states = search.cv_results_["state"]
    orphans = search.cv_results_[states == "FAIL"]
    assert 1 <= len(orphans) <= 2  # loky stops both workers when one dies
    assert orphans["error"].str.startswith("its worker process stopped").all()
    # new workers went on: the search completed its 20 trials, the orphans
    # spent none of them and were each run once more, first
    assert (states == "COMPLETE").sum() == 20 and "RUNNING" not in set(states)
    assert len(states) == 20 + len(orphans)
    for number in orphans["trial"]:
        retry = search.cv_results_[
            search.cv_results_["note"] == f"a retry of trial {number}, whose worker "
                                          "process stopped"
        ]
        params = orphans.loc[orphans["trial"] == number, "params"].item()
        if not params:  # the other worker, stopped before it drew its trial's
            assert len(retry) == 0  # nothing to retry (see the next test)
            continue
        assert len(retry) == 1 and retry["state"].item() == "COMPLETE"
        assert retry["params"].item() == params
    # the out-of-fold probabilities of every finished trial reach the
    # ensemble and tie_break, those of the stopped workers' trials included
    # (20 trials: all among the 20 best); each one as the trial computed it
    (_, entries, _, _), = returned
    complete = search.cv_results_.loc[states == "COMPLETE", "trial"]
    assert sorted(e[2] for e in entries) == sorted(complete)
    assert all(e[0] == search.study_.trials[e[2]].value for e in entries)
    # trials numbered after the orphans ran in the new workers
    assert search.cv_results_.loc[states == "COMPLETE", "trial"].max() > orphans["trial"].max()
    # the refit works from the finished trials (their OOF probabilities are
    # recomputed where the dead worker held them)
    assert search.best_score_ == pytest.approx(
        search.cv_results_.loc[states == "COMPLETE", "mean_test_score"].max()
    )
    assert search.score(X, y) > 0.9
    # the next parallel search gets fresh workers
    again = ImbalancedSearchCV(n_trials=4, n_jobs=2, classifiers=["logreg"],
                               resamplers=["none"], cv=3, random_state=0).fit(X, y)
    assert (again.cv_results_["state"] == "COMPLETE").sum() == 4


def _seconds_to_ctrl_c(search, X, y, after):
    """Fit ``search`` with a Ctrl-C (SIGINT) sent ``after`` seconds; the
    seconds until fit raised KeyboardInterrupt."""
    timer = threading.Timer(after, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            search.fit(X, y)
    finally:
        timer.cancel()
    return time.monotonic() - start


def test_an_interrupted_parallel_search_keeps_its_finished_trials(breast_cancer, quiet):
    # Ctrl-C in the parent: the workers are stopped, the trials they were
    # running marked failed, and study_ / cv_results_ hold the rest.
    X, y = breast_cancer
    search = ImbalancedSearchCV(n_trials=None, timeout=60, n_jobs=2, classifiers=["logreg"],
                                resamplers=["none", "smote"], cv=3, random_state=0)
    assert _seconds_to_ctrl_c(search, X, y, after=8.0) < 20  # not the 60 s budget
    states = search.cv_results_["state"]
    assert (states == "COMPLETE").sum() >= 2
    assert "RUNNING" not in set(states)
    failed = search.cv_results_[states == "FAIL"]
    assert failed["error"].str.contains("the search was interrupted").all()
    assert len(search.study_.trials) == len(states)
    with pytest.raises(NotFittedError):
        search.predict(X)
    # the workers were stopped: a new parallel search starts cleanly
    again = ImbalancedSearchCV(n_trials=4, n_jobs=2, classifiers=["logreg"],
                               resamplers=["none"], cv=3, random_state=0).fit(X, y)
    assert (again.cv_results_["state"] == "COMPLETE").sum() == 4


class _SamplerBreaksAfterTrial3(optuna.samplers.RandomSampler):
    """Fails outside any trial (Optuna calls after_trial once a trial is
    recorded), as a custom sampler or a storage can."""

    def after_trial(self, study, trial, state, values):
        if trial.number >= 3:
            raise RuntimeError("after_trial broke")


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_an_error_outside_the_trials_is_raised_and_keeps_the_finished_ones(
    breast_cancer, n_jobs
):
    # With n_jobs=2 it was taken for a dead worker: retried twice and warned
    # about as "stopped early"; with n_jobs=1 the finished trials were lost.
    X, y = breast_cancer
    search = ImbalancedSearchCV(n_trials=8, n_jobs=n_jobs,
                                sampler=_SamplerBreaksAfterTrial3(seed=0), warm_start=False,
                                classifiers=["logreg"], resamplers=["none"], cv=3,
                                random_state=0)
    with pytest.raises(RuntimeError, match="after_trial broke"):
        search.fit(X, y)
    assert (search.cv_results_["state"] == "COMPLETE").sum() >= 4
    with pytest.raises(NotFittedError):
        search.predict(X)


class _NoPickle(LogisticRegression):
    """A model that can be neither pickled nor deep-copied (it holds, say, a
    live connection); scikit-learn's clone still makes a new one from its
    parameters, and that is all imbtune asks of a spec's template."""

    def __getstate__(self):
        raise TypeError("cannot pickle this model")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_an_unpicklable_search_runs_its_trials_in_threads(breast_cancer):
    X, y = breast_cancer
    spec = ClassifierSpec("no_pickle", _NoPickle(max_iter=200),
                          space={"C": FloatDistribution(0.1, 10, log=True)})
    search = ImbalancedSearchCV(n_trials=4, n_jobs=2, classifiers=[spec], resamplers=["none"],
                                cv=3, random_state=0)
    with pytest.warns(FallbackWarning, match=r"do not: classifiers: ClassifierSpec\('no_pickle'\) "
                      r"\(TypeError: cannot pickle this model\).*in 2 threads instead"):
        search.fit(X, y)
    assert (search.cv_results_["state"] == "COMPLETE").sum() == 4


def test_workers_get_the_parameters_not_an_earlier_fit(breast_cancer, quiet, monkeypatch):
    # A refit must not ship the previous study and models to every worker.
    import imbtune.search as search_module

    sent = []
    real = search_module.run_in_processes

    def recording(search, *args, **kwargs):
        sent.append(search)
        return real(search, *args, **kwargs)

    monkeypatch.setattr(search_module, "run_in_processes", recording)
    X, y = breast_cancer
    search = ImbalancedSearchCV(n_trials=4, n_jobs=2, classifiers=["logreg"],
                                resamplers=["none"], cv=3, random_state=0)
    search.fit(X, y).fit(X, y)
    assert len(sent) == 2
    for worker_search in sent:  # cv aside: the folds travel on their own
        assert worker_search.get_params() == {**search.get_params(), "cv": None}
        assert not [k for k in vars(worker_search) if k.endswith("_")]
    assert hasattr(search, "best_estimator_")


def test_a_workers_spilled_entries_survive_a_cut_record_and_compaction(tmp_path):
    # What a worker writes of its best trials' OOFs, read back by the parent
    # after the worker died: whole records only, and the file stays small.
    from imbtune.parallel import _read_spill, _spill_to
    from imbtune.search import _TopTrials

    top = _TopTrials(size=3)
    path = str(tmp_path / "journal.log.top-0")
    spill = _spill_to(path, top)
    for number in range(40):  # each trial better than the last
        top.offer(number, number / 40, np.full(5, number), 1.0, family="logreg")
        spill(None, None)
        on_disk = _read_spill(path)
        assert {e[2] for e in top.candidates()} <= {e[2] for e in on_disk}
        assert len(_records(path)) <= 3 + 10  # rewritten past 10 stale records
    assert [e[2] for e in on_disk[-3:]] == [37, 38, 39]
    np.testing.assert_array_equal(on_disk[-1][3], np.full(5, 39))
    with open(path, "ab") as f:  # a record the worker's death cut short
        f.write(b"\x80\x05\x95\xff\x00\x00")
    assert [e[2] for e in _read_spill(path)] == [e[2] for e in on_disk]
    assert _read_spill(str(tmp_path / "never-written")) == []
    with open(path, "wb") as f:  # a record written twice (a retried write)
        for entry in (on_disk[0], on_disk[0], on_disk[1]):
            pickle.dump(entry, f)
    assert [e[2] for e in _read_spill(path)] == [on_disk[0][2], on_disk[1][2]]


def _records(path):
    records = []
    with open(path, "rb") as f:
        while True:
            try:
                records.append(pickle.load(f))
            except EOFError:
                return records


def test_warnings_of_the_workers_follow_the_user_s_filters(breast_cancer, capfd):
    # They were printed by the worker processes, past any filter or record.
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    X, y = breast_cancer
    kwargs = dict(n_trials=4, n_jobs=2, cv=3, n_repeats=1, random_state=0, warm_start=False,
                  resamplers=["none"], classifiers=[LogisticRegression(max_iter=1)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ImbalancedSearchCV(**kwargs).fit(X, y)
    converged = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(converged) == 1  # once, however many folds and workers raised it
    capfd.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ImbalancedSearchCV(**kwargs).fit(X, y)
    assert "ConvergenceWarning" not in capfd.readouterr().err


def test_a_search_the_workers_cannot_load_says_so(breast_cancer, tmp_path, quiet,
                                                   monkeypatch):
    # A classifier from a module loaded by file path pickles by reference, but
    # the workers cannot import it: this was reported as workers that died
    # (out of memory?), twice, then as a timeout.
    import importlib.util
    import sys

    (tmp_path / "plugin_clf.py").write_text(
        "from sklearn.linear_model import LogisticRegression\n"
        "class PluginClassifier(LogisticRegression):\n"
        "    pass\n"
    )
    spec = importlib.util.spec_from_file_location("plugin_clf", tmp_path / "plugin_clf.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "plugin_clf", module)  # as importlib's users do
    spec.loader.exec_module(module)
    X, y = breast_cancer
    search = ImbalancedSearchCV(n_trials=4, n_jobs=2, cv=3, random_state=0,
                                classifiers=[module.PluginClassifier(max_iter=300)],
                                resamplers=["none"])
    with pytest.raises(search_module.SearchFailedError,
                       match=r"could not load the search \(ModuleNotFoundError: No module "
                             r"named 'plugin_clf'\).*or use n_jobs=1"):
        search.fit(X, y)


class _LocksWhenFitted(ClassifierMixin, BaseEstimator):
    """Pickles unfitted, not fitted (it keeps a lock)."""

    def fit(self, X, y):
        self.lock_ = threading.Lock()
        self.model_ = LogisticRegression(max_iter=300).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


def test_fold_models_that_do_not_pickle_stay_in_the_worker(breast_cancer, quiet):
    # They crashed the search after its trials ("cannot pickle '_thread.lock'").
    X, y = breast_cancer
    search = ImbalancedSearchCV(n_trials=4, n_jobs=2, cv=3, random_state=0, warm_start=False,
                                classifiers=[ClassifierSpec("locks", _LocksWhenFitted(),
                                                            weighting=None)],
                                resamplers=["none"]).fit(X, y)
    assert (search.cv_results_["state"] == "COMPLETE").all()
    assert search.score(X, y) > 0.9


def test_a_cv_of_split_generators_still_runs_in_processes(breast_cancer, quiet):
    import warnings

    from sklearn.model_selection import StratifiedKFold

    X, y = breast_cancer
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)  # no fallback to threads
        search = ImbalancedSearchCV(n_trials=4, n_jobs=2, random_state=0,
                                    classifiers=["logreg"], resamplers=["none"],
                                    cv=StratifiedKFold(3).split(X, y)).fit(X, y)
    assert (search.cv_results_["state"] == "COMPLETE").all()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_workers_stop_when_the_parent_process_is_killed(tmp_path):
    # Orphaned workers ran their trials on for nobody, then blocked for good,
    # and the study's temporary folder stayed behind.
    import subprocess
    import sys

    script = tmp_path / "parent.py"
    script.write_text(
        "from sklearn.datasets import load_breast_cancer\n"
        "from imbtune import ImbalancedSearchCV\n"
        "X, y = load_breast_cancer(return_X_y=True)\n"
        "ImbalancedSearchCV(n_trials=None, timeout=300, n_jobs=2, cv=3,\n"
        "                   classifiers=['random_forest']).fit(X, y)\n"
    )
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    parent = subprocess.Popen([sys.executable, str(script)],
                              env={**os.environ, "TMPDIR": str(tmp)})

    def stat(pid):
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None

    def workers():  # loky's worker processes of the search
        out = []
        for path in Path("/proc").glob("[0-9]*/stat"):
            fields = stat(path.parent.name)
            if fields is None or int(fields[1]) != parent.pid:
                continue
            try:
                cmdline = (path.parent / "cmdline").read_bytes()
            except OSError:
                continue
            if b"LokyProcess" in cmdline:
                out.append(int(path.parent.name))
        return out

    def alive(pid):
        fields = stat(pid)
        return fields is not None and fields[0] != "Z"

    pids, busy = [], []
    try:
        # Both workers run their share once each has spilled a finished
        # trial (a worker killed before it got its share waits, idle, for
        # loky's own timeout).
        deadline = time.monotonic() + 120
        while (len(list(tmp.glob("imbtune-study-*/journal.log.top-*"))) < 2
               and time.monotonic() < deadline):
            time.sleep(0.5)
        busy = pids = workers()
        assert len(busy) == 2, "the workers of the search did not start their trials"
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in busy) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not [pid for pid in busy if alive(pid)], "workers outlived their parent"
        time.sleep(1.0)
        assert not list(tmp.iterdir()), "the study's temporary folder outlived the search"
    finally:
        if parent.poll() is None:
            parent.kill()
        for pid in pids:  # never leave them running (idle ones wait out loky's timeout)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_a_timeout_too_short_to_start_workers_runs_the_trials_in_threads(breast_cancer):
    # Worker processes need seconds to start: with timeout=2 and n_jobs=2 no
    # trial ran ("No trial finished within timeout=2 s (0 started)", at once).
    X, y = breast_cancer
    with pytest.warns(FallbackWarning, match=r"too little to start worker processes.*"
                                             r"run in 2 threads"):
        search = ImbalancedSearchCV(n_trials=None, timeout=3, n_jobs=2, cv=3, random_state=0,
                                    classifiers=["logreg"], resamplers=["none"]).fit(X, y)
    assert (search.cv_results_["state"] == "COMPLETE").sum() >= 2


@pytest.mark.parametrize("n_trials", [3, None])
def test_the_progress_bar_is_redrawn_when_something_changed(n_trials, capsys):
    # Polled every 0.5 s, the bar was redrawn each time: about 7,200 lines an
    # hour in a log file. Now when a trial ends, and every few seconds between.
    from imbtune.parallel import _Progress

    study = optuna.create_study(direction="maximize")
    progress = _Progress(True, False, n_trials, timeout=60)
    draws = []
    progress.bar.refresh = lambda: draws.append(progress.bar.n)
    for _ in range(5):
        progress.update(study)
    assert draws == []
    study.add_trial(optuna.trial.create_trial(value=0.5))
    progress.update(study)
    progress.update(study)
    assert len(draws) == 1
    progress.drawn -= 10  # seconds later, with no trial ended
    progress.update(study)
    assert len(draws) == 2
    progress.close()


def test_ctrl_c_stops_trials_running_in_threads(breast_cancer, quiet):
    # In threads (the fallback), Ctrl-C reached the main thread alone, where
    # Optuna waited for the running trials to end: 10 s and more, and they
    # were left RUNNING after a second Ctrl-C. Now they stop at their next
    # check (here between folds) and are recorded as failed.
    from sklearn.ensemble import GradientBoostingClassifier

    X, y = breast_cancer
    # about 0.8 s a fold fit, 10 folds a trial
    slow = ClassifierSpec("slow_boosting", GradientBoostingClassifier(n_estimators=400))
    search = ImbalancedSearchCV(n_trials=None, timeout=9, n_jobs=2, classifiers=[slow],
                                resamplers=["none"], cv=10, n_repeats=1, random_state=0,
                                warm_start=False)
    with pytest.warns(FallbackWarning, match="threads"):
        elapsed = _seconds_to_ctrl_c(search, X, y, after=4.0)
    assert elapsed < 7.5  # not the running trials' end, nor the 9 s
    states = search.cv_results_["state"]
    assert "RUNNING" not in set(states)
    failed = search.cv_results_[states == "FAIL"]
    assert len(failed) >= 1
    assert failed["error"].str.contains("the search was interrupted").all()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


class _RecordsSigint(LogisticRegression):
    """Records, in the trial's thread, the SIGINT handler in force."""

    seen = []

    def fit(self, X, y, sample_weight=None):
        type(self).seen.append(signal.getsignal(signal.SIGINT))
        return super().fit(X, y, sample_weight=sample_weight)


def test_a_user_s_own_sigint_handler_is_left_alone(breast_cancer, quiet):
    # The handler that stops threaded trials on Ctrl-C replaces Python's
    # default only: one of the user's own (which may not raise) stays.
    X, y = breast_cancer
    spec = ClassifierSpec("records", _RecordsSigint(max_iter=300), space={})
    search = ImbalancedSearchCV(n_trials=2, timeout=8, n_jobs=2, classifiers=[spec],
                                resamplers=["none"], cv=3, n_repeats=1, random_state=0)

    def own(signum, frame):
        pass

    previous = signal.signal(signal.SIGINT, own)
    try:
        _RecordsSigint.seen = []
        with pytest.warns(FallbackWarning, match="threads"):
            search.fit(X, y)
        assert _RecordsSigint.seen and all(h is own for h in _RecordsSigint.seen)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _RecordsSigint.seen = []
        with pytest.warns(FallbackWarning, match="threads"):
            search.fit(X, y)
        assert all(h is not signal.default_int_handler for h in _RecordsSigint.seen)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert (search.cv_results_["state"] == "COMPLETE").all()
