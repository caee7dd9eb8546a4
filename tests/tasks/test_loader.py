"""Loading task folders: strict schema, clear errors naming the file and field."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from codebench.errors import TaskError
from codebench.tasks import Category, Scope, Source, load_suite, load_task
from tests.conftest import FIXTURE_TASKS


@pytest.fixture
def suite_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture tasks root."""
    root = tmp_path / "tasks"
    shutil.copytree(FIXTURE_TASKS, root)
    return root


def edit_toml(root: Path, task: str, old: str, new: str) -> Path:
    path = root / "mini" / task / "task.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def test_loads_the_fixture_suite() -> None:
    tasks = load_suite("mini", FIXTURE_TASKS)
    assert [t.id for t in tasks] == ["mini-div-zero", "mini-rename-show"]
    local, global_ = tasks
    assert local.scope is Scope.LOCAL and local.category is Category.BUG_FIX
    assert global_.scope is Scope.GLOBAL and global_.category is Category.RENAME_SIGNATURE
    assert local.repo_dir == FIXTURE_TASKS / "repos" / "calc"
    assert local.spec.fail_to_pass == ("tests/test_div.py::test_div_zero_raises",)
    assert "diff --git" in local.gold_patch and "test_div_zero_raises" in local.tests_patch


def test_content_hash_is_stable_and_tracks_the_repo(suite_copy: Path) -> None:
    first = load_task(suite_copy / "mini" / "mini-div-zero")
    again = load_task(suite_copy / "mini" / "mini-div-zero")
    assert first.content_hash == again.content_hash
    (suite_copy / "repos" / "calc" / "calc" / "ops.py").write_text("# changed\n")
    changed = load_task(suite_copy / "mini" / "mini-div-zero")
    assert changed.content_hash != first.content_hash


def test_caches_do_not_change_the_hash(suite_copy: Path) -> None:
    first = load_task(suite_copy / "mini" / "mini-div-zero").content_hash
    cache = suite_copy / "repos" / "calc" / "calc" / "__pycache__"
    cache.mkdir()
    (cache / "ops.cpython-311.pyc").write_bytes(b"\0")
    assert load_task(suite_copy / "mini" / "mini-div-zero").content_hash == first


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("timeout = 60", 'timeout = 60\ncolour = "red"', "colour", "unknown key"),
        ('title = "Refuse division by zero"\n', "", "title", "required"),
        ('scope = "local"', 'scope = "nearby"', "scope", "local"),
        ('category = "bug_fix"', 'category = "bugfix"', "category", "bug_fix"),
        (
            'fail_to_pass = ["tests/test_div.py::test_div_zero_raises"]',
            "fail_to_pass = []",
            "fail_to_pass",
            "at least 1",
        ),
        (
            'fail_to_pass = ["tests/test_div.py::test_div_zero_raises"]',
            'fail_to_pass = ["test_div_zero_raises"]',
            "fail_to_pass",
            "node id",
        ),
        ("timeout = 60", 'timeout = "60"', "timeout", "integer"),
        ('repo = "calc"', 'repo = "nope"', "repo", "does not exist"),
        ("timeout = 60", "timeout = 60\ncreated_at = 2024-05-01T12:00:00", "created_at", "offset"),
        ("timeout = 60", 'timeout = 60\ncreated_at = "last week"', "created_at", "TOML date"),
        ("timeout = 60", 'timeout = 60\nsource = { commit = "abc" }', "source.commit", "full sha"),
        ("timeout = 60", 'timeout = 60\nsource = { repository = "x" }', "source.commit", "req"),
    ],
)
def test_bad_task_toml_names_file_and_field(
    suite_copy: Path, old: str, new: str, field: str, words: str
) -> None:
    path = edit_toml(suite_copy, "mini-div-zero", old, new)
    with pytest.raises(TaskError) as caught:
        load_task(path.parent, suite_copy / "repos")
    assert caught.value.field == field
    assert str(path) in str(caught.value)
    assert words in str(caught.value)


SHA = "0123456789abcdef0123456789abcdef01234567"


def test_a_mined_task_has_its_source_and_date_outside_the_content_hash(suite_copy: Path) -> None:
    before = load_task(suite_copy / "mini" / "mini-div-zero")
    source = f'source = {{ repository = "https://example.org/calc.git", commit = "{SHA}" }}'
    edit_toml(suite_copy, "mini-div-zero", "timeout = 60", f"timeout = 60\n{source}")
    edit_toml(suite_copy, "mini-div-zero", "timeout = 60", "timeout = 60\ncreated_at = 2024-05-01")
    mined = load_task(suite_copy / "mini" / "mini-div-zero")
    assert mined.spec.source == Source(repository="https://example.org/calc.git", commit=SHA)
    assert mined.spec.created_at == date(2024, 5, 1)
    # where a task came from cannot change a result: stored results stay valid
    assert mined.content_hash == before.content_hash
    assert before.spec.source is None and before.spec.created_at is None


def test_created_at_keeps_its_offset(suite_copy: Path) -> None:
    stamp = "2024-05-01T12:30:00+02:00"
    edit_toml(suite_copy, "mini-div-zero", "timeout = 60", f"timeout = 60\ncreated_at = {stamp}")
    created = load_task(suite_copy / "mini" / "mini-div-zero").spec.created_at
    assert created == datetime.fromisoformat(stamp)
    assert isinstance(created, datetime) and created.utcoffset() == timedelta(hours=2)


def test_id_must_match_folder(suite_copy: Path) -> None:
    path = edit_toml(suite_copy, "mini-div-zero", 'id = "mini-div-zero"', 'id = "mini-other"')
    with pytest.raises(TaskError, match="folder is 'mini-div-zero'"):
        load_task(path.parent)


def test_bad_id_is_rejected(suite_copy: Path) -> None:
    source = suite_copy / "mini" / "mini-div-zero"
    target = suite_copy / "mini" / "Bad_ID"
    source.rename(target)
    edit_toml(suite_copy, "Bad_ID", 'id = "mini-div-zero"', 'id = "Bad_ID"')
    with pytest.raises(TaskError) as caught:
        load_task(target)
    assert caught.value.field == "id"


@pytest.mark.parametrize("name", ["gold.patch", "tests.patch"])
def test_missing_patch_is_named(suite_copy: Path, name: str) -> None:
    task_dir = suite_copy / "mini" / "mini-div-zero"
    (task_dir / name).unlink()
    with pytest.raises(TaskError, match=name):
        load_task(task_dir)


def test_invalid_toml_is_named(suite_copy: Path) -> None:
    path = edit_toml(suite_copy, "mini-div-zero", "timeout = 60", "timeout = = 60")
    with pytest.raises(TaskError, match="not valid TOML"):
        load_task(path.parent)


def test_every_misspelt_key_is_named_with_a_suggestion(suite_copy: Path) -> None:
    edit_toml(suite_copy, "mini-div-zero", "timeout = 60", "timout = 60")
    path = edit_toml(suite_copy, "mini-div-zero", 'scope = "local"', 'scoep = "local"')
    with pytest.raises(TaskError) as caught:
        load_task(path.parent)
    message = str(caught.value)
    assert caught.value.field == "scope"  # the first problem: scope is missing
    assert "3 problems" in message
    assert "timout: unknown key; remove it or fix its spelling (did you mean 'timeout'?)" in message
    assert "scoep: unknown key; remove it or fix its spelling (did you mean 'scope'?)" in message


def test_non_utf8_task_toml_is_named(suite_copy: Path) -> None:
    path = suite_copy / "mini" / "mini-div-zero" / "task.toml"
    path.write_bytes(path.read_bytes().replace(b"Refuse", b"R\xe9fuse"))
    with pytest.raises(TaskError, match=r"task\.toml: is not UTF-8 text: byte 0xe9 on line \d"):
        load_task(path.parent)


def test_unknown_suite_lists_the_known_ones() -> None:
    with pytest.raises(TaskError, match="mini"):
        load_suite("nope", FIXTURE_TASKS)


def test_select_tasks_by_id() -> None:
    from codebench.errors import ConfigError
    from codebench.tasks import select_tasks

    tasks = load_suite("mini", FIXTURE_TASKS)
    assert [t.id for t in select_tasks(tasks, ["mini-rename-show"])] == ["mini-rename-show"]
    assert select_tasks(tasks, []) == tasks
    with pytest.raises(ConfigError, match="mini-nope"):
        select_tasks(tasks, ["mini-nope"])


@pytest.mark.parametrize("name", ["gold.patch", "tests.patch"])
def test_non_utf8_patch_is_named_with_line_and_offset(suite_copy: Path, name: str) -> None:
    """Regression: a Latin-1 byte in gold.patch or tests.patch raised a bare
    UnicodeDecodeError (a traceback); it must be a TaskError naming the file, the line, the
    byte offset and the fix."""
    path = suite_copy / "mini" / "mini-div-zero" / name
    data = path.read_bytes()
    second_line = data.index(b"\n") + 1
    path.write_bytes(data[:second_line] + b"\xe9" + data[second_line:])
    with pytest.raises(TaskError) as caught:
        load_task(path.parent)
    message = str(caught.value)
    assert str(path) in message and "line 2" in message
    assert f"byte offset {second_line}" in message and "save it as UTF-8" in message


def test_non_utf8_task_toml_says_how_to_fix_it(suite_copy: Path) -> None:
    """The task.toml error (already a TaskError) also gives the byte offset and the fix."""
    path = suite_copy / "mini" / "mini-div-zero" / "task.toml"
    path.write_bytes(path.read_bytes().replace(b"Refuse", b"R\xe9fuse"))
    with pytest.raises(TaskError, match=r"line 2 \(byte offset \d+: .*\); save it as UTF-8"):
        load_task(path.parent)


@pytest.mark.parametrize("repo", ["..", ".", "...", ".hidden"])
def test_repo_cannot_leave_the_repos_folder(suite_copy: Path, repo: str) -> None:
    """Regression: `repo = ".."` was accepted and the starting tree became all of tasks/,
    hidden tests included; a repo name must be a folder inside repos/."""
    (suite_copy / "repos" / ".hidden").mkdir()
    path = edit_toml(suite_copy, "mini-div-zero", 'repo = "calc"', f'repo = "{repo}"')
    with pytest.raises(TaskError) as caught:
        load_task(path.parent, suite_copy / "repos")
    assert caught.value.field == "repo"
    assert str(path) in str(caught.value)


def test_repo_symlinked_outside_the_repos_folder_is_rejected(suite_copy: Path) -> None:
    """Regression: a repos/ entry that is a symlink out of repos/ (here to the suite itself)
    gave a starting tree outside it, hidden tests included."""
    (suite_copy / "repos" / "escape").symlink_to(suite_copy / "mini")
    path = edit_toml(suite_copy, "mini-div-zero", 'repo = "calc"', 'repo = "escape"')
    with pytest.raises(TaskError, match="outside") as caught:
        load_task(path.parent, suite_copy / "repos")
    assert caught.value.field == "repo"


def test_hidden_folders_are_no_tasks(suite_copy: Path) -> None:
    """A folder a killed `tasks scaffold` left half-written (`.id.xxxx.partial`, hidden) must
    not be loaded as a task whose id disagrees with its folder name."""
    stray = suite_copy / "mini" / ".mini-div-zero.abcd.partial"
    shutil.copytree(suite_copy / "mini" / "mini-div-zero", stray)
    assert [t.id for t in load_suite("mini", suite_copy)] == ["mini-div-zero", "mini-rename-show"]


def test_tests_in_the_starting_tree_need_hidden_tests_false(suite_copy: Path) -> None:
    """A task whose graded tests are in its starting tree (`tasks synth`) has no tests.patch;
    one that has both would silently grade without it, so that is refused."""
    task_dir = suite_copy / "mini" / "mini-div-zero"
    path = edit_toml(
        suite_copy, "mini-div-zero", 'scope = "local"', 'hidden_tests = false\nscope = "local"'
    )
    with pytest.raises(
        TaskError, match=r"field 'hidden_tests': is false but the task has a tests\.patch"
    ):
        load_task(task_dir)
    (task_dir / "tests.patch").unlink()
    assert load_task(task_dir).tests_patch == ""
    path.write_text(path.read_text().replace("hidden_tests = false\n", ""))
    with pytest.raises(
        TaskError, match="or hidden_tests = false when its tests are in the starting tree"
    ):
        load_task(task_dir)


def test_origin_and_corruption_are_metadata(suite_copy: Path) -> None:
    task_dir = suite_copy / "mini" / "mini-div-zero"
    before = load_task(task_dir)
    assert before.spec.origin.value == "core" and before.spec.corruption is None
    edit_toml(
        suite_copy,
        "mini-div-zero",
        'scope = "local"',
        'origin = "synth"\ncorruption = "comparison"\nscope = "local"',
    )
    after = load_task(task_dir)
    assert after.spec.corruption is not None and after.spec.corruption.scope is Scope.LOCAL
    assert after.content_hash == before.content_hash  # where a task came from changes no result
    edit_toml(suite_copy, "mini-div-zero", 'origin = "synth"', 'origin = "mined"')
    with pytest.raises(TaskError, match="corruption is only for synthesized tasks"):
        load_task(task_dir)
