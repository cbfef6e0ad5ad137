"""Repeated K-fold inside the search: held-out score against one K-fold.

For each dataset, seed and target metric, ``ImbalancedSearchCV`` runs once
per value of ``n_repeats`` (``compare.py``'s 75/25 split of the seed, its
budget and settings: ``n_trials=None``, ``timeout=budget``, ``n_jobs=1``,
``random_state=seed``), and the refitted model is scored on the held-out
quarter as ``compare.py`` scores it. The runs of one case go at the same
time, one process and one core each, so that whatever else the machine does
slows them alike. This is how ``n_repeats="auto"`` was chosen
(:func:`imbtune.search.auto_repeats`): on datasets *outside* ``compare.py``'s
four.

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/cv_repeats.py \\
        haberman thoracic_surgery german_credit software_defects_pc1 \\
        --seeds 0 1 --repeats 1 3
    python benchmarks/cv_repeats.py german_credit software_defects_pc1 \\
        --seeds 2 3 --repeats 1 3
    python benchmarks/cv_repeats.py breast_cancer_wisconsin software_defects_kc1 \\
        --seeds 0 1 --repeats 1 3
    python benchmarks/cv_repeats.py hypothyroid sick_euthyroid telco_churn \\
        abalone wine_quality --seeds 0 --repeats 1 3
    python benchmarks/cv_repeats.py hypothyroid sick_euthyroid telco_churn \\
        abalone wine_quality --seeds 1 --repeats 1 3

(about 64 minutes on two cores for the first three, under 2,000 training
rows; 42 for each of the last two, 2,372 to 3,750 rows).

Raw records go to ``results/raw/cv_repeats.jsonl`` (a rerun skips the
finished ones), the summary to ``results/cv_repeats.md``;
``--summary-only`` rebuilds it.
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

RAW = HERE / "results" / "raw" / "cv_repeats.jsonl"
SUMMARY = HERE / "results" / "cv_repeats.md"


def single(dataset, seed, metric, n_repeats, budget):
    """One search and its held-out scores (runs in a child process)."""
    import numpy as np
    from sklearn.metrics import average_precision_score, f1_score

    from imbtune import ImbalancedSearchCV

    warnings.filterwarnings("ignore")
    X_train, X_test, y_train, y_test = compare.load_split(dataset, seed)
    start = time.perf_counter()
    search = ImbalancedSearchCV(
        scoring=metric, n_trials=None, timeout=budget, n_jobs=1,
        n_repeats=n_repeats, random_state=seed,
    ).fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    positive = list(search.classes_).index(1)
    return {
        "dataset": dataset, "seed": seed, "metric": metric,
        "n_repeats": n_repeats, "budget": budget,
        "n_train": int(len(y_train)), "n_trials": int(search.n_trials_),
        "fit_seconds": fit_seconds, "cv_score": float(search.best_score_),
        "test_pr_auc": float(
            average_precision_score(y_test, search.predict_proba(X_test)[:, positive])
        ),
        "test_macro_f1": float(f1_score(y_test, search.predict(X_test), average="macro")),
        "ensemble": len(search.ensemble_weights_) > 1,
        "versions": compare.library_versions(),
    }


def run_case(dataset, seed, metric, repeats, budget):
    """The searches of one case, all at once, one core each."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--single", dataset, str(seed), metric,
             str(r), "--budget", repr(budget)],
            stdout=subprocess.PIPE, text=True, env=env,
        )
        for r in repeats
    ]
    records = []
    for child in children:
        out, _ = child.communicate()
        lines = [ln for ln in out.splitlines() if ln.startswith(compare.RESULT_MARKER)]
        if not lines:
            raise RuntimeError(f"{dataset} seed {seed} {metric}: a child gave no result")
        records.append(json.loads(lines[-1][len(compare.RESULT_MARKER):]))
    return records


def _band(n_train):
    """The size band of a training set, as ``auto_repeats`` was chosen."""
    return "under 2,000 training rows" if n_train < 2000 else "2,000 training rows and up"


def summarize(records, repeats):
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame(records)
    frame["held_out"] = [
        r["test_pr_auc"] if r["metric"] == "pr_auc" else r["test_macro_f1"]
        for r in records
    ]
    base = repeats[0]
    lines = [
        "# Repeated K-fold inside the search",
        "",
        "Held-out score on the target metric (compare.py's 75/25 split of each "
        "seed) of `ImbalancedSearchCV(n_repeats=R)` at the same time budget, "
        "5 folds, n_jobs 1; mean over seeds, trials in brackets; the last "
        f"columns are the paired differences against R = {base}.",
        "",
    ]
    header = ["dataset", "rows", "metric", "seeds"]
    header += [f"R={r}" for r in repeats]
    header += [f"R={r} − R={base}" for r in repeats[1:]]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    diffs = {(r, m): [] for r in repeats[1:] for m in [*frame["metric"].unique(), "all"]}
    for (dataset, metric), group in frame.groupby(["dataset", "metric"], sort=False):
        wide = group.pivot(index="seed", columns="n_repeats", values="held_out")
        trials = group.groupby("n_repeats")["n_trials"].mean()
        wide = wide.dropna()
        cells = [dataset, str(group["n_train"].iloc[0]), metric, str(len(wide))]
        cells += [f"{wide[r].mean():.3f} ({trials[r]:.0f})" for r in repeats]
        for r in repeats[1:]:
            delta = wide[r] - wide[base]
            diffs[r, metric].extend(delta)
            diffs[r, "all"].extend(delta)
            band = _band(int(group["n_train"].iloc[0]))
            diffs.setdefault((r, f"{metric}, {band}"), []).extend(delta)
            diffs.setdefault((r, f"all, {band}"), []).extend(delta)
            cells.append(f"{delta.mean():+.3f} ({(delta > 0).sum()} up, {(delta < 0).sum()} down)")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for (r, metric), values in diffs.items():
        if values:
            values = np.asarray(values)
            error = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else np.nan
            lines.append(
                f"- R = {r} against R = {base}, {metric}: mean {values.mean():+.4f}, "
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
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--metrics", nargs="+", default=["pr_auc", "macro_f1"])
    parser.add_argument("--repeats", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--budget", type=float, default=120.0)
    parser.add_argument("--summary-only", action="store_true")
    parser.add_argument("--single", nargs=4, metavar=("DATASET", "SEED", "METRIC", "R"))
    args = parser.parse_args(argv)
    if args.single:
        dataset, seed, metric, r = args.single
        record = single(dataset, int(seed), metric, int(r), args.budget)
        print(compare.RESULT_MARKER + json.dumps(record), flush=True)
        return
    records = [json.loads(ln) for ln in RAW.read_text().splitlines()] if RAW.exists() else []
    if not args.summary_only:
        done = {(r["dataset"], r["seed"], r["metric"], r["n_repeats"], r["budget"])
                for r in records}
        argv_line = "python benchmarks/cv_repeats.py " + " ".join(sys.argv[1:])
        RAW.parent.mkdir(parents=True, exist_ok=True)
        for dataset in args.datasets:
            for seed in args.seeds:
                for metric in args.metrics:
                    todo = [r for r in args.repeats
                            if (dataset, seed, metric, r, args.budget) not in done]
                    if not todo:
                        continue
                    for record in run_case(dataset, seed, metric, todo, args.budget):
                        record["argv"] = argv_line
                        records.append(record)
                        with RAW.open("a") as f:
                            f.write(json.dumps(record) + "\n")
                        print(dataset, seed, metric, f"R={record['n_repeats']}",
                              f"trials {record['n_trials']}",
                              f"cv {record['cv_score']:.3f}",
                              f"test AP {record['test_pr_auc']:.3f}",
                              f"F1 {record['test_macro_f1']:.3f}", flush=True)
    repeats = sorted({r["n_repeats"] for r in records})
    SUMMARY.write_text(summarize(records, repeats))
    print(f"wrote {SUMMARY}")


if __name__ == "__main__":
    main()
