"""The agent's tools: a shell, file viewing, exact-string editing, file creation and submit.

Every call takes the raw JSON string the model sent. A mistake of the model's (an unknown tool,
bad JSON, a wrong field, a path outside the repository, a binary file) is an error *result*
that says how to fix the call, never an exception: the loop survives it and `ToolBox.errors`
counts it. Only `SandboxError` (the engine failing, not the model) propagates.

All file access goes through the `Sandbox` interface, so the tools behave the same on the
Docker and the local backend; paths are resolved *inside* the sandbox, where its symlinks live.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from codebench.sandbox import Sandbox

# Resolve a path where the sandbox sees it (symlinks included) and say what it is. Output is
# NUL-separated so that any file name survives: kind, work tree root, resolved path, size.
RESOLVE_SCRIPT = """
root=$(pwd -P) && p=$(realpath -m -- "$1") || exit 2
case $p in "$root"|"$root"/*) ;; *) printf 'outside\\0%s\\0%s\\0' "$root" "$p"; exit 0;; esac
if [ -d "$p" ]; then k=dir
elif [ -f "$p" ]; then if [ -r "$p" ]; then k=file; else k=unreadable; fi
elif [ -e "$p" ]; then k=other
else k=missing; fi
s=0; if [ "$k" = file ]; then s=$(wc -c < "$p"); fi
printf '%s\\0%s\\0%s\\0%s\\0' "$k" "$root" "$p" "$s"
"""
# `cat >` rewrites the file in place: its mode (an executable bit) and owner stay as they were.
OVERWRITE_SCRIPT = 'cat -- "$1" > "$2"; status=$?; rm -f -- "$1"; exit $status'
# noclobber (`set -C`) makes the refusal to overwrite atomic with the write.
CREATE_SCRIPT = (
    'mkdir -p -- "$(dirname -- "$2")" && set -C && cat -- "$1" > "$2"; '
    'status=$?; rm -f -- "$1"; exit $status'
)
HEAD_SCRIPT = 'head -c "$1" -- "$2" > "$3"'
LIST_SCRIPT = 'cd -- "$1" && LC_ALL=C ls -A1p'
# No stdin: on the host a command reading it would wait for the harness's terminal. stderr
# joins stdout so the model reads both in the order they were written.
BASH_SCRIPT = 'exec bash -c "$1" </dev/null 2>&1'
HELPER_TIMEOUT = 60.0  # the tools' own commands (resolve, list, write): small and fast
BUFFER_NAME = "agent-tool-buffer"  # in the scratch folder, outside the repository
CONTEXT_LINES = 3  # shown around an edit


@dataclass(frozen=True)
class ToolSpec:
    """A tool as the model is told of it: a name, what it does, a JSON schema of its arguments."""

    name: str
    description: str
    parameters: Mapping[str, object]

    def chat_completions(self) -> dict[str, object]:
        """The Chat Completions `tools` entry. `strict` is off: optional fields stay optional."""
        function = {
            "name": self.name,
            "description": self.description,
            "parameters": dict(self.parameters),
            "strict": False,
        }
        return {"type": "function", "function": function}

    def responses(self) -> dict[str, object]:
        """The Responses API `tools` entry (where `strict` would otherwise default to on)."""
        return {
            "type": "function",
            "name": self.name,
            "description": self.description,
            "parameters": dict(self.parameters),
            "strict": False,
        }


@dataclass(frozen=True)
class ToolResult:
    """What one tool call gave back: the text for the model, and whether it ends the work."""

    output: str
    is_error: bool = False
    submitted: bool = False


@dataclass(frozen=True)
class ToolLimits:
    """How far one tool call may go."""

    command_timeout: float = 120.0  # seconds a `bash` command may run
    max_output_chars: int = 10_000  # of a command's output (head and tail kept)
    max_view_chars: int = 20_000  # of what `view` shows
    max_file_bytes: int = 2_000_000  # read by `view` (its start only, past this); edited at most
    max_entries: int = 500  # of a directory listing


class _CallError(Exception):
    """A mistake in the model's call; the message tells the model how to fix it."""


ParamKind = Literal["string", "line_range"]


@dataclass(frozen=True)
class _Param:
    name: str
    kind: ParamKind
    description: str
    required: bool = True
    may_be_empty: bool = False


Arguments = Mapping[str, "str | tuple[int, int]"]


_Runner = Callable[[Arguments], ToolResult]

_PATH = _Param("path", "string", "A path relative to the repository root (or absolute).")
BASH_DESCRIPTION = (
    "Run a bash command in the repository root. No network; killed after {timeout} s; "
    "stdin is empty; long output keeps its start and end."
)
BASH_PARAMS = (_Param("command", "string", "The bash command to run."),)
VIEW_DESCRIPTION = (
    "Show a file with line numbers (optionally only some lines), or list a directory's entries."
)
VIEW_PARAMS = (
    _PATH,
    _Param(
        "view_range",
        "line_range",
        "Optional [start, end] line numbers, from 1; end -1 means to the end.",
        required=False,
    ),
)
STR_REPLACE_DESCRIPTION = (
    "Replace old_str, which must occur exactly once in the file, with new_str. "
    "Copy old_str exactly, whitespace and indentation included."
)
STR_REPLACE_PARAMS = (
    _PATH,
    _Param("old_str", "string", "The exact text to replace."),
    _Param("new_str", "string", "The text to put in its place.", may_be_empty=True),
)
CREATE_DESCRIPTION = (
    "Create a new file (and its folders) with the given text; an existing file is never "
    "overwritten (edit it with str_replace)."
)
CREATE_PARAMS = (_PATH, _Param("file_text", "string", "The file's content.", may_be_empty=True))
SUBMIT_DESCRIPTION = (
    "Finish: your changes to the repository are your answer. Call it once, when done."
)
SUBMIT_PARAMS = (
    _Param(
        "message",
        "string",
        "Optional: a line on what you changed.",
        required=False,
        may_be_empty=True,
    ),
)


def _schema(params: tuple[_Param, ...]) -> dict[str, object]:
    """The JSON schema of a tool's arguments; the same `_Param`s drive the validation."""
    properties: dict[str, object] = {}
    for param in params:
        if param.kind == "string":
            properties[param.name] = {"type": "string", "description": param.description}
        else:
            properties[param.name] = {
                "type": "array",
                "items": {"type": "integer"},
                "minItems": 2,
                "maxItems": 2,
                "description": param.description,
            }
    return {
        "type": "object",
        "properties": properties,
        "required": [p.name for p in params if p.required],
        "additionalProperties": False,
    }


def _parse_object(arguments: str) -> dict[str, object]:
    """The model's raw arguments as a JSON object; an empty string counts as `{}`."""
    if not arguments.strip():
        return {}
    try:
        value = json.loads(arguments)
    except json.JSONDecodeError as exc:
        raise _CallError(
            f"the arguments are not valid JSON ({exc}); send one JSON object, "
            'e.g. {"path": "src/app.py"}'
        ) from None
    if not isinstance(value, dict):
        kind = type(value).__name__
        raise _CallError(f"the arguments must be a JSON object of named fields, not a {kind}")
    return value


def _check_string(name: str, value: object, may_be_empty: bool) -> str:
    if not isinstance(value, str):
        raise _CallError(f"field {name!r} must be a string, not {_json_type(value)}")
    if not value and not may_be_empty:
        raise _CallError(f"field {name!r} is empty; give it a value")
    if "\x00" in value:
        raise _CallError(f"field {name!r} contains a NUL character; leave it out")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _CallError(f"field {name!r} is not valid UTF-8 (a lone surrogate)") from None
    return value


def _check_range(name: str, value: object) -> tuple[int, int]:
    usage = f"field {name!r} must be two integers [start, end] (end -1: to the end of the file)"
    if not isinstance(value, list) or len(value) != 2:
        raise _CallError(f"{usage}; got {json.dumps(value)}")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in value):
        raise _CallError(f"{usage}; each must be an integer")
    start, end = value
    if start < 1 or (end != -1 and end < start):
        raise _CallError(f"{usage}, with 1 <= start <= end; got [{start}, {end}]")
    return start, end


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", bool: "a boolean", type(None): "null"}
    names |= {int: "a number", float: "a number", str: "a string"}
    return names.get(type(value), type(value).__name__)


def _validate(params: tuple[_Param, ...], raw: dict[str, object]) -> Arguments:
    """Check the fields against the tool's parameters: none missing, extra or mistyped."""
    known = {p.name: p for p in params}
    extra = sorted(set(raw) - known.keys())
    if extra:
        allowed = ", ".join(known) or "none"
        raise _CallError(f"unexpected field(s) {', '.join(map(repr, extra))}; allowed: {allowed}")
    missing = [p.name for p in params if p.required and p.name not in raw]
    if missing:
        raise _CallError(f"missing required field(s) {', '.join(map(repr, missing))}")
    checked: dict[str, str | tuple[int, int]] = {}
    for name, value in raw.items():
        param = known[name]
        if param.kind == "string":
            checked[name] = _check_string(name, value, param.may_be_empty)
        else:
            checked[name] = _check_range(name, value)
    return checked


def _text(arguments: Arguments, name: str) -> str:
    value = arguments[name]
    assert isinstance(value, str)  # `_validate` checked it
    return value


@dataclass(frozen=True)
class _Target:
    """A path the model named, resolved inside the sandbox."""

    shown: str  # relative to the work tree, for messages
    absolute: str
    kind: str  # dir, file, unreadable, other, missing
    size: int


def clip_middle(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters, keeping its head and tail, with a note saying
    how many characters were cut (a command's first lines and its last lines both matter)."""
    if len(text) <= limit:
        return text
    head, tail = limit // 2, limit - limit // 2
    cut = len(text) - head - tail
    return f"{text[:head]}\n[... {cut} characters cut from the middle ...]\n{text[-tail:]}"


def _lines(text: str) -> list[str]:
    """The lines of `text` split at "\n" only, as grep and sed count them (`splitlines` would
    also split at form feeds and the like, and the line numbers would disagree)."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def _number(lines: list[str], first: int) -> str:
    """Lines numbered from `first`, as `cat -n` shows them."""
    return "".join(f"{first + i:6}\t{line}\n" for i, line in enumerate(lines))


class ToolBox:
    """The agent's tools over one sandbox; `call` runs one tool call of the model's."""

    def __init__(self, sandbox: Sandbox, limits: ToolLimits | None = None) -> None:
        self.sandbox = sandbox
        self.limits = limits or ToolLimits()
        self.errors = 0  # error results so far (the loop records them)
        self._tools = self._tool_table()
        self.specs = tuple(
            ToolSpec(name, description, _schema(params))
            for name, (description, params, _) in self._tools.items()
        )

    def call(self, name: str, arguments: str) -> ToolResult:
        """Run tool `name` with the model's raw JSON `arguments`; never raises on model input.

        Raises:
            SandboxError: the sandbox itself failed (engine trouble, not the model's doing).
        """
        try:
            result = self._dispatch(name, arguments)
        except _CallError as exc:
            result = ToolResult(f"Error: {exc}", is_error=True)
        if result.is_error:
            self.errors += 1
        return result

    def _dispatch(self, name: str, arguments: str) -> ToolResult:
        if name not in self._tools:
            raise _CallError(f"unknown tool {name!r}; the tools are {', '.join(self._tools)}")
        _, params, run = self._tools[name]
        return run(_validate(params, _parse_object(arguments)))

    def _tool_table(self) -> dict[str, tuple[str, tuple[_Param, ...], _Runner]]:
        """name -> (description, parameters, runner), in the order the model is shown them."""
        bash = BASH_DESCRIPTION.format(timeout=f"{self.limits.command_timeout:g}")
        return {
            "bash": (bash, BASH_PARAMS, self._bash),
            "view": (VIEW_DESCRIPTION, VIEW_PARAMS, self._view),
            "str_replace": (STR_REPLACE_DESCRIPTION, STR_REPLACE_PARAMS, self._str_replace),
            "create": (CREATE_DESCRIPTION, CREATE_PARAMS, self._create),
            "submit": (SUBMIT_DESCRIPTION, SUBMIT_PARAMS, self._submit),
        }

    # -- paths

    def _resolve(self, path: str) -> _Target:
        """Resolve `path` in the sandbox; refuse one outside the work tree (`..`, an absolute
        path elsewhere, a symlink pointing out)."""
        done = self.sandbox.sh(RESOLVE_SCRIPT, path, timeout=HELPER_TIMEOUT)
        fields = done.stdout.split("\x00")
        if not done.ok or len(fields) < 3:
            raise _CallError(f"cannot resolve path {path!r}: {done.stderr.strip() or 'failed'}")
        kind, root, resolved = fields[0], fields[1], fields[2]
        if kind == "outside":
            raise _CallError(
                f"{path!r} is outside the repository (it resolves to {resolved}); "
                f"give a path inside {root}, relative to it"
            )
        if "\ufffd" in resolved:
            raise _CallError(f"{path!r} goes through a name that is not UTF-8; use bash for it")
        shown = "." if resolved == root else resolved[len(root) + 1 :]
        return _Target(shown, resolved, kind, int(fields[3] or 0))

    def _existing_file(self, path: str, target: _Target | None = None) -> _Target:
        """`path` resolved (unless `target` already is); raise `_CallError` unless it is a
        regular readable file."""
        target = target or self._resolve(path)
        if target.kind == "missing":
            raise _CallError(f"{target.shown} does not exist; list its folder with view")
        if target.kind == "dir":
            raise _CallError(f"{target.shown} is a directory, not a file")
        if target.kind != "file":
            raise _CallError(f"{target.shown} is not a regular readable file; inspect it with bash")
        return target

    def _buffer(self, data: bytes) -> str:
        """Place `data` in the scratch folder (outside the repository); its path."""
        buffer = f"{self.sandbox.scratch}/{BUFFER_NAME}"
        self.sandbox.write_files({buffer: data})
        return buffer

    # -- reading

    def _read_text(self, target: _Target) -> tuple[str, bool]:
        """The file's text, and whether it is only the start (a file past `max_file_bytes`)."""
        limit = self.limits.max_file_bytes
        if target.size <= limit:
            return _decode(self.sandbox.read_file(target.absolute), target.shown, final=True), False
        buffer = f"{self.sandbox.scratch}/{BUFFER_NAME}"
        done = self.sandbox.sh(HEAD_SCRIPT, str(limit), target.absolute, buffer)
        if not done.ok:
            raise _CallError(f"cannot read {target.shown}: {done.stderr.strip()}")
        return _decode(self.sandbox.read_file(buffer), target.shown, final=False), True

    # -- the tools

    def _bash(self, arguments: Arguments) -> ToolResult:
        timeout = self.limits.command_timeout
        done = self.sandbox.exec(
            ["sh", "-c", BASH_SCRIPT, "sh", _text(arguments, "command")], timeout=timeout
        )
        output = clip_middle(done.stdout + done.stderr, self.limits.max_output_chars)
        output = output or "(no output)\n"
        if not output.endswith("\n"):
            output += "\n"
        if done.timed_out:
            note = (
                f"[timed out: the command was killed after {timeout:g} s; run something "
                "shorter, or narrow it (one test file, a smaller input)]"
            )
            return ToolResult(f"Error: {output}{note}", is_error=True)
        return ToolResult(f"{output}[exit code: {done.exit_code}]")

    def _view(self, arguments: Arguments) -> ToolResult:
        target = self._resolve(_text(arguments, "path"))
        view_range = arguments.get("view_range")
        if target.kind == "dir":
            if view_range is not None:
                raise _CallError("view_range applies to files only; leave it out for a directory")
            return ToolResult(self._listing(target))
        target = self._existing_file(target.shown, target)
        text, partial = self._read_text(target)
        lines = _lines(text)
        start, end = view_range if isinstance(view_range, tuple) else (1, -1)
        return ToolResult(self._render(target, lines, start, end, partial))

    def _render(
        self, target: _Target, lines: list[str], start: int, end: int, partial: bool
    ) -> str:
        """Lines `start`..`end` numbered, cut to `max_view_chars` at a line, with notes."""
        total = len(lines)
        if not lines:
            return f"{target.shown} is empty.\n"
        if start > total:
            raise _CallError(f"{target.shown} has {total} lines; view_range starts at {start}")
        last = total if end == -1 else min(end, total)
        shown: list[str] = []
        used = 0
        for line in lines[start - 1 : last]:
            used += len(line) + 8
            if used > self.limits.max_view_chars and shown:
                break
            shown.append(line)
        body = _number(shown, start)
        stop = start + len(shown) - 1
        notes = []
        if stop < last:
            notes.append(
                f"[shown: lines {start}-{stop} of {total}; see more with "
                f"view_range=[{stop + 1}, {last}]]"
            )
        if partial:
            notes.append(
                f"[{target.shown} has {target.size} bytes: view read its first "
                f"{self.limits.max_file_bytes} bytes only; use bash (grep -n, sed -n) for the rest]"
            )
        return body + "".join(n + "\n" for n in notes)

    def _listing(self, target: _Target) -> str:
        done = self.sandbox.sh(LIST_SCRIPT, target.absolute, timeout=HELPER_TIMEOUT)
        if not done.ok:
            raise _CallError(f"cannot list {target.shown}: {done.stderr.strip()}")
        entries = done.stdout.splitlines()
        limit = self.limits.max_entries
        listed = "".join(f"{entry}\n" for entry in entries[:limit])
        more = f"[... {len(entries) - limit} more entries; use bash (ls, find)]\n"
        header = f"{target.shown}/ ({len(entries)} entries):\n"
        return header + listed + (more if len(entries) > limit else "")

    def _str_replace(self, arguments: Arguments) -> ToolResult:
        target = self._existing_file(_text(arguments, "path"))
        old, new = _text(arguments, "old_str"), _text(arguments, "new_str")
        if old == new:
            raise _CallError("old_str and new_str are the same: nothing would change")
        if target.size > self.limits.max_file_bytes:
            raise _CallError(
                f"{target.shown} has {target.size} bytes, more than str_replace edits "
                f"({self.limits.max_file_bytes}); edit it with bash (e.g. sed -i)"
            )
        text, _ = self._read_text(target)
        _require_once(text, old, target.shown)
        edited = text.replace(old, new, 1)
        done = self.sandbox.sh(OVERWRITE_SCRIPT, self._buffer(edited.encode()), target.absolute)
        if not done.ok:
            raise _CallError(f"cannot write {target.shown}: {done.stderr.strip()}")
        first = text[: text.index(old)].count("\n") + 1
        return ToolResult(_edit_snippet(target.shown, edited, first, new.count("\n") + 1))

    def _create(self, arguments: Arguments) -> ToolResult:
        path = _text(arguments, "path")
        if path.endswith("/"):
            raise _CallError(f"{path!r} ends with '/': give a file name (folders come with it)")
        target = self._resolve(path)
        if target.kind != "missing":
            raise _CallError(
                f"{target.shown} already exists; edit it with str_replace "
                "(or remove it with bash first)"
            )
        data = _text(arguments, "file_text").encode()
        done = self.sandbox.sh(CREATE_SCRIPT, self._buffer(data), target.absolute)
        if not done.ok:
            reason = done.stderr.strip()
            if "Not a directory" in reason or "File exists" in reason:
                reason = f"a folder on the path is a file, not a directory ({reason})"
            raise _CallError(f"cannot create {target.shown}: {reason}")
        return ToolResult(f"Created {target.shown} ({len(data)} bytes).")

    def _submit(self, arguments: Arguments) -> ToolResult:
        return ToolResult("Submitted.", submitted=True)


def _decode(data: bytes, shown: str, *, final: bool) -> str:
    """Strict UTF-8; `final=False` lets a character cut at the end of a partial read go."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError as exc:
        raise _CallError(
            f"{shown} is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start}); "
            f"it may be binary: inspect it with bash (file, xxd | head)"
        ) from None
    if "\x00" in text:
        raise _CallError(f"{shown} looks binary (it holds NUL bytes); inspect it with bash")
    return text


def _require_once(text: str, old: str, shown: str) -> None:
    """Raise `_CallError` unless `old` occurs exactly once in `text`, saying where it does."""
    count = text.count(old)
    if count == 1:
        return
    if count == 0:
        hint = ""
        if "\r\n" in text and "\r\n" not in old:
            hint = " (the file has CRLF line endings: old_str must have them too)"
        raise _CallError(
            f"old_str was not found in {shown}{hint}; view the file and copy the text "
            "exactly, whitespace and indentation included"
        )
    lines: list[str] = []
    at = text.find(old)
    while at != -1 and len(lines) < 10:
        lines.append(str(text[:at].count("\n") + 1))
        at = text.find(old, at + 1)
    raise _CallError(
        f"old_str occurs {count} times in {shown} (at lines {', '.join(lines)}); "
        "include more of the surrounding lines so that it occurs once"
    )


def _edit_snippet(shown: str, edited: str, first: int, count: int) -> str:
    """The edited lines of the file, with a few lines around them, numbered."""
    lines = _lines(edited)
    start = max(1, first - CONTEXT_LINES)
    stop = min(len(lines), first + count - 1 + CONTEXT_LINES)
    return f"Edited {shown}; it now reads, at lines {start}-{stop}:\n" + _number(
        lines[start - 1 : stop], start
    )
