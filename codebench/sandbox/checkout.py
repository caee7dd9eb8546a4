"""A task repository as one tar archive with its git base commit already made.

Building the commit on the host once per starting tree (and caching the archive, keyed by the
tree's content) saves every Docker sandbox a `git init/add/commit` round trip and every attempt
a re-read of the tree: the archive goes in as soon as the container starts.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from codebench.errors import SandboxError
from codebench.sandbox.base import INIT_REPO_SCRIPT
from codebench.tasks.tree import iter_tree, tree_digest

# Fixed commit metadata: the same starting tree always yields the same base commit id.
GIT_ENV = {
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}
# archives are the size of the tree and its git objects (15 MB at 300k lines): a few snapshots
ARCHIVES_CACHED = 4
_archives: OrderedDict[str, bytes] = OrderedDict()
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


def checkout_archive(repo_dir: Path, uid: int) -> bytes:
    """The starting tree plus a `.git` whose `base` branch commits it, as a tar owned by `uid`:
    built once per tree content (a few kept), so an attempt on a known tree copies it as is.

    Raises SandboxError when git cannot commit the tree, OSError when a file cannot be read.
    """
    key = f"{tree_digest(repo_dir)}:{uid}"
    with _lock:
        cached = _archives.get(key)
        if cached is not None:
            _archives.move_to_end(key)
            return cached
    files = dict(iter_tree(repo_dir))
    archive = tar_of({**files, **_git_dir(files)}, uid)
    with _lock:
        _archives[key] = archive
        while len(_archives) > ARCHIVES_CACHED:
            _archives.popitem(last=False)
    return archive


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
