"""The host's wheelhouse: an environment's wheels, downloaded once with pip, cached by key.

`ensure_wheelhouse()` fills `<root>/<environment key>/` with `pip download` for the image's
interpreter and platform (binary wheels only: the image build has no network and no compiler),
so that `docker build` installs from it offline. The folder appears whole or not at all.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from codebench.errors import WheelhouseError
from codebench.sandbox.engine import STATE_DIR, Log
from codebench.sandbox.environment import PIP, Environment, project_name

REQUIREMENTS = "requirements.txt"  # what the image installs, one requirement a line
COMPLETE = "wheels.txt"  # written last: the wheels, one a line; its presence means complete
GLIBC_MINOR = 36  # Debian bookworm's glibc 2.36: manylinux_2_17 ... manylinux_2_36 wheels fit
PIP_TAIL_LINES = 15
DOWNLOAD_TIMEOUT_SECONDS = 1800
_GAVE_UP = re.compile(
    r"(?:No matching distribution found for|satisfies the requirement) ([^\s(]+)", re.IGNORECASE
)


def wheelhouse_root() -> Path:
    """`$CODEBENCH_WHEELHOUSE`, else `~/.cache/codebench/wheelhouse` (under the state dir)."""
    return Path(os.environ.get("CODEBENCH_WHEELHOUSE") or STATE_DIR / "wheelhouse")


def wheel_files(wheelhouse: Path) -> list[str]:
    """The wheels of a complete wheelhouse, as listed when it was filled."""
    return (wheelhouse / COMPLETE).read_text().split()


def ensure_wheelhouse(env: Environment, log: Log) -> Path:
    """The folder holding every wheel `env` needs (and pip's), downloading them if not cached.

    Raises:
        WheelhouseError: pip is missing, or `pip download` failed (the message names the
            requirement it could not get and ends with pip's last lines).
    """
    target = wheelhouse_root() / env.key
    if (target / COMPLETE).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    log(f"downloading the wheels of environment {env.name!r} into {target} (once)...")
    partial = Path(tempfile.mkdtemp(prefix=f".{env.key}-", dir=target.parent))
    try:
        _download(env, partial)
        wheels = sorted(p.name for p in partial.glob("*.whl"))
        (partial / COMPLETE).write_text("".join(f"{name}\n" for name in wheels))
        shutil.rmtree(target, ignore_errors=True)  # a folder left incomplete by hand
        try:
            partial.rename(target)
        except OSError:
            if not (target / COMPLETE).is_file():  # else another process filled it first
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def _download(env: Environment, dest: Path) -> None:
    (dest / REQUIREMENTS).write_text("".join(f"{line}\n" for line in env.requirements))
    argv = [*pip_download_command(env.python), "--dest", str(dest)]
    argv += ["-r", str(dest / REQUIREMENTS), PIP]
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, check=False, timeout=DOWNLOAD_TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired as exc:
        raise WheelhouseError(
            f"environment {env.name!r}: `pip download` took over {DOWNLOAD_TIMEOUT_SECONDS} s "
            "(is the package index reachable?)"
        ) from exc
    if done.returncode != 0:
        raise WheelhouseError(download_failure(env, done.stdout + done.stderr))


def pip_download_command(python: str) -> list[str]:
    """`pip download` (the host's pip) for binary wheels that fit the image, not the host."""
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower())
    arch = machine or platform.machine().lower()
    platforms = [f"manylinux_2_{minor}_{arch}" for minor in range(GLIBC_MINOR, 16, -1)]
    platforms += [f"manylinux2014_{arch}", f"manylinux2010_{arch}", f"manylinux1_{arch}"]
    argv = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check"]
    argv += ["--progress-bar", "off", "--only-binary=:all:", "--implementation", "cp"]
    argv += ["--python-version", python, "--abi", f"cp{python.replace('.', '')}"]
    for name in platforms:
        argv += ["--platform", name]
    return argv


def download_failure(env: Environment, output: str) -> str:
    """The message of a failed `pip download`: the requirement pip gave up on, pip's tail."""
    lines = [line for line in output.splitlines() if line.strip()]
    tail = "\n".join(lines[-PIP_TAIL_LINES:])
    if "No module named pip" in output:
        return (
            f"environment {env.name!r}: {sys.executable} has no pip, which fills the "
            f"wheelhouse: install pip into it ({sys.executable} -m ensurepip)\n{tail}"
        )
    found = _GAVE_UP.findall(output)
    wanted = {project_name(line): line for line in env.requirements}
    named = [wanted.get(project_name(name), name) for name in found]
    which = f"requirement {named[-1]!r}" if named else f"requirements {list(env.requirements)}"
    return (
        f"environment {env.name!r} ({env.folder}): pip could not download {which} as a "
        f"binary wheel for CPython {env.python} on Linux (the image build is offline and has "
        "no compiler: every requirement needs such a wheel, see docs/environments.md); "
        f"pip's last lines:\n{tail}"
    )
