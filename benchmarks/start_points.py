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

``--candidates FILE`` adds start points that are not in the portfolio (a JSON
list of flat parameter sets, as in ``PORTFOLIO``) as further columns, to see
whether one would earn a place; ``--seeds`` averages over several fold seeds:

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/start_points.py \
        hypothyroid sick_euthyroid german_credit oil ozone_level \
        software_defects_pc1 software_defects_kc1 abalone telco_churn wine_quality \
        --seeds 0 1 --candidates benchmarks/start_point_candidates.json \
        --out benchmarks/results/start_point_candidates.md
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from imbtune.datasets import load_dataset
from imbtune.pipeline import ImbalancedPipeline
from imbtune.space import PORTFOLIO


def describe(params, full=False):
    """Short name of a start point: resampler + classifier (+ cost weight);
    with ``full``, every parameter of the classifier and resampler too."""
    name = f"{params['resampler']} + {params['classifier']} (cw {params.get('cost_weight', 0)})"
    if not full:
        return name
    own = {**_own(params, params["resampler"]), **_own(params, params["classifier"])}
    return name + ": " + ", ".join(f"{k}={v}" for k, v in own.items())


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
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument(
        "--candidates", type=Path,
        help="JSON list of further start points (flat parameter sets) to score",
    )
    parser.add_argument(
        "--out", type=Path,
        default=Path(__file__).parent / "results" / "start_points.md",
    )
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    candidates = json.loads(args.candidates.read_text()) if args.candidates else []
    points = [*PORTFOLIO, *candidates]
    labels = [str(i + 1) for i in range(len(PORTFOLIO))]
    labels += [f"c{i + 1}" for i in range(len(candidates))]
    rows = []
    for name in args.datasets:
        X, y = load_dataset(name)
        start = time.perf_counter()
        scores = [
            float(np.mean([
                np.mean(pipeline(p, seed).fit(X, y).cv_scores_) for seed in args.seeds
            ]))
            for p in points
        ]
        rows.append((name, len(y), scores))
        print(name, [round(s, 4) for s in scores],
              f"({time.perf_counter() - start:.0f} s)", flush=True)
    lines = [
        "# Warm-start pipelines, each on its own",
        "",
        "5-fold cross-validated PR-AUC of each pipeline of `imbtune.space.PORTFOLIO`"
        + (" and of the candidates c1, c2, ... (not in the portfolio)" if candidates else "")
        + " (no calibration, "
        + ("seed " if len(args.seeds) == 1 else "mean over fold seeds ")
        + ", ".join(map(str, args.seeds))
        + "); best of each row in bold.",
        "",
        "| # | start point |",
        "|---|---|",
        *[f"| {i + 1} | {describe(p)} |" for i, p in enumerate(PORTFOLIO)],
        *[f"| c{i + 1} | {describe(p, full=True)} |" for i, p in enumerate(candidates)],
        "",
        "| dataset | rows | " + " | ".join(labels) + " |",
        "|---|---|" + ":---:|" * len(points),
    ]
    for name, n, scores in rows:
        best = int(np.argmax(scores))
        cells = [f"**{s:.3f}**" if i == best else f"{s:.3f}" for i, s in enumerate(scores)]
        lines.append(f"| {name} | {n} | " + " | ".join(cells) + " |")
    if candidates:
        table = np.array([scores for _, _, scores in rows])
        portfolio_best = table[:, : len(PORTFOLIO)].max(axis=1)
        last = table[:, len(PORTFOLIO) - 1]  # the portfolio's newest start point
        lines += ["", "Each candidate against the portfolio, over the datasets above:", ""]
        for i in range(len(candidates)):
            column = table[:, len(PORTFOLIO) + i]
            lines.append(
                f"- c{i + 1}: mean {np.mean(column - last):+.4f} against start point "
                f"{len(PORTFOLIO)} (higher on {int(np.sum(column > last))} of {len(rows)}); "
                f"above every start point on {int(np.sum(column > portfolio_best))} "
                f"of {len(rows)}."
            )
    command = " ".join(["python benchmarks/start_points.py", *(argv or sys.argv[1:])])
    lines += ["", f"Command: `{command}`", ""]
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
