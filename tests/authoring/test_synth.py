"""`tasks synth` on the fixture package: what is kept and how it is written, what is rejected
and why, resuming, determinism for a seed, the per-file cap, and one Docker run."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from codebench.authoring import (
    Reason,
    Rejection,
    SynthRequest,
    SynthSummary,
    synth,
    testruns,
    validate_task,
)
from codebench.authoring.corruptions import LOCAL_KINDS, Site
from codebench.authoring.synth import taking_turns
from codebench.authoring.synth_text import Wording
from codebench.errors import ConfigError
from codebench.runner import SandboxSettings
from codebench.sandbox import Backend
from codebench.tasks import Category, Corruption, Origin, Scope, Task, load_task
from codebench.tasks.loader import read_texts
from codebench.tasks.tree import tree_digest
from tests.conftest import GitHistory, quiet

LOCAL = SandboxSettings(Backend.LOCAL)
SHAPES = Path(__file__).resolve().parent.parent / "fixtures" / "synth" / "shapes"


def shapes_repo(root: Path) -> GitHistory:
    """The fixture package committed as one commit."""
    repo = GitHistory(root)
    files: dict[str, str | bytes | None] = dict(read_texts(SHAPES))
    repo.commit("shapes", files, "2024-06-01T12:00:00+00:00")
    return repo


@dataclass(frozen=True)
class Synthesized:
    repo: GitHistory
    suite_dir: Path
    summary: SynthSummary

    def kept(self, kind: Corruption, function: str) -> Task:
        for site, task in self.summary.kept:
            if (site.kind, site.function) == (kind, function):
                return load_task(task.task_dir)
        raise AssertionError(f"no kept {kind} in {function}: {self.summary.kept}")

    def rejection(self, kind: Corruption, path: str, function: str) -> list[Rejection]:
        return [
            r
            for s, r in self.summary.rejected
            if (s.kind, s.path, s.function) == (kind, path, function)
        ]


@pytest.fixture(scope="module")
def new_parameters(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """Only new parameters: in `every`, a rename of the same function takes its place."""
    root = tmp_path_factory.mktemp("synth")
    repo = shapes_repo(root / "shapes")
    suite = root / "tasks" / "synth"
    kinds = (Corruption.NEW_PARAMETER,)
    request = SynthRequest(repo.root, suite, count=100, kinds=kinds, per_file=100, workers=2)
    return Synthesized(repo, suite, synth(request, LOCAL, quiet()))


@pytest.fixture(scope="module")
def every(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """Every candidate of the fixture decided once, two at a time, no per-file cap."""
    root = tmp_path_factory.mktemp("synth")
    repo = shapes_repo(root / "shapes")
    suite = root / "tasks" / "synth"
    request = SynthRequest(repo.root, suite, count=100, per_file=100, workers=2)
    return Synthesized(repo, suite, synth(request, LOCAL, quiet()))


def test_a_kept_task_starts_corrupted_and_its_gold_restores_the_original(
    every: Synthesized, tmp_path: Path
) -> None:
    task = every.kept(Corruption.ARITHMETIC, "area")
    assert "return width // height" in (task.repo_dir / "shapes/geometry.py").read_text()
    assert (task.spec.origin, task.spec.corruption) == (Origin.SYNTH, Corruption.ARITHMETIC)
    assert task.spec.hidden_tests is False and task.tests_patch == ""
    assert task.scope is Scope.LOCAL
    assert set(task.spec.fail_to_pass) == {
        "tests/test_geometry.py::test_area",
        "tests/test_report.py::test_describe",
        "tests/test_summary.py::test_total",
    }
    assert "tests/test_geometry.py::test_clamp_inside" in task.spec.pass_to_pass
    restored = tmp_path / "restored"
    shutil.copytree(task.repo_dir, restored)
    subprocess.run(["git", "apply", "-"], cwd=restored, input=task.gold_patch.encode(), check=True)
    assert tree_digest(restored) == tree_digest(SHAPES)


def test_the_instruction_quotes_the_symptom_and_not_the_code(every: Synthesized) -> None:
    task = every.kept(Corruption.ARITHMETIC, "area")
    assert "`tests/test_geometry.py::test_area`" in task.spec.instruction
    assert "assert 0 == 12" in task.spec.instruction
    for hint in ("//", "width", "shapes/geometry.py", "area("):
        assert hint not in task.spec.instruction
    assert "TODO" not in task.spec.title + task.spec.instruction


def test_global_kinds_start_with_the_change_made_and_the_gold_is_the_follow_up(
    every: Synthesized, new_parameters: Synthesized
) -> None:
    """The starting tree has the API change (and tests that use the new API); the gold edits
    the two modules that use the old one."""
    for synthesized, kind, name, changed in (
        (every, Corruption.RENAMED_FUNCTION, "area", "def area_impl("),
        (new_parameters, Corruption.NEW_PARAMETER, "area", "def area(width, height, *, options):"),
    ):
        task = synthesized.kept(kind, name)
        assert task.scope is Scope.GLOBAL and task.spec.category is Category.RENAME_SIGNATURE
        assert changed in (task.repo_dir / "shapes/geometry.py").read_text()
        assert task.spec.context_files == ("shapes/geometry.py",)
        assert f"The function `{name}` of `shapes/geometry.py`" in task.spec.instruction
        assert gold_files(task) == ["shapes/report.py", "shapes/summary.py"]
        assert "tests/test_summary.py::test_total" in task.spec.fail_to_pass
    task = every.kept(Corruption.MOVED_CONSTANT, "UNIT")
    assert (task.repo_dir / "shapes/constants.py").read_text() == 'UNIT = "cm"\n'
    assert task.spec.context_files == ("shapes/constants.py", "shapes/units.py")
    assert gold_files(task) == ["shapes/report.py", "shapes/summary.py"]
    assert "moved from `shapes/units.py` to `shapes/constants.py`" in task.spec.instruction


def gold_files(task: Task) -> list[str]:
    return re.findall(r"^diff --git a/(\S+) ", task.gold_patch, re.MULTILINE)


def test_partial_follow_up_fails_every_global_task(
    every: Synthesized, new_parameters: Synthesized
) -> None:
    """`partial` (the gold's first file) must fail: the follow-up spans two files."""
    kept = [*every.summary.kept, *new_parameters.summary.kept]
    globals_ = [load_task(t.task_dir) for s, t in kept if s.kind.scope is Scope.GLOBAL]
    assert {t.spec.corruption for t in globals_} == {
        Corruption.RENAMED_FUNCTION,
        Corruption.NEW_PARAMETER,
        Corruption.MOVED_CONSTANT,
    }
    for task in globals_:
        first = "diff --git" + task.gold_patch.split("diff --git")[1]
        files = testruns.test_modules(read_texts(task.repo_dir))
        spec = task.spec
        tally = testruns.tally_patched(
            task.repo_dir, [first], files, spec.test_command, spec.image, LOCAL, 60
        )
        assert set(spec.fail_to_pass) - set(tally.passed), spec.id


def test_a_follow_up_the_tests_notice_in_one_file_only_is_rejected(
    every: Synthesized, new_parameters: Synthesized
) -> None:
    """`is_square` is used by report.py (tested) and untested.py (no test imports it): one
    file would make the tests pass, so the task would not be global."""
    for synthesized, kind in (
        (every, Corruption.RENAMED_FUNCTION),
        (new_parameters, Corruption.NEW_PARAMETER),
    ):
        (rejection,) = synthesized.rejection(kind, "shapes/geometry.py", "is_square")
        assert rejection == Rejection(
            Reason.SINGLE_FILE_FIX,
            "the tests notice 1 of the follow-up's 2 file(s) left out (shapes/report.py): "
            "at least 2 must matter",
        )


def test_a_follow_up_that_fails_the_tests_is_rejected(new_parameters: Synthesized) -> None:
    """report.py passes `perimeter` around uncalled: calls cannot follow a new parameter."""
    (rejection,) = new_parameters.rejection(
        Corruption.NEW_PARAMETER, "shapes/geometry.py", "perimeter"
    )
    assert rejection == Rejection(
        Reason.GOLD_FAILS, "tests/test_report.py::test_measures fail with the gold follow-up"
    )


def test_the_kept_tasks_validate(every: Synthesized, new_parameters: Synthesized) -> None:
    for synthesized, kind, function in (
        (every, Corruption.REMOVED_GUARD, "clamp"),
        (every, Corruption.RENAMED_FUNCTION, "area"),
        (every, Corruption.MOVED_CONSTANT, "UNIT"),
        (new_parameters, Corruption.NEW_PARAMETER, "area"),
    ):
        verdict = validate_task(synthesized.kept(kind, function), LOCAL, gold_runs=1)
        assert verdict.problems == ()


def test_a_corruption_no_test_detects_is_rejected(every: Synthesized) -> None:
    rejections = every.rejection(Corruption.ARITHMETIC, "shapes/untested.py", "double")
    assert rejections == [
        Rejection(
            Reason.UNDETECTED, "all 12 test(s) passing on the original pass on the corrupted tree"
        )
    ]


def test_a_local_corruption_that_only_breaks_imports_is_rejected(every: Synthesized) -> None:
    """`scale` runs when shapes.settings is imported: `==` -> `!=` makes it raise there, so the
    only failure is tests/test_settings.py failing to import."""
    rejections = every.rejection(Corruption.COMPARISON, "shapes/settings.py", "scale")
    assert rejections == [
        Rejection(
            Reason.IMPORT_CRASH, "only whole test modules fail, at import: tests/test_settings.py"
        )
    ]


def test_no_two_tasks_corrupt_one_line_and_no_test_file_is_corrupted(
    every: Synthesized,
) -> None:
    places = [site.place for site, _ in every.summary.kept]
    assert len(places) == len(set(places))
    assert any(r.reason is Reason.SAME_SITE for _, r in every.summary.rejected)
    for site, task in every.summary.kept:
        gold = (task.task_dir / "gold.patch").read_text()
        files = 1 if site.kind.scope is Scope.LOCAL else 2
        assert "tests/" not in gold and gold.count("diff --git") == files


def test_a_rerun_decides_nothing_anew(every: Synthesized) -> None:
    request = SynthRequest(every.repo.root, every.suite_dir, count=100, per_file=100)
    again = synth(request, LOCAL, quiet())
    assert again.baseline is None  # nothing new to run
    assert again.kept_before == len(every.summary.kept)
    final = [d for d in every.summary.decisions if not _replayed(d.outcome)]
    assert again.skipped == len(final)
    assert all(_replayed(d.outcome) for d in again.decisions)  # only crowded ones again


def _replayed(outcome: object) -> bool:
    """Rejections that depend on what else was kept are decided again by each run."""
    return isinstance(outcome, Rejection) and not outcome.reason.final


def suite_files(summary: SynthSummary) -> dict[str, str]:
    return {task.task_id: tree_digest(task.task_dir) for _, task in summary.kept}


def test_the_same_seed_gives_the_same_suite_whatever_the_workers(tmp_path: Path) -> None:
    repo = shapes_repo(tmp_path / "shapes")
    runs = {}
    for name, seed, workers in (("a", 7, 1), ("b", 7, 2), ("c", 8, 2)):
        request = SynthRequest(repo.root, tmp_path / name, count=3, seed=seed, workers=workers)
        runs[name] = suite_files(synth(request, LOCAL, quiet()))
    assert len(runs["a"]) == 3
    assert runs["a"] == runs["b"]
    assert runs["a"] != runs["c"]


def test_a_larger_count_later_ends_where_one_run_would(tmp_path: Path) -> None:
    """Resuming decides only new candidates, and lands on the suite a single run makes (local
    kinds: a global candidate costs several runs, and resuming is the same for every kind)."""
    repo = shapes_repo(tmp_path / "shapes")
    grown, kinds = tmp_path / "grown", tuple(k for k in Corruption if k in LOCAL_KINDS)
    first = synth(SynthRequest(repo.root, grown, count=2, kinds=kinds, workers=2), LOCAL, quiet())
    second = synth(SynthRequest(repo.root, grown, count=4, kinds=kinds, workers=2), LOCAL, quiet())
    assert (len(first.kept), second.kept_before, len(second.kept)) == (2, 2, 2)
    request = SynthRequest(repo.root, tmp_path / "once", count=4, kinds=kinds, workers=2)
    once = synth(request, LOCAL, quiet())
    assert suite_files(first) | suite_files(second) == suite_files(once)


def test_tasks_kept_earlier_count_even_when_the_order_reaches_them_late(tmp_path: Path) -> None:
    """more-itertools: a rerun with a larger --per-file tried candidates the first had left
    out, kept them, then replayed the first run's tasks too: 33 tasks for --count 32."""
    repo = shapes_repo(tmp_path / "shapes")
    suite = tmp_path / "s"
    synth(SynthRequest(repo.root, suite, count=2, per_file=1), LOCAL, quiet())
    again = synth(SynthRequest(repo.root, suite, count=3, per_file=3), LOCAL, quiet())
    assert again.kept_before == 2 and len(again.kept) == 1
    assert len(list(suite.glob("*/task.toml"))) == 3


def test_per_file_caps_the_tasks_of_a_file(tmp_path: Path) -> None:
    repo = shapes_repo(tmp_path / "shapes")
    request = SynthRequest(repo.root, tmp_path / "s", count=100, per_file=1, workers=2)
    summary = synth(request, LOCAL, quiet())
    per_file = Counter((site.kind.scope, site.path) for site, _ in summary.kept)
    assert set(per_file.values()) == {1}
    assert (Scope.LOCAL, "shapes/geometry.py") in per_file  # local and global counted apart
    assert (Scope.GLOBAL, "shapes/geometry.py") in per_file
    assert any(r.reason is Reason.FILE_CAP for _, r in summary.rejected)


def test_kinds_limit_the_candidates(tmp_path: Path) -> None:
    repo = shapes_repo(tmp_path / "shapes")
    request = SynthRequest(repo.root, tmp_path / "s", count=2, kinds=(Corruption.OFF_BY_ONE,))
    summary = synth(request, LOCAL, quiet())
    assert {s.kind for s in _sites(summary)} == {Corruption.OFF_BY_ONE}


def _sites(summary: SynthSummary) -> list[Site]:
    return [d.site for d in summary.decisions]


def test_tests_that_cannot_pass_on_the_original_stop_the_command(tmp_path: Path) -> None:
    repo = shapes_repo(tmp_path / "shapes")
    request = SynthRequest(repo.root, tmp_path / "s", test_command="python3 -m pytest -x --nope")
    with pytest.raises(ConfigError, match="pytest stopped with an error on the original tree"):
        synth(request, LOCAL, quiet())


def test_a_repository_without_tests_is_refused(tmp_path: Path) -> None:
    repo = GitHistory(tmp_path / "bare")
    repo.commit("start", {"m.py": "def f(a):\n    return a + 1\n"}, "2024-01-01T00:00:00+00:00")
    with pytest.raises(ConfigError, match="has no test modules"):
        synth(SynthRequest(repo.root, tmp_path / "s"), LOCAL, quiet())


def test_a_corruption_that_hangs_is_rejected_at_the_deadline(tmp_path: Path) -> None:
    repo = GitHistory(tmp_path / "spin")
    code = "def settle(n):\n    while n > 0:\n        n = n - 1\n    return n\n"
    test = "from spin import settle\n\n\ndef test_settle():\n    assert settle(2) == 0\n"
    files: dict[str, str | bytes | None] = {"spin/__init__.py": code, "tests/test_spin.py": test}
    repo.commit("spin", files, "2024-01-01T00:00:00+00:00")
    kinds = (Corruption.ARITHMETIC,)
    request = SynthRequest(repo.root, tmp_path / "s", kinds=kinds, timeout=3)
    (decision,) = synth(request, LOCAL, quiet()).decisions
    assert decision.outcome == Rejection(
        Reason.RUN_FAILED,
        "the tests timed out after 3 s on the corrupted tree (a test hangs, or the run needs "
        "more time: --timeout)",
    )


def test_kinds_take_turns_in_the_order() -> None:
    """Six local kinds have hundreds of sites where a global kind has a few: shuffled
    together, a 30-task suite of toolz had one global task."""
    sites = [Site(Corruption.CONSTANT, "m.py", "f", n, 0, "") for n in range(50)]
    sites += [Site(Corruption.RENAMED_FUNCTION, "m.py", "g", 99, 0, "")]
    order = taking_turns(sites, seed=3)
    assert order[1].kind is Corruption.RENAMED_FUNCTION
    assert sorted(s.key for s in order) == sorted(s.key for s in sites)
    assert order == taking_turns(list(reversed(sites)), seed=3)  # sorted first: the same order


def test_deleting_a_task_folder_frees_its_site(tmp_path: Path) -> None:
    """A task a person deleted (a bad instruction, a flaky test) was replayed as kept: the
    rerun made one task fewer than --count."""
    repo = shapes_repo(tmp_path / "shapes")
    suite = tmp_path / "s"
    first = synth(SynthRequest(repo.root, suite, count=2), LOCAL, quiet())
    shutil.rmtree(first.kept[0][1].task_dir)
    again = synth(SynthRequest(repo.root, suite, count=2), LOCAL, quiet())
    assert again.kept_before == 1
    assert [site for site, _ in again.kept] == [first.kept[0][0]]
    assert len(list(suite.glob("*/task.toml"))) == 2


def test_a_rewriter_words_the_instruction_and_must_keep_the_api_name(tmp_path: Path) -> None:
    """`--instruction-model`: the rewriter gets the template and the words to keep (the first
    failing test, and a global task's API name); what it returns is written."""
    seen: list[tuple[Wording, tuple[str, ...]]] = []

    def rewriter(template: Wording, keep: Sequence[str]) -> Wording:
        seen.append((template, tuple(keep)))
        return Wording("Reports break", f"Since the rename, {' and '.join(keep)} fail.", None)

    repo = shapes_repo(tmp_path / "shapes")
    kinds = (Corruption.RENAMED_FUNCTION,)
    request = SynthRequest(repo.root, tmp_path / "s", count=1, kinds=kinds, rewriter=rewriter)
    ((site, kept),) = synth(request, LOCAL, quiet()).kept
    task = load_task(kept.task_dir)
    ((template, keep),) = seen
    assert keep == (task.spec.fail_to_pass[0], site.function)
    assert template.instruction.startswith("The function `")
    assert (task.spec.title, task.spec.instruction.strip()) == (
        "Reports break",
        f"Since the rename, {keep[0]} and {site.function} fail.",
    )


def test_a_follow_up_of_fewer_than_two_files_is_rejected_before_any_run(tmp_path: Path) -> None:
    """toolz 0.12.1: `pipe`'s users only pass it around (no call gets the new argument), so
    the follow-up was empty and reported as a corruption that does not parse; `pluck`'s
    follow-up was one file, and leaving it out made an empty patch, reported as a patch that
    does not apply."""
    repo = GitHistory(tmp_path / "r")
    files: dict[str, str | bytes | None] = {
        "m.py": "def f(x):\n    return x + 1\n",
        "a.py": "from m import f\n\nSTEPS = (f,)\n",
        "b.py": "from m import f\n\n\ndef g():\n    return f(1)\n",
        "tests/test_m.py": "from m import f\n\n\ndef test_f():\n    assert f(1) == 2\n",
    }
    repo.commit("r", files, "2024-01-01T00:00:00+00:00")
    request = SynthRequest(repo.root, tmp_path / "s", kinds=(Corruption.NEW_PARAMETER,))
    summary = synth(request, LOCAL, quiet())
    assert [r for _, r in summary.rejected] == [
        Rejection(
            Reason.SINGLE_FILE_FIX, "the follow-up edits 1 file(s) (b.py): a fix in one would do"
        )
    ]
    assert summary.baseline is None  # nothing ran
