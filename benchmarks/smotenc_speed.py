#!/usr/bin/env python
"""SMOTENC with imbtune's block-decoding encoder against imbalanced-learn's own.

For each dataset with categorical columns, the first 80 % of compare.py's
training split of seed 0 (a training fold's size) is encoded as the search
encodes it, then SMOTE, SMOTE-Tomek and SMOTE-ENN as imbtune builds them
(SMOTENC with ``BlockDecodingOneHotEncoder``) are timed against the same
samplers with imbalanced-learn's default encoder, and their rows compared.
Best of ``--repeats`` wall times; writes ``results/smotenc_speed.md``::

    IMBTUNE_DATA_DIR=../shared/datasets python benchmarks/smotenc_speed.py \\
        thyroid_sick_raw vehicle_insurance_fraud
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import clone

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402  (load_split, library_versions)

from imbtune.preprocessing import TabularEncoder  # noqa: E402
from imbtune.resamplers import RESAMPLERS, ResampleContext  # noqa: E402


def _plain(sampler):
    """The same sampler with imbalanced-learn's default SMOTENC encoder."""
    if hasattr(sampler, "samplers"):  # SMOTE-Tomek / SMOTE-ENN chain
        plain = clone(sampler.samplers[0]).set_params(categorical_encoder=None)
        return type(sampler)(plain, *sampler.samplers[1:])
    return clone(sampler).set_params(categorical_encoder=None)


def _best_time(sampler, X, y, repeats):
    best, out = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        out = sampler.fit_resample(X, y)
        best = min(best, time.perf_counter() - start)
    return best, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+")
    parser.add_argument("--ratio", type=float, default=0.5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "smotenc_speed.md")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    lines = [
        "# SMOTENC: block decoding against imbalanced-learn's own encoder",
        "",
        f"Best of {args.repeats} wall times (s) of `fit_resample` on the first 80 % of "
        f"compare.py's training split of seed 0, ratio {args.ratio}, k_neighbors 5; "
        "'same rows' compares the resampled rows and labels of the two.",
        "",
        "| dataset | rows | categorical columns | resampler | imbalanced-learn | imbtune "
        "| speed-up | same rows |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for dataset in args.datasets:
        X, _, y, _ = compare.load_split(dataset, 0)
        rows = np.arange(int(0.8 * len(y)))
        y = np.asarray(y)[rows]
        encoder = TabularEncoder(impute=True).fit(X.iloc[rows])
        X_enc, mask = encoder.transform(X.iloc[rows]), encoder.categorical_mask_
        if not mask.any():
            raise SystemExit(f"{dataset} has no categorical columns: SMOTENC is not used there.")
        ctx = ResampleContext(y, int(y.max()) + 1, mask, random_state=0)
        for name in ("smote", "smote_tomek", "smote_enn"):
            ours = RESAMPLERS[name].build({"ratio": args.ratio, "k_neighbors": 5}, ctx)
            t_plain, (X_p, y_p) = _best_time(_plain(ours), X_enc, y, args.repeats)
            t_ours, (X_o, y_o) = _best_time(ours, X_enc, y, args.repeats)
            same = np.array_equal(X_p, X_o, equal_nan=True) and np.array_equal(y_p, y_o)
            lines.append(
                f"| {dataset} | {len(y):,} | {int(mask.sum())} | {name} | {t_plain:.3f} | "
                f"{t_ours:.3f} | {t_plain / t_ours:.1f}x | {'yes' if same else 'NO'} |"
            )
            print(lines[-1], flush=True)
    versions = compare.library_versions()
    lines += [
        "",
        "Command line:",
        "",
        "    python benchmarks/smotenc_speed.py "
        + " ".join(sys.argv[1:] if argv is None else argv),
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "",
    ]
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
