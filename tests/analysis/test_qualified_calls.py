"""Cross-file call sites resolved by fully qualified name, not by bare name (issue 13, item 1).

Each test is a small repository as a dict, a patch as before/after texts, and the stale call
sites the analyzer must report. Bare-name matching broke every case marked "Regression".
"""

from __future__ import annotations

from codebench.analysis import Finding, FindingKind, RepoTree, analyze
from codebench.patching.render import render_diff

CALC = "def total(items):\n    return sum(items)\n"
ORDERS = (
    "class Order:\n"
    "    def __init__(self, items):\n"
    "        self.items = items\n"
    "\n"
    "    def total(self):\n"
    "        return sum(self.items)\n"
)
BASE = {"pkg/__init__.py": "", "pkg/calc.py": CALC, "pkg/orders.py": ORDERS}
RESIGNED = "def total(items, tax):\n    return sum(items) + tax\n"
RENAMED = "def grand_total(items):\n    return sum(items)\n"


def stale(files: dict[str, str], calc: str = RESIGNED, path: str = "pkg/calc.py") -> list[str]:
    """The stale call sites, as text, of a patch that rewrites `path` in `files`."""
    base = {**BASE, **files}
    patch = render_diff(base, {**base, path: calc})
    return [str(f) for f in analyze(RepoTree(base), patch).stale_call_sites]


def test_a_method_of_the_same_name_is_not_the_function() -> None:
    """Regression: re-signing `calc.total()` flagged every `order.total()` in other files."""
    report = (
        "from pkg.orders import Order\n"
        "\n"
        "\n"
        "def line(order):\n"
        "    return order.total()\n"
        "\n"
        "\n"
        "def make():\n"
        "    return Order([1]).total()\n"
    )
    assert stale({"pkg/report.py": report}) == []


def test_a_call_through_an_import_alias_is_stale() -> None:
    """Regression: `from m import f as g; g(1)` was never matched to `f`."""
    app = "from pkg.calc import total as add_up\n\nX = add_up([1])\n"
    assert stale({"pkg/app.py": app}) == ["pkg/app.py:3 add_up()"]


def test_a_relative_import_alias_is_stale() -> None:
    """Regression: `from .calc import total as t; t(1)` was never matched to `total`."""
    app = "from .calc import total as t\n\nX = t([1])\n"
    assert stale({"pkg/app.py": app}) == ["pkg/app.py:3 t()"]


def test_a_call_through_a_module_alias_is_stale() -> None:
    app = "import pkg.calc as m\n\nX = m.total([1])\n"
    assert stale({"pkg/app.py": app}) == ["pkg/app.py:3 total()"]


def test_a_call_through_an_imported_submodule_is_stale() -> None:
    app = "from pkg import calc\n\nX = calc.total([1])\n"
    assert stale({"pkg/app.py": app}) == ["pkg/app.py:3 total()"]


def test_a_function_of_the_same_name_in_another_module_is_not_stale() -> None:
    """Regression: another module's own `total()` was taken for the re-signed one."""
    other = "def total(x):\n    return x\n\n\nY = total(1)\n"
    assert stale({"pkg/other.py": other}) == []


def test_a_shadowing_local_is_not_stale() -> None:
    """Regression: a parameter or local variable named like the function was taken for it."""
    shadow = (
        "from pkg.calc import total\n"
        "\n"
        "\n"
        "def by_param(total):\n"
        "    return total([1])\n"
        "\n"
        "\n"
        "def by_local():\n"
        "    total = len\n"
        "    return total([1])\n"
        "\n"
        "\n"
        "X = total([1])\n"
    )
    assert stale({"pkg/shadow.py": shadow}) == ["pkg/shadow.py:13 total()"]


def test_a_removed_function_is_stale_though_a_method_keeps_its_name() -> None:
    """Regression: a removed `total()` counted as still defined because `Order.total` exists,
    so its callers were never reported."""
    app = "from pkg.calc import total\n\nX = total([1])\n"
    assert stale({"pkg/app.py": app}, calc=RENAMED) == [
        "pkg/app.py:1 import total",
        "pkg/app.py:3 total()",
    ]


def test_a_function_moved_but_still_importable_is_not_removed() -> None:
    moved = {"pkg/util.py": CALC, "pkg/app.py": "from pkg.calc import total\n\nX = total([1])\n"}
    assert stale(moved, calc="from pkg.util import total\n") == []


def test_a_re_export_from_the_package_is_followed() -> None:
    files = {
        "pkg/__init__.py": "from pkg.calc import total\n",
        "app.py": "from pkg import total\n\nX = total([1])\n",
    }
    assert stale(files) == ["app.py:3 total()"]


def test_src_layout_modules_drop_the_src_prefix() -> None:
    files = {
        "src/pkg/__init__.py": "",
        "src/pkg/calc.py": CALC,
        "src/pkg/app.py": "from pkg.calc import total\n\nX = total([1])\n",
    }
    assert stale(files, path="src/pkg/calc.py") == ["src/pkg/app.py:3 total()"]


def test_a_re_signed_method_still_flags_instance_calls_but_not_module_calls() -> None:
    report = (
        "from pkg import calc\n\n\ndef line(order):\n    return order.total() + calc.total([1])\n"
    )
    orders = ORDERS.replace("def total(self):", "def total(self, currency):")
    assert stale({"pkg/report.py": report}, calc=orders, path="pkg/orders.py") == [
        "pkg/report.py:5 total()"
    ]


def test_a_call_through_a_star_import_is_stale() -> None:
    """Regression: `from pkg.calc import *; total(1)` resolved to nothing and was missed."""
    app = "from pkg.calc import *\n\nX = total([1])\n"
    assert stale({"pkg/app.py": app}) == ["pkg/app.py:3 total()"]


def test_a_star_import_does_not_claim_a_name_defined_in_the_file() -> None:
    app = "from pkg.calc import *\n\n\ndef total(x):\n    return x\n\n\nX = total([1])\n"
    assert stale({"pkg/app.py": app}) == []


def test_a_re_export_through_a_star_import_is_followed() -> None:
    """Regression: a package's `from .calc import *` re-export hid `pkg.total()` callers."""
    files = {
        "pkg/__init__.py": "from .calc import *\n",
        "app.py": "import pkg\n\nX = pkg.total([1])\n",
    }
    assert stale(files) == ["app.py:3 total()"]


def test_a_call_through_a_module_level_alias_is_stale() -> None:
    """Regression: `add_up = calc.total; add_up(1)` was never matched to `total`."""
    app = "from pkg import calc\n\nadd_up = calc.total\nX = add_up([1])\n"
    assert stale({"pkg/app.py": app}) == ["pkg/app.py:4 add_up()"]


def test_an_alias_of_a_removed_function_is_a_stale_reference() -> None:
    """Regression: `add_up = calc.total` fails at import once `total` is gone; unreported."""
    app = "from pkg import calc\n\nadd_up = calc.total\n"
    assert stale({"pkg/app.py": app}, calc=RENAMED) == ["pkg/app.py:3 add_up = total"]


def test_a_self_call_of_the_class_own_method_resolves_exactly() -> None:
    """Regression: re-signing `Order.total` flagged `self.total()` in an unrelated class that
    defines its own `total`."""
    invoice = (
        "class Invoice:\n"
        "    def total(self):\n"
        "        return 0\n"
        "\n"
        "    def show(self):\n"
        "        return self.total()\n"
    )
    orders = ORDERS.replace("def total(self):", "def total(self, currency):")
    orders += "\n    def show(self):\n        return self.total()\n"
    assert stale({"pkg/invoice.py": invoice}, calc=orders, path="pkg/orders.py") == [
        "pkg/orders.py:9 total()"
    ]


def test_a_self_call_of_an_inherited_method_still_matches_by_name() -> None:
    rush = "from pkg.orders import Order\n\n\nclass Rush(Order):\n    def show(self):\n"
    rush += "        return self.total()\n"
    orders = ORDERS.replace("def total(self):", "def total(self, currency):")
    assert stale({"pkg/rush.py": rush}, calc=orders, path="pkg/orders.py") == [
        "pkg/rush.py:6 total()"
    ]


def test_findings_are_typed() -> None:
    app = "from pkg.calc import total as add_up\n\nX = add_up([1])\n"
    base = {**BASE, "pkg/app.py": app}
    patch = render_diff(base, {**base, "pkg/calc.py": RESIGNED})
    assert analyze(RepoTree(base), patch).stale_call_sites == [
        Finding(path="pkg/app.py", line=3, name="add_up", kind=FindingKind.STALE_CALL)
    ]
