#!/usr/bin/env python
"""Time imbtune's encoding of text categories, and fingerprint its output.

vehicle_insurance_fraud (15,420 rows, 24 text columns, 7 integer ones), its
rows repeated ``--times`` times, goes through ``TabularEncoder().fit`` and
``.transform``, and through ``predict_proba`` of an ``ImbalancedPipeline``
(LightGBM, 50 trees, one model refitted on all rows) fitted on the table
once. Prints the median of ``--repeats`` timings of each step and the sums of
the encoded values and of the probabilities, so two revisions can be
compared for speed and for identical output: run it once with
``PYTHONPATH`` on a ``git worktree`` of the earlier revision, once here.

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/text_categories.py
"""

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wide_tables import timed  # noqa: E402  (median of repeated timings)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    from imbtune import ImbalancedPipeline
    from imbtune.datasets import load_dataset
    from imbtune.preprocessing import TabularEncoder

    X, y = load_dataset("vehicle_insurance_fraud")
    big = pd.concat([X] * args.times, ignore_index=True)
    t_fit, encoder = timed(lambda: TabularEncoder().fit(big), args.repeats)
    t_transform, out = timed(lambda: encoder.transform(big), args.repeats)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipeline = ImbalancedPipeline(
            "lightgbm", classifier_params={"n_estimators": 50}, final_model="refit",
            random_state=0,
        ).fit(X, y)
    t_proba, proba = timed(lambda: pipeline.predict_proba(big), args.repeats)
    n_text = sum(dtype.kind == "O" for dtype in X.dtypes)
    print(f"{big.shape[0]} rows x {big.shape[1]} columns ({n_text} text): "
          f"TabularEncoder fit {t_fit:.3f} s, transform {t_transform:.3f} s, "
          f"pipeline predict_proba {t_proba:.3f} s; encoded sum {np.nansum(out):.6f}, "
          f"probability sum {proba[:, 1].sum():.6f}")


if __name__ == "__main__":
    main()
