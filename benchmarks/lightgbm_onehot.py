"""LightGBM on native category codes (imbtune's spec) against one-hot columns.

The SMOTE + LightGBM baseline of ``compare.py`` one-hot encodes the string
columns and median-imputes the numbers; imbtune's LightGBM spec passes
category codes and missing values to LightGBM as they are. Does the encoding
alone account for the baseline's lead on thyroid_sick_raw? For each dataset
and seed, on the training 75 % of ``compare.py``'s split, three LightGBM
configurations (those of ``lightgbm_categories.py`` and the baseline's pick on
thyroid_sick_raw, seed 0) are scored by 5-fold cross-validated PR-AUC (no
resampling, no calibration) on the frame as it is and on its one-hot
encoding (missing numbers left missing)::

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/lightgbm_onehot.py \
        thyroid_sick_raw --seeds 100 101 102 103

writes ``benchmarks/results/lightgbm_onehot.md``.
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+")
    parser.add_argument("--seeds", type=int, nargs="+", default=[100, 101, 102, 103])
    parser.add_argument(
        "--out", type=Path,
        default=Path(__file__).parent / "results" / "lightgbm_onehot.md",
    )
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    lines = [
        "# LightGBM on category codes or one-hot columns",
        "",
        "5-fold cross-validated PR-AUC on the training split of `compare.py`"
        " (no resampling, no calibration) of imbtune's LightGBM spec on the data"
        " as it is (native categories) and on its one-hot encoding.",
        "",
        "| dataset | seed | configuration | native | one-hot | one-hot − native |",
        "|---|---|---|:---:|:---:|:---:|",
    ]
    for name in args.datasets:
        diffs = []
        for seed in args.seeds:
            X, _, y, _ = load_split(name, seed)
            X_hot = one_hot(X)
            for label, params in CONFIGS.items():
                native = cv_pr_auc(X, y, params, seed)
                hot = cv_pr_auc(X_hot, y, params, seed)
                diffs.append(hot - native)
                lines.append(
                    f"| {name} | {seed} | {label} | {native:.4f} | {hot:.4f}"
                    f" | {hot - native:+.4f} |"
                )
                print(lines[-1], flush=True)
        se = np.std(diffs, ddof=1) / np.sqrt(len(diffs))
        lines.append(
            f"| {name} | | **mean difference** (standard error {se:.4f}, "
            f"{sum(d > 0 for d in diffs)} up / {sum(d < 0 for d in diffs)} down) "
            f"| | | **{np.mean(diffs):+.4f}** |"
        )
    lines += ["", "Command: `python benchmarks/lightgbm_onehot.py "
              + " ".join(args.datasets) + " --seeds " + " ".join(map(str, args.seeds)) + "`", ""]
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
