"""Two nights in a row: dated runs, two history entries per model, the page with its trend."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from codebench.errors import ConfigError
from codebench.models import ModelOptions
from codebench.report.nightly import NIGHTLY_TABLE, NightlyConfig, load_nightly_config, nightly
from codebench.sandbox import ImageSet
from tests.conftest import FIXTURE_TASKS, quiet


@pytest.mark.docker
def test_two_nights(tmp_path: Path, docker_images: ImageSet) -> None:
    config = NightlyConfig(
        suites=["mini"],
        models=["gold", "noop"],
        runs_dir=tmp_path / "runs",
        site_dir=tmp_path / "site",
        tasks_dir=FIXTURE_TASKS,
    )
    for night in (date(2026, 11, 23), date(2026, 11, 24)):
        outcome = nightly(config, night, lambda k: docker_images, quiet(), ModelOptions())
        assert outcome.regressions == ()
    assert (tmp_path / "runs" / "2026-11-23" / "mini" / "leaderboard.json").is_file()
    assert (tmp_path / "runs" / "2026-11-24" / "mini" / "leaderboard.json").is_file()
    entries = outcome.history.entries
    assert [(e.date.isoformat(), e.model) for e in entries] == [
        ("2026-11-23", "gold"),
        ("2026-11-23", "noop"),
        ("2026-11-24", "gold"),
        ("2026-11-24", "noop"),
    ]
    page = outcome.page.read_text()
    assert page.count("data:image/png;base64,") == 3  # two plots (no price: no cost plot), trend
    assert (tmp_path / "runs" / "history.json").is_file()


def test_config_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bench.toml"
    path.write_text("[nightly]\nsuites = ['core']\n")
    with pytest.raises(ConfigError, match=r"bench.toml: \[nightly\] models"):
        load_nightly_config(path)
    path.write_text("[nightly]\nmodels = ['gold']\ncolour = 1\n")
    with pytest.raises(ConfigError, match="colour"):
        load_nightly_config(path)
    path.write_text("[nightly]\nmodels = ['gold']\n")
    assert load_nightly_config(path).suites == ["core"]


def test_the_example_config_loads() -> None:
    from codebench.models.config import load_config

    example = Path(__file__).parents[2] / "examples" / "bench.toml"
    assert load_nightly_config(example).models[0] == "gold"
    config = load_config(example, other_tables={NIGHTLY_TABLE})
    assert config.model("openai:gpt-4o-mini").edit_format.value == "search_replace"


def test_a_night_can_run_on_a_ray_cluster(tmp_path: Path) -> None:
    from codebench.runner import Executor

    path = tmp_path / "bench.toml"
    path.write_text("[nightly]\nmodels = ['gold']\nexecutor = 'kubernetes'\n")
    with pytest.raises(ConfigError, match=r"executor.*'local' or 'ray'"):
        load_nightly_config(path)
    path.write_text(
        "[nightly]\nmodels = ['gold']\nexecutor = 'ray'\nray_address = '10.0.0.5:6379'\n"
    )
    config = load_nightly_config(path)
    assert (config.executor, config.ray_address) == (Executor.RAY, "10.0.0.5:6379")
    path.write_text("[nightly]\nmodels = ['gold']\n")
    assert load_nightly_config(path).executor is Executor.LOCAL
