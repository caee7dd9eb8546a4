"""The shallow path of name resolution (read off the `ast`, no libcst scopes) gives the same
`ResolvedFile` as libcst's `ScopeProvider` path, on every input it takes, and declines the
rest.

Each case is resolved twice: by `resolve_file` (which takes the shallow path where it can) and
by `resolve_by_scopes` (libcst alone). They must be equal, with calls and with calls left out
(`calls=False`, what test files get: only their imports are read).
"""

from __future__ import annotations

import pytest

from codebench.analysis.names import forget_texts, resolve_by_scopes, resolve_file
from codebench.analysis.resolved import ResolvedFile

NASTY = {
    # the name only in a string, a comment and a docstring: nothing to resolve
    "strings": '"""total() is gone."""\n# total(1)\nX = "total(items)"\n',
    # a definition and a decorator of the name, no call
    "definition": "import functools\n\n@functools.cache\ndef total(items):\n    return 1\n",
    # a decorator that *calls* the name: a call, so libcst decides
    "decorator_call": "from pkg.calc import total\n\n@total(1)\ndef f():\n    pass\n",
    # an alias import, called and not called
    "alias_called": "from pkg.calc import total as add_up\n\nX = add_up([1])\n",
    "alias_unused": "from pkg.calc import total as add_up\nfrom pkg import calc\n",
    # a module attribute call
    "module_attribute": "import pkg.calc as m\n\nX = m.total([1])\n",
    "module_attribute_unused": "import pkg.calc as m\n\nY = m\n",
    # star imports, at the top and nested (only the top one counts)
    "star": "from pkg.calc import *\nif True:\n    from pkg.other import *\n",
    "star_relative": "from .calc import *\nfrom .. import *\nfrom ...deep import *\n",
    # a module-level alias of the name: libcst resolves its value
    "module_alias": "from pkg import calc\n\ng = calc.total\nh = total\n",
    # getattr with the name as a string: no call of the name
    "getattr_string": "import pkg.calc\n\nf = getattr(pkg.calc, 'total')\nf([1])\n",
    # relative imports of every depth, some past the top package
    "relative": (
        "from . import total\nfrom .calc import total as t\nfrom ..up import x, y as z\n"
        "from .... import far\nfrom __future__ import annotations\n"
    ),
    # imports inside a function, a class, a try and an if: `bound` only at module level
    "nested_imports": (
        "try:\n    from pkg.calc import total\nexcept ImportError:\n    total = None\n"
        "if total:\n    from pkg.calc import other\n"
        "def f():\n    from pkg.calc import inner\n    return inner\n"
        "class C:\n    from pkg.calc import attr\n"
        "async def g():\n    from pkg.calc import deep\n"
    ),
    # a method of the same name called on self, and on an instance
    "self_method": (
        "class Order:\n    def total(self):\n        return 1\n\n"
        "    def grand(self):\n        return self.total() + Order().total()\n"
    ),
    # global and nonlocal declarations (libcst raises on a module-level nonlocal)
    "global": "X = 1\ndef f():\n    global X\n    X = 2\n",
    "nonlocal_at_module": "nonlocal total\nfrom pkg.calc import total\n",
    # calls in f-strings, lambdas, defaults, comprehensions
    "fstring_call": "from pkg.calc import total\n\nX = f'{total([1])!r:>{10}}'\n",
    "lambda_default": "from pkg.calc import total\n\ndef f(a=total):\n    return lambda: a\n",
    "comprehension": "from pkg.calc import total\n\nX = [total(i) for i in range(3)]\n",
    # several statements on one line, imports and aliases among them
    "semicolons": "from a import b; from c import total as d; e = 1\n",
    "semicolon_alias": "import m; x = m.total\n",
    # the name shadowed by a parameter and a local, and only imported elsewhere
    "shadowed": "def f(total):\n    return total\n\ndef g():\n    total = 1\n    return total\n",
    # a match statement, a walrus, an except name, a class of the name
    "binders": (
        "match x:\n    case {'total': total}:\n        pass\n"
        "if (total := 1):\n    pass\n"
        "try:\n    pass\nexcept E as total:\n    pass\n"
        "class total:\n    pass\n"
    ),
    # ast parses, libcst does not (or the other way round): the error is the same
    "syntax_error": "def f(:\n    pass\n",
    "python2_print": "print 'total'\n",
    "lone_cr": "x = 1\rtotal = 2\r",
    "form_feed": "\x0cfrom pkg.calc import total\n\x0cdef f():\n    return 1\n",
    "tabs": "if True:\n\tfrom pkg.calc import total\n\tdef f():\n\t\treturn 1\n",
    "empty": "",
}
PATHS = ("pkg/app.py", "pkg/__init__.py", "app.py", "src/pkg/sub/mod.py")
NAMES = (frozenset({"total"}), frozenset({"total", "add_up"}), frozenset({"missing"}))


def _without_calls(resolved: ResolvedFile | object) -> object:
    if isinstance(resolved, ResolvedFile):
        return ResolvedFile((), resolved.imports, resolved.star_imports)
    return resolved


@pytest.mark.parametrize("case", sorted(NASTY))
def test_the_shallow_path_gives_what_libcst_gives(case: str) -> None:
    """Regression guard for the shallow path: every nasty input, every path and name set."""
    source = NASTY[case]
    for path in PATHS:
        for names in NAMES:
            forget_texts()
            reference = resolve_by_scopes(path, source, names)
            assert resolve_file(path, source, names) == reference, (path, sorted(names))
            shallow = resolve_file(path, source, names, calls=False)
            assert shallow == _without_calls(reference), (path, sorted(names))


def test_the_shallow_path_is_taken_where_nothing_needs_a_scope() -> None:
    """The cases the shallow path exists for do not run libcst's `ScopeProvider`."""
    import libcst.metadata

    calls = 0
    real = libcst.metadata.MetadataWrapper.resolve

    def counting(self: libcst.metadata.MetadataWrapper, provider: type) -> object:
        nonlocal calls
        calls += 1
        return real(self, provider)

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(libcst.metadata.MetadataWrapper, "resolve", counting)
        for case in ("strings", "definition", "alias_unused", "star", "relative"):
            forget_texts()
            assert isinstance(resolve_file("pkg/app.py", NASTY[case], {"total"}), ResolvedFile)
        forget_texts()
        resolve_file("pkg/app.py", NASTY["alias_called"], {"total"}, calls=False)
        assert calls == 0
        forget_texts()
        resolve_file("pkg/app.py", NASTY["alias_called"], {"total"})
        assert calls == 1
