"""Paired runs of ImbalancedSearchCV with one setting varied (shared harness).

``cv_repeats.py`` (``n_repeats``), ``pruning.py`` (``pruner``),
``trial_time.py`` (``max_trial_time``), ``family_focus.py``
(``family_focus``), ``boosting_rounds.py`` (``select_rounds``) and
``tie_break.py`` (``tie_break``) are this
harness with one parameter each. For each dataset, seed and target metric the
search runs once per value of the parameter on ``compare.py``'s 75/25 split
of the seed (``n_trials=None``, ``timeout=budget``, ``n_jobs=1``,
``random_state=seed``), all values at the same time, one process and one
core each, so that whatever else the machine does slows them alike. The
refitted model is scored on the held-out quarter as ``compare.py`` scores it.
Raw records are appended to a JSON-lines file (a rerun skips the finished
ones) and a Markdown summary gives the paired differences against the first
value, per metric and per size band (``--name`` sends both to files of
their own, for a further set of values or datasets).
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402  (load_split, library_versions, RESULT_MARKER)


@dataclass(frozen=True)
class Experiment:
    """One varied setting of ``ImbalancedSearchCV``.

    ``key`` is the record field naming the value, ``option`` the
    command-line option listing the values to run, ``letter`` labels a value
    in the summary (``R=3``); ``parse`` turns a command-line word into a
    value and ``search_params`` a value into keyword arguments of the
    search. The first of ``default_values`` is the baseline.
    """

    script: str
    raw: Path
    summary: Path
    key: str
    option: str
    letter: str
    parse: object
    search_params: object
    default_values: list
    default_seeds: list
    title: str
    intro: str


def single(experiment, dataset, seed, metric, value, budget):
    """One search and its held-out scores (runs in a child process)."""
    from imbtune import ImbalancedSearchCV

    warnings.filterwarnings("ignore")
    X_train, X_test, y_train, y_test = compare.load_split(dataset, seed)
    start = time.perf_counter()
    search = ImbalancedSearchCV(
        scoring=metric, n_trials=None, timeout=budget, n_jobs=1,
        random_state=seed, **experiment.search_params(value),
    ).fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    scores = compare.held_out_scores(search, X_test, y_test)
    return {
        "dataset": dataset, "seed": seed, "metric": metric,
        experiment.key: value, "n_repeats": int(search.n_repeats_), "budget": budget,
        "n_train": int(len(y_train)), "n_trials": int(search.n_trials_),
        "fit_seconds": fit_seconds, "cv_score": float(search.best_score_),
        **{f"test_{name}": score for name, score in scores.items()},
        "n_pruned": int((search.cv_results_["state"] == "PRUNED").sum()),
        "ensemble": len(search.ensemble_weights_) > 1,
        "versions": compare.library_versions(),
    }


def run_case(experiment, dataset, seed, metric, values, budget):
    """The searches of one case, all at once, one core each."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    children = [
        subprocess.Popen(
            [sys.executable, str(HERE / experiment.script), "--single", dataset,
             str(seed), metric, str(value), "--budget", repr(budget)],
            stdout=subprocess.PIPE, text=True, env=env,
        )
        for value in values
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
    """The size band of a training set, as ``auto_repeats`` was first chosen."""
    return "under 2,000 training rows" if n_train < 2000 else "2,000 training rows and up"


def summarize(experiment, records, values):
    import numpy as np
    import pandas as pd

    key, letter = experiment.key, experiment.letter
    frame = pd.DataFrame(records)
    missing = sorted({r["metric"] for r in records if f"test_{r['metric']}" not in r})
    if missing:
        raise ValueError(
            f"Records of target metric(s) {missing} lack their held-out score "
            f"(test_<metric>); rerun those cases with this version of {experiment.script}."
        )
    # The held-out score on the metric each search was tuned for.
    frame["held_out"] = [r[f"test_{r['metric']}"] for r in records]
    base = values[0]
    lines = [f"# {experiment.title}", "", experiment.intro.format(base=base), ""]
    header = ["dataset", "rows", "metric", "seeds"]
    header += [f"{letter}={v}" for v in values]
    header += [f"{letter}={v} − {letter}={base}" for v in values[1:]]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    diffs = {(v, m): [] for v in values[1:] for m in [*frame["metric"].unique(), "all"]}
    for (dataset, metric), group in frame.groupby(["dataset", "metric"], sort=False):
        wide = group.pivot(index="seed", columns=key, values="held_out").dropna()
        trials = group.groupby(key)["n_trials"].mean()
        cells = [dataset, str(group["n_train"].iloc[0]), metric, str(len(wide))]
        if "n_pruned" in group and group["n_pruned"].notna().all():
            pruned = group.groupby(key)["n_pruned"].mean()
            cells += [f"{wide[v].mean():.3f} ({trials[v]:.0f}, {pruned[v]:.0f})"
                      for v in values]
        else:
            cells += [f"{wide[v].mean():.3f} ({trials[v]:.0f})" for v in values]
        band = _band(int(group["n_train"].iloc[0]))
        for v in values[1:]:
            delta = wide[v] - wide[base]
            for name in (metric, "all", f"{metric}, {band}", f"all, {band}"):
                diffs.setdefault((v, name), []).extend(delta)
            cells.append(
                f"{delta.mean():+.3f} ({(delta > 0).sum()} up, {(delta < 0).sum()} down)"
            )
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for (v, name), diff in diffs.items():
        if diff:
            diff = np.asarray(diff)
            error = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else np.nan
            lines.append(
                f"- {letter} = {v} against {letter} = {base}, {name}: mean "
                f"{diff.mean():+.4f}, standard error {error:.4f}, "
                f"{(diff > 0).sum()} up / {(diff < 0).sum()} down of {len(diff)}."
            )
    if "refit_seconds" in frame and frame["refit_seconds"].notna().all():
        seconds = frame.groupby(key)["refit_seconds"]
        lines += ["", "Refit seconds (mean, max over cases): " + "; ".join(
            f"{letter}={v} {seconds.mean()[v]:.1f}, {seconds.max()[v]:.1f}" for v in values
        ) + "."]
    commands = sorted({r.get("argv", "") for r in records} - {""})
    lines += ["", "Command line(s):", "", *[f"    {c}" for c in commands], ""]
    versions = records[-1].get("versions", {})
    lines.append("Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".")
    return "\n".join(lines) + "\n"


def main(experiment, description, argv=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("datasets", nargs="*")
    parser.add_argument("--seeds", type=int, nargs="+", default=experiment.default_seeds)
    parser.add_argument("--metrics", nargs="+", default=["pr_auc", "macro_f1"])
    parser.add_argument(experiment.option, dest="values", type=experiment.parse,
                        nargs="+", default=experiment.default_values)
    parser.add_argument("--budget", type=float, default=120.0)
    parser.add_argument("--summary-only", action="store_true")
    parser.add_argument(
        "--name", default=None,
        help="write results/raw/NAME.jsonl and results/NAME.md instead of the "
             "experiment's own files (another set of values or datasets)",
    )
    parser.add_argument("--single", nargs=4,
                        metavar=("DATASET", "SEED", "METRIC", experiment.letter))
    args = parser.parse_args(argv)
    if args.single:
        dataset, seed, metric, value = args.single
        record = single(experiment, dataset, int(seed), metric,
                        experiment.parse(value), args.budget)
        print(compare.RESULT_MARKER + json.dumps(record), flush=True)
        return
    if args.name:
        experiment = dataclasses.replace(
            experiment, raw=HERE / "results" / "raw" / f"{args.name}.jsonl",
            summary=HERE / "results" / f"{args.name}.md",
        )
    raw = experiment.raw
    records = [json.loads(ln) for ln in raw.read_text().splitlines()] if raw.exists() else []
    if not args.summary_only:
        done = {(r["dataset"], r["seed"], r["metric"], r[experiment.key], r["budget"])
                for r in records}
        argv_line = f"python benchmarks/{experiment.script} " + " ".join(sys.argv[1:])
        raw.parent.mkdir(parents=True, exist_ok=True)
        for dataset in args.datasets:
            for seed in args.seeds:
                for metric in args.metrics:
                    todo = [v for v in args.values
                            if (dataset, seed, metric, v, args.budget) not in done]
                    if not todo:
                        continue
                    for record in run_case(experiment, dataset, seed, metric, todo,
                                           args.budget):
                        record["argv"] = argv_line
                        records.append(record)
                        with raw.open("a") as f:
                            f.write(json.dumps(record) + "\n")
                        print(dataset, seed, metric,
                              f"{experiment.letter}={record[experiment.key]}",
                              f"trials {record['n_trials']} ({record['n_pruned']} pruned)",
                              f"cv {record['cv_score']:.3f}",
                              f"test AP {record['test_pr_auc']:.3f}",
                              f"F1 {record['test_macro_f1']:.3f}", flush=True)
    baseline = experiment.default_values[0]
    values = sorted({r[experiment.key] for r in records}, key=lambda v: (v != baseline, v))
    experiment.summary.write_text(summarize(experiment, records, values))
    print(f"wrote {experiment.summary}")
