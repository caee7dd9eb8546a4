"""The response cache: a model reply on disk per full request, so a rerun pays nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, ValidationError

from codebench.io import write_text_atomic
from codebench.models.base import Usage

DEFAULT_CACHE_DIR = Path(".codebench-cache") / "responses"


class CachedReply(BaseModel):
    """What a provider answered to one request."""

    text: str
    usage: Usage
    seconds: float


def request_key(request: dict[str, object]) -> str:
    """sha256 of the request's canonical JSON (every field that can change the reply)."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class ResponseCache:
    """Replies under `root/<key[:2]>/<key>.json`, written atomically."""

    def __init__(self, root: Path = DEFAULT_CACHE_DIR, *, read: bool = True) -> None:
        self.root = root
        self.read = read  # False (--no-cache): always ask the provider, still record the reply

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> CachedReply | None:
        """The cached reply, or None (also when reading is off or the entry is damaged)."""
        if not self.read:
            return None
        try:
            return CachedReply.model_validate_json(self._path(key).read_bytes())
        except (OSError, ValidationError, ValueError):
            return None

    def put(self, key: str, reply: CachedReply) -> None:
        """Store a reply atomically.

        Raises:
            OSError: the entry cannot be written.
        """
        write_text_atomic(self._path(key), reply.model_dump_json())
