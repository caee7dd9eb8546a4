"""The leaderboard page at scale: `write_page` for 20 models x 500 tasks (10,000 attempts, each
with its own page), and loading it in chromium, versus loading a plain page of the same size.

Results are generated in memory with `leaderboard_scale.make_result` (a patch of 12 files, a
reply, a test log, a dozen test outcomes, an analysis), statuses and categories varying with
the model and the task, each task with a gold patch and an instruction. Then:

- build: `build_leaderboard` (reported apart), then `write_page` with every attempt: the
  index, 10,000 attempt pages and metrics.html;
- load: chromium (Playwright, Debian's /usr/bin/chromium) opens index.html from disk until its
  `load` event, and then one attempt page; the baseline is a plain page of the same bytes (one
  `<pre>` of text, no script, no table) opened the same way, in the same browser, alternately;
- interact: sorting the 500-row matrix by a model column, filtering it by scope (in the page).

    cd benchmarks && ../.venv/bin/python page_scale.py [--models 20 --tasks 500 --rounds 5]

Targets: build in seconds (at most 10 s), load under 2 s.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from leaderboard_scale import PATCH, make_result

from codebench.report import build_leaderboard
from codebench.report.page import attempt_links, render_page, write_page
from codebench.report.page_inputs import Attempt, PageInputs, TaskInfo
from codebench.results import TaskResult
from codebench.tasks import Category

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
CATEGORIES = list(Category)


def results(models: int, tasks: int) -> list[TaskResult]:
    """One sample per (model, task), categories spread over the tasks."""
    made = []
    for m in range(models):
        for task in range(tasks):
            row = make_result(f"model-{m:02d}", task, 0)
            made.append(row.model_copy(update={"category": CATEGORIES[task % len(CATEGORIES)]}))
    return made


def infos(tasks: int) -> dict[str, TaskInfo]:
    return {
        f"task-{t:04d}": TaskInfo(
            f"task-{t:04d}",
            f"Task {t}",
            f"Handle None in f{t % 12}.\n" * 5,
            PATCH,
            f"repo-{t % 7}",
            f"2026-{t % 12 + 1:02d}-01",
        )
        for t in range(tasks)
    }


def plain_page(path: Path, size: int) -> Path:
    """A page of `size` bytes with nothing but text."""
    line = "plain text of the baseline page, no markup at all here\n"
    body = (line * (size // len(line) + 1))[: max(0, size - 60)]
    path.write_text(f"<!doctype html><html><body><pre>{body}</pre></body></html>\n")
    return path


def cpu_seconds() -> float:
    """User and system CPU of this process and its finished children."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def write_baseline(site: Path, into: Path) -> float:
    """Seconds to write files of the same names and sizes as the site's (the disk's share)."""
    files = [(p.relative_to(site), p.stat().st_size) for p in site.rglob("*") if p.is_file()]
    start = time.perf_counter()
    for name, size in files:
        (into / name).parent.mkdir(parents=True, exist_ok=True)
        (into / name).write_text("x" * size, encoding="utf-8")
    return time.perf_counter() - start


def load_seconds(page: object, path: Path) -> float:
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load")  # type: ignore[attr-defined]
    return time.perf_counter() - start


def browse(index: Path, attempt: Path, rounds: int) -> dict[str, list[float]]:
    """Load times of the page, an attempt and their plain baselines, alternately."""
    from playwright.sync_api import sync_playwright

    plain = plain_page(index.parent.parent / "plain.html", index.stat().st_size)
    plain_attempt = plain_page(index.parent.parent / "plain-attempt.html", attempt.stat().st_size)
    times: dict[str, list[float]] = {
        k: [] for k in ("index", "plain", "attempt", "plain-a", "sort", "filter")
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        load_seconds(page, plain)  # warm the browser up
        for _ in range(rounds):
            times["plain"].append(load_seconds(page, plain))
            times["index"].append(load_seconds(page, index))
            times["sort"].append(
                page.evaluate(
                    "() => { const t = performance.now(); "
                    "document.querySelector('#matrix th:nth-child(6)').click(); "
                    "return (performance.now() - t) / 1000; }"
                )
            )
            times["filter"].append(
                page.evaluate(
                    "() => { const t = performance.now(); const s = document.querySelector("
                    "'#filter-scope'); s.value = 'global'; s.dispatchEvent(new Event('change')); "
                    "return (performance.now() - t) / 1000; }"
                )
            )
            times["plain-a"].append(load_seconds(page, plain_attempt))
            times["attempt"].append(load_seconds(page, attempt))
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=20)
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows = results(args.models, args.tasks)
    start = time.perf_counter()
    board = build_leaderboard(rows, suite="scale")
    built_board = time.perf_counter() - start
    inputs = PageInputs(tuple(Attempt(r) for r in rows), infos(args.tasks))
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), cpu_seconds()
        index = write_page([board], Path(tmp) / "site", inputs=inputs)
        built, built_cpu = time.perf_counter() - start, cpu_seconds() - cpu
        start = time.perf_counter()
        render_page([board], None, inputs, attempt_links(inputs.attempts))
        index_only = time.perf_counter() - start
        size = sum(p.stat().st_size for p in index.parent.rglob("*"))
        files = len(list(index.parent.rglob("*")))
        written = write_baseline(index.parent, Path(tmp) / "baseline")
        print(
            f"{len(rows)} attempts: build_leaderboard {built_board:.2f} s; write_page "
            f"{built:.2f} s ({size / 2**20:.0f} MiB in {files} files; index.html "
            f"{index.stat().st_size / 2**20:.1f} MiB) vs writing the same files' bytes "
            f"{written:.2f} s (so rendering about {built - written:.2f} s); CPU of the build "
            f"{built_cpu:.2f} s (its forks included); index.html alone {index_only:.2f} s"
        )
        times = browse(index, index.parent / "attempts" / "0.html", args.rounds)
    median = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"load index.html {median['index']:.3f} s vs a plain page of its size "
        f"{median['plain']:.3f} s ({median['index'] / median['plain']:.1f}x); target < 2 s"
    )
    print(f"load an attempt {median['attempt']:.3f} s vs plain {median['plain-a']:.3f} s")
    print(
        f"sort the matrix by a model {median['sort']:.3f} s; filter it by scope "
        f"{median['filter']:.3f} s (medians of {args.rounds} rounds)"
    )


if __name__ == "__main__":
    main()
