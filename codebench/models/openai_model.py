"""Any OpenAI-compatible endpoint as a model: the official `openai` client, Chat Completions
(every compatible server) or the Responses API, with retries, usage, cost and a reply cache."""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from codebench.errors import ModelError
from codebench.models.base import Model, Proposal, TaskView, Usage
from codebench.models.cache import CachedReply, ResponseCache, request_key
from codebench.models.config import ModelConfig, Price
from codebench.models.formats import FormatError, parse_reply
from codebench.models.prompt import build_prompt
from codebench.tasks.loader import read_texts

MAX_BACKOFF_SECONDS = 60.0
RETRIED_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True)
class Endpoint:
    """Where and as whom to call."""

    base_url: str | None
    api_key: str


def cost_of(usage: Usage, price: Price | None) -> float:
    """USD for the tokens of one reply (cached input at its own price when it has one)."""
    if price is None:
        return 0.0
    cached = usage.cached_tokens if price.cached_input is not None else 0
    fresh = usage.input_tokens - cached
    total = (
        fresh * price.input
        + cached * (price.cached_input or 0)
        + usage.output_tokens * price.output
    )
    return round(total / 1_000_000, 8)


class OpenAIModel(Model):
    """`openai:<name>`: proposes patches by asking an OpenAI-compatible server."""

    def __init__(
        self,
        spec: str,
        name: str,
        config: ModelConfig,
        price: Price | None,
        cache: ResponseCache | None,
        limiter: threading.Semaphore,
        base_url: str | None = None,
    ) -> None:
        self.spec, self.name, self.config, self.price = spec, name, config, price
        self._cache, self._limiter = cache, limiter
        url = base_url or config.base_url or os.environ.get("OPENAI_BASE_URL")
        self._endpoint = Endpoint(url, os.environ.get(config.api_key_env, "not-needed"))
        self._client: Any = None
        self._client_lock = threading.Lock()

    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        """Ask (or replay from the cache), then parse the reply in the model's edit format.

        Distinct samples are distinct requests, in the cache too.
        """
        files = read_texts(view.repo_dir)  # read once: for the prompt and to parse the reply
        prompt = build_prompt(
            view, self.config.edit_format, self.config.context_tokens, self.config.prompt_dir, files
        )
        request = self._request(prompt.system, prompt.user)
        key = request_key(
            {
                **request,
                "api": self.config.api,
                "base_url": self._endpoint.base_url,
                "sample": sample,
            }
        )
        cached = self._cache.get(key) if self._cache else None
        calls = 0
        if cached is None:
            cached, calls = self._ask(request)
            if self._cache:
                self._cache.put(key, cached)
        outcome = parse_reply(self.config.edit_format, cached.text, files)
        return Proposal(
            patch="" if isinstance(outcome, FormatError) else outcome.patch,
            seconds=cached.seconds if calls else 0.0,
            usage=cached.usage if calls else Usage(),
            cost_usd=cost_of(cached.usage, self.price) if calls else 0.0,
            format_error=str(outcome) if isinstance(outcome, FormatError) else None,
            reply=cached.text,
            calls=calls,
        )

    def _request(self, system: str, user: str) -> dict[str, Any]:
        options: dict[str, Any] = {"model": self.name}
        if self.config.temperature is not None:
            options["temperature"] = self.config.temperature
        if self.config.api == "responses":
            options.update(instructions=system, input=user)
            if self.config.seed is not None:  # not a Responses API parameter: sent as is
                options["extra_body"] = {"seed": self.config.seed}
            if self.config.max_tokens is not None:
                options["max_output_tokens"] = self.config.max_tokens
            if self.config.reasoning_effort is not None:
                options["reasoning"] = {"effort": self.config.reasoning_effort}
            return options
        options["messages"] = [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ]
        if self.config.seed is not None:
            options["seed"] = self.config.seed
        if self.config.max_tokens is not None:
            options["max_tokens"] = self.config.max_tokens
        if self.config.reasoning_effort is not None:
            options["reasoning_effort"] = self.config.reasoning_effort
        return options

    def client(self) -> Any:
        """The `openai` client (our own retry loop: the client's is off)."""
        with self._client_lock:
            if self._client is None:
                import openai

                self._client = openai.OpenAI(
                    base_url=self._endpoint.base_url,
                    api_key=self._endpoint.api_key,
                    timeout=self.config.timeout,
                    max_retries=0,
                )
            return self._client

    def _ask(self, request: dict[str, Any]) -> tuple[CachedReply, int]:
        """Call with jittered exponential backoff; raise ModelError when attempts run out."""
        failures: list[str] = []
        for attempt in range(1, self.config.max_attempts + 1):
            start = time.monotonic()
            try:
                with self._limiter:
                    text, usage = self._call(request)
                return CachedReply(
                    text=text, usage=usage, seconds=time.monotonic() - start
                ), attempt
            except Exception as exc:  # classified below; anything unknown is not retried
                retry_after, reason = classify(exc)
                failures.append(reason)
                if retry_after is None or attempt == self.config.max_attempts:
                    break
                time.sleep(retry_after if retry_after > 0 else self._backoff(attempt))
        raise ModelError(f"{self.spec}: {len(failures)} attempt(s) failed; last: {failures[-1]}")

    def _backoff(self, attempt: int) -> float:
        base: float = self.config.backoff_seconds * 2 ** (attempt - 1)
        return min(MAX_BACKOFF_SECONDS, base * random.uniform(0.5, 1.5))

    def _call(self, request: dict[str, Any]) -> tuple[str, Usage]:
        client = self.client()
        if self.config.api == "responses":
            response = client.responses.create(**request)
            return response.output_text or "", _usage(response.usage, RESPONSES_USAGE)
        completion = client.chat.completions.create(**request)
        if not completion.choices:
            raise ValueError("the reply has no choices")
        return completion.choices[0].message.content or "", _usage(completion.usage, CHAT_USAGE)


def classify(exc: BaseException) -> tuple[float | None, str]:
    """(seconds to wait before retrying: 0 = back off, None = do not retry, reason)."""
    import openai

    if isinstance(exc, openai.APIStatusError):
        reason = f"HTTP {exc.status_code}: {str(exc)[:200]}"
        if exc.status_code in RETRIED_STATUS or exc.status_code >= 500:
            return _retry_after(exc.response.headers), reason
        return None, reason
    if isinstance(exc, openai.APITimeoutError):
        return 0.0, "timed out"
    if isinstance(exc, openai.APIConnectionError):
        return 0.0, f"connection error: {exc}"
    if isinstance(exc, openai.APIResponseValidationError | ValueError | KeyError | AttributeError):
        return 0.0, f"malformed reply: {type(exc).__name__}: {str(exc)[:200]}"
    return None, f"{type(exc).__name__}: {str(exc)[:200]}"


def _retry_after(headers: Any) -> float:
    value = headers.get("retry-after") if headers is not None else None
    try:
        return float(min(MAX_BACKOFF_SECONDS, max(0.0, float(value)))) if value is not None else 0.0
    except ValueError:
        return 0.0


def _detail(obj: Any, name: str) -> int:
    return int(getattr(obj, name, 0) or 0) if obj is not None else 0


# Where each API's usage object keeps (input, output, input details, output details).
CHAT_USAGE = (
    "prompt_tokens",
    "completion_tokens",
    "prompt_tokens_details",
    "completion_tokens_details",
)
RESPONSES_USAGE = ("input_tokens", "output_tokens", "input_tokens_details", "output_tokens_details")


def _usage(usage: Any, names: tuple[str, str, str, str]) -> Usage:
    """Token counts from a Chat Completions or Responses usage object (`names` says which)."""
    if usage is None:
        return Usage()
    inputs, outputs, input_details, output_details = names
    return Usage(
        input_tokens=_detail(usage, inputs),
        output_tokens=_detail(usage, outputs),
        cached_tokens=_detail(getattr(usage, input_details, None), "cached_tokens"),
        reasoning_tokens=_detail(getattr(usage, output_details, None), "reasoning_tokens"),
    )
