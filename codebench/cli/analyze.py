"""`codebench analyze`: how one patch edits a repository, outside any run."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from codebench.cli.app import app
from codebench.cli.common import out
from codebench.errors import ConfigError
from codebench.tasks import Scope

if TYPE_CHECKING:
    from codebench.analysis import RepoTree


def _read(option: str, path: Path) -> str:
    if not path.is_file():
        raise ConfigError(f"{option} {path} does not exist")
    return path.read_text(encoding="utf-8", errors="replace")


def _read_diff(option: str, path: Path, tree: RepoTree) -> str:
    """The text of a unified diff that changes at least one text file of `tree`.

    Raises:
        ConfigError: naming the option and the file when it is missing, is no unified diff,
            changes no text file or does not apply to `tree`.
    """
    from codebench.analysis import AnalysisInputError
    from codebench.analysis.diffs import file_diffs

    text = _read(option, path)
    try:
        changes = file_diffs(text, tree.files.get)
    except AnalysisInputError as exc:
        raise ConfigError(f"{option} {path}: {exc}") from exc
    if not changes:
        raise ConfigError(
            f"{option} {path}: no file changes found; expected a unified diff "
            "('--- a/path' / '+++ b/path' headers, then '@@' hunks)"
        )
    return text


@app.command("analyze")
def analyze_command(
    repo: Annotated[Path, typer.Option(help="The repository the patch applies to.")],
    patch: Annotated[Path, typer.Option(help="The patch (unified diff) to analyse.")],
    gold: Annotated[Path | None, typer.Option(help="A reference patch to score against.")] = None,
    scope: Annotated[
        Scope | None, typer.Option(help="The task's declared scope, without --gold.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Analyse how a patch edits a Python repository: scope, churn, style drift, cross-file."""
    from codebench.analysis import AnalysisInputError, RepoTree, analyze
    from codebench.report.analysis_view import analysis_table

    if not repo.is_dir():
        raise ConfigError(f"--repo {repo} is not a directory")
    tree = RepoTree.from_dir(repo)
    patch_text = _read_diff("--patch", patch, tree)
    gold_text = _read_diff("--gold", gold, tree) if gold is not None else None
    try:
        analysis = analyze(tree, patch_text, gold_text, scope)
    except AnalysisInputError as exc:
        raise ConfigError(f"{patch}: {exc}") from exc
    if as_json:
        out.print_json(analysis.model_dump_json())
    else:
        out.print(analysis_table(analysis))
