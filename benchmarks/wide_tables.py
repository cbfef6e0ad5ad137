#!/usr/bin/env python
"""Time imbtune's table encoding on a wide table, and fingerprint its output.

A 300-row table of ``--columns`` float columns (every 7th row of every 3rd
column missing) and one categorical column goes through ``as_frame``,
``TabularEncoder(impute=True).fit`` and ``.transform`` (what every fold model
pays at ``predict_proba``). Prints the median of ``--repeats`` timings of each
step and the sum of the encoded values (NaN skipped), so two revisions can be
compared for speed and for identical output: run it once with ``PYTHONPATH``
on a ``git worktree`` of the earlier revision, once here.

    python benchmarks/wide_tables.py --columns 5000
"""

import argparse
import time

import numpy as np
import pandas as pd


def table(n_columns, n_rows=300, seed=0):
    rng = np.random.RandomState(seed)
    X = pd.DataFrame(rng.normal(size=(n_rows, n_columns)),
                     columns=[f"c{i}" for i in range(n_columns)])
    X.iloc[::7, ::3] = np.nan
    X["kind"] = pd.Categorical(rng.choice(list("abc"), n_rows))
    return X


def timed(function, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--columns", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    from imbtune._validation import as_frame
    from imbtune.preprocessing import TabularEncoder

    X = table(args.columns)
    t_frame, frame = timed(lambda: as_frame(X, estimator_name="bench"), args.repeats)
    t_fit, encoder = timed(lambda: TabularEncoder(impute=True).fit(frame), args.repeats)
    t_transform, out = timed(lambda: encoder.transform(X), args.repeats)
    print(f"{X.shape[0]} rows x {X.shape[1]} columns: as_frame {t_frame:.3f} s, "
          f"fit {t_fit:.3f} s, transform {t_transform:.3f} s; output {out.shape}, "
          f"sum {np.nansum(out):.6f}")


if __name__ == "__main__":
    main()
