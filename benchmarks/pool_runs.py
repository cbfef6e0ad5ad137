#!/usr/bin/env python
"""Several full runs of ``compare.py`` side by side, and their mean.

Each run of the comparison draws the tuners' wall-clock luck anew: a tuner
stopped by a 120 s budget runs a different number of trials each time, and
the trial it picks can change with it. The seeds (the 75/25 splits) are the
same in every run, so the runs differ only by that luck. This script puts
the held-out target-metric mean over seeds of every tuner, dataset and
target metric of each run in one table, with the mean over the runs, and
says for each cell whether imbtune is at least as good as the best other
tuner in each run and in the mean.

Pool only runs of the same searches: records of the same imbtune default
search and the same baselines, each run complete (every tuner, dataset, seed
and target metric) and made in one session (see ``compare.py`` for why
records of different sessions do not mix).

Usage::

    python benchmarks/pool_runs.py RUN1.jsonl RUN2.jsonl [...] --labels A B \\
        --out benchmarks/results/repeat_runs/pooled.md
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import compare  # noqa: E402


def run_means(path: Path, seeds) -> dict:
    """``{(dataset, metric, tuner): (mean over seeds, n seeds)}`` of one run's
    held-out target metric, ok runs only."""
    args = argparse.Namespace(
        budget=None, n_jobs=None, datasets=None, seeds=seeds, tuners=None, metrics=None
    )
    records = compare.select_records(compare.read_raw(path), args)
    values: dict[tuple, list] = {}
    for record in records:
        if record.get("status") != "ok":
            continue
        key = (record["dataset"], record["metric"], record["tuner"])
        values.setdefault(key, []).append(float(record[compare.TARGET_COLUMN[record["metric"]]]))
    return {key: (float(np.mean(v)), len(v)) for key, v in values.items()}


def verdict(means: dict) -> str:
    """'yes (+d vs t)' / 'no (-d vs t)' for imbtune against the best other."""
    others = {t: v for t, v in means.items() if t != "imbtune"}
    if "imbtune" not in means or not others:
        return "n/a"
    best = max(others, key=others.get)
    gap = means["imbtune"] - others[best]
    return f"{'yes' if gap >= 0 else 'no'} ({gap:+.4f} vs {best})"


def report(paths, labels, seeds) -> str:
    runs = [run_means(Path(p), seeds) for p in paths]
    keys = sorted({k for run in runs for k in run}, key=lambda k: (k[1] != "pr_auc", k[0]))
    cells = sorted({(d, m) for d, m, _ in keys}, key=lambda c: (c[1] != "pr_auc", c[0]))
    tuners = [t for t in compare.TUNERS if any(k[2] == t for k in keys)]
    lines = [
        "# The comparison's full runs side by side",
        "",
        "Held-out target metric, mean over seeds "
        f"{', '.join(map(str, seeds)) if seeds else '(all in the records)'}, of every "
        f"run ({', '.join(labels)}) and the mean over the runs. A run whose cell "
        "lacks a tuner's records is left out of that tuner's mean over runs.",
        "",
    ]
    header = ["dataset", "metric", "tuner", *labels, "mean over runs"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join(["---"] * 3 + [":---:"] * (len(labels) + 1)) + "|")
    pooled_verdicts = {}
    run_verdicts = {label: {} for label in labels}
    for dataset, metric in cells:
        pooled = {}
        for tuner in tuners:
            per_run = [run.get((dataset, metric, tuner)) for run in runs]
            present = [v[0] for v in per_run if v is not None]
            if not present:
                continue
            pooled[tuner] = float(np.mean(present))
            lines.append(
                "| " + " | ".join(
                    [dataset, metric, tuner]
                    + [f"{v[0]:.4f} ({v[1]})" if v is not None else "–" for v in per_run]
                    + [f"{pooled[tuner]:.4f}"]
                ) + " |"
            )
        pooled_verdicts[(dataset, metric)] = verdict(pooled)
        for label, run in zip(labels, runs, strict=True):
            run_verdicts[label][(dataset, metric)] = verdict(
                {t: run[(dataset, metric, t)][0] for t in tuners if (dataset, metric, t) in run}
            )
    lines += [
        "",
        "In brackets: the seeds with an ok record.",
        "",
        "## imbtune at least as good as the best other tuner?",
        "",
        "| dataset | metric | " + " | ".join(labels) + " | mean over runs |",
        "|---|---|" + "|".join([":---:"] * (len(labels) + 1)) + "|",
    ]
    for cell in cells:
        lines.append(
            f"| {cell[0]} | {cell[1]} | "
            + " | ".join(run_verdicts[label][cell] for label in labels)
            + f" | {pooled_verdicts[cell]} |"
        )
    wins = {
        label: sum(v.startswith("yes") for v in run_verdicts[label].values())
        for label in labels
    }
    pooled_wins = sum(v.startswith("yes") for v in pooled_verdicts.values())
    lines += [
        "",
        "Cells won: "
        + ", ".join(f"{label} {wins[label]} of {len(cells)}" for label in labels)
        + f"; mean over runs {pooled_wins} of {len(cells)}.",
        "",
        "Command line:",
        "",
        "    " + " ".join(["python", "benchmarks/pool_runs.py", *sys.argv[1:]]),
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", nargs="+", help="raw comparison.jsonl of each run")
    parser.add_argument("--labels", nargs="+", help="a name per run (default run1, run2...)")
    parser.add_argument("--seeds", nargs="+", type=int, default=compare.DEFAULT_SEEDS)
    parser.add_argument("--out", type=Path, help="write the markdown here too")
    args = parser.parse_args(argv)
    labels = args.labels or [f"run{i + 1}" for i in range(len(args.raw))]
    if len(labels) != len(args.raw):
        parser.error("give one label per raw file")
    text = report(args.raw, labels, args.seeds)
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
