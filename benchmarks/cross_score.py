"""The SMOTE + LightGBM baseline's pick, scored the way imbtune scores a trial.

Where the Optuna-tuned SMOTE + LightGBM pipeline of ``compare.py`` beats
imbtune on the held-out quarter, was its configuration one that imbtune could
not reach, or one that imbtune's own cross-validation ranks below what
imbtune picked? For each record pair (dataset, seed, target metric) of the
given raw files that holds both tuners, the baseline's best parameters are
translated into imbtune's space (SMOTE's ``sampling_strategy`` as imbtune's
fold-relative ``ratio``, the seven LightGBM parameters as they are, no cost
weight) and run as the one trial of an ``ImbalancedSearchCV`` on the same
training split, with imbtune's defaults otherwise (repeated folds,
cross-fitted calibration and threshold); the refitted model is scored on the
same held-out quarter. Next to it: the baseline's recorded 5-fold score and
held-out score, and imbtune's recorded ``best_score_`` (the cross-fitted
score of the trial it chose, or of its ensemble when one was chosen) and
held-out score::

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/cross_score.py \
        --datasets thyroid_sick_raw \
        --raw benchmarks/results/raw/comparison.jsonl \
              benchmarks/results/extra_seeds/raw/comparison.jsonl

writes ``benchmarks/results/cross_score.md``. The question per row: is the
baseline's pick, scored by imbtune's cross-validation ("in imbtune's CV"),
above imbtune's own pick ("imbtune CV")? If not, imbtune's search chose by
its estimate correctly and the held-out gap is the test split's verdict on
two candidates its cross-validation could not tell apart, or ranked the
other way.
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from compare import held_out_scores, load_split, read_raw

BASELINE = "smote_lgbm_optuna"
ROOT = Path(__file__).resolve().parent.parent


def shown(path):
    """A path as written from the repository root, where it lies inside it."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def read_pairs(paths, datasets, metrics, seeds=None):
    """{(dataset, metric, seed): {tuner: record}} of the ok records holding both tuners."""
    found = {}
    for path in paths:
        if not Path(path).is_file():
            raise SystemExit(f"No raw records at {path}.")
        for record in read_raw(Path(path)):
            if record.get("status") != "ok" or record["tuner"] not in ("imbtune", BASELINE):
                continue
            if record["dataset"] not in datasets or record["metric"] not in metrics:
                continue
            if seeds is not None and record["seed"] not in seeds:
                continue
            key = (record["dataset"], record["metric"], record["seed"])
            found.setdefault(key, {})[record["tuner"]] = record  # later files win
    return {k: v for k, v in sorted(found.items()) if len(v) == 2}


def imbtune_params(best, y):
    """The baseline's best parameters as one point of imbtune's space."""
    n_min, n_maj = int((y == 1).sum()), int((y == 0).sum())
    point = {"resampler": "smote", "classifier": "lightgbm",
             "smote__k_neighbors": int(best["smote__k_neighbors"])}
    # imblearn's float sampling_strategy s asks for s * n_maj minority rows;
    # imbtune's ratio r moves the minority a share r of the way to n_maj.
    strategy = best.get("smote__sampling_strategy", 1.0)
    point["smote__ratio"] = float(np.clip((strategy * n_maj - n_min) / (n_maj - n_min), 0, 1))
    for name, value in best.items():
        if name.startswith("clf__"):
            point["lightgbm__" + name[len("clf__"):]] = value
    return point


def score_in_imbtune(X_train, y_train, X_test, y_test, metric, point, seed):
    """Cross-validated and held-out score of one fixed point, run as imbtune's only trial."""
    import optuna

    from imbtune import ImbalancedSearchCV

    sampler = optuna.samplers.PartialFixedSampler(point, optuna.samplers.RandomSampler(seed=seed))
    search = ImbalancedSearchCV(
        scoring=metric, resamplers=["smote"], classifiers=["lightgbm"],
        cost_weighting=False, n_trials=1, warm_start=False, sampler=sampler,
        ensemble_size=1, random_state=seed,
    )
    search.fit(X_train, y_train)
    drawn = search.best_params_

    def same(wanted, got):
        return wanted == got or (
            isinstance(wanted, float) and isinstance(got, (int, float))
            and bool(np.isclose(wanted, got))
        )

    off = {k: (v, drawn.get(k)) for k, v in point.items() if not same(v, drawn.get(k))}
    if off:  # a name the space does not have, or a value outside its range
        raise RuntimeError(f"The trial did not run the baseline's point: {off}")
    return search.best_score_, held_out_scores(search, X_test, y_test)[metric]


def mean_se(values):
    values = np.asarray(values, dtype=float)
    se = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else float("nan")
    return f"{values.mean():+.4f} ± {se:.4f}"


def summary(rows):
    """What the rows of one dataset and metric say, in words."""
    cv = np.array([r["cv"] - r["ours_cv"] for r in rows])
    test = np.array([r["test"] - r["ours_test"] for r in rows])
    curse = np.array([r["base_cv"] - r["cv"] for r in rows])
    refit = np.array([r["test"] - r["base_test"] for r in rows])
    won = [r for r in rows if r["base_test"] > r["ours_test"]]
    corr = np.corrcoef(cv, test)[0, 1] if len(rows) > 2 else float("nan")
    return (
        f"the baseline's pick minus imbtune's, in imbtune's CV {mean_se(cv)}"
        f" (ahead on {int((cv > 0).sum())}), held-out with both refitted by imbtune"
        f" {mean_se(test)} (ahead on {int((test > 0).sum())}; correlation of the two"
        f" differences {corr:.2f}); the baseline's own CV score minus its pick's"
        f" score in imbtune's CV {mean_se(curse)}; its pick held-out, refitted by"
        f" imbtune minus as the baseline fitted it, {mean_se(refit)}. Of the"
        f" {len(won)} seed{'' if len(won) == 1 else 's'} the baseline won held-out,"
        f" imbtune's CV ranks its pick ahead on"
        f" {sum(r['cv'] > r['ours_cv'] for r in won)}."
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["thyroid_sick_raw"])
    parser.add_argument("--metrics", nargs="+", default=["pr_auc", "macro_f1"],
                        choices=["pr_auc", "macro_f1"])
    parser.add_argument("--seeds", nargs="+", type=int, default=None,
                        help="only these seeds (default: every seed with both records)")
    parser.add_argument("--raw", nargs="+", type=Path,
                        default=[Path(__file__).parent / "results" / "raw" / "comparison.jsonl"])
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "cross_score.md")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)

    pairs = read_pairs(args.raw, set(args.datasets), set(args.metrics),
                       None if args.seeds is None else set(args.seeds))
    if not pairs:
        raise SystemExit(f"No record pair of imbtune and {BASELINE} in {args.raw}.")
    lines = [
        "# The SMOTE + LightGBM baseline's pick, scored the way imbtune scores a trial",
        "",
        "Per dataset, target metric and seed of `compare.py`'s records: the baseline's"
        " recorded 5-fold CV score (the best of its trials) and held-out score; its"
        " best configuration run as the one trial of an `ImbalancedSearchCV` (imbtune's"
        " repeated folds, cross-fitted calibration and threshold) on the same training"
        " split, with that search's CV score and the refitted model's held-out score;"
        " imbtune's own recorded `best_score_` (its chosen trial's or ensemble's"
        " cross-fitted score) and held-out score. **ahead in imbtune's CV?**"
        " says whether imbtune's cross-validation ranks the baseline's pick above"
        " imbtune's own pick.",
        "",
        "| dataset | metric | seed | baseline CV | baseline held-out "
        "| its pick in imbtune's CV | its pick held-out (imbtune) "
        "| imbtune CV | imbtune held-out | ahead in imbtune's CV? |",
        "|---|---|---|:---:|:---:|:---:|:---:|:---:|:---:|:---:|",
    ]
    rows = []
    for (dataset, metric, seed), records in pairs.items():
        base, ours = records[BASELINE], records["imbtune"]
        X_train, X_test, y_train, y_test = load_split(dataset, seed)
        point = imbtune_params(base["details"]["best_params"], np.asarray(y_train))
        start = time.perf_counter()
        cv, test = score_in_imbtune(X_train, y_train, X_test, y_test, metric, point, seed)
        ours_cv = ours["details"]["best_score"]
        key = f"test_{metric}"
        ahead = cv > ours_cv
        rows.append(dict(dataset=dataset, metric=metric, cv=cv, test=test, ours_cv=ours_cv,
                         ours_test=ours[key], base_test=base[key],
                         base_cv=base["details"]["best_score"]))
        lines.append(
            f"| {dataset} | {metric} | {seed} | {base['details']['best_score']:.4f} "
            f"| {base[key]:.4f} | {cv:.4f} | {test:.4f} | {ours_cv:.4f} "
            f"| {ours[key]:.4f} | {'yes' if ahead else 'no'} |"
        )
        print(lines[-1], f"({time.perf_counter() - start:.0f} s)", flush=True)

    lines += ["", "Per dataset and metric, paired over seeds (mean ± standard error):", ""]
    for dataset in args.datasets:
        for metric in args.metrics:
            sub = [r for r in rows if r["dataset"] == dataset and r["metric"] == metric]
            if not sub:
                continue
            lines.append(f"- {dataset}, {metric}, {len(sub)} seeds: " + summary(sub))
    lines += [
        "",
        "Command: `python benchmarks/cross_score.py --datasets " + " ".join(args.datasets)
        + " --metrics " + " ".join(args.metrics)
        + ("" if args.seeds is None else " --seeds " + " ".join(map(str, args.seeds)))
        + " --raw " + " ".join(shown(p) for p in args.raw) + "`",
        "",
    ]
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
