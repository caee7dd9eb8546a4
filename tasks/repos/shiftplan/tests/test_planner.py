from datetime import date, time, timedelta

from shiftplan import Planner, ShiftTemplate, Skill, Team, build_shifts, validate
from shiftplan.rules import errors


def test_plan_fills_simple_day(team: Team, templates: list[ShiftTemplate]) -> None:
    shifts = build_shifts(templates[:1], [date(2025, 1, 6)])
    result = Planner(team).plan(shifts)
    assert result.complete
    assert result.rota.assigned_to("2025-01-06-early") == ["ana"]


def test_plan_balances_hours(team: Team, templates: list[ShiftTemplate]) -> None:
    days = [date(2025, 1, 6) + timedelta(days=offset) for offset in range(2)]
    result = Planner(team).plan(build_shifts(templates[:1], days))
    assert result.rota.assigned_to("2025-01-06-early") == ["ana"]
    assert result.rota.assigned_to("2025-01-07-early") == ["ben"]


def test_plan_only_uses_qualified_staff(team: Team) -> None:
    cook = ShiftTemplate("kitchen", time(8), time(14), Skill.COOK)
    result = Planner(team).plan(build_shifts([cook], [date(2025, 1, 6)]))
    assert result.rota.assigned_to("2025-01-06-kitchen") == ["dev"]


def test_plan_reports_unfilled(team: Team) -> None:
    senior = ShiftTemplate("senior", time(9), time(17), Skill.SENIOR, headcount=2)
    result = Planner(team).plan(build_shifts([senior], [date(2025, 1, 6)]))
    assert not result.complete
    assert result.unfilled == {"2025-01-06-senior": 1}


def test_plan_keeps_opt_outs_off_nights(team: Team) -> None:
    night = ShiftTemplate("cnight", time(22), time(6), Skill.CARER)
    result = Planner(team).plan(build_shifts([night], [date(2025, 1, 6)]))
    assert result.rota.assigned_to("2025-01-06-cnight") == ["dev"]


def test_plan_respects_weekly_limit(team: Team) -> None:
    care = ShiftTemplate("care", time(8), time(20), Skill.CARER)
    days = [date(2025, 1, 5) + timedelta(days=offset) for offset in range(7)]
    result = Planner(team).plan(build_shifts([care], days))
    assert result.rota.total_hours("dev") <= 24.0
    assert not any(v.rule == "weekly_hours" for v in validate(result.rota, team))


def test_plan_of_standard_week_is_error_free(team: Team, templates: list[ShiftTemplate]) -> None:
    days = [date(2025, 1, 6) + timedelta(days=offset) for offset in range(3)]
    result = Planner(team).plan(build_shifts(templates[:1] + templates[2:], days))
    assert result.complete
    assert errors(validate(result.rota, team)) == []

