"""The final model: one refit on all rows, or the out-of-fold models averaged.

The calibrator and decision rule of an imbtune pipeline are fitted on its
out-of-fold (OOF) probabilities, which come from the fold models, each
fitted on part of the rows. With ``final_model="refit"`` the model that
predicts is one model refitted on all rows, a different model from those
the threshold was chosen on; with ``"folds"`` it is the fold models
themselves (exactly as the OOF loop fitted them: same rows, resampling and
seed), their probabilities averaged, a bag of K (or K x repeats) models as
AutoGluon's bagged models are. ``ImbalancedSearchCV``'s private
``_final_model`` sets it for the pipelines it refits (the chosen trial, or
each member of the final ensemble).

Both are compared on the *same* search, as in ``ensemble_pool.py``: each
case runs one search, its refit step runs once per mode with the same time
left, and each refitted model is scored on the held-out quarter of
``compare.py``'s split. The committed records were made at 72bb107, whose
search reserved time for refits on all rows and whose "folds" refit fitted
the fold models again (the summary gives both modes' refit seconds); since
"folds" became the default below 4,000 rows the search holds the fold
models of its best trials and such a refit fits nothing. Those records
named the refit on all rows "full"; it is "refit" now. Records go to
``results/raw/fold_bagging.jsonl`` (a rerun skips finished cases), the
summary to ``results/fold_bagging.md``.

    python benchmarks/fold_bagging.py german_credit haberman --seeds 100 101
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import ensemble_pool  # noqa: E402
import paired  # noqa: E402

MODES = ("refit", "folds")

EXPERIMENT = paired.Experiment(
    script="fold_bagging.py",
    raw=HERE / "results" / "raw" / "fold_bagging.jsonl",
    summary=HERE / "results" / "fold_bagging.md",
    key="refit",
    option="--modes",
    letter="refit",
    parse=str,
    search_params=None,
    default_values=list(MODES),
    default_seeds=[100, 101],
    title="The final model: one refit on all rows, or the out-of-fold models averaged",
    intro=(
        "Held-out score on the target metric (compare.py's 75/25 split of each seed) "
        "of the model that `ImbalancedSearchCV` refits, when the chosen pipeline and "
        "each ensemble member is fitted once on all rows (refit={base}) or is the "
        "average of its out-of-fold models, refitted as the search fitted them "
        "(refit=folds). Both come from one search per case (120 s, n_jobs 1, "
        "`random_state` = seed), whose refit step ran once per mode with the same time "
        "left; mean over seeds, trials in brackets; the last column is the paired "
        "difference."
    ),
)

if __name__ == "__main__":
    ensemble_pool.main(experiment=EXPERIMENT, attribute="_final_model", values=MODES)
