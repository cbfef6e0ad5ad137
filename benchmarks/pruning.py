"""Pruning inside a search on repeated K-fold: held-out score against none.

For each dataset, seed and target metric, ``ImbalancedSearchCV`` runs once
per pruner (``compare.py``'s 75/25 split of the seed, its budget and
settings: ``n_trials=None``, ``timeout=budget``, ``n_jobs=1``,
``random_state=seed``, ``n_repeats="auto"``), and the refitted model is
scored on the held-out quarter as ``compare.py`` scores it. ``repetition``
is :class:`imbtune.pruning.RepetitionPruner` (a trial whose first repetition
of the folds scores below the median of earlier trials' is stopped there).
The runs of one case go at the same time, one process and one core each, so
that whatever else the machine does slows them alike. The datasets are
*outside* ``compare.py``'s four, all under 4,000 training rows (where
``n_repeats="auto"`` repeats the folds). This is why ``pruner`` stays
``None`` by default: more trials, no better held-out scores.

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/pruning.py \\
        hypothyroid sick_euthyroid telco_churn abalone wine_quality \\
        german_credit software_defects_pc1 software_defects_kc1 haberman \\
        thoracic_surgery --seeds 0 --pruners none repetition

(about 44 minutes on two cores).

Raw records go to ``results/raw/pruning.jsonl`` (a rerun skips the finished
ones), the summary to ``results/pruning.md``; ``--summary-only`` rebuilds it.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import paired  # noqa: E402

EXPERIMENT = paired.Experiment(
    script="pruning.py",
    raw=HERE / "results" / "raw" / "pruning.jsonl",
    summary=HERE / "results" / "pruning.md",
    key="pruner",
    option="--pruners",
    letter="P",
    parse=str,
    search_params=lambda p: {"pruner": None if p == "none" else p},
    default_values=["none", "repetition"],
    default_seeds=[0],
    title="Pruning a search on repeated K-fold",
    intro=(
        "Held-out score on the target metric (compare.py's 75/25 split of each "
        "seed) of `ImbalancedSearchCV(pruner=P)` at the same time budget, "
        "5 folds repeated as `n_repeats=\"auto\"` does, n_jobs 1; mean over "
        "seeds, in brackets the trials run and how many of them stopped early "
        "(pruned, or the last one, cut short by the time budget); the last "
        "column is the paired difference against P = {base}."
    ),
)

if __name__ == "__main__":
    paired.main(EXPERIMENT, __doc__.splitlines()[0])
