#!/usr/bin/env python
"""Compare imbtune's ImbalancedSearchCV with what people use today.

What is compared
----------------
For every (dataset, seed, target metric, tuner) the script fits one model on a
75/25 stratified train/test split of the dataset and scores it on the held-out
25 %: PR-AUC (``average_precision_score`` of the positive class 1), macro-F1 and
balanced accuracy (both from the model's own ``predict``, i.e. its own decision
threshold), plus the number of trials/configurations the tuner evaluated and
the wall time of its ``fit``. Tuners:

``imbtune``
    ``imbtune.ImbalancedSearchCV(scoring=metric, n_trials=None, timeout=budget,
    n_jobs=n_jobs, random_state=seed)`` on the raw pandas frame (strings, NaN).
    Trials = ``len(cv_results_)`` (the length of its ``"params"`` entry if
    ``cv_results_`` is a dict of arrays).
``lgbm_default``
    ``lightgbm.LGBMClassifier(random_state=seed, n_jobs=n_jobs, verbose=-1)``
    with default hyper-parameters; string columns become pandas ``category``
    with the category list fixed on the training split (unseen test values ->
    NaN). One trial. It does not depend on the target metric, so it is fitted
    once per dataset and seed and stored with ``metric="any"``; the summary
    reuses that row under every target metric.
``lgbm_tuned_threshold``
    ``sklearn.model_selection.TunedThresholdClassifierCV`` around
    ``LGBMClassifier(class_weight="balanced", n_jobs=1)``, ``scoring="f1_macro"``,
    ``cv=5``, on the same category-dtype data. One trial. The threshold does
    not change the ranking, hence not PR-AUC either, so it keeps
    ``scoring="f1_macro"`` for the pr_auc target too (run per target metric
    nonetheless, for symmetry of the tables).
``smote_lgbm_optuna``
    What a careful user builds by hand: an imblearn ``Pipeline`` of a
    ``ColumnTransformer`` (median imputation for numbers; most-frequent
    imputation + one-hot encoding for strings), ``SMOTE`` and an
    ``LGBMClassifier(n_jobs=1)``, tuned by ``optuna_integration.OptunaSearchCV``
    (TPE, stratified 5-fold CV, ``average_precision`` or ``f1_macro``) over the
    SMOTE neighbours and sampling ratio and seven LightGBM hyper-parameters.
    Trials = ``n_trials_`` (all trials of its study, failed ones included;
    ``details.n_complete`` counts the completed ones).
``flaml``
    ``flaml.AutoML().fit(..., task="classification", metric="ap" | "macro_f1",
    time_budget=budget, n_jobs=n_jobs, seed=seed, verbose=0)`` on the raw pandas
    frame. Trials = the number of configurations it evaluated, summed over its
    learners (``AutoML._iter_per_learner``; FLAML's public ``config_history``
    only keeps the iterations that improved the best model).

How fairness is kept
--------------------
* Same wall-clock budget (``--budget`` seconds) for every tuner that searches
  (imbtune, Optuna, FLAML); the two LightGBM baselines take what they take.
* Same ``--n-jobs`` for every tuner: it is passed to each library's own
  parallelism (LightGBM threads, joblib CV workers, Optuna threads, FLAML), the
  inner LightGBM runs single-threaded wherever an outer loop is parallel, and
  the child process gets ``OMP_NUM_THREADS`` / ``OPENBLAS_NUM_THREADS`` /
  ``MKL_NUM_THREADS`` = n_jobs unless they are already set.
* Same split and seeds: the 75/25 stratified split depends only on the seed
  and is identical for all tuners; the seed is also each tuner's random state.
* Every run executes in a fresh Python subprocess (the script re-invokes itself
  with ``--single``), so thread pools, memory and caches do not leak between
  runs; it is killed (with all its worker processes) after
  ``3 * budget + 120`` seconds and recorded as failed.
* The held-out 25 % is never seen by any tuner.
* Run it on an otherwise idle machine: LightGBM's OpenMP threads slow down
  by orders of magnitude when the cores are oversubscribed, which would distort
  both the wall times and what each tuner manages to do within its budget.

Note that "macro-F1" and "balanced accuracy" are measured at each model's own
decision rule: imbtune and TunedThresholdClassifierCV tune a threshold, the
others predict with the default 0.5 (argmax) threshold, which is what their
users get.

Output
------
* ``<out-dir>/raw/comparison.jsonl`` (``--raw``): one JSON record per run,
  appended as runs finish. Runs already present there with ``status == "ok"``
  (same dataset, seed, metric, tuner, budget and n_jobs) are skipped, so an
  interrupted benchmark resumes where it stopped.
* ``<out-dir>/comparison.csv``: mean and std over seeds per dataset x metric x
  tuner of every measured column.
* ``<out-dir>/comparison.md``: per target metric, a table of the mean (± std)
  held-out value per dataset and tuner with the mean number of trials, and
  whether imbtune is >= the best other tuner; plus command lines and versions.
  It is printed to stdout too.

How to run
----------
From the repository root (data files ``NAME.csv.gz`` in ``IMBTUNE_DATA_DIR``,
default ``/work/shared/datasets``)::

    PYTHONPATH=. python benchmarks/compare.py                  # full benchmark
    PYTHONPATH=. python benchmarks/compare.py --datasets pima_diabetes \\
        --seeds 0 --budget 10 --out-dir /tmp/smoke              # smoke test
    PYTHONPATH=. python benchmarks/compare.py --summary-only    # rebuild tables
    PYTHONPATH=. python benchmarks/compare.py --single pima_diabetes 0 pr_auc \\
        flaml --budget 10                                       # one run, JSON out

The full default benchmark is 4 datasets x 3 seeds x (2 metrics x 4 tuners +
lgbm_default once) = 108 runs; 72 of them use the full budget, so at the
default 120 s it takes about 2.5 hours plus overshoot and the baselines'
own time (roughly 3 hours on one machine).
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shlex
import signal
import subprocess
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
if str(REPO_ROOT) not in sys.path:
    # An installed imbtune wins; otherwise the checkout this script lives in.
    sys.path.append(str(REPO_ROOT))
os.environ.setdefault("IMBTUNE_DATA_DIR", "/work/shared/datasets")

DEFAULT_DATASETS = [
    "vehicle_insurance_fraud",
    "mammography",
    "pima_diabetes",
    "thyroid_sick_raw",
]
DEFAULT_SEEDS = [0, 1, 2]
METRICS = ["pr_auc", "macro_f1"]
TUNERS = [
    "imbtune",
    "lgbm_default",
    "lgbm_tuned_threshold",
    "smote_lgbm_optuna",
    "flaml",
]
# Tuners whose result does not depend on the target metric: run once per
# dataset/seed, stored with metric "any", reused for every target metric.
METRIC_FREE_TUNERS = {"lgbm_default"}
ANY_METRIC = "any"
# Modules each tuner needs; a tuner whose imports fail is skipped.
TUNER_IMPORTS = {
    "imbtune": ["from imbtune import ImbalancedSearchCV"],
    "lgbm_default": ["import lightgbm"],
    "lgbm_tuned_threshold": [
        "import lightgbm",
        "from sklearn.model_selection import TunedThresholdClassifierCV",
    ],
    "smote_lgbm_optuna": [
        "import lightgbm",
        "import imblearn",
        "from optuna_integration import OptunaSearchCV",
    ],
    "flaml": ["from flaml import AutoML"],
}
MEASURES = [
    "test_pr_auc",
    "test_macro_f1",
    "test_balanced_accuracy",
    "n_trials",
    "fit_seconds",
]
TARGET_COLUMN = {"pr_auc": "test_pr_auc", "macro_f1": "test_macro_f1"}
RESULT_MARKER = "@@COMPARE_RESULT@@ "
VERSION_DISTS = [
    "imbtune",
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "imbalanced-learn",
    "lightgbm",
    "xgboost",
    "optuna",
    "optuna-integration",
    "FLAML",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def hms(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


def library_versions() -> dict[str, str | None]:
    from importlib import metadata

    versions: dict[str, str | None] = {
        "python": platform.python_version(),
    }
    for dist in VERSION_DISTS:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    if versions.get("imbtune") is None:
        # The checkout may be used without being installed.
        try:
            import imbtune

            versions["imbtune"] = getattr(imbtune, "__version__", None)
        except Exception:  # noqa: BLE001 - any import problem just means "unknown"
            pass
        if versions.get("imbtune") is None:
            try:
                import tomllib

                meta = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
                versions["imbtune"] = meta["project"]["version"] + " (checkout)"
            except Exception:  # noqa: BLE001
                pass
    return versions


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def load_split(dataset: str, seed: int):
    """Load a dataset and make the 75/25 stratified split of this seed."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    from imbtune.datasets import load_dataset

    X, y = load_dataset(dataset)
    y = (np.asarray(y) == 1).astype(int)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=seed
    )
    return X_train, X_test, y_train, y_test


def categorical_columns(X) -> list[str]:
    import pandas as pd

    return [
        c
        for c in X.columns
        if not pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c])
    ]


class CategoryAligner:
    """Turn non-numeric columns into ``category`` with the training categories.

    The category list of every column is fixed on the frame passed to ``fit``;
    ``transform`` applies it, so values unseen in training become NaN.
    """

    def fit(self, X):
        self.categories_ = {}
        for column in categorical_columns(X):
            values = X[column].dropna().astype(str).unique().tolist()
            self.categories_[column] = sorted(values)
        return self

    def transform(self, X):
        import pandas as pd

        X = X.copy()
        for column, categories in self.categories_.items():
            values = X[column].where(X[column].isna(), X[column].astype(str))
            X[column] = pd.Categorical(values, categories=categories)
        return X


class PreparedModel:
    """A fitted model plus the preparation its inputs need (for evaluation)."""

    def __init__(self, model, prepare):
        self.model = model
        self.prepare = prepare

    @property
    def classes_(self):
        return self.model.classes_

    def predict(self, X):
        return self.model.predict(self.prepare(X))

    def predict_proba(self, X):
        return self.model.predict_proba(self.prepare(X))


# --------------------------------------------------------------------------
# Tuners: fit(X_train, y_train, metric, budget, n_jobs, seed)
#         -> (fitted model, number of trials, details dict)
# --------------------------------------------------------------------------


def tune_imbtune(X_train, y_train, metric, budget, n_jobs, seed):
    from imbtune import ImbalancedSearchCV

    search = ImbalancedSearchCV(
        scoring=metric,
        n_trials=None,
        timeout=budget,
        n_jobs=n_jobs,
        random_state=seed,
    )
    search.fit(X_train, y_train)
    results = search.cv_results_
    if isinstance(results, dict):
        # A scikit-learn style dict of arrays: count its rows, not its keys.
        if "params" in results:
            n_trials = len(results["params"])
        else:
            n_trials = len(next(iter(results.values())))
    else:
        n_trials = len(results)
    details = {}
    for attribute in ("best_params_", "best_score_"):
        value = getattr(search, attribute, None)
        if value is not None:
            details[attribute.rstrip("_")] = _jsonable(value)
    return search, n_trials, details


def tune_lgbm_default(X_train, y_train, metric, budget, n_jobs, seed):
    from lightgbm import LGBMClassifier

    aligner = CategoryAligner().fit(X_train)
    model = LGBMClassifier(random_state=seed, n_jobs=n_jobs, verbose=-1)
    model.fit(aligner.transform(X_train), y_train)
    return PreparedModel(model, aligner.transform), 1, {}


def tune_lgbm_tuned_threshold(X_train, y_train, metric, budget, n_jobs, seed):
    from lightgbm import LGBMClassifier
    from sklearn.model_selection import TunedThresholdClassifierCV

    aligner = CategoryAligner().fit(X_train)
    # The threshold is tuned for macro-F1 whatever the target metric: it
    # cannot change PR-AUC, which only depends on the ranking.
    model = TunedThresholdClassifierCV(
        LGBMClassifier(
            class_weight="balanced", random_state=seed, n_jobs=1, verbose=-1
        ),
        scoring="f1_macro",
        cv=5,
        n_jobs=n_jobs,
        random_state=seed,
    )
    model.fit(aligner.transform(X_train), y_train)
    details = {"best_threshold": float(model.best_threshold_)}
    return PreparedModel(model, aligner.transform), 1, details


def tune_smote_lgbm_optuna(X_train, y_train, metric, budget, n_jobs, seed):
    import numpy as np
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import Pipeline
    from lightgbm import LGBMClassifier
    from optuna.distributions import FloatDistribution, IntDistribution
    from optuna.trial import TrialState
    from optuna_integration import OptunaSearchCV
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    categorical = categorical_columns(X_train)
    numeric = [c for c in X_train.columns if c not in categorical]
    transformers = []
    if numeric:
        transformers.append(("num", SimpleImputer(strategy="median"), numeric))
    if categorical:
        transformers.append(
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                categorical,
            )
        )
    X_fit = X_train.copy()
    if categorical:
        # Mixed str/NaN object columns: make the non-missing values plain str so
        # that the imputer and the encoder see one type.
        for column in categorical:
            X_fit[column] = X_fit[column].where(
                X_fit[column].isna(), X_fit[column].astype(str)
            ).astype(object)
    pipeline = Pipeline(
        [
            ("prep", ColumnTransformer(transformers)),
            ("smote", SMOTE(random_state=seed)),
            (
                "clf",
                LGBMClassifier(
                    random_state=seed, n_jobs=1, verbose=-1, subsample_freq=1
                ),
            ),
        ]
    )
    y_arr = np.asarray(y_train)
    n_min = int((y_arr == 1).sum())
    n_maj = int((y_arr == 0).sum())
    # SMOTE refuses a float sampling_strategy below the current ratio; keep
    # a 5 % margin for the CV folds so that no candidate is invalid.
    low = max(0.1, 1.05 * n_min / n_maj)
    distributions = {
        "smote__k_neighbors": IntDistribution(1, 10),
        "clf__n_estimators": IntDistribution(50, 500),
        "clf__learning_rate": FloatDistribution(0.01, 0.3, log=True),
        "clf__num_leaves": IntDistribution(8, 128, log=True),
        "clf__min_child_samples": IntDistribution(5, 100, log=True),
        "clf__subsample": FloatDistribution(0.5, 1.0),
        "clf__colsample_bytree": FloatDistribution(0.5, 1.0),
        "clf__reg_lambda": FloatDistribution(1e-3, 10.0, log=True),
    }
    if low < 1.0:
        distributions["smote__sampling_strategy"] = FloatDistribution(low, 1.0)
    else:  # (nearly) balanced data: nothing to tune, just balance
        pipeline.set_params(smote__sampling_strategy=1.0)
    search = OptunaSearchCV(
        pipeline,
        distributions,
        cv=StratifiedKFold(5, shuffle=True, random_state=seed),
        scoring="average_precision" if metric == "pr_auc" else "f1_macro",
        n_trials=None,  # the default is 10, not "until the timeout"
        timeout=budget,
        n_jobs=n_jobs,
        random_state=seed,
        refit=True,
    )
    search.fit(X_fit, y_train)
    n_complete = sum(t.state == TrialState.COMPLETE for t in search.trials_)
    details = {
        "n_complete": int(n_complete),
        "best_score": _jsonable(search.best_score_),
        "best_params": _jsonable(search.best_params_),
    }

    def prepare(X):
        X = X.copy()
        for column in categorical:
            X[column] = X[column].where(X[column].isna(), X[column].astype(str)).astype(
                object
            )
        return X

    return PreparedModel(search, prepare), search.n_trials_, details


def tune_flaml(X_train, y_train, metric, budget, n_jobs, seed):
    import logging

    from flaml import AutoML

    for name in ("flaml", "flaml.automl", "flaml.automl.logger", "flaml.tune"):
        logging.getLogger(name).setLevel(logging.ERROR)
    automl = AutoML()
    automl.fit(
        X_train,
        y_train,
        task="classification",
        metric="ap" if metric == "pr_auc" else "macro_f1",
        time_budget=budget,
        n_jobs=n_jobs,
        seed=seed,
        verbose=0,
    )
    # config_history only records improvements; _iter_per_learner counts every
    # configuration evaluated per learner (FLAML 2.x).
    per_learner = getattr(automl, "_iter_per_learner", None)
    if per_learner:
        n_trials = int(sum(per_learner.values()))
    else:
        states = getattr(automl, "_search_states", {}) or {}
        n_trials = int(sum(getattr(s, "total_iter", 0) for s in states.values()))
        if not n_trials:
            n_trials = len(automl.config_history)
    details = {
        "best_estimator": automl.best_estimator,
        "per_learner": {k: int(v) for k, v in (per_learner or {}).items() if v},
    }
    return automl, n_trials, details


TUNER_FUNCTIONS = {
    "imbtune": tune_imbtune,
    "lgbm_default": tune_lgbm_default,
    "lgbm_tuned_threshold": tune_lgbm_tuned_threshold,
    "smote_lgbm_optuna": tune_smote_lgbm_optuna,
    "flaml": tune_flaml,
}


def _jsonable(value):
    try:
        json.dumps(value)
        return value
    except TypeError:
        if isinstance(value, dict):
            return {str(k): _jsonable(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [_jsonable(v) for v in value]
        if hasattr(value, "item"):
            try:
                return value.item()
            except Exception:  # noqa: BLE001
                pass
        return repr(value)


# --------------------------------------------------------------------------
# One run (child process)
# --------------------------------------------------------------------------


def held_out_scores(model, X_test, y_test) -> dict:
    """Held-out PR-AUC of class 1 and, at the model's own ``predict``,
    macro-F1 and balanced accuracy."""
    import numpy as np
    from sklearn.metrics import (
        average_precision_score,
        balanced_accuracy_score,
        f1_score,
    )

    proba = np.asarray(model.predict_proba(X_test))
    classes = getattr(model, "classes_", None)
    if classes is None:
        classes = [0, 1]
    positive = [int(c) for c in classes].index(1)
    predicted = np.asarray(model.predict(X_test)).astype(int)
    return {
        "pr_auc": float(average_precision_score(y_test, proba[:, positive])),
        "macro_f1": float(f1_score(y_test, predicted, average="macro")),
        "balanced_accuracy": float(balanced_accuracy_score(y_test, predicted)),
    }


def single_run(dataset, seed, metric, tuner, budget, n_jobs) -> dict:
    """Fit one tuner on one split and score it on the held-out part."""
    record = base_record(dataset, seed, metric, tuner, budget, n_jobs)
    try:
        X_train, X_test, y_train, y_test = load_split(dataset, seed)
        record.update(n_train=int(len(y_train)), n_test=int(len(y_test)))
        fit_metric = METRICS[0] if metric == ANY_METRIC else metric
        start = time.perf_counter()
        model, n_trials, details = TUNER_FUNCTIONS[tuner](
            X_train, y_train, fit_metric, budget, n_jobs, seed
        )
        record["fit_seconds"] = time.perf_counter() - start
        record["n_trials"] = int(n_trials)
        record["details"] = _jsonable(details)

        for name, value in held_out_scores(model, X_test, y_test).items():
            record[f"test_{name}"] = value
        record["status"] = "ok"
    except Exception as error:  # noqa: BLE001 - the row records the failure
        record["status"] = "failed"
        record["error"] = f"{type(error).__name__}: {error}"
        record["traceback"] = traceback.format_exc()[-4000:]
    return record


def base_record(dataset, seed, metric, tuner, budget, n_jobs) -> dict:
    return {
        "dataset": dataset,
        "seed": int(seed),
        "metric": metric,
        "tuner": tuner,
        "budget": float(budget),
        "n_jobs": int(n_jobs),
        "status": None,
        "error": None,
        "n_trials": None,
        "fit_seconds": None,
        "test_pr_auc": None,
        "test_macro_f1": None,
        "test_balanced_accuracy": None,
        "n_train": None,
        "n_test": None,
        "details": None,
        "versions": library_versions(),
        "cpu_count": os.cpu_count(),
        "host": platform.node(),
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def run_child(
    dataset, seed, metric, tuner, budget, n_jobs, verbose, limit=None
) -> dict:
    """Run one configuration in a fresh subprocess with a hard time limit."""
    if limit is None:
        limit = 3 * budget + 120
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--single",
        dataset,
        str(seed),
        metric,
        tuner,
        "--budget",
        repr(budget),
        "--n-jobs",
        str(n_jobs),
    ]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (env.get("PYTHONPATH"), str(REPO_ROOT)) if p
    )
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(variable, str(n_jobs))
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=None if verbose else subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group: kill workers too
    )
    timed_out = False
    try:
        stdout, stderr = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(process)
        stdout, stderr = process.communicate()
    finally:
        _kill_group(process)  # leftover worker processes of a finished run
    for line in reversed((stdout or "").splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER) :])
    record = base_record(dataset, seed, metric, tuner, budget, n_jobs)
    record["status"] = "failed"
    if timed_out:
        record["error"] = f"timeout: killed after {limit:g} s (3 * budget + 120)"
    else:
        record["error"] = f"child exited with code {process.returncode} and no result"
    tail = (stderr or "")[-3000:]
    if tail:
        record["traceback"] = tail
    return record


def _kill_group(process) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# --------------------------------------------------------------------------
# Raw results
# --------------------------------------------------------------------------


def run_key(record) -> tuple:
    return (
        record["dataset"],
        int(record["seed"]),
        record["metric"],
        record["tuner"],
        float(record["budget"]),
        int(record["n_jobs"]),
    )


def read_raw(path: Path) -> list[dict]:
    records = []
    if not path.is_file():
        return records
    with path.open() as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line:
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                log(f"warning: {path}:{number} is not JSON; ignored")
    return records


def append_raw(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        handle.write(json.dumps(record) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def check_tuners(tuners: list[str]) -> dict[str, str]:
    """Return {tuner: reason} for the tuners whose imports fail."""
    problems = {}
    for tuner in tuners:
        for statement in TUNER_IMPORTS[tuner]:
            try:
                exec(statement, {})
            except Exception as error:  # noqa: BLE001 - any failure skips the tuner
                problems[tuner] = (
                    f"`{statement}` failed: {type(error).__name__}: {error}"
                )
                break
    return problems


def planned_runs(datasets, seeds, metrics, tuners) -> list[tuple]:
    runs = []
    for dataset in datasets:
        for seed in seeds:
            for tuner in tuners:
                if tuner in METRIC_FREE_TUNERS:
                    runs.append((dataset, seed, ANY_METRIC, tuner))
            for metric in metrics:
                for tuner in tuners:
                    if tuner not in METRIC_FREE_TUNERS:
                        runs.append((dataset, seed, metric, tuner))
    return runs


def run_all(args, raw_path: Path) -> dict[str, str]:
    problems = check_tuners(args.tuners)
    for tuner, reason in problems.items():
        log(f"skipping tuner {tuner}: {reason}")
    tuners = [t for t in args.tuners if t not in problems]
    done = {run_key(r) for r in read_raw(raw_path) if r.get("status") == "ok"}
    runs = planned_runs(args.datasets, args.seeds, args.metrics, tuners)
    todo = [
        run
        for run in runs
        if (run[0], int(run[1]), run[2], run[3], float(args.budget), args.n_jobs)
        not in done
    ]
    log(
        f"{len(runs)} runs planned, {len(runs) - len(todo)} already done in "
        f"{raw_path}, {len(todo)} to run (budget {args.budget:g} s, "
        f"n_jobs {args.n_jobs}, hard limit {3 * args.budget + 120:.0f} s per run)"
    )
    argv = command_line()
    start = time.perf_counter()
    for index, (dataset, seed, metric, tuner) in enumerate(todo, 1):
        label = (
            f"[{index}/{len(todo)}] {dataset} seed={seed} metric={metric} "
            f"tuner={tuner}"
        )
        log(f"{label} ... (elapsed {hms(time.perf_counter() - start)})")
        record = run_child(
            dataset, seed, metric, tuner, args.budget, args.n_jobs, args.verbose
        )
        record["argv"] = argv
        append_raw(raw_path, record)
        if record["status"] == "ok":
            log(
                f"{label} ok: fit {record['fit_seconds']:.1f} s, "
                f"trials {record['n_trials']}, pr_auc {record['test_pr_auc']:.3f}, "
                f"macro_f1 {record['test_macro_f1']:.3f}, "
                f"bal_acc {record['test_balanced_accuracy']:.3f} "
                f"(elapsed {hms(time.perf_counter() - start)})"
            )
        else:
            log(f"{label} FAILED: {record['error']}")
            if record.get("traceback"):
                log("  " + record["traceback"].strip().replace("\n", "\n  ")[-1500:])
    log(f"all runs done in {hms(time.perf_counter() - start)}")
    return problems


def command_line() -> str:
    return " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv])


# --------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------


def select_records(records, args):
    """Latest record per run key, filtered to the selection, metric-free rows
    expanded to every target metric."""
    latest: dict[tuple, dict] = {}
    for record in records:
        key = run_key(record)
        # An ok record is never replaced by a later failure of the same run.
        if key in latest and latest[key].get("status") == "ok" and record.get(
            "status"
        ) != "ok":
            continue
        latest[key] = record
    rows = list(latest.values())
    if args.budget is not None:
        rows = [r for r in rows if float(r["budget"]) == float(args.budget)]
    if args.n_jobs is not None:
        rows = [r for r in rows if int(r["n_jobs"]) == int(args.n_jobs)]
    budgets = sorted({float(r["budget"]) for r in rows})
    jobs = sorted({int(r["n_jobs"]) for r in rows})
    if len(budgets) > 1 or len(jobs) > 1:
        raise SystemExit(
            f"{args.raw} mixes budgets {budgets} / n_jobs {jobs}; pick one with "
            "--budget and --n-jobs."
        )
    if args.datasets:
        rows = [r for r in rows if r["dataset"] in args.datasets]
    if args.seeds:
        rows = [r for r in rows if int(r["seed"]) in args.seeds]
    if args.tuners:
        rows = [r for r in rows if r["tuner"] in args.tuners]
    metrics = args.metrics or METRICS
    expanded = []
    for record in rows:
        if record["metric"] == ANY_METRIC:
            for metric in metrics:
                expanded.append({**record, "metric": metric, "fitted_for": ANY_METRIC})
        elif record["metric"] in metrics:
            expanded.append({**record, "fitted_for": record["metric"]})
    return expanded


def summarize(records: list[dict]):
    import pandas as pd

    frame = pd.DataFrame(records)
    keys = ["dataset", "metric", "tuner"]
    if frame.empty:
        return pd.DataFrame(columns=keys)
    frame["ok"] = frame["status"] == "ok"
    ok = frame[frame["ok"]].copy()
    for column in MEASURES:
        ok[column] = pd.to_numeric(ok[column], errors="coerce")
    counts = frame.groupby(keys).agg(
        n_runs=("ok", "size"), n_ok=("ok", "sum"), budget=("budget", "first"),
        n_jobs=("n_jobs", "first"),
    )
    if ok.empty:
        stats = pd.DataFrame(index=counts.index)
    else:
        stats = ok.groupby(keys)[MEASURES].agg(["mean", "std"])
        stats.columns = [f"{column}_{stat}" for column, stat in stats.columns]
    table = counts.join(stats, how="left").reset_index()
    n_failed = table["n_runs"] - table["n_ok"]
    table.insert(table.columns.get_loc("n_ok") + 1, "n_failed", n_failed)
    return table


def fmt_mean_std(mean, std, digits=3) -> str:
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return "–"
    text = f"{mean:.{digits}f}"
    if std is not None and not (isinstance(std, float) and math.isnan(std)):
        text += f" ± {std:.{digits}f}"
    return text


def fmt_trials(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}".rstrip("0").rstrip(".")


def budget_overruns(records, tuners) -> list[str]:
    """Lines on how far each tuning run's fit went past its budget (the
    largest excess per tuner, and the run it happened in)."""
    worst = {}
    for record in records:
        seconds, budget = record.get("fit_seconds"), record.get("budget")
        if record.get("status") != "ok" or seconds is None or not budget:
            continue
        if record["tuner"] in ("lgbm_default", "lgbm_tuned_threshold"):
            continue  # fitted once, not tuned against the budget
        excess = seconds - budget
        if record["tuner"] not in worst or excess > worst[record["tuner"]][0]:
            worst[record["tuner"]] = (excess, record)
    if not worst:
        return []
    lines = ["## Fit time past the budget", "",
             "The largest excess of a run's fit wall time over its budget, per tuner:", ""]
    for tuner in [t for t in tuners if t in worst]:
        excess, record = worst[tuner]
        lines.append(
            f"- `{tuner}`: {excess:+.1f} s ({record['dataset']}, "
            f"{record['metric']}, seed {record['seed']})"
        )
    lines.append("")
    return lines


def markdown_report(table, records, args, skipped) -> str:
    import pandas as pd

    present_metrics = set(table["metric"]) if not table.empty else set()
    metrics = [m for m in (args.metrics or METRICS) if m in present_metrics]
    present_tuners = set(table["tuner"]) if not table.empty else set()
    tuners = [t for t in (args.tuners or TUNERS) if t in present_tuners]
    present_datasets = set(table["dataset"]) if not table.empty else set()
    datasets = [
        d for d in (args.datasets or sorted(present_datasets)) if d in present_datasets
    ]
    lines = ["# imbtune vs. common practice: held-out comparison", ""]
    if not table.empty:
        budget = table["budget"].iloc[0]
        n_jobs = table["n_jobs"].iloc[0]
        seeds = sorted({int(r["seed"]) for r in records})
        lines += [
            f"Budget {float(budget):g} s of wall clock per tuner and run, n_jobs "
            f"{int(n_jobs)}, 75/25 stratified train/test split per seed "
            f"(seeds {', '.join(map(str, seeds))}); mean ± std over seeds of the "
            "held-out score; in brackets the mean number of trials/configurations "
            "the tuner evaluated. `lgbm_default` is fitted once per dataset and "
            "seed and shown under both target metrics; `lgbm_tuned_threshold` "
            "tunes its threshold for macro-F1 in both (a threshold cannot change "
            "PR-AUC). Macro-F1 is measured at each model's own decision rule.",
            "",
        ]
    indexed = table.set_index(["dataset", "metric", "tuner"])
    for metric in metrics:
        column = TARGET_COLUMN[metric]
        lines += [f"## Target metric: {metric} (held-out {metric})", ""]
        header = ["dataset", *tuners, "imbtune ≥ best other?"]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join(["---"] + [":---:"] * (len(header) - 1)) + "|")
        time_rows = []
        for dataset in datasets:
            cells = [dataset]
            means = {}
            times = [dataset]
            for tuner in tuners:
                key = (dataset, metric, tuner)
                if key not in indexed.index:
                    cells.append("not run")
                    times.append("–")
                    continue
                row = indexed.loc[key]
                if row["n_ok"] == 0:
                    cells.append(f"failed ({int(row['n_runs'])}/{int(row['n_runs'])})")
                    times.append("–")
                    continue
                mean = row.get(f"{column}_mean")
                std = row.get(f"{column}_std")
                means[tuner] = mean
                trials = fmt_trials(row.get("n_trials_mean"))
                cell = f"{fmt_mean_std(mean, std)} ({trials})"
                if row["n_failed"]:
                    cell += f" [{int(row['n_ok'])}/{int(row['n_runs'])} ok]"
                cells.append(cell)
                times.append(
                    fmt_mean_std(
                        row.get("fit_seconds_mean"), row.get("fit_seconds_std"), 1
                    )
                )
            others = {t: v for t, v in means.items() if t != "imbtune" and pd.notna(v)}
            if "imbtune" not in means or pd.isna(means.get("imbtune")):
                verdict = "n/a (no imbtune result)"
            elif not others:
                verdict = "n/a (no other tuner)"
            else:
                best_tuner = max(others, key=others.get)
                delta = means["imbtune"] - others[best_tuner]
                verdict = (
                    f"yes ({delta:+.3f} vs {best_tuner})"
                    if delta >= 0
                    else f"no ({delta:+.3f} vs {best_tuner})"
                )
            cells.append(verdict)
            lines.append("| " + " | ".join(cells) + " |")
            time_rows.append(times)
        lines += ["", f"Mean fit wall time in seconds ({metric} runs):", ""]
        lines.append("| " + " | ".join(["dataset", *tuners]) + " |")
        lines.append("|" + "|".join(["---"] + [":---:"] * len(tuners)) + "|")
        for times in time_rows:
            lines.append("| " + " | ".join(times) + " |")
        lines.append("")
    lines += budget_overruns(records, tuners)
    if skipped:
        lines += ["## Skipped tuners", ""]
        for tuner, reason in skipped.items():
            lines.append(f"- `{tuner}`: {reason}")
        lines.append("")
    failures = [r for r in records if r.get("status") != "ok"]
    if failures:
        lines += ["## Failed runs", ""]
        seen = set()
        for record in failures:
            key = (
                record["dataset"],
                record["seed"],
                record.get("fitted_for"),
                record["tuner"],
            )
            if key in seen:
                continue
            seen.add(key)
            error = (record.get("error") or "").splitlines()[0][:200] if record.get(
                "error"
            ) else ""
            lines.append(
                f"- {record['dataset']} seed {record['seed']} "
                f"{record.get('fitted_for', record['metric'])} "
                f"`{record['tuner']}`: {error}"
            )
        lines.append("")
    lines += ["## How these numbers were made", ""]
    run_commands = sorted({r.get("argv") for r in records if r.get("argv")})
    if run_commands:
        lines.append("Command line(s) of the runs:")
        lines.append("")
        lines += [f"    {c}" for c in run_commands]
        lines.append("")
    if command_line() not in run_commands:
        lines += ["Command line of this summary:", "", f"    {command_line()}", ""]
    versions: dict = {}
    for record in sorted(records, key=lambda r: r.get("timestamp") or ""):
        versions.update({k: v for k, v in (record.get("versions") or {}).items() if v})
    if not versions:
        versions = library_versions()
    cpus = sorted({r.get("cpu_count") for r in records if r.get("cpu_count")})
    lines.append(
        "Versions: "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + (f"; CPU count {', '.join(map(str, cpus))}" if cpus else "")
        + "."
    )
    lines.append("")
    return "\n".join(lines)


def write_summary(args, raw_path: Path, out_dir: Path, skipped=None) -> None:
    records = select_records(read_raw(raw_path), args)
    if not records:
        log(f"no records in {raw_path} match the selection; no summary written")
        return
    table = summarize(records)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / "comparison.csv"
    md_path = out_dir / "comparison.md"
    table.to_csv(csv_path, index=False, float_format="%.6g")
    report = markdown_report(table, records, args, skipped or {})
    md_path.write_text(report)
    print(report)
    log(f"wrote {csv_path} and {md_path}")


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="compare.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--datasets", nargs="+", default=None,
        help="dataset names in IMBTUNE_DATA_DIR (default: "
        f"{' '.join(DEFAULT_DATASETS)};"
        " with --summary-only: all in the raw file)",
    )
    parser.add_argument(
        "--seeds", nargs="+", type=int, default=None,
        help="split and tuner seeds (default: 0 1 2; with --summary-only: all)",
    )
    parser.add_argument(
        "--metrics", nargs="+", choices=METRICS, default=None,
        help="target metrics (default: pr_auc macro_f1)",
    )
    parser.add_argument(
        "--tuners", nargs="+", choices=TUNERS, default=None,
        help=f"tuners to run (default: {' '.join(TUNERS)})",
    )
    parser.add_argument(
        "--budget", type=float, default=None,
        help="wall-clock seconds per tuner and run (default: 120; with "
        "--summary-only: the one budget present in the raw file)",
    )
    parser.add_argument(
        "--n-jobs", type=int, default=None,
        help="parallel jobs given to every tuner (default: 2; with "
        "--summary-only: the one value present in the raw file)",
    )
    parser.add_argument(
        "--out-dir", type=Path, default=HERE / "results",
        help="where comparison.csv and comparison.md are written (default: "
        "benchmarks/results next to this script)",
    )
    parser.add_argument(
        "--raw", type=Path, default=None,
        help="JSON-lines file of the raw runs (default: OUT_DIR/raw/comparison.jsonl)",
    )
    parser.add_argument(
        "--summary-only", action="store_true",
        help="do not run anything; rebuild the tables from the raw file",
    )
    parser.add_argument(
        "--verbose", action="store_true",
        help="let the runs' own stderr (warnings, library logs) through",
    )
    parser.add_argument(
        "--single", nargs=4, metavar=("DATASET", "SEED", "METRIC", "TUNER"),
        default=None,
        help="internal: make one run in this process and print its JSON record "
        f"(METRIC is one of {', '.join(METRICS)} or {ANY_METRIC})",
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.raw is None:
        args.raw = args.out_dir / "raw" / "comparison.jsonl"

    if args.single:
        dataset, seed, metric, tuner = args.single
        if tuner not in TUNER_FUNCTIONS:
            raise SystemExit(f"unknown tuner {tuner!r}; choose from {TUNERS}")
        if metric not in (*METRICS, ANY_METRIC):
            raise SystemExit(f"unknown metric {metric!r}")
        if not args.verbose:
            import warnings

            warnings.simplefilter("ignore")
            try:
                import optuna

                optuna.logging.set_verbosity(optuna.logging.WARNING)
            except ImportError:
                pass
        record = single_run(
            dataset,
            int(seed),
            metric,
            tuner,
            120.0 if args.budget is None else args.budget,
            2 if args.n_jobs is None else args.n_jobs,
        )
        print(RESULT_MARKER + json.dumps(record), flush=True)
        return 0 if record["status"] == "ok" else 1

    skipped = {}
    if not args.summary_only:
        args.datasets = args.datasets or list(DEFAULT_DATASETS)
        args.seeds = args.seeds if args.seeds is not None else list(DEFAULT_SEEDS)
        args.metrics = args.metrics or list(METRICS)
        args.tuners = args.tuners or list(TUNERS)
        args.budget = 120.0 if args.budget is None else args.budget
        args.n_jobs = 2 if args.n_jobs is None else args.n_jobs
        skipped = run_all(args, args.raw)
    write_summary(args, args.raw, args.out_dir, skipped)
    return 0


if __name__ == "__main__":
    sys.exit(main())
