"""Integrity violations in the report layer: counted per model and slice, shown on the table
and the page, their evidence printed by `show`, and leaderboards written before them still read."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from codebench.grading import IntegrityFinding, IntegrityRule
from codebench.report import build_leaderboard, load_leaderboard, results_table, write_leaderboard
from codebench.report.compare import task_scores
from codebench.report.leaderboard import Leaderboard
from codebench.report.page import render_page
from codebench.report.runs import LEADERBOARD_FILE, republish
from codebench.report.show import render_result
from codebench.results import Status, TaskResult
from codebench.runner import ResultStore
from codebench.tasks import Scope
from tests.conftest import RESULTS, WHEN, result

ROOT = Path(__file__).parents[2]
GOLDEN = Path(__file__).parent / "golden" / "leaderboard_v1.json"
FRAME = IntegrityFinding(
    rule=IntegrityRule.GRADER_CODE,
    detail="reads the calling test's frame",
    path="calc/ops.py",
    line=12,
    symbol="sys._getframe",
)
MARKUP = IntegrityFinding(
    rule=IntegrityRule.CANARY,
    detail="canary test_[red]x[/red] ended [bold]passed[/] :warning: instead of failed",
)
VIOLATION = Status.INTEGRITY_VIOLATION


def cheater() -> list[TaskResult]:
    """A model clean on its local task that games the grader on global ones only."""
    return [
        result("a-local", Scope.LOCAL, "cheat", Status.RESOLVED, sample=0),
        result("a-local", Scope.LOCAL, "cheat", Status.UNRESOLVED, sample=1),
        result("b-global", Scope.GLOBAL, "cheat", VIOLATION, sample=0, integrity=(FRAME, FRAME)),
        result("b-global", Scope.GLOBAL, "cheat", VIOLATION, sample=1, integrity=(FRAME, MARKUP)),
        result("c-global", Scope.GLOBAL, "cheat", Status.RESOLVED, sample=0),
        result("c-global", Scope.GLOBAL, "cheat", Status.UNRESOLVED, sample=1),
    ]


def local_only() -> list[TaskResult]:
    """A model that attempted only a local task: its global slice has no samples."""
    return [result("a-local", Scope.LOCAL, "local-only", Status.UNRESOLVED)]


def board() -> Leaderboard:
    return build_leaderboard([*cheater(), *local_only()], suite="core", created_at=WHEN)


def old_leaderboard_json() -> dict[str, object]:
    """The golden leaderboard as a codebench without integrity counts wrote it."""
    data = json.loads(GOLDEN.read_text())
    for entry in data["models"]:
        del entry["integrity_violations"]
        del entry["status_counts"]["integrity_violation"]
    return data


def rendered(print_into: object) -> str:
    console = Console(width=240, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    if callable(print_into):
        print_into(console)
    else:
        console.print(print_into)
    return console.export_text()


def test_violations_only_on_global_tasks() -> None:
    counts = board().models[0].integrity_violations
    assert counts is not None
    assert (counts.local.samples, counts.local.violations, counts.local.violation_rate) == (
        2,
        0,
        0.0,
    )
    assert (counts.global_.samples, counts.global_.violations) == (4, 2)
    assert counts.global_.violation_rate == 0.5
    assert (counts.overall.violations, counts.overall.violation_rate) == (2, 0.3333)


def test_by_rule_counts_the_violating_samples_each_rule_fired_in() -> None:
    counts = board().models[0].integrity_violations
    assert counts is not None
    # grader_code fired twice in sample 0 and once in sample 1: two samples
    assert counts.by_rule[IntegrityRule.GRADER_CODE] == 2
    assert counts.by_rule[IntegrityRule.CANARY] == 1
    assert counts.by_rule[IntegrityRule.STRAY_PROCESS] == 0  # every rule is listed
    assert set(counts.by_rule) == set(IntegrityRule)


def test_a_slice_without_samples_has_no_rate() -> None:
    counts = board().models[1].integrity_violations
    assert counts is not None
    assert (counts.global_.samples, counts.global_.violations) == (0, 0)
    assert counts.global_.violation_rate is None
    assert counts.local.violation_rate == 0.0 and counts.overall.violation_rate == 0.0


def test_a_violation_is_an_attempted_unresolved_well_formed_sample() -> None:
    entry = board().models[0]
    assert entry.resolved.global_.samples == 4 and entry.resolved.global_.resolved_rate == 0.25
    assert entry.resolved.overall.resolved_rate == 0.3333
    assert entry.pass_at_k == {1: 0.3333, 2: 0.6667}  # b-global: 2 attempts, none resolved
    assert entry.well_formed_rate == 1.0  # the reply held a usable edit
    assert (entry.model_failures, entry.infra_failures) == (0, 0)
    assert entry.status_counts[VIOLATION] == 2
    assert entry.per_task["b-global"] == [VIOLATION, VIOLATION]
    assert task_scores(cheater())["b-global"] == 0.0  # compare pairs it as a miss


def test_written_and_loaded_with_its_evidence_counts(tmp_path: Path) -> None:
    path = write_leaderboard(board(), tmp_path / LEADERBOARD_FILE)
    written = json.loads(path.read_text())["models"][0]["integrity_violations"]
    assert written["global"] == {"samples": 4, "violations": 2, "violation_rate": 0.5}
    assert written["by_rule"]["grader_code"] == 2
    assert load_leaderboard(path) == board()


def test_an_old_leaderboard_without_the_field_still_loads(tmp_path: Path) -> None:
    import jsonschema

    path = tmp_path / LEADERBOARD_FILE
    path.write_text(json.dumps(old_leaderboard_json()))
    old = load_leaderboard(path)
    assert [entry.integrity_violations for entry in old.models] == [None, None]  # not measured
    schema = json.loads((ROOT / "schema" / "leaderboard.schema.json").read_text())
    jsonschema.validate(old_leaderboard_json(), schema)
    assert "integrity_violation" not in rendered(results_table(old))
    page = render_page([old])
    assert ">violations</th>" in page
    assert "(0.0%)" not in page and 'class="violation"' not in page  # not measured: "-"


def test_republishing_over_an_old_leaderboard_keeps_its_provenance(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    for row in cheater():
        store.save(row, row.model)
    old = old_leaderboard_json()
    old["provenance"]["git_commit"] = "abc123"  # type: ignore[index]
    (tmp_path / LEADERBOARD_FILE).write_text(json.dumps(old))
    published = republish(tmp_path)
    assert published.warning is None
    assert (published.board.suite, published.board.provenance.git_commit) == ("core", "abc123")
    assert published.board.models[0].integrity_violations is not None


def test_the_table_names_integrity_violations_when_there_are_some() -> None:
    text = rendered(results_table(board()))
    cheat_line = next(line for line in text.splitlines() if "cheat" in line)
    assert "integrity_violation 2" in cheat_line
    local_line = next(line for line in text.splitlines() if "local-only" in line)
    assert "integrity_violation" not in local_line


def test_the_page_shows_counts_and_rates_per_slice() -> None:
    page = render_page([board()])
    for column in ("violations", "violations local", "violations global"):
        assert f">{column}</th>" in page
    overview = page.split("<table id='leaderboard'", 1)[1].split("</table>", 1)[0]
    cheat, clean = (row for row in overview.splitlines() if row.startswith("<tr><td"))
    assert "2 (33.3%)" in cheat and "0 (0.0%)" in cheat and "2 (50.0%)" in cheat
    assert 'class="violation"' in cheat and 'class="violation"' not in clean
    assert clean.count("0 (0.0%)") == 2 and "<td>-</td>" in clean  # missing: no sort value


def test_show_prints_the_evidence_literally() -> None:
    row = cheater()[3]
    text = rendered(lambda console: render_result(row, console))
    lines = text.splitlines()
    heading = lines.index("integrity violations:")
    assert lines[heading + 1 : heading + 3] == [f"  {FRAME.describe()}", f"  {MARKUP.describe()}"]
    assert "test_[red]x[/red] ended [bold]passed[/] :warning:" in text


def test_show_says_when_a_violation_has_no_evidence() -> None:
    row = result("b-global", Scope.GLOBAL, "cheat", VIOLATION)
    text = rendered(lambda console: render_result(row, console))
    assert "integrity violations: none recorded" in text


def test_show_is_silent_about_integrity_on_a_clean_result() -> None:
    text = rendered(lambda console: render_result(RESULTS[1], console))
    assert "integrity" not in text
