"""Replay of a predictions file: every line accounted for, every bad byte or line named."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from codebench.errors import ConfigError, NotSubmittedError
from codebench.models import TaskView
from codebench.models.replay import ReplayModel, load_predictions
from codebench.results import Status
from codebench.runner import ResultStore, SandboxSettings
from codebench.runner.attempt import WorkItem, attempt
from codebench.sandbox import Backend
from codebench.tasks import Task


def line(instance_id: str, patch: str = "") -> str:
    return json.dumps({"instance_id": instance_id, "model_patch": patch})


def jsonl(tmp_path: Path, *lines: str | bytes) -> Path:
    path = tmp_path / "preds.jsonl"
    path.write_bytes(b"".join((x if isinstance(x, bytes) else x.encode()) + b"\n" for x in lines))
    return path


def test_raw_non_utf8_bytes_are_named_with_line_and_offset(tmp_path: Path) -> None:
    """Regression: a Latin-1 byte in a predictions file raised a bare UnicodeDecodeError
    (a traceback, no line); the error must name the file, line, byte offset and the fix."""
    first, second = line("a").encode(), line("b").encode()
    path = jsonl(tmp_path, first, second, b'{"instance_id": "c", "model_patch": "caf\xe9"}')
    with pytest.raises(ConfigError) as caught:
        load_predictions(path)
    message = str(caught.value)
    offset = len(first) + len(second) + 2 + len(b'{"instance_id": "c", "model_patch": "caf')
    assert str(path) in message and "line 3" in message
    assert f"byte offset {offset}" in message and "save it as UTF-8" in message


def test_a_bad_third_line_is_reported_as_line_3(tmp_path: Path) -> None:
    """Regression: each line was parsed with json.loads alone, so a broken third line was
    reported as 'line 1'."""
    path = jsonl(tmp_path, line("a"), line("b"), '{"instance_id": "c", ')
    with pytest.raises(ConfigError) as caught:
        load_predictions(path)
    message = str(caught.value)
    assert "line 3" in message and "line 1" not in message


def test_an_invalid_entry_names_its_line(tmp_path: Path) -> None:
    """A line that is JSON but no prediction is named by its line in the file (blank lines
    counted), not by its place among the entries."""
    path = jsonl(tmp_path, line("a"), "", json.dumps({"model_patch": ""}))
    with pytest.raises(ConfigError, match=r"line 3: .*instance_id"):
        load_predictions(path)


def test_duplicate_ids_name_both_lines(tmp_path: Path) -> None:
    """Regression: a second prediction for one task silently replaced the first ('last
    wins'); which answer is graded must not depend on line order."""
    path = jsonl(tmp_path, line("a", "x"), line("b"), line("a", "y"))
    with pytest.raises(ConfigError) as caught:
        load_predictions(path)
    message = str(caught.value)
    assert str(path) in message and "'a'" in message
    assert "line 1" in message and "line 3" in message


def test_duplicate_ids_in_a_json_list_name_both_entries(tmp_path: Path) -> None:
    path = tmp_path / "preds.json"
    path.write_text(json.dumps([{"instance_id": "a"}, {"instance_id": "a"}]))
    with pytest.raises(ConfigError, match=r"entry 2: .*already on entry 1"):
        load_predictions(path)


def test_a_task_without_a_prediction_is_not_submitted(tmp_path: Path) -> None:
    """Regression: a task the file lacks raised a plain ModelError, counted as the model's
    failure; the model was never asked, so it is `NotSubmittedError`."""
    model = ReplayModel("replay:p", jsonl(tmp_path, line("a")))
    with pytest.raises(NotSubmittedError, match="b"):
        model.propose(TaskView("b", "do it", tmp_path))


def test_unknown_ids_are_the_ids_no_task_has(tmp_path: Path) -> None:
    model = ReplayModel("replay:p", jsonl(tmp_path, line("z"), line("a"), line("y")))
    assert model.unknown_ids(["a", "b"]) == ("y", "z")


def run_attempt(task: Task, model: ReplayModel, run_dir: Path) -> ResultStore:
    store = ResultStore(run_dir)
    attempt(WorkItem(task, model, 0), store, SandboxSettings(Backend.LOCAL), threading.Event())
    return store


def test_a_surrogate_escape_in_a_replayed_patch_is_malformed_and_stored(
    tmp_path: Path, mini_tasks: dict[str, Task]
) -> None:
    """Regression: a "\\udcff" escape in a predictions file became a lone surrogate that
    crashed hashing, staging and the result's JSON; the attempt must end `malformed_patch`,
    written and read back like any other result."""
    task = mini_tasks["mini-div-zero"]
    patch = task.gold_patch.replace('"division by zero"', '"division by zero \udcff"')
    path = tmp_path / "preds.jsonl"
    path.write_text(json.dumps({"instance_id": task.id, "model_patch": patch}) + "\n")
    assert "\\udcff" in path.read_text()  # the file itself is plain ASCII JSON
    store = run_attempt(task, ReplayModel(f"replay:{path}", path), tmp_path / "run")
    stored = next(iter(store))
    assert stored.status is Status.MALFORMED_PATCH
    assert stored.reason is not None and "surrogate" in stored.reason
    assert "\\udcff" in stored.patch  # what it held stays readable


def test_not_submitted_is_recorded_as_such(tmp_path: Path, mini_tasks: dict[str, Task]) -> None:
    """Regression: a task missing from the predictions file was recorded as `model_error`."""
    task = mini_tasks["mini-div-zero"]
    path = jsonl(tmp_path, line("mini-rename-show"))
    store = run_attempt(task, ReplayModel(f"replay:{path}", path), tmp_path / "run")
    stored = next(iter(store))
    assert stored.status is Status.NOT_SUBMITTED
    assert stored.reason is not None and task.id in stored.reason


def test_a_task_dropped_from_the_file_is_not_submitted_on_rerun(
    tmp_path: Path, mini_tasks: dict[str, Task]
) -> None:
    """Regression: a rerun whose predictions file no longer holds a task kept the answer an
    earlier version of the file gave (as for a provider outage); that answer is no longer
    submitted, so the task is `not_submitted` now."""
    task = mini_tasks["mini-div-zero"]
    path = jsonl(
        tmp_path, line(task.id, "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")
    )
    run_attempt(task, ReplayModel(f"replay:{path}", path), tmp_path / "run")
    jsonl(tmp_path, line("mini-rename-show"))
    store = run_attempt(task, ReplayModel(f"replay:{path}", path), tmp_path / "run")
    assert next(iter(store)).status is Status.NOT_SUBMITTED


def test_a_run_warns_once_about_ids_no_task_has(tmp_path: Path) -> None:
    """Regression: predictions for ids the suite does not have (a typo, another suite) were
    ignored without a word; the run prints one warning with the count and up to 5 ids."""
    import io

    from rich.console import Console

    from codebench.runner import RunSettings, run
    from tests.conftest import FIXTURE_TASKS

    ids = [f"other-{n}" for n in range(7)]
    path = jsonl(tmp_path, *(line(i) for i in ids), line("mini-div-zero"))
    buffer = io.StringIO()
    settings = RunSettings(
        suite="mini",
        tasks_root=FIXTURE_TASKS,
        run_dir=tmp_path / "run",
        model_specs=(f"replay:{path}",),
        backend=Backend.LOCAL,
        analyse=False,
    )
    outcome = run(settings, lambda keys: pytest.fail("no images"), Console(file=buffer, width=400))
    warnings = [text for text in buffer.getvalue().splitlines() if "match no task" in text]
    assert len(warnings) == 1
    assert "7 prediction id(s)" in warnings[0] and str(path) in warnings[0]
    assert "'other-0'" in warnings[0] and "'other-4'" in warnings[0]
    assert "'other-5'" not in warnings[0]
    statuses = {r.task_id: r.status for r in outcome.results}
    assert statuses["mini-rename-show"] is Status.NOT_SUBMITTED
