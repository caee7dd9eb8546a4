"""Context recall: the share of the lines a fix must edit that the prompt shows, per budget.

Two corpora:

- core: every built-in task; each gold hunk counts, covered when its removed lines (for a pure
  insertion, the line it follows) are shown in the prompt, whole file or excerpt;
- real: public libraries from the package index (sdists, downloaded once into `--cache`, never
  committed), 20 functions each drawn with a fixed seed; the "fix site" is the middle three lines
  of the function's body, and the instruction is either `named` (it names the function, as most
  issues do) or `described` (its docstring's first sentence, the name taken out, as an issue that
  only describes the symptom).

    .venv/bin/python benchmarks/context_recall.py [--budgets 8000,24000,64000] [--cache DIR]

Target (issue 15): >= 90% at 24K tokens on repositories up to 1M characters.
"""

from __future__ import annotations

import argparse
import ast
import random
import re
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from unidiff import Hunk, PatchSet

from codebench.models.base import TaskView
from codebench.models.formats import EditFormat
from codebench.models.prompt import build_prompt
from codebench.tasks import load_suite
from codebench.tasks.loader import read_texts

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ("more-itertools==11.2.1", "toolz==1.2.0", "boltons==26.2.0", "click==8.5.1")
LIBRARIES += ("pyparsing==3.3.3",)
PER_LIBRARY = 20
SEED = 14


@dataclass(frozen=True)
class Case:
    """One instruction on one tree, and the lines of each file its fix must edit."""

    corpus: str
    instruction: str
    repo_dir: Path
    sites: tuple[tuple[str, frozenset[int]], ...]


def gold_sites(patch: str) -> Iterator[tuple[str, frozenset[int]]]:
    """(old path, old lines) of each hunk of a patch: its removed lines, or for an insertion
    the line it follows (the first line for one at the top); new files are left out."""
    for patched in PatchSet(patch):
        if patched.is_added_file:
            continue
        for hunk in patched:
            removed = {line.source_line_no for line in hunk if line.is_removed}
            yield patched.path, frozenset(n for n in removed if n) or {_anchor(hunk)}


def _anchor(hunk: Hunk) -> int:
    """The old line the hunk's first insertion follows (at least 1)."""
    seen = hunk.source_start - 1
    for line in hunk:
        if line.is_added:
            break
        seen = line.source_line_no or seen
    return max(1, seen)


def core_cases() -> list[Case]:
    """Every built-in task, with its gold patch's hunks."""
    return [
        Case("core", t.spec.instruction, t.repo_dir, tuple(gold_sites(t.gold_patch)))
        for t in load_suite("core", ROOT / "tasks")
    ]


def library_trees(cache: Path) -> list[Path]:
    """Each library's unpacked sdist (downloaded into `cache` once)."""
    cache.mkdir(parents=True, exist_ok=True)
    trees = []
    for spec in LIBRARIES:
        name, version = spec.split("==")
        unpacked = cache / f"{name}-{version}"
        if not unpacked.is_dir():
            pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
            subprocess.run([*pip, "-q", "-d", str(cache), spec], check=True)
            stem = name.replace("-", "_")
            archive = next(p for p in cache.glob("*.tar.gz") if p.name.lower().startswith(stem))
            with tarfile.open(archive) as tar:
                tar.extractall(cache / "unpacking", filter="data")
            next((cache / "unpacking").iterdir()).rename(unpacked)
        trees.append(unpacked)
    return trees


def real_cases(tree: Path, rng: random.Random) -> list[Case]:
    """Up to `PER_LIBRARY` functions of one library, as a named and a described case each."""
    candidates = []
    for path, text in sorted(read_texts(tree).items()):
        if not path.endswith(".py") or "test" in path or "/docs/" in f"/{path}":
            continue
        try:
            module = ast.parse(text)
        except SyntaxError:
            continue
        candidates += [(path, node) for node in ast.walk(module) if _fixable(node)]
    cases = []
    for path, node in rng.sample(candidates, min(PER_LIBRARY, len(candidates))):
        assert isinstance(node, ast.FunctionDef)
        body = node.body[1:]  # the docstring left out
        first, last = body[0].lineno, body[-1].end_lineno or body[-1].lineno
        middle = (first + last) // 2
        site = ((path, frozenset(range(max(first, middle - 1), min(last, middle + 1) + 1))),)
        sentence = _first_sentence(ast.get_docstring(node) or "")
        named = f"`{node.name}` does not do what its documentation says: {sentence}"
        described = re.sub(rf"\b{re.escape(node.name)}\b", "it", sentence)
        cases.append(Case(f"{tree.name} named", named, tree, site))
        cases.append(Case(f"{tree.name} described", described, tree, site))
    return cases


def _fixable(node: ast.AST) -> bool:
    """A public function with a docstring of a sentence or more and a body of 3+ lines."""
    if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
        return False
    doc = ast.get_docstring(node) or ""
    if len(_first_sentence(doc).split()) < 5 or len(node.body) < 2:
        return False
    first, last = node.body[1].lineno, node.body[-1].end_lineno or node.body[-1].lineno
    return last - first >= 2


def _first_sentence(doc: str) -> str:
    return " ".join(doc.strip().split("\n\n")[0].split()).split(". ")[0].rstrip(".") + "."


def covered(case: Case, budget_tokens: int) -> tuple[int, int, int]:
    """(sites covered, sites, prompt characters) of one case at one budget."""
    files = read_texts(case.repo_dir)
    view = TaskView("recall", case.instruction, case.repo_dir)
    prompt = build_prompt(view, EditFormat.SEARCH_REPLACE, budget_tokens, files=files)
    shown = {s.path: s for s in getattr(prompt, "shown", ())}
    hits = 0
    for path, lines in case.sites:
        if path in shown:
            total = files[path].count("\n") + 1
            hits += lines <= shown[path].lines(total)
        elif path in prompt.files and not shown:  # an older prompt: files shown whole
            hits += 1
    return hits, len(case.sites), len(prompt.user)


def main() -> None:
    """Print the recall table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", default="8000,24000,64000")
    parser.add_argument("--cache", type=Path, default=ROOT / ".codebench-cache" / "sdists")
    args = parser.parse_args()
    budgets = [int(b) for b in args.budgets.split(",")]
    rng = random.Random(SEED)
    cases = core_cases()
    trees = library_trees(args.cache)
    for tree in trees:
        cases += real_cases(tree, rng)
    sizes = {t.name: sum(len(x) for x in read_texts(t).values()) for t in trees}
    print("tree sizes (characters): " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    print(f"{'corpus':34} {'sites':>5} " + " ".join(f"{b // 1000:>4}K" for b in budgets))
    corpora: dict[str, list[Case]] = {}
    for case in cases:
        corpora.setdefault(case.corpus, []).append(case)
    overall = {b: [0, 0] for b in budgets}
    for corpus, group in corpora.items():
        row = []
        for budget in budgets:
            hits = total = 0
            for case in group:
                h, n, _ = covered(case, budget)
                hits, total = hits + h, total + n
            overall[budget][0] += hits if corpus != "core" else 0
            overall[budget][1] += total if corpus != "core" else 0
            row.append(f"{100 * hits / max(total, 1):4.0f}%")
        sites = sum(len(c.sites) for c in group)
        print(f"{corpus:34} {sites:>5} " + " ".join(row))
    real = " ".join(f"{100 * h / max(n, 1):4.0f}%" for h, n in overall.values())
    print(f"{'all real libraries':34} {overall[budgets[0]][1]:>5} {real}")


if __name__ == "__main__":
    main()
