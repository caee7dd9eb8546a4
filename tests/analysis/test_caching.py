"""Per-file and per-snapshot caching (issue 14): a snapshot one file apart recomputes that file
only, every cache is bounded, and the per-tree results are the fold of the per-file ones."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from codebench.analysis import RepoTree, analyze, repo
from codebench.analysis.crossfile import (
    FILE_SHAPES,
    HELPER_MIN_NODES,
    _function_shapes,
    _is_helper,
    _shape,
)
from codebench.analysis.facts import facts
from codebench.analysis.repo import BoundedCache, PerFileKind, forget_repositories
from codebench.analysis.style import (
    FILE_STYLE,
    LINE_LENGTH_FLOOR,
    LONG_LINE,
    ConventionProfile,
    observations,
    repo_profile,
)
from codebench.patching.render import render_diff

ROOT = Path(__file__).resolve().parents[2]


def module(index: int) -> str:
    return (
        f'"""Module {index}."""\n\nimport os\n\nLIMIT = {index}\n\n\n'
        f"def helper_{index}(items, limit):\n"
        "    total = 0\n"
        "    for item in items:\n"
        "        if item > limit:\n"
        "            break\n"
        f"        total += item * {index + 2} + len(os.sep)\n"
        "    return total\n\n\n"
        f"class Box{index}:\n    def size(self):\n        return 'box'\n"
    )


FILES = {f"pkg/mod{i}.py": module(i) for i in range(5)} | {
    "pkg/__init__.py": "",
    "tests/test_mod.py": "def test_x():\n    assert True\n",
}


@pytest.fixture(autouse=True)
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CODEBENCH_CACHE_DIR", str(tmp_path / "cache"))  # nothing on disk yet
    forget_repositories()
    yield
    forget_repositories()


def count_per_file_calls(
    monkeypatch: pytest.MonkeyPatch, on_disk: bool = True
) -> dict[str, list[str]]:
    """The texts each per-file kind is computed for, from now on (`on_disk=False`: kept in
    memory only)."""
    seen: dict[str, list[str]] = {FILE_STYLE: [], FILE_SHAPES: []}
    for kind, texts in seen.items():
        spec = repo._per_file_kinds[kind]

        def counting(known, compute=spec.compute, texts=texts):  # type: ignore[no-untyped-def]
            texts.append(known.source)
            return compute(known)

        counted = PerFileKind(kind, spec.applies, counting, spec.codec if on_disk else None)
        monkeypatch.setitem(repo._per_file_kinds, kind, counted)
    return seen


def test_a_snapshot_one_file_apart_recomputes_only_that_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = count_per_file_calls(monkeypatch)
    helper = "\n\ndef added(values, bound):\n    kept = [v for v in values if v < bound]\n" + (
        "    return sum(kept) + len(kept) * 2\n"
    )
    patched = {**FILES, "pkg/mod0.py": FILES["pkg/mod0.py"] + helper}
    patch = render_diff(FILES, patched)
    first = analyze(RepoTree(FILES), patch, patch)
    assert sorted(calls[FILE_STYLE]) == sorted(t for p, t in FILES.items() if p.startswith("pkg/"))
    assert sorted(calls[FILE_SHAPES]) == sorted(FILES.values())

    changed = FILES["pkg/mod3.py"].replace("total = 0", "total = 1")
    following = {**FILES, "pkg/mod3.py": changed}
    calls[FILE_STYLE].clear()
    calls[FILE_SHAPES].clear()
    second = analyze(RepoTree(following), patch, patch)
    assert calls == {FILE_STYLE: [changed], FILE_SHAPES: [changed]}
    assert second.style_drift == first.style_drift

    calls[FILE_STYLE].clear()
    calls[FILE_SHAPES].clear()
    analyze(RepoTree(following), patch, patch)
    assert calls == {FILE_STYLE: [], FILE_SHAPES: []}  # warm: nothing recomputed


def test_function_shapes_wait_for_a_patch_that_adds_a_helper(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The repository's function shapes (a walk of every function of every file) serve only
    the reinvented-helper check: a patch adding no helper-sized function needs none."""
    calls = count_per_file_calls(monkeypatch)
    patched = {**FILES, "pkg/mod0.py": FILES["pkg/mod0.py"] + "\n\ndef added():\n    return 1\n"}
    analysis = analyze(RepoTree(FILES), render_diff(FILES, patched), render_diff(FILES, patched))
    assert calls[FILE_SHAPES] == []
    assert calls[FILE_STYLE]  # the style profile is still made
    assert analysis.reinvented_helpers == []


def test_a_bounded_cache_evicts_the_least_recently_used() -> None:
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # now the most recent
    cache.put("c", 3)
    assert len(cache) == 2
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (1, 3)


def test_per_tree_and_per_file_caches_are_bounded() -> None:
    computed: list[str] = []

    def compute(tree: RepoTree) -> list[str]:
        computed.append(tree.digest)
        return [tree.digest]

    trees = [RepoTree({"a.py": f"X = {i}\n"}) for i in range(repo.CACHED_TREE_RESULTS + 3)]
    for tree in trees:
        tree.cached("test-kind", compute)
    assert len(repo._cache) == repo.CACHED_TREE_RESULTS
    trees[-1].cached("test-kind", compute)
    assert len(computed) == len(trees)  # the latest is kept
    trees[0].cached("test-kind", compute)
    assert len(computed) == len(trees) + 1  # the oldest was evicted
    assert repo._file_cache.bound == repo.CACHED_FILE_SUMMARIES


def test_a_file_cache_past_its_bound_recomputes_evicted_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(repo, "_file_cache", BoundedCache(4))
    calls = count_per_file_calls(monkeypatch, on_disk=False)
    tree = RepoTree({f"m{i}.py": f"X_{i} = {i}\n" for i in range(3)})
    tree.per_file(FILE_STYLE)
    tree.per_file(FILE_SHAPES)
    assert len(repo._file_cache) == 4  # 3 files x 2 kinds, bounded to 4
    tree.per_file(FILE_STYLE)
    assert len(calls[FILE_STYLE]) > 3  # evicted files were computed again


def old_profile(tree: RepoTree) -> dict[str, ConventionProfile]:
    """The profile as computed before per-file caching: one pass over every file."""
    counts: dict[str, Counter[str]] = {}
    lengths: list[int] = []
    for source in tree.python_sources(include_tests=False).values():
        for convention, value in observations(source):
            counts.setdefault(convention, Counter())[value] += 1
        lengths.extend(len(line) for line in source.splitlines() if line.strip())
    profile = {}
    for convention, counter in counts.items():
        value, top = counter.most_common(1)[0]
        total = sum(counter.values())
        profile[convention] = ConventionProfile(
            convention=convention,
            dominant=value,
            consistency=round(top / total, 4),
            observations=total,
        )
    if lengths:
        ordered = sorted(lengths)
        profile[LONG_LINE] = ConventionProfile(
            convention=LONG_LINE,
            dominant=f"<= {max(ordered[-1], LINE_LENGTH_FLOOR)}",
            consistency=1.0,
            observations=len(lengths),
            note=f"p95 {ordered[math.ceil(0.95 * len(ordered)) - 1]}",
        )
    return profile


def old_shapes(tree: RepoTree) -> list[tuple[str, list[str]]]:
    shapes = []
    for path, text in tree.python_sources().items():
        for qualname, node in facts(text).definitions:
            shape = _shape(node) if _is_helper(node) else []
            if len(shape) >= HELPER_MIN_NODES:
                shapes.append((f"{path}::{qualname}", shape))
    return shapes


TIES = {  # one single- and one double-quoted string: the tie goes to the first seen
    "a.py": "A = 'x'\n",
    "b.py": 'B = "y"\n\n\ndef f(x):\n  return x\n',
    "broken.py": "def (:\n",
}


@pytest.mark.parametrize(
    "make",
    [
        lambda: RepoTree(FILES),
        lambda: RepoTree(TIES),
        *(
            (lambda name=name: RepoTree.from_dir(ROOT / "tasks" / "repos" / name))
            for name in sorted(p.name for p in (ROOT / "tasks" / "repos").iterdir() if p.is_dir())
        ),
    ],
)
def test_the_profile_and_shapes_of_a_tree_are_the_fold_of_its_files(
    make: Callable[[], RepoTree],
) -> None:
    tree = make()
    assert list(repo_profile(tree).items()) == list(old_profile(tree).items())
    assert _function_shapes(tree) == old_shapes(tree)


def test_a_new_process_reads_per_file_summaries_from_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14: a new process on a mined commit's snapshot recomputed every file, since only
    whole-tree results were kept on disk: now only the files it has not seen."""
    calls = count_per_file_calls(monkeypatch)
    RepoTree(FILES).per_file(FILE_STYLE)
    forget_repositories()  # what a new process starts with
    calls[FILE_STYLE].clear()
    changed = FILES["pkg/mod3.py"].replace("total = 0", "total = 2")
    profile = repo_profile(RepoTree({**FILES, "pkg/mod3.py": changed}))
    assert calls[FILE_STYLE] == [changed]
    assert profile == old_profile(RepoTree({**FILES, "pkg/mod3.py": changed}))


def test_a_damaged_summary_database_costs_time_not_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codebench.analysis import filestore

    database = filestore.database_path(repo.cache_dir())
    database.parent.mkdir(parents=True)
    database.write_bytes(b"this is not a database" * 100)
    expected = old_profile(RepoTree(FILES))
    assert repo_profile(RepoTree(FILES)) == expected
    assert database.with_suffix(".damaged").exists()  # set aside for a fresh start
    forget_repositories()
    calls = count_per_file_calls(monkeypatch)
    assert repo._per_file_kinds[FILE_STYLE].codec is not None
    RepoTree(FILES).per_file(FILE_STYLE)
    assert calls[FILE_STYLE] == []  # the first analysis wrote a fresh database


def test_a_stored_summary_that_does_not_decode_is_computed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sqlite3

    from codebench.analysis import filestore

    RepoTree(FILES).per_file(FILE_STYLE)
    database = filestore.database_path(repo.cache_dir())
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE summaries SET value = ?", (b"\x00garbage",))
    forget_repositories()
    calls = count_per_file_calls(monkeypatch)
    assert repo_profile(RepoTree(FILES)) == old_profile(RepoTree(FILES))
    assert len(calls[FILE_STYLE]) == 6  # every non-test Python file, pkg/__init__.py included


def test_an_unusable_cache_directory_costs_time_not_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory should be")
    monkeypatch.setenv("CODEBENCH_CACHE_DIR", str(blocked))
    assert repo_profile(RepoTree(FILES)) == old_profile(RepoTree(FILES))


def test_a_large_repository_profile_reads_a_stable_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14: the profile read every file, so a cold analysis grew with the repository
    (27 s at 300k lines); past `PROFILE_CHARS` it reads the files first by path hash, the
    same ones in the next snapshot, while the longest line is still the whole tree's."""
    from codebench.analysis import style

    many = {f"pkg/m{i}.py": module(i) for i in range(40)}
    monkeypatch.setattr(style, "PROFILE_CHARS", 10 * len(module(0)))
    calls = count_per_file_calls(monkeypatch)
    chosen = style.profile_files(RepoTree(many))
    assert 10 <= len(chosen) <= 11 and chosen == sorted(chosen, key=list(many).index)
    outside = next(p for p in many if p not in chosen)
    long_line = "X = " + "1 + " * 60 + "1\n"
    many[outside] += long_line
    assert style.profile_files(RepoTree(many)) == chosen
    profile = repo_profile(RepoTree(many))
    assert sorted(calls[FILE_STYLE]) == sorted(many[p] for p in chosen)
    assert profile[LONG_LINE].dominant == f"<= {len(long_line) - 1}"

    following = {**many, chosen[0]: many[chosen[0]] + "\nY = 2\n"}
    assert style.profile_files(RepoTree(following)) == chosen
    calls[FILE_STYLE].clear()
    repo_profile(RepoTree(following))
    assert calls[FILE_STYLE] == [following[chosen[0]]]

    monkeypatch.setattr(style, "PROFILE_CHARS", 10**9)
    assert style.profile_files(RepoTree(many)) == list(many)  # below the bound: every file
