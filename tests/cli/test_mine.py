"""`codebench tasks mine`: the summary it prints, and that its closing hint works as printed."""

from __future__ import annotations

import importlib
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codebench.cli import app
from codebench.errors import SandboxError
from tests.conftest import GitHistory

runner = CliRunner()
SHOUT = "def shout(s):\n    return s\n"
TEST_KEEPS = "from wordy import shout\n\n\ndef test_keeps():\n    assert shout('') == ''\n"
TEST_UPPER = "from wordy import shout\n\n\ndef test_upper():\n    assert shout('a') == 'A'\n"


def wordy(root: Path) -> GitHistory:
    """A src-layout package: a root commit, a docs-only commit, a feature with its test."""
    repo = GitHistory(root)
    start = {"src/wordy/__init__.py": SHOUT, "tests/test_shout.py": TEST_KEEPS}
    repo.commit("Start wordy", start, "2024-03-01T00:00:00+00:00")
    repo.commit("Say what it does", {"README.md": "wordy\n"}, "2024-03-02T00:00:00+00:00")
    upper = {"src/wordy/__init__.py": SHOUT.replace("s\n", "s.upper()\n")}
    upper |= {"tests/test_upper.py": TEST_UPPER, "CHANGES": "shout shouts\n"}
    repo.commit("Shout in capitals", upper, "2024-03-03T00:00:00+00:00")
    return repo


def test_mine_prints_every_decision_and_a_validate_hint_that_works(tmp_path: Path) -> None:
    repo = wordy(tmp_path / "wordy")
    tasks = tmp_path / "tasks"
    args = [
        "tasks", "mine", "--repo", str(repo.root), "--tasks-dir", str(tasks), "--backend",
        "local", "--test-command", "PYTHONPATH=src python3 -m pytest -p no:cacheprovider -q",
    ]  # fmt: skip
    mined = runner.invoke(app, args)
    assert mined.exit_code == 0, mined.output
    sha = repo.git("rev-parse", "HEAD")
    assert f"wordy-{sha[:10]}" in mined.output and "docs: CHANGES" in mined.output
    assert "only docs" in mined.output and "root commit" in mined.output
    assert "mined 1 task(s), rejected 2 commit(s) (" in mined.output
    last = mined.output.strip().splitlines()[-1]
    assert last.startswith("Now write each task's title and instruction"), mined.output
    words = shlex.split(last.split(": ", 1)[1])
    assert words[:6] == ["codebench", "tasks", "validate", "--suite", "mined", "--tasks-dir"]
    validated = runner.invoke(app, words[1:])
    assert validated.exit_code == 1  # the drafts are refused
    assert "field 'title': is still a draft" in validated.output

    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "mined 0 task(s), rejected 0 commit(s); 3 commit(s) decided earlier" in again.output


def test_mine_exits_4_when_a_sandbox_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise SandboxError("the engine went away")

    monkeypatch.setattr(
        importlib.import_module("codebench.authoring.mine"), "tally_patched", broken
    )
    repo = wordy(tmp_path / "wordy")
    args = [
        "tasks",
        "mine",
        "--repo",
        str(repo.root),
        "--tasks-dir",
        str(tmp_path),
        "--backend",
        "local",
    ]
    failed = runner.invoke(app, args)
    assert failed.exit_code == 4, failed.output
    assert "sandbox error" in failed.output and "the engine went away" in failed.output
