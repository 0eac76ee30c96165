"""The audit notebook runs from top to bottom, as CI runs it."""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat
import pytest

EXAMPLES = Path(__file__).parents[1] / "examples"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_audit_notebook_runs_every_cell_and_plots_the_departments() -> None:
    notebook = nbformat.read(EXAMPLES / "audit.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(EXAMPLES)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, if one fails
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no plot was drawn"
    text = "".join(
        str(o.get("data", {}).get("text/plain", "")) + o.get("text", "") for o in outputs
    )
    assert (
        "DWK-SCJG" in text
        and "「行政执法证件人员需按照执法证件授权范围,不少于2人持证执法」" in text
    )
