#!/usr/bin/env python
"""A scikit-learn scorer solved as a curve, against the same scorer called.

``ImbalancedSearchCV(scoring="f1")``, or a scorer made by ``make_scorer``
such as ``make_scorer(fbeta_score, beta=2)`` (``"f2"`` here), has a binary
curve (``imbtune.metrics.scorer_curve``) and chooses each threshold in one
vectorised pass over the cuts. Wrapping the very same scorer in a plain
function, ``lambda est, X, y: scorer(est, X, y)``, takes the path every
other callable takes: the scorer is called at 64 cuts per threshold, each
call validating its input. For each dataset (compare.py's 75/25 split of the
seed) and scorer, both searches run ``--trials`` trials with the same seed;
the table gives their wall time per trial, their ``best_score_`` and the
held-out score of the refitted model (by the same scorer). Writes
``results/scorer_speed.md``::

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/scorer_speed.py \\
        breast_cancer pima_diabetes german_credit --scorers f1 matthews_corrcoef f2

With ``--multiclass`` the classes of ``y`` are kept (classes of fewer than
``--min-class-rows`` rows are dropped first, so that every training fold
holds each class), and the scorer's other form is its confusion-matrix form
(``imbtune.metrics.scorer_confusion``), which scores the candidates of the
multiclass rule; the wrapped scorer is called once per candidate, on a
coarser grid. Writes ``results/scorer_speed_multiclass.md``::

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/scorer_speed.py \\
        fetal_health ecoli_multiclass --multiclass \\
        --scorers f1_macro matthews_corrcoef f2_macro jaccard_weighted
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import argparse
import shlex
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.metrics import fbeta_score, get_scorer, make_scorer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402  (load_split, library_versions)

from imbtune import ImbalancedSearchCV  # noqa: E402

# scorers made with make_scorer, by the name this script gives them
MADE = {
    "f2": make_scorer(fbeta_score, beta=2),
    "f2_macro": make_scorer(fbeta_score, beta=2, average="macro"),
}


def called(scorer):
    """The scorer behind a plain function, which has no curve."""

    def score(estimator, X, y):
        return scorer(estimator, X, y)

    return score


def load_multiclass_split(dataset, seed, min_class_rows):
    """The dataset with its classes, less those of fewer than
    ``min_class_rows`` rows, split 75/25, stratified."""
    from sklearn.model_selection import train_test_split

    from imbtune.datasets import load_dataset

    X, y = load_dataset(dataset)
    counts = y.value_counts()
    keep = y.isin(counts.index[counts >= min_class_rows]).to_numpy()
    X, y = X[keep], y[keep]
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=seed)


def run(X_train, y_train, X_test, y_test, scoring, scorer, trials, seed):
    search = ImbalancedSearchCV(scoring=scoring, n_trials=trials, random_state=seed)
    start = time.perf_counter()
    search.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return {
        "seconds_per_trial": seconds / len(search.cv_results_),
        "best_score": float(search.best_score_),
        "held_out": float(scorer(search, X_test, y_test)),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+")
    parser.add_argument("--scorers", nargs="+",
                        default=["f1", "matthews_corrcoef"])
    parser.add_argument("--trials", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--multiclass", action="store_true",
                        help="keep the classes of y (see the module docstring)")
    parser.add_argument("--min-class-rows", type=int, default=20)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.out is None:
        name = "scorer_speed_multiclass.md" if args.multiclass else "scorer_speed.md"
        args.out = HERE / "results" / name
    warnings.filterwarnings("ignore")
    rows = []
    for dataset in args.datasets:
        if args.multiclass:
            X_train, X_test, y_train, y_test = load_multiclass_split(
                dataset, args.seed, args.min_class_rows
            )
        else:
            X_train, X_test, y_train, y_test = compare.load_split(dataset, args.seed)
        for name in args.scorers:
            scorer = MADE.get(name) or get_scorer(name)
            scoring = scorer if name in MADE else name
            curve = run(X_train, y_train, X_test, y_test, scoring, scorer, args.trials,
                        args.seed)
            calls = run(X_train, y_train, X_test, y_test, called(scorer), scorer,
                        args.trials, args.seed)
            rows.append((dataset, len(y_train), len(set(y_train)), name, curve, calls))
            print(f"{dataset} {name}: {curve['seconds_per_trial']:.1f} s per trial "
                  f"against {calls['seconds_per_trial']:.1f} s", flush=True)
    if args.multiclass:
        form = "confusion"
        lines = [
            "# A scikit-learn scorer of a multiclass problem counted from the "
            "confusion matrix, against the same scorer called",
            "",
            f"`ImbalancedSearchCV(scoring=name, n_trials={args.trials}, "
            f"random_state={args.seed})` on the classes of y (those of fewer than "
            f"{args.min_class_rows} rows dropped), whose multiclass rule scores its "
            "candidate class weights from the confusion matrix "
            "(`imbtune.metrics.scorer_confusion`; `f2_macro` is "
            "`make_scorer(fbeta_score, beta=2, average=\"macro\")`, passed as the "
            "scorer object), against the same search with the scorer wrapped in a "
            "plain function (the scorer called once per candidate, on a grid of 9 "
            "steps instead of 25); a 75/25 stratified split of seed "
            f"{args.seed}, one core. Wall time of `fit` per trial, `best_score_`, "
            "and the held-out score of the refitted model by the same scorer.",
            "",
        ]
    else:
        form = "curve"
        lines = [
            "# A scikit-learn scorer solved as a curve, against the same scorer called",
            "",
            f"`ImbalancedSearchCV(scoring=name, n_trials={args.trials}, "
            f"random_state={args.seed})` (the threshold chosen on the scorer's binary "
            "curve in one pass; `f2` is `make_scorer(fbeta_score, beta=2)`, passed as "
            "the scorer object) against the same search with the scorer wrapped in a "
            "plain function (the scorer called at 64 cuts per threshold); "
            f"compare.py's 75/25 split of seed {args.seed}, one core. Wall time of "
            "`fit` per trial, `best_score_`, and the held-out score of the refitted "
            "model by the same scorer.",
            "",
        ]
    lines += [
        f"| dataset | training rows | classes | scorer | s per trial, {form} "
        f"| s per trial, calls | speed-up | best_score_, {form} | best_score_, calls "
        f"| held-out, {form} | held-out, calls |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for dataset, n, n_classes, name, curve, calls in rows:
        lines.append(
            f"| {dataset} | {n} | {n_classes} | {name} | {curve['seconds_per_trial']:.2f} | "
            f"{calls['seconds_per_trial']:.2f} | "
            f"{calls['seconds_per_trial'] / curve['seconds_per_trial']:.1f}x | "
            f"{curve['best_score']:.4f} | {calls['best_score']:.4f} | "
            f"{curve['held_out']:.4f} | {calls['held_out']:.4f} |"
        )
    ratios = [calls["seconds_per_trial"] / curve["seconds_per_trial"]
              for *_, curve, calls in rows]
    held = [curve["held_out"] - calls["held_out"] for *_, curve, calls in rows]
    lines += [
        "",
        f"Median speed-up {np.median(ratios):.1f}x (from {min(ratios):.1f}x to "
        f"{max(ratios):.1f}x); held-out score, {form} minus calls: mean "
        f"{np.mean(held):+.4f} over {len(held)} cases "
        f"({sum(d > 0 for d in held)} up, {sum(d < 0 for d in held)} down).",
        "",
        "Command:",
        "",
        "    " + shlex.join(["python", "benchmarks/scorer_speed.py",
                             *(sys.argv[1:] if argv is None else argv)]),
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in compare.library_versions().items()
                                 if v) + ".",
        "",
    ]
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
