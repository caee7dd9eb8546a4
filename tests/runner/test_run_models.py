"""Whole runs with real-model plumbing: an OpenAI-compatible server replying with the gold
edits in each format scores like `gold`; replay files; model errors do not stop a run."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from codebench.analysis.diffs import file_diffs
from codebench.models import ModelOptions
from codebench.models.cache import ResponseCache
from codebench.models.formats import EditFormat
from codebench.report import build_leaderboard
from codebench.results import Status
from codebench.runner import RunSettings, run
from codebench.sandbox import ImageSet
from codebench.tasks import Task, load_suite
from tests.conftest import FIXTURE_TASKS, quiet
from tests.fake_openai import FakeOpenAI, Reply, chat_body

pytestmark = pytest.mark.docker
MINI = load_suite("mini", FIXTURE_TASKS)


def gold_reply(task: Task, edit_format: EditFormat) -> str:
    """The gold patch written as a model would in `edit_format`."""
    if edit_format is EditFormat.UDIFF:
        return f"Here is the change.\n\n```diff\n{task.gold_patch}```\n"
    diffs = file_diffs(task.gold_patch, lambda p: (task.repo_dir / p).read_text())
    if edit_format is EditFormat.SEARCH_REPLACE:
        return "".join(
            f"{d.path}\n```python\n<<<<<<< SEARCH\n{d.old}=======\n{d.new}>>>>>>> REPLACE\n```\n"
            for d in diffs
        )
    return "".join(f"{d.path}\n```python\n{d.new}```\n\n" for d in diffs)


def responder(edit_format: EditFormat, failing: str | None = None) -> Any:
    by_instruction = {t.spec.instruction.strip(): t for t in MINI}

    def reply(path: str, body: dict[str, Any]) -> Reply:
        user = body["messages"][-1]["content"]
        instruction = re.search(r"<instruction>\n(.*?)\n</instruction>", user, re.S)
        task = by_instruction[instruction.group(1).strip()] if instruction else None
        if task is None or task.id == failing:
            return Reply(500, {"error": {"message": "injected failure"}})
        return Reply(body=chat_body(gold_reply(task, edit_format)))

    return reply


def settings(run_dir: Path, models: tuple[str, ...], **options: Any) -> RunSettings:
    return RunSettings(
        suite="mini",
        tasks_root=FIXTURE_TASKS,
        run_dir=run_dir,
        model_specs=models,
        model_options=ModelOptions(**options),
    )


def statuses(outcome: Any, model: str) -> dict[str, list[Status]]:
    (entry,) = [m for m in build_leaderboard(outcome.results).models if m.model == model]
    return entry.per_task


@pytest.mark.parametrize("edit_format", list(EditFormat))
def test_server_replying_gold_scores_like_gold(
    tmp_path: Path, docker_images: ImageSet, edit_format: EditFormat
) -> None:
    gold = run(settings(tmp_path / "gold", ("gold",)), lambda k: docker_images, quiet())
    with FakeOpenAI(responder(edit_format)) as server:
        options = {
            "base_url": server.url,
            "edit_format": edit_format,
            "cache": ResponseCache(tmp_path / "c"),
        }
        served = run(
            settings(tmp_path / "served", ("openai:fake",), **options),
            lambda k: docker_images,
            quiet(),
        )
    assert statuses(served, "openai:fake") == statuses(gold, "gold")
    (entry,) = build_leaderboard(served.results).models
    assert entry.resolved.overall.resolved_rate == 1.0 and entry.well_formed_rate == 1.0
    assert entry.input_tokens == 200 and entry.output_tokens == 40


def test_model_error_is_recorded_and_the_run_goes_on(
    tmp_path: Path, docker_images: ImageSet
) -> None:
    with FakeOpenAI(responder(EditFormat.UDIFF, failing="mini-div-zero")) as server:
        from codebench.models.config import BenchConfig, ModelConfig

        config = BenchConfig(
            models={"openai:fake": ModelConfig(max_attempts=2, backoff_seconds=0.01)}
        )
        outcome = run(
            settings(tmp_path, ("openai:fake",), base_url=server.url, config=config, cache=None),
            lambda k: docker_images,
            quiet(),
        )
    by_task = {r.task_id: r for r in outcome.results}
    assert by_task["mini-div-zero"].status is Status.MODEL_ERROR
    assert "HTTP 500" in (by_task["mini-div-zero"].reason or "")
    assert by_task["mini-rename-show"].status is Status.RESOLVED
    (entry,) = build_leaderboard(outcome.results).models
    assert entry.model_failures == 1


def test_replay_of_a_predictions_file(tmp_path: Path, docker_images: ImageSet) -> None:
    rows = [
        {"instance_id": t.id, "model_name_or_path": "somewhere", "model_patch": t.gold_patch}
        for t in MINI
    ]
    rows[1]["model_patch"] = ""
    jsonl = tmp_path / "preds.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows))
    listed = tmp_path / "preds.json"
    listed.write_text(json.dumps(rows))
    outcome = run(
        settings(tmp_path / "r", (f"replay:{jsonl}", f"replay:{listed}")),
        lambda k: docker_images,
        quiet(),
    )
    for entry in build_leaderboard(outcome.results).models:
        assert entry.per_task == {
            "mini-div-zero": [Status.RESOLVED],
            "mini-rename-show": [Status.EMPTY_PATCH],
        }


def test_samples_and_pass_at_k(tmp_path: Path, docker_images: ImageSet) -> None:
    asked: dict[str, int] = {}

    def alternate(path: str, body: dict[str, Any]) -> Reply:
        # each task's first reply holds no edit, its second the gold: whatever the order
        prompt = body["messages"][-1]["content"]
        asked[prompt] = asked.get(prompt, 0) + 1
        if asked[prompt] == 1:
            return Reply(body=chat_body("I would rather not."))
        return responder(EditFormat.UDIFF)(path, body)

    with FakeOpenAI(alternate) as server:
        base = settings(tmp_path, ("openai:fake",), base_url=server.url, model_calls=1, cache=None)
        outcome = run(
            dataclasses.replace(base, samples=2, workers=1), lambda k: docker_images, quiet()
        )
    (entry,) = build_leaderboard(outcome.results).models
    assert entry.samples == 4 and entry.status_counts[Status.MALFORMED_PATCH] == 2
    assert entry.pass_at_k == {1: 0.5, 2: 1.0}
    assert entry.well_formed_rate == 0.5


def test_provider_outage_on_rerun_keeps_graded_results(
    tmp_path: Path, docker_images: ImageSet
) -> None:
    """Regression: a rerun while the provider was down overwrote resolved results with
    model_error, losing answers already graded."""
    from codebench.models.config import BenchConfig, ModelConfig

    config = BenchConfig(models={"openai:fake": ModelConfig(max_attempts=1)})
    with FakeOpenAI(responder(EditFormat.UDIFF)) as server:
        first = run(
            settings(tmp_path, ("openai:fake",), base_url=server.url, config=config, cache=None),
            lambda k: docker_images,
            quiet(),
        )
    assert all(r.status is Status.RESOLVED for r in first.results)
    with FakeOpenAI(lambda path, body: Reply(503, b"down")) as server:
        again = run(
            settings(tmp_path, ("openai:fake",), base_url=server.url, config=config, cache=None),
            lambda k: docker_images,
            quiet(),
        )
    assert all(r.status is Status.RESOLVED for r in again.results)
    assert again.reused == 2
