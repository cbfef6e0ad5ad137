"""Trials run in a fixed time by two revisions of imbtune, with n_jobs 1 and 2.

A speed change of the search (not of a model) is measured by what it buys:
trials in the same wall-clock budget. For each dataset, seed and ``n_jobs``,
``ImbalancedSearchCV(scoring=..., n_trials=None, timeout=budget,
n_jobs=n_jobs, random_state=seed)`` runs on ``compare.py``'s 75/25 training
split of the seed, once with each revision's code (``git worktree``, as in
``ab_commits.py``), one run at a time, in a fresh process whose environment
sets no thread counts (``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and
``MKL_NUM_THREADS`` are removed: a user's default). Each run is
``compare.py``'s own imbtune run (``compare.single_run``), so the held-out
scores in the record are computed as the comparison computes them.

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/parallel_trials.py \\
        --base 101e628 --new 6cbdc72 --name thread_limits \\
        german_credit software_defects_kc1 hypothyroid abalone --seeds 0 1

Raw records go to ``results/raw/<name>.jsonl`` (a rerun skips the finished
ones), the summary to ``results/<name>.md``; ``--summary-only`` rebuilds it.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import ab_commits  # noqa: E402  (checkout, _git)
import compare  # noqa: E402  (load_split, library_versions, RESULT_MARKER)

_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def single(dataset, seed, n_jobs, budget, scoring):
    """One search in this process (the code on ``PYTHONPATH``), fitted and
    scored on the held-out part as ``compare.py`` does for its imbtune runs."""
    import imbtune

    record = compare.single_run(dataset, seed, scoring, "imbtune", budget, n_jobs)
    record.update(scoring=scoring,
                  imbtune_path=str(Path(imbtune.__file__).resolve().parent))
    return record


def run(tree, dataset, seed, n_jobs, budget, scoring):
    env = {k: v for k, v in os.environ.items() if k not in _THREAD_VARIABLES}
    env["PYTHONPATH"] = str(tree)
    if env.get("IMBTUNE_DATA_DIR"):
        env["IMBTUNE_DATA_DIR"] = str(Path(env["IMBTUNE_DATA_DIR"]).resolve())
    command = [sys.executable, str(Path(__file__).resolve()), "--single", dataset,
               str(seed), str(n_jobs), repr(budget), scoring]
    out = subprocess.run(command, env=env, cwd=tree, capture_output=True, text=True,
                         timeout=3 * budget + 120)
    for line in out.stdout.splitlines():
        if line.startswith(compare.RESULT_MARKER):
            record = json.loads(line[len(compare.RESULT_MARKER):])
            if record["status"] == "ok":
                return record
            raise SystemExit(f"run failed: {' '.join(command)}\n{record['error']}")
    raise SystemExit(f"run failed: {' '.join(command)}\n{out.stderr[-2000:]}")


def summarize(records, title):
    lines = [f"# {title}", "",
             "Trials of `ImbalancedSearchCV(n_trials=None, timeout=budget, "
             "n_jobs=n_jobs, random_state=seed)` on compare.py's 75/25 training "
             "split of each seed, run by each revision's code one run at a time, "
             "no thread counts set in the environment; in brackets the held-out "
             "score on the search's scoring.", "",
             "| dataset | seed | n_jobs | base | new | new / base |",
             "|---|---|---|---|---|---|"]
    by = {(r["dataset"], r["seed"], r["n_jobs"], r["revision"]): r for r in records}
    ratios = {}
    for (dataset, seed, n_jobs, rev), base in sorted(by.items()):
        new = by.get((dataset, seed, n_jobs, "new"))
        if rev != "base" or new is None:
            continue
        metric = "test_" + base["scoring"]
        ratio = new["n_trials"] / base["n_trials"]
        ratios.setdefault(n_jobs, []).append(ratio)
        lines.append(f"| {dataset} | {seed} | {n_jobs} | {base['n_trials']} "
                     f"({base[metric]:.3f}) | {new['n_trials']} ({new[metric]:.3f}) | "
                     f"{ratio:.2f} |")
    lines.append("")
    for n_jobs, values in sorted(ratios.items()):
        lines.append(f"- n_jobs {n_jobs}: new / base trials, geometric mean "
                     f"{np.exp(np.mean(np.log(values))):.2f} over {len(values)} runs "
                     f"(range {min(values):.2f}-{max(values):.2f}).")
    commits = {r["revision"]: r["commit"] for r in records}
    argvs = sorted({r["argv"] for r in records})
    lines += ["", f"Revisions: base {commits.get('base')}, new {commits.get('new')}.",
              "", "Command line(s):", "", *[f"    {a}" for a in argvs], "",
              "Versions: " + ", ".join(f"{k} {v}" for k, v in
                                       records[-1]["versions"].items()) + "."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*")
    parser.add_argument("--base")
    parser.add_argument("--new")
    parser.add_argument("--name", default="thread_limits")
    parser.add_argument("--title", default="Trials with n_jobs 1 and 2, two revisions")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--n-jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--budget", type=float, default=40.0)
    parser.add_argument("--scoring", default="pr_auc")
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument("--summary-only", action="store_true")
    parser.add_argument("--single", nargs=5, metavar=("DATASET", "SEED", "N_JOBS",
                                                      "BUDGET", "SCORING"))
    args = parser.parse_args(argv)
    if args.single:
        dataset, seed, n_jobs, budget, scoring = args.single
        record = single(dataset, int(seed), int(n_jobs), float(budget), scoring)
        print(compare.RESULT_MARKER + json.dumps(record), flush=True)
        return
    raw = HERE / "results" / "raw" / f"{args.name}.jsonl"
    summary = HERE / "results" / f"{args.name}.md"
    records = [json.loads(x) for x in raw.read_text().splitlines()] if raw.exists() else []
    if not args.summary_only:
        work = args.work_dir or Path(f"/tmp/imbtune-ab-{args.name}")
        argv_line = "python benchmarks/parallel_trials.py " + shlex.join(sys.argv[1:])
        trees = {}
        for label, rev in (("base", args.base), ("new", args.new)):
            trees[label] = (work / f"tree-{label}", ab_commits._git("rev-parse", "--short", rev))
            ab_commits.checkout(rev, trees[label][0])
        done = {(r["dataset"], r["seed"], r["n_jobs"], r["revision"], r["budget"])
                for r in records}
        versions = compare.library_versions()
        raw.parent.mkdir(parents=True, exist_ok=True)
        for dataset in args.datasets:
            for seed in args.seeds:
                for n_jobs in args.n_jobs:
                    for label, (tree, commit) in trees.items():
                        if (dataset, seed, n_jobs, label, args.budget) in done:
                            continue
                        record = run(tree, dataset, seed, n_jobs, args.budget,
                                     args.scoring)
                        record.update(revision=label, commit=commit, argv=argv_line,
                                      versions=versions)
                        records.append(record)
                        with raw.open("a") as f:
                            f.write(json.dumps(record) + "\n")
                        print(dataset, seed, f"n_jobs={n_jobs}", label,
                              f"trials {record['n_trials']}", flush=True)
    summary.write_text(summarize(records, args.title))
    print(f"wrote {summary}")


if __name__ == "__main__":
    main()
