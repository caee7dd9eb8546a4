"""Analysing an attempt's applied patch; a failure here never loses the graded result."""

from __future__ import annotations

import threading

from codebench.analysis import ANALYSIS_VERSION, EditAnalysis, RepoTree, analyze
from codebench.results import TaskResult
from codebench.tasks import Task

_trees: dict[str, RepoTree] = {}
_lock = threading.Lock()


def repo_tree(task: Task) -> RepoTree:
    """The task's starting tree, read once per run per content."""
    with _lock:
        tree = _trees.get(task.content_hash)
    if tree is None:
        tree = RepoTree.from_dir(task.repo_dir)
        with _lock:
            _trees[task.content_hash] = tree
    return tree


def analyse_patch(task: Task, effective_patch: str) -> tuple[EditAnalysis | None, str | None]:
    """(analysis, None), or (None, why) when there is nothing to analyse or analysis failed."""
    if not effective_patch.strip():
        return None, None
    try:
        analysis = analyze(repo_tree(task), effective_patch, task.gold_patch, task.scope)
    except Exception as exc:  # any analyzer bug must cost the metric, never the result
        return None, f"{type(exc).__name__}: {exc}"
    return analysis, None


def needs_analysis(result: TaskResult) -> bool:
    """A stored result whose applied patch was never analysed by this analyzer version."""
    if not result.effective_patch.strip() or result.analysis_error:
        return False
    return result.analysis is None or result.analysis.analysis_version != ANALYSIS_VERSION


def with_analysis(task: Task, result: TaskResult) -> TaskResult:
    """The result with its analysis (re)computed from its stored applied patch."""
    analysis, error = analyse_patch(task, result.effective_patch)
    return result.model_copy(update={"analysis": analysis, "analysis_error": error})
