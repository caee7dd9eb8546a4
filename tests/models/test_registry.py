"""Choosing models by spec string."""

from __future__ import annotations

from pathlib import Path

import pytest

from codebench.errors import ConfigError, ModelError
from codebench.models import TaskView, get_model, parse_spec

VIEW = TaskView("t-1", "do it", Path("."))


def test_gold_proposes_the_gold_patch() -> None:
    model = get_model("gold", {"t-1": "diff --git a/x b/x\n"})
    assert model.propose(VIEW).patch == "diff --git a/x b/x\n"
    assert model.slug == "gold"


def test_gold_without_a_patch_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="t-1"):
        get_model("gold", {}).propose(VIEW)


def test_noop_proposes_nothing() -> None:
    assert get_model("noop", {}).propose(VIEW).patch == ""


@pytest.mark.parametrize(
    ("spec", "parsed"),
    [
        ("gold", ("gold", None)),
        ("openai:gpt-4o-mini", ("openai", "gpt-4o-mini")),
        ("replay:preds/a:b.jsonl", ("replay", "preds/a:b.jsonl")),
    ],
)
def test_spec_grammar(spec: str, parsed: tuple[str, str | None]) -> None:
    assert parse_spec(spec) == parsed


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("", "empty"),
        ("openai:", "nothing after"),
        ("gold:x", "takes no argument"),
        ("gpt4", "unknown model spec"),
        ("replay:/nonexistent/preds.jsonl", "cannot be read"),
    ],
)
def test_bad_specs(spec: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        get_model(spec, {})


def test_the_registry_names_every_perturbation_without_importing_it() -> None:
    """The registry lists the perturbed gold models by name so that `codebench` starts without
    loading the analyzer (perturb imports it); the names must stay those perturb defines."""
    from codebench.models.perturb import PERTURBATIONS
    from codebench.models.registry import PERTURBATION_KINDS

    assert set(PERTURBATION_KINDS) == set(PERTURBATIONS)
    assert get_model("gold+style", {"t-1": "x"}).spec == "gold+style"
