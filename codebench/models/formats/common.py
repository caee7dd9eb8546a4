"""What every edit format shares: the typed outcome of parsing a model's reply."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


class EditFormat(StrEnum):
    """How a model writes its edits."""

    UDIFF = "udiff"
    SEARCH_REPLACE = "search_replace"
    WHOLE_FILE = "whole_file"


class FormatErrorKind(StrEnum):
    """Why a reply could not be turned into a patch."""

    NO_EDIT_FOUND = "no_edit_found"
    BLOCK_DOES_NOT_MATCH = "block_does_not_match"
    FILE_NOT_IN_REPO = "file_not_in_repo"
    AMBIGUOUS_MATCH = "ambiguous_match"
    INVALID_DIFF = "invalid_diff"


@dataclass(frozen=True)
class ParsedEdit:
    """A reply turned into a unified diff against the starting tree."""

    patch: str


@dataclass(frozen=True)
class FormatError:
    """A reply that holds no usable edit; counted as `malformed_patch`."""

    kind: FormatErrorKind
    message: str

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.message}"


EditOutcome = ParsedEdit | FormatError
RepoFiles = Mapping[str, str]  # path -> text of the starting tree


PATHLIKE = re.compile(r"^[\w.-]+(/[\w.-]+)*$")


def looks_like_path(text: str) -> bool:
    """A relative file path with a directory or an extension (not a word like `python`)."""
    return bool(PATHLIKE.match(text)) and ("/" in text or "." in text.strip("."))


def clean_path(line: str) -> str:
    """A file path as models write it on its own line: strip markup around it."""
    text = line.strip().strip("`*").strip()
    text = re.sub(r"^(#+\s*|file\s*:\s*|path\s*:\s*)", "", text, flags=re.I)
    return text.strip().strip("`*:").strip()
