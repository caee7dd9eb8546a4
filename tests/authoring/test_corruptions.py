"""The libcst corruptions of `tasks synth`: every kind on the fixture package, the reversal
restoring every byte, what is never corrupted, and the transforms' awkward inputs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codebench.authoring.corruptions import Corrupted, Corruptor, Site, is_source_file
from codebench.patching.render import render_diff
from codebench.tasks import Corruption
from codebench.tasks.loader import read_texts

SHAPES = Path(__file__).resolve().parent.parent / "fixtures" / "synth" / "shapes"


def corruptor(files: dict[str, str], *kinds: Corruption) -> Corruptor:
    return Corruptor(files, kinds or tuple(Corruption))


def made(c: Corruptor, site: Site) -> Corrupted:
    corrupted = c.corrupt(site)
    assert corrupted is not None, site
    return corrupted


def restored(tmp_path: Path, corrupted: Corrupted) -> bytes:
    """The corrupted file after `git apply` of the gold patch (the reversal)."""
    path = corrupted.site.path
    (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / path).write_bytes(corrupted.text.encode())
    gold = render_diff({path: corrupted.text}, {path: corrupted.original})
    subprocess.run(["git", "apply", "-"], cwd=tmp_path, input=gold.encode(), check=True)
    return (tmp_path / path).read_bytes()


def test_the_reversal_restores_every_byte_of_an_awkward_file(tmp_path: Path) -> None:
    """No newline at the end, tabs, non-ASCII text, a BOM-less CRLF-free file with a comment
    that looks like code: each corruption's gold patch gives back the original bytes."""
    text = (
        "# é if x < 1: return\ndef f(xs):\n\tif not xs:\n\t\treturn None  # «none»\n"
        "\treturn xs[0] < len(xs) + 1"
    )
    c = corruptor({"pkg/m.py": text})
    assert {s.kind for s in c.sites} >= {
        Corruption.REMOVED_GUARD,
        Corruption.OFF_BY_ONE,
        Corruption.COMPARISON,
        Corruption.ARITHMETIC,
        Corruption.CONSTANT,
    }
    for number, site in enumerate(c.sites):
        corrupted = made(c, site)
        assert corrupted.text != text
        assert restored(tmp_path / str(number), corrupted) == text.encode()


def test_files_a_diff_cannot_restore_are_left_alone() -> None:
    """str.splitlines splits at form feeds and carriage returns too: a diff of such a file
    would not give its bytes back."""
    for odd in ("\x0c", "\r\n", "\u2028"):
        text = f"def f(a):{odd}    return a + 1\n"
        assert corruptor({"m.py": text}).sites == ()


def test_tests_conftest_and_setup_scripts_are_never_corrupted() -> None:
    texts = read_texts(SHAPES)
    sites = corruptor(texts).sites
    assert {s.path for s in sites} == {
        "shapes/geometry.py",
        "shapes/report.py",
        "shapes/settings.py",
        "shapes/untested.py",
    }
    for path in ("tests/conftest.py", "tests/helpers.py", "tests/test_x.py", "setup.py"):
        assert not is_source_file(path)
    assert corruptor({"conftest.py": "def f():\n    return 1 + 1\n"}).sites == ()


def test_every_kind_has_sites_on_the_fixture_package(tmp_path: Path) -> None:
    c = corruptor(read_texts(SHAPES))
    described = {(s.kind, s.function, s.description) for s in c.sites}
    expected = {
        (Corruption.COMPARISON, "clamp", "`>` -> `>=`"),
        (Corruption.ARITHMETIC, "area", "`*` -> `//`"),
        (Corruption.OFF_BY_ONE, "upto", "range stop `n` -> `n - 1`"),
        (Corruption.OFF_BY_ONE, "ends", "index `1` -> `2`"),
        (Corruption.CONSTANT, "perimeter", "`2` -> `3`"),
        (Corruption.REMOVED_GUARD, "clamp", "guard `if low > high:` removed"),
        (Corruption.SWAPPED_ARGUMENTS, "clamp", "arguments 1 and 2 of `min(...)` swapped"),
        (Corruption.RENAMED_FUNCTION, "area", "`area` renamed `area_impl` in its module only"),
        (
            Corruption.NEW_PARAMETER,
            "perimeter",
            "`perimeter` given a required parameter `options`, callers unchanged",
        ),
    }
    assert expected <= described
    for number, site in enumerate(c.sites):
        corrupted = made(c, site)
        assert restored(tmp_path / str(number), corrupted) == corrupted.original.encode()


def test_local_corruptions_change_one_line_only() -> None:
    c = corruptor(read_texts(SHAPES))
    for site in c.sites:
        if site.kind.scope.value != "local" or site.kind is Corruption.REMOVED_GUARD:
            continue
        corrupted = made(c, site)
        old, new = corrupted.original.splitlines(), corrupted.text.splitlines()
        changed = [n for n, (a, b) in enumerate(zip(old, new, strict=True), 1) if a != b]
        assert changed == [site.line], site


def test_global_kinds_need_a_caller_in_another_module() -> None:
    c = corruptor(read_texts(SHAPES), Corruption.RENAMED_FUNCTION, Corruption.NEW_PARAMETER)
    assert {(s.function, s.callers) for s in c.sites} == {
        ("area", ("shapes/report.py",)),
        ("perimeter", ("shapes/report.py",)),
    }


def test_a_rename_leaves_attributes_keywords_and_strings_alone() -> None:
    text = (
        "def area(w, h):\n    return w * h\n\n\n"
        "def twice(box):\n    return area(box.area, h=2) + area(1, area=3) if 'area' else 0\n"
    )
    c = corruptor({"m.py": text, "n.py": "from m import area\n"}, Corruption.RENAMED_FUNCTION)
    (site,) = c.sites
    assert made(c, site).text == text.replace("def area", "def area_impl").replace(
        "return area(box", "return area_impl(box"
    ).replace("+ area(1", "+ area_impl(1")


@pytest.mark.parametrize(
    ("signature", "corrupted"),
    [
        ("def f():", "def f(options):"),
        ("def f(a, b=1, *rest, c=2):", "def f(a, options, b=1, *rest, c=2):"),
        ("def f(\n    a,\n    b,\n):", "def f(\n    a,\n    b,\n    options,\n):"),
        ("def f(\n    a,\n):", "def f(\n    a, options,\n):"),
    ],
)
def test_a_new_parameter_goes_after_the_required_ones(signature: str, corrupted: str) -> None:
    text = f"{signature}\n    return 0\n"
    c = corruptor({"m.py": text, "n.py": "import m\nm.f()\n"}, Corruption.NEW_PARAMETER)
    (site,) = c.sites
    assert made(c, site).text == f"{corrupted}\n    return 0\n"


def test_a_new_parameter_name_is_one_the_module_does_not_use() -> None:
    text = "def f(options):\n    context = options\n    return context\n"
    c = corruptor({"m.py": text, "n.py": "from m import f\n"}, Corruption.NEW_PARAMETER)
    assert [s.description for s in c.sites] == [
        "`f` given a required parameter `mode`, callers unchanged"
    ]


def test_a_guard_that_is_the_whole_body_is_no_site() -> None:
    """Removing it would leave `pass` (libcst fills an empty body): no guard, no function."""
    whole = "def f(x):\n    if x:\n        return 1\n"
    assert corruptor({"m.py": whole}, Corruption.REMOVED_GUARD).sites == ()
    nested = (
        "def f(x):\n    for y in x:\n        if y:\n            raise ValueError\n    return 1\n"
    )
    assert corruptor({"m.py": nested}, Corruption.REMOVED_GUARD).sites == ()


def test_a_range_of_zero_has_no_stop_to_lower() -> None:
    """more-itertools 10.5.0: `range(0)` made libcst refuse `-1` as an integer literal and
    the whole command crash while listing the sites."""
    c = corruptor(
        {"m.py": "def f():\n    return range(0), range(3, 0x10)\n"}, Corruption.OFF_BY_ONE
    )
    assert [s.description for s in c.sites] == ["range stop `0x10` -> `15`"]


def test_code_outside_functions_and_string_sums_are_not_sites() -> None:
    text = "LIMIT = 3 + 4\n\n\ndef greet(name):\n    return 'hi ' + name\n"
    assert corruptor({"m.py": text}).sites == ()


def test_a_file_libcst_cannot_parse_is_skipped() -> None:
    assert corruptor({"bad.py": "def f(:\n", "ok.py": "def g():\n    return 1\n"}).sites[
        0
    ].path == ("ok.py")
