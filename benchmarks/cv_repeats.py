"""Repeated K-fold inside the search: held-out score against one K-fold.

For each dataset, seed and target metric, ``ImbalancedSearchCV`` runs once
per value of ``n_repeats`` (``compare.py``'s 75/25 split of the seed, its
budget and settings: ``n_trials=None``, ``timeout=budget``, ``n_jobs=1``,
``random_state=seed``), and the refitted model is scored on the held-out
quarter as ``compare.py`` scores it. The runs of one case go at the same
time, one process and one core each, so that whatever else the machine does
slows them alike. This is how ``n_repeats="auto"`` was chosen
(:func:`imbtune.search.auto_repeats`): on datasets *outside* ``compare.py``'s
four.

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/cv_repeats.py \\
        haberman thoracic_surgery german_credit software_defects_pc1 \\
        --seeds 0 1 --repeats 1 3
    python benchmarks/cv_repeats.py german_credit software_defects_pc1 \\
        --seeds 2 3 --repeats 1 3
    python benchmarks/cv_repeats.py breast_cancer_wisconsin software_defects_kc1 \\
        --seeds 0 1 --repeats 1 3
    python benchmarks/cv_repeats.py hypothyroid sick_euthyroid telco_churn \\
        abalone wine_quality --seeds 0 --repeats 1 3
    python benchmarks/cv_repeats.py hypothyroid sick_euthyroid telco_churn \\
        abalone wine_quality --seeds 1 --repeats 1 3

(about 64 minutes on two cores for the first three, under 2,000 training
rows; 42 for each of the last two, 2,372 to 3,750 rows).

Raw records go to ``results/raw/cv_repeats.jsonl`` (a rerun skips the
finished ones), the summary to ``results/cv_repeats.md``;
``--summary-only`` rebuilds it.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import paired  # noqa: E402

EXPERIMENT = paired.Experiment(
    script="cv_repeats.py",
    raw=HERE / "results" / "raw" / "cv_repeats.jsonl",
    summary=HERE / "results" / "cv_repeats.md",
    key="n_repeats",
    option="--repeats",
    letter="R",
    parse=int,
    search_params=lambda r: {"n_repeats": r},
    default_values=[1, 3],
    default_seeds=[0, 1],
    title="Repeated K-fold inside the search",
    intro=(
        "Held-out score on the target metric (compare.py's 75/25 split of each "
        "seed) of `ImbalancedSearchCV(n_repeats=R)` at the same time budget, "
        "5 folds, n_jobs 1; mean over seeds, trials in brackets; the last "
        "columns are the paired differences against R = {base}."
    ),
)

if __name__ == "__main__":
    paired.main(EXPERIMENT, __doc__.splitlines()[0])
