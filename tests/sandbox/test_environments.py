"""Environments: definitions, the host's wheelhouse, offline image builds, isolation."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from codebench.errors import ConfigError, WheelhouseError
from codebench.grading import TestStatus, grade
from codebench.sandbox import Backend, ImageSet, Limits, open_sandbox
from codebench.sandbox.environment import (
    DEFAULT_PYTEST,
    PIP,
    Environment,
    environment_names,
    load_environment,
)
from codebench.sandbox.image import build_failure
from codebench.sandbox.wheelhouse import ensure_wheelhouse
from codebench.tasks import Category, Scope, TaskSpec
from tests.conftest import ROOT, SANDBOXES

FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_SANDBOXES = FIXTURES / "sandboxes"


def define(root: Path, text: str, name: str = "env", **files: str) -> Path:
    """An environment folder `root/name` holding `environment.toml` and `files`."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "environment.toml").write_text(text)
    for file_name, content in files.items():
        (folder / file_name.replace("_", ".")).write_text(content)
    return root


def test_the_default_environment_is_pytest_only() -> None:
    env = load_environment("python", SANDBOXES)
    assert (env.python, env.requirements) == ("3.11", (DEFAULT_PYTEST,))
    assert environment_names(SANDBOXES) == {"python"}


def test_requirements_inline_then_file_then_pytest(tmp_path: Path) -> None:
    text = 'requirements = ["attrs>=23"]\nrequirements_file = "reqs.txt"\n'
    root = define(tmp_path, text, reqs_txt="# pinned\n\nsix==1.17.0  # the one\nattrs>=23\n")
    env = load_environment("env", root)
    assert env.requirements == ("attrs>=23", "six==1.17.0", DEFAULT_PYTEST)


def test_a_listed_pytest_replaces_the_default(tmp_path: Path) -> None:
    root = define(tmp_path, 'requirements = ["PyTest==8.3.5"]\n')
    assert load_environment("env", root).requirements == ("PyTest==8.3.5",)


def test_the_key_follows_the_requirements() -> None:
    one = Environment("a", Path("a"), "3.11", ("six==1.17.0",))
    assert one.key == Environment("b", Path("b"), "3.11", ("six==1.17.0",)).key
    assert one.key != Environment("a", Path("a"), "3.11", ("six==1.16.0",)).key


def test_a_misspelt_key_is_named_with_the_fix(tmp_path: Path) -> None:
    root = define(tmp_path, 'requirement = ["six"]\n')
    with pytest.raises(ConfigError, match=r"requirement: unknown key.*did you mean 'requirements'"):
        load_environment("env", root)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('python = "3.12"\n', r"python: Input should be '3.11'"),
        ('requirements = ["--index-url=x"]\n', r"pip options"),
        ('requirements_file = "../x.txt"\n', r"inside the environment's folder"),
    ],
)
def test_bad_values_are_named(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        load_environment("env", define(tmp_path, text))


def test_a_pip_option_in_the_requirements_file_names_its_line(tmp_path: Path) -> None:
    root = define(tmp_path, 'requirements_file = "r.txt"\n', r_txt="six\n-r other.txt\n")
    with pytest.raises(ConfigError, match=r"r\.txt: line 2: '-r other.txt' pip options"):
        load_environment("env", root)


def test_an_unknown_environment_lists_the_defined_ones() -> None:
    with pytest.raises(ConfigError, match=r"no environment 'pyhton' \(defined: python\)"):
        load_environment("pyhton", SANDBOXES)


def test_a_failed_download_names_the_requirement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pip, offline (no index; find-links holding a stand-in pip wheel only), cannot get six:
    a WheelhouseError names it and quotes pip, and no partial wheelhouse is left."""
    links = tmp_path / "links"
    stand_in_wheel(links / f"pip-{PIP.split('==')[1]}-py3-none-any.whl")
    monkeypatch.setenv("CODEBENCH_WHEELHOUSE", str(tmp_path / "wheelhouse"))
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(links))
    env = Environment("needs-six", tmp_path, "3.11", ("six==1.17.0",))
    with pytest.raises(WheelhouseError) as caught:
        ensure_wheelhouse(env, lambda _: None)
    message = str(caught.value)
    assert "environment 'needs-six'" in message
    assert "could not download requirement 'six==1.17.0'" in message
    assert "No matching distribution found for six==1.17.0" in message  # pip's own line
    assert list((tmp_path / "wheelhouse").iterdir()) == []


def stand_in_wheel(path: Path) -> None:
    """An empty wheel that pip accepts (name and version from the file name)."""
    name, version = path.name.split("-")[:2]
    info = f"{name}-{version}.dist-info"
    path.parent.mkdir(parents=True)
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(
            f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        )
        wheel.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        wheel.writestr(f"{info}/RECORD", "")


def test_a_failed_build_shows_the_end_of_its_log() -> None:
    log = [{"stream": f"step {i}\n"} for i in range(100)]
    log.append({"error": "The command '/bin/sh -c pip install' returned a non-zero code: 1"})
    message = build_failure("codebench-x:1", "returned a non-zero code: 1", log)
    assert message.startswith("building codebench-x:1 failed: returned a non-zero code: 1")
    shown = message.splitlines()[2:]
    assert len(shown) == 40 and shown[0] == "step 61" and "non-zero code" in shown[-1]


def spec(test_id: str) -> TaskSpec:
    """A task graded on one test, with the default test command."""
    return TaskSpec(
        id="env-task",
        title="t",
        instruction="i",
        scope=Scope.LOCAL,
        category=Category.BUG_FIX,
        fail_to_pass=(test_id,),
    )


@pytest.mark.docker
def test_a_repository_needing_a_package_is_tested_offline(docker_images: ImageSet) -> None:
    """The environment's requirements (six) come from the host's wheelhouse into the image;
    the src-layout repository imports as installed, and its tests pass with no network."""
    from codebench.sandbox.image import ensure_image

    image = ensure_image("needs-six", FIXTURE_SANDBOXES, lambda _: None)
    with open_sandbox(Backend.DOCKER, FIXTURES / "repos" / "sixclock", image, Limits()) as box:
        report = grade(box, spec("tests/test_sixclock.py::test_label_uses_six"))
    assert [o.status for o in report.outcomes] == [TestStatus.PASSED], report.log_tail
    assert report.resolved


@pytest.mark.docker
def test_a_repository_named_like_a_system_package_is_tested_itself(
    docker_images: ImageSet,
) -> None:
    """Regression: the image's Debian more_itertools 8.10 (with packaging, tomli, attrs) was
    on the system path, so a src-layout repository of that name was tested against the
    image's copy (seen to fail before: `more_itertools` has no attribute 'SOURCE')."""
    repo = FIXTURES / "repos" / "more_itertools"
    image = docker_images.image_id("python")
    with open_sandbox(Backend.DOCKER, repo, image, Limits()) as box:
        report = grade(
            box, spec("tests/test_own_code.py::test_the_repository_is_tested_not_the_image_copy")
        )
        isolated = grade(box, spec("tests/test_own_code.py::test_no_system_package_is_on_the_path"))
        six = box.exec(["python3", "-c", "import six"], timeout=30)
    assert report.resolved, report.log_tail
    assert isolated.resolved, isolated.log_tail
    assert not six.ok  # the default environment has pytest only


def test_an_image_of_a_missing_environment_is_a_config_error() -> None:
    from codebench.sandbox.image import ensure_image

    with pytest.raises(ConfigError, match="no environment 'nope'"):
        ensure_image("nope", FIXTURE_SANDBOXES, lambda _: None)
