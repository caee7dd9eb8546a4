"""Property: any gold patch scored against itself has precision 1 and churn 0."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codebench.analysis import RepoTree, analyze
from codebench.patching.render import render_diff
from codebench.tasks import load_suite
from tests.conftest import ROOT

CORE = load_suite("core", ROOT / "tasks")


@pytest.mark.parametrize("task", CORE, ids=[t.id for t in CORE])
def test_every_core_gold_patch_is_perfect_against_itself(task: object) -> None:
    from codebench.tasks import Task

    assert isinstance(task, Task)
    result = analyze(RepoTree.from_dir(task.repo_dir), task.gold_patch, task.gold_patch)
    assert (result.entity_precision, result.entity_recall) == (1.0, 1.0)
    assert (result.file_precision, result.file_recall) == (1.0, 1.0)
    assert (result.out_of_scope_churn, result.excess_edit_distance) == (0.0, 0.0)
    assert result.renamed_names == [] and result.docstring_comment_loss == []
    assert result.stale_call_sites == [] and result.undefined_names == []
    assert result.syntax_errors == []
    # the maintainers' own style: at most one slip (the worst core gold, an `import` form, 0.07)
    assert (result.style_drift or 0.0) < 0.1


FUNCTIONS = 6
BASE_MODULE = "".join(
    f"def f{i}(x):\n    y = x + {i}\n    return y * 2\n\n\n" for i in range(FUNCTIONS)
)
edits = st.lists(
    st.tuples(st.integers(0, FUNCTIONS - 1), st.sampled_from(["add", "change", "drop"])),
    min_size=1,
    max_size=4,
    unique_by=lambda e: e[0],
)


def apply_edits(source: str, chosen: list[tuple[int, str]]) -> str:
    for index, kind in chosen:
        line = f"    y = x + {index}\n"
        replacement = {
            "add": line + f"    y = y - {index}\n",
            "change": f"    y = x - {index}\n",
            "drop": "",
        }[kind]
        source = source.replace(line, replacement, 1)
    return source


@settings(max_examples=40, deadline=None)
@given(edits)
def test_any_generated_patch_is_perfect_against_itself(chosen: list[tuple[int, str]]) -> None:
    base = {"m.py": BASE_MODULE}
    patch = render_diff(base, {"m.py": apply_edits(BASE_MODULE, chosen)})
    result = analyze(RepoTree(base), patch, patch)
    assert result.entity_precision == 1.0
    assert result.out_of_scope_churn == 0.0
    assert result.entities_changed == sorted(f"m.py::f{i}" for i, _ in chosen)
