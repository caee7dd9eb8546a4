from datetime import date, time

import pytest

from shiftplan import Rota, Shift, Skill


def test_assign_and_lookup(early_shift: Shift) -> None:
    rota = Rota([early_shift])
    rota.assign(early_shift.id, "ana")
    assert rota.assigned_to(early_shift.id) == ["ana"]
    assert rota.shifts_for("ana") == [early_shift]
    assert rota.is_filled()


def test_assign_refuses_full_shift(early_shift: Shift) -> None:
    rota = Rota([early_shift])
    rota.assign(early_shift.id, "ana")
    with pytest.raises(ValueError):
        rota.assign(early_shift.id, "ben")


def test_unassign(early_shift: Shift) -> None:
    rota = Rota([early_shift])
    rota.assign(early_shift.id, "ana")
    rota.unassign(early_shift.id, "ana")
    assert rota.gaps() == {early_shift.id: 1}
    with pytest.raises(ValueError):
        rota.unassign(early_shift.id, "ana")


def test_unknown_shift() -> None:
    with pytest.raises(KeyError):
        Rota().assign("nope", "ana")


def test_total_hours_counts_overnight_shift() -> None:
    saturday_night = Shift("sat-n", date(2025, 1, 11), time(22), time(8), Skill.NURSE)
    sunday_late = Shift("sun-l", date(2025, 1, 12), time(18), time(22), Skill.NURSE)
    rota = Rota([saturday_night, sunday_late])
    rota.assign("sat-n", "ben")
    rota.assign("sun-l", "ben")
    assert rota.total_hours("ben") == 14.0
    assert rota.shifts_for("ben") == [saturday_night, sunday_late]


def test_gaps_counts_missing_people() -> None:
    shift = Shift("big", date(2025, 1, 6), time(8), time(16), Skill.CARER, headcount=3)
    rota = Rota([shift])
    rota.assign("big", "cat")
    assert rota.gaps() == {"big": 2}
    assert rota.staff_ids() == ["cat"]
