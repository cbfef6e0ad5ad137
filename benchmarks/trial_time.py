"""A limit on one trial's time inside a timed search: held-out score against none.

For each dataset, seed and target metric, ``ImbalancedSearchCV`` runs once
per ``max_trial_time`` (``compare.py``'s 75/25 split of the seed, its budget
and settings: ``n_trials=None``, ``timeout=budget``, ``n_jobs=1``,
``random_state=seed``), and the refitted model is scored on the held-out
quarter as ``compare.py`` scores it. ``auto`` stops a trial once its folds so
far put it on course for more than the larger of an eighth of the budget and
twice the median duration of the completed trials; ``none`` lets every trial
run to the end. The runs of one case go at the same time, one process and one
core each, so that whatever else the machine does slows them alike. The
datasets are *outside* ``compare.py``'s four, chosen for trials slow enough
that the limit can matter (1,581 to 7,500 training rows; on small tables no
trial comes near an eighth of the budget and the two runs are the same
search). This is why ``max_trial_time`` stays ``None`` by default: up to
twice the trials, lower held-out scores (the trials it cuts short, mostly
forests and SMOTE-ENN pipelines, are often the better ones).

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/trial_time.py \\
        hypothyroid sick_euthyroid telco_churn abalone wine_quality \\
        software_defects_kc1 ozone_level islr_default --seeds 0 \\
        --limits none auto

(about 35 minutes on two cores).

Raw records go to ``results/raw/trial_time.jsonl`` (a rerun skips the
finished ones), the summary to ``results/trial_time.md``; ``--summary-only``
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
    script="trial_time.py",
    raw=HERE / "results" / "raw" / "trial_time.jsonl",
    summary=HERE / "results" / "trial_time.md",
    key="max_trial_time",
    option="--limits",
    letter="L",
    parse=str,
    search_params=lambda v: {"max_trial_time": None if v == "none" else v},
    default_values=["none", "auto"],
    default_seeds=[0],
    title="A limit on one trial's time",
    intro=(
        "Held-out score on the target metric (compare.py's 75/25 split of each "
        "seed) of `ImbalancedSearchCV(max_trial_time=L)` at the same time "
        "budget, n_jobs 1; mean over seeds, in brackets the trials run and how "
        "many of them stopped early (stopped by the limit, or the last one, cut "
        "short by the time budget); the last column is the paired difference "
        "against L = {base}."
    ),
)

if __name__ == "__main__":
    paired.main(EXPERIMENT, __doc__.splitlines()[0])
