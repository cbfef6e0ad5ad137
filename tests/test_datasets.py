"""imbtune.datasets: data directory and bundled datasets."""

import pandas as pd
import pytest

from imbtune.datasets import list_datasets, load_dataset

from .conftest import DATA_DIR


def test_bundled_datasets_need_no_directory(tmp_path):
    X, y = load_dataset("digits_8", data_dir=tmp_path)
    assert X.shape == (1797, 64) and int(y.sum()) == 174
    X, y = load_dataset("breast_cancer", data_dir=tmp_path)
    assert int(y.sum()) == 212  # malignant is the positive class


def test_data_directory(tmp_path):
    frame = pd.DataFrame({"a": [1, 2, 3], "kind": ["x", "y", "x"], "target": [0, 1, 0]})
    frame.to_csv(tmp_path / "toy.csv.gz", index=False)
    X, y = load_dataset("toy", data_dir=tmp_path)
    assert list(X.columns) == ["a", "kind"] and y.tolist() == [0, 1, 0]
    assert "toy" in list_datasets(tmp_path)
    frame.drop(columns="target").to_csv(tmp_path / "bad.csv.gz", index=False)
    with pytest.raises(ValueError, match="no 'target' column"):
        load_dataset("bad", data_dir=tmp_path)


def test_missing_dataset_names_what_is_available(tmp_path):
    with pytest.raises(FileNotFoundError, match="IMBTUNE_DATA_DIR") as info:
        load_dataset("credit_card", data_dir=tmp_path)
    assert "digits_8" in str(info.value)


def test_shared_collection_via_environment(monkeypatch):
    if not (DATA_DIR / "mammography.csv.gz").is_file():
        pytest.skip("shared dataset collection not available")
    monkeypatch.setenv("IMBTUNE_DATA_DIR", str(DATA_DIR))
    X, y = load_dataset("mammography")
    assert X.shape == (11183, 6) and int(y.sum()) == 260


def test_bad_names_files_and_directories_say_what_is_wrong(tmp_path):
    with pytest.raises(TypeError, match="name must be a dataset name or a path"):
        load_dataset(None)
    with pytest.raises(FileNotFoundError, match=r"Did you mean 'digits_8'"):
        load_dataset("digits8", data_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="data directory '.*nowhere' does not exist"):
        load_dataset("toy", data_dir=tmp_path / "nowhere")
    (tmp_path / "broken.csv.gz").write_text("a,target\n1,0\n")  # not gzip
    with pytest.raises(ValueError, match=r"broken.csv.gz could not be read as a CSV table"):
        load_dataset("broken", data_dir=tmp_path)
    (tmp_path / "adir.csv.gz").mkdir()
    assert "adir" not in list_datasets(tmp_path)
    with pytest.raises(FileNotFoundError, match="No file"):
        load_dataset(str(tmp_path / "missing.csv"))
    # A path outside the data directory is read only when given as a path.
    pd.DataFrame({"a": [1, 2], "target": [0, 1]}).to_csv(tmp_path / "own.csv", index=False)
    X, y = load_dataset(tmp_path / "own.csv")
    assert list(X.columns) == ["a"] and y.tolist() == [0, 1]


def test_a_file_is_found_as_a_user_names_it(tmp_path, monkeypatch):
    # "own.CSV" and "noext" (files in the working folder) were read as dataset
    # names ("not found because IMBTUNE_DATA_DIR is not set"), a directory
    # said "No file", and "toy.csv.gz" of the data directory was not found.
    frame = pd.DataFrame({"a": [1, 2], "target": [0, 1]})
    frame.to_csv(tmp_path / "own.CSV", index=False)
    frame.to_csv(tmp_path / "noext", index=False)
    frame.to_csv(tmp_path / "toy.csv.gz", index=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IMBTUNE_DATA_DIR", raising=False)
    for name in ("own.CSV", "noext"):
        X, y = load_dataset(name)
        assert list(X.columns) == ["a"] and y.tolist() == [0, 1]
    with pytest.raises(FileNotFoundError, match=r"is a directory; give the path of a CSV"):
        load_dataset(str(tmp_path))
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    X, y = load_dataset("toy.csv.gz", data_dir=tmp_path)
    assert y.tolist() == [0, 1]
