"""The imbtune command."""

import subprocess
import sys

import numpy as np

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


def test_a_search_that_fails_is_one_line_too(capsys):
    assert main(["demo", "--timeout", "0.001", "--n-jobs", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("imbtune demo: error: No trial finished within timeout")
    assert "Traceback" not in err


def test_bad_numbers_are_refused_before_any_work(capsys):
    import pytest

    for argv in (["--timeout", "0"], ["--timeout", "nan"], ["--timeout", "inf"],
                 ["--n-trials", "-5"],
                 ["--n-jobs", "0"], ["--random-state", "-1"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["demo", *argv])
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert f"argument {argv[0]}: " in err and "imbtune demo on" not in err


def test_a_csv_file_of_your_own(tmp_path, capsys):
    from sklearn.datasets import make_classification

    X, y = make_classification(300, 4, weights=[0.85], random_state=0)
    import pandas as pd

    path = tmp_path / "mine.csv"
    pd.DataFrame(X, columns=list("abcd")).assign(target=y).to_csv(path, index=False)
    assert main(["demo", "--dataset", str(path), "--n-trials", "2", "--n-jobs", "1",
                 "--quiet"]) == 0
    assert f"imbtune demo on {str(path)!r}: 300 rows, 4 columns" in capsys.readouterr().out
    (tmp_path / "semi.csv").write_text("a;b;target\n1;2;0\n")
    assert main(["demo", "--dataset", str(tmp_path / "semi.csv")]) == 2
    assert "separated by ';'" in capsys.readouterr().err
    (tmp_path / "lonely.csv").write_text("a,target\n" + "1,0\n" * 9 + "2,1\n")
    assert main(["demo", "--dataset", str(tmp_path / "lonely.csv")]) == 2
    assert "Class(es) 1 (1 row) of" in capsys.readouterr().err
    # a class of a few rows fails one fold later, in words of options the
    # command does not have ("use cv=2")
    (tmp_path / "few.csv").write_text("a,target\n" + "1,0\n" * 30 + "2,1\n" * 5)
    assert main(["demo", "--dataset", str(tmp_path / "few.csv")]) == 2
    assert "Class(es) 1 (5 rows) of" in capsys.readouterr().err
    (tmp_path / "header.csv").write_text("a,target\n")
    assert main(["demo", "--dataset", str(tmp_path / "header.csv")]) == 2
    assert "has no data rows" in capsys.readouterr().err
    (tmp_path / "blank.csv").write_text("a,target\n" + "1,0\n" * 20 + "2,1\n" * 10 + "3,\n")
    assert main(["demo", "--dataset", str(tmp_path / "blank.csv")]) == 2
    assert "1 row(s) of" in capsys.readouterr().err
    assert main(["demo", "--dataset", "digits8"]) == 2
    assert "Did you mean 'digits_8'" in capsys.readouterr().err


def test_ctrl_c_says_what_had_finished_and_exits_130():
    import signal
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "imbtune.cli", "demo", "--timeout", "60", "--n-jobs", "1",
         "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(12)  # the warm-start trials take a second or two each
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Interrupted: " in err and "Traceback" not in err
    assert "trial(s) had finished; the best, trial " in err


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
    assert f"an ensemble of trials {trials}, kept because in cross-fitting it scored " \
           "above picking one trial" in text  # not "higher than any one": it may not be
    assert text.count("classifier   ") == len(search.ensemble_weights_)
    # Under 4,000 rows each member predicts with its fold models (3 x 3).
    assert text.count("model        its 9 fold models, averaged") == len(
        search.ensemble_weights_
    )
    assert f"{search.best_score_:.3f} +/-" in text


def test_a_one_class_scorer_of_the_common_class_is_named_and_ctrl_c_anywhere_is_quiet(
        tmp_path, capsys, monkeypatch):
    import imbtune.cli as cli

    rng = np.random.RandomState(0)
    rows = [f"{a:.3f},{int(a > 1.2)}" for a in rng.normal(size=120) + 1.6]
    (tmp_path / "flipped.csv").write_text("a,target\n" + "\n".join(rows) + "\n")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    # Ctrl-C after the search (here while the held-out rows are scored) was
    # a traceback
    monkeypatch.setattr(cli, "summarize_search", interrupted)
    code = main(["demo", "--dataset", str(tmp_path / "flipped.csv"), "--scoring", "f1",
                 "--n-trials", "1", "--n-jobs", "1", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 130 and err.strip() == "Interrupted."
    assert "note: scikit-learn's 'f1' scores class 1, which is the common class here " \
           "(the rare one is 0)" in out
