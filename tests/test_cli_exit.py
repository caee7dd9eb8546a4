"""`codebench run` exits non-zero when attempts hit model or infrastructure failures, and
`codebench nightly` asks the models afresh unless told to reuse their replies."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from codebench.cli import app
from codebench.results import Status
from tests.conftest import FIXTURE_TASKS

runner = CliRunner()


def dead_url() -> str:
    """A loopback URL where nothing listens: a port bound, then closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_run_with_model_errors_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: a run whose every attempt was model_error (a dead endpoint) exited 0."""
    monkeypatch.chdir(tmp_path)  # the reply cache and codebench.toml of the working directory
    ran = runner.invoke(
        app,
        [
            "run",
            "--suite",
            "mini",
            "--tasks-dir",
            str(FIXTURE_TASKS),
            "--model",
            "openai:fake",
            "--base-url",
            dead_url(),
            "--backend",
            "local",
            "--no-analysis",
            "--run-dir",
            str(tmp_path / "run"),
        ],
    )
    assert ran.exit_code == 3, ran.output
    assert "2 attempt(s) ended in model_error" in ran.output


@pytest.mark.parametrize(
    ("statuses", "code", "words"),
    [
        ([Status.RESOLVED, Status.UNRESOLVED, Status.NOT_SUBMITTED], 0, []),
        ([Status.RESOLVED, Status.MODEL_ERROR], 3, ["1 attempt(s) ended in model_error"]),
        ([Status.SANDBOX_ERROR, Status.TIMEOUT], 4, ["2 attempt(s) ended in timeout or sandbox"]),
        (
            [Status.MODEL_ERROR, Status.SANDBOX_ERROR],
            4,
            ["1 attempt(s) ended in model_error", "1 attempt(s) ended in timeout or sandbox"],
        ),
    ],
)
def test_run_exit_status(statuses: list[Status], code: int, words: list[str]) -> None:
    from codebench.cli.run import run_exit_status

    got, lines = run_exit_status(statuses)
    assert got == code
    assert all(any(w in line for line in lines) for w in words), lines
    assert bool(lines) == bool(code)


class CapturedError(Exception):
    """Raised by the fake nightly once it has the options it was given."""


@pytest.mark.parametrize(("flags", "reads"), [([], False), (["--reuse-replies"], True)])
def test_nightly_asks_the_models_afresh_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flags: list[str], reads: bool
) -> None:
    """Regression: nightly always read the reply cache, so a model alias whose weights changed
    overnight was graded on yesterday's replies."""
    import codebench.report.nightly

    seen: list[Any] = []

    def fake_nightly(*args: Any) -> None:
        seen.append(args[-1])
        raise CapturedError

    monkeypatch.setattr(codebench.report.nightly, "nightly", fake_nightly)
    config = tmp_path / "bench.toml"
    config.write_text('[nightly]\nmodels = ["gold"]\n')
    ran = runner.invoke(app, ["nightly", "--config", str(config), *flags])
    assert isinstance(ran.exception, CapturedError), ran.output
    (options,) = seen
    assert options.cache is not None and options.cache.read is reads


@pytest.mark.parametrize(
    ("statuses", "regressions", "code"),
    [
        ((Status.RESOLVED,), (), 0),
        ((Status.RESOLVED, Status.MODEL_ERROR), (), 3),
        ((Status.SANDBOX_ERROR,), (), 4),
        ((Status.SANDBOX_ERROR,), ("gold on core: 1.00 -> 0.50",), 1),
    ],
)
def test_nightly_exits_like_run_on_failed_attempts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    statuses: tuple[Status, ...],
    regressions: tuple[str, ...],
    code: int,
) -> None:
    """Regression: nightly exited 0 unless a model regressed, even when every attempt of the
    night ended in model_error or sandbox_error."""
    import codebench.report.nightly
    from codebench.report.history import History
    from codebench.report.nightly import NightlyOutcome

    def fake_nightly(config: Any, night: Any, *_: Any) -> NightlyOutcome:
        page = tmp_path / "index.html"
        return NightlyOutcome(night, (), History(), page, regressions, (), statuses)

    monkeypatch.setattr(codebench.report.nightly, "nightly", fake_nightly)
    config = tmp_path / "bench.toml"
    config.write_text('[nightly]\nmodels = ["gold"]\n')
    ran = runner.invoke(app, ["nightly", "--config", str(config)])
    assert ran.exit_code == code, ran.output


def test_the_leaderboard_is_written_before_the_run_dir_is_released(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: `run` released the lock before the CLI wrote the leaderboard, so a second
    run could change results/ in between and the leaderboard disagreed with them."""
    import codebench.report
    from codebench.errors import RunDirInUseError
    from codebench.runner import lock_run_dir

    real_publish = codebench.report.publish_run
    refused: list[bool] = []

    def publish_while_checking(settings: Any, outcome: Any) -> Any:
        try:
            with lock_run_dir(settings.run_dir):
                refused.append(False)
        except RunDirInUseError:
            refused.append(True)
        return real_publish(settings, outcome)

    monkeypatch.setattr(codebench.report, "publish_run", publish_while_checking)
    run_dir = tmp_path / "run"
    argv = ["run", "--suite", "mini", "--tasks-dir", str(FIXTURE_TASKS), "--model", "noop"]
    argv += ["--backend", "local", "--no-analysis", "--run-dir", str(run_dir)]
    ran = runner.invoke(app, argv)
    assert ran.exit_code == 0, ran.output
    assert refused == [True]
    assert (run_dir / "leaderboard.json").is_file()
