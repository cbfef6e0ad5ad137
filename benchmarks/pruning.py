"""Pruning inside a search on repeated K-fold: held-out score against none.

For each dataset, seed and target metric, ``ImbalancedSearchCV`` runs once
per pruner (``compare.py``'s 75/25 split of the seed, its budget and
settings: ``n_trials=None``, ``timeout=budget``, ``n_jobs=1``,
``random_state=seed``, ``n_repeats="auto"``), and the refitted model is
scored on the held-out quarter as ``compare.py`` scores it. ``repetition``
is :class:`imbtune.pruning.RepetitionPruner` (a trial whose first repetition
of the folds scores below the median of earlier trials' is stopped there).
The runs of one case go at the same time, one process and one core each, so
that whatever else the machine does slows them alike. The datasets are
*outside* ``compare.py``'s four, all under 4,000 training rows (where
``n_repeats="auto"`` repeats the folds). This is why ``pruner`` stays
``None`` by default: more trials, no better held-out scores.

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/pruning.py \\
        hypothyroid sick_euthyroid telco_churn abalone wine_quality \\
        german_credit software_defects_pc1 software_defects_kc1 haberman \\
        thoracic_surgery --seeds 0 --pruners none repetition

(about 44 minutes on two cores).

Raw records go to ``results/raw/pruning.jsonl`` (a rerun skips the finished
ones), the summary to ``results/pruning.md``; ``--summary-only`` rebuilds it.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402  (load_split, library_versions, RESULT_MARKER)

RAW = HERE / "results" / "raw" / "pruning.jsonl"
SUMMARY = HERE / "results" / "pruning.md"


def single(dataset, seed, metric, pruner, budget):
    """One search and its held-out scores (runs in a child process)."""
    from sklearn.metrics import average_precision_score, f1_score

    from imbtune import ImbalancedSearchCV

    warnings.filterwarnings("ignore")
    X_train, X_test, y_train, y_test = compare.load_split(dataset, seed)
    start = time.perf_counter()
    search = ImbalancedSearchCV(
        scoring=metric, n_trials=None, timeout=budget, n_jobs=1,
        pruner=None if pruner == "none" else pruner, random_state=seed,
    ).fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    positive = list(search.classes_).index(1)
    return {
        "dataset": dataset, "seed": seed, "metric": metric,
        "pruner": pruner, "n_repeats": int(search.n_repeats_), "budget": budget,
        "n_train": int(len(y_train)), "n_trials": int(search.n_trials_),
        "fit_seconds": fit_seconds, "cv_score": float(search.best_score_),
        "test_pr_auc": float(
            average_precision_score(y_test, search.predict_proba(X_test)[:, positive])
        ),
        "test_macro_f1": float(f1_score(y_test, search.predict(X_test), average="macro")),
        "n_pruned": int((search.cv_results_["state"] == "PRUNED").sum()),
        "ensemble": len(search.ensemble_weights_) > 1,
        "versions": compare.library_versions(),
    }


def run_case(dataset, seed, metric, pruners, budget):
    """The searches of one case, all at once, one core each."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--single", dataset, str(seed), metric,
             p, "--budget", repr(budget)],
            stdout=subprocess.PIPE, text=True, env=env,
        )
        for p in pruners
    ]
    records = []
    for child in children:
        out, _ = child.communicate()
        lines = [ln for ln in out.splitlines() if ln.startswith(compare.RESULT_MARKER)]
        if not lines:
            raise RuntimeError(f"{dataset} seed {seed} {metric}: a child gave no result")
        records.append(json.loads(lines[-1][len(compare.RESULT_MARKER):]))
    return records


def summarize(records, pruners):
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame(records)
    frame["held_out"] = [
        r["test_pr_auc"] if r["metric"] == "pr_auc" else r["test_macro_f1"]
        for r in records
    ]
    base = pruners[0]
    lines = [
        "# Pruning a search on repeated K-fold",
        "",
        "Held-out score on the target metric (compare.py's 75/25 split of each "
        "seed) of `ImbalancedSearchCV(pruner=P)` at the same time budget, "
        "5 folds repeated as `n_repeats=\"auto\"` does, n_jobs 1; mean over "
        "seeds, in brackets the trials run and how many of them stopped early "
        "(pruned, or the last one, cut short by the time budget); the last "
        f"column is the paired difference against P = {base}.",
        "",
    ]
    header = ["dataset", "rows", "metric", "seeds"]
    header += [f"P={p}" for p in pruners]
    header += [f"P={p} − P={base}" for p in pruners[1:]]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    diffs = {(p, m): [] for p in pruners[1:] for m in [*frame["metric"].unique(), "all"]}
    for (dataset, metric), group in frame.groupby(["dataset", "metric"], sort=False):
        wide = group.pivot(index="seed", columns="pruner", values="held_out")
        trials = group.groupby("pruner")["n_trials"].mean()
        pruned = group.groupby("pruner")["n_pruned"].mean()
        wide = wide.dropna()
        cells = [dataset, str(group["n_train"].iloc[0]), metric, str(len(wide))]
        cells += [
            f"{wide[p].mean():.3f} ({trials[p]:.0f}, {pruned[p]:.0f})" for p in pruners
        ]
        for p in pruners[1:]:
            delta = wide[p] - wide[base]
            diffs[p, metric].extend(delta)
            diffs[p, "all"].extend(delta)
            cells.append(f"{delta.mean():+.3f}")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for (p, metric), values in diffs.items():
        if values:
            values = np.asarray(values)
            error = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else np.nan
            lines.append(
                f"- P = {p} against P = {base}, {metric}: mean {values.mean():+.4f}, "
                f"standard error {error:.4f}, "
                f"{(values > 0).sum()} up / {(values < 0).sum()} down of {len(values)}."
            )
    commands = sorted({r.get("argv", "") for r in records} - {""})
    lines += ["", "Command line(s):", "", *[f"    {c}" for c in commands], ""]
    versions = records[-1].get("versions", {})
    lines.append("Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--metrics", nargs="+", default=["pr_auc", "macro_f1"])
    parser.add_argument("--pruners", nargs="+", default=["none", "repetition"])
    parser.add_argument("--budget", type=float, default=120.0)
    parser.add_argument("--summary-only", action="store_true")
    parser.add_argument("--single", nargs=4, metavar=("DATASET", "SEED", "METRIC", "P"))
    args = parser.parse_args(argv)
    if args.single:
        dataset, seed, metric, p = args.single
        record = single(dataset, int(seed), metric, p, args.budget)
        print(compare.RESULT_MARKER + json.dumps(record), flush=True)
        return
    records = [json.loads(ln) for ln in RAW.read_text().splitlines()] if RAW.exists() else []
    if not args.summary_only:
        done = {(r["dataset"], r["seed"], r["metric"], r["pruner"], r["budget"])
                for r in records}
        argv_line = "python benchmarks/pruning.py " + " ".join(sys.argv[1:])
        RAW.parent.mkdir(parents=True, exist_ok=True)
        for dataset in args.datasets:
            for seed in args.seeds:
                for metric in args.metrics:
                    todo = [p for p in args.pruners
                            if (dataset, seed, metric, p, args.budget) not in done]
                    if not todo:
                        continue
                    for record in run_case(dataset, seed, metric, todo, args.budget):
                        record["argv"] = argv_line
                        records.append(record)
                        with RAW.open("a") as f:
                            f.write(json.dumps(record) + "\n")
                        print(dataset, seed, metric, f"P={record['pruner']}",
                              f"trials {record['n_trials']} ({record['n_pruned']} pruned)",
                              f"cv {record['cv_score']:.3f}",
                              f"test AP {record['test_pr_auc']:.3f}",
                              f"F1 {record['test_macro_f1']:.3f}", flush=True)
    pruners = sorted({r["pruner"] for r in records}, key=lambda p: p != "none")
    SUMMARY.write_text(summarize(records, pruners))
    print(f"wrote {SUMMARY}")


if __name__ == "__main__":
    main()
