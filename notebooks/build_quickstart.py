"""Write notebooks/quickstart.ipynb from the cells below (without outputs).

Run ``python notebooks/build_quickstart.py`` after editing a cell (it writes
the notebook without outputs), then execute it in place so that the committed
copy shows its figures::

    IMBTUNE_DATA_DIR=../shared/datasets python -c "import nbclient, nbformat; \
    nb = nbformat.read('notebooks/quickstart.ipynb', 4); \
    nbclient.NotebookClient(nb, timeout=600).execute(); \
    nbformat.write(nb, 'notebooks/quickstart.ipynb')"

``tests/test_notebooks.py`` executes it with a 20-second budget.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    new_markdown_cell(
        """# imbtune quickstart: a model that finds 1 positive in 43

This notebook tunes a classifier for the **mammography** dataset (11,183
mammogram regions, 260 of them calcifications: 2.3 % positives) with one
call to `ImbalancedSearchCV`, then looks at what came back: the pipeline it
chose, its decision threshold, its probabilities and how the search went.

It reads `mammography.csv.gz` from the directory in `IMBTUNE_DATA_DIR`; where
that is not set it falls back to the bundled `digits_8` (the digit 8 against
the rest of UCI's optical digits), so it runs anywhere without a network."""
    ),
    new_code_cell(
        """import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import PrecisionRecallDisplay, classification_report

from imbtune import ImbalancedSearchCV, describe_imbalance
from imbtune.datasets import list_datasets, load_dataset, train_test_split_stratified

# Seconds for the whole search; the test suite shortens it.
BUDGET = float(os.environ.get("IMBTUNE_NOTEBOOK_BUDGET", 90))
name = "mammography" if "mammography" in list_datasets() else "digits_8"
X, y = load_dataset(name)
print(name, X.shape)
print(describe_imbalance(y))"""
    ),
    new_markdown_cell(
        """## Hold out a test set, then search

A stratified 75/25 split keeps the rare class in both parts. The test rows are
never seen by the search: it cross-validates on the training rows only,
resampling only training folds, and chooses calibration and threshold on
out-of-fold scores.

The search runs for a time budget, not a number of trials, so how many trials
fit in it depends on the machine: your numbers below will differ a little
from the ones saved in this notebook. With `n_trials=` instead of `timeout=`,
the same `random_state` gives the same study every time."""
    ),
    new_code_cell(
        """X_train, X_test, y_train, y_test = train_test_split_stratified(X, y, random_state=0)

search = ImbalancedSearchCV(
    scoring="pr_auc",     # rank candidates by average precision of the rare class
    n_trials=None,        # run until the time budget is spent ...
    timeout=BUDGET,       # ... including the final refit
    cv=5,
    n_jobs=1,
    random_state=0,
)
search.fit(X_train, y_train)
print(f"{search.n_trials_} trials in {search.search_time_:.0f} s, "
      f"refit {search.refit_time_:.1f} s")
chosen = type(search.best_estimator_).__name__
if len(search.ensemble_weights_) > 1:
    chosen += f" of trials {list(search.ensemble_weights_)}"
print(f"chosen model: {chosen}")
print(f"its cross-fitted PR-AUC: {search.best_score_:.3f}")
search.best_params_  # the best single trial's parameters"""
    ),
    new_markdown_cell(
        """## Every trial, one row

`cv_results_` is a DataFrame: the parameters of each trial (a resampler's
parameters only where that resampler was drawn), its per-fold and mean
cross-fitted scores, the calibration and threshold chosen on its out-of-fold
probabilities.

When blending a few of the best trials scored higher in cross-fitting than
any one of them, the chosen model is that blend (an `ImbalancedEnsemble`):
`best_score_` and `threshold_` are then the blend's, while `best_params_`
stays the best single trial's, the top row here."""
    ),
    new_code_cell(
        """cols = ["trial", "state", "resampler", "classifier", "cost_weight",
        "calibration", "threshold", "mean_test_score", "mean_fit_time"]
search.cv_results_[[c for c in cols if c in search.cv_results_]] \\
    .sort_values("mean_test_score", ascending=False).head(10)"""
    ),
    new_markdown_cell(
        """## How the search went

Optuna's own plots work on `search.study_`. The history shows the warm-start
portfolio (the first trials, a fixed set of strong defaults) and, given time
enough, the search improving on it."""
    ),
    new_code_cell(
        """import warnings

from optuna.exceptions import ExperimentalWarning
from optuna.visualization.matplotlib import plot_optimization_history

with warnings.catch_warnings(), plt.style.context("default"):
    # Optuna marks its matplotlib plots experimental, and would switch every
    # later figure to its own style.
    warnings.simplefilter("ignore", ExperimentalWarning)
    ax = plot_optimization_history(search.study_)
    ax.set_ylabel("cross-validated PR-AUC")
    plt.show()

# Which classifier and resampler did the best trials use?
done = search.cv_results_[search.cv_results_["state"] == "COMPLETE"]
done.groupby("classifier")["mean_test_score"].agg(["count", "max"]).sort_values("max")"""
    ),
    new_markdown_cell(
        """## On the held-out rows

`predict` applies the tuned threshold (chosen to maximise macro-F1 on
out-of-fold scores); `predict_proba` gives the probabilities, after the
calibration the search chose (`"none"` when the model's own were already the
best-calibrated)."""
    ),
    new_code_cell(
        """from imbtune.metrics import balanced_accuracy, macro_f1, pr_auc

proba = search.predict_proba(X_test)
pred = search.predict(X_test)
pos = search.best_estimator_.pos_label_
scores = pd.Series({
    "PR-AUC": pr_auc(y_test, proba, labels=search.classes_, pos_label=pos),
    "macro-F1": macro_f1(y_test, pred),
    "balanced accuracy": balanced_accuracy(y_test, pred),
})
print(f"calibration: {search.best_estimator_.calibration}")
print(f"threshold: {search.threshold_:.3f}")
print(scores.round(3).to_string())
print(classification_report(y_test, pred, digits=3))"""
    ),
    new_markdown_cell(
        """## Precision-recall and calibration

The PR curve shows what each threshold trades; the dot is the tuned one. The
calibration curve checks that a predicted probability means that share of
positives. On a rare class most predictions sit near 0, so the bins are
quantiles (20 of them, about 140 held-out rows each) and the points gather
where the model's predictions do: low probabilities, with the last bins
reaching higher."""
    ),
    new_code_cell(
        """p_pos = proba[:, list(search.classes_).index(pos)]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))

PrecisionRecallDisplay.from_predictions(y_test, p_pos, pos_label=pos, ax=ax1,
                                        name="imbtune")
hit = pred == pos
precision_at = (np.asarray(y_test)[hit] == pos).mean() if hit.any() else 0.0
recall_at = hit[np.asarray(y_test) == pos].mean()
ax1.plot(recall_at, precision_at, "o", color="C3", label="tuned threshold")
ax1.legend()
ax1.set_title("Precision-recall on held-out rows")

frac_pos, mean_pred = calibration_curve(y_test == pos, p_pos, n_bins=20,
                                        strategy="quantile")
ax2.plot([0, 1], [0, 1], ":", color="grey", label="perfectly calibrated")
ax2.plot(mean_pred, frac_pos, "o-", label=f"imbtune ({search.best_estimator_.calibration})")
ax2.set_xlabel("mean predicted probability")
ax2.set_ylabel("fraction of positives")
ax2.set_title("Calibration on held-out rows")
ax2.legend()
plt.tight_layout()
plt.show()"""
    ),
    new_markdown_cell(
        """## The model is an ordinary scikit-learn estimator

`best_estimator_` is an `ImbalancedPipeline` (or an `ImbalancedEnsemble` of
the best trials when blending them scored higher in cross-fitting): it
pickles, predicts on a DataFrame with the same columns, and carries its
threshold (`threshold_`)."""
    ),
    new_code_cell(
        """import pickle

model = pickle.loads(pickle.dumps(search.best_estimator_))
assert (model.predict(X_test) == pred).all()
print(f"threshold_ = {model.threshold_:.3f}")
model"""
    ),
]


def build():
    nb = new_notebook(cells=CELLS)
    nb.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3", "language": "python"
    }
    nb.metadata["language_info"] = {"name": "python"}
    path = Path(__file__).with_name("quickstart.ipynb")
    nbformat.write(nb, path)
    return path


if __name__ == "__main__":
    print(build())
