"""Any OpenAI-compatible endpoint as a model: the official `openai` client, Chat Completions
(every compatible server) or the Responses API, with retries, usage, cost and a reply cache.

Every failure is bounded: `timeout` is a total deadline for one call, retries and backoff
included; an endpoint that refuses connections trips a circuit breaker; only provider errors and
malformed bodies are retried, and codebench's own exceptions propagate."""

from __future__ import annotations

import ipaddress
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from codebench.errors import ConfigError, ModelError
from codebench.models.base import CallLimiter, Model, Proposal, TaskView, Usage
from codebench.models.cache import CachedReply, ResponseCache, request_key
from codebench.models.config import CONFIG_FILE, ModelConfig, Price
from codebench.models.deadline import CallWatch, trace_request
from codebench.models.formats import FormatError, parse_reply
from codebench.models.prompt import Turn, build_prompt
from codebench.tasks.loader import read_texts

MAX_BACKOFF_SECONDS = 60.0
RETRIED_STATUS = frozenset({408, 409, 429})
DEFAULT_BASE_URL = "https://api.openai.com/v1"  # the `openai` client's, without OPENAI_BASE_URL
LOCAL_PLACEHOLDER_KEY = "not-needed"  # what a local server without keys is sent
# httpx errors (either httpx generation) that mean no connection was made at all
CONNECT_FAILURES = frozenset({"ConnectError", "ConnectTimeout"})


T = TypeVar("T")
# Reads a provider response into what the caller needs (and its usage), or raises
# MalformedReplyError: one for plain text replies, one for an agent's turns.
Reader = Callable[[Any, bool], tuple[T, Usage]]


@dataclass(frozen=True)
class Answer(Generic[T]):
    """What one retried call gave: the value read, its usage, time, and the attempts made."""

    value: T
    usage: Usage
    seconds: float
    attempts: int


class MalformedReplyError(Exception):
    """The provider answered with a body that is not a reply we can read (retried)."""


class DeadlineError(Exception):
    """The call's total deadline passed (not retried: the budget is spent)."""


@dataclass(frozen=True)
class Endpoint:
    """Where and as whom to call."""

    base_url: str | None
    api_key: str

    @property
    def shown(self) -> str:
        """The URL as a person should read it in a reason."""
        return self.base_url or DEFAULT_BASE_URL


def is_loopback(url: str | None) -> bool:
    """Whether `url` names this machine (a local server, which may need no key)."""
    host = urlsplit(url).hostname if url else None
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_for(spec: str, config: ModelConfig, base_url: str | None) -> Endpoint:
    """Where `spec` is served and its key, checked before the first call.

    Raises:
        ConfigError: no key in the environment for an endpoint that is not on this machine.
    """
    url = base_url or config.base_url or os.environ.get("OPENAI_BASE_URL")
    key = os.environ.get(config.api_key_env, "")
    if key:
        return Endpoint(url, key)
    if is_loopback(url):
        return Endpoint(url, LOCAL_PLACEHOLDER_KEY)
    raise ConfigError(
        f"{spec}: no API key for {url or DEFAULT_BASE_URL}: set the environment variable "
        f"{config.api_key_env}, or name the variable that holds it with `api_key_env` under "
        f'[models."{spec}"] in {CONFIG_FILE} (--config)'
    )


class CircuitBreaker:
    """Consecutive connection failures of one endpoint, shared by every thread of one model.

    A connection failure (refused, DNS, connect timeout) counts; any HTTP answer resets the
    count; other failures leave it. At `limit` it opens for the rest of the run.
    """

    def __init__(self, url: str, limit: int) -> None:
        self.url, self.limit = url, limit
        self._failures = 0
        self._lock = threading.Lock()

    def failed(self) -> None:
        """A connection to the endpoint could not be made."""
        with self._lock:
            self._failures += 1

    def reached(self) -> None:
        """The endpoint answered (with a reply or an HTTP error)."""
        with self._lock:
            if self._failures < self.limit:
                self._failures = 0

    def open_reason(self) -> str | None:
        """Why the endpoint must not be called any more, or None while it may."""
        with self._lock:
            if self._failures < self.limit:
                return None
        return f"endpoint unreachable: {self.url} ({self.limit} consecutive connection failures)"


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
        limiter: CallLimiter,
        base_url: str | None = None,
    ) -> None:
        self.spec, self.name, self.config, self.price = spec, name, config, price
        self._cache, self._limiter = cache, limiter
        self._endpoint = endpoint_for(spec, config, base_url)
        self._breaker = CircuitBreaker(self._endpoint.shown, config.max_connection_failures)
        self._client: Any = None
        self._client_lock = threading.Lock()

    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        """Ask (or replay from the cache), then parse the reply in the model's edit format.

        Distinct samples are distinct requests, in the cache too, and so are distinct tries:
        a later try's request holds every earlier reply and what became of it
        (`view.prior_tries`). Every reply is parsed against the starting tree: a later try's
        edits replace the earlier ones, which the retry message says.
        """
        files = read_texts(view.repo_dir)  # read once: for the prompt and to parse the reply
        prompt = build_prompt(
            view, self.config.edit_format, self.config.context_tokens, self.config.prompt_dir, files
        )
        request = self._request(prompt.system, prompt.user, prompt.turns)
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

    def complete(self, system: str, user: str) -> str:
        """One plain reply to a system and a user message, with the model's options, retries
        and deadline, but no edit format and no cache (authoring's drafts).

        Raises `ModelError` when every attempt fails or the deadline passes.
        """
        reply, _calls = self._ask(self._request(system, user))
        return reply.text

    def _request(self, system: str, user: str, turns: tuple[Turn, ...] = ()) -> dict[str, Any]:
        """The request's options and messages; without `turns` exactly as before tries existed
        (the cache keys of single-try requests stay the same)."""
        options = self.options()
        later = [{"role": turn.role, "content": turn.content} for turn in turns]
        if self.config.api == "responses":
            prompt: str | list[dict[str, str]] = user
            if later:
                prompt = [{"role": "user", "content": user}, *later]
            options.update(instructions=system, input=prompt)
        else:
            options["messages"] = [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
                *later,
            ]
        return options

    def options(self) -> dict[str, Any]:
        """The request's model and settings in the configured API's names, without messages."""
        options: dict[str, Any] = {"model": self.name}
        if self.config.temperature is not None:
            options["temperature"] = self.config.temperature
        if self.config.api == "responses":
            if self.config.seed is not None:  # not a Responses API parameter: sent as is
                options["extra_body"] = {"seed": self.config.seed}
            if self.config.max_tokens is not None:
                options["max_output_tokens"] = self.config.max_tokens
            if self.config.reasoning_effort is not None:
                options["reasoning"] = {"effort": self.config.reasoning_effort}
            return options
        if self.config.seed is not None:
            options["seed"] = self.config.seed
        if self.config.max_tokens is not None:
            options["max_tokens"] = self.config.max_tokens
        if self.config.reasoning_effort is not None:
            options["reasoning_effort"] = self.config.reasoning_effort
        return options

    def client(self) -> Any:
        """The `openai` client (our own retry loop: the client's is off).

        No keep-alive: each request opens its own connection, which its `CallWatch` can cut.
        """
        with self._client_lock:
            if self._client is None:
                import openai

                # the Limits of whichever httpx generation this `openai` release is built on
                limits = type(openai.DEFAULT_CONNECTION_LIMITS)(
                    max_connections=openai.DEFAULT_CONNECTION_LIMITS.max_connections,
                    max_keepalive_connections=0,
                )
                self._client = openai.OpenAI(
                    base_url=self._endpoint.base_url,
                    api_key=self._endpoint.api_key,
                    timeout=self.config.timeout,
                    max_retries=0,
                    http_client=openai.DefaultHttpxClient(
                        limits=limits,
                        event_hooks={"request": [trace_request]},
                    ),
                )
            return self._client

    def _ask(self, request: dict[str, Any]) -> tuple[CachedReply, int]:
        """A text reply, retried (see `ask`); raise ModelError when attempts or the deadline run
        out."""
        answer = self.ask(request, read_text)
        reply = CachedReply(text=answer.value, usage=answer.usage, seconds=answer.seconds)
        return reply, answer.attempts

    def ask(
        self, request: dict[str, Any], read: Reader[T], timeout: float | None = None
    ) -> Answer[T]:
        """Call with jittered exponential backoff within the total deadline `timeout` (the
        model's by default; waiting for a free call slot aside), reading each response with
        `read`; raise ModelError when attempts or the deadline run out."""
        deadline = self.config.timeout if timeout is None else min(timeout, self.config.timeout)
        failures: list[str] = []
        spent = 0.0  # of the deadline: attempts and backoff
        for attempt in range(1, self.config.max_attempts + 1):
            with self._limiter:
                self._refuse_if_open(failures)
                start = time.monotonic()
                try:
                    value, usage = self._attempt(request, deadline - spent, deadline, read)
                except DeadlineError as exc:
                    failures.append(str(exc))
                    break
                except (MalformedReplyError, _openai_error()) as exc:
                    retry_after, reason = classify(exc)
                    self._note(exc)
                    failures.append(reason)
                else:
                    return Answer(value, usage, time.monotonic() - start, attempt)
                finally:
                    spent += time.monotonic() - start
            if retry_after is None or attempt == self.config.max_attempts:
                break
            wait = retry_after or self._backoff(attempt)
            if spent + wait >= deadline:
                failures[-1] += f" (a retry would pass the total deadline of {deadline:g} s)"
                break
            time.sleep(wait)
            spent += wait
        self._refuse_if_open(failures)
        raise ModelError(f"{self.spec}: {len(failures)} attempt(s) failed; last: {failures[-1]}")

    def _refuse_if_open(self, failures: list[str]) -> None:
        reason = self._breaker.open_reason()
        if reason is not None:
            raise ModelError(f"{self.spec}: {reason} ({len(failures)} attempt(s) made here)")

    def _note(self, exc: BaseException) -> None:
        """Tell the breaker whether the endpoint could be reached."""
        if is_connection_failure(exc):
            self._breaker.failed()
        elif _reached(exc):
            self._breaker.reached()

    def _attempt(
        self, request: dict[str, Any], seconds: float, deadline: float, read: Reader[T]
    ) -> tuple[T, Usage]:
        """One request, cut when `seconds` (what is left of the deadline) pass."""
        expired = f"timed out: the total deadline of {deadline:g} s passed"
        if seconds <= 0:
            raise DeadlineError(expired)
        with CallWatch(seconds) as watch:
            try:
                reply = self._call(request, seconds, read)
            except (MalformedReplyError, _openai_error()) as exc:
                if watch.expired:
                    raise DeadlineError(expired) from exc
                raise
        self._breaker.reached()
        return reply

    def _backoff(self, attempt: int) -> float:
        base: float = self.config.backoff_seconds * 2 ** (attempt - 1)
        return min(MAX_BACKOFF_SECONDS, base * random.uniform(0.5, 1.5))

    def _call(self, request: dict[str, Any], seconds: float, read: Reader[T]) -> tuple[T, Usage]:
        """Send, then read the reply; only the provider's side of it raises MalformedReplyError."""
        client = self.client()
        responses = self.config.api == "responses"
        try:  # the `openai` client reads the body here: what it raises is the body's fault
            if responses:
                response = client.responses.create(**request, timeout=seconds)
            else:
                response = client.chat.completions.create(**request, timeout=seconds)
        except (ValueError, KeyError, AttributeError, TypeError) as exc:
            raise MalformedReplyError(f"{type(exc).__name__}: {exc}") from exc
        # the reader's own bugs propagate: only what it finds wrong with the body is retried
        return read(response, responses)


def read_text(response: Any, responses: bool) -> tuple[str, Usage]:
    """A plain reply's text and usage (`responses`: a Responses API body, else Chat
    Completions); MalformedReplyError when the body holds none."""
    text = output_text(response) if responses else _chat_text(response)
    if text is not None and not isinstance(text, str):
        raise MalformedReplyError(f"the reply's text is a {type(text).__name__}")
    return text or "", usage_of(response, responses)


def output_text(response: Any) -> Any:
    """A Responses API body's text (the SDK joins it); MalformedReplyError when it cannot."""
    try:
        return response.output_text
    except (ValueError, KeyError, AttributeError, TypeError) as exc:
        raise MalformedReplyError(f"{type(exc).__name__}: {exc}") from exc


def usage_of(response: Any, responses: bool) -> Usage:
    """The token counts of a Chat Completions or (`responses`) a Responses API body."""
    names = RESPONSES_USAGE if responses else CHAT_USAGE
    return _usage(getattr(response, "usage", None), names)


def _openai_error() -> type[Exception]:
    import openai

    return openai.OpenAIError


def _chat_text(completion: Any) -> Any:
    """The first choice's text, or MalformedReplyError when the body has none."""
    return getattr(chat_message(completion), "content", None)


def chat_message(completion: Any) -> Any:
    """The first choice's message, or MalformedReplyError when the body has none."""
    choices = getattr(completion, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise MalformedReplyError("the reply has no choices")
    message = getattr(choices[0], "message", None)
    if message is None:
        raise MalformedReplyError("the reply's first choice has no message")
    return message


def is_connection_failure(exc: BaseException) -> bool:
    """No connection could be made (refused, DNS, connect timeout): the breaker counts it."""
    cause: BaseException | None = exc
    while cause is not None:
        if type(cause).__name__ in CONNECT_FAILURES:
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _reached(exc: BaseException) -> bool:
    import openai

    return isinstance(exc, openai.APIStatusError | MalformedReplyError)


def classify(exc: BaseException) -> tuple[float | None, str]:
    """(seconds to wait before retrying: 0 = back off, None = do not retry, reason)."""
    import openai

    if isinstance(exc, MalformedReplyError):
        return 0.0, f"malformed reply: {str(exc)[:200]}"
    if isinstance(exc, openai.APIStatusError):
        reason = f"HTTP {exc.status_code}: {str(exc)[:200]}"
        if exc.status_code in RETRIED_STATUS or exc.status_code >= 500:
            return _retry_after(exc.response.headers), reason
        return None, reason
    if isinstance(exc, openai.APITimeoutError):
        return 0.0, "timed out"
    if isinstance(exc, openai.APIConnectionError):
        return 0.0, f"connection error: {exc}"
    if isinstance(exc, openai.APIResponseValidationError):
        return 0.0, f"malformed reply: {type(exc).__name__}: {str(exc)[:200]}"
    return None, f"{type(exc).__name__}: {str(exc)[:200]}"


def _retry_after(headers: Any) -> float:
    value = headers.get("retry-after") if headers is not None else None
    try:
        return float(min(MAX_BACKOFF_SECONDS, max(0.0, float(value)))) if value is not None else 0.0
    except ValueError:
        return 0.0


def _detail(obj: Any, name: str) -> int:
    """A token count, 0 when the body has none (or something that is not a count)."""
    value = getattr(obj, name, 0) if obj is not None else 0
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


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
