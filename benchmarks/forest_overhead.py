"""How much of a scikit-learn forest's fit is per-tree Python work.

On small tables the search's random-forest and extra-trees trials are slow
for their size: a 150-tree forest on a few hundred rows spends much of its
fit cloning, seeding and validating each tree rather than growing it. This
times, on one fold's worth of ``compare.py``'s training split (the first
four fifths of seed 0's), a ``RandomForestClassifier`` and an
``ExtraTreesClassifier`` of ``--trees`` trees (n_jobs 1) against the same
number of bare ``DecisionTreeClassifier._fit(..., check_input=False)``
calls with the forest's per-tree settings, median of ``--repeats`` runs::

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/forest_overhead.py pima_diabetes

writes ``results/forest_overhead.md``. Nothing in imbtune uses it; it sizes
what a leaner forest could buy.
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402


def timed(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main(argv=None):
    from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
    from sklearn.tree import DecisionTreeClassifier, ExtraTreeClassifier

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+")
    parser.add_argument("--trees", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "forest_overhead.md")
    args = parser.parse_args(argv)
    rows = []
    for dataset in args.datasets:
        X_train, _, y_train, _ = compare.load_split(dataset, 0)
        X = X_train.select_dtypes("number").to_numpy(dtype=np.float32)
        X = np.nan_to_num(X)[: int(0.8 * len(X))]
        y = np.asarray(y_train)[: len(X)]
        for forest, tree, bootstrap in (
            (RandomForestClassifier, DecisionTreeClassifier, True),
            (ExtraTreesClassifier, ExtraTreeClassifier, False),
        ):
            rng = np.random.RandomState(0)
            samples = [
                rng.randint(0, len(X), len(X)) if bootstrap else np.arange(len(X))
                for _ in range(args.trees)
            ]
            whole = timed(
                lambda: forest(n_estimators=args.trees, n_jobs=1, random_state=0).fit(X, y),
                args.repeats,
            )

            def bare():
                for i, rows_ in enumerate(samples):
                    tree(max_features="sqrt", random_state=i)._fit(
                        X[rows_], y[rows_], check_input=False
                    )

            grow = timed(bare, args.repeats)
            rows.append((dataset, len(X), X.shape[1], forest.__name__, whole, grow))
    lines = [
        "# Per-tree overhead of scikit-learn's forests",
        "",
        f"Median of {args.repeats} fits, {args.trees} trees, n_jobs 1, on the first "
        "four fifths of compare.py's seed-0 training split (numeric columns). "
        "`bare`: the same number of tree fits called directly "
        "(`_fit(..., check_input=False)`).",
        "",
        "| dataset | rows | columns | forest | forest fit (s) | bare trees (s) | "
        "share not growing trees |",
        "|---|---|---|---|---|---|---|",
    ]
    for dataset, n, p, name, whole, grow in rows:
        lines.append(
            f"| {dataset} | {n} | {p} | {name} | {whole:.3f} | {grow:.3f} | "
            f"{1 - grow / whole:.0%} |"
        )
    lines += ["", "Command line:", "", "    python benchmarks/forest_overhead.py "
              + " ".join(argv if argv is not None else sys.argv[1:]), ""]
    args.out.write_text("\n".join(lines))
    print(args.out.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
