"""Boosting rounds chosen inside each trial: held-out score with it against without.

For each dataset, seed and target metric, ``ImbalancedSearchCV`` runs once
with ``select_rounds=False`` (a booster's trial scores the ``n_estimators``
it drew) and once with ``select_rounds=True`` (the same fold fits are also
scored at 1/8, 1/4, 1/2 and 3/4 of those rounds and the best count is the
trial's), on ``compare.py``'s 75/25 split of the seed with its budget and
settings (``n_trials=None``, ``timeout=budget``, ``n_jobs=1``,
``random_state=seed``); the refitted model is scored on the held-out quarter
as ``compare.py`` scores it. The two runs of one case go at the same time,
one process and one core each, so that whatever else the machine does slows
them alike. The datasets are *outside* ``compare.py``'s four (the same eight
as ``family_focus.py``):

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/boosting_rounds.py \\
        hypothyroid sick_euthyroid telco_churn abalone software_defects_kc1 \\
        ozone_level german_credit software_defects_pc1 --seeds 0 \\
        --rounds off on

(about 33 minutes on two cores).

Raw records go to ``results/raw/boosting_rounds.jsonl`` (a rerun skips the
finished ones), the summary to ``results/boosting_rounds.md``;
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
    script="boosting_rounds.py",
    raw=HERE / "results" / "raw" / "boosting_rounds.jsonl",
    summary=HERE / "results" / "boosting_rounds.md",
    key="select_rounds",
    option="--rounds",
    letter="S",
    parse=str,
    search_params=lambda v: {"select_rounds": v == "on"},
    default_values=["off", "on"],
    default_seeds=[0],
    title="Boosting rounds chosen inside each trial",
    intro=(
        "Held-out score on the target metric (compare.py's 75/25 split of each "
        "seed) of `ImbalancedSearchCV(select_rounds=S)` at the same time budget, "
        "n_jobs 1; mean over seeds, in brackets the trials run; the last column "
        "is the paired difference against S = {base}."
    ),
)

if __name__ == "__main__":
    paired.main(EXPERIMENT, __doc__.splitlines()[0])
