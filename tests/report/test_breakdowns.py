"""Figures by where the tasks came from and by a synthesized task's corruption (issue 16):
rates with intervals, and the excess edit distance over the resolved attempts only."""

from __future__ import annotations

import json

from codebench.report import build_leaderboard
from codebench.report.leaderboard import Leaderboard
from codebench.results import Status, TaskResult
from codebench.tasks import Corruption, Origin, Scope
from tests.conftest import WHEN, analysed, result


def made(row: TaskResult, origin: Origin | None, kind: Corruption | None = None) -> TaskResult:
    return row.model_copy(update={"origin": origin, "corruption": kind})


def excess(row: TaskResult, distance: float) -> TaskResult:
    row = analysed(row, 0.0, 0.0, [])
    assert row.analysis is not None
    return row.model_copy(
        update={"analysis": row.analysis.model_copy(update={"excess_edit_distance": distance})}
    )


def rows() -> list[TaskResult]:
    r, u = Status.RESOLVED, Status.UNRESOLVED
    op, rename = Corruption.COMPARISON, Corruption.RENAMED_FUNCTION
    return [
        made(result("core-a", Scope.LOCAL, "m", r), Origin.CORE),
        made(result("core-b", Scope.GLOBAL, "m", u), Origin.CORE),
        made(excess(result("syn-a", Scope.LOCAL, "m", r), 0.2), Origin.SYNTH, op),
        made(excess(result("syn-b", Scope.LOCAL, "m", r), 0.0), Origin.SYNTH, op),
        # unresolved: its distance says nothing of over-editing a repair it did not make
        made(excess(result("syn-c", Scope.LOCAL, "m", u), 0.9), Origin.SYNTH, op),
        made(result("syn-d", Scope.GLOBAL, "m", u), Origin.SYNTH, rename),
        made(result("old", Scope.LOCAL, "m", r), None),  # stored before origins were kept
    ]


def test_rates_by_origin_and_by_corruption() -> None:
    (entry,) = build_leaderboard(rows(), created_at=WHEN).models
    core, synth = entry.by_origin[Origin.CORE], entry.by_origin[Origin.SYNTH]
    assert (core.samples, core.resolved, core.resolved_rate) == (2, 1, 0.5)
    assert (synth.samples, synth.resolved, synth.resolved_rate) == (4, 2, 0.5)
    assert synth.ci_low is not None and synth.ci_high is not None
    assert synth.ci_low <= 0.5 <= synth.ci_high
    assert synth.excess_edit_distance == 0.1  # over syn-a and syn-b only
    assert core.excess_edit_distance is None  # nothing resolved was analysed
    assert set(entry.by_origin) == {Origin.CORE, Origin.SYNTH}  # "old" is in no slice
    by_kind = entry.by_corruption
    assert by_kind[Corruption.COMPARISON].resolved_rate == round(2 / 3, 4)
    assert by_kind[Corruption.RENAMED_FUNCTION].resolved_rate == 0.0
    assert entry.resolved.overall.samples == 7  # the overall rate still counts every row


def test_the_split_survives_the_file_and_older_files_load() -> None:
    board = build_leaderboard(rows(), created_at=WHEN)
    data = json.loads(board.model_dump_json(by_alias=True))
    assert data["models"][0]["by_origin"]["synth"]["resolved"] == 2
    assert data["models"][0]["by_corruption"]["renamed_function"]["samples"] == 1
    for key in ("by_origin", "by_corruption"):
        del data["models"][0][key]
    older = Leaderboard.model_validate(data)
    assert older.models[0].by_origin == {} and older.models[0].by_corruption == {}


def test_the_page_shows_the_split_only_when_there_is_one() -> None:
    from codebench.report.page import render_page
    from tests.conftest import RESULTS

    page = render_page([build_leaderboard(rows(), created_at=WHEN)])
    origin = page.split("<table id='by-origin'", 1)[1].split("</table>", 1)[0]
    assert "synth excess" in origin and "50.0%" in origin and ">0.100<" in origin
    kinds = page.split("<table id='by-corruption'", 1)[1].split("</table>", 1)[0]
    assert "renamed_function" in kinds and "66.7%" in kinds
    plain = render_page([build_leaderboard(RESULTS, created_at=WHEN)])
    assert "by-origin" not in plain and "by-corruption" not in plain
