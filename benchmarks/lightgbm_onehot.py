"""LightGBM on the frame as imbtune passes it against the baseline's preparation.

The SMOTE + LightGBM baseline of ``compare.py`` one-hot encodes the string
columns and median-imputes the numbers; imbtune's LightGBM spec passes
category codes and missing values to LightGBM as they are. Does either step
alone account for the baseline's lead on thyroid_sick_raw? For each dataset
and seed, on the training 75 % of ``compare.py``'s split, four LightGBM
configurations (those of ``lightgbm_categories.py`` and the baseline's pick on
thyroid_sick_raw, seed 0) are scored by 5-fold cross-validated PR-AUC (no
resampling, no calibration) on the frame as it is and, with ``--variant
onehot`` (the default), on its one-hot encoding (missing numbers left
missing), or with ``--variant median``, with missing numbers replaced by the
column's median (categories left as they are)::

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/lightgbm_onehot.py \
        thyroid_sick_raw --seeds 100 101 102 103 [--variant median]

writes ``benchmarks/results/lightgbm_onehot.md`` (``lightgbm_median.md``).
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from compare import categorical_columns, load_split
from lightgbm_categories import CONFIGS as CATEGORY_CONFIGS
from lightgbm_categories import cv_pr_auc

# lightgbm_categories.py's three configurations and the baseline's own pick.
CONFIGS = {
    **CATEGORY_CONFIGS,
    "baseline's thyroid pick (26 leaves, 5 rows)": dict(
        n_estimators=111, learning_rate=0.053, num_leaves=26, min_child_samples=5,
        subsample=0.97, colsample_bytree=0.85, reg_lambda=0.028,
    ),
}


def one_hot(X):
    """Every non-numeric column as 0/1 indicator columns."""
    return pd.get_dummies(X, columns=categorical_columns(X), dtype=float)


def median_imputed(X):
    """Missing numbers replaced by their column's median (of these rows)."""
    X = X.copy()
    numeric = [c for c in X.columns if c not in categorical_columns(X)]
    X[numeric] = X[numeric].fillna(X[numeric].median())
    return X


# --variant: how the frame is prepared, column heading, title, what is
# compared (for the results' introduction), results file.
VARIANTS = {
    "onehot": (
        one_hot, "one-hot", "category codes or one-hot columns",
        "on its one-hot encoding", "lightgbm_onehot.md",
    ),
    "median": (
        median_imputed, "median-imputed", "missing numbers left or median-imputed",
        "with missing numbers replaced by their column's median", "lightgbm_median.md",
    ),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+")
    parser.add_argument("--seeds", type=int, nargs="+", default=[100, 101, 102, 103])
    parser.add_argument("--variant", choices=list(VARIANTS), default="onehot")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    prepare, heading, title, compared, file_name = VARIANTS[args.variant]
    out = args.out or Path(__file__).parent / "results" / file_name
    warnings.filterwarnings("ignore")
    lines = [
        f"# LightGBM on {title}",
        "",
        "5-fold cross-validated PR-AUC on the training split of `compare.py`"
        " (no resampling, no calibration) of imbtune's LightGBM spec on the data"
        f" as it is (native categories and missing values) and {compared}.",
        "",
        f"| dataset | seed | configuration | native | {heading} | {heading} − native |",
        "|---|---|---|:---:|:---:|:---:|",
    ]
    for name in args.datasets:
        diffs = []
        for seed in args.seeds:
            X, _, y, _ = load_split(name, seed)
            X_prepared = prepare(X)
            for label, params in CONFIGS.items():
                native = cv_pr_auc(X, y, params, seed)
                prepared = cv_pr_auc(X_prepared, y, params, seed)
                diffs.append(prepared - native)
                lines.append(
                    f"| {name} | {seed} | {label} | {native:.4f} | {prepared:.4f}"
                    f" | {prepared - native:+.4f} |"
                )
                print(lines[-1], flush=True)
        se = np.std(diffs, ddof=1) / np.sqrt(len(diffs))
        lines.append(
            f"| {name} | | **mean difference** (standard error {se:.4f}, "
            f"{sum(d > 0 for d in diffs)} up / {sum(d < 0 for d in diffs)} down) "
            f"| | | **{np.mean(diffs):+.4f}** |"
        )
    variant = "" if args.variant == "onehot" else f" --variant {args.variant}"
    lines += ["", "Command: `python benchmarks/lightgbm_onehot.py "
              + " ".join(args.datasets) + " --seeds " + " ".join(map(str, args.seeds))
              + variant + "`", ""]
    out.write_text("\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
