"""The disk a Docker sandbox can fill is bounded: a read-only root, and size-capped tmpfs for
every folder it can write. Seen before: a patch wrote 3 GB into /workspace in 13 s, on the
host's disk."""

from __future__ import annotations

import pytest

from codebench.results import Status
from codebench.runner import SandboxSettings, evaluate_patch
from codebench.sandbox import Backend, ImageSet, Limits, open_sandbox
from codebench.tasks import Task

pytestmark = pytest.mark.docker
SMALL = Limits(workspace_size="8m", scratch_size="8m", tmp_size="8m", home_size="8m")


@pytest.fixture
def small_settings(docker_images: ImageSet) -> SandboxSettings:
    return SandboxSettings(Backend.DOCKER, docker_images, SMALL)


def test_every_writable_folder_stops_at_its_cap(
    small_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    """Broke: /workspace had no bound (the container's writable layer is on the host's disk)."""
    task = mini_tasks["mini-div-zero"]
    with open_sandbox(Backend.DOCKER, task.repo_dir, small_settings.image_for(task), SMALL) as box:
        for folder in (box.workdir, box.scratch, "/tmp", "$HOME"):
            result = box.sh(
                f"dd if=/dev/zero of={folder}/fill bs=1M count=32 2>&1; rm {folder}/fill"
            )
            assert "No space left on device" in result.stdout, (folder, result.stdout)
        # the tree still works after being filled and emptied
        assert box.sh("git status --porcelain").stdout == ""


@pytest.mark.parametrize("path", ["/fill", "/usr/local/fill", "/var/tmp/fill", "/etc/fill"])
def test_nothing_else_is_writable(
    small_settings: SandboxSettings, mini_tasks: dict[str, Task], path: str
) -> None:
    """Broke: /var/tmp (mode 1777) was on the container's writable layer, unbounded."""
    task = mini_tasks["mini-div-zero"]
    with open_sandbox(Backend.DOCKER, task.repo_dir, small_settings.image_for(task), SMALL) as box:
        result = box.sh(f"echo x > {path}")
        assert not result.ok
        assert "Read-only file system" in result.stderr


FILL_ON_IMPORT = """\
diff --git a/calc/ops.py b/calc/ops.py
--- a/calc/ops.py
+++ b/calc/ops.py
@@ -1,3 +1,10 @@
+try:
+    with open("/workspace/filler.bin", "wb") as _out:
+        for _ in range(64):
+            _out.write(bytes(1 << 20))
+except OSError:
+    pass
+
 from calc.errors import CalcError
 
 
"""


def test_filling_the_disk_is_a_sandbox_error_that_says_so(
    small_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    """Broke: a patch filling the disk was graded on whatever the tests managed to do, with no
    word of the limit (here: `unresolved`, its failures blamed on the patch's logic)."""
    task = mini_tasks["mini-div-zero"]
    assert task.repo_dir.joinpath("calc/ops.py").read_text().startswith("from calc.errors")
    evaluation = evaluate_patch(task, FILL_ON_IMPORT, small_settings)
    assert evaluation.status is Status.SANDBOX_ERROR, evaluation.reason
    assert "a disk limit was hit: no space left in /workspace" in (evaluation.reason or "")


def test_a_run_within_the_limits_is_graded_as_usual(
    small_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    task = mini_tasks["mini-div-zero"]
    assert evaluate_patch(task, task.gold_patch, small_settings).status is Status.RESOLVED
