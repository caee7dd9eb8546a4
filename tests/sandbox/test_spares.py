"""Sandboxes started ahead of need: used once, only for their own tree, replaced when their
container died, and all removed when the run ends."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from codebench.sandbox import Backend, ImageSet, Limits, finish_closing, open_sandbox, start_ahead
from codebench.sandbox.docker_backend import DockerSandbox, count_sandboxes, owner_tag
from codebench.sandbox.spares import SPARES
from tests.conftest import FIXTURE_TASKS

CALC = FIXTURE_TASKS / "repos" / "calc"
SCRATCH = {"note.patch": b"hello\n"}


@pytest.fixture
def image(docker_images: ImageSet) -> Iterator[str]:
    start_ahead(Backend.DOCKER, 1, [CALC] * 10)
    yield docker_images.image_id("python")
    finish_closing()


def ready() -> list[DockerSandbox]:
    """The spares ready now, once those being started are (a test-only peek)."""
    for _ in range(300):
        with SPARES._lock:
            if not SPARES._starting:
                return [box for _, box in SPARES._ready]
        time.sleep(0.05)
    raise AssertionError("a spare never finished starting")


def opened(repo_dir: Path, image: str) -> DockerSandbox:
    box = open_sandbox(Backend.DOCKER, repo_dir, image, Limits(), SCRATCH)
    assert isinstance(box, DockerSandbox)
    return box


def test_the_next_sandbox_of_a_tree_is_its_spare_and_fresh(image: str) -> None:
    with opened(CALC, image) as first:
        first.write_files({"calc/leftover.py": b"x = 1\n"})
        (spare,) = ready()
    with opened(CALC, image) as second:
        assert second is spare
        assert b"def add" in second.read_file("calc/ops.py")
        assert second.read_file(f"{second.scratch}/note.patch") == b"hello\n"
        assert not second.sh("test -e calc/leftover.py").ok
        assert second.diff() == ""  # the base commit came with the tree


def test_a_spare_of_another_tree_is_never_used(image: str, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "only_here.py").write_text("y = 2\n")
    with opened(CALC, image):
        (spare,) = ready()
    with opened(other, image) as box:
        assert box is not spare
        assert box.read_file("only_here.py") == b"y = 2\n"
        assert not box.sh("test -e calc/ops.py").ok


def test_a_spare_whose_container_died_is_replaced(image: str) -> None:
    with opened(CALC, image):
        (spare,) = ready()
    spare._kill()
    spare._api.wait(spare._id)
    with opened(CALC, image) as box:
        assert box is not spare
        assert box.sh("cat calc/ops.py").ok


def test_no_spare_is_left_when_the_run_ends(image: str) -> None:
    with opened(CALC, image):
        pass
    assert ready()
    finish_closing()
    assert count_sandboxes(owner_tag()) == 0


def test_no_spare_is_started_past_the_last_expected_open(docker_images: ImageSet) -> None:
    start_ahead(Backend.DOCKER, 2, [CALC] * 2)
    try:
        with opened(CALC, docker_images.image_id("python")):
            assert len(ready()) == 1  # for the second open; none for a third
        with opened(CALC, docker_images.image_id("python")):
            assert ready() == []
    finally:
        finish_closing()


def test_spares_follow_the_plan_of_trees(docker_images: ImageSet, tmp_path: Path) -> None:
    """The spare started at an open is for the tree of the next open of the plan, so that
    the first attempt on a new tree finds its spare too."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "only_here.py").write_text("y = 2\n")
    start_ahead(Backend.DOCKER, 1, [CALC, other])
    try:
        with opened(CALC, docker_images.image_id("python")):
            (spare,) = ready()
        with opened(other, docker_images.image_id("python")) as box:
            assert box is spare
            assert box.read_file("only_here.py") == b"y = 2\n"
    finally:
        finish_closing()
