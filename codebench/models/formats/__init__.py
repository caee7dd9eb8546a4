"""Edit formats: turning a model's reply into a unified diff, or a typed error."""

from codebench.models.formats.common import (
    EditFormat,
    EditOutcome,
    FormatError,
    FormatErrorKind,
    ParsedEdit,
    RepoFiles,
)
from codebench.models.formats.search_replace import parse_search_replace
from codebench.models.formats.udiff import parse_udiff
from codebench.models.formats.whole_file import parse_whole_file

PARSERS = {
    EditFormat.UDIFF: parse_udiff,
    EditFormat.SEARCH_REPLACE: parse_search_replace,
    EditFormat.WHOLE_FILE: parse_whole_file,
}


def parse_reply(edit_format: EditFormat, reply: str, repo: RepoFiles) -> EditOutcome:
    """A reply in `edit_format` as a unified diff against `repo`, or why not."""
    return PARSERS[edit_format](reply, repo)


__all__ = [
    "EditFormat",
    "EditOutcome",
    "FormatError",
    "FormatErrorKind",
    "ParsedEdit",
    "RepoFiles",
    "parse_reply",
]
