"""The ``imbtune`` command.

One class per verb in a small registry. ``imbtune demo`` runs a real tuning
on a bundled dataset (no file, no network) and prints a summary a person can
read: the best pipeline, its cross-validated score, its held-out scores and
its threshold.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

import numpy as np

__all__ = ["main"]


def _seconds(value):
    """Seconds as a person reads them: 60 s, 2.5 s, 0.5 s."""
    return f"{value:.0f} s" if value >= 10 else f"{value:.2g} s"


# The fewest rows of a class the demo takes: a stratified quarter held out,
# and 5 folds of the rest with a row of it in each.
_MIN_CLASS_ROWS = 7

# scikit-learn scorers of one class, its pos_label (1 unless made otherwise)
_ONE_CLASS_SCORERS = ("f1", "precision", "recall", "jaccard", "average_precision")


def _format_params(params, digits=3):
    parts = []
    for key, value in params.items():
        if isinstance(value, float):
            value = f"{value:.{digits}g}"
        parts.append(f"{key}={value}")
    return ", ".join(parts) if parts else "defaults"


def summarize_search(search, X_test, y_test, out=None):
    """Print the best pipeline of a fitted search and its held-out scores."""
    from sklearn.metrics import confusion_matrix

    from ._validation import label_repr
    from .metrics import balanced_accuracy, macro_f1, pr_auc

    out = sys.stdout if out is None else out
    best = search.best_estimator_
    results = search.cv_results_
    row = results.iloc[search.best_index_]
    n_complete = int((results["state"] == "COMPLETE").sum())
    members = getattr(best, "pipelines_", [best])
    weights = getattr(best, "weights_", [1.0])
    # An ensemble is not the best trial's pipeline: the header names a trial
    # only when it is.
    which = "" if len(members) > 1 else f"trial {int(row['trial'])}; "
    print(
        f"\nBest pipeline ({which}{len(results)} trials, "
        f"{n_complete} complete, {search.search_time_:.0f} s):",
        file=out,
    )
    if len(members) > 1:
        trials = ", ".join(f"{n} ({w:.0%})" for n, w in search.ensemble_weights_.items())
        print(f"  an ensemble of trials {trials}, kept because in cross-fitting it "
              "scored above picking one trial:", file=out)
    for member, weight in zip(members, weights, strict=True):
        prefix = f"  [{weight:.0%}] " if len(members) > 1 else "  "
        resampler = member.resampler if isinstance(member.resampler, str) else member.resampler.name
        classifier = (
            member.classifier if isinstance(member.classifier, str) else member.classifier.name
        )
        resampler_params = _format_params(member.resampler_params or {})
        classifier_params = _format_params(member.classifier_params or {})
        print(f"{prefix}resampler    {resampler} ({resampler_params})", file=out)
        print(f"{prefix}classifier   {classifier} ({classifier_params})", file=out)
        print(f"{prefix}cost weight  {member.cost_weight:.2f} (0 = none, 1 = balanced)", file=out)
        model = (
            f"its {len(member.fold_models_)} fold models, averaged" if member.fold_models_
            else "refitted on all rows"
        )
        print(f"{prefix}model        {model}", file=out)
    print(f"  calibration  {best.calibration}", file=out)
    if hasattr(best, "threshold_"):
        print(
            f"  threshold    predict {label_repr(best.pos_label_)} when "
            f"P({label_repr(best.pos_label_)}) "
            f">= {best.threshold_:.3f}",
            file=out,
        )
    else:
        weights = ", ".join(
            f"{label_repr(c)}: {w:.2f}"
            for c, w in zip(best.classes_, best.class_weights_, strict=True)
        )
        print(f"  class weights {weights}", file=out)
    n_folds = len(best.cv_scores_) // search.n_repeats_
    folds = f"{n_folds} folds" + (
        f" x {search.n_repeats_} repetitions" if search.n_repeats_ > 1 else ""
    )
    print(
        f"Cross-validated {search.scoring} (cross-fitted, {folds}): "
        f"{search.best_score_:.3f} +/- {np.std(best.cv_scores_):.3f}",
        file=out,
    )
    proba = search.predict_proba(X_test)
    y_pred = search.predict(X_test)
    y_test = np.asarray(y_test)
    labels = search.classes_
    if len(labels) == 2:
        held_pr_auc = pr_auc(y_test, proba[:, list(labels).index(best.pos_label_)],
                             pos_label=best.pos_label_)
    else:
        held_pr_auc = pr_auc(y_test, proba, labels=labels)
    print(f"Held-out ({len(y_test)} rows never seen by the search):", file=out)
    print(
        f"  pr_auc {held_pr_auc:.3f}   macro_f1 {macro_f1(y_test, y_pred):.3f}   "
        f"balanced_accuracy {balanced_accuracy(y_test, y_pred):.3f}",
        file=out,
    )
    matrix = confusion_matrix(y_test, y_pred, labels=labels)
    width = max(len(str(label)) for label in labels) + 2
    print("  confusion matrix (rows: true, columns: predicted)", file=out)
    print("  " + " " * width + "".join(f"{str(c):>{width + 4}}" for c in labels), file=out)
    for label, counts in zip(labels, matrix, strict=True):
        print(
            f"  {str(label):>{width}}" + "".join(f"{n:>{width + 4}}" for n in counts),
            file=out,
        )
    return held_pr_auc


def _number(kind, ok, requirement):
    """An argparse type: a ``kind`` for which ``ok(value)`` holds, else the
    ``requirement`` in argparse's one-line error."""
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not ok(value):  # a comparison with nan is False: nan is refused
            raise argparse.ArgumentTypeError(f"must be {requirement}; got {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


_positive_float = _number(float, lambda v: 0 < v < float("inf"), "above 0 and finite")
_positive_int = _number(int, lambda v: v > 0, "above 0")
_n_jobs = _number(int, lambda v: v == -1 or v >= 1, "-1 (all cores) or at least 1")
_seed = _number(int, lambda v: 0 <= v < 2**32, "between 0 and 2**32 - 1")


def _interrupted(search):
    """What an interrupted search kept: a line for the person who pressed Ctrl-C."""
    results = getattr(search, "cv_results_", None)
    if results is None or "mean_test_score" not in results:
        return "no trial had finished"
    done = results[results["state"] == "COMPLETE"]
    if done.empty:
        return "no trial had finished"
    best = done.loc[done["mean_test_score"].idxmax()]
    return (
        f"{len(done)} trial(s) had finished; the best, trial {int(best['trial'])} "
        f"({best['resampler']} + {best['classifier']}), scored "
        f"{best['mean_test_score']:.3f} cross-validated"
    )


class _Command:
    name = ""
    help = ""

    def add_arguments(self, parser):
        pass

    def run(self, args):
        raise NotImplementedError


class _Demo(_Command):
    name = "demo"
    help = ("tune on a dataset (bundled, in IMBTUNE_DATA_DIR, or a CSV file; no "
            "network) and print a readable summary")

    def add_arguments(self, parser):
        from .datasets import DEFAULT_DATASET

        parser.add_argument(
            "--dataset",
            default=DEFAULT_DATASET,
            help="bundled name, a file stem in IMBTUNE_DATA_DIR, or the path of a "
            f"CSV file with a 'target' column (default: {DEFAULT_DATASET})",
        )
        parser.add_argument(
            "--scoring", default="macro_f1", help="metric to tune (default: macro_f1)"
        )
        parser.add_argument(
            "--timeout", type=_positive_float, default=60.0,
            help="search seconds (default: 60)",
        )
        parser.add_argument(
            "--n-trials", type=_positive_int, default=None,
            help="stop after this many trials (default: when --timeout ends)",
        )
        parser.add_argument(
            "--n-jobs", type=_n_jobs, default=-1, help="parallel trials (default: -1, all cores)"
        )
        parser.add_argument(
            "--random-state", type=_seed, default=0,
            help="seed of the split and the search (default: 0)",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def run(self, args):
        from lightgbm import LGBMClassifier

        from . import ImbalancedSearchCV, describe_imbalance
        from ._validation import label_repr
        from .datasets import load_dataset, train_test_split_stratified
        from .metrics import get_metric

        get_metric(args.scoring)  # fail fast on a typo
        X, y = load_dataset(args.dataset)
        if len(y) == 0:
            raise ValueError(f"{args.dataset!r} has no data rows.")
        if y.isna().any():
            raise ValueError(
                f"{int(y.isna().sum())} row(s) of {args.dataset!r} have no target "
                "value: drop them, or fill their target in."
            )
        counts = y.value_counts()
        if (counts < _MIN_CLASS_ROWS).any():
            few = counts[counts < _MIN_CLASS_ROWS]
            rare = ", ".join(f"{label_repr(c)} ({n} row{'s' * (n != 1)})"
                             for c, n in few.items())
            raise ValueError(
                f"Class(es) {rare} of {args.dataset!r} have too few rows: the demo "
                "holds out a stratified quarter of the rows and cross-validates the "
                f"rest in 5 folds, which needs at least {_MIN_CLASS_ROWS} rows of "
                "every class. Drop those rows or merge the class into another."
            )
        if (args.scoring in _ONE_CLASS_SCORERS and len(counts) == 2
                and 1 in set(counts.index) and counts.idxmin() != 1):
            print(
                f"note: scikit-learn's {args.scoring!r} scores class 1, which is the "
                f"common class here (the rare one is {label_repr(counts.idxmin())}); "
                "--scoring macro_f1 or pr_auc score the rare class."
            )
        X_train, X_test, y_train, y_test = train_test_split_stratified(
            X, y, test_size=0.25, random_state=args.random_state
        )
        print(f"imbtune demo on {args.dataset!r}: {X.shape[0]} rows, {X.shape[1]} columns")
        print(describe_imbalance(y))
        budget = (
            _seconds(args.timeout) if args.n_trials is None
            else f"{args.n_trials} trial{'s' * (args.n_trials != 1)} "
            f"(at most {_seconds(args.timeout)})"
        )
        print(
            f"\nTuning {args.scoring} on {len(y_train)} training rows for {budget}; "
            f"{len(y_test)} rows are held out."
        )
        search = ImbalancedSearchCV(
            scoring=args.scoring,
            n_trials=args.n_trials,
            timeout=args.timeout,
            n_jobs=args.n_jobs,
            random_state=args.random_state,
            verbose=0 if args.quiet else 1,
        )
        start = time.monotonic()
        # The search's warnings, and those of scoring the held-out rows (say
        # categories unseen in training), are printed once each as notes.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                search.fit(X_train, y_train)
            except KeyboardInterrupt:
                print(f"\nInterrupted: {_interrupted(search)}.", file=sys.stderr)
                return 130
            summarize_search(search, X_test, y_test)
        seen = set()
        for warning in caught:
            text = str(warning.message)
            if text not in seen and issubclass(warning.category, UserWarning):
                seen.add(text)
                print(f"note: {text}")
        if X.select_dtypes(exclude="number").shape[1] == 0 and X.notna().all().all():
            # One thread: on a busy machine LightGBM's default of every core
            # can take seconds for what one core does in a fraction of one.
            baseline = LGBMClassifier(verbose=-1, random_state=args.random_state, n_jobs=1)
            baseline.fit(X_train, y_train)
            from .metrics import macro_f1

            print(
                "For comparison, LightGBM with default settings on the same split: "
                f"macro_f1 {macro_f1(y_test, baseline.predict(X_test)):.3f}."
            )
        print(f"Total time {time.monotonic() - start:.0f} s.")
        return 0


COMMANDS = {command.name: command for command in [_Demo()]}


def build_parser():
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="imbtune",
        description="Imbalanced classification with tuning built in.",
    )
    parser.add_argument("--version", action="version", version=f"imbtune {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, command in COMMANDS.items():
        command_parser = sub.add_parser(name, help=command.help, description=command.help)
        command.add_arguments(command_parser)
    return parser


def main(argv=None):
    """Entry point of the ``imbtune`` command."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        from .exceptions import SearchFailedError

        try:
            return COMMANDS[args.command].run(args)
        except (ValueError, TypeError, FileNotFoundError, SearchFailedError) as exc:
            print(f"imbtune {args.command}: error: {exc}", file=sys.stderr)
            return 2
        except BrokenPipeError:  # `imbtune demo | head`: the reader left, not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    except KeyboardInterrupt:  # outside the search (which says what it kept)
        print("\nInterrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
