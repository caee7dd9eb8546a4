"""Tries of one attempt (`--tries N`): which stored tries a rerun can reuse, and the totals a
result made of several tries reports.

A try's grade is reused when the model, asked again with the same earlier tries, proposes the
same patch for the same task, image and harness (with a warm response cache it does, at no
cost): its status and feedback are taken from the stored result instead of a sandbox. The
chain breaks at the first try that differs: every later try saw other messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from codebench import HARNESS_VERSION
from codebench.models import Proposal, Usage
from codebench.models.trajectory import TrajectorySummary
from codebench.results import RETRIED_STATUSES, ResultKey, Status, TaskResult, TryOutcome
from codebench.runner.feedback import Feedback


@dataclass(frozen=True)
class Spent:
    """What one try cost: tokens, dollars, time asking the model and in sandboxes."""

    usage: Usage = field(default_factory=Usage)
    cost_usd: float = 0.0
    model_seconds: float = 0.0
    eval_seconds: float = 0.0

    @classmethod
    def of(cls, proposal: Proposal, model_seconds: float) -> Spent:
        """What asking cost (the sandbox time is added once known)."""
        return cls(proposal.usage, proposal.cost_usd, model_seconds)

    def __add__(self, other: Spent) -> Spent:
        return Spent(
            add_usage(self.usage, other.usage),
            round(self.cost_usd + other.cost_usd, 8),
            self.model_seconds + other.model_seconds,
            self.eval_seconds + other.eval_seconds,
        )


def add_usage(one: Usage, other: Usage) -> Usage:
    """The token counts of two replies together."""
    return Usage(
        input_tokens=one.input_tokens + other.input_tokens,
        output_tokens=one.output_tokens + other.output_tokens,
        cached_tokens=one.cached_tokens + other.cached_tokens,
        reasoning_tokens=one.reasoning_tokens + other.reasoning_tokens,
    )


def spent_on(outcome: TryOutcome) -> Spent:
    """What a stored try cost when it was made."""
    return Spent(outcome.usage, outcome.cost_usd, outcome.model_seconds, outcome.eval_seconds)


def try_outcome(
    status: Status,
    key: ResultKey,
    spent: Spent,
    feedback: Feedback | None = None,
    trajectory: TrajectorySummary | None = None,
) -> TryOutcome:
    """One try as a result records it."""
    return TryOutcome(
        trajectory=trajectory,
        status=status,
        patch_sha256=key.patch_sha256,
        problem=feedback.problem if feedback else None,
        test_output=feedback.test_output if feedback else None,
        usage=spent.usage,
        cost_usd=spent.cost_usd,
        model_seconds=spent.model_seconds,
        eval_seconds=spent.eval_seconds,
    )


class StoredTries:
    """The tries of a stored result that a rerun may still reuse, in order."""

    def __init__(self, stored: TaskResult | None, task_hash: str, image_id: str) -> None:
        same = (
            stored is not None
            and stored.key.task_hash == task_hash
            and stored.key.image_id == image_id
            and stored.key.harness_version == HARNESS_VERSION
        )
        self.stored = stored if same else None
        self.tries = tries_of(stored) if stored is not None and same else ()
        self._broken = False

    def match(self, number: int, key: ResultKey, proposal: Proposal) -> TryOutcome | None:
        """The stored try `number` (from 1) when this try proposed the same patch after the same
        earlier tries, and its grade is not one to recompute; else None, and no later try
        matches either. A reply without a usable edit is never matched: it is cheap to grade."""
        found = self.tries[number - 1] if not self._broken and number <= len(self.tries) else None
        if (
            found is None
            or found.patch_sha256 != key.patch_sha256
            or found.status in RETRIED_STATUSES
            or proposal.format_error is not None
        ):
            self._broken = True
            return None
        return found

    def whole(self, number: int) -> TaskResult | None:
        """The stored result itself, when try `number` (matched) was its last and it is not a
        failure to recompute: what this attempt would make again."""
        stored = self.stored
        if stored is None or self._broken or number != len(self.tries):
            return None
        return stored if stored.status not in RETRIED_STATUSES else None


def tries_of(result: TaskResult) -> tuple[TryOutcome, ...]:
    """A result's tries; a result made with one try is one, from its own fields (its feedback
    not computed: it was never needed)."""
    if result.tries:
        return result.tries
    spent = Spent(result.usage, result.cost_usd, result.model_seconds, result.eval_seconds)
    return (try_outcome(result.status, result.key, spent, None, result.trajectory),)


def stored_feedback(outcome: TryOutcome) -> Feedback | None:
    """The feedback a stored try was given, when it was computed (None: compute it)."""
    if outcome.problem is None or outcome.test_output is None:
        # an empty or malformed reply has no test output, but its feedback costs no sandbox
        return None
    return Feedback(outcome.problem, outcome.test_output)
