"""Score each warm-start pipeline of the search on its own.

For every dataset, each pipeline of ``imbtune.space.PORTFOLIO`` is fitted as
an ``ImbalancedPipeline`` (no calibration) and scored by 5-fold cross-validated
PR-AUC on all rows. This is how the portfolio's start points are chosen: on
datasets *outside* ``compare.py``'s four, so that the comparison does not
grade its own choices.

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/start_points.py \
        hypothyroid sick_euthyroid german_credit oil ozone_level software_defects_pc1

writes ``benchmarks/results/start_points.md`` (one row per dataset, one column
per start point, the best in bold); ``--out`` changes the path.
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

from imbtune.datasets import load_dataset
from imbtune.pipeline import ImbalancedPipeline
from imbtune.space import PORTFOLIO


def describe(params):
    """Short name of a start point: resampler + classifier (+ cost weight)."""
    return f"{params['resampler']} + {params['classifier']} (cw {params.get('cost_weight', 0)})"


def _own(params, prefix):
    """The ``prefix__name`` entries of a flat parameter set, without the prefix."""
    return {k.split("__", 1)[1]: v for k, v in params.items() if k.startswith(prefix + "__")}


def pipeline(params, seed):
    clf, res = params["classifier"], params["resampler"]
    return ImbalancedPipeline(
        clf, classifier_params=_own(params, clf), resampler=res,
        resampler_params=_own(params, res),
        cost_weight=params.get("cost_weight", 0.0), calibration="none",
        scoring="pr_auc", random_state=seed,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", type=Path,
        default=Path(__file__).parent / "results" / "start_points.md",
    )
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    rows = []
    for name in args.datasets:
        X, y = load_dataset(name)
        start = time.perf_counter()
        scores = [
            float(np.mean(pipeline(p, args.seed).fit(X, y).cv_scores_)) for p in PORTFOLIO
        ]
        rows.append((name, len(y), scores))
        print(name, [round(s, 4) for s in scores],
              f"({time.perf_counter() - start:.0f} s)", flush=True)
    lines = [
        "# Warm-start pipelines, each on its own",
        "",
        "5-fold cross-validated PR-AUC of each pipeline of `imbtune.space.PORTFOLIO`"
        f" (no calibration, seed {args.seed}); best of each row in bold.",
        "",
        "| # | start point |",
        "|---|---|",
        *[f"| {i + 1} | {describe(p)} |" for i, p in enumerate(PORTFOLIO)],
        "",
        "| dataset | rows | " + " | ".join(str(i + 1) for i in range(len(PORTFOLIO))) + " |",
        "|---|---|" + ":---:|" * len(PORTFOLIO),
    ]
    for name, n, scores in rows:
        best = int(np.argmax(scores))
        cells = [f"**{s:.3f}**" if i == best else f"{s:.3f}" for i, s in enumerate(scores)]
        lines.append(f"| {name} | {n} | " + " | ".join(cells) + " |")
    lines += ["", "Command: `python benchmarks/start_points.py " + " ".join(args.datasets) + "`", ""]
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
