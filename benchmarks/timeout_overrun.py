#!/usr/bin/env python
"""How far past ``timeout`` a search's ``fit`` returns.

Runs ``ImbalancedSearchCV(scoring=..., n_trials=None, timeout=T, n_jobs=1,
random_state=seed)`` on ``compare.py``'s 75/25 training split of each dataset
(or ``synthetic_N``: N rows of ``make_classification``, 1 % positives),
restricted to one classifier (or ``default``: all built-ins) and, with
``--resamplers``, to one resampler at a time, and records the
wall time of ``fit`` against ``T``, the trials run and how they ended. A
search in which no trial finished raises ``SearchFailedError``; its time is
recorded all the same (that is when a long fold fit overruns most).

Each run appends one JSON line, tagged with ``--label``, to
``results/raw/timeout_overrun.jsonl``; the summary
``results/timeout_overrun.md`` is rewritten from every line there, one column
block per label. To compare two revisions, run the script of the newer one
with ``PYTHONPATH`` pointing at a ``git worktree`` of the older one::

    export IMBTUNE_DATA_DIR=../shared/datasets
    PYTHONPATH=/tmp/before python benchmarks/timeout_overrun.py \\
        taiwan_credit_default --label 3f66db6
    python benchmarks/timeout_overrun.py taiwan_credit_default --label forest-steps
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import itertools
import json
import subprocess
import sys
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402

RAW = HERE / "results" / "raw" / "timeout_overrun.jsonl"
OUT = HERE / "results" / "timeout_overrun.md"


def training_rows(dataset, seed):
    """compare.py's training split, or ``synthetic_N``: N rows of
    ``make_classification`` (30 features, 1 % positives)."""
    if dataset.startswith("synthetic_"):
        import pandas as pd
        from sklearn.datasets import make_classification

        X, y = make_classification(
            n_samples=int(dataset.split("_")[1]), n_features=30, n_informative=10,
            weights=[0.99], flip_y=0.001, random_state=seed,
        )
        return pd.DataFrame(X, columns=[f"f{j}" for j in range(30)]), y
    X, _, y, _ = compare.load_split(dataset, seed)
    return X, y


def one_search(dataset, classifier, timeout, seed, scoring, resampler="default"):
    import imbtune
    from imbtune import ImbalancedSearchCV

    X, y = training_rows(dataset, seed)
    search = ImbalancedSearchCV(
        scoring=scoring, n_trials=None, timeout=timeout, n_jobs=1, random_state=seed,
        classifiers=None if classifier == "default" else [classifier],
        resamplers=None if resampler == "default" else [resampler],
    )
    start = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            search.fit(X, y)
            states = dict(Counter(str(s) for s in search.cv_results_["state"]))
            error = None
        except Exception as exc:  # a search with no finished trial
            states, error = {}, f"{type(exc).__name__}: {str(exc)[:120]}"
    elapsed = time.monotonic() - start
    return {
        "dataset": dataset, "rows": len(y), "classifier": classifier, "resampler": resampler,
        "scoring": scoring, "timeout": timeout, "seed": seed,
        "elapsed": round(elapsed, 2), "overrun": round(elapsed - timeout, 2),
        "states": states, "error": error,
        "imbtune": str(Path(imbtune.__file__).resolve().parent),
    }


def summary(records):
    by_label = defaultdict(list)
    for record in records:
        by_label[record["label"]].append(record)
    lines = [
        "# How far past `timeout` a search's `fit` returns",
        "",
        "`ImbalancedSearchCV(n_trials=None, timeout=T, n_jobs=1)` on "
        "compare.py's 75/25 training split, one classifier at a time "
        "(`default`: all built-ins). Overrun = wall time of `fit` - T, in "
        "seconds: median and largest over the seeds; trials that completed "
        "(all trials); `failed` counts searches in which no trial finished "
        "(`SearchFailedError`, which comes after the same wait).",
        "",
        "| label | dataset | rows | classifier | resampler | scoring | T (s) | seeds | "
        "overrun median | overrun max | completed (all) | failed |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, group in by_label.items():
        cases = defaultdict(list)
        for r in group:
            cases[(r["dataset"], r["rows"], r["classifier"], r.get("resampler", "default"),
                   r["scoring"], r["timeout"])].append(r)
        for (dataset, rows, classifier, resampler, scoring, timeout), runs in cases.items():
            overrun = [r["overrun"] for r in runs]
            complete = sum(r["states"].get("COMPLETE", 0) for r in runs)
            total = sum(sum(r["states"].values()) for r in runs)
            failed = sum(r["error"] is not None for r in runs)
            lines.append(
                f"| {label} | {dataset} | {rows} | {classifier} | {resampler} | {scoring} | "
                f"{timeout:g} | {len(runs)} | {np.median(overrun):+.1f} | "
                f"{max(overrun):+.1f} | {complete} ({total}) | {failed} |"
            )
    lines += ["", "Command lines:", ""]
    for command in dict.fromkeys(r["command"] for r in records):
        lines.append(f"    {command}")
    lines += ["", "Labels and the imbtune they ran:", ""]
    for label, group in by_label.items():
        revisions = ", ".join(dict.fromkeys(r["revision"] for r in group))
        lines.append(f"- `{label}`: {revisions} ({group[0]['imbtune']})")
    return "\n".join(lines) + "\n"


def revision(package_dir):
    try:
        return subprocess.run(
            ["git", "-C", package_dir, "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*")
    parser.add_argument("--classifiers", nargs="+",
                        default=["random_forest", "extra_trees", "default"])
    parser.add_argument("--resamplers", nargs="+", default=["default"],
                        help="one resampler at a time (default: all built-ins)")
    parser.add_argument("--timeouts", nargs="+", type=float, default=[20.0, 60.0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--scoring", default="pr_auc")
    parser.add_argument("--label", default="current")
    parser.add_argument("--summary-only", action="store_true")
    args = parser.parse_args(argv)
    command = "python benchmarks/timeout_overrun.py " + " ".join(
        argv if argv is not None else sys.argv[1:])
    RAW.parent.mkdir(parents=True, exist_ok=True)
    if not args.summary_only:
        for dataset in args.datasets:
            for classifier, resampler in itertools.product(args.classifiers, args.resamplers):
                for timeout in args.timeouts:
                    for seed in args.seeds:
                        record = one_search(dataset, classifier, timeout, seed, args.scoring,
                                            resampler)
                        record.update(label=args.label, command=command,
                                      revision=revision(record["imbtune"]))
                        print(json.dumps(record), flush=True)
                        with RAW.open("a") as f:
                            f.write(json.dumps(record) + "\n")
    records = [json.loads(line) for line in RAW.read_text().splitlines() if line.strip()]
    OUT.write_text(summary(records))
    print(OUT.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
