"""Family focus inside a timed search: held-out score with it against without.

For each dataset, seed and target metric, ``ImbalancedSearchCV`` runs once
with ``family_focus=False`` and once with ``family_focus=True``
(``compare.py``'s 75/25 split of the seed, its budget and settings:
``n_trials=None``, ``timeout=budget``, ``n_jobs=1``, ``random_state=seed``),
and the refitted model is scored on the held-out quarter as ``compare.py``
scores it. With the focus, a trial drawn for a classifier family whose best
trial is clearly behind the best trial of all goes to the leading family
instead (:class:`imbtune.focus.FamilyFocusSampler`). The two runs of one case
go at the same time, one process and one core each, so that whatever else the
machine does slows them alike. The datasets are *outside* ``compare.py``'s
four: six of 1,581 to 3,750 training rows, where a 120-second budget buys
few trials, and two smaller ones.

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/family_focus.py \\
        hypothyroid sick_euthyroid telco_churn abalone software_defects_kc1 \\
        ozone_level german_credit software_defects_pc1 --seeds 0 \\
        --focus off on

(about 35 minutes on two cores).

Raw records go to ``results/raw/family_focus.jsonl`` (a rerun skips the
finished ones), the summary to ``results/family_focus.md``;
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
    script="family_focus.py",
    raw=HERE / "results" / "raw" / "family_focus.jsonl",
    summary=HERE / "results" / "family_focus.md",
    key="family_focus",
    option="--focus",
    letter="F",
    parse=str,
    search_params=lambda v: {"family_focus": v == "on"},
    default_values=["off", "on"],
    default_seeds=[0],
    title="Family focus",
    intro=(
        "Held-out score on the target metric (compare.py's 75/25 split of each "
        "seed) of `ImbalancedSearchCV(family_focus=F)` at the same time budget, "
        "n_jobs 1; mean over seeds, in brackets the trials run; the last column "
        "is the paired difference against F = {base}."
    ),
)

if __name__ == "__main__":
    paired.main(EXPERIMENT, __doc__.splitlines()[0])
