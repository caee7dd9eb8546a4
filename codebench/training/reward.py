"""The grader as a reward: a reply is parsed, applied and graded exactly as a run grades it
(same edit-format parsing, sandbox, integrity checks, analysis), and its outcome is scored.

    reward = clamp(base * (1 - churn_weight * churn - drift_weight * drift) - penalty, 0, 1)
    base   = 1 when resolved; else partial_credit * (share of FAIL_TO_PASS tests passed) when
             every PASS_TO_PASS test passed; else 0
    penalty = min(max_finding_penalty, finding_penalty * findings)   (only when base > 0)

An integrity violation scores `integrity_reward` (-1 by default), below every honest reply; a
reply with no usable edit, an empty patch or one that does not apply scores 0; a timeout 0. A
`sandbox_error` is not the reply's fault: its reward is None (retry it), and it is not cached.

Grades are cached by content key (the task's content hash, the patch's sha256, the image id,
the harness and analyzer versions: a run's result key), so the same reply is graded once and
always gets the same reward; the weights apply after the cache.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codebench import HARNESS_VERSION
from codebench.analysis import ANALYSIS_VERSION, EditAnalysis
from codebench.grading import TestStatus
from codebench.io import write_text_atomic
from codebench.lru import BoundedCache
from codebench.models.formats import EditFormat, FormatError, parse_reply
from codebench.patching import patch_sha256
from codebench.results import Evaluation, Status
from codebench.runner import SandboxSettings, evaluate_patch
from codebench.runner.analysis_step import analyse_patch
from codebench.sandbox import Backend
from codebench.tasks import Task
from codebench.tasks.loader import read_texts
from codebench.training.quality import finding_count

CACHED_GRADES = 4096


class RewardWeights(BaseModel):
    """How resolution and edit quality combine (module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    churn_weight: float = Field(default=0.5, ge=0)  # lambda: per unit of out-of-scope churn
    drift_weight: float = Field(default=0.25, ge=0)  # per unit of style drift
    finding_penalty: float = Field(default=0.05, ge=0)  # per analyzer finding
    max_finding_penalty: float = Field(default=0.5, ge=0)
    partial_credit: float = Field(default=0.25, ge=0, le=1)  # unresolved: x share of F2P passed
    integrity_reward: float = Field(default=-1.0, le=0)


class Grade(BaseModel):
    """What grading a patch found, as much as the reward reads (what the cache keeps)."""

    model_config = ConfigDict(frozen=True)

    status: Status
    reason: str | None = None
    fail_to_pass_passed: float = 0.0  # share of FAIL_TO_PASS tests that passed
    pass_to_pass_ok: bool = False  # every PASS_TO_PASS test passed
    out_of_scope_churn: float | None = None
    style_drift: float | None = None
    findings: int = 0


class Reward(BaseModel):
    """A reply's reward and why."""

    model_config = ConfigDict(frozen=True)

    task_id: str
    reward: float | None  # None: a sandbox failure, not the reply's: grade it again
    status: Status
    reason: str | None = None
    fail_to_pass_passed: float = 0.0
    out_of_scope_churn: float | None = None
    style_drift: float | None = None
    findings: int = 0
    key: str  # the content key the grade is cached under
    cached: bool = False


def score(grade: Grade, weights: RewardWeights) -> float | None:
    """The reward of a grade under `weights` (module docstring)."""
    if grade.status is Status.INTEGRITY_VIOLATION:
        return weights.integrity_reward
    if grade.status is Status.SANDBOX_ERROR:
        return None
    if grade.status is Status.RESOLVED:
        base = 1.0
    elif grade.status is Status.UNRESOLVED and grade.pass_to_pass_ok:
        base = weights.partial_credit * grade.fail_to_pass_passed
    else:
        base = 0.0
    if base <= 0:
        return 0.0
    quality = 1.0 - weights.churn_weight * (grade.out_of_scope_churn or 0.0)
    quality -= weights.drift_weight * (grade.style_drift or 0.0)
    penalty = min(weights.max_finding_penalty, weights.finding_penalty * grade.findings)
    return round(min(1.0, max(0.0, base * quality - penalty)), 6)


def grade_of(evaluation: Evaluation, analysis: EditAnalysis | None) -> Grade:
    """The reward's view of an evaluation and its analysis."""
    f2p = [t for t in evaluation.tests if t.fail_to_pass]
    p2p = [t for t in evaluation.tests if not t.fail_to_pass]
    passed = sum(t.status is TestStatus.PASSED for t in f2p)
    return Grade(
        status=evaluation.status,
        reason=evaluation.reason,
        fail_to_pass_passed=passed / len(f2p) if f2p else 0.0,
        pass_to_pass_ok=all(t.status is TestStatus.PASSED for t in p2p),
        out_of_scope_churn=analysis.out_of_scope_churn if analysis else None,
        style_drift=analysis.style_drift if analysis else None,
        findings=finding_count(analysis) if analysis else 0,
    )


class GradeCache:
    """Grades by content key: in memory (bounded), and in `directory` when given (one JSON
    file per key, written atomically; an unreadable one is graded again)."""

    def __init__(self, directory: Path | None = None, bound: int = CACHED_GRADES) -> None:
        self.directory = directory
        self._memory: BoundedCache[str, Grade] = BoundedCache(bound)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, key: str) -> threading.Lock:
        """The lock that makes one grading per key at a time (the others wait, then hit)."""
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def get(self, key: str) -> Grade | None:
        """The cached grade of `key`, or None."""
        found = self._memory.get(key)
        if found is not None or self.directory is None:
            return found
        try:
            found = Grade.model_validate_json((self.directory / f"{key}.json").read_bytes())
        except (OSError, ValidationError, ValueError):
            return None
        self._memory.put(key, found)
        return found

    def put(self, key: str, grade: Grade) -> None:
        """Keep a grade (never a sandbox failure's)."""
        self._memory.put(key, grade)
        if self.directory is not None:
            write_text_atomic(self.directory / f"{key}.json", grade.model_dump_json())


def content_key(task: Task, patch: str, image_id: str) -> str:
    """The grade's key: as a run's `ResultKey` (task content, patch, image, harness), plus the
    analyzer version, which the edit-quality part depends on."""
    parts = [task.content_hash, patch_sha256(patch), image_id, HARNESS_VERSION, ANALYSIS_VERSION]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


@dataclass
class RewardGrader:
    """Grades replies for rewards with one set of sandbox settings, weights and cache."""

    settings: SandboxSettings
    weights: RewardWeights = field(default_factory=RewardWeights)
    edit_format: EditFormat = EditFormat.UDIFF
    cache: GradeCache | None = None

    def __post_init__(self) -> None:
        if self.cache is None:
            self.cache = GradeCache()

    def reward(self, task: Task, reply: str) -> Reward:
        """The reply's reward: parsed in `edit_format` against the starting tree, graded in a
        fresh sandbox (or from the cache), analysed, scored."""
        assert self.cache is not None
        outcome = parse_reply(self.edit_format, reply, read_texts(task.repo_dir))
        if isinstance(outcome, FormatError):
            key = content_key(task, "\0malformed\0" + reply, self.settings.image_for(task))
            grade = Grade(status=Status.MALFORMED_PATCH, reason=str(outcome))
            return self._reward(task, key, grade, cached=False)
        key = content_key(task, outcome.patch, self.settings.image_for(task))
        with self.cache.lock(key):
            cached = self.cache.get(key)
            if cached is not None:
                return self._reward(task, key, cached, cached=True)
            evaluation = evaluate_patch(task, outcome.patch, self.settings)
            found = analyse_patch(task, evaluation.effective_patch)
            grade = grade_of(evaluation, found if isinstance(found, EditAnalysis) else None)
            if grade.status is not Status.SANDBOX_ERROR:
                self.cache.put(key, grade)
        return self._reward(task, key, grade, cached=False)

    def _reward(self, task: Task, key: str, grade: Grade, cached: bool) -> Reward:
        return Reward(
            task_id=task.id,
            reward=score(grade, self.weights),
            status=grade.status,
            reason=grade.reason,
            fail_to_pass_passed=grade.fail_to_pass_passed,
            out_of_scope_churn=grade.out_of_scope_churn,
            style_drift=grade.style_drift,
            findings=grade.findings,
            key=key,
            cached=cached,
        )


_default: dict[str, RewardGrader] = {}
_default_lock = threading.Lock()


def default_grader(task: Task) -> RewardGrader:
    """A Docker grader with the task's image prepared (built if needed), shared per image."""
    from codebench.paths import default_sandboxes_root
    from codebench.sandbox.image import prepare_images

    with _default_lock:
        image = task.spec.image
        if image not in _default:
            images = prepare_images({image}, default_sandboxes_root(), lambda _: None)
            _default[image] = RewardGrader(SandboxSettings(Backend.DOCKER, images))
        return _default[image]


def reward(
    task: Task,
    reply: str,
    *,
    settings: SandboxSettings | None = None,
    weights: RewardWeights | None = None,
    edit_format: EditFormat = EditFormat.UDIFF,
    cache: GradeCache | None = None,
) -> Reward:
    """Grade `reply` to `task` exactly as a run would and score it (module docstring).

    Without `settings`, in Docker (the task's image built if needed), cached in this process.

    Raises:
        SandboxError: the task's image cannot be prepared (no engine, a failed build).
    """
    if settings is None and cache is None:
        base = default_grader(task)
        grader = RewardGrader(base.settings, weights or RewardWeights(), edit_format, base.cache)
    else:
        grader = RewardGrader(
            settings or default_grader(task).settings,
            weights or RewardWeights(),
            edit_format,
            cache,
        )
    return grader.reward(task, reply)
