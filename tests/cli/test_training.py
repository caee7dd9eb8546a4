"""`codebench export` and `codebench serve-reward` as a user runs them (subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from codebench.training.prompts import synthetic_reply
from codebench.training.server import request_rewards
from tests.conftest import FIXTURE_TASKS, MINI, ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def codebench(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codebench", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
    )


def test_export_a_run_of_the_mini_suite(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    ran = codebench(
        "run", "--suite", "mini", "--tasks-dir", str(FIXTURE_TASKS), "--backend", "local",
        "--model", "gold", "--model", "partial", "--model", "noop", "--run-dir", str(run_dir),
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    out = tmp_path / "pref.jsonl"
    done = codebench(
        "export", str(run_dir), "--format", "preference", "--style", "trl", "--out", str(out),
        "--tasks-dir", str(FIXTURE_TASKS), "--validation", "0",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (pair,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert set(pair) == {"prompt", "chosen", "rejected"}  # gold vs partial on the global task
    manifest = json.loads((tmp_path / "pref.manifest.json").read_text())
    assert manifest["suite"] == "mini" and manifest["counts"]["train"]["records"] == 1
    bad = codebench("export", str(run_dir), "--format", "dpo", "--out", str(out))
    assert bad.returncode == 2 and "--format 'dpo'" in bad.stderr
    missing = codebench("export", str(tmp_path / "nowhere"), "--out", str(out))
    assert missing.returncode == 2 and "holds no results" in missing.stderr


def test_serve_reward_answers_on_the_port_it_prints() -> None:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "codebench",
            "serve-reward",
            "--suite",
            "mini",
            "--tasks-dir",
            str(FIXTURE_TASKS),
            "--backend",
            "local",
            "--port",
            "0",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=ENV,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert "serving rewards for 2 task(s) of mini on http://127.0.0.1:" in line, line
        url = line.split(" on ")[1].strip()
        task = MINI["mini-div-zero"]
        (got,) = request_rewards(url, [(task.id, synthetic_reply(task.gold_patch))])
        assert got.reward == 1.0
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_command_line_defaults_are_the_filters_defaults() -> None:
    from codebench.cli import training as cli
    from codebench.training import records

    assert (cli.DEFAULT_MAX_CHURN, cli.DEFAULT_MAX_DRIFT, cli.DEFAULT_MAX_FINDINGS) == (
        records.DEFAULT_MAX_CHURN,
        records.DEFAULT_MAX_DRIFT,
        records.DEFAULT_MAX_FINDINGS,
    )


def test_help_does_not_load_the_training_package() -> None:
    probe = "import sys; from codebench.cli import app; print('codebench.training' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=ENV)
    assert done.stdout.strip() == "False"
