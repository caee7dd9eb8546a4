"""Analyzer speed: analysing a patch versus a bare `libcst.parse_module` of the files it changes
(before and after) plus the files that import them.

For every core task, the model patch is `gold+style` (gold plus a flaw) scored against the
gold. Before each timed analysis every per-text cache is dropped and the task's gold patch is
analysed once, as an earlier sample of a run would have been: the starting tree's files are
then known to the analyzer, and the model patch's files are new to it. Both sides are timed in
the same run, interleaved, and compared as a ratio of medians. The first pass, with nothing
cached (per-repository work included), is reported apart.

    .venv/bin/python benchmarks/analyzer_speed.py [--rounds 5]

Target: at most 2x the parse time.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import libcst

from codebench.analysis import RepoTree, analyze
from codebench.analysis.diffs import FileDiff, file_diffs
from codebench.analysis.names import ModulePath, forget_texts
from codebench.analysis.parsing import parse_ast
from codebench.models import TaskView, get_model
from codebench.tasks import load_suite

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Case:
    repo: RepoTree
    patch: str
    gold: str
    parsed: list[str]  # the baseline: changed files before and after, and their importers
    changed: int  # how many of `parsed` are the changed files (the stricter baseline)


def imported_modules(path: str, text: str) -> set[str]:
    """Every module a file's imports may name, relative imports made absolute."""
    try:
        tree = parse_ast(text)
    except (SyntaxError, ValueError):
        return set()
    package = ModulePath.of(path).package.split(".") if ModulePath.of(path).package else []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def baseline_texts(repo: RepoTree, diffs: list[FileDiff]) -> list[str]:
    """The changed files before and after, then every other Python file importing one."""
    texts = [t for d in diffs for t in (d.old, d.new) if t]
    changed = {d.path for d in diffs}
    modules = {ModulePath.of(d.path).name for d in diffs if d.is_python}
    for path, text in dict(repo.python_sources()).items():
        if path not in changed and imported_modules(path, text) & modules:
            texts.append(text)
    return texts


def load_cases() -> list[Case]:
    tasks = load_suite("core", ROOT / "tasks")
    model = get_model("gold+style", {t.id: t.gold_patch for t in tasks})
    cases = []
    for task in tasks:
        patch = model.propose(TaskView(task.id, task.spec.instruction, task.repo_dir)).patch
        repo = RepoTree.from_dir(task.repo_dir)
        diffs = file_diffs(patch, repo.files.get)
        changed = sum(1 for d in diffs for t in (d.old, d.new) if t)
        cases.append(Case(repo, patch, task.gold_patch, baseline_texts(repo, diffs), changed))
    return cases


def parse_time(case: Case) -> tuple[float, float]:
    """Seconds to parse the whole baseline, and the part of it spent on the changed files."""
    start = time.perf_counter()
    for text in case.parsed[: case.changed]:
        libcst.parse_module(text)
    changed = time.perf_counter() - start
    for text in case.parsed[case.changed :]:
        libcst.parse_module(text)
    return time.perf_counter() - start, changed


def timed_analysis(case: Case) -> float:
    """Seconds to analyse the model patch, after an analysis of the gold from cold caches."""
    forget_texts()
    analyze(case.repo, case.gold, case.gold)
    start = time.perf_counter()
    analyze(case.repo, case.patch, case.gold)
    return time.perf_counter() - start


def main() -> None:
    """Time both sides per task, several rounds, and print the ratio of medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cases = load_cases()
    forget_texts()
    cold_start = time.perf_counter()
    for case in cases:
        analyze(case.repo, case.patch, case.gold)
    cold = time.perf_counter() - cold_start

    parse_rounds, changed_rounds, analyse_rounds = [], [], []
    for _ in range(args.rounds):
        times = [parse_time(case) for case in cases]
        parse_rounds.append(sum(whole for whole, _ in times))
        changed_rounds.append(sum(changed for _, changed in times))
        analyse_rounds.append(sum(timed_analysis(case) for case in cases))

    parse, analyse = statistics.median(parse_rounds), statistics.median(analyse_rounds)
    changed_only = statistics.median(changed_rounds)
    n, files = len(cases), sum(len(c.parsed) for c in cases)
    print(f"{n} patches, median of {args.rounds} rounds")
    print(f"libcst.parse_module, changed files before+after and importers ({files} texts)")
    print(f"                                                  {parse / n * 1000:7.1f} ms/patch")
    print(f"analyze (after the gold, caches otherwise cold)   {analyse / n * 1000:7.1f} ms/patch")
    print(f"ratio {analyse / parse:.2f}x  (target <= 2x)")
    print(
        f"against the changed files alone ({changed_only / n * 1000:.1f} ms/patch): "
        f"{analyse / changed_only:.2f}x"
    )
    print(f"first pass, caches cold: {cold / n * 1000:.1f} ms/patch (includes per-repo work)")


if __name__ == "__main__":
    main()
