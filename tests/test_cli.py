"""The imbtune command."""

import subprocess
import sys

from imbtune.cli import main


def test_demo_runs_and_prints_a_summary(capsys):
    code = main(["demo", "--n-trials", "3", "--timeout", "60", "--n-jobs", "1", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "imbtune demo on 'digits_8': 1797 rows, 64 columns" in out
    assert "imbalance ratio" in out
    assert "Best pipeline" in out and "classifier" in out and "calibration" in out
    assert "threshold    predict 1 when P(1) >=" in out
    assert "Cross-validated macro_f1 (cross-fitted, 5 folds" in out
    assert "Held-out (450 rows never seen by the search)" in out
    assert "pr_auc" in out and "macro_f1" in out


def test_errors_are_one_line_and_exit_2(capsys):
    assert main(["demo", "--scoring", "acuracy"]) == 2
    err = capsys.readouterr().err
    assert "imbtune demo: error: Unknown scoring 'acuracy'" in err
    assert main(["demo", "--dataset", "nope"]) == 2


def test_console_script_help():
    out = subprocess.run(
        [sys.executable, "-m", "imbtune.cli", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "demo" in out


def test_summary_of_an_ensemble_names_its_trials(thyroid_mixed, quiet):
    import io

    from sklearn.model_selection import train_test_split

    from imbtune import ImbalancedSearchCV
    from imbtune.cli import summarize_search

    X, y = thyroid_mixed
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    search = ImbalancedSearchCV(
        scoring="pr_auc", n_trials=12, cv=3, random_state=0,
        classifiers=["lightgbm", "extra_trees", "logreg"],
    ).fit(X_train, y_train)
    assert len(search.ensemble_weights_) > 1  # this study ends in an ensemble
    out = io.StringIO()
    summarize_search(search, X_test, y_test, out=out)
    text = out.getvalue()
    first = text.strip().splitlines()[0]
    assert first.startswith("Best pipeline (12 trials") and "trial " not in first
    trials = ", ".join(f"{n} ({w:.0%})" for n, w in search.ensemble_weights_.items())
    assert f"an ensemble of trials {trials}" in text
    assert text.count("classifier   ") == len(search.ensemble_weights_)
    # Under 4,000 rows each member predicts with its fold models (3 x 3).
    assert text.count("model        its 9 fold models, averaged") == len(
        search.ensemble_weights_
    )
    assert f"{search.best_score_:.3f} +/-" in text
