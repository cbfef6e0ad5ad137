"""Near-ties broken by PR-AUC: held-out score with it against without.

For each dataset, seed and target metric, ``ImbalancedSearchCV`` runs once
with ``tie_break=False`` (the final trial is the one of best cross-validated
score) and once with ``tie_break=True`` (with a scoring that reads labels,
the trial of best out-of-fold PR-AUC among those within one standard error
of the best), on ``compare.py``'s 75/25 split of the seed with its budget and
settings (``n_trials=None``, ``timeout=budget``, ``n_jobs=1``,
``random_state=seed``); the refitted model is scored on the held-out quarter
as ``compare.py`` scores it. The two runs of one case go at the same time,
one process and one core each, so that whatever else the machine does slows
them alike. A probability scoring is unaffected, so macro-F1 is the metric
to run. The datasets are *outside* ``compare.py``'s four (the same eight as
``family_focus.py`` and ``boosting_rounds.py``), or ``compare.py``'s four
with seeds from 100 on (splits the comparison does not use):

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/tie_break.py \\
        hypothyroid sick_euthyroid telco_churn abalone software_defects_kc1 \\
        ozone_level german_credit software_defects_pc1 --seeds 0 1 \\
        --metrics macro_f1 --tie-break off on

(about 35 minutes on two cores).

Raw records go to ``results/raw/tie_break.jsonl`` (a rerun skips the
finished ones), the summary to ``results/tie_break.md``; ``--summary-only``
rebuilds it.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import paired  # noqa: E402

EXPERIMENT = paired.Experiment(
    script="tie_break.py",
    raw=HERE / "results" / "raw" / "tie_break.jsonl",
    summary=HERE / "results" / "tie_break.md",
    key="tie_break",
    option="--tie-break",
    letter="T",
    parse=str,
    search_params=lambda v: {"tie_break": v == "on"},
    default_values=["off", "on"],
    default_seeds=[0],
    title="Near-ties broken by out-of-fold PR-AUC",
    intro=(
        "Held-out score on the target metric (compare.py's 75/25 split of each "
        "seed) of `ImbalancedSearchCV(tie_break=T)` at the same time budget, "
        "n_jobs 1; mean over seeds, in brackets the trials run; the last column "
        "is the paired difference against T = {base}."
    ),
)

if __name__ == "__main__":
    paired.main(EXPERIMENT, __doc__.splitlines()[0])
