"""The title and instruction of a synthesized task: written from the failing tests' symptom (as
pytest's short summary states it), never from the corrupted line; with `--instruction-model`,
a model rewrites that text as a user's report. The model is shown only the text, so it cannot
give away what it was not told."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from codebench.authoring.instructions import instruction_model, parse_rewrite
from codebench.errors import ModelError
from codebench.models import ModelOptions
from codebench.models.openai_model import OpenAIModel
from codebench.tasks import Corruption, Scope

SUMMARY_LINE = re.compile(r"^(FAILED|ERROR) (\S+)(?: - (.*))?$")
SECTION_HEADER = re.compile(r"^_{3,} (\S.*?) _{3,}$")
ERROR_LINE = re.compile(r"^E {2,}(\S.*)$")
ABSOLUTE_PATH = re.compile(r" \(/[^()\s]*\)")
SYMPTOM_CHARS = 200
TESTS_NAMED = 3
GLOBAL_TITLES = {
    Corruption.RENAMED_FUNCTION: "a rename",
    Corruption.NEW_PARAMETER: "a new parameter",
    Corruption.MOVED_CONSTANT: "a moved constant",
}


def symptom_of(output: str, failing: Sequence[str]) -> str | None:
    """What the first of the `failing` tests that the output speaks of says: pytest's short
    summary message (`FAILED tests/t.py::test_x - AssertionError: ...`), unless pytest cut it
    to the terminal's width, then the first `E   ...` line of its failure section (of any
    failing test's, or a summary line about their files: an import error); trimmed. None when
    the output (the run's tail) holds neither."""
    summary = _summary_messages(output)
    sections = _section_messages(output)
    for test in failing:
        message = summary.get(test)
        if message is not None and not message.endswith("..."):
            return _trim(message)
        section = sections.get(".".join(test.split("::")[1:]))
        if section is not None:
            return _trim(section)
    files = {test.split("::", 1)[0] for test in failing}
    about_files = [m for where, m in summary.items() if where.split("::", 1)[0] in files]
    whole = [m for m in [*sections.values(), *about_files] if not m.endswith("...")]
    return _trim(whole[0]) if whole else None


def _summary_messages(output: str) -> dict[str, str]:
    """node id (or path) -> message, from the short test summary lines."""
    found: dict[str, str] = {}
    for line in output.splitlines():
        match = SUMMARY_LINE.match(line.strip())
        if match is not None and match.group(3):
            found.setdefault(match.group(2), match.group(3).strip())
    return found


def _section_messages(output: str) -> dict[str, str]:
    """`Class.test_name` (as a failure section's header says) -> its first `E` line."""
    found: dict[str, str] = {}
    header = None
    for line in output.splitlines():
        match = SECTION_HEADER.match(line)
        if match is not None:
            header = match.group(1)
            continue
        error = ERROR_LINE.match(line)
        if header is not None and error is not None and header not in found:
            found[header] = error.group(1).strip()
    return found


def title_for(kind: Corruption, failing: Sequence[str], announcement: str = "") -> str:
    """A short title naming the first failing test (never the corrupted code); for a global
    kind, the API change to finish."""
    if kind.scope is Scope.GLOBAL:
        change = GLOBAL_TITLES.get(kind, "an API change")
        return f"Finish {change}: the rest of the code still uses the old API ({failing[0]})"
    return f"Fix the bug behind the failing {failing[0]}"


def instruction_for(
    kind: Corruption, failing: Sequence[str], symptom: str | None, announcement: str = ""
) -> str:
    """The request: which tests fail, the symptom quoted, and what to do. A global kind's
    request states the API change (`announcement`): the task is to make the code that uses
    the API follow it, not to undo it."""
    named = ", ".join(f"`{test}`" for test in failing[:TESTS_NAMED])
    more = len(failing) - TESTS_NAMED
    tests = named + (f" and {more} more" if more > 0 else "")
    said = f":\n\n    {symptom}\n\n" if symptom else ". "
    if kind.scope is Scope.GLOBAL:
        change = announcement or "An API of the repository changed"
        return (
            f"{change}, and the tests were updated to match. The code in the repository's "
            f"other modules that uses it was not, so the tests {tests} fail{said}"
            "Update that code to the new API. Keep the change itself, and do not edit the tests."
        )
    return f"The tests {tests} fail{said}Find the bug in the code (not in the tests) and fix it."


def _trim(text: str) -> str:
    """One line, without absolute paths in parentheses (the sandbox's, which differ from run
    to run: `ImportError: cannot import name 'f' from 'm' (/tmp/.../m.py)`), at most
    `SYMPTOM_CHARS`."""
    text = ABSOLUTE_PATH.sub("", " ".join(text.split()))
    return text if len(text) <= SYMPTOM_CHARS else text[: SYMPTOM_CHARS - 3] + "..."


REWRITE_SYSTEM = """\
You rewrite benchmark tasks for coding assistants as the report a user of the repository would \
write. You get a title and a request made from a template. Rewrite both in plain prose: keep \
every test name and the quoted error message exactly, keep the names of functions, constants \
and modules the request gives, add nothing you were not told (you do not know where the bug \
is), and never propose a fix or show code. Reply with a short title on the first line, a blank \
line, then the request."""


@dataclass(frozen=True)
class Wording:
    """A task's title and instruction, and why a model's rewrite was not used (if so)."""

    title: str
    instruction: str
    note: str | None = None


Rewriter = Callable[[Wording, Sequence[str]], Wording]  # (template, words to keep) -> wording


def model_rewriter(spec: str, options: ModelOptions) -> Rewriter:
    """Rewrites by the model `spec` (an `openai:<name>` spec).

    Raises `ConfigError` for another kind of model, or a model without an API key.
    """
    return partial(rewrite_wording, instruction_model(spec, options))


def rewrite_wording(model: OpenAIModel, template: Wording, keep: Sequence[str]) -> Wording:
    """The model's rewrite of `template`; the template itself, with a note saying why, when
    the model fails, replies nothing, or drops one of the words in `keep` (the failing test a
    grader names, the API a global task changes)."""
    prompt = f"Title: {template.title}\n\nRequest:\n{template.instruction}\n"
    try:
        reply = model.complete(REWRITE_SYSTEM, prompt)
    except ModelError as exc:
        return Wording(template.title, template.instruction, f"{model.spec} failed ({exc})")
    parsed = parse_rewrite(reply)
    if parsed is None:
        return Wording(template.title, template.instruction, f"{model.spec} replied nothing")
    title, request = parsed
    dropped = [word for word in keep if word not in request]
    if dropped:
        note = f"{model.spec} dropped {', '.join(dropped)}: the template is the instruction"
        return Wording(template.title, template.instruction, note)
    return Wording(title, request)
