"""Which trials the final ensemble may draw from: the 20 best, or also the
5 best of each classifier.

``ImbalancedSearchCV`` keeps the out-of-fold probabilities of its 20 best
trials and of the 5 best trials of each classifier. Its greedy ensemble
(cross-fitted, and kept only when it beats the same procedure picking one
trial) drew from the 20 best (``_ensemble_pool = "best"``) until this
comparison made ``"candidates"``, all of them, the default (cdd1952): with
the 20 best alone, a search crowded by one classifier has members of that
classifier only. ``main`` and ``single`` also serve ``ensemble_gate.py``,
which varies another private refit setting the same way.

Both are compared on the *same* search: each case runs one search (the trials
do not depend on the pool), and its refit step is run twice, once per pool,
with the same time left for the refits (a member is passed over when its
refit would not end before ``timeout``). Each refitted model is scored on the
held-out quarter of ``compare.py``'s split, so the paired difference is the
pool's alone, free of the timing noise between two searches. Records go to
``results/raw/ensemble_pool.jsonl`` (a rerun skips finished cases), the
summary to ``results/ensemble_pool.md`` (``paired.py``'s format).

    python benchmarks/ensemble_pool.py pima_diabetes thyroid_sick_raw --seeds 100 101
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402
import paired  # noqa: E402

POOLS = ("best", "candidates")
RAW = HERE / "results" / "raw" / "ensemble_pool.jsonl"
SUMMARY = HERE / "results" / "ensemble_pool.md"

EXPERIMENT = paired.Experiment(
    script="ensemble_pool.py",
    raw=RAW,
    summary=SUMMARY,
    key="pool",
    option="--pools",
    letter="pool",
    parse=str,
    search_params=None,
    default_values=list(POOLS),
    default_seeds=[100, 101, 102, 103],
    title="Ensemble members: the 20 best trials, or also the 5 best of each classifier",
    intro=(
        "Held-out score on the target metric (compare.py's 75/25 split of each seed) "
        "of the model that `ImbalancedSearchCV` refits, when its greedy ensemble "
        "draws members from the 20 best trials (pool={base}) or from those and the "
        "5 best trials of each classifier (pool=candidates). Both come from one "
        "search per case (120 s, n_jobs 1, `random_state` = seed), whose refit step "
        "ran once per pool with the same time left; mean over seeds, trials in "
        "brackets; the last column is the paired difference."
    ),
)


def _search_class(attribute, values):
    from imbtune import ImbalancedSearchCV

    class EachVariant(ImbalancedSearchCV):
        """Refits the chosen trial once per value of a private refit
        setting; ``variants_[value]`` is ``(model, ensemble_weights,
        best_score, refit_seconds)``; the search's own attributes are the
        first value's."""

        def _refit_best(self, X, problem, classes, space, study, best_trial, top,
                        calibrations, budget):
            self.variants_ = {}
            began = time.monotonic()
            for value in values:
                same_time_left = copy.copy(budget)
                same_time_left.start += time.monotonic() - began
                setattr(self, attribute, value)
                self.best_score_ = float(best_trial.value)
                self.ensemble_weights_ = {best_trial.number: 1.0}
                refit_start = time.monotonic()
                model = super()._refit_best(X, problem, classes, space, study,
                                            best_trial, top, calibrations, same_time_left)
                self.variants_[value] = (model, dict(self.ensemble_weights_), self.best_score_,
                                         time.monotonic() - refit_start)
            model, self.ensemble_weights_, self.best_score_, _ = self.variants_[values[0]]
            return model

    return EachVariant


def single(dataset, seed, metric, budget, experiment=EXPERIMENT, attribute="_ensemble_pool",
           values=POOLS):
    """One search, the refit of each value of ``attribute`` and their
    held-out scores."""
    warnings.filterwarnings("ignore")
    X_train, X_test, y_train, y_test = compare.load_split(dataset, seed)
    start = time.perf_counter()
    search = _search_class(attribute, values)(
        scoring=metric, n_trials=None, timeout=budget, n_jobs=1, random_state=seed,
    ).fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    families = search.cv_results_.set_index("trial")["classifier"]
    records = []
    for value, (model, weights, score, refit_seconds) in search.variants_.items():
        scores = compare.held_out_scores(model, X_test, y_test)
        records.append({
            "dataset": dataset, "seed": seed, "metric": metric, experiment.key: value,
            "budget": budget, "n_train": int(len(y_train)),
            "n_trials": int(search.n_trials_), "fit_seconds": fit_seconds,
            "cv_score": float(score),
            "refit_seconds": float(refit_seconds),
            "test_pr_auc": scores["pr_auc"],
            "test_macro_f1": scores["macro_f1"],
            "ensemble": len(weights) > 1,
            "members": {str(n): [str(families.get(n)), float(w)] for n, w in weights.items()},
            "versions": compare.library_versions(),
        })
    return records


def main(argv=None, experiment=EXPERIMENT, attribute="_ensemble_pool", values=POOLS):
    """Run the cases not yet in ``experiment.raw`` (each search in a child
    process running ``experiment.script``), then write the summary."""
    parser = argparse.ArgumentParser(description=experiment.title)
    parser.add_argument("datasets", nargs="*")
    parser.add_argument("--seeds", type=int, nargs="+", default=experiment.default_seeds)
    parser.add_argument("--metrics", nargs="+", default=["pr_auc", "macro_f1"])
    parser.add_argument("--budget", type=float, default=120.0)
    parser.add_argument("--summary-only", action="store_true")
    parser.add_argument("--single", nargs=3, metavar=("DATASET", "SEED", "METRIC"))
    args = parser.parse_args(argv)
    if args.single:
        dataset, seed, metric = args.single
        for record in single(dataset, int(seed), metric, args.budget, experiment, attribute,
                             values):
            print(compare.RESULT_MARKER + json.dumps(record), flush=True)
        return
    raw, key = experiment.raw, experiment.key
    records = [json.loads(ln) for ln in raw.read_text().splitlines()] if raw.exists() else []
    if not args.summary_only:
        done = {(r["dataset"], r["seed"], r["metric"], r["budget"]) for r in records}
        argv_line = f"python benchmarks/{experiment.script} " + " ".join(sys.argv[1:])
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                   MKL_NUM_THREADS="1")
        raw.parent.mkdir(parents=True, exist_ok=True)
        for dataset in args.datasets:
            for seed in args.seeds:
                for metric in args.metrics:
                    if (dataset, seed, metric, args.budget) in done:
                        continue
                    out = subprocess.run(
                        [sys.executable, str(HERE / experiment.script), "--single",
                         dataset, str(seed), metric, "--budget", repr(args.budget)],
                        stdout=subprocess.PIPE, text=True, env=env, check=True,
                    ).stdout
                    lines = [ln[len(compare.RESULT_MARKER):] for ln in out.splitlines()
                             if ln.startswith(compare.RESULT_MARKER)]
                    if len(lines) != len(values):
                        raise RuntimeError(f"{dataset} seed {seed} {metric}: no result")
                    for line in lines:
                        record = {**json.loads(line), "argv": argv_line}
                        records.append(record)
                        with raw.open("a") as f:
                            f.write(json.dumps(record) + "\n")
                        print(dataset, seed, metric, f"{key}={record[key]}",
                              f"trials {record['n_trials']}",
                              f"cv {record['cv_score']:.3f}",
                              f"test AP {record['test_pr_auc']:.3f}",
                              f"F1 {record['test_macro_f1']:.3f}",
                              f"members {sorted(v[0] for v in record['members'].values())}",
                              flush=True)
    if records:
        experiment.summary.write_text(paired.summarize(experiment, records, list(values)))
        print(f"wrote {experiment.summary}")


if __name__ == "__main__":
    main()
