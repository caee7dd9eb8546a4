"""The global kinds of `tasks synth`: an API change made where the API is defined, and in the
tests (they follow it, as the developer's own change would), while the other modules that use
the API are left as they were. The gold patch is their follow-up: what a developer finishing
the change writes, known by construction.

- `renamed_function`: a top-level function `f` renamed `f_impl` in its module;
- `new_parameter`: a top-level function given a required keyword-only parameter, which the
  calls pass as `None`;
- `moved_constant`: a module-level constant moved to a sibling module (`moved_constants`).

Which files use a name is `api_usage`'s rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from codebench.authoring.api_usage import (
    MIN_FOLLOWERS,
    ApiChange,
    SourceFiles,
    api_change,
    changed_only,
    code_of,
    dotted_end,
    module_of,
    users_of,
)
from codebench.authoring.moved_constants import constant_of, moved_constant
from codebench.tasks import Corruption

NEW_PARAMETER_NAMES = ("options", "context", "mode", "flag")
SPACE = cst.SimpleWhitespace(" ")
NO_SPACE = cst.SimpleWhitespace("")


class _Follow(cst.CSTTransformer):
    """A file's uses of `name` followed: renamed `new`, or called with `keyword=None`.

    Bare names follow only where `bare` (the file imports the name, or defines it); attributes
    follow where their object is one of `refs` (a name for the module or its package)."""

    def __init__(
        self, name: str, bare: bool, refs: frozenset[str], new: str = "", keyword: str = ""
    ) -> None:
        super().__init__()
        self.name, self.bare, self.refs, self.new, self.keyword = name, bare, refs, new, keyword
        self._in_all = 0  # inside `__all__ = [...]`

    def _is_use(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self.bare and node.value == self.name
        return (
            isinstance(node, cst.Attribute)
            and node.attr.value == self.name
            and dotted_end(node.value) in self.refs
        )

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:  # noqa: N802
        if self.new and self.bare and original_node.value == self.name:
            return updated_node.with_changes(value=self.new)
        return updated_node

    def leave_Attribute(  # noqa: N802
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.Attribute:
        attr = original_node.attr  # another object's attribute of that name stays
        if self.new and self._is_use(original_node):
            attr = attr.with_changes(value=self.new)
        return updated_node.with_changes(attr=attr)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:  # noqa: N802
        return updated_node.with_changes(keyword=original_node.keyword)

    def visit_Assign(self, node: cst.Assign) -> None:  # noqa: N802
        if any(code_of(t.target) == "__all__" for t in node.targets):
            self._in_all += 1

    def leave_Assign(  # noqa: N802
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.Assign:
        if any(code_of(t.target) == "__all__" for t in original_node.targets):
            self._in_all -= 1
        return updated_node

    def leave_SimpleString(  # noqa: N802
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        # `__all__ = ["area"]`: a star import of a name no longer there fails
        named = self._in_all and original_node.evaluated_value == self.name
        if self.new and self.bare and named:
            quote = original_node.quote
            value = f"{original_node.prefix}{quote}{self.new}{quote}"
            return updated_node.with_changes(value=value)
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:  # noqa: N802
        if not self.keyword or not self._is_use(original_node.func):
            return updated_node
        args = list(updated_node.args)
        if args and not isinstance(args[-1].comma, cst.Comma):
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=SPACE))
        equal = cst.AssignEqual(whitespace_before=NO_SPACE, whitespace_after=NO_SPACE)
        args.append(cst.Arg(cst.Name("None"), keyword=cst.Name(self.keyword), equal=equal))
        return updated_node.with_changes(args=args)


def api_changes(path: str, files: SourceFiles, sources: frozenset[str]) -> list[ApiChange]:
    """Every API change of the module at `path` that at least `MIN_FOLLOWERS` of the
    `sources` (the repository's own modules, not tests) would have to follow."""
    module = files.module(path)
    if module is None:
        return []
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    found: list[ApiChange] = []
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and not statement.decorators:
            start = positions[statement.name].start
            found += _function_changes(path, files, sources, statement, (start.line, start.column))
        constant = constant_of(statement)
        if constant is not None:
            start = positions[constant].start
            found += moved_constant(path, files, sources, statement, (start.line, start.column))
    return found


def _function_changes(
    path: str,
    files: SourceFiles,
    sources: frozenset[str],
    function: cst.FunctionDef,
    at: tuple[int, int],
) -> list[ApiChange]:
    name, text = function.name.value, files.texts[path]
    if name.startswith("__"):
        return []
    followers, tests = users_of(path, name, files, sources)
    if len(followers) < MIN_FOLLOWERS:
        return []
    changes, new = [], f"{name}_impl"
    if not re.search(rf"\b{new}\b", "".join(files.texts[p] for p in [path, *followers, *tests])):
        said = f"The function `{name}` of `{path}` was renamed `{new}`"
        follow = _following(path, name, files, followers, tests, new=new)
        what = f"`{name}` renamed `{new}` in its module and the tests"
        changes.append(api_change(Corruption.RENAMED_FUNCTION, path, name, at, what, said,
                               followers, follow))  # fmt: skip
    keyword = next((n for n in NEW_PARAMETER_NAMES if not re.search(rf"\b{n}\b", text)), None)
    if keyword is not None:
        said = (
            f"The function `{name}` of `{path}` now takes a required keyword-only argument "
            f"`{keyword}`, which every call passes as `{keyword}=None`"
        )
        follow = _following(path, name, files, followers, tests, keyword=keyword)
        what = f"`{name}` given a required keyword-only `{keyword}`"
        changes.append(api_change(Corruption.NEW_PARAMETER, path, name, at, what, said,
                               followers, follow))  # fmt: skip
    return changes


def _following(
    path: str,
    name: str,
    files: SourceFiles,
    followers: list[str],
    tests: list[str],
    new: str = "",
    keyword: str = "",
) -> Callable[[], tuple[dict[str, str], dict[str, str]]]:
    """The change made: the defining module and the tests in the starting tree, the
    followers in the gold."""

    def follow(p: str) -> str:
        parsed = files.module(p)
        if parsed is None:
            return files.texts[p]
        refs = files.imports(p).refs(module_of(path))
        bare = files.imports(p).names_from(module_of(path), name)
        return parsed.visit(_Follow(name, bare, refs, new, keyword)).code

    def make() -> tuple[dict[str, str], dict[str, str]]:
        module = files.module(path)
        assert module is not None
        if keyword:
            module = _with_keyword_only(module, name, keyword)
        start = {path: module.visit(_Follow(name, True, frozenset(), new, keyword)).code}
        start |= {p: follow(p) for p in tests}
        return changed_only(files, start), changed_only(files, {p: follow(p) for p in followers})

    return make


def _with_keyword_only(module: cst.Module, name: str, keyword: str) -> cst.Module:
    """The module with `keyword` a required keyword-only parameter of its function `name`."""
    function = next(
        s for s in module.body if isinstance(s, cst.FunctionDef) and s.name.value == name
    )
    params = function.params
    new = cst.Param(cst.Name(keyword))
    if isinstance(params.star_arg, cst.Param | cst.ParamStar):  # `*args` or `*` already
        params = params.with_changes(kwonly_params=[*params.kwonly_params, new])
    else:
        params = params.with_changes(star_arg=cst.ParamStar(), kwonly_params=[new])
    changed = module.deep_replace(function, function.with_changes(params=params))
    assert isinstance(changed, cst.Module)
    return changed
