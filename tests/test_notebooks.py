"""The tutorial notebooks execute from top to bottom and draw their figures."""

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb file"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path, monkeypatch, tmp_path):
    # A short search budget keeps the run within CI's time.
    monkeypatch.setenv("IMBTUNE_NOTEBOOK_BUDGET", "20")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, with the cell, on any error

    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(images) >= 2, "the notebook should draw its history, PR and calibration figures"
    text = "".join(out.get("text", "") for out in outputs)
    assert "threshold:" in text and "PR-AUC" in text and "chosen model:" in text
    # Nothing a reader would worry about: no warning printed by any cell.
    stderr = "".join(out.get("text", "") for out in outputs if out.get("name") == "stderr")
    assert "Warning" not in stderr, stderr


def test_the_committed_notebook_is_what_its_build_script_writes(tmp_path, monkeypatch):
    import importlib.util

    build = Path(__file__).parents[1] / "notebooks" / "build_quickstart.py"
    spec = importlib.util.spec_from_file_location("build_quickstart", build)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = nbformat.read(build.with_name("quickstart.ipynb"), as_version=4)
    sources = [(c.cell_type, c.source) for c in committed.cells]
    assert sources == [(c.cell_type, c.source) for c in module.CELLS]
