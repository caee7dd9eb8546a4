"""A task repository as one tar archive with its git base commit already made.

Building the commit on the host once per starting tree (and caching the archive, keyed by the
tree's content) saves every Docker sandbox a `git init/add/commit` round trip and every attempt
a re-read of the tree: the archive goes in as soon as the container starts.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Collection, Mapping
from pathlib import Path, PurePosixPath

from codebench.errors import SandboxError
from codebench.io import write_bytes_atomic
from codebench.lru import BoundedCache, past_bound
from codebench.sandbox.engine import STATE_DIR
from codebench.tasks.tree import executable_paths, iter_tree, tree_digest

# Fixed commit metadata: the same starting tree always yields the same base commit id.
GIT_ENV = {
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}
# INIT_REPO_SCRIPT's commit identity and GIT_ENV's date, as fast-import writes them
COMMIT_PERSON = b"codebench <codebench@localhost>"
COMMIT_DATE = b"946684800 +0000"
GZIP_LEVEL = 3  # once per tree: most of level 9's gain at a fraction of its time
# compressed archives are about a third of the tree (5 MB at 300k lines): a few snapshots
ARCHIVES_CACHED = 4
CHECKOUTS_KEPT = 32  # on disk, between processes
_archives: BoundedCache[str, bytes] = BoundedCache(ARCHIVES_CACHED)


def tar_of(
    files: Mapping[str, bytes],
    uid: int,
    *,
    compressed: bool = False,
    executable: Collection[str] = (),
) -> bytes:
    """A tar archive of files (posix paths) and their parent directories, owned by `uid`, the
    `executable` ones with mode 0755, the others 0644; gzip-compressed when `compressed` (the
    engine unpacks either)."""
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
            info.size, info.mode = len(data), 0o755 if name in executable else 0o644
            info.uid = info.gid = uid
            archive.addfile(info, io.BytesIO(data))
    plain = buffer.getvalue()
    # mtime 0: the same files always give the same bytes
    return gzip.compress(plain, GZIP_LEVEL, mtime=0) if compressed else plain


def checkout_archive(repo_dir: Path, uid: int) -> bytes:
    """The starting tree plus a `.git` whose `base` branch commits it (its objects in one
    pack), as a gzip-compressed tar owned by `uid`: built once per tree content (a few kept),
    so an attempt on a known tree sends it as is, in about a third of the tree's bytes. The
    last `CHECKOUTS_KEPT` archives are also kept on disk (`checkouts_root()`), so a new process
    on a known tree does not commit it again.

    Raises SandboxError when git cannot commit the tree, OSError when a file cannot be read.
    """
    key = checkout_key(repo_dir, uid)
    cached = _archives.get(key)
    if cached is not None:
        return cached
    archive = _from_disk(key)
    if archive is None:
        files = dict(iter_tree(repo_dir))
        executable = executable_paths(repo_dir)
        git = _git_dir(files, executable)
        archive = tar_of({**files, **git}, uid, compressed=True, executable=executable)
        _to_disk(key, archive)
    _archives.put(key, archive)
    return archive


def checkout_key(repo_dir: Path, uid: int) -> str:
    """What identifies `checkout_archive(repo_dir, uid)`: the tree's content (executable bits
    included) and the owner."""
    return f"{tree_digest(repo_dir)}-{uid}"


def checkouts_root() -> Path:
    """`$CODEBENCH_CHECKOUTS`, else `<state dir>/checkouts`: archives kept between processes."""
    return Path(os.environ.get("CODEBENCH_CHECKOUTS") or STATE_DIR / "checkouts")


def _from_disk(key: str) -> bytes | None:
    """A kept archive, if present and whole (its gzip checksum holds); else None."""
    path = checkouts_root() / f"{key}.tar.gz"
    try:
        data = path.read_bytes()
        gzip.decompress(data)  # a truncated or damaged file is built again
        os.utime(path)  # recently used: kept longest
    except (OSError, EOFError, zlib.error):  # gzip.BadGzipFile is an OSError
        return None
    return data


def _to_disk(key: str, archive: bytes) -> None:
    """Keep an archive for later processes, and only the newest `CHECKOUTS_KEPT`; a folder
    that cannot be written costs speed, never an attempt."""
    root = checkouts_root()
    with contextlib.suppress(OSError):
        write_bytes_atomic(root / f"{key}.tar.gz", archive)
        for stale in past_bound(root.glob("*.tar.gz"), CHECKOUTS_KEPT):
            stale.unlink(missing_ok=True)


def _git_dir(files: Mapping[str, bytes], executable: Collection[str] = ()) -> dict[str, bytes]:
    """The `.git` of a repository whose `base` branch commits `files` (mode 100644, 100755 for
    the `executable` ones), made by
    `git fast-import` from memory: no copy of the tree on disk, no loose object per file, no
    repack (at 300k lines, writing the tree out, `git add`, `repack` and removing the copy took
    15 s of a cold attempt). The commit is the one `INIT_REPO_SCRIPT` makes of the same files.
    Its index has no stat data: git hashes each file once to refresh it, as it did for an index
    made on another machine."""
    with tempfile.TemporaryDirectory(prefix="codebench-checkout-") as work:
        _git(work, "git init -q -b base .")
        # one pack even for a few objects (below 100, fast-import would write loose ones)
        stream = _fast_import_stream(files, executable)
        _git(work, "git -c fastimport.unpackLimit=0 fast-import --quiet --done", stream)
        _git(work, "git read-tree base")
        return {f".git/{name}": data for name, data in _iter_all(Path(work, ".git"))}


def _git(work: str, command: str, stream: bytes | None = None) -> None:
    done = subprocess.run(
        ["sh", "-c", command],
        cwd=work,
        env={**os.environ, **GIT_ENV},
        input=stream,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise SandboxError(f"could not commit the starting tree on the host ({command}): {message}")


def _fast_import_stream(files: Mapping[str, bytes], executable: Collection[str] = ()) -> bytes:
    """A `git fast-import` stream: each file a blob, then one commit of them all on `base`
    with `INIT_REPO_SCRIPT`'s identity, date and message."""
    out = io.BytesIO()
    names = sorted(files)
    for mark, name in enumerate(names, start=1):
        data = files[name]
        out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)))
        out.write(data)
        out.write(b"\n")
    message = b"starting tree\n"
    out.write(b"commit refs/heads/base\n")
    for role in (b"author", b"committer"):
        out.write(role + b" " + COMMIT_PERSON + b" " + COMMIT_DATE + b"\n")
    out.write(b"data %d\n%s" % (len(message), message))
    for mark, name in enumerate(names, start=1):
        mode = b"100755" if name in executable else b"100644"
        out.write(b"M %s :%d %s\n" % (mode, mark, _quoted_path(name)))
    out.write(b"\ndone\n")
    return out.getvalue()


def _quoted_path(name: str) -> bytes:
    """A path as fast-import reads it: C-style quoted when it holds a quote, a backslash, a
    line break or a control character, or starts with a quote."""
    raw = name.encode("utf-8", "surrogateescape")
    if not any(byte < 0x20 or byte in (0x22, 0x5C, 0x7F) for byte in raw):
        return raw
    escaped = bytearray(b'"')
    for byte in raw:
        if byte in (0x22, 0x5C):
            escaped += b"\\" + bytes([byte])
        elif byte < 0x20 or byte == 0x7F:
            escaped += b"\\%03o" % byte
        else:
            escaped.append(byte)
    return bytes(escaped + b'"')


def _iter_all(root: Path) -> list[tuple[str, bytes]]:
    return [
        (path.relative_to(root).as_posix(), path.read_bytes())
        for path in sorted(root.rglob("*"))
        if path.is_file()
    ]
