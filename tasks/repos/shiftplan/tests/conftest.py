from datetime import date, time

import pytest

from shiftplan import Contract, Shift, ShiftKind, ShiftTemplate, Skill, Staff, Team


@pytest.fixture
def team() -> Team:
    """Return a small ward team."""
    return Team(
        [
            Staff("ana", "Ana Silva", frozenset({Skill.NURSE, Skill.SENIOR})),
            Staff("ben", "Ben Okafor", frozenset({Skill.NURSE})),
            Staff("cat", "Cat Doyle", frozenset({Skill.CARER}), nights_ok=False),
            Staff("dev", "Dev Patel", frozenset({Skill.CARER, Skill.COOK}), Contract.PART_TIME, max_hours=24.0),
        ]
    )


@pytest.fixture
def templates() -> list[ShiftTemplate]:
    """Return the ward's standard early, late and night nurse shifts."""
    return [
        ShiftTemplate("early", time(7), time(15), Skill.NURSE, kind=ShiftKind.EARLY),
        ShiftTemplate("late", time(14), time(22), Skill.NURSE, kind=ShiftKind.LATE),
        ShiftTemplate("night", time(21, 30), time(7, 30), Skill.NURSE, kind=ShiftKind.NIGHT),
    ]


@pytest.fixture
def monday() -> date:
    """Return Monday 6 January 2025."""
    return date(2025, 1, 6)


@pytest.fixture
def early_shift(monday: date) -> Shift:
    """Return a single early nurse shift on the Monday."""
    return Shift("mon-early", monday, time(7), time(15), Skill.NURSE)
