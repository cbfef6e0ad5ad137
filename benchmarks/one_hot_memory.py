#!/usr/bin/env python
"""Peak memory and time of logistic regression on a column of many categories.

A synthetic table of ``--rows`` rows: three numeric columns and one text
column of ``--categories`` categories (a merchant, say), 5% positives whose
rate depends on both. ``ImbalancedPipeline("logreg", cv=3)`` is fitted on
three quarters and predicts the rest: the one-hot view of the text column is
what takes the memory. Prints the peak resident memory of the process
(``ru_maxrss``), the time and the held-out PR-AUC, so two revisions can be
compared: run it once with ``PYTHONPATH`` on a ``git worktree`` of the earlier
revision, once here.

    python benchmarks/one_hot_memory.py --rows 60000 --categories 2000
"""

import argparse
import resource
import time
import warnings

import numpy as np
import pandas as pd


def table(n_rows, n_categories, seed=0):
    rng = np.random.RandomState(seed)
    effect = rng.normal(scale=1.0, size=n_categories)
    merchant = rng.randint(0, n_categories, n_rows)
    X = pd.DataFrame(rng.normal(size=(n_rows, 3)), columns=["a", "b", "c"])
    X["merchant"] = np.char.add("m", merchant.astype(str)).astype(object)
    logit = -3.6 + X["a"].to_numpy() + effect[merchant]
    y = (rng.rand(n_rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--categories", type=int, default=2000)
    args = parser.parse_args(argv)

    from sklearn.metrics import average_precision_score

    from imbtune import ImbalancedPipeline

    X, y = table(args.rows, args.categories)
    cut = args.rows * 3 // 4
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipeline = ImbalancedPipeline("logreg", cv=3, final_model="refit", random_state=0)
        pipeline.fit(X.iloc[:cut], y[:cut])
        proba = pipeline.predict_proba(X.iloc[cut:])[:, 1]
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.rows} rows, {args.categories} categories ({y.mean():.3f} positive): "
          f"peak memory {peak:.0f} MiB (table built: {before:.0f} MiB), "
          f"fit + predict {seconds:.1f} s, held-out PR-AUC "
          f"{average_precision_score(y[cut:], proba):.4f}")


if __name__ == "__main__":
    main()
