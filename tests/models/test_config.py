"""codebench.toml: every bad key named with a suggestion; tables of other packages skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from codebench.errors import ConfigError
from codebench.models.config import load_config


def test_misspelt_model_settings_are_all_named(tmp_path: Path) -> None:
    path = tmp_path / "codebench.toml"
    path.write_text('[models."openai:x"]\ntemprature = 0.5\n[prices.m]\ninput = 1\noutptu = 2\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: 3 problems:")
    assert (
        "[models.\"openai:x\"] temprature: unknown key; remove it or fix its spelling (did you mean 'temperature'?)"
        in message
    )
    assert "[prices.m] output: is required but missing" in message
    assert (
        "[prices.m] outptu: unknown key; remove it or fix its spelling (did you mean 'output'?)"
        in message
    )


def test_only_the_tables_the_caller_names_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bench.toml"
    path.write_text('[nightly]\nmodels = ["gold"]\n[models.gold]\nseed = 1\n')
    with pytest.raises(ConfigError, match="nightly: unknown key"):
        load_config(path)
    assert load_config(path, {"nightly"}).model("gold").seed == 1


def test_a_missing_default_file_means_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(None).models == {}
    with pytest.raises(ConfigError, match=r"nope\.toml: cannot be read"):
        load_config(tmp_path / "nope.toml")
