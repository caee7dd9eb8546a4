"""Per-file summaries kept on disk, so that a new process or run recomputes only new files.

One SQLite database per analyzer version under the analysis cache directory, one row per
(kind, file sha256): a mined commit's snapshot, analysed by a new process, reads every file it
shares with an earlier snapshot from here. Everything here only costs or saves time: a
read-only, locked or damaged database is skipped (a damaged one is set aside), and a row that
does not decode is computed again.
"""

from __future__ import annotations

import contextlib
import sqlite3
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from codebench.analysis.version import ANALYSIS_VERSION

QUERY_CHUNK = 500  # SQLite's bound on parameters per statement is 999 on old builds
BUSY_SECONDS = 10.0  # another process writing: wait this long, then go without the disk
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS summaries"
    " (kind TEXT NOT NULL, sha TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (kind, sha))"
)


def database_path(directory: Path) -> Path:
    """The database of this analyzer version in `directory`."""
    return directory / f"files-v{ANALYSIS_VERSION}.sqlite"


@contextlib.contextmanager
def _connected(path: Path) -> Iterator[sqlite3.Connection | None]:
    """A connection to the database (created when absent), or None when it cannot be used;
    a file that is not a database is moved aside for the next process to start afresh."""
    connection = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
        connection.execute(SCHEMA)
    except sqlite3.DatabaseError as exc:
        if connection is not None:
            connection.close()
            connection = None
        if "not a database" in str(exc) or "malformed" in str(exc):
            with contextlib.suppress(OSError):
                path.replace(path.with_suffix(".damaged"))
    except OSError:
        connection = None
    try:
        yield connection
    finally:
        if connection is not None:
            connection.close()


def load(path: Path, kind: str, shas: list[str], codec: TypeAdapter[Any]) -> dict[str, Any]:
    """sha -> the stored summary of `kind`, for those of `shas` the database holds and that
    decode."""
    found: dict[str, Any] = {}
    with _connected(path) as connection:
        if connection is None:
            return found
        try:
            for start in range(0, len(shas), QUERY_CHUNK):
                chunk = shas[start : start + QUERY_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = connection.execute(
                    f"SELECT sha, value FROM summaries WHERE kind = ? AND sha IN ({marks})",
                    [kind, *chunk],
                )
                for sha, value in rows:
                    decoded = _decode(value, codec)
                    if decoded is not None:
                        found[sha] = decoded
        except sqlite3.Error:
            return found
    return found


def store(path: Path, kind: str, values: Mapping[str, Any], codec: TypeAdapter[Any]) -> None:
    """Keep each sha's summary of `kind` (in one transaction; nothing on any error)."""
    if not values:
        return
    rows = [(kind, sha, zlib.compress(codec.dump_json(value), 1)) for sha, value in values.items()]
    with _connected(path) as connection:
        if connection is None:
            return
        with contextlib.suppress(sqlite3.Error):
            connection.execute("BEGIN")
            connection.executemany("INSERT OR REPLACE INTO summaries VALUES (?, ?, ?)", rows)
            connection.execute("COMMIT")


def _decode(value: object, codec: TypeAdapter[Any]) -> Any:
    if not isinstance(value, bytes):
        return None
    try:
        return codec.validate_json(zlib.decompress(value))
    except (zlib.error, ValidationError, ValueError):
        return None
