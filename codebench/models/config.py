"""`codebench.toml`: per-model settings and the price table a user can extend."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from codebench.io import load_toml
from codebench.models.formats import EditFormat
from codebench.models.trajectory import AgentLimits

CONFIG_FILE = "codebench.toml"


class Price(BaseModel):
    """USD per million tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cached_input: float | None = Field(default=None, ge=0)


# A few public list prices (USD / 1M tokens); extend or override them in codebench.toml.
BUILTIN_PRICES = {
    "gpt-4o": Price(input=2.5, output=10.0, cached_input=1.25),
    "gpt-4o-mini": Price(input=0.15, output=0.6, cached_input=0.075),
    "gpt-4.1": Price(input=2.0, output=8.0, cached_input=0.5),
    "gpt-4.1-mini": Price(input=0.4, output=1.6, cached_input=0.1),
}


class Scaffold(StrEnum):
    """How a model works on a task."""

    SINGLE = "single"  # one reply holding the edits, in the model's edit format
    AGENT = "agent"  # tool calls in a sandbox until it submits or a limit ends it


class ModelConfig(BaseModel):
    """Settings for one model spec, e.g. `[models."openai:gpt-4o-mini"]`.

    `timeout` is the total deadline of one call (retries and backoff included), not a per-read
    timeout; `max_connection_failures` trips the endpoint's circuit breaker; `api_key_env`
    names the variable holding the key, required unless `base_url` is on this machine.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    edit_format: EditFormat = EditFormat.UDIFF
    api: Literal["chat", "responses"] = "chat"
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None = None
    seed: int | None = None
    # The total deadline of one model call, in seconds: every attempt and the backoff between
    # them (not the wait for a free call slot, --model-workers). It is enforced around the
    # request, so a server that hangs, or drips a byte every few seconds, is cut when it passes.
    timeout: float = Field(default=120.0, gt=0)
    max_attempts: int = Field(default=5, ge=1, le=20)
    # Consecutive connection failures (refused, DNS, connect timeout) after which the endpoint
    # is not called again this run: the model's remaining attempts are model_error at once.
    max_connection_failures: int = Field(default=3, ge=1)
    backoff_seconds: float = Field(default=1.0, ge=0)
    context_tokens: int = Field(default=24_000, ge=1_000)
    prompt_dir: Path | None = None  # templates that override the built-in ones, by file name
    scaffold: Scaffold = Scaffold.SINGLE
    agent: AgentLimits = AgentLimits()  # the limits of `scaffold = "agent"` (and of `import_path`)
    # "package.module:factory": a model the user brings (codebench.models.plugins). The factory
    # (a callable or a Model subclass) is called as factory(spec, this config) when `--model`
    # names this table; it is imported only then. The other fields reach it as they are.
    import_path: str | None = None


class BenchConfig(BaseModel):
    """The whole configuration file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    models: dict[str, ModelConfig] = {}
    prices: dict[str, Price] = {}

    def model(self, spec: str) -> ModelConfig:
        """The settings of a model spec (defaults when the file does not mention it)."""
        return self.models.get(spec, ModelConfig())

    def price(self, name: str) -> Price | None:
        """The price of a model name: the file's, else the built-in table's."""
        return self.prices.get(name) or BUILTIN_PRICES.get(name)


def load_config(path: Path | None, other_tables: Collection[str] = ()) -> BenchConfig:
    """Read a configuration file; a missing default file means defaults.

    `other_tables` are the top-level tables that other parts of codebench own in the same file
    (the caller names them, e.g. the nightly job's): they are skipped, every other key is ours.

    Raises:
        ConfigError: the file cannot be read or parsed, or has bad keys (each one named, with a
            did-you-mean for a misspelt key).
    """
    if path is None:
        path = Path(CONFIG_FILE)
        if not path.is_file():
            return BenchConfig()
    return load_toml(path, BenchConfig, other_tables=other_tables)
