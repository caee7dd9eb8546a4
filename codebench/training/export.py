"""`export()`: graded runs as SFT, preference or RFT JSONL, split by task, with a manifest.

Which attempts are used (README, "Training data and rewards"): a result of a task whose
content changed since the run, of an agent or of several tries (its prompt holds turns that are
not stored), or an infrastructure failure is left out, counted by why in the manifest. A
reference model wrote no reply: its patch in a ```diff block is its reply, and its prompt is the
udiff one.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel

from codebench import HARNESS_VERSION, __version__
from codebench.errors import TrainingDataError
from codebench.io import write_text_atomic
from codebench.models import ModelOptions
from codebench.models.config import ModelConfig
from codebench.models.formats import EditFormat
from codebench.results import INFRA_STATUSES, Status, TaskResult
from codebench.tasks import Task
from codebench.tasks.loader import read_texts
from codebench.training.prompts import (
    check_no_leak,
    check_round_trip,
    prompt_messages,
    secret_lines,
    synthetic_reply,
)
from codebench.training.quality import edit_order, is_clean
from codebench.training.records import (
    ChatMessage,
    ExportFormat,
    Filters,
    Manifest,
    PreferenceInput,
    PreferenceRecord,
    PreferenceStyle,
    RftRecord,
    SftRecord,
    SplitCounts,
    TrlPreferenceRecord,
)
from codebench.training.sources import Sources, model_options, read_sources
from codebench.training.split import TRAIN, VALIDATION, validation_tasks

# an honest attempt that did not solve the task: a preference pair's rejected side
REJECTED_STATUSES = frozenset(
    {
        Status.UNRESOLVED,
        Status.EMPTY_PATCH,
        Status.MALFORMED_PATCH,
        Status.APPLY_FAILED,
        Status.INTEGRITY_VIOLATION,
    }
)


@dataclass(frozen=True)
class ExportSettings:
    """What to export and how."""

    format: ExportFormat
    out: Path
    style: PreferenceStyle = "openai"  # preference only
    filters: Filters = field(default_factory=Filters)
    seed: int = 0
    validation_fraction: float = 0.1
    max_pairs_per_task: int = 4
    suite: str | None = None  # None: the one each run's leaderboard names
    tasks_root: Path = Path("tasks")
    config: Path | None = None  # codebench.toml the runs' models were configured with
    rft_edit_format: EditFormat | None = None  # None: the runs' --edit-format, else udiff


@dataclass(frozen=True)
class ExportOutcome:
    """The manifest and where each file went."""

    manifest: Manifest
    paths: dict[str, Path]  # split or "manifest" -> path


@dataclass(frozen=True)
class _Attempt:
    """A result usable as training data: its task, prompt and reply."""

    task: Task
    result: TaskResult
    messages: tuple[ChatMessage, ...]
    reply: str
    synthetic: bool
    clean: bool


class _Context:
    """The tasks' starting trees and secret lines, read once per task."""

    def __init__(self, sources: Sources, options: ModelOptions) -> None:
        self.sources, self.options = sources, options
        self._files: dict[str, dict[str, str]] = {}
        self._secrets: dict[str, set[str]] = {}

    def files(self, task: Task) -> dict[str, str]:
        if task.id not in self._files:
            self._files[task.id] = read_texts(task.repo_dir)
        return self._files[task.id]

    def messages(self, task: Task, config: ModelConfig) -> tuple[ChatMessage, ...]:
        """The prompt, checked for leaks (raises `TrainingDataError` naming the task)."""
        messages = prompt_messages(task, config, self.files(task))
        if task.id not in self._secrets:
            self._secrets[task.id] = secret_lines(task, self.files(task))
        check_no_leak(task, messages, self._secrets[task.id])
        return tuple(messages)


def export(settings: ExportSettings, run_dirs: Sequence[Path]) -> ExportOutcome:
    """Write the export of `run_dirs` to `settings.out` (train), `<stem>.validation<suffix>`
    and `<stem>.manifest.json`.

    Raises:
        TrainingDataError: a prompt would leak a hidden-test or gold line (naming the task), a
            result names a task the suite lacks, or nothing is left to export.
        ResultStoreError: a run holds no results or damaged ones (each listed).
        ConfigError, TaskError: the configuration or the suite cannot be read.
    """
    sources = read_sources(run_dirs, settings.suite, settings.tasks_root)
    edit_formats = {run.edit_format for run in sources.runs}
    run_format = next(iter(edit_formats)) if len(edit_formats) == 1 else None
    context = _Context(sources, model_options(settings.config, run_format))
    left_out: dict[str, int] = defaultdict(int)
    if settings.format == "rft":
        fmt = settings.rft_edit_format or run_format or EditFormat.UDIFF
        records = _rft(sources, context, fmt)
        attempts: list[_Attempt] = []
    else:
        attempts = _attempts(sources, context, settings.filters, left_out)
        if settings.format == "sft":
            records = _sft(attempts, left_out)
        else:
            records = _preference(attempts, settings, left_out)
    if not records:
        raise TrainingDataError(
            f"nothing to export as {settings.format} from {', '.join(map(str, run_dirs))}: "
            f"left out {dict(left_out) or 'none'}; loosen the filters or add runs"
        )
    return _write(settings, sources, run_dirs, records, left_out, attempts)


def _attempts(
    sources: Sources, context: _Context, filters: Filters, left_out: dict[str, int]
) -> list[_Attempt]:
    """Every result usable as training data; the others counted in `left_out` by why."""
    usable = []
    for result in sources.results:
        task = sources.tasks[result.task_id]
        why = _unusable(result, task)
        if why is not None:
            left_out[why] += 1
            continue
        synthetic = not result.reply
        config = context.options.model_config(result.model)
        if synthetic:
            config = config.model_copy(update={"edit_format": EditFormat.UDIFF})
            reply = synthetic_reply(result.patch)
            check_round_trip(task, reply, result.patch, context.files(task))
        else:
            reply = result.reply
        messages = context.messages(task, config)
        clean = result.status is Status.RESOLVED and is_clean(result.analysis, filters)
        usable.append(_Attempt(task, result, messages, reply, synthetic, clean))
    return usable


def _unusable(result: TaskResult, task: Task) -> str | None:
    """Why a result cannot be training data, or None."""
    if result.status in INFRA_STATUSES or result.status is Status.NOT_SUBMITTED:
        return "infrastructure failure or not submitted"
    if result.key.task_hash != task.content_hash:
        return "task changed since the run"
    if result.trajectory is not None:
        return "agent attempt (its prompt is a trajectory)"
    if len(result.tries) > 1:
        return "several tries (earlier turns are not stored)"
    if not result.reply and not result.patch.strip():
        return "no reply and no patch (e.g. noop)"
    return None


def _by_task(attempts: list[_Attempt]) -> dict[str, list[_Attempt]]:
    grouped: dict[str, list[_Attempt]] = defaultdict(list)
    for attempt in attempts:
        grouped[attempt.task.id].append(attempt)
    return dict(sorted(grouped.items()))


def _best(attempts: list[_Attempt]) -> _Attempt | None:
    clean = [a for a in attempts if a.clean]
    return min(clean, key=lambda a: edit_order(a.result.analysis)) if clean else None


def _sft(attempts: list[_Attempt], left_out: dict[str, int]) -> list[tuple[str, BaseModel]]:
    """One line per task: its cleanest resolved attempt."""
    records: list[tuple[str, BaseModel]] = []
    for task_id, group in _by_task(attempts).items():
        best = _best(group)
        clean = sum(attempt.clean for attempt in group)
        left_out["not resolved cleanly"] += len(group) - clean
        if clean > 1:
            left_out["a cleaner attempt of the same task was kept"] += clean - 1
        if best is not None:
            reply = ChatMessage(role="assistant", content=best.reply)
            records.append((task_id, SftRecord(messages=[*best.messages, reply])))
    return records


def _preference(
    attempts: list[_Attempt], settings: ExportSettings, left_out: dict[str, int]
) -> list[tuple[str, BaseModel]]:
    """Per task, its cleanest resolved reply against each distinct reply that failed or
    over-edited, to the same prompt (at most `max_pairs_per_task`)."""
    records: list[tuple[str, BaseModel]] = []
    for task_id, group in _by_task(attempts).items():
        best = _best(group)
        if best is None:
            left_out["preference: task without a clean resolved reply"] += len(group)
            continue
        seen = {best.reply}
        pairs = 0
        for other in group:
            rejected = other.result.status in REJECTED_STATUSES or (
                other.result.status is Status.RESOLVED and not other.clean
            )
            if not rejected or other.reply in seen or other.messages != best.messages:
                continue
            if pairs >= settings.max_pairs_per_task:
                left_out["preference: over max_pairs_per_task"] += 1
                continue
            seen.add(other.reply)
            pairs += 1
            records.append((task_id, _pair(best, other, settings.style)))
    return records


def _pair(chosen: _Attempt, rejected: _Attempt, style: PreferenceStyle) -> BaseModel:
    good = [ChatMessage(role="assistant", content=chosen.reply)]
    bad = [ChatMessage(role="assistant", content=rejected.reply)]
    if style == "trl":
        return TrlPreferenceRecord(prompt=list(chosen.messages), chosen=good, rejected=bad)
    return PreferenceRecord(
        input=PreferenceInput(messages=list(chosen.messages)),
        preferred_output=good,
        non_preferred_output=bad,
    )


def _rft(sources: Sources, context: _Context, fmt: EditFormat) -> list[tuple[str, BaseModel]]:
    """One prompt per task the runs attempted, with its grading references."""
    task_ids = sorted({result.task_id for result in sources.results})
    records: list[tuple[str, BaseModel]] = []
    for task_id in task_ids:
        task = sources.tasks[task_id]
        messages = context.messages(task, ModelConfig(edit_format=fmt))
        record = RftRecord(
            messages=list(messages),
            task_id=task.id,
            suite=sources.suite,
            task_hash=task.content_hash,
            edit_format=fmt.value,
            scope=task.scope.value,
            fail_to_pass=list(task.spec.fail_to_pass),
            pass_to_pass=list(task.spec.pass_to_pass),
        )
        records.append((task_id, record))
    return records


def split_paths(out: Path) -> dict[str, Path]:
    """Where the train and validation files and the manifest of an export to `out` go."""
    suffix = out.suffix or ".jsonl"
    return {
        TRAIN: out,
        VALIDATION: out.with_name(f"{out.stem}.validation{suffix}"),
        "manifest": out.with_name(f"{out.stem}.manifest.json"),
    }


def _write(
    settings: ExportSettings,
    sources: Sources,
    run_dirs: Sequence[Path],
    records: list[tuple[str, BaseModel]],
    left_out: dict[str, int],
    attempts: list[_Attempt],
) -> ExportOutcome:
    task_ids = {task_id for task_id, _ in records}
    held_out = validation_tasks(task_ids, settings.seed, settings.validation_fraction)
    lines: dict[str, list[str]] = {TRAIN: [], VALIDATION: []}
    tasks: dict[str, set[str]] = {TRAIN: set(), VALIDATION: set()}
    for task_id, record in records:
        split = VALIDATION if task_id in held_out else TRAIN
        lines[split].append(record.model_dump_json())
        tasks[split].add(task_id)
    paths = split_paths(settings.out)
    for split in (TRAIN, VALIDATION):
        write_text_atomic(paths[split], "".join(line + "\n" for line in lines[split]))
    hashes = sorted((task_id, sources.tasks[task_id].content_hash) for task_id in task_ids)
    manifest = Manifest(
        format=settings.format,
        style=settings.style if settings.format == "preference" else None,
        created_at=datetime.now(UTC),
        codebench_version=__version__,
        harness_version=HARNESS_VERSION,
        source_runs=[str(run_dir) for run_dir in run_dirs],
        suite=sources.suite,
        suite_hash=hashlib.sha256(repr(hashes).encode()).hexdigest(),
        filters=settings.filters,
        seed=settings.seed,
        validation_fraction=settings.validation_fraction,
        files={split: paths[split].name for split in (TRAIN, VALIDATION)},
        counts={s: SplitCounts(records=len(lines[s]), tasks=len(tasks[s])) for s in lines},
        results_read=len(sources.results),
        left_out={why: count for why, count in sorted(left_out.items()) if count},
        synthetic_replies=sum(a.synthetic for a in attempts),
    )
    write_text_atomic(paths["manifest"], manifest.model_dump_json(indent=2) + "\n")
    return ExportOutcome(manifest, paths)
