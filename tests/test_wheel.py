"""The wheel carries the core suite and the sandbox definitions, and finds them once installed.

Regression: `pip wheel .` shipped neither tasks/ nor sandboxes/; installed from the wheel,
`codebench run --suite core` said "no such suite" and `codebench setup` crashed with
FileNotFoundError, unless the undocumented CODEBENCH_ROOT pointed at a checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

DATA = "codebench/_data/"
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "codebench", "tasks")
JUNK = (
    "tasks/repos/ledgerkit/ledgerkit/__pycache__/money.cpython-311.pyc",
    "tasks/core/ledgerkit-allocate-remainder/.pytest_cache/v/cache/lastfailed",
    "tasks/repos/ledgerkit/stray.pyc",
    "sandboxes/python/.mypy_cache/x.json",
)
UNBUNDLED = ("tasks/extra/extra-task/task.toml", "tasks/repos/unused/unused.py")
PROBE = """
import json, codebench
from codebench.paths import default_sandboxes_root, default_tasks_root
from codebench.tasks import load_suite
print(json.dumps({
    "package": codebench.__file__,
    "tasks": str(default_tasks_root()),
    "sandboxes": str(default_sandboxes_root()),
    "core": sorted(task.id for task in load_suite("core", default_tasks_root())),
}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built by pip from a copy of the checkout with caches and extra suites planted."""
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "build", "*.egg-info", "_data")
    for name in (*SOURCES, "sandboxes"):
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    for name in (*JUNK, *UNBUNDLED):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text("planted\n")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, f"pip wheel failed (it needs setuptools):\n{done.stderr}"
    (built,) = out.glob("codebench-*.whl")
    return built


def core_files() -> set[str]:
    """Every file of the checkout's core suite and of the repositories it uses."""
    core = {p for p in (ROOT / "tasks" / "core").rglob("*") if p.is_file()}
    repos = {p for p in (ROOT / "tasks" / "repos").rglob("*") if p.is_file()}
    files = {p for p in core | repos if "__pycache__" not in p.parts}
    return {DATA + p.relative_to(ROOT).as_posix() for p in files}


@pytest.mark.slow
def test_the_wheel_carries_the_core_suite_and_sandboxes_and_nothing_else(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert core_files() <= names
    assert {DATA + "sandboxes/python/environment.toml", DATA + "tasks/README.md"} <= names
    assert not {DATA + name for name in (*JUNK, *UNBUNDLED)} & names
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".tmp"))]
    assert not [n for n in names if n.split("/")[0] in ("runs", "tests", "build", "dist")]
    assert wheel.stat().st_size < 1024 * 1024, f"{wheel.stat().st_size} bytes"


@pytest.mark.slow
def test_installed_from_the_wheel_paths_resolve_to_the_package_data(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("CODEBENCH_ROOT", "PYTHONPATH")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=elsewhere,
        env={**env, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["package"] == str(site / "codebench" / "__init__.py")
    assert found["tasks"] == str(site / DATA / "tasks")
    assert found["sandboxes"] == str(site / DATA / "sandboxes")
    expected = sorted(p.parent.name for p in (ROOT / "tasks" / "core").glob("*/task.toml"))
    assert found["core"] == expected and len(expected) >= 40
