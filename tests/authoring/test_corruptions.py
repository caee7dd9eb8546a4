"""The libcst corruptions of `tasks synth`: every kind on the fixture package, the reversal
restoring every byte, what is never corrupted, the transforms' awkward inputs, and how global
kinds find the code that must follow an API change."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codebench.authoring.corruptions import Corrupted, Corruptor, Site, is_source_file
from codebench.tasks import Corruption
from codebench.tasks.loader import read_texts

SHAPES = Path(__file__).resolve().parent.parent / "fixtures" / "synth" / "shapes"


def corruptor(files: dict[str, str], *kinds: Corruption) -> Corruptor:
    return Corruptor(files, kinds or tuple(Corruption))


def made(c: Corruptor, site: Site) -> Corrupted:
    corrupted = c.corrupt(site)
    assert corrupted is not None, site
    return corrupted


def restored(tmp_path: Path, corrupted: Corrupted) -> dict[str, bytes]:
    """The files the gold patch edits, after `git apply` of it to the starting files."""
    for path in corrupted.fixed:
        text = corrupted.start.get(path, corrupted.originals[path])
        assert text is not None
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(text.encode())
    gold = corrupted.gold_patch()
    subprocess.run(["git", "apply", "-"], cwd=tmp_path, input=gold.encode(), check=True)
    return {path: (tmp_path / path).read_bytes() for path in corrupted.fixed}


def texts_of(corrupted: Corrupted) -> tuple[str, str]:
    """A local corruption's file: (original, corrupted)."""
    ((path, text),) = corrupted.start.items()
    original = corrupted.originals[path]
    assert original is not None and set(corrupted.fixed) == {path}
    return original, text


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
        assert texts_of(corrupted)[1] != text
        assert restored(tmp_path / str(number), corrupted) == {"pkg/m.py": text.encode()}


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
        "shapes/summary.py",
        "shapes/units.py",
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
        (
            Corruption.RENAMED_FUNCTION,
            "area",
            "`area` renamed `area_impl` in its module and the tests",
        ),
        (
            Corruption.NEW_PARAMETER,
            "perimeter",
            "`perimeter` given a required keyword-only `options`",
        ),
        (Corruption.MOVED_CONSTANT, "UNIT", "`UNIT` moved to `shapes/constants.py`"),
    }
    assert expected <= described
    for number, site in enumerate(c.sites):
        corrupted = made(c, site)
        if site.kind.scope.value == "local":
            original = corrupted.originals[site.path]
            assert original is not None
            assert restored(tmp_path / str(number), corrupted) == {site.path: original.encode()}
        else:
            fixed = {p: t.encode() for p, t in corrupted.fixed.items()}
            assert restored(tmp_path / str(number), corrupted) == fixed


def test_local_corruptions_change_one_line_only() -> None:
    c = corruptor(read_texts(SHAPES))
    for site in c.sites:
        if site.kind.scope.value != "local" or site.kind is Corruption.REMOVED_GUARD:
            continue
        original, text = texts_of(made(c, site))
        old, new = original.splitlines(), text.splitlines()
        changed = [n for n, (a, b) in enumerate(zip(old, new, strict=True), 1) if a != b]
        assert changed == [site.line], site


def test_global_kinds_need_two_source_modules_that_follow() -> None:
    """A function another module uses only once is no global site: its follow-up would be
    one file. Test files follow too, but in the starting tree."""
    c = corruptor(read_texts(SHAPES), *GLOBAL)
    assert {(s.kind, s.function, s.followers) for s in c.sites} == {
        (kind, name, followers)
        for kind in (Corruption.RENAMED_FUNCTION, Corruption.NEW_PARAMETER)
        for name, followers in (
            ("area", ("shapes/report.py", "shapes/summary.py")),
            ("perimeter", ("shapes/report.py", "shapes/summary.py")),
            ("is_square", ("shapes/report.py", "shapes/untested.py")),
        )
    } | {(Corruption.MOVED_CONSTANT, "UNIT", ("shapes/report.py", "shapes/summary.py"))}
    rename = next(s for s in c.sites if (s.kind, s.function) == (GLOBAL[0], "area"))
    corrupted = made(c, rename)
    assert set(corrupted.start) == {"shapes/geometry.py", "tests/test_geometry.py"}
    assert "area_impl(3, 4)" in corrupted.start["tests/test_geometry.py"]
    assert corrupted.context_files == ("shapes/geometry.py",)


GLOBAL = (Corruption.RENAMED_FUNCTION, Corruption.NEW_PARAMETER, Corruption.MOVED_CONSTANT)
USERS = {
    "pkg/__init__.py": '"""The package."""\n\nfrom pkg.m import area\n\n__all__ = ["area"]\n',
    "pkg/n.py": (
        "import pkg.m as measures\nfrom pkg import m\n\n\n"
        "def twice(box):\n    return m.area(box.area, 2) + measures.area(1, 2) + box.area(3)\n"
    ),
    "pkg/o.py": "from pkg import area\n\n\ndef once():\n    return area(1, area=3)\n",
}


def test_a_rename_follows_imports_module_attributes_and_all_but_no_other_object() -> None:
    """`box.area` is another object's; `area=` a keyword; the `__all__` entry is renamed
    (else the package's star import would fail)."""
    text = "def area(w, h):\n    return w * h\n"
    c = corruptor({"pkg/m.py": text, **USERS}, Corruption.RENAMED_FUNCTION)
    (site,) = c.sites
    corrupted = made(c, site)
    assert corrupted.start == {"pkg/m.py": text.replace("def area", "def area_impl")}
    assert corrupted.fixed == {
        "pkg/__init__.py": USERS["pkg/__init__.py"].replace("area", "area_impl"),
        "pkg/n.py": USERS["pkg/n.py"]
        .replace("m.area(box", "m.area_impl(box")
        .replace("measures.area(1", "measures.area_impl(1"),
        "pkg/o.py": USERS["pkg/o.py"]
        .replace("import area", "import area_impl")
        .replace("return area(", "return area_impl("),
    }


@pytest.mark.parametrize(
    ("signature", "changed"),
    [
        ("def area():", "def area(*, options):"),
        ("def area(a, b=1, *rest, c=2):", "def area(a, b=1, *rest, c=2, options):"),
        ("def area(a, **more):", "def area(a, *, options, **more):"),
    ],
)
def test_a_new_parameter_is_keyword_only_and_every_call_passes_it(
    signature: str, changed: str
) -> None:
    text = f"{signature}\n    return 0\n\n\ndef again():\n    return area()\n"
    c = corruptor({"pkg/m.py": text, **USERS}, Corruption.NEW_PARAMETER)
    (site,) = c.sites
    corrupted = made(c, site)
    expected = text.replace(signature, changed).replace("area()\n", "area(options=None)\n")
    assert corrupted.start == {"pkg/m.py": expected}
    assert (
        "m.area(box.area, 2, options=None) + measures.area(1, 2, options=None)"
        in (corrupted.fixed["pkg/n.py"])
    )
    assert "box.area(3)" in corrupted.fixed["pkg/n.py"]
    assert "area(1, area=3, options=None)" in corrupted.fixed["pkg/o.py"]


def test_a_new_parameter_name_is_one_the_module_does_not_use() -> None:
    text = "def area(options):\n    context = options\n    return context\n"
    c = corruptor({"pkg/m.py": text, **USERS}, Corruption.NEW_PARAMETER)
    assert [s.description for s in c.sites] == ["`area` given a required keyword-only `mode`"]


CONSTANTS = {
    "pkg/limits.py": '"""Limits."""\n\nLIMIT = (1, 2)\nOTHER = 3\nUSED = 4\nSUM = 1 + OTHER\n\n\n'
    "def used():\n    return USED\n",
    "pkg/a.py": "from pkg.limits import OTHER, LIMIT, USED, SUM\n",
    "pkg/b.py": "from .limits import (\n    LIMIT,\n    OTHER,\n)\n",
    "pkg/c.py": '"""C."""\nfrom pkg import limits\n\n\ndef f():\n    return limits.LIMIT\n',
    "pkg/d.py": "import pkg.limits\n\nX = pkg.limits.LIMIT, pkg.limits.SUM\n",
    "tests/test_limits.py": "from pkg.limits import LIMIT\n",
}


def test_a_moved_constant_goes_to_a_sibling_and_its_uses_follow() -> None:
    """A multi-name import is split; `limits.LIMIT` becomes `constants.LIMIT`, with the new
    module imported the way the old one is."""
    c = corruptor(CONSTANTS, Corruption.MOVED_CONSTANT)
    assert [s.function for s in c.sites] == ["LIMIT", "OTHER"]  # USED: one module imports it
    corrupted = made(c, c.sites[0])
    assert corrupted.start["pkg/constants.py"] == "LIMIT = (1, 2)\n"
    assert "LIMIT" not in corrupted.start["pkg/limits.py"]
    assert corrupted.start["tests/test_limits.py"] == "from pkg.constants import LIMIT\n"
    assert corrupted.fixed == {
        "pkg/a.py": "from pkg.limits import OTHER, USED, SUM\nfrom pkg.constants import LIMIT\n",
        "pkg/b.py": "from .limits import (\n    OTHER,\n)\nfrom .constants import LIMIT\n",
        "pkg/c.py": CONSTANTS["pkg/c.py"]
        .replace("limits.LIMIT", "constants.LIMIT")
        .replace("import limits\n", "import limits\nfrom pkg import constants\n"),
        "pkg/d.py": "import pkg.limits\nimport pkg.constants\n\n"
        "X = pkg.constants.LIMIT, pkg.limits.SUM\n",
    }
    assert corrupted.context_files == ("pkg/constants.py", "pkg/limits.py")


def test_a_constant_its_module_uses_is_named_through_the_new_module() -> None:
    """Importing it back would re-export it: no other module would break."""
    c = corruptor(CONSTANTS, Corruption.MOVED_CONSTANT)
    corrupted = made(c, c.sites[1])
    assert corrupted.start["pkg/limits.py"] == (
        '"""Limits."""\n\nfrom . import constants\n\nLIMIT = (1, 2)\nUSED = 4\n'
        "SUM = 1 + constants.OTHER\n\n\ndef used():\n    return USED\n"
    )


def test_a_constant_in_all_or_a_module_naming_the_new_one_does_not_move() -> None:
    listed = {**CONSTANTS, "pkg/limits.py": CONSTANTS["pkg/limits.py"] + '__all__ = ["LIMIT"]\n'}
    assert [s.function for s in corruptor(listed, Corruption.MOVED_CONSTANT).sites] == ["OTHER"]
    clash = {**CONSTANTS, "pkg/limits.py": CONSTANTS["pkg/limits.py"] + "constants = None\n"}
    assert corruptor(clash, Corruption.MOVED_CONSTANT).sites == ()


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
