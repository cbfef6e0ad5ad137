"""When the final ensemble replaces the chosen trial: when it beats one
trial in cross-fitting, or whenever greedy selection keeps two members.

After a search, ``ImbalancedSearchCV`` runs greedy ensemble selection over
the kept trials' out-of-fold probabilities. With ``_ensemble_gate =
"crossfit"`` (the default) the ensemble is kept only when its cross-fitted
score (fold ``k``'s rows blended with weights chosen on the other folds) is
above the same procedure picking one trial; with ``"always"`` it is kept
whenever the selection on all rows keeps two or more members. On a small
table the cross-fitted scores are noisy and the gate may turn down blends of
different model families that would rank new rows better.

Both are compared on the *same* search, as in ``ensemble_pool.py``: each
case runs one search, its refit step runs once per gate with the same time
left, and each refitted model is scored on the held-out quarter of
``compare.py``'s split. Records go to ``results/raw/ensemble_gate.jsonl``
(a rerun skips finished cases), the summary to ``results/ensemble_gate.md``.

    python benchmarks/ensemble_gate.py german_credit haberman --seeds 100 101
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import ensemble_pool  # noqa: E402
import paired  # noqa: E402

GATES = ("crossfit", "always")

EXPERIMENT = paired.Experiment(
    script="ensemble_gate.py",
    raw=HERE / "results" / "raw" / "ensemble_gate.jsonl",
    summary=HERE / "results" / "ensemble_gate.md",
    key="gate",
    option="--gates",
    letter="gate",
    parse=str,
    search_params=None,
    default_values=list(GATES),
    default_seeds=[100, 101],
    title="The final ensemble: kept when it wins in cross-fitting, or whenever it has two members",
    intro=(
        "Held-out score on the target metric (compare.py's 75/25 split of each seed) "
        "of the model that `ImbalancedSearchCV` refits, when the greedy ensemble of "
        "its best trials replaces the chosen trial only if its cross-fitted score is "
        "higher (gate={base}) or whenever the selection keeps two or more members "
        "(gate=always). Both come from one search per case (120 s, n_jobs 1, "
        "`random_state` = seed), whose refit step ran once per gate with the same time "
        "left; mean over seeds, trials in brackets; the last column is the paired "
        "difference."
    ),
)

if __name__ == "__main__":
    ensemble_pool.main(experiment=EXPERIMENT, attribute="_ensemble_gate", values=GATES)
