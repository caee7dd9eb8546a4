"""A run directory without Docker: damaged stored results are said before they are recomputed,
and one run at a time holds the directory."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from codebench.results import Status
from codebench.runner import ResultStore, RunSettings, run
from codebench.sandbox import Backend
from tests.conftest import FIXTURE_TASKS, quiet


def noop_settings(run_dir: Path) -> RunSettings:
    """`noop` on the fixture suite: empty patches, so no sandbox runs any code."""
    return RunSettings(
        suite="mini",
        tasks_root=FIXTURE_TASKS,
        run_dir=run_dir,
        model_specs=("noop",),
        backend=Backend.LOCAL,
        analyse=False,
    )


def test_a_run_says_how_many_stored_results_it_could_not_read(tmp_path: Path) -> None:
    """A stored result that was damaged, or of another schema, was recomputed without a word:
    the person resuming a run could not tell that its earlier results were lost."""
    first = run(noop_settings(tmp_path), lambda keys: None, quiet())
    assert first.computed == 2
    store = ResultStore(tmp_path)
    damaged = store.path("mini-div-zero", "noop", 0)
    damaged.write_text('{"garbage": true}')
    console = Console(record=True, width=300)
    again = run(noop_settings(tmp_path), lambda keys: None, console)
    text = console.export_text()
    assert "1 stored result(s) could not be read and will be recomputed" in text
    assert str(damaged) in text and "not a codebench result" in text
    assert (again.computed, again.reused, len(again.damaged)) == (1, 1, 1)
    assert {r.status for r in again.results} == {Status.EMPTY_PATCH}
    assert store.scan().damaged == ()
