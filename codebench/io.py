"""Shared file plumbing: atomic writes, and TOML or JSON files read into pydantic models.

A write either leaves the old file or puts the whole new one in its place, durably. A file read
into a model fails with one message that names the file and every bad key in it, each with its
problem (and, for a misspelt key, the key that was probably meant); the caller picks the error
class, so `task.toml` fails as a `TaskError` and configuration as a `ConfigError`.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import secrets
import tomllib
import types
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from codebench.errors import CodebenchError, ConfigError

ModelT = TypeVar("ModelT", bound=BaseModel)
Style = Literal["toml", "json"]

UNKNOWN_KEY = "unknown key; remove it or fix its spelling"
MISSING_KEY = "is required but missing"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TEMP_TRIES = 100
_SHOWN_INPUT = 60  # characters of a bad value quoted back in a message


# --- atomic writes ---------------------------------------------------------------------------


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Replace `path` with `data` so that readers see the old file or the new one, never a part.

    The parent folders are created. The data goes to a temporary file beside `path`, is
    fsynced, renamed over `path`, and the folder is fsynced where the platform allows, so the
    new file survives a crash once this returns. On any failure the temporary file is removed
    and the old file is left as it was. New files get the usual permissions (0o666 less umask).

    Raises:
        OSError: the folder or file cannot be created, written, synced or renamed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_folder(path.parent)
    return path


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """`write_bytes_atomic` of `text` encoded (no newline translation on any platform).

    Raises:
        OSError: as `write_bytes_atomic`.
        UnicodeEncodeError: the text cannot be encoded (nothing is written then).
    """
    return write_bytes_atomic(path, text.encode(encoding))


def _create_temp(path: Path) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    for _ in range(_TEMP_TRIES):
        tmp = path.with_name(f".{path.name[:200]}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # e.g. Windows cannot open a folder; the rename has happened all the same
    try:
        with contextlib.suppress(OSError):  # some file systems refuse to sync a folder
            os.fsync(fd)
    finally:
        os.close(fd)


# --- files into models -----------------------------------------------------------------------


@dataclass(frozen=True)
class BadKey:
    """One problem with one key of a file: its location (tables, keys, list indices) and what."""

    loc: tuple[str | int, ...]
    problem: str

    @property
    def key(self) -> str:
        """The location as a plain dotted path, e.g. `models.openai:x.temprature`."""
        return ".".join(str(part) for part in self.loc)


# (the file, one message naming every bad key, the bad keys) -> the error to raise. The bad keys
# are empty when the file could not be read or parsed at all.
ErrorFactory = Callable[[Path, str, Sequence[BadKey]], CodebenchError]


def config_error(path: Path, message: str, bad_keys: Sequence[BadKey]) -> ConfigError:
    """The default `ErrorFactory`: a `ConfigError` reading `<file>: <message>`."""
    return ConfigError(f"{path}: {message}")


def read_text(path: Path, error: ErrorFactory = config_error) -> str:
    """The file's text: UTF-8 (a leading byte-order mark is dropped).

    Raises:
        CodebenchError: made by `error` (`ConfigError` by default) when the file cannot be read
            or is not UTF-8; the message names the line and byte offset of the first bad
            byte and says to save the file as UTF-8.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(path, f"cannot be read: {exc.strerror or exc}", ()) from exc
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = (
            f"is not UTF-8 text: byte {data[exc.start]:#04x} on line {line} "
            f"(byte offset {exc.start}: {exc.reason}); save it as UTF-8"
        )
        raise error(path, message, ()) from exc


def read_toml(path: Path, error: ErrorFactory = config_error) -> dict[str, Any]:
    """The file parsed as TOML.

    Raises:
        CodebenchError: made by `error` (`ConfigError` by default) when the file cannot be
            read, is not UTF-8, or is not TOML (the message has the line and column).
    """
    text = read_text(path, error)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(path, f"is not valid TOML: {exc}", ()) from exc


def load_toml(
    path: Path,
    model: type[ModelT],
    error: ErrorFactory = config_error,
    *,
    table: str | None = None,
    other_tables: Collection[str] = (),
) -> ModelT:
    """A TOML file validated into `model`: the whole file, or only its `[table]` (absent: {}).

    `other_tables` are top-level tables that other parts of codebench own in a shared file;
    they are left out before the rest is validated strictly.

    Raises:
        CodebenchError: made by `error` (`ConfigError` by default) when the file cannot be
            read or parsed, or does not fit the model; the message names every bad key, e.g.
            `[models."openai:x"] temprature: unknown key; ... (did you mean 'temperature'?)`.
    """
    raw = read_toml(path, error)
    if table is not None:
        return validate(raw.get(table, {}), model, path, error, at=(table,))
    kept = {key: value for key, value in raw.items() if key not in other_tables}
    return validate(kept, model, path, error)


def load_json(path: Path, model: type[ModelT], error: ErrorFactory = config_error) -> ModelT:
    """A JSON file validated into `model`.

    Raises:
        CodebenchError: made by `error` (`ConfigError` by default) when the file cannot be
            read, is not UTF-8, is not JSON (the message has the line and column: a truncated
            file says where it ends), or does not fit the model (every bad key named).
    """
    text = read_text(path, error)
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        broken = [e for e in exc.errors() if e["type"] == "json_invalid"]
        if broken:
            reason = broken[0].get("ctx", {}).get("error", broken[0]["msg"])
            raise error(path, f"is not valid JSON: {reason}", ()) from exc
        raise _invalid(exc, model, path, error, (), "json") from exc


def validate(
    raw: object,
    model: type[ModelT],
    path: Path,
    error: ErrorFactory = config_error,
    *,
    at: tuple[str | int, ...] = (),
    style: Style = "toml",
) -> ModelT:
    """`raw` (parsed from `path`, found there at location `at`) validated into `model`.

    Raises:
        CodebenchError: made by `error` (`ConfigError` by default), naming the file and every
            bad key with its problem; see `describe`.
    """
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _invalid(exc, model, path, error, at, style) from exc


def bad_keys(
    exc: ValidationError, model: type[BaseModel], at: tuple[str | int, ...] = ()
) -> list[BadKey]:
    """Every problem of a validation error, located in the file (`at` is the model's place).

    An unknown key gets a did-you-mean suggestion from the fields of the model at its place.
    """
    return [BadKey((*at, *error["loc"]), _problem(error, model)) for error in exc.errors()]


def describe(keys: Sequence[BadKey], style: Style = "toml") -> str:
    """One message for all the bad keys: the key and its problem, one per line when several."""
    lines = [f"{where(key.loc, style)}: {key.problem}" for key in keys]
    if len(lines) == 1:
        return lines[0]
    return f"{len(lines)} problems:\n" + "\n".join(f"  {line}" for line in lines)


def where(loc: Sequence[str | int], style: Style = "toml") -> str:
    """A location as a reader finds it: `[models."openai:x"] temprature` in TOML (the table,
    then the key), `models."openai:x".temprature` in JSON; list indices as `[0]`."""
    pieces: list[str] = []
    for part in loc:
        if isinstance(part, int) and pieces:
            pieces[-1] += f"[{part}]"
        else:
            text = str(part)
            pieces.append(text if _BARE_KEY.fullmatch(text) else json.dumps(text))
    if not pieces:
        return "the top level"
    if style == "json" or len(pieces) == 1:
        return ".".join(pieces)
    return f"[{'.'.join(pieces[:-1])}] {pieces[-1]}"


def _invalid(
    exc: ValidationError,
    model: type[BaseModel],
    path: Path,
    error: ErrorFactory,
    at: tuple[str | int, ...],
    style: Style,
) -> CodebenchError:
    keys = bad_keys(exc, model, at)
    return error(path, describe(keys, style), keys)


def _problem(error: ErrorDetails, model: type[BaseModel]) -> str:
    if error["type"] == "extra_forbidden":
        return UNKNOWN_KEY + _suggestion(model, error["loc"])
    if error["type"] == "missing":
        return MISSING_KEY
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str | int | float | bool):
        shown = repr(value)
        if len(shown) > _SHOWN_INPUT:
            shown = shown[: _SHOWN_INPUT - 3] + "..."
        message += f" (got {shown})"
    return message


def _suggestion(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    if not loc or not isinstance(loc[-1], str):
        return ""
    owner = _model_at(model, loc[:-1])
    if owner is None:
        return ""
    names = [field.alias or name for name, field in owner.model_fields.items()]
    close = difflib.get_close_matches(loc[-1], names, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model that validates the value at `loc` inside `model`, if one does."""
    annotation: object = model
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    return _as_model(annotation)


def _step(annotation: object, part: str | int) -> object:
    """The annotation of what sits at `part` inside a value of type `annotation`, or None."""
    annotation = _unwrap(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        for arg in args:  # pydantic names the union member it tried: `loc` holds its name
            if isinstance(arg, type) and issubclass(arg, BaseModel) and arg.__name__ == part:
                return arg
        return next((found for arg in args if (found := _step(arg, part)) is not None), None)
    model = _as_model(annotation)
    if model is not None:
        fields = model.model_fields.items()
        return next((f.annotation for name, f in fields if part in (name, f.alias)), None)
    if isinstance(origin, type) and issubclass(origin, Mapping) and args:
        return args[-1]
    return args[0] if origin is not None and args else None  # list[X], tuple[X, ...], set[X]


def _unwrap(annotation: object) -> object:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _as_model(annotation: object) -> type[BaseModel] | None:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType):
        models = [m for m in map(_as_model, get_args(annotation)) if m is not None]
        return models[0] if models else None
    return None
