"""The refit: one model on all rows, or the out-of-fold models averaged.

After a search, ``ImbalancedSearchCV`` refits the chosen pipeline (or each
member of the final ensemble) once on all training rows, and applies the
calibrator and decision rule fitted on the trial's out-of-fold (OOF)
probabilities. Those probabilities came from the fold models, each fitted on
part of the rows; a model refitted on all rows is a different model, whose
scores the threshold was not chosen on. With ``_refit_mode = "folds"`` the
fold models themselves are kept (refitted exactly as the OOF loop fits them:
same rows, resampling and seed) and their probabilities averaged, a bag of
K (or K x repeats) models, as AutoGluon's bagged models do.

Both are compared on the *same* search, as in ``ensemble_pool.py``: each
case runs one search, its refit step runs once per mode with the same time
left, and each refitted model is scored on the held-out quarter of
``compare.py``'s split. The search reserves time for a refit on all rows, so
the "folds" refits run over the budget by what they cost more; the summary
gives both modes' refit seconds. Records go to
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

MODES = ("full", "folds")

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
    title="The refit: one model on all rows, or the out-of-fold models averaged",
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
    ensemble_pool.main(experiment=EXPERIMENT, attribute="_refit_mode", values=MODES)
