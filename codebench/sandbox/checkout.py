"""A task repository as one tar archive with its git base commit already made.

Building the commit on the host once per starting tree (and caching the archive) saves every
Docker sandbox a `git init/add/commit` round trip: the archive goes in before the container
starts.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from codebench.errors import SandboxError
from codebench.sandbox.base import INIT_REPO_SCRIPT
from codebench.tasks.loader import iter_tree

# Fixed commit metadata: the same starting tree always yields the same base commit id.
GIT_ENV = {
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}
_cache: dict[str, dict[str, bytes]] = {}
_lock = threading.Lock()


def tar_of(files: Mapping[str, bytes], uid: int) -> bytes:
    """A tar archive of files (posix paths) and their parent directories, owned by `uid`."""
    directories = sorted({str(p) for name in files for p in PurePosixPath(name).parents} - {"."})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        # explicit entries, else the engine creates parent directories owned by root
        for directory in directories:
            info = tarfile.TarInfo(directory)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            info.uid = info.gid = uid
            archive.addfile(info)
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            info.uid = info.gid = uid
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def checkout_files(repo_dir: Path) -> dict[str, bytes]:
    """The starting tree plus a `.git` whose `base` branch commits it (cached per content)."""
    files = dict(iter_tree(repo_dir))
    digest = hashlib.sha256()
    for name, data in files.items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    key = digest.hexdigest()
    with _lock:
        cached = _cache.get(key)
    if cached is None:
        cached = {**files, **_git_dir(files)}
        with _lock:
            _cache[key] = cached
    return cached


def _git_dir(files: Mapping[str, bytes]) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="codebench-checkout-") as work:
        for name, data in files.items():
            path = Path(work, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        done = subprocess.run(
            ["sh", "-c", INIT_REPO_SCRIPT],
            cwd=work,
            env={**os.environ, **GIT_ENV},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SandboxError(f"could not commit the starting tree on the host: {done.stderr}")
        return {f".git/{name}": data for name, data in _iter_all(Path(work, ".git"))}


def _iter_all(root: Path) -> list[tuple[str, bytes]]:
    return [
        (path.relative_to(root).as_posix(), path.read_bytes())
        for path in sorted(root.rglob("*"))
        if path.is_file()
    ]
