"""LightGBM's categorical defaults against the settings of imbtune's spec.

imbtune's LightGBM spec splits columns of up to 8 categories one-vs-rest
(``max_cat_to_onehot=8``) and lets a category group be as small as a leaf
(``min_data_per_group=min_child_samples``); LightGBM's defaults are 4 and 100.
For each dataset and seed, on the training 75 % of ``compare.py``'s split,
three LightGBM configurations are scored by 5-fold cross-validated PR-AUC
both ways (no resampling, no calibration)::

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/lightgbm_categories.py \
        thyroid_sick_raw vehicle_insurance_fraud --seeds 0 100

writes ``benchmarks/results/lightgbm_categories.md``.
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import warnings
from pathlib import Path

import numpy as np
from compare import load_split

from imbtune.pipeline import ImbalancedPipeline

CONFIGS = {
    "portfolio (15 leaves, 20 rows)": dict(
        n_estimators=300, learning_rate=0.05, num_leaves=15, min_child_samples=20,
        subsample=0.8, colsample_bytree=0.7,
    ),
    "31 leaves, 5 rows": dict(
        n_estimators=300, learning_rate=0.05, num_leaves=31, min_child_samples=5,
        subsample=0.8, colsample_bytree=0.8,
    ),
    "63 leaves, 50 rows": dict(
        n_estimators=150, learning_rate=0.1, num_leaves=63, min_child_samples=50,
        subsample=0.8, colsample_bytree=0.5,
    ),
}
LIGHTGBM_DEFAULTS = {"min_data_per_group": 100, "max_cat_to_onehot": 4}


def cv_pr_auc(X, y, params, seed):
    pipe = ImbalancedPipeline(
        "lightgbm", classifier_params=params, calibration="none",
        scoring="pr_auc", random_state=seed,
    ).fit(X, y)
    return float(np.mean(pipe.cv_scores_))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 100])
    parser.add_argument(
        "--out", type=Path,
        default=Path(__file__).parent / "results" / "lightgbm_categories.md",
    )
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    lines = [
        "# LightGBM categorical settings",
        "",
        "5-fold cross-validated PR-AUC on the training split of `compare.py`"
        " (no resampling, no calibration): LightGBM's defaults"
        " (`max_cat_to_onehot=4`, `min_data_per_group=100`) against imbtune's spec"
        " (`8`, `min_child_samples`).",
        "",
        "| dataset | seed | configuration | LightGBM defaults | imbtune | difference |",
        "|---|---|---|:---:|:---:|:---:|",
    ]
    for name in args.datasets:
        diffs = []
        for seed in args.seeds:
            X, _, y, _ = load_split(name, seed)
            for label, params in CONFIGS.items():
                base = cv_pr_auc(X, y, {**params, **LIGHTGBM_DEFAULTS}, seed)
                ours = cv_pr_auc(X, y, params, seed)
                diffs.append(ours - base)
                lines.append(
                    f"| {name} | {seed} | {label} | {base:.4f} | {ours:.4f} | {ours - base:+.4f} |"
                )
                print(lines[-1], flush=True)
        lines.append(f"| {name} | | **mean difference** | | | **{np.mean(diffs):+.4f}** |")
    lines += ["", "Command: `python benchmarks/lightgbm_categories.py "
              + " ".join(args.datasets) + " --seeds " + " ".join(map(str, args.seeds)) + "`", ""]
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
