"""The apply chain in a real sandbox: which step applies what, and a clean tree on failure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from codebench.patching import (
    AppliedPatch,
    ApplyFailure,
    ApplyStep,
    ParsedPatch,
    apply_patch,
    find_tampering,
    parse_patch,
    revert_paths,
)
from codebench.runner import SandboxSettings
from codebench.sandbox import Sandbox, open_sandbox
from codebench.tasks import Task


@pytest.fixture
def box(sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]) -> Iterator[Sandbox]:
    task = mini_tasks["mini-div-zero"]
    image = sandbox_settings.image_for(task)
    with open_sandbox(
        sandbox_settings.backend, task.repo_dir, image, sandbox_settings.limits
    ) as sandbox:
        yield sandbox


def parsed(text: str) -> ParsedPatch:
    result = parse_patch(text)
    assert isinstance(result, ParsedPatch), result
    return result


def test_clean_patch_applies_with_git_apply(box: Sandbox, mini_tasks: dict[str, Task]) -> None:
    gold = mini_tasks["mini-div-zero"].gold_patch
    applied = apply_patch(box, parsed(gold))
    assert isinstance(applied, AppliedPatch)
    assert (applied.step, applied.changed_paths) == (ApplyStep.GIT_APPLY, ("calc/ops.py",))
    assert applied.effective_diff.split("@@", 1)[1] == gold.split("@@", 1)[1]
    assert b"raise CalcError" in box.read_file("calc/ops.py")


# A context line that no longer matches (the model misremembered it): git apply refuses, and with
# no matching blob 3-way cannot help, but patch's fuzz finds the place.
FUZZY = "\n".join(
    [
        "--- a/calc/ops.py",
        "+++ b/calc/ops.py",
        "@@ -10,6 +10,8 @@",
        " ",
        " ",
        " def div(a, b):",
        "+    if b == 0:",
        '+        raise CalcError("division by zero")',
        "     return a / b",
        " ",
        " # this comment is not in the file",
        "",
    ]
)


def test_fuzzy_patch_falls_back_to_patch_fuzz(box: Sandbox) -> None:
    applied = apply_patch(box, parsed(FUZZY))
    assert isinstance(applied, AppliedPatch)
    assert (applied.step, applied.changed_paths) == (ApplyStep.PATCH_FUZZ, ("calc/ops.py",))
    # the change as applied: its context is the file's real text, not the patch's
    assert "# this comment is not in the file" not in applied.effective_diff
    assert '+        raise CalcError("division by zero")' in applied.effective_diff
    source = box.read_file("calc/ops.py").decode()
    assert 'raise CalcError("division by zero")' in source
    assert box.sh("ls calc").stdout.split() == [
        "__init__.py",
        "errors.py",
        "format.py",
        "ops.py",
        "report.py",
    ]


UNAPPLIABLE = """\
--- a/calc/ops.py
+++ b/calc/ops.py
@@ -1,2 +1,2 @@
-this line is not in the file
+neither was this
 nor this one
"""


def test_unappliable_patch_fails_and_leaves_a_clean_tree(box: Sandbox) -> None:
    failure = apply_patch(box, parsed(UNAPPLIABLE))
    assert isinstance(failure, ApplyFailure)
    assert "git apply" in failure.reason
    assert box.diff() == ""


TAMPER = """\
--- a/tests/test_ops.py
+++ b/tests/test_ops.py
@@ -2,7 +2,7 @@
 
 
 def test_add():
-    assert add(2, 3) == 5
+    assert True
 
 
 def test_mul():
--- /dev/null
+++ b/conftest.py
@@ -0,0 +1 @@
+import sys
--- a/calc/format.py
+++ b/calc/format.py
@@ -1,2 +1,2 @@
 def show(x):
-    return "%.2f" % x
+    return "%.3f" % x
"""


def test_tampering_is_found_and_reverted(box: Sandbox) -> None:
    applied = apply_patch(box, parsed(TAMPER))
    assert isinstance(applied, AppliedPatch)
    assert sorted(applied.changed_paths) == ["calc/format.py", "conftest.py", "tests/test_ops.py"]
    tampered = find_tampering(box, applied.changed_paths)
    assert sorted(tampered) == ["conftest.py", "tests/test_ops.py"]
    revert_paths(box, tampered)
    assert b"assert add(2, 3) == 5" in box.read_file("tests/test_ops.py")
    assert box.sh("test -e conftest.py").exit_code == 1
    assert b"%.3f" in box.read_file("calc/format.py")  # the real edit stays
    assert box.sh("git add -A && git diff --cached --name-only base").stdout == "calc/format.py\n"


PYPROJECT_TAMPER = """\
--- /dev/null
+++ b/pyproject.toml
@@ -0,0 +1,2 @@
+[tool.pytest.ini_options]
+addopts = "-k nothing"
"""


def test_new_pytest_config_in_pyproject_is_tampering(box: Sandbox) -> None:
    applied = apply_patch(box, parsed(PYPROJECT_TAMPER))
    assert isinstance(applied, AppliedPatch)
    assert find_tampering(box, applied.changed_paths) == ("pyproject.toml",)


def test_hidden_test_paths_are_protected_whatever_their_name(box: Sandbox) -> None:
    applied = apply_patch(box, parsed(PYPROJECT_TAMPER.replace("pyproject.toml", "checks/spec.py")))
    assert isinstance(applied, AppliedPatch)
    assert find_tampering(box, applied.changed_paths, hidden_test_paths=["checks/spec.py"]) == (
        "checks/spec.py",
    )


def test_a_patch_larger_than_the_output_clip_still_applies(box: Sandbox) -> None:
    """Regression: a correct patch of ~9 MB was `apply_failed` ("apply chain exited 0"): the
    chain's report came back through the command output, clipped at 8 MB, losing its marker."""
    from codebench.patching.render import render_diff

    lines = "".join(f"VALUE_{i} = {'x' * 80!r}\n" for i in range(90_000))  # about 9 MB
    applied = apply_patch(box, parsed(render_diff({}, {"calc/big.py": lines})))
    assert isinstance(applied, AppliedPatch), applied
    assert applied.step is ApplyStep.GIT_APPLY
    assert applied.changed_paths == ("calc/big.py",) == applied.added_paths
    assert len(applied.effective_diff) > 8_000_000


def test_the_report_comes_back_in_the_output_only_when_whole() -> None:
    """The printed copy is the `size` bytes before the trailer, whatever they hold (a line
    that looks like a trailer or a step marker included); clipped or decoded with
    replacement characters, it is not used (the file is read instead)."""
    from codebench.patching.apply import REPORT_TRAILER, STEP_MARKER, printed_report

    report = f"DIFF 40\n+{REPORT_TRAILER}3\n+{STEP_MARKER}x\n".encode()
    tail = f"\n{REPORT_TRAILER}{len(report)}\n{STEP_MARKER}git_apply\n"
    assert printed_report(report.decode() + tail) == report
    assert printed_report("noise before it\n" + report.decode() + tail) == report
    assert printed_report("[... clipped ...]\n" + report.decode()[5:] + tail) is None
    assert printed_report(report.decode().replace("DIFF", "D\ufffd") + tail) is None
    assert printed_report(report.decode() + tail.replace(REPORT_TRAILER, "OTHER ")) is None
    assert printed_report(f"\n{REPORT_TRAILER}0\n{STEP_MARKER}git_apply\n") == b""


def test_carried_files_are_written_byte_for_byte_before_the_patch_applies(box: Sandbox) -> None:
    """Files carried in the chain's environment land in the scratch folder exactly (quotes,
    backslashes, `%`, `$(...)` and trailing blank lines kept), the patch among them."""
    from codebench.patching import can_carry, patch_file

    patch = parsed(
        "--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -1,1 +1,2 @@\n+# carried\n"
        " from calc.errors import CalcError\n"
    )
    other = b"-n \\x41 %s %% $HOME `id` $(id) '\"\n\n\\\n\t trailing\n\n"
    carried = {"model.patch": patch.text.encode(), "other.patch": other}
    assert can_carry(carried)
    applied = apply_patch(box, patch, "model", staged=True, carried=carried)
    assert isinstance(applied, AppliedPatch), applied
    assert applied.changed_paths == ("calc/ops.py",)
    assert box.read_file(f"{box.scratch}/other.patch") == other
    assert box.read_file(patch_file(box, "model")) == patch.text.encode()


def test_only_small_utf8_files_without_nul_are_carried() -> None:
    from codebench.patching import can_carry
    from codebench.patching.apply import CARRIED_MAX_BYTES

    assert can_carry({"a.patch": b"x" * CARRIED_MAX_BYTES})
    assert not can_carry({"a.patch": b"x" * (CARRIED_MAX_BYTES + 1)})
    assert not can_carry({"a.patch": b"a\0b"})
    assert not can_carry({"a.patch": b"\xff\xfe"})
