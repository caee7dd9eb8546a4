"""Importing SWE-bench instances against a clone built in the test: the nasty entries first
(bad JSON on line 3, duplicate ids, Django-style test ids, patches that do not apply, a missing
clone, an unknown base commit), then what a good instance becomes, and reruns."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from codebench.authoring import (
    ImportReason,
    ImportRequest,
    ImportSummary,
    import_swebench,
    validate_task,
)
from codebench.authoring.import_swebench import guess_category, title_of
from codebench.authoring.swebench_ids import plain_task_id, task_ids
from codebench.errors import ConfigError
from codebench.runner import SandboxSettings
from codebench.sandbox import Backend
from codebench.tasks import Category, Scope, Source, load_task
from tests.conftest import SwebenchClone, swebench_clone, swebench_instance

LOCAL = SandboxSettings(Backend.LOCAL)


@pytest.fixture
def clone(tmp_path: Path) -> SwebenchClone:
    return swebench_clone(tmp_path / "repos" / "acme__mathy")


def jsonl(path: Path, lines: list[object | str]) -> Path:
    """One line per entry: objects as JSON, strings as they are (broken JSON)."""
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def run_import(tmp_path: Path, file: Path, **extra: object) -> ImportSummary:
    request = ImportRequest(
        instances_file=file, repos_dir=tmp_path / "repos", suite_dir=tmp_path / "tasks" / "swe"
    )
    return import_swebench(ImportRequest(**{**request.__dict__, **extra}))  # type: ignore[arg-type]


def reasons(summary: ImportSummary) -> dict[str, tuple[ImportReason, str]]:
    return {b.where.rsplit(" ", 2)[-2] + " " + b.where.rsplit(" ", 1)[-1]: (b.reason, b.detail)
            for b in summary.rejected}  # fmt: skip


def test_every_nasty_entry_is_a_rejection_with_its_reason(
    tmp_path: Path, clone: SwebenchClone
) -> None:
    good = swebench_instance(clone, "acme__mathy-1")
    django = swebench_instance(clone, "acme__mathy-3", FAIL_TO_PASS=["test_div (ops.tests.T)"])
    stale = swebench_instance(clone, "acme__mathy-4", patch=clone.gold.replace("a / b", "a // b"))
    elsewhere = swebench_instance(clone, "other__thing-5", repo="other/thing")
    unknown = swebench_instance(clone, "acme__mathy-6", base_commit="0" * 40)
    missing = {k: v for k, v in good.items() if k not in ("patch", "created_at")}
    missing["instance_id"] = "acme__mathy-7"
    hostile = swebench_instance(clone, "acme__mathy-8", repo="../etc")
    no_f2p = swebench_instance(clone, "acme__mathy-9", FAIL_TO_PASS="[]")
    file = jsonl(
        tmp_path / "instances.jsonl",
        [
            good,
            swebench_instance(clone, "acme__mathy-2"),
            '{"instance_id": "broken", ',
            swebench_instance(clone, "acme__mathy-2"),
            django,
            stale,
            elsewhere,
            unknown,
            missing,
            hostile,
            no_f2p,
            "[1, 2]",
        ],
    )
    summary = run_import(tmp_path, file)
    assert [t.task_id for t in summary.imported] == ["acme-mathy-1"]
    found = reasons(summary)
    assert found["line 3"][0] is ImportReason.BAD_JSON
    assert found["line 2"][0] is found["line 4"][0] is ImportReason.DUPLICATE
    assert "line 2, line 4" in found["line 2"][1]
    assert found["line 5"][0] is ImportReason.NOT_NODE_IDS
    assert "'test_div (ops.tests.T)'" in found["line 5"][1]
    assert found["line 6"][0] is ImportReason.NOT_APPLYING
    assert found["line 7"][0] is ImportReason.NO_CLONE
    assert "other__thing" in found["line 7"][1] and "other/thing" in found["line 7"][1]
    assert found["line 8"][0] is ImportReason.UNKNOWN_COMMIT
    assert found["line 9"] == (ImportReason.MISSING_FIELDS, "missing created_at, patch")
    assert found["line 10"][0] is ImportReason.BAD_FIELDS and "repo" in found["line 10"][1]
    assert found["line 11"][0] is ImportReason.NO_FAIL_TO_PASS
    assert found["line 12"][0] is ImportReason.BAD_FIELDS
    assert [p.name for p in (tmp_path / "tasks" / "swe").iterdir()] == ["acme-mathy-1"]


def test_a_good_instance_becomes_a_task_that_validates(
    tmp_path: Path, clone: SwebenchClone
) -> None:
    instance = swebench_instance(clone, "Acme__Mathy-1")  # lists as JSON strings, as on HF
    assert isinstance(instance["FAIL_TO_PASS"], str)
    file = tmp_path / "instances.json"
    file.write_text(json.dumps([instance], indent=2))
    summary = run_import(tmp_path, file)
    (imported,) = summary.imported
    task = load_task(imported.task_dir)
    assert task.id == "acme-mathy-1"
    assert task.spec.title == "div(1, 0) gives ZeroDivisionError"
    assert task.spec.instruction.strip() == str(instance["problem_statement"]).strip()
    assert task.spec.fail_to_pass == ("tests/test_ops.py::test_div_zero",)
    assert task.spec.pass_to_pass == ("tests/test_ops.py::test_add",)
    assert task.spec.source == Source(repository="https://github.com/acme/mathy", commit=clone.base)
    assert task.spec.created_at == datetime(2023, 3, 31, 16, 8, 19, tzinfo=UTC)
    assert (task.scope, task.category) == (Scope.LOCAL, Category.BUG_FIX)
    assert task.gold_patch == clone.gold and task.tests_patch == clone.tests
    assert not (task.repo_dir / "tests" / "test_ops.py").read_text().count("div_zero")
    verdict = validate_task(task, LOCAL, gold_runs=1)
    assert verdict.ok, verdict.problems


def test_a_rerun_skips_what_is_there_and_limit_counts_only_new_ones(
    tmp_path: Path, clone: SwebenchClone
) -> None:
    file = jsonl(
        tmp_path / "i.jsonl", [swebench_instance(clone, f"acme__mathy-{n}") for n in (1, 2, 3)]
    )
    first = run_import(tmp_path, file, limit=1)
    assert [t.instance_id for t in first.imported] == ["acme__mathy-1"]
    second = run_import(tmp_path, file, limit=1)
    assert [t.instance_id for t in second.imported] == ["acme__mathy-2"]
    assert second.skipped == (("acme__mathy-1", "acme-mathy-1"),)
    only = run_import(tmp_path, file, instance_ids=("acme__mathy-3",))
    assert [t.instance_id for t in only.imported] == ["acme__mathy-3"]
    with pytest.raises(ConfigError, match="--instance nope: not in"):
        run_import(tmp_path, file, instance_ids=("nope",))


def test_a_broken_json_list_names_the_file_and_line(tmp_path: Path) -> None:
    file = tmp_path / "broken.json"
    file.write_text('[\n  {"instance_id": "a"},\n  {"instance_id": }\n]\n')
    with pytest.raises(ConfigError, match=r"broken.json line 3 column \d+: bad JSON"):
        run_import(tmp_path, file)


def test_task_ids_are_valid_unique_and_independent_of_the_selection() -> None:
    assert plain_task_id("astropy__astropy-12907") == "astropy-astropy-12907"
    ids = task_ids(["a__B.c-1", "A__b_c-1", "x" * 80, "ab", "a"])
    assert ids["a__B.c-1"] != ids["A__b_c-1"]
    assert all(
        i is not None and i.startswith("a-b-c-1-") for i in (ids["a__B.c-1"], ids["A__b_c-1"])
    )
    assert len(ids["x" * 80] or "") == 64
    assert ids["a"] is None and ids["ab"] is None
    assert task_ids(["a__B.c-1", "A__b_c-1"]) == {k: ids[k] for k in ("a__B.c-1", "A__b_c-1")}


def test_title_and_category_come_from_the_issue() -> None:
    assert title_of("\n\n## Add support for YAML   \nbody") == "Add support for YAML"
    assert len(title_of("x" * 300)) == 100
    assert guess_category("Add support for YAML") is Category.FEATURE
    assert guess_category("Crash when adding a column") is Category.BUG_FIX


def test_the_written_toml_keeps_the_issue_text_verbatim(
    tmp_path: Path, clone: SwebenchClone
) -> None:
    odd = 'Quotes """ and \\ backslashes\tand a tab\n\n```py\nprint("x")\n```\n'
    file = jsonl(
        tmp_path / "i.jsonl", [swebench_instance(clone, "acme__mathy-1", problem_statement=odd)]
    )
    (imported,) = run_import(tmp_path, file).imported
    data = tomllib.loads((imported.task_dir / "task.toml").read_text())
    assert data["instruction"].strip() == odd.strip()
