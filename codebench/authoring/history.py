"""A repository's history through gitpython: the commits to mine, the `origin` remote, a tree's
size, and a commit's tree written out as plain files (a task's starting tree)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from codebench.errors import ConfigError, TaskError

if TYPE_CHECKING:
    import git

SYMLINK_MODE = 0o120000


@dataclass(frozen=True)
class CommitInfo:
    """One commit of the history, as mining needs it."""

    sha: str
    parents: tuple[str, ...]
    message: str
    committed_at: datetime  # the committer's date, with the committer's UTC offset

    @property
    def subject(self) -> str:
        """The first line of the message."""
        return self.message.strip().split("\n", 1)[0].strip()

    @property
    def short(self) -> str:
        """The sha's first 10 digits."""
        return self.sha[:10]


def open_repository(path: Path) -> git.Repo:
    """The git repository at `path`; raises `ConfigError` when there is none."""
    import git

    try:
        return git.Repo(path)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise ConfigError(f"--repo {path}: not a git repository (no .git found)") from None


def list_commits(
    path: Path,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    shas: Iterable[str] = (),
) -> list[CommitInfo]:
    """The commits named by `shas`, else those reachable from HEAD committed in [since,
    until], newest first. Raises `ConfigError` for an unknown sha or a repository without any
    commit."""
    import git

    with open_repository(path) as repo:
        try:
            if shas := tuple(shas):
                return [_info(repo.commit(sha)) for sha in shas]
            dates = {"since": since, "until": until}
            options = [f"--{k}={v.isoformat()}" for k, v in dates.items() if v is not None]
            listed = repo.git.rev_list(*options, "HEAD").split()
            return [_info(repo.commit(sha)) for sha in listed]
        except (git.BadName, ValueError, git.GitCommandError) as exc:
            raise ConfigError(f"--repo {path}: {_first_line(exc)}") from None


def origin_url(path: Path) -> str | None:
    """The `origin` remote's URL without any user name or password in it; None without one."""
    with open_repository(path) as repo:
        if "origin" not in [remote.name for remote in repo.remotes]:
            return None
        url = repo.remotes.origin.url
    parts = urlsplit(url)
    if parts.scheme and "@" in parts.netloc:  # https://user:token@host/...: keep no secret
        return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    return url


def tree_bytes(path: Path, sha: str) -> int:
    """The size of every file in the commit's tree, in bytes."""
    with open_repository(path) as repo:
        listed = repo.git.ls_tree("-r", "-l", "-z", sha)
    sizes = (entry.split(None, 4)[3] for entry in listed.split("\0") if entry)
    return sum(int(size) for size in sizes if size.isdigit())


def existing(path: Path, sha: str, paths: Iterable[str]) -> list[str]:
    """Those of `paths` that are files in the commit's tree."""
    with open_repository(path) as repo:
        tree = repo.commit(sha).tree
        return [p for p in paths if _is_blob(tree, p)]


def blob_bytes(path: Path, sha: str, file: str) -> bytes | None:
    """A file's bytes in the commit's tree; None when it has no such file."""
    with open_repository(path) as repo:
        tree = repo.commit(sha).tree
        return tree[file].data_stream.read() if _is_blob(tree, file) else None


def export_tree(path: Path, sha: str, target: Path) -> None:
    """Write the commit's tree into `target` as git stores it: no line-ending or other filters,
    executable bits kept, submodules left out.

    Raises `TaskError` for a symlink that leads out of the tree or to nothing in it (a
    starting tree must be read and copied the same on every machine).
    """
    import git

    links: list[Path] = []
    with open_repository(path) as repo:
        for item in repo.commit(sha).tree.traverse():
            if not isinstance(item, git.Blob):
                continue  # folders come with their files; submodules are not part of the tree
            file = target / item.path
            file.parent.mkdir(parents=True, exist_ok=True)
            data = item.data_stream.read()
            if item.mode == SYMLINK_MODE:
                os.symlink(data.decode(errors="surrogateescape"), file)
                links.append(file)
                continue
            file.write_bytes(data)
            if item.mode & 0o111:
                file.chmod(0o755)
    for link in links:
        _check_link(link, target)


def _check_link(link: Path, root: Path) -> None:
    resolved = link.resolve()
    if not resolved.is_relative_to(root.resolve()) or not resolved.exists():
        relative = link.relative_to(root).as_posix()
        raise TaskError(link, f"symlink {relative} -> {os.readlink(link)} leaves the tree")


def _is_blob(tree: git.Tree, file: str) -> bool:
    try:
        return tree[file].type == "blob"
    except KeyError:
        return False


def _info(commit: git.Commit) -> CommitInfo:
    offset = timezone(timedelta(seconds=-commit.committer_tz_offset))
    message = commit.message
    return CommitInfo(
        sha=commit.hexsha,
        parents=tuple(p.hexsha for p in commit.parents),
        message=message if isinstance(message, str) else message.decode(errors="replace"),
        committed_at=datetime.fromtimestamp(commit.committed_date, offset),
    )


def _first_line(exc: BaseException) -> str:
    text = re.sub(r"\s+", " ", str(exc)).strip()
    return text[:300]
