"""Seed-bagged refits: held-out score of the final model refitted 1, 3 or 5 times.

For each dataset, seed and target metric, ``ImbalancedSearchCV`` runs once on
``compare.py``'s 75/25 split of the seed (``n_trials=None``,
``timeout=budget``, ``n_jobs=1``, ``random_state=seed``). Its
``best_estimator_`` (one pipeline, or an ensemble of several) is then scored
on the held-out quarter as ``compare.py`` scores it, with each member's model
as refitted by the search (K=1), and with each member's resampler and model
refitted on all training rows under K-1 more seeds and the K models'
probabilities averaged (K=3, K=5) before the search's own calibrator and
decision rule. The search is shared, so the comparison is exactly paired; the
extra refits are *not* charged to the search's budget (their time is
recorded). The datasets are outside ``compare.py``'s four:

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/refit_bagging.py \\
        hypothyroid sick_euthyroid telco_churn abalone software_defects_kc1 \\
        ozone_level german_credit software_defects_pc1 --seeds 100 101 102 \\
        --budget 60

(about 30 minutes on two cores: two cases at a time, one core each).

Raw records go to ``results/raw/refit_bagging.jsonl`` (a rerun skips the
finished ones), the summary to ``results/refit_bagging.md``;
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

RAW = HERE / "results" / "raw" / "refit_bagging.jsonl"
SUMMARY = HERE / "results" / "refit_bagging.md"
BAGS = (1, 3, 5)


def _members(estimator):
    """(weight, fitted pipeline) pairs of a best_estimator_."""
    if hasattr(estimator, "pipelines_"):
        return list(zip(estimator.weights_, estimator.pipelines_, strict=True))
    return [(1.0, estimator)]


def single(dataset, seed, metric, budget):
    """One search and its held-out scores for every bag size (child process)."""
    import numpy as np
    from sklearn.metrics import average_precision_score, f1_score

    from imbtune import ImbalancedSearchCV
    from imbtune._validation import as_frame
    from imbtune.evaluation import fit_final_model, predict_proba_full

    warnings.filterwarnings("ignore")
    X_train, X_test, y_train, y_test = compare.load_split(dataset, seed)
    start = time.perf_counter()
    search = ImbalancedSearchCV(
        scoring=metric, n_trials=None, timeout=budget, n_jobs=1, random_state=seed,
    ).fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    best = search.best_estimator_
    classes = best.classes_
    n_classes = len(classes)
    y_encoded = np.searchsorted(classes, y_train)
    train, test = as_frame(X_train, estimator_name="x"), as_frame(X_test, estimator_name="x")
    positive = list(classes).index(1)

    # Per member: the raw test probabilities of its refits, the search's first.
    refits = []
    bag_start = time.perf_counter()
    for weight, member in _members(best):
        config = member._config()
        encoded_train = member.encoder_.transform(train)
        encoded_test = member.encoder_.transform(test)
        probas = [predict_proba_full(member.model_, encoded_test, n_classes)]
        for k in range(1, max(BAGS)):
            model = fit_final_model(
                config, encoded_train, y_encoded, member.encoder_.categorical_mask_,
                n_classes, seed + 1000 * k, 1,
            )
            probas.append(predict_proba_full(model, encoded_test, n_classes))
        refits.append((weight, probas))
    bag_seconds = time.perf_counter() - bag_start

    record = {
        "dataset": dataset, "seed": seed, "metric": metric, "budget": budget,
        "n_train": int(len(y_train)), "n_trials": int(search.n_trials_),
        "fit_seconds": fit_seconds, "bag_seconds": bag_seconds,
        "members": [type(m.model_).__name__ for _, m in _members(best)],
        "versions": compare.library_versions(),
    }
    for k in BAGS:
        raw = sum(w * np.mean(p[:k], axis=0) for w, p in refits)
        proba = best.calibrator_.transform(raw)
        predicted = classes[best.rule_.predict(proba)]
        record[f"test_pr_auc_k{k}"] = float(average_precision_score(y_test, proba[:, positive]))
        record[f"test_macro_f1_k{k}"] = float(f1_score(y_test, predicted, average="macro"))
    # K=1 must reproduce the search's own predictions.
    assert np.allclose(
        best.predict_proba(X_test)[:, positive],
        best.calibrator_.transform(sum(w * p[0] for w, p in refits))[:, positive],
    )
    return record


def summarize(records):
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame(records)
    for k in BAGS:
        frame[f"K={k}"] = [
            r[f"test_pr_auc_k{k}"] if r["metric"] == "pr_auc" else r[f"test_macro_f1_k{k}"]
            for r in records
        ]
    lines = [
        "# Seed-bagged refits of the final model",
        "",
        "Held-out score on the target metric (compare.py's 75/25 split of each seed) "
        "of one `ImbalancedSearchCV` search's `best_estimator_`, each member refitted "
        "K times under different seeds and the probabilities averaged before the "
        "search's calibrator and decision rule (K=1: the search's own model). Mean "
        "over seeds; the last columns are paired differences against K=1.",
        "",
        "| dataset | metric | seeds | trials | " + " | ".join(f"K={k}" for k in BAGS)
        + " | " + " | ".join(f"K={k} − K=1" for k in BAGS[1:]) + " | bag s |",
        "|" + "---|" * (5 + 2 * len(BAGS) - 1),
    ]
    for (dataset, metric), g in frame.groupby(["dataset", "metric"], sort=False):
        cells = [dataset, metric, str(len(g)), f"{g['n_trials'].mean():.0f}"]
        cells += [f"{g[f'K={k}'].mean():.4f}" for k in BAGS]
        cells += [f"{(g[f'K={k}'] - g['K=1']).mean():+.4f}" for k in BAGS[1:]]
        cells.append(f"{g['bag_seconds'].mean():.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "", "Paired differences over all cases (mean, standard error, cases ahead/behind):", "",
    ]
    for metric in [*frame["metric"].unique(), "all"]:
        g = frame if metric == "all" else frame[frame["metric"] == metric]
        for k in BAGS[1:]:
            d = (g[f"K={k}"] - g["K=1"]).to_numpy()
            se = d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else float("nan")
            lines.append(
                f"- {metric}, K={k}: {d.mean():+.4f} (SE {se:.4f}, n={len(d)}; "
                f"ahead {int((d > 1e-12).sum())}, behind {int((d < -1e-12).sum())})"
            )
    SUMMARY.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*")
    parser.add_argument("--seeds", nargs="+", type=int, default=[100])
    parser.add_argument("--metrics", nargs="+", default=["pr_auc", "macro_f1"])
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--summary-only", action="store_true")
    parser.add_argument("--single", nargs=3, metavar=("DATASET", "SEED", "METRIC"))
    args = parser.parse_args()

    if args.single:
        dataset, seed, metric = args.single
        record = single(dataset, int(seed), metric, args.budget)
        print(compare.RESULT_MARKER + json.dumps(record), flush=True)
        return
    records = [json.loads(ln) for ln in RAW.read_text().splitlines()] if RAW.exists() else []
    if not args.summary_only:
        done = {(r["dataset"], r["seed"], r["metric"], r["budget"]) for r in records}
        cases = [
            (d, s, m) for s in args.seeds for d in args.datasets for m in args.metrics
            if (d, s, m, args.budget) not in done
        ]
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                   MKL_NUM_THREADS="1")
        running = []
        RAW.parent.mkdir(parents=True, exist_ok=True)
        while cases or running:
            while cases and len(running) < args.workers:
                d, s, m = cases.pop(0)
                child = subprocess.Popen(
                    [sys.executable, __file__, "--single", d, str(s), m,
                     "--budget", repr(args.budget)],
                    stdout=subprocess.PIPE, text=True, env=env,
                )
                running.append(((d, s, m), child))
            (case, child) = running.pop(0)
            out, _ = child.communicate()
            lines = [ln for ln in out.splitlines() if ln.startswith(compare.RESULT_MARKER)]
            if not lines:
                raise RuntimeError(f"{case}: the child gave no result")
            record = json.loads(lines[-1][len(compare.RESULT_MARKER):])
            records.append(record)
            with RAW.open("a") as fh:
                fh.write(json.dumps(record) + "\n")
            print(case, {k: round(v, 4) for k, v in record.items() if k.startswith("test_")},
                  flush=True)
    summarize(records)


if __name__ == "__main__":
    main()
