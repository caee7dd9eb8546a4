"""The recipe of every environment image: its Dockerfile and build context (no network needed).

A non-root user and the workspace (one layer every environment shares), then a virtual
environment at /opt/venv without the base system's site packages, filled from the wheelhouse by
pip run from its own wheel (the base has no pip, and none is left behind), first on PATH: so
`python3` in a test command is the environment's. The harness's own programs (the commands'
`timeout`, the shell, the sealer's Python) are execute-only copies in `HARNESS_BIN`, which
the sandbox user can run but not ptrace. One stage: a second would leave a dangling image
holding another copy of the venv after every build.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from codebench.sandbox.docker_backend import (
    HARNESS_BIN,
    HARNESS_PYTHON,
    HARNESS_SH,
    HARNESS_TIMEOUT,
    SANDBOX_UID,
    SCRATCH,
    WORKDIR,
)
from codebench.sandbox.wheelhouse import REQUIREMENTS, wheel_files

VENV = "/opt/venv"
SITE_PACKAGES = f"{VENV}/lib/python3.11/site-packages"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# The task repository importable as an editable install makes it (flat or src layout): its
# folders go ahead of site-packages, so its own code wins over an installed copy of it, and
# behind the standard library, which a file it adds cannot shadow.
WORKSPACE_MODULE = f'''"""codebench: the task repository on sys.path, before site-packages."""
import sys


def _add(roots=("{WORKDIR}/src", "{WORKDIR}")):
    at = next((i for i, p in enumerate(sys.path) if p.endswith("site-packages")), len(sys.path))
    for root in reversed(roots):
        if root not in sys.path:
            sys.path.insert(at, root)


_add()
'''
WORKSPACE_PTH = "import _codebench_workspace\n"

DOCKERFILE = f"""\
# Made by codebench (codebench/sandbox/recipe.py): one environment, built offline.
ARG BASE_IMAGE=codebench-base:bookworm
FROM ${{BASE_IMAGE}}
RUN useradd --create-home --uid {SANDBOX_UID} --shell /bin/sh bench \\
    && mkdir -p {WORKDIR} {SCRATCH} \\
    && chown bench:bench {WORKDIR} {SCRATCH} \\
    && git config --system safe.directory '*' \\
    && git config --system init.defaultBranch base \\
    && git config --system advice.detachedHead false \
    && mkdir -p {HARNESS_BIN} \
    && install -m 0111 "$(readlink -f "$(command -v timeout)")" {HARNESS_TIMEOUT} \
    && install -m 0111 "$(readlink -f /bin/sh)" {HARNESS_SH} \
    && install -m 0111 "$(readlink -f "$(command -v python3)")" {HARNESS_PYTHON} \
    && {HARNESS_PYTHON} -I -S -c "import contextlib, json, os, signal, stat, sys"
ARG PIP_WHEEL
COPY env /env
RUN python3 -m venv --without-pip {VENV} \\
    && {VENV}/bin/python /env/wheels/${{PIP_WHEEL}}/pip install --no-index \\
       --find-links /env/wheels --no-cache-dir --disable-pip-version-check \\
       --no-warn-script-location --root-user-action=ignore --progress-bar off \\
       -r /env/{REQUIREMENTS} \\
    && cp /env/_codebench_workspace.py /env/_codebench_workspace.pth {SITE_PACKAGES}/ \\
    && rm -rf /env
ENV PATH={VENV}/bin:{SYSTEM_PATH} \\
    VIRTUAL_ENV={VENV} \\
    PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1 \\
    PYTHONHASHSEED=0 \\
    LANG=C.UTF-8 \\
    HOME=/home/bench
USER bench
WORKDIR {WORKDIR}
"""


def pip_wheel(wheelhouse: Path) -> str:
    """The file name of the pip wheel in a wheelhouse (pip runs from it in the build)."""
    found = [name for name in wheel_files(wheelhouse) if name.startswith("pip-")]
    if not found:
        raise FileNotFoundError(f"{wheelhouse} holds no pip wheel: delete it to download again")
    return found[0]


def build_context(wheelhouse: Path) -> bytes:
    """The build context as a tar: the Dockerfile, the wheels, the requirements, the path hook.

    Raises:
        OSError: the wheelhouse cannot be read (e.g. removed since it was filled).
    """
    files = {
        "Dockerfile": DOCKERFILE.encode(),
        f"env/{REQUIREMENTS}": (wheelhouse / REQUIREMENTS).read_bytes(),
        "env/_codebench_workspace.py": WORKSPACE_MODULE.encode(),
        "env/_codebench_workspace.pth": WORKSPACE_PTH.encode(),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            archive.addfile(info, io.BytesIO(data))
        for name in wheel_files(wheelhouse):
            archive.add(wheelhouse / name, arcname=f"env/wheels/{name}")
    return buffer.getvalue()


def recipe_text() -> str:
    """Everything of the recipe that goes into an image, for the image tag's hash."""
    return DOCKERFILE + WORKSPACE_MODULE + WORKSPACE_PTH
