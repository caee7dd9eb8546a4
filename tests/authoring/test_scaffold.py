"""Scaffolding a task from a before/after pair of working copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from codebench import paths
from codebench.authoring import ScaffoldRequest, is_doc_path, scaffold, split_diff, validate_task
from codebench.errors import TaskError
from codebench.runner import SandboxSettings
from codebench.sandbox import Backend
from codebench.tasks import Category, Scope, Task, load_suite, load_task
from codebench.tasks.schema import DEFAULT_TEST_COMMAND
from tests.conftest import after_copy

LOCAL = SandboxSettings(Backend.LOCAL)


def test_split_diff_separates_tests(tmp_path: Path, mini_tasks: dict[str, Task]) -> None:
    task = mini_tasks["mini-div-zero"]
    split = split_diff(task.repo_dir, after_copy(task, tmp_path))
    assert "+++ b/calc/ops.py" in split.gold and "tests/" not in split.gold
    assert "+++ b/tests/test_div.py" in split.tests and "calc/ops.py" not in split.tests
    assert split.excluded == ()


DOCS = ("CHANGELOG.md", "docs/usage.rst", "docs/conf.py", "AUTHORS", "NEWS.txt", "HISTORY")


def test_split_diff_leaves_documentation_out_of_the_gold_patch(
    tmp_path: Path, mini_tasks: dict[str, Task]
) -> None:
    """A one-function fix with a changelog line was measured global: the changelog and the
    docs were part of the gold patch."""
    task = mini_tasks["mini-div-zero"]
    after = after_copy(task, tmp_path)
    for name in (*DOCS, "calc/history.py", "tests/data/expected.md"):
        (after / name).parent.mkdir(parents=True, exist_ok=True)
        (after / name).write_text("changed\n")
    split = split_diff(task.repo_dir, after)
    assert set(split.excluded) == set(DOCS)
    assert not any(name in split.gold for name in DOCS)
    assert "+++ b/calc/history.py" in split.gold  # code, whatever its name
    assert "+++ b/tests/data/expected.md" in split.tests  # test data stays with the tests


@pytest.mark.parametrize(
    ("path", "doc"),
    [
        ("README.md", True),
        ("pkg/notes.rst", True),
        ("docs/api/index.html", True),
        ("changelog.d/12.bugfix", True),
        ("CHANGES", True),
        ("Contributors.txt", True),
        ("history.py", False),
        ("pkg/docs.py", False),
        ("requirements.txt", False),
        ("pyproject.toml", False),
        ("src/pkg/docs/template.html", False),
    ],
)
def test_is_doc_path(path: str, doc: bool) -> None:
    assert is_doc_path(path) is doc


def test_scaffold_writes_a_valid_task(
    tmp_path: Path, mini_tasks: dict[str, Task], sandbox_settings: SandboxSettings
) -> None:
    task = mini_tasks["mini-div-zero"]
    request = ScaffoldRequest(
        task_id="calc-div-zero",
        before=task.repo_dir,
        after=after_copy(task, tmp_path),
        task_dir=tmp_path / "tasks" / "core" / "calc-div-zero",
        category=Category.BUG_FIX,
        repo_dir=tmp_path / "tasks" / "repos" / "calc",
        instruction='Division by zero should raise CalcError, not "ZeroDivisionError".',
    )
    result = scaffold(request, sandbox_settings)
    assert result.scope is Scope.LOCAL
    assert result.fail_to_pass == ("tests/test_div.py::test_div_zero_raises",)
    assert set(result.pass_to_pass) == {
        "tests/test_div.py::test_div",
        "tests/test_ops.py::test_mul",
        "tests/test_ops.py::test_add",
        "tests/test_report.py::test_line",
    }
    assert result.drafts == ("title",)
    loaded = load_task(request.task_dir)
    assert loaded.spec.instruction.strip() == request.instruction
    assert loaded.spec.title.startswith("TODO:")
    verdict = validate_task(loaded, sandbox_settings)
    assert verdict.problems == (
        f"{request.task_dir / 'task.toml'}: field 'title': is still a draft "
        "(it starts with 'TODO:'); write the task's real title in place of it, then validate "
        "again",
    )

    with pytest.raises(TaskError, match="already exists"):
        scaffold(request, sandbox_settings)


def test_scaffold_needs_a_failing_test(
    tmp_path: Path, mini_tasks: dict[str, Task], sandbox_settings: SandboxSettings
) -> None:
    task = mini_tasks["mini-div-zero"]
    after = tmp_path / "after"
    shutil.copytree(task.repo_dir, after)
    (after / "calc" / "ops.py").write_text((after / "calc" / "ops.py").read_text() + "\nX = 1\n")
    (after / "tests" / "test_more.py").write_text("def test_ok():\n    assert True\n")
    request = ScaffoldRequest(
        "calc-nothing", task.repo_dir, after, tmp_path / "t", Category.FEATURE
    )
    with pytest.raises(TaskError) as caught:
        scaffold(request, sandbox_settings)
    assert str(caught.value) == (
        f"{after}: no test fails before the change and passes after it (before the change "
        "4 test(s) ran, 4 passed; after it 4 test(s) ran, 4 passed)"
    )
    assert not request.task_dir.exists()


def test_a_failed_scaffold_can_be_retried(
    tmp_path: Path, mini_tasks: dict[str, Task], sandbox_settings: SandboxSettings
) -> None:
    """Regression: a scaffold that found no failing test had already copied the starting tree
    into the task folder, so the corrected retry failed with "already exists"."""
    task = mini_tasks["mini-div-zero"]
    wrong = tmp_path / "wrong"
    shutil.copytree(task.repo_dir, wrong)
    (wrong / "calc" / "ops.py").write_text((wrong / "calc" / "ops.py").read_text() + "\nX = 1\n")
    (wrong / "tests" / "test_more.py").write_text("def test_ok():\n    assert True\n")
    first = ScaffoldRequest("calc-retry", task.repo_dir, wrong, tmp_path / "t", Category.BUG_FIX)
    with pytest.raises(TaskError, match="no test fails before"):
        scaffold(first, sandbox_settings)
    retry = ScaffoldRequest(
        "calc-retry", task.repo_dir, after_copy(task, tmp_path), tmp_path / "t", Category.BUG_FIX
    )
    assert scaffold(retry, sandbox_settings).fail_to_pass
    assert (tmp_path / "t" / "repo" / "calc" / "ops.py").is_file()


@pytest.mark.parametrize("shared_repo", [False, True], ids=["own-repo", "shared-repo"])
def test_an_interrupted_scaffold_leaves_nothing_behind(
    tmp_path: Path,
    mini_tasks: dict[str, Task],
    monkeypatch: pytest.MonkeyPatch,
    shared_repo: bool,
) -> None:
    """Regression: Ctrl-C (or any error) while the task folder was being written left it
    half-written (the starting tree and the patches, no task.toml), and the rerun said
    "already exists". Now the folder is written beside its target and renamed in last."""
    task = mini_tasks["mini-div-zero"]
    root = tmp_path / "tasks"
    request = ScaffoldRequest(
        "calc-ctrl-c",
        task.repo_dir,
        after_copy(task, tmp_path),
        root / "core" / "calc-ctrl-c",
        Category.BUG_FIX,
        repo_dir=root / "repos" / "calc" if shared_repo else None,
    )
    write_text = Path.write_text

    def interrupted(path: Path, *args: object, **kwargs: object) -> int:
        if path.name == "task.toml":
            raise KeyboardInterrupt
        return write_text(path, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(Path, "write_text", interrupted)
        with pytest.raises(KeyboardInterrupt):
            scaffold(request, LOCAL)
    assert not root.exists(), sorted(str(p) for p in root.rglob("*"))
    assert scaffold(request, LOCAL).fail_to_pass
    assert [t.id for t in load_suite("core", root)] == ["calc-ctrl-c"]
    assert sorted(p.name for p in (root / "core").iterdir()) == ["calc-ctrl-c"]


def test_scaffold_writes_the_test_command_and_environment(
    tmp_path: Path, mini_tasks: dict[str, Task]
) -> None:
    task = mini_tasks["mini-div-zero"]
    command = f"{DEFAULT_TEST_COMMAND} -p no:randomly"
    request = ScaffoldRequest(
        "calc-env",
        task.repo_dir,
        after_copy(task, tmp_path),
        tmp_path / "calc-env",
        Category.BUG_FIX,
        test_command=command,
        image="python-extra",  # the local backend has no images: any name runs
    )
    scaffold(request, LOCAL)
    loaded = load_task(request.task_dir)
    assert (loaded.spec.test_command, loaded.spec.image) == (command, "python-extra")


def src_layout_pair(tmp_path: Path) -> tuple[Path, Path]:
    before = tmp_path / "before"
    (before / "src" / "wordy").mkdir(parents=True)
    (before / "tests").mkdir()
    (before / "src" / "wordy" / "__init__.py").write_text("def shout(s):\n    return s\n")
    (before / "tests" / "test_shout.py").write_text(
        "from wordy import shout\n\n\ndef test_keeps():\n    assert shout('') == ''\n"
    )
    after = tmp_path / "after"
    shutil.copytree(before, after)
    (after / "src" / "wordy" / "__init__.py").write_text("def shout(s):\n    return s.upper()\n")
    (after / "tests" / "test_upper.py").write_text(
        "from wordy import shout\n\n\ndef test_upper():\n    assert shout('a') == 'A'\n"
    )
    return before, after


def test_a_test_command_that_collects_nothing_says_so(tmp_path: Path) -> None:
    """Scaffolding a src-layout repository said only "no test fails before the change and
    passes after it": nothing said that no test had run at all, nor what to try."""
    before, after = src_layout_pair(tmp_path)
    request = ScaffoldRequest("wordy-upper", before, after, tmp_path / "t", Category.FEATURE)
    with pytest.raises(TaskError) as caught:
        scaffold(request, LOCAL)
    message = str(caught.value)
    assert "0 tests ran after the change, the test command collected nothing" in message
    assert "after it 0 test(s) ran, 0 passed, 2 test file(s) failed to be collected" in message
    hint = "for a src layout try --test-command 'PYTHONPATH=src python3 -m pytest"
    assert hint in message
    fixed = ScaffoldRequest(
        "wordy-upper",
        before,
        after,
        tmp_path / "t",
        Category.FEATURE,
        test_command=f"PYTHONPATH=src {DEFAULT_TEST_COMMAND}",
    )
    assert scaffold(fixed, LOCAL).fail_to_pass == ("tests/test_upper.py::test_upper",)


def test_scaffold_refuses_the_installed_package_data(
    tmp_path: Path, mini_tasks: dict[str, Task], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "DATA_ROOT", tmp_path / "_data")
    task = mini_tasks["mini-div-zero"]
    target = tmp_path / "_data" / "tasks" / "core" / "calc-x"
    request = ScaffoldRequest("calc-x", task.repo_dir, task.repo_dir, target, Category.BUG_FIX)
    with pytest.raises(TaskError, match="codebench init DIR"):
        scaffold(request, LOCAL)
    assert not (tmp_path / "_data").exists()
