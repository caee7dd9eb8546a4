"""Prompt building against repository size: `build_prompt` per model call, as a ratio to
reading the tree (`read_texts`, which every call does anyway), measured in the same run.

For repositories of 2k, 20k, 100k and 300k generated lines (`synthetic_repo.py`), the
instruction names one module, so the context is that module with its imports and importers.
The first call of a process reads every file's outline; later calls (the same tree, another
sample or model) reuse them.

    .venv/bin/python benchmarks/prompt_scale.py [--sizes 2000,20000,100000,300000] [--rounds 3]

Target: at most 0.3 s per call at 300k lines, once the process has seen the tree.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from synthetic_repo import write_repo

from codebench.models.base import TaskView
from codebench.models.formats import EditFormat
from codebench.models.prompt import build_prompt
from codebench.tasks.loader import read_texts

BUDGET_TOKENS = 24_000  # ModelConfig.context_tokens' default


def seconds(work: object) -> float:
    """Seconds one call of `work` takes."""
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - start


def measure(lines: int, rounds: int) -> None:
    """Print the figures for one size."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        files = write_repo(root, lines)
        view = TaskView("t", "Fix the cap in pkg0/mod1.py: total_2 must not exceed it.", root)

        def call() -> None:
            build_prompt(view, EditFormat.SEARCH_REPLACE, BUDGET_TOKENS)

        first = seconds(call)
        reads, calls = [], []
        for _ in range(rounds):
            reads.append(seconds(lambda: read_texts(root)))
            calls.append(seconds(call))
        read, warm = statistics.median(reads), statistics.median(calls)
        prompt = build_prompt(view, EditFormat.SEARCH_REPLACE, BUDGET_TOKENS)
        print(
            f"{lines:>7} lines {len(files):>5} files | read {read * 1000:7.1f} ms | "
            f"first call {first * 1000:7.1f} ms | later calls {warm * 1000:7.1f} ms "
            f"({warm / read:.2f}x read) | prompt {len(prompt.user) // 1000}k chars, "
            f"{len(prompt.files)} files"
        )


def main() -> None:
    """Measure every size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000,100000,300000")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        measure(size, args.rounds)


if __name__ == "__main__":
    main()
