"""Protected paths: test files and pytest configuration a model's patch must not change.

After the model's patch is applied, any change to a protected path is recorded as tampering and
reverted, so a patch cannot grade itself; then the hidden tests are added.
"""

from __future__ import annotations

import configparser
import tomllib
from collections.abc import Iterable
from pathlib import PurePosixPath

from codebench.errors import SandboxError
from codebench.sandbox import Sandbox

TEST_DIR_NAMES = frozenset({"tests", "test", "testing"})
ALWAYS_PROTECTED = frozenset({"conftest.py", "pytest.ini", ".pytest.ini"})
# They change how git reports the tree (binary diffs, line endings): the harness owns them.
GIT_ATTRIBUTES = ".gitattributes"
# Python runs these at start-up, before pytest and the harness are in control.
STARTUP_HOOK_NAMES = frozenset({"sitecustomize.py", "usercustomize.py"})
PACKAGE_METADATA_SUFFIXES = (".dist-info", ".egg-info", ".egg-link")
# These hold more than pytest settings: only a change to their pytest section is tampering.
PYTEST_SECTION_FILES = frozenset({"pyproject.toml", "setup.cfg", "tox.ini"})

REVERT_SCRIPT = """
for p in "$@"; do
  if git cat-file -e "base:$p" 2>/dev/null; then git checkout -q base -- "$p"
  else git rm -q --cached -f --ignore-unmatch -- "$p" && rm -f -- "$p"; fi
done
"""


def is_test_path(path: str) -> bool:
    """True for test files and test directories' contents (always protected)."""
    posix = PurePosixPath(path)
    name = posix.name
    if name in ALWAYS_PROTECTED:
        return True
    if TEST_DIR_NAMES & set(posix.parts[:-1]):
        return True
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def loads_at_startup(path: str) -> bool:
    """True for what can load code into Python or pytest before any test runs: `.pth` files,
    sitecustomize/usercustomize, and package metadata (entry points such as `pytest11`)."""
    posix = PurePosixPath(path)
    if posix.name in STARTUP_HOOK_NAMES or posix.name.endswith(".pth"):
        return True
    return any(part.endswith(PACKAGE_METADATA_SUFFIXES) for part in posix.parts)


def harness_owned(path: str) -> bool:
    """Git attributes and start-up hooks: whatever a patch does to them is tampering."""
    return PurePosixPath(path).name == GIT_ATTRIBUTES or loads_at_startup(path)


def pytest_section(name: str, data: bytes | None) -> object:
    """The pytest settings held by a config file (None if absent); unparsable -> the raw bytes."""
    if data is None:
        return None
    text = data.decode(errors="replace")
    # pytest reads ini files in text mode, where a lone \r also ends a line; configparser
    # splits at \n only and would miss a `[pytest]` section hidden behind one
    ini_text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        if name == "pyproject.toml":
            return tomllib.loads(text).get("tool", {}).get("pytest")
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(ini_text)
        section = "tool:pytest" if name == "setup.cfg" else "pytest"
        return dict(parser[section]) if parser.has_section(section) else None
    except (tomllib.TOMLDecodeError, configparser.Error):
        return data


def find_tampering(
    sandbox: Sandbox, changed: Iterable[str], hidden_test_paths: Iterable[str] = ()
) -> tuple[str, ...]:
    """Protected paths among `changed` (paths that differ from the starting tree): test files,
    hidden test paths, pytest configuration, git attributes, start-up hooks."""
    hidden = set(hidden_test_paths)
    tampered = []
    for path in changed:
        name = PurePosixPath(path).name
        config_changed = name in PYTEST_SECTION_FILES and _pytest_config_changed(sandbox, path)
        if path in hidden or is_test_path(path) or harness_owned(path) or config_changed:
            tampered.append(path)
    return tuple(tampered)


def revert_paths(sandbox: Sandbox, paths: Iterable[str]) -> None:
    """Put paths back as they were in the starting tree (deleting files it did not have)."""
    paths = tuple(paths)
    if not paths:
        return
    result = sandbox.sh(REVERT_SCRIPT, *paths, timeout=60)
    if not result.ok:
        raise SandboxError(f"cannot revert tampered files: {result.stderr.strip()}")


def _pytest_config_changed(sandbox: Sandbox, path: str) -> bool:
    name = PurePosixPath(path).name
    before = sandbox.sh('git show "base:$1" 2>/dev/null', path, timeout=30)
    after = sandbox.sh('cat -- "$1" 2>/dev/null', path, timeout=30)
    old = pytest_section(name, before.stdout.encode() if before.ok else None)
    new = pytest_section(name, after.stdout.encode() if after.ok else None)
    return old != new
