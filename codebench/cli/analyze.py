"""`codebench analyze`: how one patch edits a repository, outside any run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codebench.cli.app import app
from codebench.cli.common import out
from codebench.errors import ConfigError
from codebench.tasks import Scope


def _read(option: str, path: Path) -> str:
    if not path.is_file():
        raise ConfigError(f"{option} {path} does not exist")
    return path.read_text(encoding="utf-8", errors="replace")


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
    patch_text = _read("--patch", patch)
    gold_text = _read("--gold", gold) if gold is not None else None
    try:
        analysis = analyze(RepoTree.from_dir(repo), patch_text, gold_text, scope)
    except AnalysisInputError as exc:
        raise ConfigError(f"{patch}: {exc}") from exc
    if as_json:
        out.print_json(analysis.model_dump_json())
    else:
        out.print(analysis_table(analysis))
