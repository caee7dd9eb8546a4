"""The agent's tools on nasty input: every model mistake is an error result, never a raise."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from codebench.models.agent import ToolBox, ToolLimits, ToolResult, ToolSpec
from codebench.sandbox import Backend, ImageSet, Limits, open_sandbox
from codebench.sandbox.local import LocalSandbox

OPS = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A tiny repository, with a file outside it that a symlink points at."""
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    (repo / "pkg" / "ops.py").write_text(OPS)
    (repo / "pkg" / "twice.py").write_text("x = 1\nx = 1\n")
    (repo / "blob.bin").write_bytes(b"\xff\xfe\x00binary")
    (repo / "big.txt").write_text("".join(f"line {i}\n" for i in range(1, 5001)))
    (tmp_path / "secret.txt").write_text("do not read\n")
    return repo


@pytest.fixture
def box(tree: Path) -> Iterator[ToolBox]:
    sandbox = LocalSandbox(tree)
    (Path(sandbox.workdir) / "out").symlink_to(tree.parent)
    (Path(sandbox.workdir) / "leak.txt").symlink_to(tree.parent / "secret.txt")
    limits = ToolLimits(command_timeout=2, max_output_chars=400, max_view_chars=2000)
    yield ToolBox(sandbox, limits)
    sandbox.close()


def call(box: ToolBox, name: str, **arguments: object) -> ToolResult:
    return box.call(name, json.dumps(arguments))


def error(result: ToolResult, *words: str) -> None:
    assert result.is_error and not result.submitted, result.output
    for word in words:
        assert word in result.output, result.output


# -- the specs, in both OpenAI shapes


def test_specs_have_both_openai_shapes(box: ToolBox) -> None:
    names = [spec.name for spec in box.specs]
    assert names == ["bash", "view", "str_replace", "create", "submit"]
    spec = box.specs[0]
    chat = spec.chat_completions()
    assert chat["type"] == "function"
    assert chat["function"] == {
        "name": "bash",
        "description": spec.description,
        "parameters": spec.parameters,
        "strict": False,
    }
    responses = spec.responses()
    assert responses == {
        "type": "function",
        "name": "bash",
        "description": spec.description,
        "parameters": spec.parameters,
        "strict": False,
    }
    assert spec.parameters["required"] == ["command"]
    assert spec.parameters["additionalProperties"] is False
    json.dumps([s.responses() for s in box.specs])  # plain JSON all the way down


def test_spec_is_frozen() -> None:
    spec = ToolSpec("x", "d", {"type": "object"})
    with pytest.raises(AttributeError):
        spec.name = "y"  # type: ignore[misc]


# -- malformed calls


@pytest.mark.parametrize(
    ("name", "arguments", "words"),
    [
        ("rm_rf", "{}", ["unknown tool 'rm_rf'", "bash, view"]),
        ("bash", "{not json", ["not valid JSON"]),
        ("bash", '["ls"]', ["JSON object", "list"]),
        ("bash", '"ls"', ["JSON object"]),
        ("bash", "{}", ["missing", "'command'"]),
        ("bash", '{"command": "ls", "cwd": "/"}', ["unexpected", "'cwd'"]),
        ("bash", '{"command": 3}', ["'command'", "string"]),
        ("bash", '{"command": null}', ["'command'", "string"]),
        ("bash", '{"command": ""}', ["'command'", "empty"]),
        ("bash", '{"command": "echo \\u0000"}', ["NUL"]),
        ("bash", '{"command": "echo \\ud800"}', ["UTF-8"]),
        ("view", '{"path": "pkg/ops.py", "view_range": [1]}', ["view_range", "two"]),
        ("view", '{"path": "pkg/ops.py", "view_range": [true, 2]}', ["view_range", "integer"]),
        ("view", '{"path": "pkg/ops.py", "view_range": "1-2"}', ["view_range"]),
        ("view", '{"path": "pkg/ops.py", "view_range": [3, 2]}', ["view_range"]),
        ("view", '{"path": "pkg/ops.py", "view_range": [0, 2]}', ["view_range"]),
        ("view", '{"path": "pkg/ops.py", "view_range": [99, 100]}', ["6 lines"]),
        ("submit", '{"message": 1}', ["'message'", "string"]),
        ("submit", '{"force": true}', ["unexpected"]),
    ],
)
def test_malformed_calls_are_errors(
    box: ToolBox, name: str, arguments: str, words: list[str]
) -> None:
    error(box.call(name, arguments), *words)


def test_errors_are_counted_and_survived(box: ToolBox) -> None:
    error(box.call("nope", "{}"))
    error(box.call("bash", "{"))
    assert box.errors == 2
    assert not call(box, "bash", command="true").is_error
    assert box.errors == 2


# -- paths


@pytest.mark.parametrize(
    "path", ["../secret.txt", "pkg/../../secret.txt", "/etc/passwd", "out/secret.txt", "leak.txt"]
)
def test_paths_outside_the_work_tree_are_refused(box: ToolBox, tree: Path, path: str) -> None:
    error(call(box, "view", path=path), "outside the repository")
    error(call(box, "create", path=path + "/new.py", file_text="x"), "outside the repository")
    error(call(box, "str_replace", path=path, old_str="do", new_str="did"), "outside")
    assert (tree.parent / "secret.txt").read_text() == "do not read\n"
    assert sorted(p.name for p in tree.parent.iterdir()) == ["repo", "secret.txt"]


def test_an_absolute_path_inside_the_tree_is_fine(box: ToolBox) -> None:
    result = call(box, "view", path=f"{box.sandbox.workdir}/pkg/ops.py")
    assert not result.is_error and "def add" in result.output


def test_a_missing_path_says_so(box: ToolBox) -> None:
    error(call(box, "view", path="pkg/nope.py"), "does not exist")
    error(call(box, "str_replace", path="nope.py", old_str="a", new_str="b"), "does not exist")
    error(call(box, "view", path=""), "'path'", "empty")


# -- view


def test_view_numbers_lines_and_takes_a_range(box: ToolBox) -> None:
    whole = call(box, "view", path="pkg/ops.py")
    assert not whole.is_error
    assert "     1\tdef add(a, b):" in whole.output and "     6\t    return a - b" in whole.output
    part = call(box, "view", path="pkg/ops.py", view_range=[5, -1])
    assert "     5\tdef sub(a, b):" in part.output and "def add" not in part.output
    clamped = call(box, "view", path="pkg/ops.py", view_range=[6, 60])
    assert not clamped.is_error and "     6\t" in clamped.output


def test_view_numbers_lines_as_grep_does(box: ToolBox) -> None:
    box.sandbox.write_files({"ff.py": b"a = 1\n\x0c\nb = 2\x0bc\n"})  # form feed, vertical tab
    assert "     3\tb = 2" in call(box, "view", path="ff.py").output
    assert call(box, "bash", command="grep -n 'b = 2' ff.py").output.startswith("3:")


def test_view_lists_a_directory(box: ToolBox) -> None:
    result = call(box, "view", path=".")
    assert not result.is_error
    assert "pkg/" in result.output and "big.txt" in result.output
    error(call(box, "view", path="pkg", view_range=[1, 2]), "view_range", "file")


def test_view_refuses_binary_and_non_utf8(box: ToolBox) -> None:
    error(call(box, "view", path="blob.bin"), "not UTF-8 text", "bash")
    box.sandbox.write_files({"nul.txt": b"a\x00b\n"})
    error(call(box, "view", path="nul.txt"), "binary")


def test_view_truncates_a_long_file_with_a_note(box: ToolBox) -> None:
    result = call(box, "view", path="big.txt")
    assert not result.is_error
    assert len(result.output) < 2300
    assert "     1\tline 1\n" in result.output
    assert "of 5000" in result.output and "view_range" in result.output
    tail = call(box, "view", path="big.txt", view_range=[4999, -1])
    assert "  5000\tline 5000" in tail.output


def test_view_reads_only_the_start_of_a_huge_file(tree: Path) -> None:
    huge = "é" * 3000  # two bytes each: the read stops inside a character
    (tree / "huge.txt").write_text(huge + "\nend\n")
    with LocalSandbox(tree) as sandbox:
        box = ToolBox(sandbox, ToolLimits(max_file_bytes=1001, max_view_chars=100_000))
        result = call(box, "view", path="huge.txt")
        assert not result.is_error, result.output
        assert "end" not in result.output and "first 1001 bytes" in result.output
        error(call(box, "str_replace", path="huge.txt", old_str="end", new_str="x"), "bash")


# -- str_replace


def test_str_replace_edits_one_exact_occurrence(box: ToolBox) -> None:
    result = call(box, "str_replace", path="pkg/ops.py", old_str="a - b", new_str="b - a")
    assert not result.is_error, result.output
    assert "b - a" in result.output  # the edited lines, shown back
    assert box.sandbox.read_file("pkg/ops.py").decode() == OPS.replace("a - b", "b - a")
    assert "+    return b - a" in box.sandbox.diff()


def test_str_replace_counts_what_is_not_unique(box: ToolBox) -> None:
    error(call(box, "str_replace", path="pkg/twice.py", old_str="x = 1", new_str="y"), "2 times")
    error(call(box, "str_replace", path="pkg/ops.py", old_str="a * b", new_str="y"), "not found")
    error(call(box, "str_replace", path="pkg/ops.py", old_str="", new_str="y"), "empty")
    error(call(box, "str_replace", path="pkg/ops.py", old_str="add", new_str="add"), "same")
    error(call(box, "str_replace", path="pkg", old_str="a", new_str="b"), "directory")
    error(call(box, "str_replace", path="blob.bin", old_str="b", new_str="c"), "UTF-8")
    assert "pkg/" not in box.sandbox.diff()  # (the fixture's symlinks are in it)


def test_str_replace_keeps_an_executable_bit(box: ToolBox) -> None:
    assert call(box, "bash", command="printf 'echo hi\\n' > run.sh && chmod +x run.sh").output
    assert not call(box, "str_replace", path="run.sh", old_str="hi", new_str="ho").is_error
    assert call(box, "bash", command="./run.sh").output.startswith("ho\n")


# -- create


def test_create_writes_a_new_file_and_its_folders(box: ToolBox) -> None:
    result = call(box, "create", path="new/deep/mod.py", file_text="X = 1\n")
    assert not result.is_error, result.output
    assert box.sandbox.read_file("new/deep/mod.py") == b"X = 1\n"


def test_create_refuses_to_overwrite(box: ToolBox) -> None:
    error(call(box, "create", path="pkg/ops.py", file_text="gone"), "already exists", "str_replace")
    error(call(box, "create", path="pkg", file_text="gone"), "already exists")
    error(call(box, "create", path="pkg/ops.py/inner.py", file_text="x"), "not a directory")
    error(call(box, "create", path="newdir/", file_text="x"), "file name")
    assert "pkg/" not in box.sandbox.diff()  # (the fixture's symlinks are in it)


# -- bash


def test_bash_reports_output_and_exit_code(box: ToolBox) -> None:
    result = call(box, "bash", command="echo out; echo err >&2; exit 3")
    assert not result.is_error
    assert "out\nerr\n" in result.output and "exit code: 3" in result.output
    assert "(no output)" in call(box, "bash", command="true").output


def test_bash_runs_in_the_work_tree_without_stdin(box: ToolBox) -> None:
    assert call(box, "bash", command="ls pkg").output.startswith("ops.py\ntwice.py\n")
    result = call(box, "bash", command="cat")  # would wait for the harness's stdin otherwise
    assert not result.is_error and "exit code: 0" in result.output


def test_bash_truncates_keeping_head_and_tail(box: ToolBox) -> None:
    result = call(box, "bash", command="seq 1 5000")
    assert result.output.startswith("1\n2\n")
    assert "5000\n" in result.output
    assert "characters cut" in result.output
    assert len(result.output) < 600


def test_bash_timeout_is_an_error_the_box_survives(box: ToolBox) -> None:
    result = call(box, "bash", command="echo started; sleep 30")
    error(result, "timed out", "2 s")
    assert "started" in result.output
    assert box.errors == 1
    assert "alive" in call(box, "bash", command="echo alive").output


# -- submit


def test_submit_ends_the_work(box: ToolBox) -> None:
    assert box.call("submit", "").submitted  # some models send no arguments at all
    done = call(box, "submit", message="fixed div")
    assert done.submitted and not done.is_error
    assert box.errors == 0


@pytest.mark.docker
def test_bash_in_docker_has_a_timeout_and_no_network(docker_images: ImageSet, tree: Path) -> None:
    image = docker_images.image_id("python")
    with open_sandbox(Backend.DOCKER, tree, image, Limits()) as sandbox:
        box = ToolBox(sandbox, ToolLimits(command_timeout=3))
        probe = (
            "import socket; s = socket.socket(); s.settimeout(2)\n"
            "try:\n    s.connect(('1.1.1.1', 53)); print('CONNECTED')\n"
            "except OSError as e:\n    print('no network:', e)\n"
        )
        offline = call(box, "bash", command=f'python3 -c "{probe}"')
        assert "no network" in offline.output and "CONNECTED" not in offline.output
        slow = call(box, "bash", command="sleep 30")
        error(slow, "timed out")
        assert "def add" in call(box, "view", path="pkg/ops.py").output
        error(call(box, "view", path="/etc/passwd"), "outside the repository")
        edit = call(box, "str_replace", path="pkg/ops.py", old_str="a - b", new_str="b - a")
        assert not edit.is_error, edit.output
        assert "+    return b - a" in sandbox.diff()


def test_odd_files_and_long_listings(tree: Path) -> None:
    for i in range(30):
        (tree / "many" / f"f{i:02}.txt").parent.mkdir(exist_ok=True)
        (tree / "many" / f"f{i:02}.txt").write_text("x\n")
    (tree / "crlf.txt").write_bytes(b"a = 1\r\nb = 2\r\n")
    with LocalSandbox(tree) as sandbox:
        box = ToolBox(sandbox, ToolLimits(max_entries=10))
        listing = call(box, "view", path="many").output
        assert "f09.txt" in listing and "f10.txt" not in listing and "20 more entries" in listing
        assert call(box, "bash", command="mkfifo pipe").output.endswith("[exit code: 0]")
        error(call(box, "view", path="pipe"), "not a regular readable file")
        error(call(box, "str_replace", path="crlf.txt", old_str="a = 1\nb", new_str="c"), "CRLF")
        assert call(box, "view", path="nothing/here/../../crlf.txt").output.startswith(
            "     1\ta = 1"
        )
        result = call(box, "view", path="gone.txt")
        assert result.output.startswith("Error: ")
        with pytest.raises(AttributeError):
            result.is_error = False  # type: ignore[misc]
