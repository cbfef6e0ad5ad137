"""How much the threshold's smoothing changes the cross-fitted macro-F1.

``ThresholdRule`` picks the cut of the out-of-fold (OOF) probabilities with
the best metric averaged over ``2 * smoothing + 1`` neighbouring cuts. This
script measures that choice the way the search scores a trial: for each
dataset and seed, each warm-start pipeline of ``imbtune.space.PORTFOLIO``
gives its 5-fold OOF probabilities once; then, for each smoothing, every fold
is scored with a calibrator and threshold fitted on the *other* folds
(cross-fitting), the best calibration of the three is kept, as a trial keeps
it. The score is therefore an honest estimate of how well a threshold chosen
that way carries over to rows it was not chosen on. Datasets are *outside*
``compare.py``'s four, so the comparison does not grade its own choices.

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/threshold_smoothing.py \
        sick_euthyroid hypothyroid german_credit ozone_level oil software_defects_pc1 \
        --seeds 0 1

writes ``benchmarks/results/threshold_smoothing.md``; ``--out`` changes the path.
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

from imbtune._validation import as_frame, check_target, resolve_pos_label
from imbtune.datasets import load_dataset
from imbtune.decision import CALIBRATIONS, Calibrator, ThresholdRule
from imbtune.evaluation import Problem, out_of_fold
from imbtune.metrics import get_metric
from imbtune.pipeline import make_folds
from imbtune.space import SearchSpace

SMOOTHINGS = (0, 1, 2, 5, 10, 20)


def crossfit_macro_f1(problem, oof, calibration, smoothing):
    """Mean fold macro-F1, each fold thresholded by a rule fitted on the others."""
    metric, y, scores = problem.metric, problem.y, []
    for train, valid in problem.folds:
        calibrator = Calibrator(calibration, pos=problem.pos).fit(oof[train], y[train])
        rule = ThresholdRule(metric, problem.pos, smoothing=smoothing)
        rule.fit(calibrator.transform(oof[train]), y[train])
        labels = rule.predict(calibrator.transform(oof[valid]))
        scores.append(metric.score_labels(y[valid], labels, 2))
    return float(np.mean(scores))


def cases(name, seed):
    """(start point index, {smoothing: cross-fitted macro-F1}) of one dataset and seed."""
    X, y = load_dataset(name)
    frame = as_frame(X, estimator_name="threshold_smoothing")
    y, classes = check_target(y, estimator_name="threshold_smoothing")
    if len(classes) != 2:
        raise SystemExit(f"{name} has {len(classes)} classes; the threshold is binary.")
    pos = resolve_pos_label(None, classes, np.bincount(y))
    folds = make_folds(5, frame, y, classes, seed)
    space = SearchSpace(
        None, None, True, [np.bincount(y[train], minlength=2) for train, _ in folds],
        has_categorical=any(dtype.kind != "f" for dtype in frame.dtypes),
    )
    problem = Problem(frame, y, folds, get_metric("macro_f1"), pos, seed)
    for i, params in enumerate(space.portfolio()):
        oof = out_of_fold(problem, space.config_from_params(params))
        yield i, {
            h: max(crossfit_macro_f1(problem, oof, c, h) for c in CALIBRATIONS)
            for h in SMOOTHINGS
        }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument(
        "--out", type=Path,
        default=Path(__file__).parent / "results" / "threshold_smoothing.md",
    )
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    results = {}  # dataset -> list of {smoothing: score}
    for name in args.datasets:
        start = time.perf_counter()
        for seed in args.seeds:
            for _, scores in cases(name, seed):
                results.setdefault(name, []).append(scores)
        gains = [s[2] - s[0] for s in results[name]]
        print(f"{name}: smoothing 2 vs 0 {np.mean(gains):+.4f} "
              f"({time.perf_counter() - start:.0f} s)", flush=True)

    def row(label, rows):
        cells = []
        for h in SMOOTHINGS[1:]:
            gain = np.array([s[h] - s[0] for s in rows])
            cells.append(f"{gain.mean():+.4f} ({np.sum(gain > 1e-9)}/{np.sum(gain < -1e-9)})")
        base = np.mean([s[0] for s in rows])
        return f"| {label} | {len(rows)} | {base:.4f} | " + " | ".join(cells) + " |"

    every = [s for rows in results.values() for s in rows]
    lines = [
        "# Threshold smoothing",
        "",
        "Cross-fitted macro-F1 of each warm-start pipeline (5 folds; calibration and"
        " threshold fitted on the other folds; best of the three calibrations), with"
        " the threshold at the best cut of the macro-F1 curve averaged over"
        " `2 * smoothing + 1` neighbouring cuts. `0` is the exact maximum on the"
        " fitting rows; the other columns give the mean change from it, then"
        " (cases better / worse). imbtune uses `smoothing=2`.",
        "",
        "| dataset | cases | smoothing 0 | " + " | ".join(str(h) for h in SMOOTHINGS[1:]) + " |",
        "|---|---|---|" + "---|" * (len(SMOOTHINGS) - 1),
        *[row(name, rows) for name, rows in results.items()],
        row("**all**", every),
        "",
        "Command: `python benchmarks/threshold_smoothing.py "
        + " ".join(args.datasets) + " --seeds " + " ".join(map(str, args.seeds)) + "`",
        "",
    ]
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
