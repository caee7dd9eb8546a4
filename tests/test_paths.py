"""Where the task suites and sandbox definitions are found: $CODEBENCH_ROOT, the current
directory, the source checkout, then the installed package's copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from codebench import paths
from codebench.errors import ConfigError


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Empty stand-ins for the current directory, a checkout and the package data, in use."""
    found = {name: tmp_path / name for name in ("cwd", "checkout", "data", "env")}
    for place in found.values():
        place.mkdir()
    monkeypatch.delenv(paths.ROOT_VARIABLE, raising=False)
    monkeypatch.chdir(found["cwd"])
    monkeypatch.setattr(paths, "SOURCE_ROOT", found["checkout"])
    monkeypatch.setattr(paths, "DATA_ROOT", found["data"])
    return found


def holding(root: Path, *folders: str) -> Path:
    for folder in folders:
        (root / folder).mkdir()
    return root


def as_checkout(root: Path) -> Path:
    (root / "pyproject.toml").write_text("[project]\nname = 'codebench'\n")
    return root


def test_without_a_checkout_the_package_data_is_used(places: dict[str, Path]) -> None:
    """Installed from the wheel, `run --suite core` said "no such suite": nothing looked in the
    package. site-packages (the package's parent) has no pyproject.toml, so it is no checkout,
    even with a tasks/ folder of another distribution in it."""
    holding(places["checkout"], "tasks", "sandboxes")
    holding(places["data"], "tasks", "sandboxes")
    assert paths.default_tasks_root() == places["data"] / "tasks"
    assert paths.default_sandboxes_root() == places["data"] / "sandboxes"
    assert paths.is_bundled(paths.default_tasks_root())
    assert not paths.is_bundled(places["cwd"] / "tasks")


def test_a_checkout_comes_before_the_package_data(places: dict[str, Path]) -> None:
    holding(as_checkout(places["checkout"]), "tasks", "sandboxes")
    holding(places["data"], "tasks", "sandboxes")
    assert paths.default_tasks_root() == places["checkout"] / "tasks"
    assert paths.default_sandboxes_root() == places["checkout"] / "sandboxes"


def test_the_current_directory_comes_first_folder_by_folder(places: dict[str, Path]) -> None:
    holding(places["cwd"], "tasks")
    holding(places["data"], "tasks", "sandboxes")
    assert paths.default_tasks_root() == places["cwd"] / "tasks"
    # a workspace of its own tasks still finds the sandbox definitions
    assert paths.default_sandboxes_root() == places["data"] / "sandboxes"


def test_codebench_root_is_the_only_place_looked_at(
    places: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    holding(places["cwd"], "tasks", "sandboxes")
    holding(places["env"], "tasks")
    monkeypatch.setenv(paths.ROOT_VARIABLE, str(places["env"]))
    assert paths.default_tasks_root() == places["env"] / "tasks"
    assert paths.default_sandboxes_root() == places["env"] / "sandboxes"  # absent: errors name it


def test_nothing_anywhere_names_the_current_directory(places: dict[str, Path]) -> None:
    assert paths.default_tasks_root() == places["cwd"] / "tasks"


def test_init_copies_a_workspace_without_caches(
    places: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holding(places["data"], "tasks", "sandboxes")
    (places["data"] / "tasks" / "core").mkdir()
    (places["data"] / "tasks" / "core" / "t.toml").write_text("x")
    cache = places["data"] / "tasks" / "core" / "__pycache__"
    cache.mkdir()
    (cache / "m.cpython-311.pyc").write_bytes(b"\0")
    target = tmp_path / "workspace"
    tasks, sandboxes = paths.init_workspace(target)
    assert (tasks, sandboxes) == (target / "tasks", target / "sandboxes")
    assert (tasks / "core" / "t.toml").read_text() == "x" and sandboxes.is_dir()
    assert not (tasks / "core" / "__pycache__").exists()
    monkeypatch.chdir(target)
    assert paths.default_tasks_root() == target / "tasks"
    with pytest.raises(ConfigError, match="already exists"):
        paths.init_workspace(target)


def test_init_with_nothing_to_copy_is_an_error(places: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no tasks/ folder to copy"):
        paths.init_workspace(tmp_path / "workspace")
