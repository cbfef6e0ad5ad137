#!/usr/bin/env python
"""A fingerprint of three fixed-trial searches, to show a change leaves results alone.

Runs ``ImbalancedSearchCV(scoring=metric, n_trials=8, random_state=0,
n_jobs=1)`` on the seed-0 training split of ``compare.py`` for
thyroid_sick_raw (macro-F1), vehicle_insurance_fraud (PR-AUC) and
pima_diabetes (macro-F1), and prints, per case, ``best_score_``, every
trial's score, the sum of the held-out probabilities of class 1 (rounded to
12 digits) and the kind of the chosen model, as one JSON line. A refactor or
a fix that must not change what the search does should print the same line
before and after it (run it once per revision, for example with
``PYTHONPATH`` pointing at a ``git worktree`` of the earlier one, and
compare the two lines). About 90 s on one core.

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/study_fingerprint.py
"""

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

CASES = [
    ("thyroid_sick_raw", "macro_f1"),
    ("vehicle_insurance_fraud", "pr_auc"),
    ("pima_diabetes", "macro_f1"),
]


def fingerprint(n_trials=8):
    import compare

    from imbtune import ImbalancedSearchCV

    out = {}
    for dataset, metric in CASES:
        X_train, X_test, y_train, _ = compare.load_split(dataset, 0)
        search = ImbalancedSearchCV(
            scoring=metric, n_trials=n_trials, random_state=0, n_jobs=1
        ).fit(X_train, y_train)
        proba = search.predict_proba(X_test)[:, 1]
        out[dataset] = [
            float(search.best_score_),
            [float(v) for v in search.cv_results_["mean_test_score"].fillna(-1)],
            float(np.round(proba, 12).sum()),
            type(search.best_estimator_).__name__,
        ]
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-trials", type=int, default=8)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    print(json.dumps(fingerprint(args.n_trials)))


if __name__ == "__main__":
    main()
