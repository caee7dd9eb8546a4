"""`export()`: lines that round-trip through the formats' models, the split by task, the
manifest, and the hostile inputs (damaged results, an unknown task, a leaking prompt)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from codebench.errors import ResultStoreError, TrainingDataError
from codebench.models import TaskView
from codebench.models.config import ModelConfig
from codebench.models.formats import EditFormat
from codebench.models.prompt import build_prompt
from codebench.results import ResultKey, Status, TaskResult
from codebench.runner import ResultStore
from codebench.tasks import Task
from codebench.training import ExportSettings, Filters, Manifest, export
from codebench.training.records import (
    PreferenceRecord,
    RftRecord,
    SftRecord,
    TrlPreferenceRecord,
)
from codebench.training.split import validation_tasks
from tests.conftest import FIXTURE_TASKS, MINI, SEARCH_REPLACE, WHEN, analysed

DIV, RENAME = MINI["mini-div-zero"], MINI["mini-rename-show"]
STYLED = DIV.gold_patch.replace('"division by zero"', "'division by zero'")


def first_file(patch: str) -> str:
    """The patch limited to its first file (as `partial` proposes)."""
    return "diff --git" + patch.split("diff --git")[1]


def graded(
    task: Task,
    model: str,
    status: Status,
    patch: str = "",
    reply: str = "",
    churn: float | None = 0.0,
    drift: float = 0.0,
) -> TaskResult:
    row = TaskResult(
        task_id=task.id,
        scope=task.scope,
        category=task.category,
        model=model,
        sample=0,
        key=ResultKey(
            task_hash=task.content_hash, patch_sha256="p", image_id="i", harness_version="3"
        ),
        status=status,
        patch=patch,
        reply=reply,
        finished_at=WHEN,
    )
    return row if churn is None else analysed(row, churn, drift, [])


def make_run(run_dir: Path, rows: list[TaskResult]) -> Path:
    store = ResultStore(run_dir)
    for row in rows:
        store.save(row, row.model.replace(":", "_").replace("+", "_"))
    return run_dir


def settings(tmp_path: Path, fmt: str = "sft", **changes: object) -> ExportSettings:
    base: dict[str, object] = {
        "format": fmt,
        "out": tmp_path / "out" / f"{fmt}.jsonl",
        "suite": "mini",
        "tasks_root": FIXTURE_TASKS,
        "validation_fraction": 0.5,
    }
    return ExportSettings(**{**base, **changes})  # type: ignore[arg-type]


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """gold resolves both tasks cleanly, gold+style over-edits one, partial fails the global
    one, noop left nothing, and a real model resolved the local one in search/replace."""
    return make_run(
        tmp_path / "run",
        [
            graded(DIV, "gold", Status.RESOLVED, DIV.gold_patch),
            graded(RENAME, "gold", Status.RESOLVED, RENAME.gold_patch),
            graded(DIV, "gold+style", Status.RESOLVED, STYLED, churn=0.5),
            graded(RENAME, "partial", Status.UNRESOLVED, first_file(RENAME.gold_patch)),
            graded(DIV, "noop", Status.EMPTY_PATCH, churn=None),
            graded(RENAME, "m", Status.SANDBOX_ERROR, churn=None),
        ],
    )


def expected_prompt(task: Task, edit_format: EditFormat = EditFormat.UDIFF) -> list[dict[str, str]]:
    config = ModelConfig(edit_format=edit_format)
    view = TaskView(task.id, task.spec.instruction, task.repo_dir)
    prompt = build_prompt(view, edit_format, config.context_tokens)
    return [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]


def test_sft_lines_hold_the_exact_prompt_and_one_clean_reply_per_task(
    run_dir: Path, tmp_path: Path
) -> None:
    outcome = export(settings(tmp_path), [run_dir])
    rows = lines(outcome.paths["train"]) + lines(outcome.paths["validation"])
    records = [SftRecord.model_validate(row) for row in rows]
    assert len(records) == 2  # one per task: gold, not the over-editing gold+style
    for record in records:
        dumped = [m.model_dump() for m in record.messages]
        task = (
            DIV
            if "CalcError" in dumped[1]["content"] and "div(x, 0)" in dumped[1]["content"]
            else RENAME
        )
        assert dumped[:2] == expected_prompt(task)
        assert record.messages[2].role == "assistant"
        assert record.messages[2].content.startswith("```diff\n")  # a reference model's reply
    manifest = Manifest.model_validate_json(outcome.paths["manifest"].read_text())
    assert manifest.counts["train"].records + manifest.counts["validation"].records == 2
    assert manifest.synthetic_replies == 4  # gold twice, gold+style, partial
    assert manifest.left_out["infrastructure failure or not submitted"] == 1
    assert manifest.left_out["no reply and no patch (e.g. noop)"] == 1
    assert manifest.suite == "mini" and len(manifest.suite_hash) == 64


def test_preference_pairs_prefer_the_clean_resolved_reply(run_dir: Path, tmp_path: Path) -> None:
    outcome = export(settings(tmp_path, "preference", validation_fraction=0.0), [run_dir])
    records = [PreferenceRecord.model_validate(r) for r in lines(outcome.paths["train"])]
    assert len(records) == 2  # div: gold vs gold+style; rename: gold vs partial
    for record in records:
        assert record.input.messages[-1].role == "user"
        assert record.preferred_output[0].content != record.non_preferred_output[0].content
    trl = export(settings(tmp_path, "preference", style="trl", validation_fraction=0.0), [run_dir])
    pairs = [TrlPreferenceRecord.model_validate(r) for r in lines(trl.paths["train"])]
    assert [p.chosen[0].content for p in pairs] == [r.preferred_output[0].content for r in records]


def test_rft_lines_end_with_the_user_message_and_carry_grading_references(
    run_dir: Path, tmp_path: Path
) -> None:
    outcome = export(settings(tmp_path, "rft", validation_fraction=0.0), [run_dir])
    records = [RftRecord.model_validate(r) for r in lines(outcome.paths["train"])]
    assert sorted(r.task_id for r in records) == sorted(MINI)
    for record in records:
        task = MINI[record.task_id]
        assert record.messages[-1].role == "user"
        assert record.task_hash == task.content_hash
        assert record.fail_to_pass == list(task.spec.fail_to_pass)
        assert task.tests_patch not in record.messages[-1].content


def test_a_real_reply_keeps_its_text_and_its_own_edit_format(tmp_path: Path) -> None:
    config = tmp_path / "codebench.toml"
    config.write_text('[models."openai:m"]\nedit_format = "search_replace"\n')
    run = make_run(
        tmp_path / "run",
        [graded(DIV, "openai:m", Status.RESOLVED, DIV.gold_patch, reply=SEARCH_REPLACE)],
    )
    outcome = export(settings(tmp_path, config=config, validation_fraction=0.0), [run])
    (record,) = [SftRecord.model_validate(r) for r in lines(outcome.paths["train"])]
    assert record.messages[2].content == SEARCH_REPLACE
    assert [m.model_dump() for m in record.messages[:2]] == expected_prompt(
        DIV, EditFormat.SEARCH_REPLACE
    )


def test_the_split_is_by_task_and_deterministic_by_seed() -> None:
    ids = [f"task-{n}" for n in range(40)]
    held = validation_tasks(ids, seed=7, fraction=0.25)
    assert len(held) == 10
    assert held == validation_tasks(reversed(ids), seed=7, fraction=0.25)
    assert held != validation_tasks(ids, seed=8, fraction=0.25)
    assert validation_tasks(["only"], seed=0, fraction=0.5) == frozenset()


def test_no_task_is_in_both_splits(run_dir: Path, tmp_path: Path) -> None:
    outcome = export(settings(tmp_path, "preference"), [run_dir])

    def tasks_of(path: Path) -> set[str]:
        return {json.dumps(r["input"]["messages"][1]) for r in lines(path)}  # type: ignore[index]

    assert not tasks_of(outcome.paths["train"]) & tasks_of(outcome.paths["validation"])


def test_a_damaged_result_file_fails_naming_it(run_dir: Path, tmp_path: Path) -> None:
    broken = next((run_dir / "results").glob("*/gold/sample-0.json"))
    broken.write_text('{"schema_version": 1, "task_id": ')
    with pytest.raises(ResultStoreError, match=r"sample-0\.json: not valid JSON"):
        export(settings(tmp_path), [run_dir])


def test_a_result_of_a_task_the_suite_lacks_fails_naming_it(tmp_path: Path) -> None:
    ghost = graded(DIV, "gold", Status.RESOLVED, DIV.gold_patch).model_copy(
        update={"task_id": "no-such-task"}
    )
    run = make_run(tmp_path / "run", [ghost])
    with pytest.raises(TrainingDataError, match="'no-such-task' is not in suite 'mini'"):
        export(settings(tmp_path), [run])


def test_a_task_changed_since_the_run_is_left_out(tmp_path: Path) -> None:
    stale = graded(DIV, "gold", Status.RESOLVED, DIV.gold_patch)
    stale = stale.model_copy(update={"key": stale.key.model_copy(update={"task_hash": "old"})})
    run = make_run(
        tmp_path / "run", [stale, graded(RENAME, "gold", Status.RESOLVED, RENAME.gold_patch)]
    )
    outcome = export(settings(tmp_path, validation_fraction=0.0), [run])
    assert outcome.manifest.left_out["task changed since the run"] == 1
    assert outcome.manifest.counts["train"].records == 1


def test_a_prompt_that_leaks_a_hidden_test_line_fails_naming_the_task(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    shutil.copytree(FIXTURE_TASKS, root)
    toml = root / "mini" / "mini-div-zero" / "task.toml"
    secret = next(
        line[1:].strip()
        for line in DIV.tests_patch.splitlines()
        if line.startswith("+") and "raises" in line
    )
    text = toml.read_text().replace(
        'instruction = "div(x, 0)', f'instruction = "Hint: {secret.replace(chr(34), "")} div(x, 0)'
    )
    toml.write_text(text)
    from codebench.tasks import load_suite

    task = {t.id: t for t in load_suite("mini", root)}["mini-div-zero"]
    run = make_run(tmp_path / "run", [graded(task, "gold", Status.RESOLVED, task.gold_patch)])
    for fmt in ("sft", "rft"):
        with pytest.raises(TrainingDataError, match=r"task 'mini-div-zero'.*hidden tests"):
            export(settings(tmp_path, fmt, tasks_root=root), [run])


def test_nothing_to_export_says_why(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run", [graded(DIV, "noop", Status.EMPTY_PATCH, churn=None)])
    with pytest.raises(TrainingDataError, match=r"nothing to export as sft.*noop"):
        export(settings(tmp_path), [run])


def test_filters_decide_what_is_clean(run_dir: Path, tmp_path: Path) -> None:
    loose = Filters(max_out_of_scope_churn=None, max_style_drift=None, max_findings=None)
    outcome = export(
        settings(tmp_path, "preference", filters=loose, validation_fraction=0.0), [run_dir]
    )
    assert outcome.manifest.counts["train"].records == 1  # gold+style is clean now: no pair
