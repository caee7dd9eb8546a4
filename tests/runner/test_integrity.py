"""Patches that game the grader, each paired with a wrong solution (div(x, 0) still raises
ZeroDivisionError), on both backends: each ends as integrity_violation with its evidence, or as
malformed_patch where the patch itself is not allowed. Never resolved, never silently unresolved.

The patches are tests/fixtures/attacks/*.patch. Before the integrity checks (commit b365a96),
`evaluate_patch` graded them (Docker / local):

    plugin_entry_point          resolved / unresolved   (autoload was on in Docker only)
    gitignored_conftest         resolved / resolved     (git add -A never saw conftest.py)
    gitattributes_binary        unresolved, stored patch "Binary files differ"
    quoted_git_path             unresolved, written into .git by patch --fuzz
    symlink_leading_zero        unresolved, symlink created
    symlink_two_spaces          unresolved, symlink created
    atexit_strips_junit         resolved / resolved
    wrapped_from_item_and_call  resolved / resolved
    noop_runtest                resolved / resolved
    noop_append_failure         resolved / resolved
    gc_hook_wrapper             resolved / resolved
    forked_forger               resolved / resolved     (a forged report after the marker)
    stack_oracle                resolved / resolved
    reads_hidden_tests          resolved / unresolved   (/codebench held the hidden tests)

Found by our red team against the first version of these checks (all resolved, no finding):

    sealer_shadow_signal        a signal.py at the root loaded into the sealer's python3 -c
    usersite_usercustomize      a usercustomize.py written at run time loaded into the sealer
    stray_zombie                a helper whose main thread exited looked like a zombie
    toxini_cr_plugin            `[tox]\r[pytest]` hid a pytest section from the config check

Found in session 8 (resolved / resolved, no finding, on both backends):

    forged_sealed_file          an obfuscated helper wrote a passing report where the sealer's
                                file goes, then killed the shell: the harness read the file
                                whenever one was there, so the sealer never had to run
"""

from __future__ import annotations

import pytest

from codebench.grading import IntegrityRule
from codebench.results import Evaluation, Status
from codebench.runner import SandboxSettings, evaluate_patch
from codebench.tasks import Task
from tests.conftest import ROOT

ATTACKS = ROOT / "tests" / "fixtures" / "attacks"

CAUGHT = {
    "plugin_entry_point": IntegrityRule.PLUGIN_METADATA,
    "gitignored_conftest": IntegrityRule.HIDDEN_FROM_GIT,
    "gitattributes_binary": IntegrityRule.HIDDEN_FROM_GIT,
    "atexit_strips_junit": IntegrityRule.CANARY,
    "wrapped_from_item_and_call": IntegrityRule.CANARY,
    "noop_runtest": IntegrityRule.CANARY,
    "noop_append_failure": IntegrityRule.CANARY,
    "gc_hook_wrapper": IntegrityRule.CANARY,
    "forked_forger": IntegrityRule.STRAY_PROCESS,
    "stack_oracle": IntegrityRule.GRADER_CODE,
    "reads_hidden_tests": IntegrityRule.GRADER_CODE,
    "sealer_shadow_signal": IntegrityRule.SHADOWED_MODULE,
    "usersite_usercustomize": IntegrityRule.GRADER_CODE,
    "stray_zombie": IntegrityRule.STRAY_PROCESS,
    "forged_sealed_file": IntegrityRule.REPORT_CHANNEL,
}
# Caught by another rule when the machine is slow: the forger's child rewrites the report one
# second after pytest exits; a sealer that starts later than that finds no stray, and the
# rewritten report then passes the canary test that must fail (seen at a load of 8 on 2 cores).
ALSO_CAUGHT = {"forked_forger": {IntegrityRule.CANARY}}
MALFORMED = ("quoted_git_path", "symlink_leading_zero", "symlink_two_spaces")


def attack(name: str, task: Task, settings: SandboxSettings) -> Evaluation:
    # bytes, not read_text(): universal newlines would turn a lone \r into \n
    return evaluate_patch(task, (ATTACKS / f"{name}.patch").read_bytes().decode(), settings)


@pytest.mark.parametrize("name", sorted(CAUGHT))
def test_grader_tricks_are_integrity_violations(
    name: str, sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    """Regression: each of these was graded resolved (or silently unresolved) before the
    integrity checks; see the module docstring for what each did."""
    evaluation = attack(name, mini_tasks["mini-div-zero"], sandbox_settings)
    assert evaluation.status is Status.INTEGRITY_VIOLATION, evaluation.reason
    rules = {f.rule for f in evaluation.integrity}
    assert CAUGHT[name] in rules or rules & ALSO_CAUGHT.get(name, set()), evaluation.integrity
    assert evaluation.reason and "integrity:" in evaluation.reason


@pytest.mark.parametrize("name", MALFORMED)
def test_patches_into_git_or_with_symlinks_are_malformed(
    name: str, sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    """Regression: a C-quoted `\\056git` path and symlink modes written `0120000` or with two
    spaces passed the parse check; patch --fuzz then wrote into .git or made the symlink."""
    evaluation = attack(name, mini_tasks["mini-div-zero"], sandbox_settings)
    assert evaluation.status is Status.MALFORMED_PATCH, evaluation.reason


def test_evidence_names_the_file_and_the_change_stays_visible(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    """Regression: `.gitattributes` with `*.py -diff` made the stored patch "Binary files
    differ" (file recall 0); a .gitignore'd conftest.py was missing from the stored patch."""
    task = mini_tasks["mini-div-zero"]
    binary = attack("gitattributes_binary", task, sandbox_settings)
    assert "Binary files" not in binary.effective_patch
    assert "+    return a / b if b else 0" in binary.effective_patch
    assert [f.path for f in binary.integrity] == [".gitattributes"]
    hidden = attack("gitignored_conftest", task, sandbox_settings)
    assert "+++ b/conftest.py" in hidden.effective_patch
    assert "conftest.py" in hidden.tampered_paths  # and reverted before the tests ran
    assert {f.path for f in hidden.integrity} == {"conftest.py"}


def test_a_pytest_section_behind_a_carriage_return_is_reverted(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    """Regression (red team): `tox.ini` = `[tox]\r[pytest]\naddopts = -p calc._extras` read
    as unchanged pytest settings, so the plugin it named marked failures passed. Now the edit
    is seen, recorded and reverted, and the wrong fix is graded as it is."""
    evaluation = attack("toxini_cr_plugin", mini_tasks["mini-div-zero"], sandbox_settings)
    assert evaluation.status is not Status.RESOLVED
    assert "tox.ini" in evaluation.tampered_paths


def test_a_wrong_patch_without_tricks_stays_unresolved(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    """No false alarm: a plain wrong fix is unresolved, with no integrity finding."""
    task = mini_tasks["mini-div-zero"]
    wrong = (ATTACKS / "gitattributes_binary.patch").read_text()
    wrong = wrong[wrong.index("diff --git a/calc/ops.py") :]
    evaluation = evaluate_patch(task, wrong, sandbox_settings)
    assert evaluation.status is Status.UNRESOLVED, evaluation.reason
    assert evaluation.integrity == ()


def test_the_canary_does_not_fire_on_the_starting_tree_or_gold(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    for task in mini_tasks.values():
        base = evaluate_patch(task, "", sandbox_settings, grade_empty=True)
        assert base.integrity == () and base.status is Status.UNRESOLVED, base.reason
        gold = evaluate_patch(task, task.gold_patch, sandbox_settings)
        assert gold.integrity == () and gold.status is Status.RESOLVED, gold.reason
