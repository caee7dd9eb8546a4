"""The one home of every cache that must not grow without limit: a bounded, thread-safe LRU
mapping in memory (per-file digests, sandbox archives, per-repository analysis), and which
entries of a cache on disk (kept checkouts, a node's starting trees) fall past its bound."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A thread-safe LRU mapping of at most `bound` entries."""

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value of `key` (now the most recently used), or None."""
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: K, value: V) -> None:
        """Keep `value`, evicting the least recently used entries past the bound."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.bound:
                self._entries.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._entries

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def values(self) -> list[V]:
        """The values, least recently used first."""
        with self._lock:
            return list(self._entries.values())

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()


def past_bound(paths: Iterable[Path], bound: int) -> list[Path]:
    """The `paths` past the `bound` most recently used, for an on-disk cache to remove (each
    use of an entry touches its mtime); one that vanished meanwhile counts as the oldest."""
    return sorted(paths, key=_used_at, reverse=True)[max(bound, 0) :]


def _used_at(path: Path) -> int:
    try:
        return path.stat(follow_symlinks=False).st_mtime_ns
    except OSError:
        return -1
