"""Shared file plumbing: atomic writes that fail cleanly, and files read into models with
messages that name the file and every bad key."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from codebench.errors import ConfigError, TaskError
from codebench.io import (
    UNKNOWN_KEY,
    BadKey,
    load_json,
    load_toml,
    where,
    write_bytes_atomic,
    write_text_atomic,
)

# --- atomic writes ---------------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    """Everything in the folder but the files a test put there on purpose."""
    return sorted(p.name for p in folder.iterdir() if p.name != "out.json")


def test_a_failed_rename_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        write_text_atomic(target, "new")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_a_write_that_fails_midway_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    real_write = os.write
    calls = []

    def half_then_fail(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(5, "Input/output error")
        return real_write(fd, bytes(data[: len(data) // 2]))  # a short write, then an error

    monkeypatch.setattr(os, "write", half_then_fail)
    with pytest.raises(OSError, match="Input/output"):
        write_bytes_atomic(target, b"x" * 1000)
    assert calls == [1000, 500]  # the short write was continued before the failure
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_an_interrupt_also_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.json"

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(target, "new")
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_the_file_is_fsynced_before_the_rename_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_text_atomic(tmp_path / "out.json", "new")
    expected = ["fsync file", "replace"] + (["fsync folder"] if os.name == "posix" else [])
    assert events == expected
    assert (tmp_path / "out.json").read_text() == "new"


def test_a_folder_that_cannot_be_synced_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync

    def no_folder_sync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(22, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", no_folder_sync)
    assert write_text_atomic(tmp_path / "out.json", "new").read_text() == "new"


def test_writes_text_and_bytes_replacing_and_creating_folders(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "out.json"
    assert write_text_atomic(target, "é\n") == target
    assert target.read_bytes() == "é\n".encode()  # UTF-8, no newline translation
    write_bytes_atomic(target, b"\x00\xff")
    assert target.read_bytes() == b"\x00\xff"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        path = write_text_atomic(tmp_path / "out.json", "{}")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # readable by the tools that serve it


def test_an_unencodable_text_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(tmp_path / "out.json", "é", encoding="ascii")
    assert list(tmp_path.iterdir()) == []


# --- files into models -----------------------------------------------------------------------


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    temperature: float | None = None
    max_tokens: int = 1


class Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    retries: int = 0
    models: dict[str, Inner] = {}
    fallback: Inner | None = None
    layers: list[Inner] = []


def toml_file(tmp_path: Path, text: str | bytes, name: str = "bench.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_non_utf8_toml_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = toml_file(tmp_path, b'name = "ok"\nretries = 1\ncomment = "caf\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        load_toml(path, Outer)
    assert str(caught.value).startswith(f"{path}: is not UTF-8 text: byte 0xe9 on line 3")


def test_a_toml_syntax_error_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = toml_file(tmp_path, 'name = "ok"\n\nretries = = 2\n')
    with pytest.raises(ConfigError, match=r"bench\.toml: is not valid TOML: .*line 3"):
        load_toml(path, Outer)


def test_two_misspelt_keys_are_both_named_with_their_suggestions(tmp_path: Path) -> None:
    path = toml_file(tmp_path, 'nmae = "x"\nretires = 2\n')
    with pytest.raises(ConfigError) as caught:
        load_toml(path, Outer)
    message = str(caught.value)
    assert message.startswith(f"{path}: 3 problems:\n")
    assert "  name: is required but missing" in message
    assert "  nmae: unknown key; remove it or fix its spelling (did you mean 'name'?)" in message
    assert "  retires: unknown key; remove it or fix its spelling (did you mean 'retries'?)" in (
        message
    )


def test_a_nested_misspelt_key_is_suggested_from_the_nested_model(tmp_path: Path) -> None:
    path = toml_file(
        tmp_path,
        'name = "x"\n[models."openai:x"]\ntemprature = 0.5\n[fallback]\nmax_tokns = 3\n'
        "[[layers]]\nmax_tokens = 2\n[[layers]]\ntempreature = 1\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_toml(path, Outer)
    message = str(caught.value)
    assert '[models."openai:x"] temprature: unknown key' in message
    assert "(did you mean 'temperature'?)" in message
    assert "[fallback] max_tokns: unknown key; remove it or fix its spelling (did you mean " in (
        message
    )
    assert "[layers[1]] tempreature: unknown key" in message
    assert message.count("did you mean") == 3


def test_an_unknown_key_with_nothing_close_gets_no_suggestion(tmp_path: Path) -> None:
    path = toml_file(tmp_path, 'name = "x"\ncolour = "red"\n')
    with pytest.raises(ConfigError) as caught:
        load_toml(path, Outer)
    assert str(caught.value) == f"{path}: colour: {UNKNOWN_KEY}"


def test_a_wrong_type_names_the_key_and_the_value(tmp_path: Path) -> None:
    path = toml_file(tmp_path, 'name = "x"\nretries = "two"\n[models.m]\nmax_tokens = 1.5\n')
    with pytest.raises(ConfigError) as caught:
        load_toml(path, Outer)
    message = str(caught.value)
    assert "  retries: Input should be a valid integer" in message
    assert "(got 'two')" in message
    assert "  [models.m] max_tokens: Input should be a valid integer" in message


def test_a_table_is_validated_alone_and_named_in_messages(tmp_path: Path) -> None:
    path = toml_file(tmp_path, '[job]\nretries = 1\n[other]\nanything = "goes"\n')
    with pytest.raises(ConfigError, match=r"bench\.toml: \[job\] name: is required but missing"):
        load_toml(path, Outer, table="job")
    path.write_text('[job]\nname = "x"\n')
    assert load_toml(path, Outer, table="job").name == "x"
    assert load_toml(path, Inner, table="absent") == Inner()


def test_other_tables_are_left_to_their_owners(tmp_path: Path) -> None:
    path = toml_file(tmp_path, 'name = "x"\n[nightly]\nmodels = ["gold"]\n')
    with pytest.raises(ConfigError, match="nightly: unknown key"):
        load_toml(path, Outer)
    assert load_toml(path, Outer, other_tables={"nightly"}).name == "x"


def test_the_caller_chooses_the_error(tmp_path: Path) -> None:
    seen: list[BadKey] = []

    def task_error(path: Path, message: str, bad_keys: Sequence[BadKey]) -> TaskError:
        seen.extend(bad_keys)
        return TaskError(path, message, bad_keys[0].key if bad_keys else None)

    path = toml_file(tmp_path, 'name = "x"\n[models."a.b"]\ntemprature = 1\n', "task.toml")
    with pytest.raises(TaskError) as caught:
        load_toml(path, Outer, task_error)
    assert caught.value.field == "models.a.b.temprature"
    assert seen[0].loc == ("models", "a.b", "temprature")
    assert '[models."a.b"] temprature' in str(caught.value)


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.toml: cannot be read"):
        load_toml(tmp_path / "missing.toml", Outer)


def test_a_truncated_json_file_says_where_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    path.write_text('{"name": "x",\n "models": {"m": {"max_tokens": 2')
    with pytest.raises(ConfigError) as caught:
        load_json(path, Outer)
    assert str(caught.value).startswith(f"{path}: is not valid JSON: EOF while parsing")
    assert "line 2" in str(caught.value)


def test_json_bad_keys_are_dotted_paths(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"name": "x", "models": {"a b": {"max_tokns": 1}}}')
    with pytest.raises(ConfigError) as caught:
        load_json(path, Outer)
    assert str(caught.value) == (
        f"{path}: models.\"a b\".max_tokns: {UNKNOWN_KEY} (did you mean 'max_tokens'?)"
    )
    path.write_text('{"name": "x"}')
    assert load_json(path, Outer).name == "x"


def test_a_byte_order_mark_is_not_an_error(tmp_path: Path) -> None:
    path = toml_file(tmp_path, '\ufeffname = "x"\n'.encode())
    assert load_toml(path, Outer).name == "x"


@pytest.mark.parametrize(
    ("loc", "toml", "json_path"),
    [
        ((), "the top level", "the top level"),
        (("name",), "name", "name"),
        (("models", "openai:x", "temprature"), '[models."openai:x"] temprature', None),
        (("fail_to_pass", 0), "fail_to_pass[0]", "fail_to_pass[0]"),
        (("layers", 1, "max_tokens"), "[layers[1]] max_tokens", "layers[1].max_tokens"),
    ],
)
def test_where(loc: tuple[str | int, ...], toml: str, json_path: str | None) -> None:
    assert where(loc) == toml
    if json_path is not None:
        assert where(loc, "json") == json_path
