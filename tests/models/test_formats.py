"""Edit formats: replies in each format become a diff, or a typed error; tolerant, never wrong."""

from __future__ import annotations

import pytest

from codebench.analysis.diffs import file_diffs
from codebench.models.formats import (
    EditFormat,
    FormatError,
    FormatErrorKind,
    ParsedEdit,
    parse_reply,
)

REPO = {
    "pkg/ops.py": "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n",
    "pkg/util.py": "X = 1\n",
}


def new_texts(outcome: object) -> dict[str, str]:
    assert isinstance(outcome, ParsedEdit), outcome
    return {d.path: d.new for d in file_diffs(outcome.patch, REPO.get)}


def error_kind(outcome: object) -> FormatErrorKind:
    assert isinstance(outcome, FormatError), outcome
    return outcome.kind


UDIFF = """Here is the fix:

```diff
--- a/pkg/ops.py
+++ b/pkg/ops.py
@@ -1,2 +1,2 @@
 def add(a, b):
-    return a + b
+    return b + a
```
"""


def test_udiff_in_a_fence() -> None:
    assert new_texts(parse_reply(EditFormat.UDIFF, UDIFF, REPO))["pkg/ops.py"].startswith(
        "def add(a, b):\n    return b + a\n"
    )


def test_udiff_bare_with_wrong_counts_and_stray_blank_line() -> None:
    reply = (
        "--- a/pkg/ops.py\n+++ b/pkg/ops.py\n@@ -4,9 +4,9 @@\n\n def sub(a, b):\n"
        "-    return a - b\n+    return -(b - a)\n"
    )
    texts = new_texts(parse_reply(EditFormat.UDIFF, reply, REPO))
    assert texts["pkg/ops.py"].endswith("def sub(a, b):\n    return -(b - a)\n")


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ("I would change add to return b + a.", FormatErrorKind.NO_EDIT_FOUND),
        (UDIFF.replace("pkg/ops.py", "pkg/nope.py"), FormatErrorKind.FILE_NOT_IN_REPO),
        (UDIFF.replace("pkg/ops.py", "/etc/passwd"), FormatErrorKind.INVALID_DIFF),
    ],
)
def test_udiff_errors(reply: str, kind: FormatErrorKind) -> None:
    assert error_kind(parse_reply(EditFormat.UDIFF, reply, REPO)) is kind


SEARCH_REPLACE = """pkg/ops.py
```python
<<<<<<< SEARCH
def sub(a, b):
    return a - b
=======
def sub(a, b):
    return a + -b
>>>>>>> REPLACE
```
"""


def test_search_replace_fenced() -> None:
    texts = new_texts(parse_reply(EditFormat.SEARCH_REPLACE, SEARCH_REPLACE, REPO))
    assert texts["pkg/ops.py"].endswith("def sub(a, b):\n    return a + -b\n")


def test_search_replace_tolerates_indentation_and_blank_edges() -> None:
    reply = "pkg/ops.py\n<<<<<<< SEARCH\n\nreturn a - b\n=======\nreturn a + -b\n>>>>>>> REPLACE\n"
    texts = new_texts(parse_reply(EditFormat.SEARCH_REPLACE, reply, REPO))
    assert "    return a + -b\n" in texts["pkg/ops.py"]  # re-indented like the matched text


def test_search_replace_creates_a_new_file() -> None:
    reply = "pkg/new.py\n<<<<<<< SEARCH\n=======\nY = 2\n>>>>>>> REPLACE\n"
    outcome = parse_reply(EditFormat.SEARCH_REPLACE, reply, REPO)
    assert isinstance(outcome, ParsedEdit)
    assert "new file mode 100644" in outcome.patch and "+Y = 2" in outcome.patch


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ("no blocks here", FormatErrorKind.NO_EDIT_FOUND),
        (
            SEARCH_REPLACE.replace("return a - b\n=", "return a * b\n="),
            FormatErrorKind.BLOCK_DOES_NOT_MATCH,
        ),
        (SEARCH_REPLACE.replace("pkg/ops.py", "pkg/other.py"), FormatErrorKind.FILE_NOT_IN_REPO),
        (
            "pkg/ops.py\n<<<<<<< SEARCH\n(a, b):\n=======\n(x, y):\n>>>>>>> REPLACE\n",
            FormatErrorKind.AMBIGUOUS_MATCH,
        ),
        ("pkg/ops.py\n<<<<<<< SEARCH\nX\n=======\nY\n", FormatErrorKind.NO_EDIT_FOUND),
    ],
)
def test_search_replace_errors(reply: str, kind: FormatErrorKind) -> None:
    assert error_kind(parse_reply(EditFormat.SEARCH_REPLACE, reply, REPO)) is kind


def test_whole_file() -> None:
    reply = "Updated file:\n\npkg/util.py\n```python\nX = 2\nY = 3\n```\n"
    assert new_texts(parse_reply(EditFormat.WHOLE_FILE, reply, REPO)) == {
        "pkg/util.py": "X = 2\nY = 3\n"
    }


def test_whole_file_path_in_the_fence_info() -> None:
    reply = "```python pkg/util.py\nX = 5\n```\n"
    assert new_texts(parse_reply(EditFormat.WHOLE_FILE, reply, REPO)) == {"pkg/util.py": "X = 5\n"}


@pytest.mark.parametrize(
    "reply", ["no code at all", "pkg/util.py\n```python\nX = 1\n```\n", "```\nX = 2\n```\n"]
)
def test_whole_file_errors(reply: str) -> None:
    assert (
        error_kind(parse_reply(EditFormat.WHOLE_FILE, reply, REPO)) is FormatErrorKind.NO_EDIT_FOUND
    )
