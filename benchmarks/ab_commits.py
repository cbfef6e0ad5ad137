"""Two revisions of imbtune, paired: held-out score of the default search of each.

For a change of a default that is not a parameter of ``ImbalancedSearchCV``
(a search space, the warm-start portfolio), the paired harness of
``paired.py`` cannot vary it within one checkout. This script checks out the
two revisions side by side (``git worktree``, detached, in ``--work-dir``)
and runs ``compare.py --tuners imbtune`` of each revision on its own code,
both at the same time, one process and one core each, so that whatever else
the machine does slows them alike. Every case is ``compare.py``'s: the 75/25
split of the seed, ``n_trials=None``, ``timeout=budget``, ``n_jobs=1``,
``random_state=seed``, the refitted model scored on the held-out quarter.

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/ab_commits.py \\
        --base 20b279c --new 43f7bf2 --name forest_trees \\
        --title 'Forests with fewer trees in the search' \\
        hypothyroid sick_euthyroid telco_churn abalone software_defects_kc1 \\
        ozone_level german_credit software_defects_pc1 --seeds 0

(about 33 minutes on two cores for these eight datasets, one seed, both
metrics). ``compare.py`` skips the runs already in ``--work-dir``, so an
interrupted comparison resumes. The records of both revisions go to
``results/raw/<name>.jsonl`` (field ``revision``: ``base`` or ``new``), the
summary to ``results/<name>.md``; ``--summary-only`` rebuilds it. The
worktrees stay in ``--work-dir`` for a rerun (``git worktree remove`` them
when done).
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

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import paired  # noqa: E402  (summarize, Experiment)


def _git(*args, cwd=REPO):
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def checkout(rev, path):
    """A detached worktree of ``rev`` at ``path`` (reused if already there)."""
    if not (path / ".git").exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _git("worktree", "add", "--detach", str(path), rev)
    if _git("rev-parse", "HEAD", cwd=path) != _git("rev-parse", f"{rev}^{{commit}}"):
        raise SystemExit(f"{path} holds another revision than {rev}; remove it first.")


def run_both(args, work):
    """``compare.py --tuners imbtune`` of each revision, both at once."""
    children = []
    for label, rev in (("base", args.base), ("new", args.new)):
        tree = work / f"tree-{label}"
        checkout(rev, tree)
        env = dict(os.environ, PYTHONPATH=str(tree))
        if env.get("IMBTUNE_DATA_DIR"):  # the runs start in the worktree
            env["IMBTUNE_DATA_DIR"] = str(Path(env["IMBTUNE_DATA_DIR"]).resolve())
        command = [
            sys.executable, str(tree / "benchmarks" / "compare.py"),
            "--datasets", *args.datasets, "--seeds", *map(str, args.seeds),
            "--metrics", *args.metrics, "--budget", repr(args.budget),
            "--n-jobs", "1", "--tuners", "imbtune", "--out-dir", str(work / label),
        ]
        log = open(work / f"{label}.log", "a")  # noqa: SIM115 (closed below)
        children.append((subprocess.Popen(command, cwd=tree, env=env, stdout=log,
                                          stderr=subprocess.STDOUT), log))
    for child, log in children:
        child.wait()
        log.close()
        if child.returncode:
            raise SystemExit(f"compare.py failed; see {log.name}")


def collect(args, work, argv_line):
    records = []
    for label, rev in (("base", args.base), ("new", args.new)):
        commit = _git("rev-parse", "--short", rev)
        raw = work / label / "raw" / "comparison.jsonl"
        for line in raw.read_text().splitlines():
            record = json.loads(line)
            if record.get("status") != "ok":
                continue
            record.update(revision=label, commit=commit, argv=argv_line)
            records.append(record)
    return records


def experiment(args, records):
    commits = {r["revision"]: r["commit"] for r in records}
    return paired.Experiment(
        script="ab_commits.py",
        raw=HERE / "results" / "raw" / f"{args.name}.jsonl",
        summary=HERE / "results" / f"{args.name}.md",
        key="revision", option="--revision", letter="rev", parse=str,
        search_params=None, default_values=["base", "new"], default_seeds=[0],
        title=args.title or f"{args.name}: two revisions of imbtune, paired",
        intro=(
            "Held-out score on the target metric (compare.py's 75/25 split of "
            "each seed) of imbtune's default search at revision `new` against "
            "revision `{base}`, the same time budget, n_jobs 1; mean over seeds, "
            "in brackets the trials run; the last column is the paired "
            f"difference. Revisions: base {commits['base']}, new {commits['new']}."
        ),
    )


def budget_lines(records):
    """How far each revision's fits went past their budget (``timeout``):
    the mean and largest excess, and the runs more than 2 s past."""
    lines = ["## Fit time past the budget", ""]
    for label in ("base", "new"):
        runs = [r for r in records if r["revision"] == label and r.get("fit_seconds")]
        if not runs:
            continue
        excess = sorted(r["fit_seconds"] - r["budget"] for r in runs)
        worst = max(runs, key=lambda r: r["fit_seconds"] - r["budget"])
        late = sum(e > 2.0 for e in excess)
        lines.append(
            f"- {label} ({worst['commit']}): mean {sum(excess) / len(excess):+.1f} s, "
            f"largest {excess[-1]:+.1f} s ({worst['dataset']}, {worst['metric']}, "
            f"seed {worst['seed']}); {late} of {len(runs)} runs more than 2 s past"
        )
    return [*lines, ""]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*")
    parser.add_argument("--base", help="revision compared against (git rev)")
    parser.add_argument("--new", help="revision with the change (git rev)")
    parser.add_argument("--name", required=True, help="stem of the result files")
    parser.add_argument("--title", default=None)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--metrics", nargs="+", default=["pr_auc", "macro_f1"])
    parser.add_argument("--budget", type=float, default=120.0)
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="where the worktrees and runs go "
                             "(default /tmp/imbtune-ab-<name>)")
    parser.add_argument("--summary-only", action="store_true")
    args = parser.parse_args(argv)
    raw = HERE / "results" / "raw" / f"{args.name}.jsonl"
    if args.summary_only:
        records = [json.loads(ln) for ln in raw.read_text().splitlines()]
    else:
        if not (args.base and args.new and args.datasets):
            parser.error("--base, --new and datasets are needed (or --summary-only)")
        work = args.work_dir or Path("/tmp") / f"imbtune-ab-{args.name}"
        work.mkdir(parents=True, exist_ok=True)
        run_both(args, work)
        argv_line = shlex.join(["python", "benchmarks/ab_commits.py",
                                *(sys.argv[1:] if argv is None else argv)])
        records = collect(args, work, argv_line)
        raw.parent.mkdir(parents=True, exist_ok=True)
        raw.write_text("".join(json.dumps(r) + "\n" for r in records))
    exp = experiment(args, records)
    text = paired.summarize(exp, records, ["base", "new"])
    exp.summary.write_text(text.rstrip("\n") + "\n\n" + "\n".join(budget_lines(records)))
    print(f"wrote {exp.summary}")


if __name__ == "__main__":
    main()
