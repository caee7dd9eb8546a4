"""Analysing an attempt's applied patch; a failure here never loses the graded result.

Analysis is CPU-bound Python. In a run it goes to one worker process, so that it never holds
the GIL the sandbox threads need to talk to the engine; that process keeps the per-repository
caches for the whole run. Anything wrong with the process falls back to analysing in-thread.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from codebench.analysis import (
    ANALYSIS_VERSION,
    AnalysisFailure,
    EditAnalysis,
    RepoTree,
    analyze,
    prepare_snapshot,
)
from codebench.lru import BoundedCache
from codebench.results import TaskResult
from codebench.tasks import Scope, Task

CACHED_TREES = 8  # starting trees kept by the worker: each holds every text of a repository
_trees: BoundedCache[tuple[Path, str], RepoTree] = BoundedCache(CACHED_TREES)
_lock = threading.Lock()
_pool: Executor | None = None


def _tree(repo_dir: Path, content_hash: str) -> RepoTree:
    key = (repo_dir, content_hash)
    tree = _trees.get(key)
    if tree is None:
        tree = RepoTree.from_dir(repo_dir)
        _trees.put(key, tree)
    return tree


def _prepare(repo_dir: Path, content_hash: str) -> None:
    """Everything of an analysis that depends on the starting tree alone, into the worker's
    caches (and the disk's): a cold repository costs its analysis most of its time."""
    try:
        prepare_snapshot(_tree(repo_dir, content_hash))
    except Exception:  # a failure here shows again, and is recorded, in the analysis itself
        return


def prefetch_analysis(task: Task) -> None:
    """Start on the task's starting tree in the worker process, while the sandbox grades the
    patch (nothing without a worker: in-thread analysis would only delay the grading)."""
    pool = _pool
    if pool is None:
        return
    with contextlib.suppress(BrokenProcessPool, RuntimeError, OSError):
        pool.submit(_prepare, task.repo_dir, task.content_hash)


def _analyse(
    repo_dir: Path, content_hash: str, patch: str, gold: str, scope: Scope
) -> EditAnalysis | AnalysisFailure:
    try:
        return analyze(_tree(repo_dir, content_hash), patch, gold, scope)
    except Exception as exc:  # any analyzer bug must cost the metric, never the result
        return AnalysisFailure.of(exc)


def _warm() -> None:
    """Nothing: submitting it starts the worker process and its imports early."""
    import codebench.analysis.analyze  # noqa: F401


PARENT_POLL_SECONDS = 1.0


def _exit_with_parent(parent_pid: int) -> None:
    """In the worker: exit as soon as the process that started it is gone. After a SIGKILL
    of codebench the worker (and multiprocessing's resource tracker, which waits for it)
    otherwise lived on for good."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def start_analysis_process() -> None:
    """Analyse in a worker process from now on (until `stop_analysis_process`)."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
            _pool.submit(_warm)  # start it and its imports now, while the first sandbox runs


def stop_analysis_process() -> None:
    """Back to in-thread analysis; the worker process exits."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def analyse_patch(task: Task, effective_patch: str) -> EditAnalysis | AnalysisFailure | None:
    """The patch's analysis, why analysing it failed, or None when there is nothing to analyse
    (the patch is empty)."""
    if not effective_patch.strip():
        return None
    args = (task.repo_dir, task.content_hash, effective_patch, task.gold_patch, task.scope)
    pool = _pool
    if pool is not None:
        try:
            return pool.submit(_analyse, *args).result()
        except (BrokenProcessPool, RuntimeError, OSError):
            pass  # the worker died or the pool is shutting down: analyse here instead
    return _analyse(*args)


def needs_analysis(result: TaskResult) -> bool:
    """A stored result whose applied patch was never analysed by this analyzer version: no
    analysis, an analysis of another version, or a failure of another version (a failure
    of this version is kept, not retried on every run)."""
    if not result.effective_patch.strip():
        return False
    if result.analysis_failure is not None:
        return result.analysis_failure.analysis_version != ANALYSIS_VERSION
    return result.analysis is None or result.analysis.analysis_version != ANALYSIS_VERSION


def with_analysis(task: Task, result: TaskResult) -> TaskResult:
    """The result with its analysis (re)computed from its stored applied patch; a failed
    analysis is recorded as the result's `analysis_failure`, its graded status kept."""
    outcome = analyse_patch(task, result.effective_patch)
    analysis = outcome if isinstance(outcome, EditAnalysis) else None
    failure = outcome if isinstance(outcome, AnalysisFailure) else None
    return result.model_copy(update={"analysis": analysis, "analysis_failure": failure})
