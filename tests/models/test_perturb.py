"""Perturbing reference models: each adds its one flaw, and the analyzer sees it."""

from __future__ import annotations

import ast
import io
import tokenize

import pytest

from codebench.analysis import RepoTree, analyze
from codebench.analysis.diffs import file_diffs
from codebench.models import TaskView, get_model
from codebench.models.layout import wrap_one_call
from codebench.models.perturb import reformat_one
from codebench.patching.render import render_diff
from codebench.results import Status
from codebench.runner import SandboxSettings, evaluate_patch
from codebench.sandbox import Backend
from codebench.tasks import Scope, Task, load_suite
from tests.conftest import ROOT

CORE = {t.id: t for t in load_suite("core", ROOT / "tasks")}
SAMPLE = ["stockroom-same-bin-transfer", "slugroute-rename-make-url", "reportgen-drop-justify"]
GOLD = {task_id: task.gold_patch for task_id, task in CORE.items()}


def proposal(spec: str, task: Task) -> str:
    return (
        get_model(spec, GOLD).propose(TaskView(task.id, task.spec.instruction, task.repo_dir)).patch
    )


@pytest.mark.parametrize("task_id", SAMPLE)
def test_each_flaw_moves_its_metric(task_id: str) -> None:
    task = CORE[task_id]
    repo = RepoTree.from_dir(task.repo_dir)

    def scored(spec: str) -> object:
        return analyze(repo, proposal(spec, task), task.gold_patch)

    reformat, rename, style = scored("gold+reformat"), scored("gold+rename"), scored("gold+style")
    gold = scored("gold")
    assert reformat.cosmetic_entities and not gold.cosmetic_entities  # type: ignore[attr-defined]
    assert reformat.out_of_scope_churn > 0 and reformat.entity_precision < 1  # type: ignore[attr-defined]
    assert rename.renamed_names and not gold.renamed_names  # type: ignore[attr-defined]
    assert style.style_drift > (gold.style_drift or 0)  # type: ignore[attr-defined]


def test_partial_keeps_only_the_first_file() -> None:
    task = CORE["slugroute-rename-make-url"]
    patch = proposal("partial", task)
    assert patch.count("diff --git") == 1
    result = analyze(RepoTree.from_dir(task.repo_dir), patch, task.gold_patch)
    assert result.file_recall is not None and result.file_recall < 1


@pytest.mark.parametrize("spec", ["gold+reformat", "gold+rename", "gold+style"])
@pytest.mark.parametrize("task_id", SAMPLE)
def test_perturbed_gold_still_resolves(spec: str, task_id: str) -> None:
    task = CORE[task_id]
    evaluation = evaluate_patch(task, proposal(spec, task), SandboxSettings(Backend.LOCAL, {}))
    assert evaluation.status is Status.RESOLVED, evaluation.reason


def test_partial_fails_a_global_task() -> None:
    task = CORE["slugroute-rename-make-url"]
    assert task.scope is Scope.GLOBAL
    evaluation = evaluate_patch(task, proposal("partial", task), SandboxSettings(Backend.LOCAL, {}))
    assert evaluation.status is Status.UNRESOLVED


BLACK = '''"""Prices."""

from decimal import Decimal

RATE = Decimal("0.2")


def net(amount: Decimal, rate: Decimal = RATE) -> Decimal:
    """The amount without tax."""
    return (amount / (1 + rate)).quantize(Decimal("0.01"))


def gross(amount: Decimal) -> Decimal:
    return amount * (1 + RATE)
'''
HAND = """def label(name,count):
    msg = f'{name!r}: {format(count, "d")}'
    total = sum(c for c in [count])
    parts = [ msg,
              str( total ) ]
    return ' '.join( parts )  # joined

def total(xs):
    return sum(xs)
"""
FIXTURES = {
    "black": (BLACK, "    return amount * (1 + RATE)\n", "    return amount * (2 + RATE)\n"),
    "hand": (HAND, "    return sum(xs)\n", "    return sum(xs) + 0\n"),
}


def string_tokens(source: str) -> list[str]:
    kinds = {tokenize.STRING, getattr(tokenize, "FSTRING_START", tokenize.STRING)}
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [t.string for t in tokens if t.type in kinds]


@pytest.mark.parametrize("style", sorted(FIXTURES))
def test_reformat_changes_layout_only(style: str) -> None:
    """Failed before on `black`: `ast.unparse` turned `"0.01"` into `'0.01'` (drift rose); on
    `hand` it skipped the commented function and reformatted nothing at all."""
    source, old, new = FIXTURES[style]
    base = {"pkg/__init__.py": "", "pkg/m.py": source}
    gold = {**base, "pkg/m.py": source.replace(old, new)}
    touched = {d.path: d.added for d in file_diffs(render_diff(base, gold), base.get)}
    result = reformat_one(base, {"pkg/m.py": gold["pkg/m.py"]}, touched)["pkg/m.py"]
    assert result != gold["pkg/m.py"]
    assert ast.dump(ast.parse(result)) == ast.dump(ast.parse(gold["pkg/m.py"]))
    assert string_tokens(result) == string_tokens(gold["pkg/m.py"])
    assert "# joined" in result or style == "black"
    repo, gold_patch = RepoTree(base), render_diff(base, gold)
    scored = analyze(repo, render_diff(base, {**base, "pkg/m.py": result}), gold_patch)
    reference = analyze(repo, gold_patch, gold_patch)
    assert scored.cosmetic_entities == [f"pkg/m.py::{'net' if style == 'black' else 'label'}"]
    assert scored.out_of_scope_churn > 0 and scored.entity_precision < 1
    assert scored.style_drift == reference.style_drift
    assert scored.renamed_names == [] and scored.docstring_comment_loss == []


def test_reformat_skips_fstring_and_lone_generator_calls() -> None:
    """The call inside an f-string and `sum(c for c in ...)` (a trailing comma after a bare
    generator is a SyntaxError) are passed over; the next call is exploded."""
    wrapped = wrap_one_call(HAND, frozenset(range(1, 7)))
    assert wrapped is not None
    assert "str(\n" in wrapped and 'format(count, "d")' in wrapped
    assert "sum(c for c in [count])" in wrapped
    assert wrap_one_call("def f(:\n", frozenset({1})) is None
    assert wrap_one_call("def f():\n    return g()\n", frozenset({1, 2})) is None
