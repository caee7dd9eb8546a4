"""A run directory without Docker: damaged stored results are said before they are recomputed,
and one run at a time holds the directory."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

import pytest
from rich.console import Console

from codebench.errors import RunDirInUseError
from codebench.results import Status
from codebench.runner import ResultStore, RunSettings, lock_run_dir, run
from codebench.sandbox import Backend
from tests.conftest import FIXTURE_TASKS, hold_lock, quiet


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


def test_a_second_run_on_a_run_dir_in_use_fails_at_once_naming_the_holder(
    tmp_path: Path,
) -> None:
    """Two runs on one run directory both evaluated everything, and the leaderboard of the one
    that finished first disagreed with results/. Now the second is refused."""
    holder = hold_lock(tmp_path)
    try:
        with pytest.raises(RunDirInUseError) as refused:
            run(noop_settings(tmp_path), lambda keys: None, quiet())
        message = str(refused.value)
        assert f"run dir {tmp_path} is in use by pid {holder.pid} on host " in message
        assert socket.gethostname() in message and " since 20" in message
        assert not ResultStore(tmp_path).root.exists()  # nothing was evaluated
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
    with lock_run_dir(tmp_path):  # released when the holder exits
        pass


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    """A run killed with SIGKILL cannot clean up: its lock must not outlive it."""
    holder = hold_lock(tmp_path)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    in_use = pytest.raises(RunDirInUseError, match=f"in use by pid {os.getpid()} ")
    # the lock is the run's, not the process's: a second one in this process is refused too
    with lock_run_dir(tmp_path), in_use, lock_run_dir(tmp_path):
        pass
    assert run(noop_settings(tmp_path), lambda keys: None, quiet()).computed == 2
