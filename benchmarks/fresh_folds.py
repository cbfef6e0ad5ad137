"""Choosing among the best trials on folds they were not chosen on.

A search picks the trial of best cross-validated score. Among many trials
within noise of each other that maximum is partly the luck of the fixed
folds (the winner's curse), and the pick's score is biased upwards by it.
Scored again on *fresh* folds (another seed's repeated K-fold of the same
training rows), the best few trials get estimates that did not choose them.

For each dataset, seed and target metric, one search runs (120 s, n_jobs 1,
``random_state`` = seed, on ``compare.py``'s 75/25 split). Its ``k`` best
complete trials are then, each,

* built as ``ImbalancedSearchCV`` builds a chosen trial (its folds, its
  calibration, its fold models) and scored on the held-out quarter;
* cross-validated again on fresh folds (seed + 7919, same number of
  repetitions) with the same cross-fitted calibration and decision rule.

Rules compared, all among the same ``k`` trials, each scored by the held-out
score of the trial it picks:

* ``search``: the best search score (what the search picks before its
  tie-break and ensemble);
* ``fresh``: the best fresh score alone (unbiased among the ``k``);
* ``pooled``: the best mean of both (twice the repetitions);
* ``shipped``: the search's own ``best_estimator_`` (tie-break, ensemble).

Records go to ``results/raw/fresh_folds.jsonl`` (a rerun skips finished
cases), the summary to ``results/fresh_folds.md``::

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/fresh_folds.py \
        hypothyroid german_credit --seeds 100
    python benchmarks/fresh_folds.py --summary-only

The time the fresh folds take is *not* charged to the search here: this
measures whether the rule picks better, before deciding whether it is worth
a share of the budget.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402

RAW = HERE / "results" / "raw" / "fresh_folds.jsonl"
SUMMARY = HERE / "results" / "fresh_folds.md"
RULES = ("search", "fresh", "pooled", "shipped")
FRESH_OFFSET = 7919


def run_case(dataset, seed, metric, budget, k):
    from sklearn.base import clone

    from imbtune import ImbalancedSearchCV
    from imbtune.pipeline import stratified_splitter
    from imbtune.search import trial_params

    X_train, X_test, y_train, y_test = compare.load_split(dataset, seed)
    search = ImbalancedSearchCV(
        scoring=metric, n_trials=None, timeout=budget, n_jobs=1, random_state=seed
    )
    start = time.perf_counter()
    search.fit(X_train, y_train)
    search_seconds = time.perf_counter() - start
    shipped = compare.held_out_scores(search, X_test, y_test)
    complete = [t for t in search.study_.trials if t.value is not None
                and t.state.name == "COMPLETE"]
    complete.sort(key=lambda t: (-t.value, t.number))
    candidates = []
    for trial in complete[:k]:
        params = trial_params(trial)
        calibration = trial.user_attrs["calibration"]
        t0 = time.perf_counter()
        # the pipeline the search builds for this trial (its folds), and the
        # same pipeline on fresh folds
        pipeline = search._pipeline(_config(params), calibration, seed)
        pipeline.fit(X_train, y_train)
        held = compare.held_out_scores(pipeline, X_test, y_test)
        fresh = clone(pipeline).set_params(
            cv=stratified_splitter(5, seed + FRESH_OFFSET, search.n_repeats_)
        )
        fresh.fit(X_train, y_train)
        candidates.append({
            "trial": trial.number,
            "classifier": params.get("classifier"),
            "resampler": params.get("resampler"),
            "search_score": float(trial.value),
            "fresh_score": float(np.mean(fresh.cv_scores_)),
            "held_out": held,
            "fresh_model_held_out": compare.held_out_scores(fresh, X_test, y_test),
            "seconds": time.perf_counter() - t0,
        })
    return {
        "dataset": dataset, "seed": seed, "metric": metric, "budget": budget, "k": k,
        "n_train": int(len(y_train)), "n_trials": int(len(search.cv_results_)),
        "search_seconds": search_seconds, "shipped": shipped,
        "shipped_trials": sorted(int(n) for n in search.ensemble_weights_),
        "candidates": candidates,
        "versions": compare.library_versions(),
    }


def _config(params):
    """A trial's parameters as the configuration the search evaluated."""
    from imbtune.classifiers import get_classifier_spec
    from imbtune.evaluation import PipelineConfig
    from imbtune.resamplers import get_resampler_spec

    resampler, classifier = params["resampler"], params["classifier"]

    def prefixed(name):
        return {k[len(name) + 2:]: v for k, v in params.items() if k.startswith(name + "__")}

    return PipelineConfig(
        get_resampler_spec(resampler), prefixed(resampler),
        get_classifier_spec(classifier), prefixed(classifier),
        float(params.get("cost_weight", 0.0)),
    )


def picks(record, metric):
    cands = record["candidates"]
    by = {
        "search": max(cands, key=lambda c: (c["search_score"], -c["trial"])),
        "fresh": max(cands, key=lambda c: (c["fresh_score"], c["search_score"])),
        "pooled": max(cands, key=lambda c: (c["search_score"] + c["fresh_score"],
                                            c["search_score"])),
    }
    out = {rule: c["held_out"][metric] for rule, c in by.items()}
    out["shipped"] = record["shipped"][metric]
    out["fresh_bag"] = by["fresh"]["fresh_model_held_out"][metric]
    return out, {rule: c["trial"] for rule, c in by.items()}


def read(path=RAW):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def summarize(records):
    lines = [
        "# Choosing among the best trials on fresh folds",
        "",
        "Held-out target metric (compare.py's 75/25 split) of the trial each rule "
        "picks among the search's best "
        f"{records[0]['k'] if records else '?'} complete trials; one search per "
        "case (120 s, n_jobs 1), every candidate built as the search builds a chosen "
        "trial. `fresh`: picked by its score on fresh folds (another seed's repeated "
        "K-fold); `pooled`: by the mean of both scores; `shipped`: the search's own "
        "`best_estimator_` (tie-break and ensemble included). Differences are paired, "
        "against `search`.",
        "",
        "| dataset | seed | metric | trials | search | fresh | pooled | shipped | "
        "picks (search/fresh/pooled) |",
        "|---|---|---|:---:|:---:|:---:|:---:|:---:|---|",
    ]
    diffs = {r: [] for r in ("fresh", "pooled", "shipped")}
    by_metric = {}
    for rec in sorted(records, key=lambda r: (r["metric"], r["dataset"], r["seed"])):
        scores, chosen = picks(rec, rec["metric"])
        for rule in diffs:
            d = scores[rule] - scores["search"]
            diffs[rule].append(d)
            by_metric.setdefault((rec["metric"], rule), []).append(d)
        lines.append(
            f"| {rec['dataset']} | {rec['seed']} | {rec['metric']} | {rec['n_trials']} | "
            + " | ".join(f"{scores[r]:.4f}" for r in RULES)
            + f" | {chosen['search']}/{chosen['fresh']}/{chosen['pooled']} |"
        )
    lines += ["", "Paired difference against `search` (mean, standard error, up/down):", ""]

    def stat(values):
        v = np.asarray(values)
        se = v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1 else float("nan")
        return (f"{v.mean():+.4f} (standard error {se:.4f}; "
                f"{int((v > 1e-12).sum())} up, {int((v < -1e-12).sum())} down of {len(v)})")

    for rule, values in diffs.items():
        if values:
            lines.append(f"- `{rule}`: {stat(values)}")
    for (metric, rule), values in sorted(by_metric.items()):
        lines.append(f"  - {metric}, `{rule}`: {stat(values)}")
    seconds = [c["seconds"] for r in records for c in r["candidates"]]
    if seconds:
        lines += ["", f"Seconds per candidate (its held-out build and its fresh folds): "
                  f"median {np.median(seconds):.1f}, max {np.max(seconds):.1f}."]
    lines += ["", "Command lines:", ""]
    lines += sorted({f"    {r['argv']}" for r in records if "argv" in r})
    lines += ["    python benchmarks/fresh_folds.py --summary-only", ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*")
    parser.add_argument("--seeds", type=int, nargs="+", default=[100])
    parser.add_argument("--metrics", nargs="+", default=["pr_auc", "macro_f1"])
    parser.add_argument("--budget", type=float, default=120.0)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--raw", type=Path, default=RAW)
    parser.add_argument("--summary", type=Path, default=SUMMARY)
    parser.add_argument("--summary-only", action="store_true")
    args = parser.parse_args(argv)
    if not args.summary_only:
        done = {(r["dataset"], r["seed"], r["metric"]) for r in read(args.raw)}
        for dataset in args.datasets:
            for seed in args.seeds:
                for metric in args.metrics:
                    if (dataset, seed, metric) in done:
                        continue
                    print(f"{time.strftime('%H:%M:%S')} {dataset} seed {seed} {metric}",
                          flush=True)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        record = run_case(dataset, seed, metric, args.budget, args.k)
                    record["argv"] = "python benchmarks/fresh_folds.py " + " ".join(
                        argv if argv is not None else sys.argv[1:]
                    )
                    args.raw.parent.mkdir(parents=True, exist_ok=True)
                    with args.raw.open("a") as handle:
                        handle.write(json.dumps(record) + "\n")
    records = read(args.raw)
    if records:
        args.summary.write_text(summarize(records))
        print(args.summary.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
