"""Parallel trials: worker processes sharing one Optuna journal storage.

With ``n_jobs > 1`` the trials of :class:`~imbtune.ImbalancedSearchCV` run in
worker processes (joblib's loky executor, the one scikit-learn uses), not in
threads: much of a trial is Python (resamplers, forests' per-tree work,
the cross-fitted decision) and holds the GIL, so where those parts weigh,
threads add few trials (boosters release the GIL: there threads did as
well; see the README).
Each worker loads the same study from a journal file, draws with its own
sampler seed (TPE's constant liar keeps them apart) and returns the
out-of-fold probabilities of its best trials for the ensemble. The parent
draws the progress bar or logs trials as they finish and, at the end, copies
the study into memory (``study_`` outlives the journal file, which is
removed).

A worker that dies (killed, out of memory) loses only the trial it was
running: that trial is marked failed with a note, every finished trial is
kept, and new workers go on with what is left of the budget (at most twice).
loky stops every worker of the pool when one dies, so the trials the others
were running are marked failed too. The best trials' out-of-fold
probabilities that a stopped worker would have returned are not lost with
it: each worker also writes them to a file as its trials finish, and the
parent reads a stopped worker's file instead.

Workers take on the parent's warning filters and scikit-learn configuration
(``set_config``, metadata routing included); the warnings their trials
raise are sent back and issued in the parent, once each, so that the
user's filters and ``warnings.catch_warnings`` see them as with
``n_jobs=1``. A worker whose parent process is gone (killed by the system,
say) exits, and removes the study's temporary folder.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import contextlib
import os
import pickle
import shutil
import tempfile
import time
import warnings

import numpy as np
import optuna
from joblib.externals.loky import get_reusable_executor
from optuna.storages import InMemoryStorage, JournalStorage
from optuna.storages.journal import JournalFileBackend, JournalFileOpenLock
from optuna.trial import TrialState
from threadpoolctl import threadpool_limits

from .exceptions import SearchFailedError, TrialFailedWarning

__all__ = ["run_in_processes", "trial_shares", "unpicklable"]

_STUDY_NAME = "imbtune"
_POLL_SECONDS = 0.5
_LOCK_SUFFIX = ".lock"  # Optuna's journal locks: the file <journal>.lock
_MAX_RESTARTS = 2  # rounds of new workers after workers died
_MIN_ROUND_SECONDS = 2.0  # no new workers for less of the budget than this
_LOGGER = optuna.logging.get_logger("optuna.study.study")


def _journal(path):
    """The study's journal file; Windows gets the open() lock, as symlinks
    there need privileges."""
    lock = JournalFileOpenLock(path) if os.name == "nt" else None
    return JournalStorage(JournalFileBackend(path, lock_obj=lock))


def unpicklable(*objects):
    """Why ``objects`` cannot travel to a worker process (pickled as loky
    sends them: cloudpickle), or None when they can."""
    from joblib.externals.loky.backend.reduction import dumps

    try:
        dumps(objects)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def trial_shares(n_trials, n_workers):
    """Trials per worker: ``n_trials`` split as evenly as possible (``None``:
    each worker runs until the time budget ends); workers with no share are
    left out."""
    if n_trials is None:
        return [None] * n_workers
    base, extra = divmod(int(n_trials), n_workers)
    return [base + (i < extra) for i in range(n_workers) if base + (i < extra) > 0]


def worker_seed(seed, worker):
    """The sampler seed of worker ``worker`` (worker 0 keeps ``seed``)."""
    if worker == 0:
        return seed
    return int(np.random.SeedSequence([seed, worker]).generate_state(1)[0] >> 1)


_REDRAW_SECONDS = 5.0  # the progress bar between trials' ends, at most once per

_FORWARDED_WARNINGS = 20  # distinct warnings a worker sends back, at most


def _watch_parent(parent, done, folder):
    """Exit this worker once its parent process is gone (killed, say): its
    trials would otherwise run on for nobody, and then block on sending.
    The study's temporary ``folder``, which the parent would have removed,
    goes with it."""
    while not done.wait(1.0):
        if os.getppid() != parent:
            shutil.rmtree(folder, ignore_errors=True)
            os._exit(1)


def _forwardable(records):
    """The distinct warnings a worker recorded, as it can send them: one per
    (category, message), a category that does not pickle as UserWarning."""
    seen, out = set(), []
    for record in records:
        category = record.category
        if unpicklable(category) is not None:
            category = UserWarning
        key = (category, str(record.message))
        if key in seen:
            continue
        seen.add(key)
        out.append((category, str(record.message), record.filename, record.lineno))
        if len(out) == _FORWARDED_WARNINGS:
            break
    return out


def forward_warnings(records):
    """Issue in this (the parent) process the warnings a worker recorded, so
    that the user's filters and ``catch_warnings`` see them as with n_jobs=1."""
    for category, message, filename, lineno in dict.fromkeys(records):
        warnings.warn_explicit(message, category, filename, lineno)


def _work(search, build, storage_path, worker, n_workers, n_trials, end_time,
          parent=None, filters=None, config=None):
    """One worker: run its share of the study; return its best trials' OOFs,
    the notes of its fallbacks, the fold models it holds and the warnings it
    recorded. ``parent`` is the parent's process id (the worker exits when it
    is gone); ``filters`` and ``config`` are the parent's warning filters and
    scikit-learn configuration, which the worker takes on."""
    done = None
    if parent is not None:
        import threading

        done = threading.Event()
        folder = os.path.dirname(storage_path)
        threading.Thread(target=_watch_parent, args=(parent, done, folder),
                         daemon=True).start()
    try:
        return _work_share(search, build, storage_path, worker, n_workers, n_trials,
                           end_time, filters, config)
    finally:
        if done is not None:
            done.set()
            # The parent gone, another worker may have removed the journal
            # under this one's trials (and so ended them): exit all the same.
            if os.getppid() != parent:
                shutil.rmtree(os.path.dirname(storage_path), ignore_errors=True)
                os._exit(1)


def _work_share(search, build, storage_path, worker, n_workers, n_trials, end_time,
                filters, config):
    import sklearn

    from .search import _stop_when_expired as stop_when_expired

    problem, space, calibrations, make_budget, top = build()
    timeout = None if end_time is None else max(0.0, end_time - time.time())
    budget = make_budget(timeout)
    objective = search._objective(problem, space, calibrations, budget, top)
    storage = _journal(storage_path)
    spill = _spill_to(_spill_path(storage_path, worker), top)
    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.ERROR)  # the parent logs trials
    try:
        with warnings.catch_warnings(record=True) as records, threadpool_limits(
            limits=1, user_api="blas"
        ), sklearn.config_context(**(config or {})):
            if filters is not None:
                warnings.filters[:] = filters
            warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
            sampler = search._make_sampler(
                worker_seed(problem.random_state, worker), n_workers
            )
            if worker and not isinstance(search.sampler, str) and hasattr(
                sampler, "reseed_rng"
            ):
                sampler.reseed_rng()  # a user's sampler: copies must not draw alike
            study = optuna.load_study(
                study_name=_STUDY_NAME, storage=storage, sampler=sampler,
                pruner=search._make_pruner(len(problem.folds), problem.n_repeats),
            )
            study.optimize(
                objective, n_trials=n_trials, timeout=timeout, n_jobs=1,
                catch=(Exception,), callbacks=[stop_when_expired(budget), spill],
            )
    finally:
        optuna.logging.set_verbosity(previous)
    # The fold models the worker holds travel back with its best trials, so
    # that the parent's final model needs no fit (see ImbalancedPipeline's
    # final_model); models that do not pickle (a model holding a lock) are
    # left behind, and the parent refits them.
    # Pickled here, once, so that one model that does not pickle is dropped
    # rather than failing the whole result on its way back.
    from joblib.externals.loky.backend.reduction import dumps

    models = {n: top.models(n) for n in top.held()}
    try:
        blob = dumps(models)
    except Exception:
        blob = dumps({n: m for n, m in models.items() if unpicklable(m) is None})
    return top.candidates(), set(problem.notes), blob, _forwardable(records)


def _spill_path(storage_path, worker):
    return f"{storage_path}.top-{worker}"


def _spill_to(path, top):
    """An Optuna callback (run after each finished trial) that appends to
    ``path`` the entries of ``top`` (the best trials' out-of-fold
    probabilities, see ``_TopTrials``) it has not written yet. Should the
    worker be stopped, the parent reads them there (``_read_spill``). The
    file is rewritten with the current entries alone once most of what it
    holds has left them. Fold models are not written: a final model whose
    fold models were lost is refitted."""
    written = set()

    def spill(study, trial):
        entries = top.candidates()
        new = [e for e in entries if e[2] not in written]
        if not new:
            return
        # At most 10 stale entries are left in the file before it is rewritten.
        compact = len(written) + len(new) > len(entries) + 10
        try:
            if compact:  # a fresh file, swapped in whole
                with open(path + ".new", "wb") as f:
                    for entry in entries:
                        pickle.dump(entry, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(path + ".new", path)
                written.clear()
                written.update(e[2] for e in entries)
            else:
                data = b"".join(
                    pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL) for entry in new
                )
                with open(path, "ab") as f:
                    end = f.tell()
                    try:
                        f.write(data)
                        f.flush()
                    except OSError:  # leave no part of a record behind
                        f.truncate(end)
                        raise
                written.update(e[2] for e in new)
        except OSError:  # a full disk, say: only a stopped worker's entries are at stake
            pass

    return spill


def _read_spill(path):
    """The entries a worker wrote with ``_spill_to``, up to a record that its
    death cut short; one per trial."""
    entries = {}
    try:
        f = open(path, "rb")
    except OSError:  # never written
        return []
    with f:
        while True:
            try:
                entry = pickle.load(f)
            except Exception:  # the end (EOFError), or a record cut short
                break
            entries[entry[2]] = entry
    return list(entries.values())


def _finished_since(study, logged, best, log):
    """Note (and with ``log``, log in Optuna's words) the trials finished
    since the last call; return how many."""
    new = 0
    for trial in study.get_trials(deepcopy=False):
        if trial.number in logged or not trial.state.is_finished():
            continue
        logged.add(trial.number)
        new += 1
        if trial.state == TrialState.COMPLETE and (best[0] is None or trial.value > best[1]):
            best[:] = [trial.number, trial.value]
        if not log:
            continue
        if trial.state == TrialState.COMPLETE:
            _LOGGER.info(
                f"Trial {trial.number} finished with value: {trial.value} and parameters: "
                f"{trial.params}. Best is trial {best[0]} with value: {best[1]}."
            )
        elif trial.state == TrialState.PRUNED:
            _LOGGER.info(f"Trial {trial.number} pruned. {trial.user_attrs.get('note', '')}")
        else:
            _LOGGER.warning(
                f"Trial {trial.number} failed: {trial.user_attrs.get('error', 'no error recorded')}"
            )
    return new


@contextlib.contextmanager
def _quiet():
    """Optuna's 'A new study created' lines are not the user's study."""
    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(max(previous, optuna.logging.WARNING))
    try:
        yield
    finally:
        optuna.logging.set_verbosity(previous)


class _Progress:
    """The parent's view of a parallel study: a progress bar (trials, or
    seconds of the budget without ``n_trials``) and/or a log line per trial."""

    def __init__(self, bar, log, n_trials, timeout):
        self.log = log
        self.logged, self.best = set(), [None, None]
        self.start = time.monotonic()
        self.bar = None
        if bar:
            from tqdm.auto import tqdm

            by_time = n_trials is None
            self.bar = tqdm(
                total=round(timeout) if by_time else n_trials,
                unit="s" if by_time else "trial",
                bar_format="{l_bar}{bar}| {n:.0f}/{total_fmt} s{postfix}" if by_time else None,
            )
            self.by_time = by_time
            self.drawn = time.monotonic()

    def update(self, study):
        new = _finished_since(study, self.logged, self.best, self.log)
        if self.bar is None:
            return
        now = time.monotonic()
        # Redrawn when a trial ends and, counting seconds, every few seconds
        # between: polled every 0.5 s, it filled a log file with repeats.
        if not new and now - self.drawn < _REDRAW_SECONDS:
            return
        if self.by_time:
            self.bar.n = min(self.bar.total, now - self.start)
        else:
            self.bar.n = min(self.bar.total, len(self.logged))
        if new and self.best[0] is not None:
            self.bar.set_postfix_str(
                f"best trial {self.best[0]}: {self.best[1]:.4f}", refresh=False
            )
        self.bar.refresh()
        self.drawn = now

    def close(self):
        if self.bar is not None:
            if self.by_time:  # the last seconds, which update may have skipped
                self.bar.n = min(self.bar.total, time.monotonic() - self.start)
            self.bar.close()


def run_in_processes(search, build, n_workers, n_trials, timeout, seed, enqueue,
                     make_sampler, make_pruner, bar=False, log=False, keep=None):
    """Run the study in ``n_workers`` processes; return it (in memory), the
    best trials' OOF entries of all workers and the workers' notes.

    ``build()`` makes a worker's ``(problem, space, calibrations,
    make_budget, top)``; it is pickled to each worker (cloudpickle, so
    closures and a user's own specs travel). ``enqueue`` lists the
    parameters of the trials to run first. ``bar`` draws a progress bar,
    ``log`` logs each finished trial (Optuna's logger, INFO). If the search
    is interrupted (``KeyboardInterrupt``), the workers are stopped, the
    trials they were running marked failed and ``keep`` is given the study
    (in memory) before the interruption goes on up.
    """
    end_time = None if timeout is None else time.time() + timeout
    tmp = tempfile.mkdtemp(prefix="imbtune-study-")
    try:
        path = os.path.join(tmp, "journal.log")
        storage = _journal(path)
        with _quiet():
            study = optuna.create_study(
                study_name=_STUDY_NAME, storage=storage, direction="maximize"
            )
        for params in enqueue:
            study.enqueue_trial(params, skip_if_exists=True)
        progress = _Progress(bar, log, n_trials, timeout)
        tops, notes, models, lost, failed, forwarded = [], set(), {}, [], [], []
        restarts = 0
        for round_ in range(_MAX_RESTARTS + 1):
            shares = _remaining_shares(study, n_trials, n_workers, end_time)
            if not shares:
                break
            restarts = round_
            def keep_finished(reason):
                if keep is not None:
                    with contextlib.suppress(Exception):  # what stopped it goes on up regardless
                        _fail_orphans(study, reason)
                        keep(_in_memory(storage, make_sampler(seed, n_workers),
                                        make_pruner()))

            try:
                results = _run_round(search, build, path, shares, end_time, study,
                                     progress, first_worker=round_ * n_workers)
            except KeyboardInterrupt:  # the workers are stopped; keep what finished
                keep_finished("the search was interrupted")
                raise
            unloadable = [r for r in results if _failed_to_load(r)]
            if unloadable:
                raise SearchFailedError(
                    "The worker processes of n_jobs could not load the search "
                    f"({_root_cause(unloadable[0])}): a class or function of it "
                    "comes from a module they cannot import (one loaded from a file "
                    "path, say). Put it in an importable module, or use n_jobs=1."
                ) from unloadable[0]
            raised = [r for r in results if isinstance(r, BaseException) and not _died(r)]
            if raised:
                # A worker's own error (a custom sampler's, the storage's), not
                # its death: raised as with n_jobs=1, the finished trials kept.
                error = raised[0]
                keep_finished(f"{type(error).__name__}: {error}")
                raise error
            round_lost = []
            for worker, result in enumerate(results, start=round_ * n_workers):
                if isinstance(result, BaseException):  # the worker died
                    first = str(result).strip().split("\n")[0].split(". ")[0].rstrip(".")
                    round_lost.append(f"{type(result).__name__}: {first}")
                    # its finished trials' OOFs, as it wrote them
                    tops.extend(_read_spill(_spill_path(path, worker)))
                else:
                    tops.extend(result[0])
                    notes |= result[1]
                    models.update(pickle.loads(result[2]))
                    forwarded.extend(result[3])
            if not round_lost:
                break
            lost += round_lost
            orphans = _fail_orphans(study, round_lost[0])
            failed += orphans
            _retry(study, orphans)
        progress.update(study)
        progress.close()
        if lost:
            _warn_lost(study, lost, failed, restarts)
        study = _in_memory(storage, make_sampler(seed, n_workers), make_pruner())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    forward_warnings(forwarded)
    tops.sort(key=lambda e: e[:2], reverse=True)
    return study, tops, notes, models


def _in_memory(storage, sampler, pruner):
    """The journal's study copied into memory (it outlives the file)."""
    memory = InMemoryStorage()
    with _quiet():
        optuna.copy_study(from_study_name=_STUDY_NAME, from_storage=storage,
                          to_storage=memory)
        return optuna.load_study(study_name=_STUDY_NAME, storage=memory,
                                 sampler=sampler, pruner=pruner)


def _remaining_shares(study, n_trials, n_workers, end_time):
    """Workers to start now and their trials: none once the budget is spent."""
    if end_time is not None and end_time - time.time() < _MIN_ROUND_SECONDS:
        return []
    if n_trials is None:
        return trial_shares(None, n_workers)
    # A trial that a dead worker took with it spends none of n_trials: it is
    # retried (see _retry), or replaced by a new draw.
    started = sum(
        t.state != TrialState.WAITING and not _worker_stopped(t)
        for t in study.get_trials(deepcopy=False)
    )
    return trial_shares(n_trials - started, n_workers) if started < n_trials else []


def _failed_to_load(exc):
    """Whether a worker could not unpickle its task (loky then breaks the
    pool as if the worker had died); new workers would fail the same way."""
    return _died(exc) and "un-serialize" in str(exc)


def _root_cause(exc):
    """The last line of the first error in ``exc``'s chain (a worker's
    traceback comes as the text of its cause)."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    lines = [line for line in str(exc).strip().strip('"').splitlines() if line.strip()]
    return lines[-1].strip() if lines else type(exc).__name__


def _died(exc):
    """Whether a worker's future failed because its process ended (killed,
    out of memory) and loky broke the pool, rather than by raising."""
    from joblib.externals.loky.process_executor import ShutdownExecutorError

    return isinstance(
        exc, concurrent.futures.process.BrokenProcessPool | ShutdownExecutorError
    )


def _run_round(search, build, path, shares, end_time, study, progress, first_worker):
    """Run one worker per share until all end; each one's result or error."""
    executor = get_reusable_executor(max_workers=len(shares))
    import sklearn

    filters, config = list(warnings.filters), sklearn.get_config()
    if unpicklable(filters) is not None:  # a filter of a category defined in place
        filters = None
    futures = [
        executor.submit(_work, search, build, path, first_worker + i, len(shares), share,
                        end_time, os.getpid(), filters, config)
        for i, share in enumerate(shares)
    ]
    try:
        while True:
            _, pending = concurrent.futures.wait(futures, timeout=_POLL_SECONDS)
            progress.update(study)
            if not pending:
                break
    except BaseException:  # interrupted: stop the workers, not only this loop
        for future in futures:
            future.cancel()
        _stop_workers(executor, path)
        progress.close()
        raise
    results = []
    for future in futures:
        try:
            results.append(future.result())
        except Exception as exc:
            results.append(exc)
    if any(isinstance(r, Exception) for r in results):  # loky stopped the pool
        _stop_workers(executor, path)
    return results


def _stop_workers(executor, path):
    """Kill the pool's workers and wait for them; then drop the journal's lock
    file if a killed worker held it (Optuna would wait 30 s for it to go
    stale before writing again) and a line it was writing when it died."""
    executor.shutdown(wait=True, kill_workers=True)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path + _LOCK_SUFFIX)
    _drop_cut_line(path)


def _drop_cut_line(path, chunk=1 << 16):
    """Truncate the journal after its last complete line.

    A worker killed in the middle of a write leaves a line without its end;
    Optuna's reader skips such a line only while it is the last one, so the
    next write (the parent marking trials failed, new workers) would make
    the whole journal unreadable. Call only when no process writes to it.
    """
    try:
        f = open(path, "r+b")
    except FileNotFoundError:
        return
    with f:
        end = f.seek(0, os.SEEK_END)
        pos = end
        while pos > 0:
            start = max(0, pos - chunk)
            f.seek(start)
            newline = f.read(pos - start).rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            pos = start
        else:
            keep = 0
        if keep < end:
            f.truncate(keep)


DRAWN = "parameters_drawn"
"""User attribute a trial gets once its whole configuration is drawn."""


def _fail_orphans(study, reason):
    """Mark failed the trials that stopped workers left running; their numbers."""
    orphans = study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
    for trial in orphans:
        error = f"its worker process stopped ({reason})"
        if not trial.user_attrs.get(DRAWN):
            error += " before the trial had drawn its parameters"
        study._storage.set_trial_user_attr(trial._trial_id, "error", error)
        study._storage.set_trial_state_values(trial._trial_id, TrialState.FAIL)
    return [trial.number for trial in orphans]


def _retry(study, numbers):
    """Enqueue once more, with the same parameters, each trial a dead worker
    took with it (not a retry itself: a trial whose worker dies twice, say
    out of memory, is not tried a third time). The next workers run them
    first. A trial whose worker died before it had drawn all its parameters
    has no configuration to retry (enqueuing what it had would pass a fresh
    draw off as a retry); the trials still to run replace it."""
    trials = study.get_trials(deepcopy=False)
    for number in numbers:
        trial = trials[number]
        if "retry_of" in trial.user_attrs or not trial.user_attrs.get(DRAWN):
            continue
        study.enqueue_trial(
            trial.params,
            user_attrs={
                "retry_of": number,
                "note": f"a retry of trial {number}, whose worker process stopped",
            },
        )


def _worker_stopped(trial):
    return str(trial.user_attrs.get("error", "")).startswith("its worker process stopped")


def _warn_lost(study, lost, failed, restarts):
    finished = sum(
        t.state.is_finished() and t.number not in failed
        for t in study.get_trials(deepcopy=False)
    )
    drawn = [t.number for t in study.get_trials(deepcopy=False)
             if t.number in failed and t.user_attrs.get(DRAWN)]
    went_on = (
        "new workers went on with the rest of the budget, running "
        + ("those trials" if len(drawn) == len(failed) else
           f"those that had drawn their parameters ({', '.join(map(str, drawn)) or 'none'})")
        + " once more first, and " if restarts else ""
    )
    warnings.warn(
        f"Worker processes of the search stopped early ({lost[0]}). "
        f"The trials they were running ({', '.join(map(str, failed)) or 'none'}) are "
        f"marked failed; {went_on}every finished trial is kept ({finished} in "
        "all). If a "
        "worker ran out of memory, use fewer n_jobs.",
        TrialFailedWarning,
        stacklevel=4,
    )
